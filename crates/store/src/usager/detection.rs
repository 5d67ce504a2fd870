//! Probable duplicates (*identitovigilance*): the files that may be the person being
//! created or opened, told in full only when the caller may open them, every check audited.

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{decider, Action, Matrice, Refus, Section};
use dui_domain::usager::{noms_proches, prenoms_proches};
use serde::Serialize;

use super::check;
use super::numero;
use crate::audit::Outcome;
use crate::db::Store;
use crate::policy::{Capability, CapaciteRecherche, Principal};
use crate::{StoreError, StoreResult};

/// What a caller is told of a probable duplicate they may not open: that it exists, and whom
/// to ask (no id, number, name, birth date or établissement: a file in a CHRS or a CSAPA is
/// sensitive in itself).
pub const DOUBLON_HORS_PERIMETRE: &str =
    "Un doublon probable existe dans un autre établissement de l'organisme.";

/// Whom to ask about a probable duplicate outside the caller's scope.
pub const DOUBLON_CONTACT: &str = "Avant de créer ce dossier, adressez-vous au secrétariat ou à la direction de l'organisme (identitovigilance) : ils vérifieront s'il s'agit de la même personne.";

/// A probable duplicate.
///
/// Serialized in full only when the caller may open the file; otherwise only as
/// `{"visible": false, "meme_ins": …, "message": DOUBLON_HORS_PERIMETRE, "contact": …}`.
#[derive(Clone, Debug)]
pub struct Candidat {
    /// Id of the existing file. Kept for the store and the creation (a confirmed different
    /// person is recorded against it); never shown when the file is out of scope.
    pub id: i64,
    /// Its internal number, when visible.
    pub numero: Option<String>,
    /// Why it is a candidate (French).
    pub motif: String,
    /// The candidate carries the same INS matricule (it cannot be another person).
    pub meme_ins: bool,
    /// Whether the user may open it (the permission policy's decision to read its
    /// administrative section): details are only shown then.
    pub visible: bool,
    /// Names and birth date, when visible.
    pub nom_naissance: Option<String>,
    /// Nom utilisé, when visible.
    pub nom_utilise: Option<String>,
    /// First name, when visible.
    pub premier_prenom: Option<String>,
    /// Birth date, when visible.
    pub date_naissance: Option<String>,
    /// Birthplace (COG code), when visible.
    pub lieu_naissance: Option<String>,
    /// Identity status, when visible.
    pub statut_identite: Option<dui_domain::usager::StatutIdentite>,
    /// The établissements of its stays among the caller's, when visible.
    pub etablissements: Vec<String>,
}

impl Serialize for Candidat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if !self.visible {
            let mut m = s.serialize_struct("Candidat", 4)?;
            m.serialize_field("visible", &false)?;
            m.serialize_field("meme_ins", &self.meme_ins)?;
            m.serialize_field("message", DOUBLON_HORS_PERIMETRE)?;
            m.serialize_field("contact", DOUBLON_CONTACT)?;
            return m.end();
        }
        let mut m = s.serialize_struct("Candidat", 12)?;
        m.serialize_field("id", &self.id)?;
        m.serialize_field("numero", &self.numero)?;
        m.serialize_field("motif", &self.motif)?;
        m.serialize_field("meme_ins", &self.meme_ins)?;
        m.serialize_field("visible", &true)?;
        m.serialize_field("nom_naissance", &self.nom_naissance)?;
        m.serialize_field("nom_utilise", &self.nom_utilise)?;
        m.serialize_field("premier_prenom", &self.premier_prenom)?;
        m.serialize_field("date_naissance", &self.date_naissance)?;
        m.serialize_field("lieu_naissance", &self.lieu_naissance)?;
        m.serialize_field("statut_identite", &self.statut_identite.map(|s| s.code()))?;
        m.serialize_field("etablissements", &self.etablissements)?;
        m.end()
    }
}

/// What the caller is shown of `candidats`: those they may open, then, when there is any
/// other, one entry saying that a probable duplicate exists elsewhere (neither which nor how
/// many; `meme_ins` when one of them carries the same INS).
pub fn candidats_montres(candidats: &[Candidat]) -> Vec<Candidat> {
    let mut out: Vec<Candidat> = candidats.iter().filter(|c| c.visible).cloned().collect();
    if let Some(first) = candidats.iter().find(|c| !c.visible) {
        out.push(Candidat {
            meme_ins: candidats.iter().any(|c| !c.visible && c.meme_ins),
            ..first.clone()
        });
    }
    out
}

/// The traits compared to find duplicates.
#[derive(Clone, Copy, Debug)]
pub struct TraitsCompares<'a> {
    /// Nom de naissance.
    pub nom_naissance: &'a str,
    /// Nom utilisé.
    pub nom_utilise: Option<&'a str>,
    /// Premier prénom.
    pub premier_prenom: &'a str,
    /// Birth date (ISO).
    pub date_naissance: &'a str,
    /// Matricule INS / NIR.
    pub ins: Option<&'a str>,
    /// Every first name typed, first one first (may be empty): compared glued in order with
    /// the file's, so that « Jean Pierre » typed as two first names meets JEAN-PIERRE.
    pub prenoms: &'a [String],
}

/// What entitles a duplicate check (decision 0022: every access to person data is proved by
/// a capability). The check tells whether a file exists anywhere in the organisation and
/// shows the candidates the caller may open.
#[derive(Clone, Copy, Debug)]
pub enum DroitDoublons<'a> {
    /// Before creating a file: the search capability (the account may look up the usagers
    /// of its scope). `Store::create_usager_checked` runs its own check after its rights.
    Creation(&'a CapaciteRecherche),
    /// The probable duplicates of an existing file: a read capability on its administrative
    /// section, for the account `Principal` (the same as the capability's actor); the file
    /// itself is left out.
    Dossier(&'a Capability, &'a Principal),
}

impl Store {
    /// The duplicate check, entitled by `droit` (see [`DroitDoublons`]); the rest as
    /// `doublons` below. A file's capability that is not a read of its administrative section,
    /// or that belongs to another account, is refused (`Denied`).
    pub async fn doublons_probables(
        &self,
        droit: DroitDoublons<'_>,
        matrix: &Matrice,
        t: &TraitsCompares<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Candidat>> {
        match droit {
            DroitDoublons::Creation(c) => self.doublons(c.principal(), matrix, t, None, now).await,
            DroitDoublons::Dossier(cap, who) => {
                let id = cap.usager_id();
                check(cap, id, Section::Administratif, Action::Lire)?;
                if cap.actor().utilisateur_id != Some(who.id) {
                    return Err(StoreError::Denied(Refus::NonPermisParLeRole));
                }
                self.doublons(who, matrix, t, Some(id), now).await
            }
        }
    }

    /// Existing files that may be the same person: same INS, or same birth date with close
    /// names (birth or used name against birth or used name, and close first names).
    ///
    /// Audited (`usager.doublons`, the candidates' ids in the detail, those out of the
    /// caller's scope apart): the check tells whether a file exists anywhere in the
    /// organisation. A check for a new file (`exclude` = None) that finds nothing writes no
    /// entry of its own: the creation that follows records it (`usager.creation` with
    /// `doublons_ecartes`) in its own transaction, so that a creation stays one commit.
    pub(crate) async fn doublons(
        &self,
        who: &Principal,
        matrix: &Matrice,
        t: &TraitsCompares<'_>,
        exclude: Option<UsagerId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Candidat>> {
        let exclude = exclude.map(UsagerId::get);
        let TraitsCompares {
            nom_naissance,
            nom_utilise,
            premier_prenom,
            date_naissance,
            ins,
            prenoms,
        } = *t;
        let rows = crate::sql::query(
            "SELECT id, nom_naissance, nom_utilise, premier_prenom, prenom_utilise, date_naissance, matricule_ins, prenoms_naissance, lieu_naissance, statut_identite FROM usager \
             WHERE fusionne_dans IS NULL AND (date_naissance = $1 OR matricule_ins = $2) ORDER BY id",
        )
        .bind(date_naissance)
        .bind(ins.unwrap_or("-"))
        .fetch_all(self)
        .await?;
        let mut out = Vec::new();
        let noms_saisis: Vec<&str> = [Some(nom_naissance), nom_utilise]
            .into_iter()
            .flatten()
            .collect();
        for r in rows {
            let id: i64 = r.try_get(0)?;
            if Some(id) == exclude {
                continue;
            }
            let nn: String = r.try_get(1)?;
            let nu: Option<String> = r.try_get(2)?;
            let pp: String = r.try_get(3)?;
            let pu: Option<String> = r.try_get(4)?;
            let dn: String = r.try_get(5)?;
            let mi: Option<String> = r.try_get(6)?;
            let meme_ins = ins.is_some() && mi.as_deref() == ins;
            let motif = if meme_ins {
                Some("même matricule INS".to_string())
            } else {
                let noms_existants: Vec<&str> = [Some(nn.as_str()), nu.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                let nom_ok = noms_saisis
                    .iter()
                    .any(|a| noms_existants.iter().any(|b| noms_proches(a, b)));
                let prenom_ok = [Some(pp.as_str()), pu.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|p| noms_proches(premier_prenom, p))
                    || (!prenoms.is_empty() && {
                        // As `usager_from` reads them: a JSON list, or separated by spaces.
                        let liste: String = r.try_get(7)?;
                        let existants: Vec<String> =
                            serde_json::from_str(&liste).unwrap_or_else(|_| {
                                liste.split_whitespace().map(str::to_string).collect()
                            });
                        prenoms_proches(prenoms, &existants)
                    });
                (nom_ok && prenom_ok).then(|| "même date de naissance et noms proches".to_string())
            };
            let Some(motif) = motif else { continue };
            if self.confirmed_different(id, exclude).await? {
                continue;
            }
            let visible = self.visible_to(who, matrix, id, now).await?;
            let (lieu_naissance, statut_identite, etablissements) = if visible {
                (
                    r.try_get::<Option<String>, _>(8)?,
                    crate::fiche::opt_code(
                        &r,
                        "statut_identite",
                        dui_domain::usager::StatutIdentite::from_code,
                    )?,
                    self.etablissements_vus(who, id).await?,
                )
            } else {
                (None, None, Vec::new())
            };
            out.push(Candidat {
                id,
                numero: visible.then(|| numero(id)),
                motif,
                meme_ins,
                visible,
                nom_naissance: visible.then(|| nn.clone()),
                nom_utilise: if visible { nu.clone() } else { None },
                premier_prenom: visible.then(|| pp.clone()),
                date_naissance: visible.then(|| dn.clone()),
                lieu_naissance,
                statut_identite,
                etablissements,
            });
        }
        if !out.is_empty() || exclude.is_some() {
            let ids = |visible: bool| -> Vec<i64> {
                out.iter()
                    .filter(|c| c.visible == visible)
                    .map(|c| c.id)
                    .collect()
            };
            self.reads
                .log(crate::read_log::ReadEntry {
                    actor: who.actor(),
                    action: ActionJournal::UsagerDoublons,
                    usager_id: exclude,
                    section: Some(Section::Administratif.code()),
                    outcome: Outcome::Succes,
                    detail:
                        serde_json::json!({"candidats": ids(true), "hors_perimetre": ids(false)})
                            .to_string(),
                    at: now,
                })
                .await?;
        }
        Ok(out)
    }

    /// The names of the établissements of `id`'s stays that are among `who`'s.
    async fn etablissements_vus(&self, who: &Principal, id: i64) -> StoreResult<Vec<String>> {
        let rows = crate::sql::query(
            "SELECT DISTINCT e.id, e.nom FROM sejour s JOIN etablissement e ON e.id = s.etablissement_id WHERE s.usager_id = $1 ORDER BY e.nom",
        )
        .bind(id)
        .fetch_all(self)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            if who.etablissements.contains(&r.try_get::<i64, _>(0)?) {
                out.push(r.try_get(1)?);
            }
        }
        Ok(out)
    }

    async fn confirmed_different(&self, a: i64, b: Option<i64>) -> StoreResult<bool> {
        let Some(b) = b else { return Ok(false) };
        let (x, y) = if a < b { (a, b) } else { (b, a) };
        let r = crate::sql::query(
            "SELECT usager_a FROM usager_non_doublon WHERE usager_a = $1 AND usager_b = $2",
        )
        .bind(x)
        .bind(y)
        .fetch_optional(self)
        .await?;
        Ok(r.is_some())
    }

    /// Whether `who` may open usager `id` (the permission policy's decision to read its
    /// administrative section, scope included; no audit: used to decide how much of a
    /// duplicate candidate to show).
    pub(crate) async fn visible_to(
        &self,
        who: &Principal,
        matrix: &Matrice,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let faits = crate::policy::load_facts(self, who, UsagerId(id), now).await?;
        Ok(faits.is_some_and(|f| {
            decider(
                matrix,
                who.role,
                &f,
                Section::Administratif,
                Action::Lire,
                now,
            )
            .is_ok()
        }))
    }
}

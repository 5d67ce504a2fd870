//! The team around the person (issue 13, COO-2): the service's accounts who follow a person,
//! each with a function and a place, dated. One referent at a time: a new referent ends the
//! former one's membership the day before (the history of referents is the ended rows).
//! `usager.referent_id` stays the current referent, kept in step in the same transaction
//! (with a version of the identity, so that an identity form read before gets a 409), for
//! the reads that use it (alerts, break-the-glass reports, the policy's facts). Read with the
//! administrative section, written with its `Ecrire` (decision equipe-messages).

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::equipe::{self, FonctionEquipe, PlaceEquipe, RefusEquipe};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::usager::nommage::nom_prenom;
use serde::Serialize;

use super::correction::aujourdhui;
use super::exiger;
use crate::acteur::Actor;
use crate::audit::{self, NewEntry};
use crate::db::Store;
use crate::fiche::code;
use crate::policy::Capability;
use crate::sql::Tx;
use crate::{ts, StoreError, StoreResult};

/// A membership of the team (current when `fin` is empty).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Equipier {
    /// Membership id.
    pub id: i64,
    /// The account.
    pub utilisateur_id: i64,
    /// « NOM Prénom ».
    pub nom: String,
    /// The account's role.
    pub role: Role,
    /// What they do for the person.
    pub fonction: FonctionEquipe,
    /// Referent, co-referent or member.
    pub place: PlaceEquipe,
    /// First day (AAAA-MM-JJ).
    pub debut: String,
    /// Last day, once ended (AAAA-MM-JJ).
    pub fin: Option<String>,
    /// Optimistic version.
    pub version: i64,
}

impl Equipier {
    /// Whether the membership is current.
    pub fn en_cours(&self) -> bool {
        self.fin.is_none()
    }
}

/// A member to add.
#[derive(Clone, Debug)]
pub struct EquipierInput {
    /// The account.
    pub utilisateur_id: i64,
    /// Their function.
    pub fonction: FonctionEquipe,
    /// Their place.
    pub place: PlaceEquipe,
    /// First day.
    pub debut: NaiveDate,
}

/// Ends a membership (`$1` its last day) read at its version.
const FINIR: &str =
    "UPDATE equipe_membre SET fin = $1, version = version + 1 WHERE id = $2 AND version = $3";

/// A new current membership; `$6`, `$7` (its author and time) are bound by `ajout_audite`.
const INSERER: &str = "INSERT INTO equipe_membre (usager_id, utilisateur_id, fonction, place, debut, version, cree_par, created_at) \
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id";

const COLONNES: &str = "m.id, m.utilisateur_id, c.nom, c.prenom, c.role, m.fonction, m.place, m.debut, m.fin, m.version";

fn membre_from(r: &crate::sql::Row) -> StoreResult<Equipier> {
    let (nom, prenom): (String, String) = (r.try_get("nom")?, r.try_get("prenom")?);
    Ok(Equipier {
        id: r.try_get("id")?,
        utilisateur_id: r.try_get("utilisateur_id")?,
        nom: nom_prenom(&nom, &prenom),
        role: code(r, "role", Role::from_code)?,
        fonction: code(r, "fonction", FonctionEquipe::from_code)?,
        place: code(r, "place", PlaceEquipe::from_code)?,
        debut: r.try_get("debut")?,
        fin: r.try_get("fin")?,
        version: r.try_get("version")?,
    })
}

fn jour(s: &str) -> StoreResult<NaiveDate> {
    crate::fiche::jour(s).ok_or_else(|| StoreError::Corrupt(format!("equipe_membre: date « {s} »")))
}

/// Roles that never join a team: the administrator, persons, relatives, outside partners
/// (these are the circle's and the liaison book's).
const HORS_EQUIPE: [Role; 4] = [
    Role::Administrateur,
    Role::Usager,
    Role::Proche,
    Role::Partenaire,
];

impl Store {
    /// The team of the person of `cap`: current members first (referent, co-referents,
    /// members, by name), then the former ones (latest ended first).
    pub async fn equipe_du_dossier(&self, cap: &Capability) -> StoreResult<Vec<Equipier>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let rows = crate::sql::query(&format!(
            "SELECT {COLONNES} FROM equipe_membre m JOIN utilisateur c ON c.id = m.utilisateur_id \
             WHERE m.usager_id = $1 \
             ORDER BY CASE WHEN m.fin IS NULL THEN 0 ELSE 1 END, \
             CASE m.place WHEN 'referent' THEN 0 WHEN 'co_referent' THEN 1 ELSE 2 END, \
             m.fin DESC, c.nom, c.prenom, m.id"
        ))
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        rows.iter().map(membre_from).collect()
    }

    /// One membership of the team of `cap`; `NotFound` when it is another file's.
    pub async fn equipe_membre(&self, cap: &Capability, id: i64) -> StoreResult<Equipier> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let row = crate::sql::query(&format!(
            "SELECT {COLONNES} FROM equipe_membre m JOIN utilisateur c ON c.id = m.utilisateur_id \
             WHERE m.usager_id = $1 AND m.id = $2"
        ))
        .bind(cap.usager_id())
        .bind(id)
        .fetch_optional(self)
        .await?
        .ok_or(StoreError::NotFound)?;
        membre_from(&row)
    }

    /// Adds a member to the team of `cap` (administrative write). A referent ends the
    /// current one the day before `debut` and becomes the file's referent. The new id, or
    /// the rule refused (its field and message).
    pub async fn ajouter_membre(
        &self,
        cap: &Capability,
        m: &EquipierInput,
    ) -> StoreResult<Result<i64, RefusEquipe>> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        if let Err(r) = equipe::verifier_debut(m.debut, aujourdhui(cap.at())) {
            return Ok(Err(r));
        }
        let compte =
            crate::sql::query("SELECT role, actif, nom, prenom FROM utilisateur WHERE id = $1")
                .bind(m.utilisateur_id)
                .fetch_optional(&mut tx)
                .await?;
        let Some(compte) = compte else {
            return Ok(Err(refus_compte(
                "Choisissez un professionnel dans la liste.",
            )));
        };
        let role = code(&compte, "role", Role::from_code)?;
        let actif: i64 = compte.try_get("actif")?;
        if HORS_EQUIPE.contains(&role) || actif == 0 {
            return Ok(Err(refus_compte(
                "Seuls les professionnels du service, avec un compte actif, font partie de l'équipe. Les proches et les partenaires extérieurs sont dans l'entourage.",
            )));
        }
        let deja: Option<i64> = crate::sql::query(
            "SELECT id FROM equipe_membre WHERE usager_id = $1 AND utilisateur_id = $2 AND fin IS NULL",
        )
        .bind(cap.usager_id())
        .bind(m.utilisateur_id)
        .fetch_optional(&mut tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        if deja.is_some() {
            let nom = nom_prenom(
                &compte.try_get::<String, _>("nom")?,
                &compte.try_get::<String, _>("prenom")?,
            );
            return Ok(Err(refus_compte(format!(
                "{nom} fait déjà partie de l'équipe : terminez sa participation actuelle avant de lui donner une autre place."
            ))));
        }
        let mut action = ActionJournal::UsagerEquipeAjout;
        let mut ancien = None;
        if m.place == PlaceEquipe::Referent {
            action = ActionJournal::UsagerEquipeReferent;
            if let Some((id, debut, version)) = referent_en_cours(&mut tx, cap.usager_id()).await? {
                let fin = match equipe::fin_ancien_referent(jour(&debut)?, m.debut) {
                    Ok(f) => f,
                    Err(r) => return Ok(Err(r)),
                };
                crate::sql::query(FINIR)
                    .bind(fin.to_string())
                    .execute_versioned(&mut tx, "equipe_membre", id, version)
                    .await?;
                ancien = Some(id);
            }
            self.fixer_referent(
                &mut tx,
                cap.usager_id(),
                Some(m.utilisateur_id),
                cap.actor(),
                cap.at(),
            )
            .await?;
        }
        let q = crate::sql::query(INSERER)
            .bind(cap.usager_id())
            .bind(m.utilisateur_id)
            .bind(m.fonction.code())
            .bind(m.place.code())
            .bind(m.debut.to_string());
        let (u, f, p, d) = (m.utilisateur_id, m.fonction, m.place, m.debut);
        let id = cap
            .ajout_audite(tx, q, action, |id| {
                serde_json::json!({"membre_id": id, "utilisateur_id": u, "fonction": f, "place": p, "debut": d.to_string(), "ancien_referent": ancien})
            })
            .await?;
        Ok(Ok(id))
    }

    /// Ends membership `id` of the team of `cap`, read at `version`, on day `fin`
    /// (administrative write): `StaleVersion` when it changed, `NotFound` when it is not a
    /// current membership of the file. Ending the referent leaves the file without one.
    pub async fn finir_membre(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        fin: NaiveDate,
    ) -> StoreResult<Result<i64, RefusEquipe>> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let row = crate::sql::query(
            "SELECT debut, place, version FROM equipe_membre WHERE id = $1 AND usager_id = $2 AND fin IS NULL",
        )
        .bind(id)
        .bind(cap.usager_id())
        .fetch_optional(&mut tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let lue: i64 = row.try_get("version")?;
        if lue != version {
            return Err(StoreError::StaleVersion);
        }
        let debut = jour(&row.try_get::<String, _>("debut")?)?;
        if let Err(r) = equipe::verifier_fin(debut, fin, aujourdhui(cap.at())) {
            return Ok(Err(r));
        }
        let place = code(&row, "place", PlaceEquipe::from_code)?;
        if place == PlaceEquipe::Referent {
            self.fixer_referent(&mut tx, cap.usager_id(), None, cap.actor(), cap.at())
                .await?;
        }
        let q = crate::sql::query(FINIR).bind(fin.to_string());
        let v = cap
            .modification_auditee(
                tx,
                q,
                ("equipe_membre", id, version),
                ActionJournal::UsagerEquipeFin,
                serde_json::json!({"membre_id": id, "fin": fin.to_string(), "place": place}),
            )
            .await?;
        Ok(Ok(v))
    }

    /// Gives membership `id` of the team of `cap`, read at `version`, the function
    /// `fonction` from day `depuis` (administrative write,
    /// [`equipe::changement_de_fonction`]): the membership ends the day before and a new one
    /// with the same account and place begins, or, the day it began, it is corrected in
    /// place. The current membership's id, or the rule refused; `StaleVersion` when it
    /// changed, `NotFound` when it is not a current membership of the file. The referent
    /// stays the referent.
    pub async fn changer_fonction(
        &self,
        cap: &Capability,
        (id, version): (i64, i64),
        fonction: FonctionEquipe,
        depuis: NaiveDate,
    ) -> StoreResult<Result<i64, RefusEquipe>> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let row = crate::sql::query(
            "SELECT utilisateur_id, fonction, place, debut, version FROM equipe_membre \
             WHERE id = $1 AND usager_id = $2 AND fin IS NULL",
        )
        .bind(id)
        .bind(cap.usager_id())
        .fetch_optional(&mut tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.try_get::<i64, _>("version")? != version {
            return Err(StoreError::StaleVersion);
        }
        let ancienne = code(&row, "fonction", FonctionEquipe::from_code)?;
        let debut = jour(&row.try_get::<String, _>("debut")?)?;
        let veille = match equipe::changement_de_fonction(
            debut,
            ancienne,
            fonction,
            depuis,
            aujourdhui(cap.at()),
        ) {
            Ok(v) => v,
            Err(r) => return Ok(Err(r)),
        };
        let detail = |nouveau: i64| {
            serde_json::json!({"membre_id": id, "nouveau_membre_id": nouveau, "ancienne_fonction": ancienne,
                "fonction": fonction, "depuis": depuis.to_string()})
        };
        let Some(veille) = veille else {
            let q = crate::sql::query(
                "UPDATE equipe_membre SET fonction = $1, version = version + 1 WHERE id = $2 AND version = $3",
            )
            .bind(fonction.code());
            let (action, d) = (ActionJournal::UsagerEquipeFonction, detail(id));
            cap.modification_auditee(tx, q, ("equipe_membre", id, version), action, d)
                .await?;
            return Ok(Ok(id));
        };
        crate::sql::query(FINIR)
            .bind(veille.to_string())
            .execute_versioned(&mut tx, "equipe_membre", id, version)
            .await?;
        let q = crate::sql::query(INSERER)
            .bind(cap.usager_id())
            .bind(row.try_get::<i64, _>("utilisateur_id")?)
            .bind(fonction.code())
            .bind(row.try_get::<String, _>("place")?)
            .bind(depuis.to_string());
        let nouveau = cap
            .ajout_audite(tx, q, ActionJournal::UsagerEquipeFonction, detail)
            .await?;
        Ok(Ok(nouveau))
    }

    /// Sets the file's current referent (`usager.referent_id`) with a new version of the
    /// identity (its former row kept in `usager_version`).
    async fn fixer_referent(
        &self,
        tx: &mut Tx,
        id: UsagerId,
        referent: Option<i64>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let version: i64 = crate::sql::query("SELECT version FROM usager WHERE id = $1")
            .bind(id)
            .fetch_scalar(&mut *tx)
            .await?;
        self.snapshot(tx, id, version, actor, now).await?;
        crate::sql::query(
            "UPDATE usager SET referent_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
        )
        .bind(referent)
        .bind(ts(now))
        .execute_versioned(&mut *tx, "usager", id.get(), version)
        .await?;
        Ok(())
    }
}

/// The current referent's membership of a file: (id, first day, version).
async fn referent_en_cours(
    tx: &mut Tx,
    usager_id: UsagerId,
) -> StoreResult<Option<(i64, String, i64)>> {
    crate::sql::query(
        "SELECT id, debut, version FROM equipe_membre WHERE usager_id = $1 AND place = 'referent' AND fin IS NULL ORDER BY debut DESC, id DESC",
    )
    .bind(usager_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| Ok((r.try_get("id")?, r.try_get("debut")?, r.try_get("version")?)))
    .transpose()
}

/// Follows a referent changed by the identity form (`Store::update_identite`), in its
/// transaction: the current referent's membership ends the day before today (or today when
/// it began today), the new one begins today with the function of their role.
pub(crate) async fn suivre_referent(
    tx: &mut Tx,
    usager_id: UsagerId,
    nouveau: Option<i64>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let today = aujourdhui(now);
    if let Some((id, debut, _)) = referent_en_cours(tx, usager_id).await? {
        let fin = equipe::fin_ancien_referent(jour(&debut)?, today).unwrap_or(today);
        crate::sql::query("UPDATE equipe_membre SET fin = $1, version = version + 1 WHERE id = $2")
            .bind(fin.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(u) = nouveau {
        let role: Option<String> = crate::sql::query("SELECT role FROM utilisateur WHERE id = $1")
            .bind(u)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        let fonction = equipe::fonction_du_role(role.as_deref().unwrap_or(""));
        crate::sql::query(
            "UPDATE equipe_membre SET fin = $1, version = version + 1 WHERE usager_id = $2 AND utilisateur_id = $3 AND fin IS NULL",
        )
        .bind(today.to_string())
        .bind(usager_id)
        .bind(u)
        .execute(&mut *tx)
        .await?;
        crate::sql::query(
            "INSERT INTO equipe_membre (usager_id, utilisateur_id, fonction, place, debut, version, cree_par, created_at) \
             VALUES ($1, $2, $3, 'referent', $4, 1, $5, $6)",
        )
        .bind(usager_id)
        .bind(u)
        .bind(fonction.code())
        .bind(today.to_string())
        .bind(actor.utilisateur_id)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

fn refus_compte(message: impl Into<String>) -> RefusEquipe {
    RefusEquipe {
        champ: "utilisateur_id",
        message: message.into(),
    }
}

/// Before a merge moves the team of file `a` into `k`: when both have a current referent,
/// the absorbed file's becomes a co-referent (one referent at a time). Their ids, for the
/// undo ([`referents_rendus`]).
pub(super) async fn referents_en_co(tx: &mut Tx, a: i64, k: i64) -> StoreResult<Vec<i64>> {
    let ids: Vec<i64> = crate::sql::query(
        "SELECT id FROM equipe_membre WHERE usager_id = $1 AND place = 'referent' AND fin IS NULL \
         AND EXISTS (SELECT 1 FROM equipe_membre x WHERE x.usager_id = $2 AND x.place = 'referent' AND x.fin IS NULL)",
    )
    .bind(a)
    .bind(k)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<StoreResult<_>>()?;
    for id in &ids {
        crate::sql::query(
            "UPDATE equipe_membre SET place = 'co_referent', version = version + 1 WHERE id = $1",
        )
        .bind(*id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(ids)
}

/// After an undo moved the team back to file `a`: its referents made co-referents by the
/// merge are referents again.
pub(super) async fn referents_rendus(tx: &mut Tx, a: i64, ids: &[i64]) -> StoreResult<()> {
    for id in ids {
        crate::sql::query(
            "UPDATE equipe_membre SET place = 'referent', version = version + 1 WHERE id = $1 AND usager_id = $2",
        )
        .bind(*id)
        .bind(a)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// A membership loaded in bulk (demo data, benchmarks).
#[derive(Clone, Debug)]
pub struct BulkEquipier {
    /// The file.
    pub usager_id: i64,
    /// The account.
    pub utilisateur_id: i64,
    /// Function.
    pub fonction: FonctionEquipe,
    /// Place.
    pub place: PlaceEquipe,
    /// First day.
    pub debut: NaiveDate,
    /// Last day (a former member).
    pub fin: Option<NaiveDate>,
}

impl Store {
    /// Loads memberships in one transaction audited by one entry (demo data): a current
    /// referent row is skipped when the file already has one, and otherwise becomes the
    /// file's referent. The files' referents recorded before (`usager.referent_id`, set by a
    /// bulk load of identities) first get their row, as the migration gave them. The number
    /// of rows written.
    pub async fn insert_equipe_bulk(
        &self,
        actor: &Actor,
        rows: &[BulkEquipier],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let mut n = crate::sql::query(
            "INSERT INTO equipe_membre (usager_id, utilisateur_id, fonction, place, debut, version, created_at) \
             SELECT u.id, u.referent_id, 'autre', 'referent', COALESCE((SELECT MIN(s.date_entree) FROM sejour s WHERE s.usager_id = u.id), substr(u.created_at, 1, 10)), 1, $1 FROM usager u \
             WHERE u.referent_id IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM equipe_membre m WHERE m.usager_id = u.id AND m.place = 'referent' AND m.fin IS NULL)",
        )
        .bind(ts(now))
        .execute(&mut tx)
        .await?;
        // Their function, from the account's role.
        for (role, fonction) in [
            ("educateur", "educateur"),
            ("infirmier", "infirmier"),
            ("aide_soignant", "aide_soignant"),
            ("psychologue", "psychologue"),
            ("medecin", "medecin"),
            ("intervenant_domicile", "intervenant_domicile"),
            ("cadre", "cadre"),
            ("direction", "cadre"),
        ] {
            crate::sql::query(
                "UPDATE equipe_membre SET fonction = $1 WHERE fonction = 'autre' AND place = 'referent' \
                 AND utilisateur_id IN (SELECT id FROM utilisateur WHERE role = $2)",
            )
            .bind(fonction)
            .bind(role)
            .execute(&mut tx)
            .await?;
        }
        for m in rows {
            if m.place == PlaceEquipe::Referent && m.fin.is_none() {
                let deja: i64 = crate::sql::query(
                    "SELECT COUNT(*) FROM equipe_membre WHERE usager_id = $1 AND place = 'referent' AND fin IS NULL",
                )
                .bind(m.usager_id)
                .fetch_scalar(&mut tx)
                .await?;
                if deja > 0 {
                    continue;
                }
                crate::sql::query("UPDATE usager SET referent_id = $1 WHERE id = $2")
                    .bind(m.utilisateur_id)
                    .bind(m.usager_id)
                    .execute(&mut tx)
                    .await?;
            }
            n += crate::sql::query(
                "INSERT INTO equipe_membre (usager_id, utilisateur_id, fonction, place, debut, fin, version, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
            )
            .bind(m.usager_id)
            .bind(m.utilisateur_id)
            .bind(m.fonction.code())
            .bind(m.place.code())
            .bind(m.debut.to_string())
            .bind(m.fin.map(|f| f.to_string()))
            .bind(ts(now))
            .execute(&mut tx)
            .await?;
        }
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::UsagerEquipeAjout,
                serde_json::json!({"membres": n}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}

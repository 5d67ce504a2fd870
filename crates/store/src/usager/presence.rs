//! Presences and absences (ACC-4): the day screen of a unit (everyone with a stay that day is
//! expected present; the absent ones carry their kind), saved whole in one request with the
//! version it read; absence periods entered per person; the absences of a file.
//! The monthly statement is in `etat`.

use chrono::NaiveDate;
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::presence::{TypeAbsence, PERIODE_MAX_JOURS};
use dui_domain::saisie::{self as lim};
use dui_domain::sejour::TypeAccompagnement;
use serde::Serialize;

use super::check;
use crate::db::{Engine, Store};
use crate::fiche::{code, opt_code};
use crate::page::{Ordre, Page, Tri};
use crate::policy::{Capability, CapacitePresences};
use crate::saisie::{borne, l};
use crate::sql::{Tx, Value};
use crate::{ts, StoreError, StoreResult};

/// A person expected on the day screen.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Attendu {
    /// The stay.
    pub sejour_id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// Name as shown (used name, else birth name; first name).
    pub nom: String,
    /// Unit.
    pub unite: Option<String>,
    /// Kind of support.
    pub type_accompagnement: TypeAccompagnement,
    /// Absent that day, and why (none: present).
    pub absence: Option<TypeAbsence>,
    /// Comment of the absence.
    pub commentaire: Option<String>,
}

/// The presences of a unit (or of the whole établissement) for a day.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Journee {
    /// The établissement, its unit, the day.
    #[serde(flatten)]
    #[schema(inline)]
    pub lieu: JourUnite,
    /// Version of the day's presences: send it back with the save (409 if another came first).
    pub version: i64,
    /// The people expected, by name.
    pub personnes: Vec<Attendu>,
}

deref_vers!(Journee => lieu: JourUnite);

/// Where a page of one day stands (the presences, a unit's care): the établissement, its
/// unit, the day.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JourUnite {
    /// Établissement.
    pub etablissement_id: i64,
    /// Unit (none: the whole établissement).
    pub unite_id: Option<i64>,
    /// The day (`AAAA-MM-JJ`).
    pub jour: String,
}

impl JourUnite {
    /// `unite` (none: the whole établissement) of `etablissement_id` on `jour`.
    pub(crate) fn new(etablissement_id: i64, unite: Option<i64>, jour: NaiveDate) -> Self {
        Self {
            etablissement_id,
            unite_id: unite,
            jour: jour.to_string(),
        }
    }
}

/// An absence marked on the day screen.
#[derive(Clone, Debug)]
pub struct AbsenceJour {
    /// The stay (one of the day's expected).
    pub sejour_id: i64,
    /// Why.
    pub type_absence: TypeAbsence,
    /// Comment.
    pub commentaire: Option<String>,
}

/// An absence period of one person: every day from `debut` to `fin` included.
#[derive(Clone, Debug)]
pub struct PeriodeAbsence {
    /// The stay (of this file).
    pub sejour_id: i64,
    /// First day absent.
    pub debut: NaiveDate,
    /// Last day absent.
    pub fin: NaiveDate,
    /// Why.
    pub type_absence: TypeAbsence,
    /// Comment.
    pub commentaire: Option<String>,
}

/// A day of absence of a file.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Absence {
    /// Id.
    pub id: i64,
    /// The stay.
    pub sejour_id: i64,
    /// The day (`AAAA-MM-JJ`).
    pub jour: String,
    /// Why.
    pub type_absence: TypeAbsence,
    /// Comment.
    pub commentaire: Option<String>,
}

/// `SELECT` of the expected of a day: `$1` établissement, `$2` day, `$3` unit if any.
fn attendus_sql(unite: bool) -> String {
    format!(
        "SELECT s.id AS sejour_id, s.usager_id, COALESCE(u.nom_utilise, u.nom_naissance) AS nom, COALESCE(u.prenom_utilise, u.premier_prenom) AS prenom, \
         un.nom AS unite, s.type_accompagnement, a.type_absence, a.commentaire \
         FROM sejour s JOIN usager u ON u.id = s.usager_id LEFT JOIN unite un ON un.id = s.unite_id \
         LEFT JOIN absence a ON a.sejour_id = s.id AND a.jour = $2 \
         WHERE s.etablissement_id = $1 AND s.date_entree <= $2 AND (s.date_sortie IS NULL OR s.date_sortie > $2){} \
         ORDER BY u.cle_nom, s.id",
        if unite { " AND s.unite_id = $3" } else { "" }
    )
}

fn attendu_from(r: &crate::sql::Row) -> StoreResult<Attendu> {
    let nom: String = r.try_get("nom")?;
    let prenom: String = r.try_get("prenom")?;
    Ok(Attendu {
        sejour_id: r.try_get("sejour_id")?,
        usager_id: r.try_get("usager_id")?,
        nom: format!("{nom} {prenom}"),
        unite: r.try_get("unite")?,
        type_accompagnement: code(r, "type_accompagnement", TypeAccompagnement::from_code)?,
        absence: opt_code(r, "type_absence", TypeAbsence::from_code)?,
        commentaire: r.try_get("commentaire")?,
    })
}

/// The version of a day's presences: a fingerprint (FNV-1a) of who is expected and who is
/// absent and why, so that any change by any path (the screen, a period) makes it stale.
fn empreinte(personnes: &[Attendu]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |b: &[u8]| {
        for x in b {
            h ^= u64::from(*x);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for p in personnes {
        mix(&p.sejour_id.to_le_bytes());
        mix(p.absence.map_or("", |a| a.code()).as_bytes());
        mix(&[0]);
        mix(p.commentaire.as_deref().unwrap_or("").as_bytes());
        mix(&[0]);
    }
    // Positive and exact in JSON (an int64 read as a double by some clients stays exact).
    (h & ((1 << 53) - 1)) as i64
}

pub(crate) async fn attendus(
    on: impl Into<crate::sql::On<'_>>,
    etablissement: i64,
    unite: Option<i64>,
    jour: NaiveDate,
) -> StoreResult<Vec<Attendu>> {
    let sql = attendus_sql(unite.is_some());
    let mut q = crate::sql::query(&sql)
        .bind(etablissement)
        .bind(jour.to_string());
    if let Some(u) = unite {
        q = q.bind(u);
    }
    q.fetch_all(on).await?.iter().map(attendu_from).collect()
}

fn borner_commentaire(c: Option<&str>) -> StoreResult<()> {
    borne([(l("commentaire", lim::LIBELLE), c)])
}

/// Inserts absence rows `(usager, sejour, jour, type, commentaire)` in batches.
async fn inserer(
    tx: &mut Tx,
    rows: &[(i64, i64, String, TypeAbsence, Option<String>)],
    saisi_par: Option<i64>,
    at: &str,
) -> StoreResult<()> {
    for chunk in rows.chunks(200) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
        for (u, s, j, t, c) in chunk {
            args.extend([
                Value::from(*u),
                Value::from(*s),
                Value::from(j.as_str()),
                Value::from(t.code()),
                Value::from(c.clone()),
                Value::from(saisi_par),
                Value::from(at),
            ]);
        }
        crate::sql::query(&format!(
            "INSERT INTO absence (usager_id, sejour_id, jour, type_absence, commentaire, saisi_par, created_at) VALUES {}",
            crate::sql::lignes(chunk.len(), 7)
        ))
        .binds(args)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// The presences of `unite` (or of the whole établissement) on `jour`, audited in one read
    /// entry naming the files shown.
    pub async fn presences_jour(
        &self,
        cap: &CapacitePresences,
        unite: Option<i64>,
        jour: NaiveDate,
    ) -> StoreResult<Journee> {
        let personnes = attendus(self, cap.etablissement_id(), unite, jour).await?;
        let usagers: Vec<i64> = personnes.iter().map(|p| p.usager_id.get()).collect();
        let quoi = (Section::Administratif, ActionJournal::PresenceLecture);
        let detail = serde_json::json!({"etablissement_id": cap.etablissement_id(), "unite_id": unite,
            "jour": jour.to_string(), "nombre": usagers.len(), "usagers": usagers});
        cap.journal_lecture(self, quoi, detail).await?;
        Ok(Journee {
            lieu: JourUnite::new(cap.etablissement_id(), unite, jour),
            version: empreinte(&personnes),
            personnes,
        })
    }

    /// Saves the presences of `unite` on `jour` at once: `absences` are every absent person
    /// (the others expected are present). Refused when `version` is not the day's
    /// ([`Store::presences_jour`]): someone saved in between. One audit entry names the files
    /// changed. The new version.
    pub async fn enregistrer_presences(
        &self,
        cap: &CapacitePresences,
        unite: Option<i64>,
        jour: NaiveDate,
        version: i64,
        absences: &[AbsenceJour],
    ) -> StoreResult<i64> {
        if cap.action() != Action::Ecrire {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        for a in absences {
            borner_commentaire(a.commentaire.as_deref())?;
        }
        let mut tx = self.begin().await?;
        if self.engine() == Engine::Postgres {
            // One save of an établissement's day at a time (SQLite has one writer).
            let key =
                cap.etablissement_id() * 100_000 + i64::from(chrono::Datelike::ordinal(&jour));
            crate::sql::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) x")
                .bind(4_243_000_000_000 + key)
                .fetch_all(&mut tx)
                .await?;
        }
        let avant = attendus(&mut tx, cap.etablissement_id(), unite, jour).await?;
        if empreinte(&avant) != version {
            return Err(StoreError::StaleVersion);
        }
        let mut supprimer = Vec::new();
        let mut ajouter = Vec::new();
        let mut changes: Vec<i64> = Vec::new();
        for a in absences {
            if !avant.iter().any(|p| p.sejour_id == a.sejour_id) {
                return Err(StoreError::Invalid(format!(
                    "Le séjour {} n'est pas attendu ce jour dans cette unité.",
                    a.sejour_id
                )));
            }
        }
        for p in &avant {
            let voulu = absences.iter().find(|a| a.sejour_id == p.sejour_id);
            let pareil = match voulu {
                None => p.absence.is_none(),
                Some(a) => p.absence == Some(a.type_absence) && p.commentaire == a.commentaire,
            };
            if pareil {
                continue;
            }
            changes.push(p.usager_id.get());
            if p.absence.is_some() {
                supprimer.push(p.sejour_id);
            }
            if let Some(a) = voulu {
                ajouter.push((
                    p.usager_id.get(),
                    p.sejour_id,
                    jour.to_string(),
                    a.type_absence,
                    a.commentaire.clone(),
                ));
            }
        }
        for chunk in supprimer.chunks(500) {
            let marks = crate::sql::marqueurs(2, chunk.len());
            crate::sql::query(&format!(
                "DELETE FROM absence WHERE jour = $1 AND sejour_id IN ({})",
                marks
            ))
            .bind(jour.to_string())
            .binds(chunk.iter().map(|s| Value::from(*s)))
            .execute(&mut tx)
            .await?;
        }
        let at = ts(cap.at());
        inserer(&mut tx, &ajouter, Some(cap.principal().id), &at).await?;
        if !changes.is_empty() {
            let quoi = (Section::Accompagnement, ActionJournal::PresenceSaisie);
            let detail = serde_json::json!({"etablissement_id": cap.etablissement_id(), "unite_id": unite,
                "jour": jour.to_string(), "nombre": changes.len(), "usagers": changes});
            cap.journal_saisie(&mut tx, quoi, detail).await?;
        }
        // The day as saved, without reading it again: what was expected, with what this
        // save marked (nothing else may change it meanwhile: the lock, or SQLite's writer).
        let apres: Vec<Attendu> = avant
            .into_iter()
            .map(|mut p| {
                let voulu = absences.iter().find(|a| a.sejour_id == p.sejour_id);
                p.absence = voulu.map(|a| a.type_absence);
                p.commentaire = voulu.and_then(|a| a.commentaire.clone());
                p
            })
            .collect();
        tx.commit().await?;
        Ok(empreinte(&apres))
    }

    /// Enters an absence period of the file of `cap` (each day replaces what that day had):
    /// the number of days (audited).
    pub async fn ajouter_absence(&self, cap: &Capability, p: &PeriodeAbsence) -> StoreResult<i64> {
        borner_commentaire(p.commentaire.as_deref())?;
        let n = (p.fin - p.debut).num_days() + 1;
        if n < 1 {
            return Err(StoreError::Invalid(
                "La fin de l'absence doit suivre son début.".into(),
            ));
        }
        if n > PERIODE_MAX_JOURS {
            return Err(StoreError::Invalid(format!(
                "Une période d'absence compte au plus {PERIODE_MAX_JOURS} jours."
            )));
        }
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let s = crate::sql::query(
            "SELECT date_entree, date_sortie FROM sejour WHERE id = $1 AND usager_id = $2",
        )
        .bind(p.sejour_id)
        .bind(cap.usager_id())
        .fetch_optional(&mut tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let (entree, sortie): (String, Option<String>) = (s.try_get(0)?, s.try_get(1)?);
        let fin = p.fin.succ_opt().unwrap_or(p.fin).to_string();
        if p.debut.to_string() < entree || sortie.is_some_and(|s| fin > s) {
            return Err(StoreError::Invalid(
                "La période d'absence doit être comprise dans le séjour.".into(),
            ));
        }
        crate::sql::query("DELETE FROM absence WHERE sejour_id = $1 AND jour >= $2 AND jour <= $3")
            .bind(p.sejour_id)
            .bind(p.debut.to_string())
            .bind(p.fin.to_string())
            .execute(&mut tx)
            .await?;
        let rows: Vec<_> = p
            .debut
            .iter_days()
            .take(n as usize)
            .map(|d| {
                let u = cap.usager_id().get();
                (
                    u,
                    p.sejour_id,
                    d.to_string(),
                    p.type_absence,
                    p.commentaire.clone(),
                )
            })
            .collect();
        inserer(&mut tx, &rows, cap.actor().utilisateur_id, &ts(cap.at())).await?;
        cap.commit_audite(tx, ActionJournal::UsagerAbsenceAjout, serde_json::json!({"sejour_id": p.sejour_id, "jours": n, "type_absence": p.type_absence})).await?;
        Ok(n)
    }

    /// A page of the absence days of the file, latest first.
    pub async fn absences_page(&self, cap: &Capability, page: Page) -> StoreResult<Vec<Absence>> {
        check(cap, cap.usager_id(), Section::Administratif, Action::Lire)?;
        let rows = self
            .keyset_du_dossier(
                "SELECT a.id, a.sejour_id, a.jour, a.type_absence, a.commentaire FROM absence a WHERE a.usager_id = $1",
                cap.usager_id(),
                Tri {
                    cols: "a.jour, a.id",
                    table: "absence a",
                    id: "a.id",
                    ordre: Ordre::Decroissant,
                },
                page,
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Absence {
                    id: r.try_get("id")?,
                    sejour_id: r.try_get("sejour_id")?,
                    jour: r.try_get("jour")?,
                    type_absence: code(r, "type_absence", TypeAbsence::from_code)?,
                    commentaire: r.try_get("commentaire")?,
                })
            })
            .collect()
    }
}

//! Bulk paths of the home-care planning (demo data and benchmarks): many interventions
//! planned at once, visits generated for a service, visits recorded as done. Each is one
//! transaction with one audit entry; the product's own paths are in `intervention`,
//! `planning` and `telegestion`.

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::Section;

use super::intervention::{generer_visites, InterventionInput};
use super::planning::TacheVisite;
use crate::audit::{self, Actor, NewEntry, Outcome};
use crate::db::Store;
use crate::sql::Value;
use crate::{ts, StoreError, StoreResult};

/// A visit recorded as done (or begun) by the bulk path.
#[derive(Clone, Debug)]
pub struct VisiteFaite {
    /// The visit.
    pub visite_id: i64,
    /// Arrival.
    pub arrivee: DateTime<Utc>,
    /// Departure, if the worker left.
    pub depart: Option<DateTime<Utc>>,
    /// Tasks done or not.
    pub taches: Vec<TacheVisite>,
    /// A note.
    pub note: Option<String>,
}

impl Store {
    /// Plans `rows` (person, intervention) at once, assigning each worker to the person;
    /// one audit entry. The ids.
    pub async fn planifier_bulk(
        &self,
        actor: &Actor,
        rows: &[(i64, InterventionInput)],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let at = ts(now);
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(rows.len());
        for (usager, i) in rows {
            let r = i.recurrence()?;
            let taches = super::intervention::parse_taches(&i.taches)?;
            let codes: Vec<&str> = taches.iter().map(|t| t.code()).collect();
            let jours: Vec<String> = r.jours.iter().map(u32::to_string).collect();
            let id: i64 = crate::sql::query(
                "INSERT INTO intervention (usager_id, etablissement_id, intervenant_id, taches, tache_libre, adresse, jours_semaine, heure_debut, heure_fin, \
                 duree_minutes, qualification, date_debut, date_fin, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
            )
            .bind(*usager)
            .binds([
                Value::from(i.etablissement_id),
                i.intervenant_id.into(),
                codes.join(",").into(),
                i.tache_libre.as_deref().into(),
                i.adresse.as_deref().into(),
                jours.join(",").into(),
                r.heure_debut.format("%H:%M").to_string().into(),
                r.heure_fin.format("%H:%M").to_string().into(),
                i64::from(r.duree_minutes).into(),
                i.qualification.as_deref().into(),
                r.debut.to_string().into(),
                r.fin.map(|d| d.to_string()).into(),
            ])
            .bind(at.as_str())
            .fetch_scalar(&mut tx)
            .await?;
            if let Some(w) = i.intervenant_id {
                super::intervention::affecter_intervenant(&mut tx, w, *usager, &at).await?;
            }
            ids.push(id);
        }
        audit::append(
            &mut tx,
            &NewEntry {
                actor,
                action: ActionJournal::UsagerInterventionAjout,
                usager_id: None,
                section: Some(Section::Accompagnement.code()),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"nombre": ids.len(), "import": true}),
                at: now,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Generates the visits of établissement `etablissement` from `du` to `au` (as a
    /// planning read does), without reading them.
    pub async fn generer_visites_service(
        &self,
        etablissement: i64,
        du: NaiveDate,
        au: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        generer_visites(self, "etablissement_id", etablissement, du, au, &ts(now)).await
    }

    /// The visits of `etablissement` from `du` to `au`: (id, worker, local day, start of
    /// the window, planned minutes), by start (bulk paths: no person data but ids).
    pub async fn visites_bulk(
        &self,
        etablissement: i64,
        du: NaiveDate,
        au: NaiveDate,
    ) -> StoreResult<Vec<(i64, Option<i64>, String, DateTime<Utc>, i64)>> {
        crate::sql::query(
            "SELECT id, intervenant_id, jour, debut_prevu, duree_minutes FROM visite WHERE etablissement_id = $1 AND jour >= $2 AND jour <= $3 ORDER BY debut_prevu, id",
        )
        .bind(etablissement)
        .bind(du.to_string())
        .bind(au.to_string())
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("intervenant_id")?,
                r.try_get("jour")?,
                crate::parse_ts(&r.try_get::<String, _>("debut_prevu")?)?,
                r.try_get("duree_minutes")?,
            ))
        })
        .collect()
    }

    /// Records visits as done (or begun) at once; one audit entry.
    pub async fn pointer_bulk(
        &self,
        actor: &Actor,
        rows: &[VisiteFaite],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for v in rows {
            let taches =
                serde_json::to_string(&v.taches).map_err(|e| StoreError::Invalid(e.to_string()))?;
            crate::sql::query(
                "UPDATE visite SET arrivee = $1, depart = $2, taches_faites = $3, note = $4, version = version + 1, \
                 modifie_par = $5, updated_at = $6 WHERE id = $7",
            )
            .bind(ts(v.arrivee))
            .bind(v.depart.map(ts))
            .bind(taches)
            .bind(v.note.as_deref())
            .bind(actor.utilisateur_id)
            .bind(ts(now))
            .bind(v.visite_id)
            .execute(&mut tx)
            .await?;
        }
        audit::append(
            &mut tx,
            &NewEntry {
                actor,
                action: ActionJournal::VisiteSaisie,
                usager_id: None,
                section: Some(Section::Accompagnement.code()),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"nombre": rows.len(), "import": true}),
                at: now,
            },
        )
        .await?;
        tx.commit().await
    }
}

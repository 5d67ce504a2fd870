//! Registrations to an activity (issue 13, COO-1): dated, for persons with a stay in the
//! établissement, within the activity's capacity (counted under a lock on PostgreSQL, by the
//! single writer on SQLite), changed with their version (409); the registrations of an
//! activity and the persons who may be registered are read in one audited entry naming the
//! files.

use chrono::NaiveDate;
use dui_domain::activite::{verifier_capacite, verifier_inscription};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::Section;
use serde::Serialize;

use super::activite::{auditer, date_col, ligne_etablissement, opt_date, organise};
use super::activite_seance::{nom, NOM_USAGER};
use crate::db::Store;
use crate::policy::CapaciteActivites;
use crate::sql::Tx;
use crate::{ts, StoreError, StoreResult};

/// A registration.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Inscription {
    /// Id.
    pub id: i64,
    /// Version.
    pub version: i64,
    /// The person's file.
    pub usager_id: UsagerId,
    /// Name as shown.
    pub nom: String,
    /// Registered from.
    #[schema(value_type = String, format = Date)]
    pub debut: NaiveDate,
    /// Until (none: open).
    #[schema(value_type = Option<String>, format = Date)]
    pub fin: Option<NaiveDate>,
}

/// The registrations of `activite` running on `depuis` or later (`sauf` excepted).
pub(crate) async fn inscriptions_actives(
    tx: &mut Tx,
    activite: i64,
    depuis: NaiveDate,
    sauf: Option<i64>,
) -> StoreResult<i64> {
    crate::sql::query(
        "SELECT COUNT(*) FROM activite_inscription WHERE activite_id = $1 AND (fin IS NULL OR fin >= $2) AND id <> $3",
    )
    .bind(activite)
    .bind(depuis.to_string())
    .bind(sauf.unwrap_or(0))
    .fetch_scalar(&mut *tx)
    .await
}

impl Store {
    /// Registers person `usager` (with a stay in the établissement on `debut`) to activity
    /// `activite` from `debut` to `fin`, within its capacity (audited, naming the file).
    pub async fn inscrire(
        &self,
        cap: &CapaciteActivites,
        activite: i64,
        usager: UsagerId,
        debut: NaiveDate,
        fin: Option<NaiveDate>,
    ) -> StoreResult<i64> {
        organise(cap)?;
        let mut tx = self.begin().await?;
        if self.engine() == crate::db::Engine::Postgres {
            // Registrations of one activity one at a time: the capacity is counted once.
            crate::sql::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) x")
                .bind(4_391_000_000_000 + activite)
                .fetch_all(&mut tx)
                .await?;
        }
        let a = self.activite_tx(&mut tx, cap, activite).await?;
        if !a.champs.active {
            return Err(StoreError::Invalid(
                "L'activité est close : elle ne reçoit plus d'inscription.".into(),
            ));
        }
        verifier_inscription(debut, fin, (a.champs.debut, a.champs.fin))
            .map_err(|m| StoreError::Invalid(m.into()))?;
        let sejour: i64 = crate::sql::query(
            "SELECT COUNT(*) FROM sejour WHERE usager_id = $1 AND etablissement_id = $2 AND date_entree <= $3 \
             AND (date_sortie IS NULL OR date_sortie > $3)",
        )
        .bind(usager)
        .bind(cap.etablissement_id())
        .bind(debut.to_string())
        .fetch_scalar(&mut tx)
        .await?;
        if sejour == 0 {
            return Err(StoreError::Invalid(
                "La personne n'est pas accueillie dans l'établissement à cette date.".into(),
            ));
        }
        let deja: i64 = crate::sql::query(
            "SELECT COUNT(*) FROM activite_inscription WHERE activite_id = $1 AND usager_id = $2 \
             AND (fin IS NULL OR fin >= $3) AND ($4 = '' OR debut <= $4)",
        )
        .bind(activite)
        .bind(usager)
        .bind(debut.to_string())
        .bind(fin.map(|f| f.to_string()).unwrap_or_default())
        .fetch_scalar(&mut tx)
        .await?;
        if deja > 0 {
            return Err(StoreError::Conflict(
                "la personne est déjà inscrite à cette activité sur cette période".into(),
            ));
        }
        let actives = inscriptions_actives(&mut tx, activite, debut, None).await?;
        verifier_capacite(a.champs.capacite, actives).map_err(StoreError::Invalid)?;
        let id: i64 = crate::sql::query(
            "INSERT INTO activite_inscription (activite_id, usager_id, debut, fin, inscrit_par, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(activite)
        .bind(usager)
        .bind(debut.to_string())
        .bind(fin.map(|f| f.to_string()))
        .bind(cap.principal().id)
        .bind(ts(cap.at()))
        .fetch_scalar(&mut tx)
        .await?;
        auditer(
            &mut tx,
            cap,
            ActionJournal::ActiviteInscription,
            serde_json::json!({"etablissement_id": cap.etablissement_id(), "activite_id": activite,
                "inscription_id": id, "nombre": 1, "usagers": [usager]}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes the dates of registration `id` read at `version` (ends it: `fin`): the new
    /// version.
    pub async fn modifier_inscription(
        &self,
        cap: &CapaciteActivites,
        id: i64,
        version: i64,
        debut: NaiveDate,
        fin: Option<NaiveDate>,
    ) -> StoreResult<i64> {
        organise(cap)?;
        let mut tx = self.begin().await?;
        let r = ligne_etablissement(
            &mut tx,
            "SELECT i.activite_id, i.usager_id, i.version FROM activite_inscription i JOIN activite a ON a.id = i.activite_id \
             WHERE i.id = $1 AND a.etablissement_id = $2",
            cap,
            id,
        )
        .await?;
        let (activite, usager, v): (i64, UsagerId, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        if v != version {
            return Err(StoreError::StaleVersion);
        }
        let a = self.activite_tx(&mut tx, cap, activite).await?;
        verifier_inscription(debut, fin, (a.champs.debut, a.champs.fin))
            .map_err(|m| StoreError::Invalid(m.into()))?;
        let q = crate::sql::query(
            "UPDATE activite_inscription SET debut = $1, fin = $2, version = version + 1 WHERE id = $3 AND version = $4",
        )
        .bind(debut.to_string())
        .bind(fin.map(|f| f.to_string()));
        let detail = serde_json::json!({"etablissement_id": cap.etablissement_id(), "activite_id": activite,
            "inscription_id": id, "nombre": 1, "usagers": [usager]});
        let quoi = (
            Section::Accompagnement,
            ActionJournal::ActiviteInscriptionModification,
        );
        cap.modification_auditee(tx, (q, "activite_inscription", id, version), quoi, detail)
            .await
    }

    /// The registrations of activity `activite` (the latest start first), audited in one
    /// read entry naming the files.
    pub async fn inscriptions(
        &self,
        cap: &CapaciteActivites,
        activite: i64,
    ) -> StoreResult<Vec<Inscription>> {
        let rows = crate::sql::query(&format!(
            "SELECT i.id, i.version, i.usager_id, i.debut, i.fin, {NOM_USAGER} FROM activite_inscription i \
             JOIN activite a ON a.id = i.activite_id JOIN usager u ON u.id = i.usager_id \
             WHERE i.activite_id = $1 AND a.etablissement_id = $2 ORDER BY u.cle_nom, i.debut DESC, i.id LIMIT 2000"
        ))
        .bind(activite)
        .bind(cap.etablissement_id())
        .fetch_all(self)
        .await?;
        let v = rows
            .iter()
            .map(|r| {
                Ok(Inscription {
                    id: r.try_get("id")?,
                    version: r.try_get("version")?,
                    usager_id: r.try_get("usager_id")?,
                    nom: nom(r)?,
                    debut: date_col(r, "debut")?,
                    fin: opt_date(r, "fin")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let usagers: Vec<UsagerId> = v.iter().map(|i| i.usager_id).collect();
        self.auditer_lecture(
            cap,
            serde_json::json!({"etablissement_id": cap.etablissement_id(),
            "activite_id": activite, "nombre": usagers.len(), "usagers": usagers}),
        )
        .await?;
        Ok(v)
    }

    /// The persons with a stay in `cap`'s établissement on `jour` (to register one), by
    /// name, audited in one read entry naming the files.
    pub async fn personnes_accueillies(
        &self,
        cap: &CapaciteActivites,
        jour: NaiveDate,
    ) -> StoreResult<Vec<(UsagerId, String)>> {
        let rows = crate::sql::query(&format!(
            "SELECT DISTINCT u.id AS usager_id, {NOM_USAGER}, u.cle_nom FROM sejour s JOIN usager u ON u.id = s.usager_id \
             WHERE s.etablissement_id = $1 AND s.date_entree <= $2 AND (s.date_sortie IS NULL OR s.date_sortie > $2) \
             ORDER BY u.cle_nom, u.id LIMIT 1000"
        ))
        .bind(cap.etablissement_id())
        .bind(jour.to_string())
        .fetch_all(self)
        .await?;
        let v = rows
            .iter()
            .map(|r| Ok((r.try_get("usager_id")?, nom(r)?)))
            .collect::<StoreResult<Vec<(UsagerId, String)>>>()?;
        let usagers: Vec<UsagerId> = v.iter().map(|p| p.0).collect();
        self.auditer_lecture(
            cap,
            serde_json::json!({"etablissement_id": cap.etablissement_id(),
            "nombre": usagers.len(), "usagers": usagers}),
        )
        .await?;
        Ok(v)
    }
}

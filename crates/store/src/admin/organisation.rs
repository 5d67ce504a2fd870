//! Organisme gestionnaire, établissements and units.

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use serde::Serialize;

use crate::audit::{self, Actor, NewEntry};
use crate::db::Store;
use crate::{ts, StoreError, StoreResult};

/// The *organisme gestionnaire* (legal entity).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Organisme {
    /// Id.
    pub id: i64,
    /// Name.
    pub nom: String,
    /// FINESS juridique (EJ).
    pub finess_juridique: String,
    /// SIREN.
    pub siren: Option<String>,
    /// Postal address.
    pub adresse: Option<String>,
    /// Version for optimistic concurrency.
    pub version: i64,
}

/// Fields of an organisme, already validated by the caller.
#[derive(Clone, Debug)]
pub struct OrganismeInput {
    /// Name.
    pub nom: String,
    /// FINESS EJ (validated).
    pub finess_juridique: String,
    /// SIREN (validated).
    pub siren: Option<String>,
    /// Address.
    pub adresse: Option<String>,
}

/// An establishment or service (*établissement/service*, FINESS géographique).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Etablissement {
    /// Id.
    pub id: i64,
    /// Owning organisme.
    pub organisme_id: i64,
    /// Name.
    pub nom: String,
    /// FINESS géographique (ET).
    pub finess: String,
    /// SIRET.
    pub siret: Option<String>,
    /// TRE_R66 category code.
    pub categorie: String,
    /// Domain code (PA, PH, DOM, PDS, PDE, AHI).
    pub domaine: String,
    /// Authorised capacity (places).
    pub capacite: Option<i64>,
    /// Address.
    pub adresse: Option<String>,
    /// Still open.
    pub actif: bool,
    /// Version.
    pub version: i64,
}

/// Fields of an establishment, validated by the caller.
#[derive(Clone, Debug)]
pub struct EtablissementInput {
    /// Owning organisme.
    pub organisme_id: i64,
    /// Name.
    pub nom: String,
    /// FINESS ET.
    pub finess: String,
    /// SIRET.
    pub siret: Option<String>,
    /// TRE_R66 category.
    pub categorie: String,
    /// Domain code.
    pub domaine: String,
    /// Capacity.
    pub capacite: Option<i64>,
    /// Address.
    pub adresse: Option<String>,
    /// Open.
    pub actif: bool,
}

/// A unit (*unité*, *pôle*, *places*) of an establishment.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Unite {
    /// Id.
    pub id: i64,
    /// Establishment.
    pub etablissement_id: i64,
    /// Name.
    pub nom: String,
    /// Kind code.
    pub type_unite: String,
    /// Capacity.
    pub capacite: Option<i64>,
    /// Version.
    pub version: i64,
}

pub(crate) fn organisme_from(r: &crate::sql::Row) -> StoreResult<Organisme> {
    Ok(Organisme {
        id: r.try_get("id")?,
        nom: r.try_get("nom")?,
        finess_juridique: r.try_get("finess_juridique")?,
        siren: r.try_get("siren")?,
        adresse: r.try_get("adresse")?,
        version: r.try_get("version")?,
    })
}

pub(crate) const ETAB_COLUMNS: &str =
    "id, organisme_id, nom, finess, siret, categorie, domaine, capacite, adresse, actif, version";

pub(crate) fn etablissement_from(r: &crate::sql::Row) -> StoreResult<Etablissement> {
    Ok(Etablissement {
        id: r.try_get("id")?,
        organisme_id: r.try_get("organisme_id")?,
        nom: r.try_get("nom")?,
        finess: r.try_get("finess")?,
        siret: r.try_get("siret")?,
        categorie: r.try_get("categorie")?,
        domaine: r.try_get("domaine")?,
        capacite: r.try_get("capacite")?,
        adresse: r.try_get("adresse")?,
        actif: r.try_get::<i64, _>("actif")? != 0,
        version: r.try_get("version")?,
    })
}

pub(crate) fn unite_from(r: &crate::sql::Row) -> StoreResult<Unite> {
    Ok(Unite {
        id: r.try_get("id")?,
        etablissement_id: r.try_get("etablissement_id")?,
        nom: r.try_get("nom")?,
        type_unite: r.try_get("type_unite")?,
        capacite: r.try_get("capacite")?,
        version: r.try_get("version")?,
    })
}

fn conflict_on_unique(e: StoreError, what: &str) -> StoreError {
    match e {
        StoreError::Conflict(_) => StoreError::Conflict(what.to_string()),
        other => other,
    }
}

impl Store {
    /// Every organisme.
    pub async fn organismes(&self) -> StoreResult<Vec<Organisme>> {
        self.organismes_page(crate::page::Page::TOUT).await
    }

    /// One organisme.
    pub async fn organisme(&self, id: i64) -> StoreResult<Option<Organisme>> {
        let row = crate::sql::query("SELECT id, nom, finess_juridique, siren, adresse, version FROM organisme WHERE id = $1")
            .bind(id)
            .fetch_optional(self)
            .await?;
        row.as_ref().map(organisme_from).transpose()
    }

    /// Creates an organisme (audited).
    pub async fn create_organisme(
        &self,
        actor: &Actor,
        o: &OrganismeInput,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        o.borner()?;
        let mut tx = self.begin().await?;
        let id: i64 = crate::sql::query(
            "INSERT INTO organisme (nom, finess_juridique, siren, adresse, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(o.nom.as_str())
        .bind(o.finess_juridique.as_str())
        .bind(o.siren.as_deref())
        .bind(o.adresse.as_deref())
        .bind(ts(now))
        .fetch_scalar(&mut tx)
        .await
        .map_err(|e| conflict_on_unique(e, "Un organisme avec ce numéro FINESS juridique existe déjà."))?;
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::AdminOrganismeCreation,
                serde_json::json!({"id": id, "finess": o.finess_juridique}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Updates an organisme if `version` is current (else `StaleVersion`, nothing written).
    pub async fn update_organisme(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        o: &OrganismeInput,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        o.borner()?;
        let mut tx = self.begin().await?;
        let done = crate::sql::query(
            "UPDATE organisme SET nom = $1, finess_juridique = $2, siren = $3, adresse = $4, version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
        )
        .bind(o.nom.as_str())
        .bind(o.finess_juridique.as_str())
        .bind(o.siren.as_deref())
        .bind(o.adresse.as_deref())
        .bind(ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut tx)
        .await
        .map_err(|e| conflict_on_unique(e, "Un organisme avec ce numéro FINESS juridique existe déjà."))?;
        if done == 0 {
            return Err(self.stale_or_missing(&mut tx, "organisme", id).await);
        }
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::AdminOrganismeModification,
                serde_json::json!({"id": id}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(version + 1)
    }

    /// After an update touched no row: `StaleVersion` if the row exists, else `NotFound`.
    pub(crate) async fn stale_or_missing(
        &self,
        conn: &mut crate::sql::Tx,
        table: &str,
        id: i64,
    ) -> StoreError {
        let q = format!("SELECT id FROM {table} WHERE id = $1");
        match crate::sql::query(&q).bind(id).fetch_optional(conn).await {
            Ok(Some(_)) => StoreError::StaleVersion,
            Ok(None) => StoreError::NotFound,
            Err(e) => e,
        }
    }

    /// Establishments, all or those in `only`.
    pub async fn etablissements(&self, only: Option<&[i64]>) -> StoreResult<Vec<Etablissement>> {
        self.etablissements_page(only, crate::page::Page::TOUT)
            .await
    }

    /// One establishment by id.
    pub async fn etablissement(&self, id: i64) -> StoreResult<Option<Etablissement>> {
        let row = crate::sql::query(&format!(
            "SELECT {ETAB_COLUMNS} FROM etablissement WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self)
        .await?;
        row.as_ref().map(etablissement_from).transpose()
    }

    /// One establishment by FINESS.
    pub async fn etablissement_by_finess(
        &self,
        finess: &str,
    ) -> StoreResult<Option<Etablissement>> {
        let row = crate::sql::query(&format!(
            "SELECT {ETAB_COLUMNS} FROM etablissement WHERE finess = $1"
        ))
        .bind(finess)
        .fetch_optional(self)
        .await?;
        row.as_ref().map(etablissement_from).transpose()
    }

    /// Creates an establishment (audited).
    pub async fn create_etablissement(
        &self,
        actor: &Actor,
        e: &EtablissementInput,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        e.borner()?;
        let mut tx = self.begin().await?;
        let id: i64 = crate::sql::query(
            "INSERT INTO etablissement (organisme_id, nom, finess, siret, categorie, domaine, capacite, adresse, actif, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(e.organisme_id)
        .bind(e.nom.as_str())
        .bind(e.finess.as_str())
        .bind(e.siret.as_deref())
        .bind(e.categorie.as_str())
        .bind(e.domaine.as_str())
        .bind(e.capacite)
        .bind(e.adresse.as_deref())
        .bind(i64::from(e.actif))
        .bind(ts(now))
        .fetch_scalar(&mut tx)
        .await
        .map_err(|err| conflict_on_unique(err, "Un établissement avec ce numéro FINESS existe déjà."))?;
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::AdminEtablissementCreation,
                serde_json::json!({"id": id, "finess": e.finess}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Updates an establishment with optimistic concurrency.
    pub async fn update_etablissement(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        e: &EtablissementInput,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        e.borner()?;
        let mut tx = self.begin().await?;
        let done = crate::sql::query(
            "UPDATE etablissement SET organisme_id = $1, nom = $2, finess = $3, siret = $4, categorie = $5, domaine = $6, capacite = $7, adresse = $8, actif = $9, \
             version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12",
        )
        .bind(e.organisme_id)
        .bind(e.nom.as_str())
        .bind(e.finess.as_str())
        .bind(e.siret.as_deref())
        .bind(e.categorie.as_str())
        .bind(e.domaine.as_str())
        .bind(e.capacite)
        .bind(e.adresse.as_deref())
        .bind(i64::from(e.actif))
        .bind(ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut tx)
        .await
        .map_err(|err| conflict_on_unique(err, "Un établissement avec ce numéro FINESS existe déjà."))?;
        if done == 0 {
            return Err(self.stale_or_missing(&mut tx, "etablissement", id).await);
        }
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::AdminEtablissementModification,
                serde_json::json!({"id": id}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(version + 1)
    }

    /// Units of an establishment.
    pub async fn unites(&self, etablissement_id: i64) -> StoreResult<Vec<Unite>> {
        self.unites_page(etablissement_id, crate::page::Page::TOUT)
            .await
    }

    /// Creates a unit (audited).
    pub async fn create_unite(
        &self,
        actor: &Actor,
        etablissement_id: i64,
        nom: &str,
        type_unite: &str,
        capacite: Option<i64>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        crate::saisie::unite(nom, type_unite)?;
        let mut tx = self.begin().await?;
        let id: i64 = crate::sql::query(
            "INSERT INTO unite (etablissement_id, nom, type_unite, capacite, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(etablissement_id)
        .bind(nom)
        .bind(type_unite)
        .bind(capacite)
        .bind(ts(now))
        .fetch_scalar(&mut tx)
        .await
        .map_err(|e| conflict_on_unique(e, "Une unité de ce nom existe déjà dans cet établissement."))?;
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::AdminUniteCreation,
                serde_json::json!({"id": id, "etablissement_id": etablissement_id}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

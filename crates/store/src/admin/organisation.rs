//! Organisme gestionnaire, établissements and units.

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::db::Store;
use crate::sql::Value;
use crate::stored::Stored;
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
pub type Etablissement = Stored<EtablissementInput>;

/// Fields of an establishment, validated by the caller.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EtablissementInput {
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
    /// Domain (its code, PA, PH, DOM, PDS, PDE or AHI, in JSON).
    pub domaine: dui_domain::organisation::Domaine,
    /// Authorised capacity (places).
    pub capacite: Option<i64>,
    /// Address.
    pub adresse: Option<String>,
    /// Still open.
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
    /// Kind (its code in JSON).
    pub type_unite: dui_domain::organisation::TypeUnite,
    /// Capacity.
    pub capacite: Option<i64>,
    /// Version.
    pub version: i64,
}

pub(crate) fn organisme_from(r: &crate::sql::Row) -> StoreResult<Organisme> {
    Ok(colonnes!(r => Organisme { id, nom, finess_juridique, siren, adresse, version }))
}

pub(crate) const ETAB_COLUMNS: &str =
    "id, organisme_id, nom, finess, siret, categorie, domaine, capacite, adresse, actif, version";

pub(crate) fn etablissement_from(r: &crate::sql::Row) -> StoreResult<Etablissement> {
    let domaine = crate::fiche::code(r, "domaine", dui_domain::organisation::Domaine::from_code)?;
    let fields = colonnes!(r => EtablissementInput {
        organisme_id, nom, finess, siret, categorie, capacite, adresse;
        domaine, actif: r.try_get::<i64, _>("actif")? != 0,
    });
    Ok(colonnes!(r => Etablissement { id, version; fields }))
}

pub(crate) fn unite_from(r: &crate::sql::Row) -> StoreResult<Unite> {
    Ok(Unite {
        id: r.try_get("id")?,
        etablissement_id: r.try_get("etablissement_id")?,
        nom: r.try_get("nom")?,
        type_unite: crate::fiche::code(
            r,
            "type_unite",
            dui_domain::organisation::TypeUnite::from_code,
        )?,
        capacite: r.try_get("capacite")?,
        version: r.try_get("version")?,
    })
}

/// An organisation record that the administrator creates and edits by its FINESS: its table,
/// the columns its input writes and their values in that order, so that creation and update
/// are written once ([`Store::create_fiche`], [`Store::update_fiche`]).
pub trait Fiche {
    /// Table.
    const TABLE: &'static str;
    /// Columns written from the input, in the order of [`Fiche::valeurs`].
    const COLONNES: &'static [&'static str];
    /// French message when the FINESS is already taken.
    const FINESS_PRIS: &'static str;
    /// Audit action of a creation.
    const CREATION: ActionJournal;
    /// Audit action of an update.
    const MODIFICATION: ActionJournal;
    /// The values of [`Fiche::COLONNES`].
    fn valeurs(&self) -> Vec<Value>;
    /// The FINESS (recorded in the creation's audit entry).
    fn finess(&self) -> &str;
    /// Checks every text against its maximum.
    fn borner(&self) -> StoreResult<()>;
}

impl Fiche for OrganismeInput {
    const TABLE: &'static str = "organisme";
    const COLONNES: &'static [&'static str] = &["nom", "finess_juridique", "siren", "adresse"];
    const FINESS_PRIS: &'static str = "Un organisme avec ce numéro FINESS juridique existe déjà.";
    const CREATION: ActionJournal = ActionJournal::AdminOrganismeCreation;
    const MODIFICATION: ActionJournal = ActionJournal::AdminOrganismeModification;
    fn valeurs(&self) -> Vec<Value> {
        vec![
            self.nom.as_str().into(),
            self.finess_juridique.as_str().into(),
            self.siren.as_deref().into(),
            self.adresse.as_deref().into(),
        ]
    }
    fn finess(&self) -> &str {
        &self.finess_juridique
    }
    fn borner(&self) -> StoreResult<()> {
        OrganismeInput::borner(self)
    }
}

impl Fiche for EtablissementInput {
    const TABLE: &'static str = "etablissement";
    const COLONNES: &'static [&'static str] = &[
        "organisme_id",
        "nom",
        "finess",
        "siret",
        "categorie",
        "domaine",
        "capacite",
        "adresse",
        "actif",
    ];
    const FINESS_PRIS: &'static str = "Un établissement avec ce numéro FINESS existe déjà.";
    const CREATION: ActionJournal = ActionJournal::AdminEtablissementCreation;
    const MODIFICATION: ActionJournal = ActionJournal::AdminEtablissementModification;
    fn valeurs(&self) -> Vec<Value> {
        vec![
            self.organisme_id.into(),
            self.nom.as_str().into(),
            self.finess.as_str().into(),
            self.siret.as_deref().into(),
            self.categorie.as_str().into(),
            self.domaine.code().into(),
            self.capacite.into(),
            self.adresse.as_deref().into(),
            self.actif.into(),
        ]
    }
    fn finess(&self) -> &str {
        &self.finess
    }
    fn borner(&self) -> StoreResult<()> {
        EtablissementInput::borner(self)
    }
}

/// The public creation and update of a [`Fiche`], under the names its callers use.
macro_rules! fiche_api {
    ($input:ty, $create:ident, $update:ident, $what:literal) => {
        impl Store {
            #[doc = concat!("Creates ", $what, " (audited).")]
            pub async fn $create(
                &self,
                actor: &Actor,
                f: &$input,
                now: DateTime<Utc>,
            ) -> StoreResult<i64> {
                self.create_fiche(actor, f, now).await
            }

            #[doc = concat!("Updates ", $what, " if `version` is current (else `StaleVersion`, nothing written).")]
            pub async fn $update(
                &self,
                actor: &Actor,
                id: i64,
                version: i64,
                f: &$input,
                now: DateTime<Utc>,
            ) -> StoreResult<i64> {
                self.update_fiche(actor, id, version, f, now).await
            }
        }
    };
}

fiche_api!(
    OrganismeInput,
    create_organisme,
    update_organisme,
    "an organisme"
);
fiche_api!(
    EtablissementInput,
    create_etablissement,
    update_etablissement,
    "an establishment"
);

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

    /// Inserts a record (audited with its FINESS).
    pub async fn create_fiche<F: Fiche>(
        &self,
        actor: &Actor,
        f: &F,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        f.borner()?;
        let n = F::COLONNES.len();
        let sql = format!(
            "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}, ${}, ${}) RETURNING id",
            F::TABLE,
            F::COLONNES.join(", "),
            crate::sql::marqueurs(1, n),
            n + 1,
            n + 1
        );
        let mut tx = self.begin().await?;
        let id: i64 = crate::sql::query(&sql)
            .binds(f.valeurs())
            .bind(ts(now))
            .fetch_scalar(&mut tx)
            .await
            .map_err(|e| conflict_on_unique(e, F::FINESS_PRIS))?;
        let detail = serde_json::json!({"id": id, "finess": f.finess()});
        audit::commit_succes(tx, actor, F::CREATION, detail, now).await?;
        Ok(id)
    }

    /// Updates a record if `version` is current (else `StaleVersion`, nothing written).
    pub async fn update_fiche<F: Fiche>(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        f: &F,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        f.borner()?;
        let n = F::COLONNES.len();
        let set: Vec<String> = (F::COLONNES.iter().zip(1..))
            .map(|(c, i)| format!("{c} = ${i}"))
            .collect();
        let sql = format!(
            "UPDATE {} SET {}, version = version + 1, updated_at = ${} WHERE id = ${} AND version = ${}",
            F::TABLE,
            set.join(", "),
            n + 1,
            n + 2,
            n + 3
        );
        let mut tx = self.begin().await?;
        crate::sql::query(&sql)
            .binds(f.valeurs())
            .bind(ts(now))
            .execute_versioned(&mut tx, F::TABLE, id, version)
            .await
            .map_err(|e| conflict_on_unique(e, F::FINESS_PRIS))?;
        let detail = serde_json::json!({"id": id});
        audit::commit_succes(tx, actor, F::MODIFICATION, detail, now).await?;
        Ok(version + 1)
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
        audit::commit_succes(
            tx,
            actor,
            ActionJournal::AdminUniteCreation,
            serde_json::json!({"id": id, "etablissement_id": etablissement_id}),
            now,
        )
        .await?;
        Ok(id)
    }
}

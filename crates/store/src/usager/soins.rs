//! The medical summary (*synthèse médicale*) of the care section: entries dated and
//! authored, never changed but ended (end date, who, why: the row's version is raised, 409 on
//! a stale one) or corrected (a new entry naming the one it corrects; both kept).

use chrono::NaiveDate;
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::soins::{erreur_fin, erreurs_entree, Entree, Rubrique};
use serde::Serialize;

use super::correction::{aujourdhui, auteur, verifier_corrige, AUTEUR_SQL};
use crate::db::Store;
use crate::fiche::code;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// An entry of the medical summary.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EntreeSoins {
    /// Id.
    pub id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// Heading (its code in JSON).
    pub rubrique: Rubrique,
    /// Label.
    pub libelle: String,
    /// CIM-10 code (problems and history).
    pub code_cim10: Option<String>,
    /// Details.
    pub details: Option<String>,
    /// Since when (ISO date).
    pub date_debut: Option<String>,
    /// Ended on (ISO date).
    pub date_fin: Option<String>,
    /// Why it was ended.
    pub fin_motif: Option<String>,
    /// Who ended it.
    pub fin_par: Option<String>,
    /// The entry this one corrects.
    pub corrige_id: Option<i64>,
    /// The newest entry correcting this one.
    pub corrigee_par: Option<i64>,
    /// Author's name when written.
    pub auteur: String,
    /// Author's role code when written (empty for the alerts migrated from the identity).
    pub auteur_role: String,
    /// When written (RFC 3339, UTC).
    pub created_at: String,
    /// Version (raised when the entry is ended).
    pub version: i64,
}

impl EntreeSoins {
    /// Neither ended nor corrected.
    pub fn active(&self) -> bool {
        self.date_fin.is_none() && self.corrigee_par.is_none()
    }
}

/// An entry to add.
#[derive(Clone, Debug)]
pub struct EntreeSoinsInput {
    /// Heading.
    pub rubrique: Rubrique,
    /// Label.
    pub libelle: String,
    /// CIM-10 code.
    pub code_cim10: Option<String>,
    /// Details.
    pub details: Option<String>,
    /// Since when.
    pub date_debut: Option<NaiveDate>,
    /// The entry it corrects (same file).
    pub corrige_id: Option<i64>,
}

impl EntreeSoinsInput {
    /// The rules this entry breaks on `aujourdhui`, as (field, French message).
    pub fn erreurs(&self, aujourdhui: NaiveDate) -> Vec<(&'static str, String)> {
        erreurs_entree(
            &Entree {
                rubrique: self.rubrique,
                libelle: &self.libelle,
                code_cim10: self.code_cim10.as_deref(),
                date_debut: self.date_debut,
            },
            aujourdhui,
        )
    }
}

/// The end of an entry: when, why, and the version read.
#[derive(Clone, Debug)]
pub struct FinEntreeSoins {
    /// Ended on.
    pub date_fin: NaiveDate,
    /// Why.
    pub motif: Option<String>,
    /// The version read (409 when another change came first).
    pub version: i64,
}

const COLONNES: &str = "e.id, e.usager_id, e.rubrique, e.libelle, e.code_cim10, e.details, e.date_debut, e.date_fin, e.fin_motif, e.fin_par, \
    e.corrige_id, e.auteur, e.auteur_role, e.created_at, e.version, \
    (SELECT MAX(c.id) FROM soins_entree c WHERE c.corrige_id = e.id) AS corrigee_par";

fn entree_from(r: &crate::sql::Row) -> StoreResult<EntreeSoins> {
    Ok(EntreeSoins {
        id: r.try_get("id")?,
        usager_id: r.try_get("usager_id")?,
        rubrique: code(r, "rubrique", Rubrique::from_code)?,
        libelle: r.try_get("libelle")?,
        code_cim10: r.try_get("code_cim10")?,
        details: r.try_get("details")?,
        date_debut: r.try_get("date_debut")?,
        date_fin: r.try_get("date_fin")?,
        fin_motif: r.try_get("fin_motif")?,
        fin_par: r.try_get("fin_par")?,
        corrige_id: r.try_get("corrige_id")?,
        corrigee_par: r.try_get("corrigee_par")?,
        auteur: r.try_get("auteur")?,
        auteur_role: r.try_get("auteur_role")?,
        created_at: r.try_get("created_at")?,
        version: r.try_get("version")?,
    })
}

/// Newest written first.
const RECENTES_D_ABORD: Tri<'static> = Tri {
    cols: "e.created_at, e.id",
    table: "soins_entree e",
    id: "e.id",
    ordre: Ordre::Decroissant,
};

impl Store {
    /// Adds an entry to the medical summary of the file of `cap` (care section, write),
    /// audited in the same transaction; a correction names an entry of the same file.
    pub async fn add_entree_soins(
        &self,
        cap: &Capability,
        e: &EntreeSoinsInput,
    ) -> StoreResult<i64> {
        e.borner()?;
        if let Some((_, m)) = e.erreurs(aujourdhui(cap.at())).into_iter().next() {
            return Err(StoreError::Invalid(m));
        }
        let auteur = auteur(cap)?;
        let mut tx = self.ecriture(cap, Section::Soins, Action::Ecrire).await?;
        verifier_corrige(
            &mut tx,
            "soins_entree",
            e.corrige_id,
            cap.usager_id(),
            "L'entrée corrigée n'existe pas dans la synthèse médicale de ce dossier.",
        )
        .await?;
        let sql = format!(
            "INSERT INTO soins_entree (usager_id, rubrique, libelle, code_cim10, details, date_debut, corrige_id, auteur_id, auteur, auteur_role, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, u.id, {AUTEUR_SQL}, $8 FROM utilisateur u WHERE u.id = $9 RETURNING id"
        );
        let q = crate::sql::query(&sql)
            .bind(cap.usager_id())
            .bind(e.rubrique.code())
            .bind(e.libelle.trim())
            .bind(e.code_cim10.as_deref())
            .bind(e.details.as_deref())
            .bind(e.date_debut.map(|d| d.to_string()))
            .bind(e.corrige_id)
            .bind(ts(cap.at()))
            .bind(auteur);
        cap.inserer_audite(
            tx,
            q,
            ActionJournal::UsagerSoinsEntreeAjout,
            |id| serde_json::json!({"id": id, "rubrique": e.rubrique, "corrige": e.corrige_id}),
        )
        .await
    }

    /// Ends an active entry of the summary (kept in its history), with the version read:
    /// `StaleVersion` when it changed since, `Conflict` when it is already ended.
    pub async fn fin_entree_soins(
        &self,
        cap: &Capability,
        id: i64,
        fin: &FinEntreeSoins,
    ) -> StoreResult<i64> {
        crate::saisie::borne([(
            dui_domain::saisie::Champ::texte("motif", dui_domain::saisie::MOTIF),
            fin.motif.as_deref(),
        )])?;
        let mut tx = self.ecriture(cap, Section::Soins, Action::Ecrire).await?;
        let row = crate::sql::query(
            "SELECT date_debut, date_fin, version FROM soins_entree WHERE id = $1 AND usager_id = $2",
        )
        .bind(id)
        .bind(cap.usager_id())
        .fetch_optional(&mut tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let (debut, deja, version): (Option<String>, Option<String>, i64) = (
            row.try_get("date_debut")?,
            row.try_get("date_fin")?,
            row.try_get("version")?,
        );
        if version != fin.version {
            return Err(StoreError::StaleVersion);
        }
        if deja.is_some() {
            return Err(StoreError::Conflict(
                "Cette entrée de la synthèse médicale est déjà close.".into(),
            ));
        }
        let debut = debut.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        if let Some(m) = erreur_fin(debut, fin.date_fin, aujourdhui(cap.at())) {
            return Err(StoreError::Invalid(m));
        }
        let done = crate::sql::query(
            "UPDATE soins_entree SET date_fin = $1, fin_motif = $2, fin_par = (SELECT prenom || ' ' || nom FROM utilisateur WHERE id = $3), \
             version = version + 1 WHERE id = $4 AND usager_id = $5 AND version = $6",
        )
        .bind(fin.date_fin.to_string())
        .bind(fin.motif.as_deref().map(str::trim).filter(|m| !m.is_empty()))
        .bind(auteur(cap)?)
        .bind(id)
        .bind(cap.usager_id())
        .bind(fin.version)
        .execute(&mut tx)
        .await?;
        if done == 0 {
            // Another end of the same version got there first (PostgreSQL).
            return Err(StoreError::StaleVersion);
        }
        cap.commit_audite(
            tx,
            ActionJournal::UsagerSoinsEntreeFin,
            serde_json::json!({"id": id}),
        )
        .await?;
        Ok(fin.version + 1)
    }

    /// Every entry of the summary (active and history), newest written first.
    pub async fn synthese_soins(&self, cap: &Capability) -> StoreResult<Vec<EntreeSoins>> {
        self.entrees_soins_page(cap, Page::TOUT).await
    }

    /// A page of the summary's entries (active and history), newest written first.
    pub async fn entrees_soins_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<EntreeSoins>> {
        let rows = self
            .page_du_dossier(cap, Section::Soins, COLONNES, RECENTES_D_ABORD, page)
            .await?;
        rows.iter().map(entree_from).collect()
    }

    /// The active entries shown in the file's header ([`Rubrique::en_entete`]), in the order
    /// of the headings, then oldest first.
    pub async fn alertes_soins(&self, cap: &Capability) -> StoreResult<Vec<EntreeSoins>> {
        let mut v: Vec<EntreeSoins> = self
            .synthese_soins(cap)
            .await?
            .into_iter()
            .filter(|e| e.active() && e.rubrique.en_entete())
            .collect();
        v.sort_by_key(|e| (e.rubrique, e.created_at.clone(), e.id));
        Ok(v)
    }
}

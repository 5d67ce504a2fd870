//! Measures restricting the freedom of movement (GA-2, CASF L311-4-1): recorded with their
//! medical opinion and the consent sought, reviewed at the date set each time (maintained,
//! changed or lifted); the reviews are appended, never rewritten.

use chrono::NaiveDate;
use dui_domain::journal::ActionJournal;
use dui_domain::mesure::{
    prochaine_revision, verifier_dates, Consentement, DecisionRevision, NatureMesure,
};
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use serde::Serialize;

use super::prestation::{jour_col, opt_jour_col};
use crate::db::Store;
use crate::fiche::code;
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::{ts, StoreError, StoreResult};

/// A new measure, typed by the caller.
#[derive(Clone, Debug)]
pub struct MesureInput {
    /// What it restricts.
    pub nature: NatureMesure,
    /// The measure as written in the annex.
    pub description: String,
    /// Why (the risk it answers).
    pub motif: String,
    /// Who gave the medical opinion (name, function).
    pub avis_medical_par: String,
    /// When.
    pub avis_medical_date: NaiveDate,
    /// The consent sought.
    pub consentement: Consentement,
    /// Who expressed it (the representative's name), if not the person.
    pub consentement_par: Option<String>,
    /// First day.
    pub date_debut: NaiveDate,
    /// The mandatory first review.
    pub prochaine_revision: NaiveDate,
}

/// A review, typed by the caller.
#[derive(Clone, Debug)]
pub struct RevisionInput {
    /// When it took place.
    pub date_revision: NaiveDate,
    /// Who reviewed (names, functions).
    pub revise_par: String,
    /// Maintained, changed, lifted.
    pub decision: DecisionRevision,
    /// What changed, why.
    pub commentaire: Option<String>,
    /// The next review (none when lifted).
    pub prochaine_revision: Option<NaiveDate>,
}

/// A review as recorded.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RevisionMesure {
    /// Id.
    pub id: i64,
    /// When it took place.
    #[schema(value_type = String, format = Date)]
    pub date_revision: NaiveDate,
    /// Who reviewed.
    pub revise_par: String,
    /// The decision (its code).
    pub decision: DecisionRevision,
    /// Comment.
    pub commentaire: Option<String>,
    /// The next review set.
    #[schema(value_type = Option<String>, format = Date)]
    pub prochaine_revision: Option<NaiveDate>,
}

/// A measure with its reviews.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Mesure {
    /// Id.
    pub id: i64,
    /// What it restricts (its code).
    pub nature: NatureMesure,
    /// The measure as written.
    pub description: String,
    /// Why.
    pub motif: String,
    /// Who gave the medical opinion.
    pub avis_medical_par: String,
    /// When.
    #[schema(value_type = String, format = Date)]
    pub avis_medical_date: NaiveDate,
    /// The consent sought (its code).
    pub consentement: Consentement,
    /// Who expressed it.
    pub consentement_par: Option<String>,
    /// First day.
    #[schema(value_type = String, format = Date)]
    pub date_debut: NaiveDate,
    /// The next review (none once lifted).
    #[schema(value_type = Option<String>, format = Date)]
    pub prochaine_revision: Option<NaiveDate>,
    /// The day it was lifted.
    #[schema(value_type = Option<String>, format = Date)]
    pub date_fin: Option<NaiveDate>,
    /// Version (a review requires it).
    pub version: i64,
    /// The reviews, oldest first.
    pub revisions: Vec<RevisionMesure>,
}

impl Mesure {
    /// Whether its review is overdue on `aujourdhui`.
    pub fn en_retard(&self, aujourdhui: NaiveDate) -> bool {
        self.prochaine_revision
            .is_some_and(|r| dui_domain::mesure::revision_en_retard(r, aujourdhui))
    }
}

const COLONNES: &str = "id, nature, description, motif, avis_medical_par, avis_medical_date, consentement, consentement_par, date_debut, \
    prochaine_revision, date_fin, version";

fn mesure_from(r: &crate::sql::Row) -> StoreResult<Mesure> {
    Ok(Mesure {
        id: r.try_get("id")?,
        nature: code(r, "nature", NatureMesure::from_code)?,
        description: r.try_get("description")?,
        motif: r.try_get("motif")?,
        avis_medical_par: r.try_get("avis_medical_par")?,
        avis_medical_date: jour_col(r, "avis_medical_date")?,
        consentement: code(r, "consentement", Consentement::from_code)?,
        consentement_par: r.try_get("consentement_par")?,
        date_debut: jour_col(r, "date_debut")?,
        prochaine_revision: opt_jour_col(r, "prochaine_revision")?,
        date_fin: opt_jour_col(r, "date_fin")?,
        version: r.try_get("version")?,
        revisions: Vec::new(),
    })
}

fn revision_from(r: &crate::sql::Row) -> StoreResult<(i64, RevisionMesure)> {
    Ok((
        r.try_get("mesure_id")?,
        RevisionMesure {
            id: r.try_get("id")?,
            date_revision: jour_col(r, "date_revision")?,
            revise_par: r.try_get("revise_par")?,
            decision: code(r, "decision", DecisionRevision::from_code)?,
            commentaire: r.try_get("commentaire")?,
            prochaine_revision: opt_jour_col(r, "prochaine_revision")?,
        },
    ))
}

fn invalide(m: &str) -> StoreError {
    StoreError::Invalid(m.into())
}

impl Store {
    /// The measures of the file with their reviews, oldest first.
    pub async fn mesures(&self, cap: &Capability) -> StoreResult<Vec<Mesure>> {
        self.mesures_page(cap, crate::page::Page::TOUT).await
    }

    /// A page of the measures of the file (by id), each with its reviews.
    pub async fn mesures_page(
        &self,
        cap: &Capability,
        page: crate::page::Page,
    ) -> StoreResult<Vec<Mesure>> {
        let rows = self
            .page_par_id(cap, Section::Administratif, ("mesure", COLONNES), page)
            .await?;
        let mut mesures = rows
            .iter()
            .map(mesure_from)
            .collect::<StoreResult<Vec<_>>>()?;
        if mesures.is_empty() {
            return Ok(mesures);
        }
        let revisions = crate::sql::query(
            "SELECT id, mesure_id, date_revision, revise_par, decision, commentaire, prochaine_revision FROM mesure_revision \
             WHERE usager_id = $1 ORDER BY id",
        )
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        for r in &revisions {
            let (mesure_id, rev) = revision_from(r)?;
            if let Some(m) = mesures.iter_mut().find(|m| m.id == mesure_id) {
                m.revisions.push(rev);
            }
        }
        Ok(mesures)
    }

    /// One measure of the file with its reviews.
    pub async fn mesure(&self, cap: &Capability, id: i64) -> StoreResult<Option<Mesure>> {
        Ok(self.mesures(cap).await?.into_iter().find(|m| m.id == id))
    }

    /// Records a measure (audited): its id.
    pub async fn ajouter_mesure(&self, cap: &Capability, m: &MesureInput) -> StoreResult<i64> {
        borne([
            (l("description", lim::LIBELLE), Some(m.description.as_str())),
            (Champ::texte("motif", lim::MOTIF), Some(m.motif.as_str())),
            (
                l("avis_medical_par", lim::NOM_STRUCTURE),
                Some(m.avis_medical_par.as_str()),
            ),
            (
                l("consentement_par", lim::NOM_STRUCTURE),
                m.consentement_par.as_deref(),
            ),
        ])?;
        for (v, quoi) in [
            (&m.description, "Décrivez la mesure."),
            (&m.motif, "Indiquez le motif de la mesure."),
            (&m.avis_medical_par, "Indiquez qui a donné l'avis médical."),
        ] {
            if v.trim().is_empty() {
                return Err(invalide(quoi));
            }
        }
        verifier_dates(m.avis_medical_date, m.date_debut, m.prochaine_revision)
            .map_err(invalide)?;
        let tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let q = crate::sql::query(
            "INSERT INTO mesure (usager_id, nature, description, motif, avis_medical_par, avis_medical_date, consentement, consentement_par, \
             date_debut, prochaine_revision, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(m.nature.code())
        .bind(m.description.trim())
        .bind(m.motif.trim())
        .bind(m.avis_medical_par.trim())
        .bind(m.avis_medical_date.to_string())
        .bind(m.consentement.code())
        .bind(m.consentement_par.as_deref())
        .bind(m.date_debut.to_string())
        .bind(m.prochaine_revision.to_string());
        cap.ajout_audite(
            tx,
            q,
            ActionJournal::UsagerMesureAjout,
            |id| serde_json::json!({"mesure_id": id}),
        )
        .await
    }

    /// Records a review of measure `id` read at `version` (409 when stale; audited): the
    /// measure's new version. A lifted measure ends on the review's day and has no review due.
    pub async fn reviser_mesure(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        r: &RevisionInput,
    ) -> StoreResult<i64> {
        borne([
            (
                l("revise_par", lim::NOM_STRUCTURE),
                Some(r.revise_par.as_str()),
            ),
            (
                Champ::texte("commentaire", lim::COMMENTAIRE),
                r.commentaire.as_deref(),
            ),
        ])?;
        if r.revise_par.trim().is_empty() {
            return Err(invalide("Indiquez qui a révisé la mesure."));
        }
        let prochaine = prochaine_revision(r.date_revision, r.decision, r.prochaine_revision)
            .map_err(invalide)?;
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let m = crate::sql::query(&format!(
            "SELECT {COLONNES} FROM mesure WHERE id = $1 AND usager_id = $2"
        ))
        .bind(id)
        .bind(cap.usager_id())
        .fetch_one_with(&mut tx, mesure_from)
        .await?;
        if m.date_fin.is_some() {
            return Err(invalide("Cette mesure est levée : elle ne se révise plus."));
        }
        if r.date_revision < m.date_debut {
            return Err(invalide(
                "La révision ne peut précéder le début de la mesure.",
            ));
        }
        let fin = (r.decision == DecisionRevision::Levee).then(|| r.date_revision.to_string());
        crate::sql::query(
            "UPDATE mesure SET prochaine_revision = $1, date_fin = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(prochaine.map(|d| d.to_string()))
        .bind(fin)
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "mesure", id, version)
        .await?;
        let q = crate::sql::query(
            "INSERT INTO mesure_revision (mesure_id, usager_id, date_revision, revise_par, decision, commentaire, prochaine_revision, saisi_par, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(id)
        .bind(cap.usager_id())
        .bind(r.date_revision.to_string())
        .bind(r.revise_par.trim())
        .bind(r.decision.code())
        .bind(r.commentaire.as_deref())
        .bind(prochaine.map(|d| d.to_string()));
        let detail = |rid| serde_json::json!({"mesure_id": id, "revision_id": rid});
        cap.ajout_audite(tx, q, ActionJournal::UsagerMesureRevision, detail)
            .await?;
        Ok(version + 1)
    }
}

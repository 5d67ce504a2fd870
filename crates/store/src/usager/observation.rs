//! Medical and paramedical observations (SOI-2), in the care section: append-only (no
//! update, no delete: a correction is a new observation naming the one it corrects, both
//! visible), typed and dated; an observation received from outside carries its source.

use chrono::{DateTime, Duration, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::observation::{observation_permise, TypeObservation, OBSERVATION_MEDICALE_REFUSEE};
use dui_domain::policy::{Action, Section};
use serde::Serialize;

use super::correction::{auteur, verifier_corrige, AUTEUR_SQL};
use crate::db::Store;
use crate::fiche::code;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// A stored observation.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Observation {
    /// Id.
    pub id: i64,
    /// The file.
    pub usager_id: UsagerId,
    /// Kind (its code in JSON).
    pub type_observation: TypeObservation,
    /// What was observed.
    pub texte: String,
    /// When it was observed (RFC 3339, UTC).
    pub date_observation: String,
    /// Where it comes from, for an observation received from outside (a hospital, a
    /// specialist…); none for one written here.
    pub source: Option<String>,
    /// Author's name when written (who entered it, for a received one).
    pub auteur: String,
    /// Author's role code when written.
    pub auteur_role: String,
    /// The observation this one corrects.
    pub corrige_id: Option<i64>,
    /// The newest observation correcting this one.
    pub corrigee_par: Option<i64>,
    /// When written (RFC 3339, UTC).
    pub created_at: String,
}

/// An observation to write.
#[derive(Clone, Debug)]
pub struct ObservationInput {
    /// Kind.
    pub type_observation: TypeObservation,
    /// What was observed.
    pub texte: String,
    /// When (default: now).
    pub date_observation: Option<DateTime<Utc>>,
    /// Source of a received observation.
    pub source: Option<String>,
    /// The observation it corrects (same file).
    pub corrige_id: Option<i64>,
}

impl ObservationInput {
    /// The rules this observation breaks at `now` for an author of `role`, as (field,
    /// French message).
    pub fn erreurs(
        &self,
        role: dui_domain::policy::Role,
        now: DateTime<Utc>,
    ) -> Vec<(&'static str, String)> {
        let mut e = Vec::new();
        if self.texte.trim().is_empty() {
            e.push(("texte", "Le texte de l'observation est obligatoire.".into()));
        }
        if !observation_permise(role, self.type_observation, self.source.is_some()) {
            e.push(("type_observation", OBSERVATION_MEDICALE_REFUSEE.into()));
        }
        if self
            .date_observation
            .is_some_and(|d| d > now + Duration::minutes(5))
        {
            e.push((
                "date_observation",
                "La date de l'observation ne peut pas être dans le futur.".into(),
            ));
        }
        e
    }
}

const COLONNES: &str = "o.id, o.usager_id, o.type_observation, o.texte, o.date_observation, o.source, o.auteur, o.auteur_role, o.corrige_id, o.created_at, \
    (SELECT MAX(c.id) FROM observation c WHERE c.corrige_id = o.id) AS corrigee_par";

fn observation_from(r: &crate::sql::Row) -> StoreResult<Observation> {
    Ok(Observation {
        id: r.try_get("id")?,
        usager_id: r.try_get("usager_id")?,
        type_observation: code(r, "type_observation", TypeObservation::from_code)?,
        texte: r.try_get("texte")?,
        date_observation: r.try_get("date_observation")?,
        source: r.try_get("source")?,
        auteur: r.try_get("auteur")?,
        auteur_role: r.try_get("auteur_role")?,
        corrige_id: r.try_get("corrige_id")?,
        corrigee_par: r.try_get("corrigee_par")?,
        created_at: r.try_get("created_at")?,
    })
}

const RECENTES_D_ABORD: Tri<'static> = Tri {
    cols: "o.created_at, o.id",
    table: "observation o",
    id: "o.id",
    ordre: Ordre::Decroissant,
};

impl Store {
    /// Writes an observation in the file of `cap` (care section, write), audited in the same
    /// transaction. Returns its id.
    pub async fn add_observation(
        &self,
        cap: &Capability,
        o: &ObservationInput,
    ) -> StoreResult<i64> {
        o.borner()?;
        if let Some((_, m)) = o.erreurs(cap.role(), cap.at()).into_iter().next() {
            return Err(StoreError::Invalid(m));
        }
        let auteur = auteur(cap)?;
        let mut tx = self.ecriture(cap, Section::Soins, Action::Ecrire).await?;
        verifier_corrige(
            &mut tx,
            "observation",
            o.corrige_id,
            cap.usager_id(),
            "L'observation corrigée n'existe pas dans ce dossier.",
        )
        .await?;
        let sql = format!(
            "INSERT INTO observation (usager_id, type_observation, texte, date_observation, source, corrige_id, auteur_id, auteur, auteur_role, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, u.id, {AUTEUR_SQL}, $7 FROM utilisateur u WHERE u.id = $8 RETURNING id"
        );
        let q = crate::sql::query(&sql)
            .bind(cap.usager_id())
            .bind(o.type_observation.code())
            .bind(o.texte.trim())
            .bind(ts(o.date_observation.unwrap_or(cap.at())))
            .bind(o.source.as_deref())
            .bind(o.corrige_id)
            .bind(ts(cap.at()))
            .bind(auteur);
        cap.inserer_audite(tx, q, ActionJournal::UsagerObservationAjout, |id| serde_json::json!({"id": id, "type": o.type_observation, "corrige": o.corrige_id, "recue": o.source.is_some()}))
            .await
    }

    /// A page of the file's observations, newest written first.
    pub async fn observations_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<Observation>> {
        let rows = self
            .page_du_dossier(cap, Section::Soins, COLONNES, RECENTES_D_ABORD, page)
            .await?;
        rows.iter().map(observation_from).collect()
    }
}

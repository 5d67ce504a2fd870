//! The care plan of a person (SOI-1): planned care acts with their frequency and local
//! times, edited by nurses and doctors (validating the care section) with optimistic
//! versions; a withdrawn act is kept (`actif = false`). The worksheet (`feuille_soins`)
//! generates the acts due from these plans.

use chrono::NaiveDate;
use dui_domain::journal::ActionJournal;
use dui_domain::plan_soins::{
    horaires_texte, ActePlanifie, Frequence, Intervenant, TypeActe, TypeFrequence,
};
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim};
use serde::Serialize;

use crate::db::Store;
use crate::fiche::code;
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::sql::Value;
use crate::stored::Stored;
use crate::{ts, StoreError, StoreResult};

/// A planned care act.
pub type ActePlan = Stored<ActePlanInput>;

/// Fields of a planned care act.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ActePlanInput {
    /// Kind (code).
    pub type_acte: TypeActe,
    /// What to do (« Pansement talon droit »).
    pub libelle: String,
    /// Who does it (code).
    pub intervenant: Intervenant,
    /// How often (code).
    pub type_frequence: TypeFrequence,
    /// ISO weekdays of `jours_semaine` (`1,3,5`; 1 = lundi), else empty.
    pub jours_semaine: String,
    /// N of `intervalle` (every N days from the first day), else 1.
    pub intervalle: i64,
    /// Local times (Europe/Paris) of each due day: `08:00,20:00`.
    pub horaires: String,
    /// First day (`AAAA-MM-JJ`).
    pub date_debut: String,
    /// Last day included (`AAAA-MM-JJ`), if any.
    pub date_fin: Option<String>,
    /// Instructions.
    pub consignes: Option<String>,
    /// In the plan (false: withdrawn, kept in the history).
    pub actif: bool,
}

fn date(champ: &str, s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Invalid(format!("{champ} doit être une date (AAAA-MM-JJ).")))
}

/// The first and the last day of a period typed `AAAA-MM-JJ` (French messages).
pub(super) fn premier_dernier_jour(
    debut: &str,
    fin: Option<&str>,
) -> StoreResult<(NaiveDate, Option<NaiveDate>)> {
    let debut = date("Le premier jour", debut)?;
    let fin = fin.map(|f| date("Le dernier jour", f)).transpose()?;
    Ok((debut, fin))
}

impl ActePlanInput {
    /// The act as the worksheet sees it; checks the frequency, times and dates (French
    /// messages), so that the page and the API cannot diverge.
    pub fn planifie(&self) -> StoreResult<ActePlanifie> {
        let intervalle = u32::try_from(self.intervalle).map_err(|_| {
            StoreError::Invalid("L'intervalle doit être un nombre de jours.".into())
        })?;
        let frequence = Frequence::new(
            self.type_frequence,
            &self.jours_semaine,
            Some(intervalle),
            &self.horaires,
        )
        .map_err(StoreError::Invalid)?;
        let (debut, fin) = premier_dernier_jour(&self.date_debut, self.date_fin.as_deref())?;
        if fin.is_some_and(|f| f < debut) {
            return Err(StoreError::Invalid(
                "Le dernier jour doit suivre le premier.".into(),
            ));
        }
        Ok(ActePlanifie {
            debut,
            fin,
            frequence,
        })
    }

    fn borner(&self) -> StoreResult<()> {
        borne([
            (l("libelle", lim::LIBELLE), Some(self.libelle.as_str())),
            (
                l("jours_semaine", lim::CODE),
                Some(self.jours_semaine.as_str()),
            ),
            (l("horaires", lim::REFERENCE), Some(self.horaires.as_str())),
            (l("date_debut", lim::DATE), Some(self.date_debut.as_str())),
            (l("date_fin", lim::DATE), self.date_fin.as_deref()),
            (l("consignes", lim::MOTIF), self.consignes.as_deref()),
        ])?;
        if self.libelle.trim().is_empty() {
            return Err(StoreError::Invalid("Indiquez l'acte à réaliser.".into()));
        }
        Ok(())
    }

    /// The values the INSERT and the UPDATE write, in this order: type_acte, libelle,
    /// intervenant, type_frequence, jours_semaine, intervalle, horaires, date_debut,
    /// date_fin, consignes, actif (the frequency as normalised by [`Self::planifie`]).
    fn valeurs(&self, p: &ActePlanifie) -> Vec<Value> {
        let f = &p.frequence;
        let jours: Vec<String> = f.jours_semaine.iter().map(u32::to_string).collect();
        vec![
            self.type_acte.code().into(),
            self.libelle.trim().into(),
            self.intervenant.code().into(),
            f.type_frequence.code().into(),
            jours.join(",").into(),
            i64::from(f.intervalle).into(),
            horaires_texte(&f.horaires).into(),
            p.debut.to_string().into(),
            p.fin.map(|d| d.to_string()).into(),
            self.consignes.as_deref().into(),
            self.actif.into(),
        ]
    }
}

pub(crate) const COLONNES: &str = "id, type_acte, libelle, intervenant, type_frequence, jours_semaine, intervalle, horaires, date_debut, date_fin, consignes, actif, version";

pub(crate) fn acte_from(r: &crate::sql::Row) -> StoreResult<ActePlan> {
    Ok(ActePlan {
        id: r.try_get("id")?,
        fields: ActePlanInput {
            type_acte: code(r, "type_acte", TypeActe::from_code)?,
            libelle: r.try_get("libelle")?,
            intervenant: code(r, "intervenant", Intervenant::from_code)?,
            type_frequence: code(r, "type_frequence", TypeFrequence::from_code)?,
            jours_semaine: r.try_get("jours_semaine")?,
            intervalle: r.try_get("intervalle")?,
            horaires: r.try_get("horaires")?,
            date_debut: r.try_get("date_debut")?,
            date_fin: r.try_get("date_fin")?,
            consignes: r.try_get("consignes")?,
            actif: r.try_get::<i64, _>("actif")? != 0,
        },
        version: r.try_get("version")?,
    })
}

impl Store {
    /// The care plan of the file: its acts (the withdrawn ones too when `tous`), by kind.
    pub async fn plan_soins(&self, cap: &Capability, tous: bool) -> StoreResult<Vec<ActePlan>> {
        let filtre = if tous { "" } else { " AND actif = 1" };
        let select = format!(
            "SELECT {COLONNES} FROM acte_plan WHERE usager_id = $1{filtre} ORDER BY actif DESC, type_acte, horaires, id"
        );
        self.lignes_du_dossier(cap, Section::Soins, &select, acte_from)
            .await
    }

    /// One act of the plan of the file.
    pub async fn acte_plan(&self, cap: &Capability, id: i64) -> StoreResult<Option<ActePlan>> {
        self.ligne_du_dossier(
            cap,
            Section::Soins,
            &format!("SELECT {COLONNES} FROM acte_plan WHERE id = $1 AND usager_id = $2"),
            id,
            acte_from,
        )
        .await
    }

    /// Adds an act to the plan (nurses and doctors: validating the care section; audited).
    pub async fn ajouter_acte_plan(&self, cap: &Capability, a: &ActePlanInput) -> StoreResult<i64> {
        a.borner()?;
        let p = a.planifie()?;
        let tx = self.ecriture(cap, Section::Soins, Action::Valider).await?;
        let q = crate::sql::query(
            "INSERT INTO acte_plan (usager_id, type_acte, libelle, intervenant, type_frequence, jours_semaine, intervalle, horaires, date_debut, date_fin, consignes, actif, \
             saisi_par, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(cap.usager_id())
        .binds(a.valeurs(&p));
        cap.ajout_audite(
            tx,
            q,
            ActionJournal::UsagerPlanSoinsAjout,
            |id| serde_json::json!({"id": id, "type_acte": a.type_acte}),
        )
        .await
    }

    /// Changes an act of the plan (withdrawing it: `actif = false`) with optimistic
    /// concurrency (audited): the new version.
    pub async fn modifier_acte_plan(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        a: &ActePlanInput,
    ) -> StoreResult<i64> {
        a.borner()?;
        let p = a.planifie()?;
        let tx = self.ecriture(cap, Section::Soins, Action::Valider).await?;
        let q = crate::sql::query(
            "UPDATE acte_plan SET type_acte = $1, libelle = $2, intervenant = $3, type_frequence = $4, jours_semaine = $5, intervalle = $6, horaires = $7, \
             date_debut = $8, date_fin = $9, consignes = $10, actif = $11, version = version + 1, updated_at = $12 \
             WHERE usager_id = $13 AND id = $14 AND version = $15",
        )
        .binds(a.valeurs(&p))
        .bind(ts(cap.at()))
        .bind(cap.usager_id());
        cap.modification_auditee(
            tx,
            q,
            ("acte_plan", id, version),
            ActionJournal::UsagerPlanSoinsModification,
            serde_json::json!({"id": id, "actif": a.actif}),
        )
        .await
    }
}

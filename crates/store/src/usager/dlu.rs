//! The emergency liaison file (*dossier de liaison d'urgence*, DLU; SOI-6), assembled live
//! from the file at each read (never a copy that could go stale): identity, the current stay's
//! établissement, the circle (personne de confiance, people to warn, legal representatives),
//! the médecin traitant, the active entries of the medical summary (allergies, problems,
//! history, treatments, devices, diet, risks, communication, usual state, advance directives,
//! palliative care), the latest validated GIR, the return sheets of the emergency service,
//! and the mandatory items missing (`dui_domain::dlu::manquants`).
//!
//! Its read needs the administrative section (identity, circle) and the care section of the
//! same file; both capabilities were audited when granted. The GIR (a level, from the
//! accompaniment section's AGGIR evaluations) is part of the document as the HAS model has it.

use chrono::NaiveDate;
use dui_domain::dlu::{erreurs_retour, manquants, ElementDlu, Presences};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::soins::Rubrique;
use dui_domain::usager::entourage::RoleProfessionnel;
use serde::Serialize;

use super::correction::{aujourdhui, auteur};
use super::{exiger, Entourage, EntreeSoins, Professionnel, Sejour, Usager};
use crate::db::Store;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// The DLU of a person, as assembled now.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Dlu {
    /// Identity.
    pub usager: Usager,
    /// The current stay (its établissement and unit), if any.
    pub sejour: Option<Sejour>,
    /// Address of the current stay's établissement.
    pub adresse_etablissement: Option<String>,
    /// The personne de confiance.
    pub personne_confiance: Option<Entourage>,
    /// People to warn.
    pub personnes_a_prevenir: Vec<Entourage>,
    /// Legal representatives (with their measure).
    pub representants_legaux: Vec<Entourage>,
    /// The médecin traitant.
    pub medecin_traitant: Option<Professionnel>,
    /// The active entries of the medical summary, by heading.
    pub synthese: Vec<EntreeSoins>,
    /// The medicines prescribed and in force (the care section's prescriptions).
    pub traitements: Vec<super::Prescription>,
    /// The latest value of each vital sign recorded.
    pub constantes: Vec<super::Constante>,
    /// The latest validated GIR (AGGIR).
    pub gir: Option<i64>,
    /// Day of that evaluation.
    pub gir_date: Option<String>,
    /// The latest return sheets of the emergency service, newest first.
    pub retours: Vec<RetourUrgences>,
    /// When the medical summary last changed (RFC 3339, UTC).
    pub mise_a_jour: Option<String>,
    /// The mandatory items missing (their codes in JSON).
    pub manquants: Vec<ElementDlu>,
}

impl Dlu {
    /// The active entries of heading `r`.
    pub fn rubrique(&self, r: Rubrique) -> Vec<&EntreeSoins> {
        self.synthese.iter().filter(|e| e.rubrique == r).collect()
    }
}

/// A return sheet of the emergency service (*fiche de liaison d'urgence, retour*).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RetourUrgences {
    /// Id.
    pub id: i64,
    /// The sheet, as its input wrote it.
    #[serde(flatten)]
    #[schema(inline)]
    pub fields: RetourUrgencesInput,
    /// Who recorded it.
    pub auteur: String,
    /// When recorded (RFC 3339, UTC).
    pub created_at: String,
}

deref_vers!(RetourUrgences => fields: RetourUrgencesInput);

/// A return sheet to record.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RetourUrgencesInput {
    /// Day of the return (ISO date).
    #[schema(value_type = String, format = Date)]
    pub date_retour: NaiveDate,
    /// The emergency service (hospital).
    pub service: Option<String>,
    /// Diagnosis or conclusion.
    pub diagnostic: String,
    /// Tests done.
    pub examens: Option<String>,
    /// Changes to the treatment.
    pub traitement: Option<String>,
    /// What to watch.
    pub surveillance: Option<String>,
    /// Follow-up (appointments…).
    pub suivi: Option<String>,
}

const RETOUR_COLONNES: &str = "r.id, r.date_retour, r.service, r.diagnostic, r.examens, r.traitement, r.surveillance, r.suivi, r.auteur, r.created_at";

fn retour_from(r: &crate::sql::Row) -> StoreResult<RetourUrgences> {
    Ok(RetourUrgences {
        id: r.try_get("id")?,
        fields: RetourUrgencesInput {
            date_retour: crate::usager::activite::date_col(r, "date_retour")?,
            service: r.try_get("service")?,
            diagnostic: r.try_get("diagnostic")?,
            examens: r.try_get("examens")?,
            traitement: r.try_get("traitement")?,
            surveillance: r.try_get("surveillance")?,
            suivi: r.try_get("suivi")?,
        },
        auteur: r.try_get("auteur")?,
        created_at: r.try_get("created_at")?,
    })
}

const RETOURS_RECENTS: Tri<'static> = Tri {
    cols: "r.created_at, r.id",
    table: "dlu_retour r",
    id: "r.id",
    ordre: Ordre::Decroissant,
};

/// Return sheets shown in the DLU.
const RETOURS_DLU: i64 = 3;

impl Store {
    /// The DLU of the file, assembled now from `adm` (administrative read) and `soins` (care
    /// read) of the same file.
    pub async fn dlu(&self, adm: &Capability, soins: &Capability) -> StoreResult<Dlu> {
        exiger(adm, Section::Administratif, Action::Lire)?;
        exiger(soins, Section::Soins, Action::Lire)?;
        if adm.usager_id() != soins.usager_id() {
            return Err(StoreError::Denied(
                dui_domain::policy::Refus::NonPermisParLeRole,
            ));
        }
        // The parts are independent reads: asked together, the page waits for the slowest
        // one, not for their sum (each engine has a pool of reading connections).
        let gir_sql = crate::sql::query(
            "SELECT gir, date_evaluation FROM evaluation WHERE usager_id = $1 AND grille = 'aggir' AND statut = 'validee' \
             AND gir IS NOT NULL ORDER BY date_evaluation DESC, id DESC LIMIT 1",
        )
        .bind(adm.usager_id());
        let (
            usager,
            sejours,
            entourage,
            professionnels,
            toutes,
            gir,
            traitements,
            constantes,
            retours,
        ) = tokio::try_join!(
            self.usager(adm),
            self.sejours(adm),
            self.entourage(adm),
            self.professionnels_usager(adm),
            self.synthese_soins(soins),
            gir_sql.fetch_optional(self),
            self.traitements_en_cours(soins),
            self.dernieres_constantes(soins),
            self.retours_urgences_page(soins, Page::first(RETOURS_DLU)),
        )?;
        let usager = usager.ok_or(StoreError::NotFound)?;
        let sejour = sejours.into_iter().find(Sejour::en_cours);
        let adresse_etablissement = match &sejour {
            Some(s) => crate::sql::query("SELECT adresse FROM etablissement WHERE id = $1")
                .bind(s.etablissement_id)
                .fetch_optional(self)
                .await?
                .map(|r| r.try_get::<Option<String>, _>(0))
                .transpose()?
                .flatten(),
            None => None,
        };
        let medecin_traitant = professionnels
            .into_iter()
            .find(|p| p.role == RoleProfessionnel::MedecinTraitant)
            .map(|p| p.professionnel);
        let mise_a_jour = toutes.iter().map(|e| e.created_at.clone()).max();
        let mut synthese: Vec<EntreeSoins> =
            toutes.into_iter().filter(EntreeSoins::active).collect();
        synthese.sort_by_key(|e| (e.rubrique, e.created_at.clone(), e.id));
        let (gir, gir_date) = match gir {
            Some(r) => (
                Some(r.try_get::<i64, _>(0)?),
                Some(r.try_get::<String, _>(1)?),
            ),
            None => (None, None),
        };
        let retours = retours.into_iter().take(RETOURS_DLU as usize).collect();
        let presences = Presences {
            matricule_ins: usager.matricule_ins.is_some(),
            medecin_traitant: medecin_traitant.is_some(),
            personne_confiance: entourage.iter().any(|e| e.personne_confiance),
            allergies: synthese.iter().any(|e| e.rubrique == Rubrique::Allergie),
            directives: synthese.iter().any(|e| e.rubrique == Rubrique::Directives),
            palliatif: synthese.iter().any(|e| e.rubrique == Rubrique::Palliatif),
            traitements: !traitements.is_empty()
                || synthese.iter().any(|e| e.rubrique == Rubrique::Traitement),
            mise_a_jour: mise_a_jour
                .as_deref()
                .and_then(|t| crate::parse_ts(t).ok())
                .map(|t| t.date_naive()),
        };
        Ok(Dlu {
            manquants: manquants(&presences, aujourdhui(soins.at())),
            personne_confiance: entourage.iter().find(|e| e.personne_confiance).cloned(),
            personnes_a_prevenir: entourage
                .iter()
                .filter(|e| e.personne_a_prevenir)
                .cloned()
                .collect(),
            representants_legaux: entourage
                .into_iter()
                .filter(|e| e.relation.est_representant())
                .collect(),
            usager,
            sejour,
            adresse_etablissement,
            medecin_traitant,
            synthese,
            traitements,
            constantes,
            gir,
            gir_date,
            retours,
            mise_a_jour,
        })
    }

    /// Records a return sheet of the emergency service (care section, write), audited.
    pub async fn add_retour_urgences(
        &self,
        cap: &Capability,
        r: &RetourUrgencesInput,
    ) -> StoreResult<i64> {
        r.borner()?;
        if let Some((_, m)) = erreurs_retour(r.date_retour, &r.diagnostic, aujourdhui(cap.at()))
            .into_iter()
            .next()
        {
            return Err(StoreError::Invalid(m));
        }
        let auteur = auteur(cap)?;
        let tx = self.ecriture(cap, Section::Soins, Action::Ecrire).await?;
        let q = crate::sql::query(
            "INSERT INTO dlu_retour (usager_id, date_retour, service, diagnostic, examens, traitement, surveillance, suivi, auteur_id, auteur, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, u.id, u.prenom || ' ' || u.nom, $9 FROM utilisateur u WHERE u.id = $10 RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(r.date_retour.to_string())
        .bind(r.service.as_deref())
        .bind(r.diagnostic.trim())
        .bind(r.examens.as_deref())
        .bind(r.traitement.as_deref())
        .bind(r.surveillance.as_deref())
        .bind(r.suivi.as_deref())
        .bind(ts(cap.at()))
        .bind(auteur);
        cap.inserer_audite(
            tx,
            q,
            ActionJournal::UsagerDluRetour,
            |id| serde_json::json!({"id": id}),
        )
        .await
    }

    /// A page of the file's return sheets, newest recorded first.
    pub async fn retours_urgences_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<RetourUrgences>> {
        let rows = self
            .page_du_dossier(cap, Section::Soins, RETOUR_COLONNES, RETOURS_RECENTS, page)
            .await?;
        rows.iter().map(retour_from).collect()
    }
}

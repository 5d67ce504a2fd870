//! Freedom-of-movement measures (GA-2): the forms of the *Droits et mesures* tab and
//! `/api/v1/usagers/{id}/mesures…` (a measure, its reviews). The rules are the domain's.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use dui_domain::ids::UsagerId;
use dui_domain::mesure::{Consentement, DecisionRevision, NatureMesure};
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::Capability;
use dui_store::usager::{Mesure, MesureInput, RevisionInput};
use serde::{Deserialize, Serialize};

use super::capability;
use super::droits::DroitsPage;
use super::extracteurs::ListeDossier;
use super::formulaire_ligne::repondre;
use super::sejours::{code, jour};
use super::versionne::{enregistrement, AjoutDossier};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, ApiJson, Errors, Form};
use crate::reponses::expected_version;
use crate::{pagination, App, AppError, Fait, Formulaire, WebResult};

/// A measure as typed.
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct MesureFields {
    /// What it restricts (code: sorties_accompagnees, unite_protegee, geolocalisation…).
    nature: Option<String>,
    /// The measure as written in the annex to the contract.
    description: Option<String>,
    /// Why.
    motif: Option<String>,
    /// Who gave the medical opinion.
    avis_medical_par: Option<String>,
    /// When, `AAAA-MM-JJ`.
    avis_medical_date: Option<String>,
    /// The consent sought (code: personne, representant, refus, non_recueilli).
    consentement: Option<String>,
    /// Who expressed it, if not the person.
    consentement_par: Option<String>,
    /// First day, `AAAA-MM-JJ`.
    date_debut: Option<String>,
    /// The mandatory review, `AAAA-MM-JJ`.
    prochaine_revision: Option<String>,
}

impl crate::saisie::Champs for MesureFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("nature", lim::CODE),
        Champ::ligne("description", lim::LIBELLE),
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("avis_medical_par", lim::NOM_STRUCTURE),
        Champ::ligne("avis_medical_date", lim::DATE),
        Champ::ligne("consentement", lim::CODE),
        Champ::ligne("consentement_par", lim::NOM_STRUCTURE),
        Champ::ligne("date_debut", lim::DATE),
        Champ::ligne("prochaine_revision", lim::DATE),
    ];
}

/// A review as typed.
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct RevisionFields {
    /// When it took place, `AAAA-MM-JJ`.
    date_revision: Option<String>,
    /// Who reviewed.
    revise_par: Option<String>,
    /// Code: maintenue, modifiee, levee.
    decision: Option<String>,
    /// What changed, why.
    commentaire: Option<String>,
    /// The next review (not for a lifted measure), `AAAA-MM-JJ`.
    prochaine_revision: Option<String>,
    /// The measure's version (or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for RevisionFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("date_revision", lim::DATE),
        Champ::ligne("revise_par", lim::NOM_STRUCTURE),
        Champ::ligne("decision", lim::CODE),
        Champ::texte("commentaire", lim::COMMENTAIRE),
        Champ::ligne("prochaine_revision", lim::DATE),
        Champ::ligne("version", 20),
    ];
}

/// A required text field.
fn texte(e: &mut Errors, field: &str, label: &str, v: &Option<String>) -> String {
    e.required(field, label, v.as_deref().unwrap_or(""), usize::MAX)
}

/// A required date field.
fn date_requise(
    e: &mut Errors,
    field: &str,
    label: &str,
    v: &Option<String>,
) -> Option<chrono::NaiveDate> {
    if opt(v).is_none() {
        e.add(field, format!("Le champ « {label} » est obligatoire."));
    }
    jour(e, field, label, v)
}

impl MesureFields {
    fn input(&self) -> WebResult<MesureInput> {
        let mut e = Errors::default();
        let nature = code(
            &mut e,
            "nature",
            "Nature de la mesure",
            &self.nature,
            NatureMesure::from_code,
        );
        if opt(&self.nature).is_none() {
            e.add("nature", "Choisissez la nature de la mesure.");
        }
        let consentement = code(
            &mut e,
            "consentement",
            "Consentement",
            &self.consentement,
            Consentement::from_code,
        );
        if opt(&self.consentement).is_none() {
            e.add("consentement", "Indiquez le consentement recueilli.");
        }
        let description = texte(&mut e, "description", "Mesure", &self.description);
        let motif = texte(&mut e, "motif", "Motif", &self.motif);
        let avis_par = texte(
            &mut e,
            "avis_medical_par",
            "Avis médical donné par",
            &self.avis_medical_par,
        );
        let avis = date_requise(
            &mut e,
            "avis_medical_date",
            "Date de l'avis médical",
            &self.avis_medical_date,
        );
        let debut = date_requise(&mut e, "date_debut", "Début", &self.date_debut);
        let revision = date_requise(
            &mut e,
            "prochaine_revision",
            "Révision prévue le",
            &self.prochaine_revision,
        );
        e.finish()?;
        match (nature, consentement, avis, debut, revision) {
            (Some(nature), Some(consentement), Some(avis), Some(debut), Some(revision)) => {
                Ok(MesureInput {
                    nature,
                    description,
                    motif,
                    avis_medical_par: avis_par,
                    avis_medical_date: avis,
                    consentement,
                    consentement_par: opt(&self.consentement_par),
                    date_debut: debut,
                    prochaine_revision: revision,
                })
            }
            _ => Err(AppError::BadRequest("Mesure incomplète.".into())),
        }
    }
}

impl RevisionFields {
    fn input(&self) -> WebResult<RevisionInput> {
        let mut e = Errors::default();
        let decision = code(
            &mut e,
            "decision",
            "Décision",
            &self.decision,
            DecisionRevision::from_code,
        );
        if opt(&self.decision).is_none() {
            e.add("decision", "Indiquez la décision de la révision.");
        }
        let date = date_requise(
            &mut e,
            "date_revision",
            "Date de la révision",
            &self.date_revision,
        );
        let par = texte(&mut e, "revise_par", "Révisée par", &self.revise_par);
        let prochaine = jour(
            &mut e,
            "prochaine_revision",
            "La prochaine révision",
            &self.prochaine_revision,
        );
        e.finish()?;
        match (decision, date) {
            (Some(decision), Some(date_revision)) => Ok(RevisionInput {
                date_revision,
                revise_par: par,
                decision,
                commentaire: opt(&self.commentaire),
                prochaine_revision: prochaine,
            }),
            _ => Err(AppError::BadRequest("Révision incomplète.".into())),
        }
    }
}

impl AjoutDossier for MesureFields {
    type Page = DroitsPage;
    const FORMULAIRE: Formulaire = Formulaire::new("mesure", "m-", Fait::MesureEnregistree);

    async fn ajouter(&self, app: &App, cap: &Capability) -> WebResult<i64> {
        Ok(app.store.ajouter_mesure(cap, &self.input()?).await?)
    }
}

// A measure is read with its reviews.
enregistrement!(
    MesureFields,
    (UsagerId, i64),
    Section::Administratif,
    Action::Ecrire,
    mesure -> Mesure
);

async fn reviser(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    (id, mid): (UsagerId, i64),
    f: &RevisionFields,
) -> WebResult<i64> {
    let version = expected_version(headers, f.version)?;
    let input = f.input()?;
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    Ok(app.store.reviser_mesure(&cap, mid, version, &input).await?)
}

/// The form reviewing a measure (one per measure), its input ids `r-<id>-<field>`.
const REVISION: Formulaire = Formulaire::new("revision", "r-", Fait::RevisionEnregistree);

/// POST /usagers/{id}/mesures/{mid}/revision: a review recorded, back to the tab; a refusal
/// is the tab again with that measure's form as typed and its errors.
pub async fn revision_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    Form(f): Form<RevisionFields>,
) -> WebResult<Response> {
    let issue = reviser(&app, &me, &headers, ids, &f).await;
    repondre::<DroitsPage, _, _>(&app, &me, &headers, ids, &REVISION, &f, issue).await
}

/// GET /api/v1/usagers/{id}/mesures
pub async fn api_liste(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.mesures_page(&l.cap, page).await?;
    Ok(pagination::repondre(page, items, |m| m.id))
}

/// POST /api/v1/usagers/{id}/mesures/{mid}/revisions: the measure's new version.
pub async fn api_reviser(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<RevisionFields>,
) -> WebResult<Json<Cree>> {
    let version = reviser(&app, &me, &headers, ids, &f).await?;
    Ok(Json(Cree { id: ids.1, version }))
}

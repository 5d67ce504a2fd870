//! Prescriptions of a person (SOI-3): the page `/usagers/{id}/soins/prescriptions` (the
//! active ones, the history, prescribing, stopping) and
//! `/api/v1/usagers/{id}/soins/prescriptions…` (a PUT is a change: the prescription is
//! stopped and a new one replaces it), with the drug source's search
//! (`/api/v1/soins/medicaments?q=`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::prescription::{
    Medicament, ReferentielLocal, SourceMedicaments, TypePrescription, Voie,
};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::Capability;
use dui_store::usager::{Prescription, PrescriptionInput, TermesPrescription, Usager};
use serde::{Deserialize, Serialize};

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::FormulaireDossier;
use super::formulaire_ligne::repondre;
use super::sejours::{code, oui, premier_dernier_jour};
use super::versionne::{
    ajout_form, api_ajouter, api_get, api_historique, api_modifier, enregistrement, page,
    AjoutDossier, Historique, PageEnPlace, Versionne,
};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, ApiJson, Errors};
use crate::pagination::{self, Liste};
use crate::reponses::expected_version;
use crate::time::paris_today;
use crate::time::DatesFr as _;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// The drug source in use (an in-repo list until a drug database is wired behind the trait).
pub(crate) fn source_medicaments() -> &'static dyn SourceMedicaments {
    &ReferentielLocal
}

/// A prescription as typed (a form, or the API's JSON).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct PrescriptionFields {
    /// What (code: medicament, acte, examen).
    type_prescription: Option<String>,
    /// As written; for a medicine picked in the drug source, its name by default.
    libelle: Option<String>,
    /// Code of the medicine in the drug source (`/api/v1/soins/medicaments`).
    medicament_code: Option<String>,
    /// Dose (« 1 comprimé »).
    dose: Option<String>,
    /// Route (code: orale, sous_cutanee…).
    voie: Option<String>,
    /// Local times of the doses: `08:00,20:00`.
    horaires: Option<String>,
    /// Given when needed.
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    si_besoin: Option<String>,
    /// « Si besoin »: at most this many doses in any 24 hours (1 to 24).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    max_par_24h: Option<String>,
    /// First day, `AAAA-MM-JJ` (default: today).
    date_debut: Option<String>,
    /// Last day included.
    date_fin: Option<String>,
    /// Instructions.
    consignes: Option<String>,
    /// External prescriber (none: the doctor's own account).
    prescripteur_nom: Option<String>,
    /// External prescriber's RPPS (11 digits).
    prescripteur_rpps: Option<String>,
    /// The version read (a change; or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for PrescriptionFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("type_prescription", lim::CODE),
        Champ::ligne("libelle", lim::LIBELLE),
        Champ::ligne("medicament_code", lim::CODE),
        Champ::ligne("source", lim::CODE),
        Champ::ligne("dose", lim::REFERENCE),
        Champ::ligne("voie", lim::CODE),
        Champ::ligne("horaires", lim::REFERENCE),
        Champ::ligne("si_besoin", lim::CODE),
        Champ::ligne("max_par_24h", 20),
        Champ::ligne("date_debut", lim::DATE),
        Champ::ligne("date_fin", lim::DATE),
        Champ::texte("consignes", lim::MOTIF),
        Champ::ligne("prescripteur_nom", lim::NOM_PERSONNE),
        Champ::ligne("prescripteur_rpps", lim::NUMERO),
        Champ::ligne("arret_a", lim::DATE + 20),
        Champ::ligne("arret_motif", lim::LIBELLE),
        Champ::ligne("version", 20),
    ];
}

impl PrescriptionFields {
    fn input(&self) -> WebResult<PrescriptionInput> {
        let mut e = Errors::default();
        let t = code(
            &mut e,
            "type_prescription",
            "Type de prescription",
            &self.type_prescription,
            TypePrescription::from_code,
        );
        let voie = code(&mut e, "voie", "Voie", &self.voie, Voie::from_code);
        let (debut, fin) = premier_dernier_jour(&mut e, &self.date_debut, &self.date_fin);
        let max_par_24h = crate::forms::opt_int(
            &mut e,
            "max_par_24h",
            "Prises au plus par 24 heures",
            &self.max_par_24h,
        );
        let medicament = match opt(&self.medicament_code) {
            Some(c) => {
                let m = source_medicaments().par_code(&c);
                if m.is_none() {
                    e.add(
                        "medicament_code",
                        format!("Médicament inconnu du référentiel : « {c} »."),
                    );
                }
                m
            }
            None => None,
        };
        e.finish()?;
        let libelle = opt(&self.libelle)
            .or_else(|| medicament.as_ref().map(|m| m.libelle.clone()))
            .unwrap_or_default();
        let prescripteur_nom = opt(&self.prescripteur_nom);
        Ok(PrescriptionInput {
            type_prescription: t.or(medicament.as_ref().map(|_| TypePrescription::Medicament)),
            termes: TermesPrescription {
                libelle,
                source: medicament
                    .as_ref()
                    .map(|_| source_medicaments().nom().to_string()),
                medicament_code: medicament.as_ref().map(|m| m.code.clone()),
                dose: opt(&self.dose)
                    .or_else(|| medicament.as_ref().map(|m| m.dose_usuelle.clone())),
                voie: voie.or(medicament.as_ref().map(|m| m.voie)),
                horaires: opt(&self.horaires).unwrap_or_default(),
                si_besoin: oui(&self.si_besoin),
                max_par_24h,
                date_debut: debut.unwrap_or_else(|| paris_today(Utc::now())),
                date_fin: fin,
                consignes: opt(&self.consignes),
            },
            prescripteur_rpps: opt(&self.prescripteur_rpps),
            prescripteur_nom,
        })
    }
}

/// GET /api/v1/usagers/{id}/soins/prescriptions: the active ones (`?toutes=oui`: all),
impl Historique for PrescriptionFields {
    const LISTE: &'static Liste = &pagination::PRESCRIPTIONS;

    async fn lister(app: &App, cap: &Capability, tous: bool) -> WebResult<Vec<Self::Lu>> {
        Ok(app.store.prescriptions(cap, tous).await?)
    }
}

enregistrement!(
    PrescriptionFields,
    (UsagerId, i64),
    Section::Soins,
    Action::Valider,
    prescription -> Prescription
);

/// A change: the prescription is stopped and a new one (answered) replaces it.
impl Versionne for PrescriptionFields {
    async fn modifier(&self, app: &App, cap: &Capability, id: i64, v: i64) -> WebResult<Cree> {
        let p = self.input()?;
        let id = app.store.modifier_prescription(cap, id, v, &p).await?;
        Ok(Cree { id, version: 1 })
    }
}

impl AjoutDossier for PrescriptionFields {
    type Page = PrescriptionsPage;
    const FORMULAIRE: Formulaire =
        Formulaire::new("prescription", "p-", Fait::PrescriptionEnregistree);

    async fn ajouter(&self, app: &App, cap: &Capability) -> WebResult<i64> {
        Ok(app.store.prescrire(cap, &self.input()?).await?)
    }
}

/// Stopping a prescription.
#[derive(Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
pub struct ArretFields {
    /// Why.
    motif: Option<String>,
    /// The version read (or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for ArretFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("motif", lim::LIBELLE),
        Champ::ligne("version", 20),
    ];
}

async fn arreter(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    (id, pid): (UsagerId, i64),
    f: &ArretFields,
) -> WebResult<()> {
    let version = expected_version(headers, f.version)?;
    let cap = capability(app, me, id, Section::Soins, Action::Valider).await?;
    Ok(app
        .store
        .arreter_prescription(&cap, pid, version, opt(&f.motif).as_deref())
        .await?)
}

/// POST /api/v1/usagers/{id}/soins/prescriptions/{pid}/arret → 204.
pub async fn api_arreter(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<ArretFields>,
) -> WebResult<StatusCode> {
    arreter(&app, &me, &headers, ids, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?q=`: a medicine's name.
#[derive(Deserialize, Default)]
pub struct MedicamentsQuery {
    #[serde(default)]
    q: Option<String>,
}

/// The medicines found in the drug source.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Medicaments {
    /// Name of the source.
    pub source: &'static str,
    /// The medicines, by name (20 at most).
    pub medicaments: Vec<Medicament>,
}

/// GET /api/v1/soins/medicaments?q=: the drug source's medicines (20 at most), for the
/// professionals who prescribe.
pub async fn api_medicaments(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<MedicamentsQuery>,
) -> WebResult<Json<Medicaments>> {
    let texte = opt(&q.q).unwrap_or_default();
    Champ::recherche("q")
        .verifier("q", &texte)
        .map_err(|r| AppError::field("q", r.to_string()))?;
    let m = super::matrix(&app).await?;
    if !m.permet(me.user.role, Section::Soins, Action::Valider) {
        return Err(AppError::Forbidden(
            dui_domain::policy::Refus::NonPermisParLeRole
                .message_fr()
                .into(),
        ));
    }
    let source = source_medicaments();
    Ok(Json(Medicaments {
        source: source.nom(),
        medicaments: source.rechercher(&texte, 20),
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/prescriptions.html")]
pub struct PrescriptionsPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    soins_actif: &'static str,
    prescriptions: Vec<Prescription>,
    peut_prescrire: bool,
    medecin: bool,
    medicaments: Vec<Medicament>,
    aujourdhui: String,
    en_place: EnPlace,
}

impl PageEnPlace for PrescriptionsPage {
    const ADRESSE: &'static str = "/soins/prescriptions";

    /// The prescriptions, with the prescribing form refused in place (`en_place`) or not.
    async fn rendre(app: &App, me: &CurrentUser, id: UsagerId, en_place: EnPlace) -> PageDossier {
        let Dossier { tabs, u, .. } =
            Dossier::ouvrir(app, me, id, Onglet::Section(Section::Soins)).await?;
        let cap = capability(app, me, id, Section::Soins, Action::Lire).await?;
        let m = super::matrix(app).await?;
        Ok(PrescriptionsPage {
            layout: Layout::new(
                me,
                format!("Prescriptions — {}", u.nom_naissance),
                "usagers",
            ),
            prescriptions: app.store.prescriptions(&cap, true).await?,
            peut_prescrire: m.permet(me.user.role, Section::Soins, Action::Valider),
            medecin: me.user.role == Role::Medecin,
            medicaments: source_medicaments().rechercher("", 100),
            aujourdhui: paris_today(Utc::now()).to_string(),
            soins_actif: "prescriptions",
            en_place,
            u,
            tabs,
        }
        .into_response())
    }
}

/// The form stopping a prescription (one per prescription), its input ids
/// `arret-<id>-<field>`.
const ARRET: Formulaire = Formulaire::new("arret", "arret-", Fait::PrescriptionArretee);

/// POST /usagers/{id}/soins/prescriptions/{pid}/arret: stopped, confirmed; a refusal is the
/// page again with it next to the prescription, the reason as typed.
pub async fn arret_form(
    Path((_, pid)): Path<(UsagerId, i64)>,
    p: FormulaireDossier<ArretFields>,
) -> WebResult<Response> {
    let FormulaireDossier {
        app,
        me,
        id,
        headers,
        f,
        ..
    } = &p;
    let issue = arreter(app, me, headers, (*id, pid), f).await;
    repondre::<PrescriptionsPage, _, _>(app, me, headers, (*id, pid), &ARRET, f, issue).await
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/soins/prescriptions",
            get(page::<PrescriptionsPage>).post(ajout_form::<PrescriptionFields>),
        )
        .route(
            "/usagers/{id}/soins/prescriptions/{pid}/arret",
            post(arret_form),
        )
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/soins/prescriptions",
            get(api_historique::<PrescriptionFields>).post(api_ajouter::<PrescriptionFields>),
        )
        .route(
            "/usagers/{id}/soins/prescriptions/{pid}",
            get(api_get::<PrescriptionFields>).put(api_modifier::<PrescriptionFields>),
        )
        .route(
            "/usagers/{id}/soins/prescriptions/{pid}/arret",
            post(api_arreter),
        )
        .route("/soins/medicaments", get(api_medicaments))
}

//! The care plan of a person (SOI-1): the page `/usagers/{id}/soins/plan` (the acts, adding
//! one, withdrawing one) and `/api/v1/usagers/{id}/soins/plan…` (the body a GET of an act
//! returns is what its PUT takes). The rules are the store's.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::plan_soins::{Intervenant, TypeActe, TypeFrequence, JOURS_FR};
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::Capability;
use dui_store::usager::{ActePlan, ActePlanInput, Usager};
use serde::{Deserialize, Serialize};

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::formulaire_ligne::repondre;
use super::sejours::{code, oui};
use super::versionne::{
    ajout_form, api_ajouter, api_get, api_historique, api_modifier, enregistrement, page,
    AjoutDossier, Historique, PageEnPlace, Versionne,
};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, Errors};
use crate::pagination::{self, Liste};
use crate::reponses::expected_version;
use crate::time::paris_today;
use crate::time::DatesFr as _;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// A planned act as typed (a form, or the API's JSON: the body a GET returns).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct ActePlanFields {
    /// Kind (code: soin_infirmier, hygiene, kinesitherapie…).
    type_acte: Option<String>,
    /// What to do.
    libelle: Option<String>,
    /// Who does it (code: aide_soignant, infirmier, kinesitherapeute…).
    intervenant: Option<String>,
    /// How often (code: quotidien, jours_semaine, intervalle).
    type_frequence: Option<String>,
    /// ISO weekdays of `jours_semaine` (`1,3,5`; 1 = lundi).
    jours_semaine: Option<String>,
    /// N of `intervalle` (every N days).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    intervalle: Option<String>,
    /// Local times: `08:00,20:00`.
    horaires: Option<String>,
    /// First day, `AAAA-MM-JJ` (default: today).
    date_debut: Option<String>,
    /// Last day included, `AAAA-MM-JJ`.
    date_fin: Option<String>,
    /// Instructions.
    consignes: Option<String>,
    /// In the plan (default: true; false withdraws it).
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    actif: Option<String>,
    /// The act's version (change; or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for ActePlanFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("type_acte", lim::CODE),
        Champ::ligne("libelle", lim::LIBELLE),
        Champ::ligne("intervenant", lim::CODE),
        Champ::ligne("type_frequence", lim::CODE),
        Champ::ligne("jours_semaine", lim::CODE),
        Champ::ligne("intervalle", 20),
        Champ::ligne("horaires", lim::REFERENCE),
        Champ::ligne("date_debut", lim::DATE),
        Champ::ligne("date_fin", lim::DATE),
        Champ::texte("consignes", lim::MOTIF),
        Champ::ligne("actif", lim::CODE),
        Champ::ligne("version", 20),
    ];
}

impl ActePlanFields {
    /// The act typed (French 422 on a missing or unknown code); the frequency and dates are
    /// checked by the store.
    fn input(&self) -> WebResult<ActePlanInput> {
        let mut e = Errors::default();
        let t = code(
            &mut e,
            "type_acte",
            "Type d'acte",
            &self.type_acte,
            TypeActe::from_code,
        );
        let i = code(
            &mut e,
            "intervenant",
            "Intervenant",
            &self.intervenant,
            Intervenant::from_code,
        );
        let f = code(
            &mut e,
            "type_frequence",
            "Fréquence",
            &self.type_frequence,
            TypeFrequence::from_code,
        );
        for (champ, v, label) in [
            ("type_acte", &self.type_acte, "Le type d'acte"),
            ("intervenant", &self.intervenant, "L'intervenant"),
            ("libelle", &self.libelle, "L'acte"),
            ("horaires", &self.horaires, "Les horaires"),
        ] {
            if opt(v).is_none() {
                e.add(champ, format!("{label} est obligatoire."));
            }
        }
        let intervalle =
            crate::forms::opt_int(&mut e, "intervalle", "Intervalle", &self.intervalle);
        let (debut, fin) =
            super::sejours::premier_dernier_jour(&mut e, &self.date_debut, &self.date_fin);
        e.finish()?;
        let (Some(type_acte), Some(intervenant)) = (t, i) else {
            return Err(AppError::BadRequest("Acte incomplet.".into()));
        };
        Ok(ActePlanInput {
            type_acte,
            libelle: opt(&self.libelle).unwrap_or_default(),
            intervenant,
            type_frequence: f.unwrap_or(TypeFrequence::Quotidien),
            jours_semaine: opt(&self.jours_semaine).unwrap_or_default(),
            intervalle: intervalle.unwrap_or(1),
            horaires: opt(&self.horaires).unwrap_or_default(),
            date_debut: debut.unwrap_or_else(|| paris_today(Utc::now())).to_string(),
            date_fin: fin.map(|d| d.to_string()),
            consignes: opt(&self.consignes),
            actif: self.actif.is_none() || oui(&self.actif),
        })
    }
}

impl Historique for ActePlanFields {
    const LISTE: &'static Liste = &pagination::PLAN_SOINS;

    async fn lister(app: &App, cap: &Capability, tous: bool) -> WebResult<Vec<Self::Lu>> {
        Ok(app.store.plan_soins(cap, tous).await?)
    }
}

enregistrement!(
    ActePlanFields,
    (UsagerId, i64),
    Section::Soins,
    Action::Valider,
    acte_plan -> ActePlan
);

impl Versionne for ActePlanFields {
    async fn modifier(&self, app: &App, cap: &Capability, id: i64, v: i64) -> WebResult<Cree> {
        let version = app
            .store
            .modifier_acte_plan(cap, id, v, &self.input()?)
            .await?;
        Ok(Cree { id, version })
    }
}

impl AjoutDossier for ActePlanFields {
    type Page = PlanPage;
    const FORMULAIRE: Formulaire = Formulaire::new("acte", "a-", Fait::ActePlanAjoute);

    async fn ajouter(&self, app: &App, cap: &Capability) -> WebResult<i64> {
        Ok(app.store.ajouter_acte_plan(cap, &self.input()?).await?)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/plan_soins.html")]
pub struct PlanPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    soins_actif: &'static str,
    actes: Vec<ActePlan>,
    peut_modifier: bool,
    aujourdhui: String,
    en_place: EnPlace,
}

impl PlanPage {
    fn frequence(&self, a: &ActePlan) -> String {
        a.planifie()
            .map_or_else(|e| e.to_string(), |p| p.frequence.libelle())
    }
    fn jours(&self) -> String {
        JOURS_FR
            .iter()
            .enumerate()
            .map(|(i, j)| format!("{} = {j}", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl PageEnPlace for PlanPage {
    const ADRESSE: &'static str = "/soins/plan";

    /// The plan, with the adding form refused in place (`en_place`) or not.
    async fn rendre(app: &App, me: &CurrentUser, id: UsagerId, en_place: EnPlace) -> PageDossier {
        let Dossier { tabs, u, .. } =
            Dossier::ouvrir(app, me, id, Onglet::Section(Section::Soins)).await?;
        let cap = capability(app, me, id, Section::Soins, Action::Lire).await?;
        let m = super::matrix(app).await?;
        Ok(PlanPage {
            layout: Layout::new(
                me,
                format!("Plan de soins — {}", u.nom_naissance),
                "usagers",
            ),
            actes: app.store.plan_soins(&cap, true).await?,
            peut_modifier: m.permet(me.user.role, Section::Soins, Action::Valider),
            aujourdhui: paris_today(Utc::now()).to_string(),
            soins_actif: "plan",
            en_place,
            u,
            tabs,
        }
        .into_response())
    }
}

/// The form withdrawing an act (one per act of the plan), its input ids `ar-<id>-<field>`.
const RETRAIT: Formulaire = Formulaire::new("retrait", "ar-", Fait::ActePlanRetire);

async fn retirer(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    (id, aid): (UsagerId, i64),
    v: &super::VersionBody,
) -> WebResult<i64> {
    let cap = capability(app, me, id, Section::Soins, Action::Valider).await?;
    let a = app
        .store
        .acte_plan(&cap, aid)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut fields = a.fields.clone();
    fields.actif = false;
    let version = expected_version(headers, v.version)?;
    Ok(app
        .store
        .modifier_acte_plan(&cap, aid, version, &fields)
        .await?)
}

/// POST /usagers/{id}/soins/plan/{aid}/retrait: an act withdrawn (kept in the history),
/// confirmed; a refusal (changed meanwhile) is the plan again with it next to the act.
pub async fn retrait_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    crate::forms::Form(v): crate::forms::Form<super::VersionBody>,
) -> WebResult<Response> {
    let issue = retirer(&app, &me, &headers, ids, &v).await;
    repondre::<PlanPage, _, _>(&app, &me, &headers, ids, &RETRAIT, &v, issue).await
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/soins/plan",
            get(page::<PlanPage>).post(ajout_form::<ActePlanFields>),
        )
        .route("/usagers/{id}/soins/plan/{aid}/retrait", post(retrait_form))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/soins/plan",
            get(api_historique::<ActePlanFields>).post(api_ajouter::<ActePlanFields>),
        )
        .route(
            "/usagers/{id}/soins/plan/{aid}",
            get(api_get::<ActePlanFields>).put(api_modifier::<ActePlanFields>),
        )
}

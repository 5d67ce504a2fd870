//! The planned home-care interventions of a person (issue 13, COO-5): the page
//! `/usagers/{id}/interventions` (the interventions, planning one: the coordinator) and
//! `/api/v1/usagers/{id}/interventions…` (the body a GET of one returns is what its PUT
//! takes). The rules are the store's.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::intervention::Tache;
use dui_domain::plan_soins;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{Intervention, InterventionInput, Usager};
use serde::Deserialize;

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::FormulaireDossier;
use super::formulaire_ligne::page_refusee;
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, opt_int, ApiJson, Errors};
use crate::pagination::{self, Pagination};
use crate::reponses::{confirme, expected_version};
use crate::time::paris_today;
use crate::time::DatesFr as _;
use crate::{
    App, AppError, EnPlace, ErreursFormulaire, Fait, Formulaire, Layout, Saisie, WebResult,
};

/// A planned intervention as typed (a form, or the API's JSON: the body a GET returns).
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct InterventionFields {
    /// The home-care service (établissement id).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = i64)]
    etablissement_id: Option<String>,
    /// The worker assigned (account id of an `intervenant_domicile`).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    intervenant_id: Option<String>,
    /// Task codes, comma-separated (`toilette,repas`; see the `Tache` codes).
    taches: Option<String>,
    /// Another task, in words.
    tache_libre: Option<String>,
    /// Where the visits take place.
    adresse: Option<String>,
    /// ISO weekdays (`1,4`; 1 = lundi).
    jours_semaine: Option<String>,
    /// Local start of the window, `HH:MM` (Europe/Paris).
    heure_debut: Option<String>,
    /// Local end of the window, `HH:MM`.
    heure_fin: Option<String>,
    /// Planned duration in minutes.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = i64)]
    duree_minutes: Option<String>,
    /// Qualification required.
    qualification: Option<String>,
    /// First day, `AAAA-MM-JJ` (default: today).
    date_debut: Option<String>,
    /// Last day included, `AAAA-MM-JJ`.
    date_fin: Option<String>,
    /// The intervention's version (change; or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for InterventionFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("etablissement_id", 20),
        Champ::ligne("intervenant_id", 20),
        Champ::ligne("taches", lim::LIBELLE),
        Champ::ligne("tache_libre", lim::LIBELLE),
        Champ::ligne("adresse", lim::ADRESSE),
        Champ::ligne("jours_semaine", lim::CODE),
        Champ::ligne("heure_debut", lim::DATE),
        Champ::ligne("heure_fin", lim::DATE),
        Champ::ligne("duree_minutes", 20),
        Champ::ligne("qualification", lim::FONCTION),
        Champ::ligne("date_debut", lim::DATE),
        Champ::ligne("date_fin", lim::DATE),
        Champ::ligne("version", 20),
    ];
}

impl InterventionFields {
    /// The intervention typed (French 422 on a missing field); the recurrence, tasks and
    /// worker are checked by the store.
    fn input(&self) -> WebResult<InterventionInput> {
        let mut e = Errors::default();
        let etab = opt_int(
            &mut e,
            "etablissement_id",
            "Service",
            &self.etablissement_id,
        );
        let w = opt_int(
            &mut e,
            "intervenant_id",
            "Intervenant",
            &self.intervenant_id,
        );
        let duree = opt_int(&mut e, "duree_minutes", "Durée", &self.duree_minutes);
        for (champ, v, label) in [
            ("jours_semaine", &self.jours_semaine, "Les jours"),
            ("heure_debut", &self.heure_debut, "L'heure de début"),
            ("heure_fin", &self.heure_fin, "L'heure de fin"),
        ] {
            if opt(v).is_none() {
                e.add(champ, format!("{label} est obligatoire."));
            }
        }
        // The store checks the days again; said here, the message sits by its field.
        if let Some(Err(m)) = opt(&self.jours_semaine).map(|j| plan_soins::parse_jours(&j)) {
            e.add("jours_semaine", m);
        }
        if etab.is_none() {
            e.add("etablissement_id", "Le service est obligatoire.");
        }
        if duree.is_none() {
            e.add("duree_minutes", "La durée est obligatoire.");
        }
        let (debut, fin) =
            super::sejours::premier_dernier_jour(&mut e, &self.date_debut, &self.date_fin);
        e.finish()?;
        Ok(InterventionInput {
            etablissement_id: etab.unwrap_or_default(),
            intervenant_id: w,
            taches: opt(&self.taches).unwrap_or_default(),
            tache_libre: opt(&self.tache_libre),
            adresse: opt(&self.adresse),
            jours_semaine: opt(&self.jours_semaine).unwrap_or_default(),
            heure_debut: opt(&self.heure_debut).unwrap_or_default(),
            heure_fin: opt(&self.heure_fin).unwrap_or_default(),
            duree_minutes: duree.unwrap_or_default(),
            qualification: opt(&self.qualification),
            date_debut: debut.unwrap_or_else(|| paris_today(Utc::now())).to_string(),
            date_fin: fin.map(|d| d.to_string()),
        })
    }
}

/// GET /api/v1/usagers/{id}/interventions
pub async fn api_liste(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(p): Query<Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    p.page(&pagination::INTERVENTIONS_USAGER)?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let items = app.store.interventions(&cap).await?;
    pagination::en_memoire(&p, &pagination::INTERVENTIONS_USAGER, items)
}

/// POST /api/v1/usagers/{id}/interventions → 201 (the coordinator).
pub async fn api_ajouter(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<InterventionFields>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let i = f.input()?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
    let iid = app.store.ajouter_intervention(&cap, &i).await?;
    Ok((
        StatusCode::CREATED,
        Json(Cree {
            id: iid,
            version: 1,
        }),
    ))
}

/// GET /api/v1/usagers/{id}/interventions/{iid}
pub async fn api_get(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, iid)): Path<(UsagerId, i64)>,
) -> WebResult<Json<Intervention>> {
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    Ok(Json(
        app.store
            .intervention(&cap, iid)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

/// PUT /api/v1/usagers/{id}/interventions/{iid}: with the version read (409 otherwise).
pub async fn api_modifier(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, iid)): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<InterventionFields>,
) -> WebResult<Json<Cree>> {
    let version = expected_version(&headers, f.version)?;
    let i = f.input()?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
    let version = app
        .store
        .modifier_intervention(&cap, iid, version, &i)
        .await?;
    Ok(Json(Cree { id: iid, version }))
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/interventions.html")]
struct InterventionsPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    interventions: Vec<Intervention>,
    peut_planifier: bool,
    services: Vec<(i64, String)>,
    intervenants: Vec<(i64, String)>,
    aujourdhui: String,
    /// The planning form refused, and what it held.
    erreurs: ErreursFormulaire,
    s: Saisie,
}

/// The planning form, its input ids `i-<field>`.
const INTERVENTION: Formulaire = Formulaire::new("intervention", "i-", Fait::InterventionPlanifiee);

/// Its fields in display order.
const CHAMPS_INTERVENTION: &[&str] = &[
    "etablissement_id",
    "taches",
    "tache_libre",
    "adresse",
    "jours_semaine",
    "heure_debut",
    "heure_fin",
    "duree_minutes",
    "qualification",
    "intervenant_id",
    "date_debut",
    "date_fin",
];

impl InterventionsPage {
    /// Whether task `t` is ticked in the form refused.
    fn cochee(&self, t: &Tache) -> bool {
        self.s.coche(&format!("t_{}", t.code()))
    }
    fn quand(&self, i: &Intervention) -> String {
        i.fields
            .recurrence()
            .map_or_else(|e| e.to_string(), |r| r.libelle())
    }
    fn libelles(&self, i: &Intervention) -> String {
        let mut v: Vec<String> = dui_store::usager::parse_taches(&i.fields.taches)
            .unwrap_or_default()
            .iter()
            .map(|t| t.label_fr().to_string())
            .collect();
        if let Some(l) = &i.fields.tache_libre {
            v.push(l.clone());
        }
        v.join(", ")
    }
    fn qui(&self, i: &Intervention) -> String {
        i.fields
            .intervenant_id
            .and_then(|w| self.intervenants.iter().find(|x| x.0 == w))
            .map_or_else(|| "Non affectée".to_string(), |x| x.1.clone())
    }
}

/// GET /usagers/{id}/interventions
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> PageDossier {
    rendre(&app, &me, id, EnPlace::default()).await
}

/// The tab of `id`, its planning form refused in place (or not).
async fn rendre(app: &App, me: &CurrentUser, id: UsagerId, en_place: EnPlace) -> PageDossier {
    let Dossier { tabs, u, .. } =
        Dossier::ouvrir(app, me, id, Onglet::Section(Section::Accompagnement)).await?;
    let cap = capability(app, me, id, Section::Accompagnement, Action::Lire).await?;
    let m = super::matrix(app).await?;
    let interventions = app.store.interventions(&cap).await?;
    let peut_planifier = me.user.role.portee() == dui_domain::policy::Portee::Etablissements
        && m.permet(me.user.role, Section::Accompagnement, Action::Valider);
    let services = app
        .store
        .etablissements_nommes(&me.principal.etablissements)
        .await?;
    let intervenants = app
        .store
        .intervenants_domicile(&me.principal.etablissements)
        .await?;
    Ok(InterventionsPage {
        erreurs: en_place.erreurs,
        s: en_place.saisie,
        layout: Layout::new(
            me,
            format!("Interventions à domicile — {}", u.nom_naissance),
            "usagers",
        ),
        interventions,
        peut_planifier,
        services,
        intervenants,
        aujourdhui: paris_today(Utc::now()).to_string(),
        u,
        tabs,
    }
    .into_response())
}

/// POST /usagers/{id}/interventions: an intervention planned (each task a checkbox
/// `t_<code>`).
pub async fn ajouter_form(
    p: FormulaireDossier<std::collections::HashMap<String, String>>,
) -> WebResult<Response> {
    let codes: Vec<&str> = Tache::ALL
        .iter()
        .filter(|t| p.f.contains_key(&format!("t_{}", t.code())))
        .map(|t| t.code())
        .collect();
    let mut champs: serde_json::Map<String, serde_json::Value> =
        p.f.iter()
            .filter(|(k, _)| !k.starts_with("t_") && k.as_str() != "_csrf")
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
    champs.insert("taches".into(), codes.join(",").into());
    let issue = async {
        let f: InterventionFields = serde_json::from_value(serde_json::Value::Object(champs))
            .map_err(|e| crate::forms::json_error(&e))?;
        let i = f.input()?;
        let cap = capability(
            &p.app,
            &p.me,
            p.id,
            Section::Accompagnement,
            Action::Valider,
        )
        .await?;
        Ok(p.app.store.ajouter_intervention(&cap, &i).await?)
    }
    .await;
    let adresse = format!("/usagers/{}/interventions", p.id);
    match issue {
        Ok(_) => Ok(confirme(&p.headers, &adresse, INTERVENTION.fait)),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&INTERVENTION, Saisie::de(&p.f), erreurs);
            page_refusee(e, CHAMPS_INTERVENTION, placer, |en_place| {
                rendre(&p.app, &p.me, p.id, en_place)
            })
            .await
        }
    }
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new().route("/usagers/{id}/interventions", get(page).post(ajouter_form))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/interventions",
            get(api_liste).post(api_ajouter),
        )
        .route(
            "/usagers/{id}/interventions/{iid}",
            get(api_get).put(api_modifier),
        )
}

//! The home-care planning for the coordinator (issue 13, COO-5): `/planning` (a day or a
//! week of the service by worker, overlaps flagged, late and missed visits, a visit given
//! to another worker), `/planning/bilan` (planned vs done of a month, CSV), and
//! `/api/v1/interventions…` (the list: the service's range for the coordinator, the day
//! for a worker; one visit; reassignment; the report). The rules are the store's.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use dui_domain::intervention::{lundi, Mode, StatutVisite};
use dui_domain::policy::Action;
use dui_domain::saisie::Champ;
use dui_store::policy::CapaciteTelegestion;
use dui_store::usager::{EntreeRecue, Visite};
use serde::Deserialize;

pub(crate) use super::collectif::capacite;
use super::formulaire_ligne::repondre_page;
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt_int, ApiJson, Errors};
use crate::pagination::{self, Pagination};
use crate::reponses::expected_version;
use crate::time::{date_saisie, fr_date, paris_today};
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// Minutes without an arrival after the start of the window for a visit to be late:
/// `DUI_TELEGESTION_RETARD_MINUTES` (1 to 240), 15 by default.
pub(crate) fn retard_minutes() -> i64 {
    static R: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *R.get_or_init(|| {
        std::env::var("DUI_TELEGESTION_RETARD_MINUTES")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|m| (1..=240).contains(m))
            .unwrap_or(dui_domain::intervention::RETARD_MINUTES)
    })
}

/// « 08:30 » in Paris from a stored instant.
pub(crate) fn heure(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored).map_or_else(
        |_| stored.to_string(),
        |t| t.with_timezone(&Paris).format("%H:%M").to_string(),
    )
}

/// `?etablissement=&du=&au=&semaine=&jour=&intervenant=&limit=&cursor=`.
#[derive(Deserialize, Default)]
pub struct PlanningQuery {
    #[serde(default)]
    etablissement: Option<String>,
    #[serde(default)]
    du: Option<String>,
    #[serde(default)]
    au: Option<String>,
    #[serde(default)]
    jour: Option<String>,
    #[serde(default)]
    vue: Option<String>,
    #[serde(default)]
    intervenant: Option<String>,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

impl PlanningQuery {
    /// The page's address parameters: the service, the day and the view.
    fn chaine(&self) -> String {
        [
            ("etablissement", &self.etablissement),
            ("jour", &self.jour),
            ("vue", &self.vue),
        ]
        .iter()
        .filter_map(|(k, v)| {
            let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            Some(format!("{k}={}", crate::error::urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// The range asked: `du`/`au`, else the day (`vue=jour`) or the week of `jour` (today).
fn periode(q: &PlanningQuery) -> WebResult<(Option<i64>, NaiveDate, NaiveDate, Option<i64>)> {
    let mut e = Errors::default();
    let etab = opt_int(&mut e, "etablissement", "Établissement", &q.etablissement);
    let w = opt_int(&mut e, "intervenant", "Intervenant", &q.intervenant);
    let mut date = |champ: &str, label: &str, v: &Option<String>| -> Option<NaiveDate> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let d = date_saisie(s);
        if d.is_none() {
            e.add(champ, format!("{label} doit être une date (AAAA-MM-JJ)."));
        }
        d
    };
    let jour = date("jour", "Le jour", &q.jour);
    let du = date("du", "Le premier jour", &q.du);
    let au = date("au", "Le dernier jour", &q.au);
    e.finish()?;
    let jour = jour.unwrap_or_else(|| paris_today(Utc::now()));
    let (du, au) = match (du, au, q.vue.as_deref()) {
        (Some(d), Some(a), _) => (d, a),
        (Some(d), None, _) => (d, d),
        (None, _, Some("jour")) => (jour, jour),
        _ => (lundi(jour), lundi(jour) + Duration::days(6)),
    };
    Ok((etab, du, au, w))
}

/// The coordinator's établissement: the one asked, else their first home-care service.
pub(crate) async fn service(app: &App, me: &CurrentUser, etab: Option<i64>) -> WebResult<i64> {
    if let Some(e) = etab {
        return Ok(e);
    }
    let services = app
        .store
        .services_a_domicile(&me.principal.etablissements)
        .await?;
    services
        .first()
        .map(|s| s.0)
        .or_else(|| me.principal.etablissements.first().copied())
        .ok_or_else(|| AppError::field("etablissement", "Choisissez le service."))
}

/// GET /api/v1/interventions: the coordinator's visits of the service over a range (the
/// week of today by default; `?intervenant=` one worker), a worker's own visits of today.
pub async fn api_liste(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<PlanningQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let p = Pagination {
        limit: q.limit.clone(),
        cursor: q.cursor.clone(),
    };
    p.page(&pagination::INTERVENTIONS)?;
    let (etab, du, au, w) = periode(&q)?;
    let visites = if me.user.role.portee() == dui_domain::policy::Portee::Etablissements {
        let e = service(&app, &me, etab).await?;
        let cap = capacite(&app, &me, Some(e), Action::Lire).await?;
        app.store
            .planning_service(&cap, du, au, w, retard_minutes())
            .await?
    } else {
        let cap = capacite(&app, &me, None, Action::Lire).await?;
        app.store.ma_journee(&cap, retard_minutes()).await?
    };
    pagination::en_memoire(&p, &pagination::INTERVENTIONS, visites)
}

/// The capability that reaches one visit: the coordinator's (of the visit's service) or the
/// worker's.
pub(crate) async fn capacite_visite(
    app: &App,
    me: &CurrentUser,
    etablissement: Option<i64>,
    action: Action,
) -> WebResult<CapaciteTelegestion> {
    if me.user.role.portee() == dui_domain::policy::Portee::Etablissements {
        let e = service(app, me, etablissement).await?;
        capacite(app, me, Some(e), action).await
    } else {
        capacite(app, me, None, action).await
    }
}

/// `?etablissement=`.
#[derive(Deserialize, Default)]
pub struct ServiceQuery {
    #[serde(default)]
    pub(crate) etablissement: Option<String>,
    #[serde(default)]
    pub(crate) mois: Option<String>,
}

pub(crate) fn etab_de(q: &ServiceQuery) -> WebResult<Option<i64>> {
    let mut e = Errors::default();
    let etab = opt_int(&mut e, "etablissement", "Établissement", &q.etablissement);
    e.finish()?;
    Ok(etab)
}

/// GET /api/v1/interventions/{id}: one visit (404 outside the caller's scope).
pub async fn api_get(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ServiceQuery>,
) -> WebResult<Json<Visite>> {
    let cap = capacite_visite(&app, &me, etab_de(&q)?, Action::Lire).await?;
    Ok(Json(
        app.store
            .visite(&cap, id, retard_minutes())
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

/// GET /api/v1/interventions/{id}/entrees: the entries received for a visit, conflicts
/// included (the coordinator sees what was not applied).
pub async fn api_entrees(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ServiceQuery>,
) -> WebResult<Json<Vec<EntreeRecue>>> {
    let cap = capacite_visite(&app, &me, etab_de(&q)?, Action::Lire).await?;
    Ok(Json(app.store.entrees_de_visite(&cap, id).await?))
}

/// The body of a reassignment.
#[derive(Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
pub struct ReaffectationBody {
    /// The worker who now goes (account id).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = i64)]
    intervenant: Option<String>,
    /// The visit's version (or `If-Match`).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    version: Option<String>,
    /// The service (default: the coordinator's first).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    etablissement: Option<String>,
}

impl crate::saisie::Champs for ReaffectationBody {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("intervenant", 20),
        Champ::ligne("version", 20),
        Champ::ligne("etablissement", 20),
    ];
}

async fn reaffecter(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    id: i64,
    b: &ReaffectationBody,
) -> WebResult<i64> {
    let mut e = Errors::default();
    let w = opt_int(&mut e, "intervenant", "Intervenant", &b.intervenant);
    let v = opt_int(&mut e, "version", "Version", &b.version);
    let etab = opt_int(&mut e, "etablissement", "Établissement", &b.etablissement);
    if w.is_none() {
        e.add("intervenant", "Choisissez l'intervenant.");
    }
    e.finish()?;
    let version = expected_version(headers, v)?;
    let e = service(app, me, etab).await?;
    let cap = capacite(app, me, Some(e), Action::Valider).await?;
    Ok(app
        .store
        .reaffecter_visite(&cap, id, version, w.unwrap_or_default())
        .await?)
}

/// POST /api/v1/interventions/{id}/reaffectation: the visit given to another worker of the
/// service (409 on a stale version).
pub async fn api_reaffecter(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReaffectationBody>,
) -> WebResult<Json<Cree>> {
    let version = reaffecter(&app, &me, &headers, id, &b).await?;
    Ok(Json(Cree { id, version }))
}

/// The reassignment form of a row of the planning page: the body, and the page it was on
/// (`jour`, `vue`) to answer with.
#[derive(Deserialize, serde::Serialize, Default)]
pub struct ReaffectationForm {
    #[serde(flatten)]
    corps: ReaffectationBody,
    #[serde(default)]
    jour: Option<String>,
    #[serde(default)]
    vue: Option<String>,
}

impl crate::saisie::Champs for ReaffectationForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("intervenant", 20),
        Champ::ligne("version", 20),
        Champ::ligne("etablissement", 20),
        Champ::ligne("jour", dui_domain::saisie::DATE),
        Champ::ligne("vue", dui_domain::saisie::CODE),
    ];
}

/// A visit's reassignment, a row's form of the planning (input ids `r-<visit>-intervenant`).
const REAFFECTATION: Formulaire = Formulaire::new("reaffectation", "r-", Fait::VisiteReaffectee);

/// POST /planning/visites/{id}/reaffectation (form): the planning page it was posted from
/// confirming it; a refusal (a worker who may not take it, a visit changed meanwhile) is
/// that page again with the message on the visit's row (422, 409), the worker chosen kept.
pub async fn reaffecter_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    crate::forms::Form(f): crate::forms::Form<ReaffectationForm>,
) -> WebResult<Response> {
    let issue = reaffecter(&app, &me, &headers, id, &f.corps)
        .await
        .map_err(|e| match e {
            // The store's refusal of the worker names no field: it is the worker chosen.
            AppError::Invalid { message, fields } if fields.is_empty() => {
                AppError::field("intervenant", message)
            }
            other => other,
        });
    let q = PlanningQuery {
        etablissement: f.corps.etablissement.clone(),
        jour: f.jour.clone(),
        vue: f.vue.clone(),
        ..PlanningQuery::default()
    };
    let adresse = format!("/planning?{}", q.chaine());
    repondre_page(
        &headers,
        &adresse,
        (&REAFFECTATION, Some(id), &f),
        issue,
        |en_place| rendre(&app, &me, q, en_place),
    )
    .await
}

/// One worker's row of the planning page.
struct Ligne {
    nom: String,
    visites: Vec<Visite>,
}

#[derive(Template, WebTemplate)]
#[template(path = "planning.html")]
struct PlanningPage {
    layout: Layout,
    services: Vec<(i64, String)>,
    etablissement: i64,
    du: NaiveDate,
    du_fr: String,
    au_fr: String,
    jour_seul: bool,
    lignes: Vec<Ligne>,
    alertes: Vec<Visite>,
    intervenants: Vec<(i64, String)>,
    total: usize,
    conflits: usize,
    precedent: String,
    suivant: String,
    /// The row's form refused in place, if any.
    en_place: EnPlace,
    /// The view (`jour`, `semaine`), carried by the reassignment forms.
    vue: &'static str,
}

impl PlanningPage {
    fn h(&self, s: &str) -> String {
        heure(s)
    }
    fn jour_fr(&self, d: &str) -> String {
        date_saisie(d).map_or_else(
            || d.to_string(),
            |j| {
                let n = chrono::Datelike::weekday(&j).num_days_from_monday() as usize;
                format!(
                    "{} {}",
                    dui_domain::plan_soins::JOURS_FR[n],
                    j.format("%d/%m")
                )
            },
        )
    }
    /// Whether worker `w` is the one chosen for visit `v`: as typed in its refused form,
    /// else the visit's.
    fn choisi(&self, w: &(i64, String), v: &Visite) -> bool {
        let s = self.en_place.saisie_ligne(REAFFECTATION.nom, &v.id);
        s.choisi(
            "intervenant",
            w.0.to_string(),
            v.intervenant_id == Some(w.0),
        )
    }
    fn statut_classe(&self, s: &StatutVisite) -> &'static str {
        match s {
            StatutVisite::Faite => "badge-qualifiee",
            StatutVisite::EnCours => "badge-validee",
            StatutVisite::EnRetard | StatutVisite::Manquee => "badge-alerte",
            StatutVisite::Prevue => "",
        }
    }
}

/// GET /planning: the coordinator's week (or day) of the service, by worker.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<PlanningQuery>,
) -> WebResult<Response> {
    rendre(&app, &me, q, EnPlace::default()).await
}

/// The planning page asked by `q`, with a row's form refused in place (or not).
async fn rendre(
    app: &App,
    me: &CurrentUser,
    q: PlanningQuery,
    en_place: EnPlace,
) -> WebResult<Response> {
    if me.user.role.portee() != dui_domain::policy::Portee::Etablissements {
        return Ok(axum::response::Redirect::to("/telegestion").into_response());
    }
    let (etab, du, au, w) = periode(&q)?;
    let e = service(app, me, etab).await?;
    let cap = capacite(app, me, Some(e), Action::Lire).await?;
    let visites = app
        .store
        .planning_service(&cap, du, au, w, retard_minutes())
        .await?;
    let now = Utc::now();
    let alertes: Vec<Visite> = visites
        .iter()
        .filter(|v| {
            matches!(v.statut, StatutVisite::EnRetard | StatutVisite::Manquee)
                && v.jour == paris_today(now).to_string()
        })
        .cloned()
        .collect();
    let mut lignes: Vec<Ligne> = Vec::new();
    let mut ordre: Vec<&Visite> = visites.iter().collect();
    ordre.sort_by(|a, b| {
        (a.intervenant.as_deref(), &a.debut_prevu).cmp(&(b.intervenant.as_deref(), &b.debut_prevu))
    });
    for v in ordre {
        let nom = v
            .intervenant
            .clone()
            .unwrap_or_else(|| "Non affectées".into());
        match lignes.last_mut() {
            Some(l) if l.nom == nom => l.visites.push(v.clone()),
            _ => lignes.push(Ligne {
                nom,
                visites: vec![v.clone()],
            }),
        }
    }
    let mut intervenants: Vec<(i64, String)> = visites
        .iter()
        .filter_map(|v| Some((v.intervenant_id?, v.intervenant.clone()?)))
        .collect();
    // Each worker once (homonyms are distinct accounts): by name, then by account.
    intervenants.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    intervenants.dedup_by_key(|w| w.0);
    let jour_seul = du == au;
    let pas = if jour_seul { 1 } else { 7 };
    let vue = if jour_seul { "&vue=jour" } else { "" };
    let services = app
        .store
        .services_a_domicile(&me.principal.etablissements)
        .await?;
    Ok(PlanningPage {
        layout: Layout::new(me, "Planning à domicile", "planning"),
        services,
        etablissement: e,
        precedent: format!(
            "/planning?etablissement={e}&jour={}{vue}",
            du - Duration::days(pas)
        ),
        suivant: format!(
            "/planning?etablissement={e}&jour={}{vue}",
            du + Duration::days(pas)
        ),
        du_fr: fr_date(&du.to_string()),
        au_fr: fr_date(&au.to_string()),
        du,
        jour_seul,
        total: visites.len(),
        conflits: visites.iter().filter(|v| v.chevauchement).count(),
        lignes,
        alertes,
        intervenants,
        en_place,
        vue: if jour_seul { "jour" } else { "semaine" },
    }
    .into_response())
}

/// The coordinator's late and missed visits of today (the home panel), when the account
/// coordinates a home-care service; empty otherwise (and never an error on the home page).
pub async fn alertes_accueil(app: &App, me: &CurrentUser) -> Vec<Visite> {
    if me.user.role.portee() != dui_domain::policy::Portee::Etablissements {
        return Vec::new();
    }
    let Ok(services) = app
        .store
        .services_a_domicile(&me.principal.etablissements)
        .await
    else {
        return Vec::new();
    };
    let mut v = Vec::new();
    for (e, _) in services {
        let m = match super::matrix(app).await {
            Ok(m) => m,
            Err(_) => return v,
        };
        if dui_domain::intervention::peut_telegestion(
            &m,
            me.user.role,
            &me.principal.etablissements,
            Some(e),
            Action::Lire,
        ) != Ok(Mode::Coordination)
        {
            continue;
        }
        let Ok(cap) = capacite(app, me, Some(e), Action::Lire).await else {
            continue;
        };
        let jour = paris_today(Utc::now());
        if let Ok(vs) = app
            .store
            .planning_service(&cap, jour, jour, None, retard_minutes())
            .await
        {
            v.extend(
                vs.into_iter()
                    .filter(|x| matches!(x.statut, StatutVisite::EnRetard | StatutVisite::Manquee)),
            );
        }
    }
    v
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/planning", get(page))
        .route("/planning/bilan", get(super::planning_bilan::bilan_page))
        .route(
            "/planning/bilan.csv",
            get(super::planning_bilan::api_bilan_csv),
        )
        .route(
            "/planning/visites/{id}/reaffectation",
            post(reaffecter_form),
        )
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/interventions", get(api_liste))
        .route(
            "/interventions/bilan",
            get(super::planning_bilan::api_bilan),
        )
        .route(
            "/interventions/bilan.csv",
            get(super::planning_bilan::api_bilan_csv),
        )
        .route("/interventions/{id}", get(api_get))
        .route("/interventions/{id}/entrees", get(api_entrees))
        .route("/interventions/{id}/reaffectation", post(api_reaffecter))
}

//! The home-care worker's phone (issue 13, COO-5): `/telegestion` (today's visits in
//! order with address and tasks; « J'arrive », « Je pars », tasks done or not, a note;
//! kept working offline by `/telegestion-sw.js` and `/static/telegestion.js`: the day is
//! cached, entries are queued in IndexedDB with a client id and sent when the connection
//! returns), and the API: `POST /api/v1/interventions/{id}/arrivee|depart` and
//! `POST /api/v1/interventions/synchronisation` (a batch recorded offline).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use dui_domain::intervention::LOT_MAX;
use dui_domain::policy::Action;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{
    EntreeTelegestion, Position, ResultatEntree, StatutEntree, TypeEntree, Visite,
};
use serde::{Deserialize, Serialize};

use super::planning::{capacite, heure, retard_minutes};
use crate::auth::CurrentUser;
use crate::forms::ApiJson;
use crate::time::{fr_date, paris_today};
use crate::{App, AppError, Layout, WebResult};

/// The text fields of the télégestion's bodies, by name at any depth.
const CHAMPS_TELEGESTION: &[Champ] = &[
    Champ::ligne("id", 64),
    // Codes whose schema is a shared component (`TypeEntree`, `Tache`): its one maximum.
    Champ::ligne("type", lim::AUTRE),
    Champ::ligne("horodatage", 40),
    Champ::texte("note", lim::MOTIF),
    Champ::ligne("tache", lim::AUTRE),
    Champ::ligne("motif", lim::LIBELLE),
];

/// A batch of entries recorded offline.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SynchronisationBody {
    /// The entries, in the order they were recorded (at most 200).
    entrees: Vec<EntreeTelegestion>,
}

impl crate::saisie::Champs for SynchronisationBody {
    const CHAMPS: &'static [Champ] = CHAMPS_TELEGESTION;
}

/// What became of each entry of a batch.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Synchronisation {
    /// One result per entry, in order.
    resultats: Vec<ResultatEntree>,
}

/// POST /api/v1/interventions/synchronisation: a batch of entries, each stored once by its
/// client id; conflicts and refusals reported per entry (200). Acknowledged means committed.
pub async fn api_synchroniser(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(b): ApiJson<SynchronisationBody>,
) -> WebResult<Json<Synchronisation>> {
    if b.entrees.len() > LOT_MAX {
        return Err(AppError::field(
            "entrees",
            format!("{LOT_MAX} saisies par envoi au plus."),
        ));
    }
    let cap = capacite(&app, &me, None, Action::Ecrire).await?;
    let resultats = app.store.synchroniser(&cap, &b.entrees).await?;
    Ok(Json(Synchronisation { resultats }))
}

/// An arrival or a departure sent online.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct PointageBody {
    /// The visit's version read.
    version: i64,
    /// A client id (UUID) making a retry safe; generated when absent.
    id: Option<String>,
    /// Position, only with the worker's consent.
    position: Option<Position>,
}

impl crate::saisie::Champs for PointageBody {
    const CHAMPS: &'static [Champ] = CHAMPS_TELEGESTION;
}

async fn pointer(
    app: &App,
    me: &CurrentUser,
    visite: i64,
    b: PointageBody,
    t: TypeEntree,
) -> WebResult<Json<ResultatEntree>> {
    let cap = capacite(app, me, None, Action::Ecrire).await?;
    let id = b.id.unwrap_or_else(|| {
        let n: u128 = rand::random();
        format!("serveur-{n:032x}")
    });
    let e = EntreeTelegestion {
        id,
        visite,
        version: b.version,
        type_entree: t,
        horodatage: dui_store::ts(Utc::now()),
        position: b.position,
        taches: None,
        note: None,
    };
    let r = app
        .store
        .synchroniser(&cap, &[e])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("aucun résultat".into()))?;
    match r.statut {
        StatutEntree::Enregistree | StatutEntree::DejaRecue => Ok(Json(r)),
        StatutEntree::Conflit => Err(AppError::Conflict {
            code: "conflit_telegestion",
            message: r.message.unwrap_or_default(),
            extra: None,
        }),
        StatutEntree::Refusee => Err(AppError::field("visite", r.message.unwrap_or_default())),
    }
}

/// POST /api/v1/interventions/{id}/arrivee: « J'arrive » now (409 when another account
/// changed the visit since the version sent).
pub async fn api_arrivee(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PointageBody>,
) -> WebResult<Json<ResultatEntree>> {
    pointer(&app, &me, id, b, TypeEntree::Arrivee).await
}

/// POST /api/v1/interventions/{id}/depart: « Je pars » now.
pub async fn api_depart(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PointageBody>,
) -> WebResult<Json<ResultatEntree>> {
    pointer(&app, &me, id, b, TypeEntree::Depart).await
}

#[derive(Template, WebTemplate)]
#[template(path = "telegestion.html")]
struct JourneePage {
    layout: Layout,
    jour: String,
    visites: Vec<Visite>,
    donnees: String,
}

impl JourneePage {
    fn h(&self, s: &str) -> String {
        heure(s)
    }
}

/// GET /telegestion: the worker's visits of today (a coordinator goes to the planning).
pub async fn page(State(app): State<App>, me: CurrentUser) -> WebResult<Response> {
    if me.user.role.portee() == dui_domain::policy::Portee::Etablissements {
        return Ok(axum::response::Redirect::to("/planning").into_response());
    }
    let cap = capacite(&app, &me, None, Action::Lire).await?;
    let visites = app.store.ma_journee(&cap, retard_minutes()).await?;
    let jour = paris_today(Utc::now()).to_string();
    let donnees = serde_json::to_string(&serde_json::json!({
        "jour": jour,
        "compte": me.user.id,
        "servi_a": dui_store::ts(Utc::now()),
        "visites": visites,
    }))
    .map_err(|e| AppError::Internal(e.to_string()))?
    .replace('<', "\\u003c");
    let mut r = JourneePage {
        layout: Layout::new(&me, "Ma journée", "planning"),
        jour: fr_date(&jour),
        visites,
        donnees,
    }
    .into_response();
    // The day is cached by the service worker for offline use: never by shared caches.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-cache"),
    );
    Ok(r)
}

/// GET /telegestion-sw.js: the service worker (served from the root so that its scope may
/// cover `/telegestion`).
pub async fn service_worker() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/telegestion-sw.js"),
    )
        .into_response()
}

/// GET /static/telegestion.js: the phone's script.
pub async fn script() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/telegestion.js"),
    )
        .into_response()
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/telegestion", get(page))
        .route("/telegestion-sw.js", get(service_worker))
        .route("/telegestion.js", get(script))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/interventions/synchronisation", post(api_synchroniser))
        .route("/interventions/{id}/arrivee", post(api_arrivee))
        .route("/interventions/{id}/depart", post(api_depart))
}

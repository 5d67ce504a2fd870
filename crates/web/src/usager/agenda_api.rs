//! `/api/v1/agenda` (issue 13, COO-3/COO-4): a bounded window of an agenda (mine, a
//! colleague's for the cadre and the direction, an établissement's, a room's), an event
//! planned, read, changed (version → 409), its status, a participant's presence, an
//! occurrence moved or cancelled; rooms and vehicles; the calendar subscription; and the
//! person file's events and exchanges. The rules are the store's and the domain's.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use dui_domain::agenda::{Presence, StatutRendezVous, TypeRendezVous};
use dui_domain::agenda_recurrence::instant_paris;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::{authorize_agenda, CapaciteAgenda};
use dui_store::usager::{
    Echange, EchangeInput, Evenement, EvenementInput, ExceptionOccurrence, QuelAgenda, Ressource,
    RessourceInput, VueAgenda, CHAMPS_ECHANGE, CHAMPS_EVENEMENT, CHAMPS_RESSOURCE,
};
use serde::{Deserialize, Serialize};

use super::capability;
use crate::auth::CurrentUser;
use crate::corps::{Cree, Ecrite};
use crate::forms::{ApiJson, Errors};
use crate::reponses::expected_version;
use crate::time::paris_today;
use crate::{App, AppError, WebResult};

/// The authorization of agendas for `action` (audited refusal).
pub(crate) async fn capacite(
    app: &App,
    me: &CurrentUser,
    action: Action,
) -> WebResult<CapaciteAgenda> {
    let m = super::matrix(app).await?;
    Ok(authorize_agenda(&app.store, &m, &me.principal, action, Utc::now()).await?)
}

/// `?de=AAAA-MM-JJ&a=AAAA-MM-JJ&agenda=moi|utilisateur-ID|etablissement-ID|ressource-ID`.
#[derive(Deserialize, Default, Clone)]
pub struct Fenetre {
    /// First day (Paris; default: this week's Monday).
    pub de: Option<String>,
    /// Day after the last (default: a week after `de`).
    pub a: Option<String>,
    /// Whose agenda (default: mine).
    pub agenda: Option<String>,
}

fn jour(champ: &str, s: &Option<String>) -> WebResult<Option<NaiveDate>> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => crate::time::date_saisie(t).map(Some).ok_or_else(|| {
            AppError::field(champ, "Date invalide : écrivez AAAA-MM-JJ ou JJ/MM/AAAA.")
        }),
    }
}

impl Fenetre {
    /// The days [`de`, `a`) in Paris (a week from this week's Monday by default).
    pub(crate) fn jours(&self, now: DateTime<Utc>) -> WebResult<(NaiveDate, NaiveDate)> {
        let aujourdhui = paris_today(now);
        let lundi =
            aujourdhui - Duration::days(i64::from(aujourdhui.weekday().num_days_from_monday()));
        let de = jour("de", &self.de)?.unwrap_or(lundi);
        let a = jour("a", &self.a)?.unwrap_or(de + Duration::days(7));
        Ok((de, a))
    }

    /// Whose agenda.
    pub(crate) fn quel(&self, me: &CurrentUser) -> WebResult<QuelAgenda> {
        quel_agenda(self.agenda.as_deref(), me)
    }
}

/// Reads `moi`, `utilisateur-ID`, `etablissement-ID`, `ressource-ID`.
pub(crate) fn quel_agenda(s: Option<&str>, me: &CurrentUser) -> WebResult<QuelAgenda> {
    let s = s.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("moi");
    if s == "moi" {
        return Ok(QuelAgenda::Utilisateur(me.user.id));
    }
    let erreur = || {
        AppError::field(
            "agenda",
            "Agenda inconnu : moi, utilisateur-N, etablissement-N ou ressource-N.",
        )
    };
    let (genre, id) = s.rsplit_once('-').ok_or_else(erreur)?;
    let id: i64 = id.parse().map_err(|_| erreur())?;
    match genre {
        "utilisateur" => Ok(QuelAgenda::Utilisateur(id)),
        "etablissement" => Ok(QuelAgenda::Etablissement(id)),
        "ressource" => Ok(QuelAgenda::Ressource(id)),
        _ => Err(erreur()),
    }
}

/// The instants of Paris days [`de`, `a`).
pub(crate) fn instants(de: NaiveDate, a: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let minuit = chrono::NaiveTime::MIN;
    (
        instant_paris(de.and_time(minuit)),
        instant_paris(a.and_time(minuit)),
    )
}

/// GET /api/v1/agenda: the occurrences of a window (62 days at most) of an agenda.
pub async fn api_vue(
    State(app): State<App>,
    me: CurrentUser,
    Query(f): Query<Fenetre>,
) -> WebResult<Json<VueAgenda>> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    let (de, a) = f.jours(cap.at())?;
    let (de, a) = instants(de, a);
    Ok(Json(app.store.agenda(&cap, f.quel(&me)?, de, a).await?))
}

/// An event's body (the body its GET returns is accepted: unknown members are ignored).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EvenementCorps {
    /// The event.
    #[serde(flatten)]
    pub evenement: EvenementInput,
    /// Change: the version read (or `If-Match`).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for EvenementCorps {
    const CHAMPS: &'static [Champ] = CHAMPS_EVENEMENT;
}

/// POST /api/v1/agenda: plans an event.
pub async fn api_creer(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(b): ApiJson<EvenementCorps>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let cap = capacite(&app, &me, Action::Ecrire).await?;
    let id = app.store.creer_evenement(&cap, &b.evenement).await?;
    Ok((StatusCode::CREATED, Json(Cree { id, version: 1 })))
}

/// GET /api/v1/agenda/{id}: one event as the caller may see it.
pub async fn api_get(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<Evenement>> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    Ok(Json(app.store.evenement(&cap, id).await?))
}

/// PUT /api/v1/agenda/{id}: changes an event (version → 409).
pub async fn api_modifier(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EvenementCorps>,
) -> WebResult<Json<Cree>> {
    let version = expected_version(&headers, b.version)?;
    let cap = capacite(&app, &me, Action::Ecrire).await?;
    let version = app
        .store
        .modifier_evenement(&cap, id, version, &b.evenement)
        .await?;
    Ok(Json(Cree { id, version }))
}

/// A status change.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StatutCorps {
    /// The new status.
    pub statut: StatutRendezVous,
    /// Why (required to postpone).
    pub motif: Option<String>,
    /// The version read (or `If-Match`).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for StatutCorps {
    const CHAMPS: &'static [Champ] = &[Champ::texte("motif", lim::MOTIF)];
}

/// POST /api/v1/agenda/{id}/statut: confirms, realises, cancels or postpones an event.
pub async fn api_statut(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StatutCorps>,
) -> WebResult<Json<Cree>> {
    let version = expected_version(&headers, b.version)?;
    let cap = capacite(&app, &me, Action::Ecrire).await?;
    let version = app
        .store
        .changer_statut_evenement(&cap, id, version, b.statut, b.motif.as_deref())
        .await?;
    Ok(Json(Cree { id, version }))
}

/// A participant's presence.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PresenceCorps {
    /// Présent, absent, excusé, attendu.
    pub presence: Presence,
    /// The participant's version read (or `If-Match`).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for PresenceCorps {
    const CHAMPS: &'static [Champ] = &[];
}

/// POST /api/v1/agenda/{id}/participants/{pid}/presence: marks a participant's presence.
pub async fn api_presence(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<PresenceCorps>,
) -> WebResult<Json<Cree>> {
    presence_notee((&app, &me, &headers), (id, None), pid, &b).await
}

/// Notes the presence `b` of participant `pid` at event `id` (`None`) or at one date of its
/// series: the participant and the presence's new version.
async fn presence_notee(
    (app, me, headers): (&App, &CurrentUser, &HeaderMap),
    ou: (i64, Option<NaiveDate>),
    pid: i64,
    b: &PresenceCorps,
) -> WebResult<Json<Cree>> {
    let version = expected_version(headers, b.version)?;
    let v = super::agenda_occurrence::noter_presence(app, me, ou, pid, (version, b.presence));
    Ok(Json(Cree {
        id: pid,
        version: v.await?,
    }))
}

/// POST /api/v1/agenda/{id}/occurrences/{date}/participants/{pid}/presence: marks a
/// participant's presence at one occurrence of a series (`version` 0 when none was noted;
/// decision 0059).
pub async fn api_presence_occurrence(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, date, pid)): Path<(i64, NaiveDate, i64)>,
    ApiJson(b): ApiJson<PresenceCorps>,
) -> WebResult<Json<Cree>> {
    presence_notee((&app, &me, &headers), (id, Some(date)), pid, &b).await
}

/// One occurrence moved or cancelled.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ExceptionCorps {
    /// The occurrence.
    #[serde(flatten)]
    pub exception: ExceptionOccurrence,
    /// The event's version read (or `If-Match`).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for ExceptionCorps {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("date", lim::DATE)];
}

/// POST /api/v1/agenda/{id}/exceptions: moves or cancels one occurrence of a series.
pub async fn api_exception(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ExceptionCorps>,
) -> WebResult<Json<Cree>> {
    let version = expected_version(&headers, b.version)?;
    let cap = capacite(&app, &me, Action::Ecrire).await?;
    let version = app
        .store
        .exception_evenement(&cap, id, version, &b.exception)
        .await?;
    Ok(Json(Cree { id, version }))
}

/// `?etablissement=ID`.
#[derive(Deserialize)]
pub struct ParEtablissement {
    /// The établissement.
    pub etablissement: i64,
}

/// The rooms and vehicles of an établissement.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Ressources {
    /// By kind, then name.
    pub ressources: Vec<Ressource>,
}

/// GET /api/v1/agenda/ressources: the rooms and vehicles of an établissement.
pub async fn api_ressources(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<ParEtablissement>,
) -> WebResult<Json<Ressources>> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    let ressources = app.store.ressources(&cap, q.etablissement).await?;
    Ok(Json(Ressources { ressources }))
}

/// A room or a vehicle's body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RessourceCorps {
    /// The resource.
    #[serde(flatten)]
    pub ressource: RessourceInput,
}

impl crate::saisie::Champs for RessourceCorps {
    const CHAMPS: &'static [Champ] = CHAMPS_RESSOURCE;
}

/// POST /api/v1/agenda/ressources: adds a room or a vehicle (the cadre, the direction).
pub async fn api_ressource(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(b): ApiJson<RessourceCorps>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let cap = capacite(&app, &me, Action::Ecrire).await?;
    let id = app.store.creer_ressource(&cap, &b.ressource).await?;
    Ok((StatusCode::CREATED, Json(Cree { id, version: 1 })))
}

/// The address of a calendar subscription.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Abonnement {
    /// The path to add to a calendar application (`/agenda/<secret>.ics`); shown once.
    pub adresse: String,
}

/// POST /api/v1/agenda/abonnement: a new subscription address (the previous one revoked).
pub async fn api_abonnement(
    State(app): State<App>,
    me: CurrentUser,
) -> WebResult<(StatusCode, Json<Abonnement>)> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    let jeton = app.store.creer_abonnement(&cap).await?;
    Ok((
        StatusCode::CREATED,
        Json(Abonnement {
            adresse: format!("/agenda/{jeton}.ics"),
        }),
    ))
}

/// DELETE /api/v1/agenda/abonnement: revokes the subscription address.
pub async fn api_revoquer(State(app): State<App>, me: CurrentUser) -> WebResult<StatusCode> {
    let cap = capacite(&app, &me, Action::Lire).await?;
    app.store.revoquer_abonnement(&cap).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /api/v1/usagers/{id}/agenda: the person's events of a window (support section).
pub async fn api_usager(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(f): Query<Fenetre>,
) -> WebResult<Json<VueAgenda>> {
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let (de, a) = f.jours(cap.at())?;
    let (de, a) = instants(de, a);
    Ok(Json(app.store.agenda_usager(&cap, de, a).await?))
}

/// The exchanges of a file.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Echanges {
    /// Latest first (500 at most).
    pub echanges: Vec<Echange>,
}

/// GET /api/v1/usagers/{id}/echanges: the exchanges of the file, latest first.
pub async fn api_echanges(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<Json<Echanges>> {
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let echanges = app.store.echanges(&cap).await?;
    Ok(Json(Echanges { echanges }))
}

/// An exchange's body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EchangeCorps {
    /// The exchange.
    #[serde(flatten)]
    pub echange: EchangeInput,
}

impl crate::saisie::Champs for EchangeCorps {
    const CHAMPS: &'static [Champ] = CHAMPS_ECHANGE;
}

/// POST /api/v1/usagers/{id}/echanges: records an exchange (append-only; a correction names
/// the entry it corrects).
pub async fn api_echange(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<EchangeCorps>,
) -> WebResult<(StatusCode, Json<Ecrite>)> {
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Ecrire).await?;
    let eid = app.store.ajouter_echange(&cap, &b.echange).await?;
    Ok((StatusCode::CREATED, Json(Ecrite { id: eid })))
}

/// API routes of the agenda and of the file's events and exchanges.
pub fn api_routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/agenda", get(api_vue).post(api_creer))
        .route(
            "/agenda/ressources",
            get(api_ressources).post(api_ressource),
        )
        .route(
            "/agenda/abonnement",
            post(api_abonnement).delete(api_revoquer),
        )
        .route("/agenda/{id}", get(api_get).put(api_modifier))
        .route("/agenda/{id}/statut", post(api_statut))
        .route(
            "/agenda/{id}/participants/{pid}/presence",
            post(api_presence),
        )
        .route("/agenda/{id}/exceptions", post(api_exception))
        .route(
            "/agenda/{id}/occurrences/{date}/participants/{pid}/presence",
            post(api_presence_occurrence),
        )
        .route("/usagers/{id}/agenda", get(api_usager))
        .route(
            "/usagers/{id}/echanges",
            get(api_echanges).post(api_echange),
        )
}

/// The types of event a professional plans (the admission interview is the application's).
pub(super) fn genres_planifiables() -> Vec<(&'static str, &'static str)> {
    TypeRendezVous::ALL
        .iter()
        .filter(|t| **t != TypeRendezVous::EntretienAdmission)
        .map(|t| (t.code(), t.label_fr()))
        .collect()
}

/// The object of an event or an exchange: required, one line of [`lim::LIBELLE`] at most.
pub(super) fn objet(e: &mut Errors, v: &Option<String>) -> String {
    e.required("objet", "Objet", v.as_deref().unwrap_or(""), lim::LIBELLE)
}

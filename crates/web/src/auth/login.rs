//! Login and logout, for the HTML form and the API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::utilisateur::{verify_password, Utilisateur};
use dui_store::audit::Actor;
use serde::{Deserialize, Serialize};

use super::{cookie, set_cookie, ClientIp, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::forms::{ApiJson, Form};
use crate::passwords::{BUSY, RETRY_AFTER_SECS};
use crate::{App, AppError, Layout, WebResult};

/// A hash used to spend the same time on unknown accounts as on known ones.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2e7ilR5wqCWV8ByHRzRPAAiR3Wyng1yiOBrf0fwxW+I";

/// What a refused login is told: the same whether the name exists or not, the password is
/// wrong or right, the account is locked or not (decision 0002).
const INVALID: &str =
    "Identifiant, mot de passe ou code incorrect, ou compte verrouillé pour quinze minutes après cinq échecs.";

/// Seconds a throttled address is told to wait.
const THROTTLE_RETRY_SECS: u64 = 60;

/// Why a login failed.
enum LoginError {
    Invalid,
    TotpRequired,
    Throttled,
    /// Every password-check slot stayed taken during the wait.
    Busy,
    Other(AppError),
}

impl From<dui_store::StoreError> for LoginError {
    fn from(e: dui_store::StoreError) -> Self {
        LoginError::Other(e.into())
    }
}

impl LoginError {
    fn into_app(self) -> AppError {
        match self {
            LoginError::Invalid => AppError::Forbidden(String::new()),
            LoginError::TotpRequired => AppError::Forbidden(String::new()),
            LoginError::Throttled => AppError::Throttled,
            LoginError::Busy => AppError::Upstream(BUSY.into()),
            LoginError::Other(e) => e,
        }
    }

    /// Seconds to wait before trying again, for the answers that have one.
    fn retry_after(&self) -> Option<u64> {
        match self {
            LoginError::Throttled => Some(THROTTLE_RETRY_SECS),
            LoginError::Busy => Some(RETRY_AFTER_SECS),
            _ => None,
        }
    }
}

/// Adds `Retry-After` to a refusal that has one.
fn with_retry_after(mut resp: Response, secs: Option<u64>) -> Response {
    if let Some(v) = secs.and_then(|s| header::HeaderValue::from_str(&s.to_string()).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

struct LoggedIn {
    token: String,
    user: Utilisateur,
}

/// Checks the credentials (and second factor), applies throttling and lockout, audits, and
/// opens a session.
async fn authenticate(
    app: &App,
    username: &str,
    password: &str,
    totp: Option<&str>,
    ip: &str,
    ua: Option<&str>,
) -> Result<LoggedIn, LoginError> {
    if !app.throttle.allow(ip) {
        return Err(LoginError::Throttled);
    }
    let now = Utc::now();
    let username = username.trim().to_lowercase();
    let actor = |id: Option<i64>| Actor {
        utilisateur_id: id,
        username: username.clone(),
        ip: Some(ip.to_string()),
    };
    let creds = app.store.credentials(&username).await?;
    // One password check per core at a time (each holds ~19 MiB): the others wait a little
    // in line, then get a 503.
    let slot = app.passwords.slot().await.map_err(|_| LoginError::Busy)?;
    // The address may have used up its failures while this attempt waited.
    if !app.throttle.allow(ip) {
        return Err(LoginError::Throttled);
    }
    // An attempt takes one of the account's five places before its password is checked, so
    // that parallel attempts check five passwords at most (the same round trip for an
    // unknown name, which changes no row).
    let id = creds.as_ref().map(|c| c.user.id);
    let reserved = app
        .store
        .reserve_login_attempt(id.unwrap_or(0), now)
        .await?;
    let Some(creds) = creds else {
        let pw = password.to_string();
        app.passwords
            .run(slot, move || verify_password(&pw, DUMMY_HASH))
            .await;
        app.throttle.failed(ip);
        app.store
            .record_login_failure(&actor(None), None, "compte_inconnu", now)
            .await?;
        return Err(LoginError::Invalid);
    };
    if reserved.is_none() {
        // Locked, or its five attempts in flight: no password is checked, and the answer is
        // a wrong password's, given in the time of a check, whatever the password (so that
        // guessing cannot go on during the lock, nor the lock tell which names exist).
        app.passwords.pause(slot).await;
        app.throttle.failed(ip);
        let reason = if dui_store::Store::locked_until(&creds.user, now)?.is_some() {
            "compte_verrouille"
        } else {
            "tentatives_simultanees"
        };
        app.store
            .record_login_failure(&actor(id), None, reason, now)
            .await?;
        return Err(LoginError::Invalid);
    }
    let pw = password.to_string();
    let hash = creds.password_hash.clone();
    let ok = app
        .passwords
        .run(slot, move || verify_password(&pw, &hash))
        .await
        .unwrap_or(false);
    let failure = match (creds.user.actif, ok) {
        (false, _) => Some("compte_inactif"),
        (true, false) => Some("mot_de_passe"),
        (true, true) => None,
    };
    if let Some(reason) = failure {
        // The failure that locks answers like the others.
        return Err(failed(app, &actor(id), creds.user.id, ip, reason, now).await);
    }
    if let Some(secret) = &creds.totp_secret {
        let Some(code) = totp.map(str::trim).filter(|c| !c.is_empty()) else {
            // Not a failure: the attempt gives its place back.
            app.store.release_login_attempt(creds.user.id).await?;
            return Err(LoginError::TotpRequired);
        };
        // A code serves once: the same step again (a replay) is refused like a wrong code.
        let fresh = match super::compte::totp_step(secret, &creds.user.username, code, now) {
            Some(step) => app.store.use_totp_step(creds.user.id, step).await?,
            None => false,
        };
        if !fresh {
            return Err(failed(app, &actor(id), creds.user.id, ip, "code_totp", now).await);
        }
    }
    let max_age = chrono::Duration::from_std(app.config.session_max_age)
        .unwrap_or(chrono::Duration::hours(12));
    let detail = serde_json::json!({"totp": creds.totp_secret.is_some()});
    let (token, _csrf) = app
        .store
        .create_session(&actor(id), ua, max_age, detail, now)
        .await?;
    Ok(LoggedIn {
        token,
        user: creds.user,
    })
}

/// Records the failure of a reserved attempt (it may lock the account) and of the address.
async fn failed(
    app: &App,
    actor: &Actor,
    id: i64,
    ip: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> LoginError {
    app.throttle.failed(ip);
    match app
        .store
        .record_reserved_login_failure(actor, id, reason, now)
        .await
    {
        Ok(_) => LoginError::Invalid,
        Err(e) => e.into(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    message: Option<String>,
    ask_totp: bool,
    suivant: String,
    demo: bool,
}

/// Query of the login page.
#[derive(Deserialize)]
pub struct LoginQuery {
    suivant: Option<String>,
}

/// Only local paths are accepted as the page to go back to after login. Control characters
/// and spaces are refused too: browsers drop tabs and line breaks from URLs (`/\t/x` would
/// become `//x`, another site), and they cannot go in a `Location` header.
fn safe_next(s: Option<&str>) -> String {
    match s {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

fn login_page(
    app: &App,
    headers: &HeaderMap,
    status: StatusCode,
    username: String,
    message: Option<String>,
    ask_totp: bool,
    suivant: String,
) -> Response {
    let token = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|t| t.len() == 64)
        .unwrap_or_else(dui_store::session::random_token);
    let page = LoginPage {
        layout: Layout::anonymous("Connexion", token.clone()),
        username,
        message,
        ask_totp,
        suivant,
        demo: app.config.demo,
    };
    let mut resp = (status, page).into_response();
    if let Ok(v) = set_cookie(app, LOGIN_CSRF_COOKIE, &token, 3600).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// GET /connexion
pub async fn page(
    State(app): State<App>,
    me: Option<CurrentUser>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    if me.is_some() {
        return Redirect::to("/").into_response();
    }
    login_page(
        &app,
        &headers,
        StatusCode::OK,
        String::new(),
        None,
        false,
        safe_next(q.suivant.as_deref()),
    )
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    totp: Option<String>,
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    suivant: Option<String>,
}

impl crate::saisie::Champs for LoginForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("username", lim::IDENTIFIANT),
        Champ::ligne("password", lim::MOT_DE_PASSE),
        Champ::ligne("totp", lim::CODE_TOTP),
        Champ::ligne("_csrf", lim::AUTRE),
        Champ::texte("suivant", lim::ADRESSE_RETOUR),
    ];
    const CONNEXION: bool = true;
}

/// POST /connexion
pub async fn submit(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let suivant = safe_next(f.suivant.as_deref());
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE);
    if expected.is_none() || expected.as_deref() != f.csrf.as_deref() {
        let msg = "La page de connexion a expiré : recommencez.".to_string();
        return login_page(
            &app,
            &headers,
            StatusCode::FORBIDDEN,
            f.username,
            Some(msg),
            false,
            suivant,
        );
    }
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    match authenticate(&app, &f.username, &f.password, f.totp.as_deref(), &ip, ua).await {
        Ok(ok) => {
            let mut resp = Redirect::to(&suivant).into_response();
            let max_age = app.config.session_max_age.as_secs() as i64;
            if let Ok(v) = set_cookie(&app, SESSION_COOKIE, &ok.token, max_age).parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(LoginError::Invalid) => login_page(
            &app,
            &headers,
            StatusCode::UNAUTHORIZED,
            f.username,
            Some(INVALID.to_string()),
            f.totp.is_some(),
            suivant,
        ),
        Err(LoginError::TotpRequired) => {
            let msg = "Saisissez le code à six chiffres de votre application d'authentification."
                .to_string();
            login_page(
                &app,
                &headers,
                StatusCode::UNAUTHORIZED,
                f.username,
                Some(msg),
                true,
                suivant,
            )
        }
        Err(LoginError::Throttled) => {
            let msg = "Trop de tentatives depuis votre poste : patientez une minute.".to_string();
            let page = login_page(
                &app,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                f.username,
                Some(msg),
                false,
                suivant,
            );
            with_retry_after(page, Some(THROTTLE_RETRY_SECS))
        }
        Err(LoginError::Busy) => {
            let page = login_page(
                &app,
                &headers,
                StatusCode::SERVICE_UNAVAILABLE,
                f.username,
                Some(BUSY.to_string()),
                false,
                suivant,
            );
            with_retry_after(page, Some(RETRY_AFTER_SECS))
        }
        Err(LoginError::Other(e)) => e.into_response(),
    }
}

/// POST /deconnexion
pub async fn logout(State(app): State<App>, me: CurrentUser) -> WebResult<Response> {
    app.store
        .delete_session(&me.principal.actor(), &me.token_hash, Utc::now())
        .await?;
    let mut resp = Redirect::to("/connexion").into_response();
    if let Ok(v) = set_cookie(&app, SESSION_COOKIE, "", 0).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// Body of `POST /api/v1/session`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiLogin {
    username: String,
    password: String,
    totp: Option<String>,
}

impl crate::saisie::Champs for ApiLogin {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("username", lim::IDENTIFIANT),
        Champ::ligne("password", lim::MOT_DE_PASSE),
        Champ::ligne("totp", lim::CODE_TOTP),
    ];
    const CONNEXION: bool = true;
}

/// A successful login.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Connecte {
    /// Bearer token for the following requests.
    pub token: String,
    /// The account.
    pub user: ApiUser,
}

/// An account as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiUser {
    id: i64,
    username: String,
    nom: String,
    prenom: String,
    role: &'static str,
    etablissements: Vec<i64>,
    doit_changer_mdp: bool,
    totp_actif: bool,
}

impl From<&Utilisateur> for ApiUser {
    fn from(u: &Utilisateur) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            nom: u.nom.clone(),
            prenom: u.prenom.clone(),
            role: u.role.code(),
            etablissements: u.etablissements.clone(),
            doit_changer_mdp: u.doit_changer_mdp,
            totp_actif: u.totp_actif,
        }
    }
}

/// POST /api/v1/session
pub async fn api_login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(b): ApiJson<ApiLogin>,
) -> WebResult<Response> {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    match authenticate(&app, &b.username, &b.password, b.totp.as_deref(), &ip, ua).await {
        Ok(ok) => {
            let body = Connecte {
                user: ApiUser::from(&ok.user),
                token: ok.token.clone(),
            };
            let mut resp = Json(body).into_response();
            let max_age = app.config.session_max_age.as_secs() as i64;
            if let Ok(v) = set_cookie(&app, SESSION_COOKIE, &ok.token, max_age).parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        Err(LoginError::Invalid) => Err(unauthorized("identifiants_invalides", INVALID)),
        Err(LoginError::TotpRequired) => Err(unauthorized(
            "totp_requis",
            "Ce compte demande un code à usage unique (champ « totp »).",
        )),
        Err(e) => {
            let retry = e.retry_after();
            Ok(with_retry_after(e.into_app().into_response(), retry))
        }
    }
}

fn unauthorized(code: &'static str, message: &str) -> AppError {
    AppError::Unauthorized(code, message.into())
}

/// DELETE /api/v1/session
pub async fn api_logout(State(app): State<App>, me: CurrentUser) -> WebResult<StatusCode> {
    app.store
        .delete_session(&me.principal.actor(), &me.token_hash, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /api/v1/moi
pub async fn api_me(me: CurrentUser) -> Json<ApiUser> {
    Json(ApiUser::from(&me.user))
}

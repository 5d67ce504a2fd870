//! Authentication: sessions (cookie or bearer token), CSRF, the current user.

pub mod compte;
pub mod login;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::Principal;

use crate::{App, AppError};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "dui_session";
/// Name of the pre-login anti-CSRF cookie.
pub const LOGIN_CSRF_COOKIE: &str = "dui_connexion";

/// The logged-in account of the current request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// The account.
    pub user: Utilisateur,
    /// What the policy needs.
    pub principal: Principal,
    /// Anti-CSRF token of the session (to put in forms).
    pub csrf: String,
    /// Stored key of the session.
    pub token_hash: String,
    /// The success this page confirms (`?fait=code` after a form's redirect).
    pub fait: Option<crate::layout::Fait>,
    /// Seconds of inactivity after which the session ends.
    pub inactivite: u64,
}

impl CurrentUser {
    /// Refuses unless the account is an administrator.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.user.role == Role::Administrateur {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Cette page est réservée aux administrateurs.".into(),
            ))
        }
    }

    /// Refuses unless the account is an administrator or in the direction.
    pub fn require_direction(&self) -> Result<(), AppError> {
        if matches!(self.user.role, Role::Administrateur | Role::Direction) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Cette page est réservée à la direction.".into(),
            ))
        }
    }

    /// "Prénom Nom".
    pub fn nom_complet(&self) -> String {
        format!("{} {}", self.user.prenom, self.user.nom)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}

/// The client address (from the connection, or `X-Forwarded-For` behind a trusted proxy).
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientIp>()
            .cloned()
            .unwrap_or(ClientIp("inconnue".into())))
    }
}

/// Reads a cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value with our security attributes.
pub fn set_cookie(app: &App, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if app.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_string()))
}

fn client_ip(app: &App, req: &Request) -> String {
    if app.config.trust_proxy {
        // The proxy appends the address it saw: the last entry. Earlier ones come from the
        // client and can be anything (they must not steer throttling or the audit).
        if let Some(xff) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        {
            if let Some(last) = xff
                .rsplit(',')
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                return last.to_string();
            }
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "inconnue".into())
}

/// Paths reachable while a password change or a TOTP enrolment is pending.
fn allowed_while_pending(path: &str) -> bool {
    path.starts_with("/compte")
        || path.starts_with("/static/")
        || path == "/deconnexion"
        || path.starts_with("/api/v1/session")
        || path.starts_with("/api/v1/moi")
}

/// Whether an outside partner's account may call `path`: its home page, its account, and
/// the liaison books (the policy then decides which: the ones it is assigned to). Nothing
/// else answers it, whatever the matrix says (COO-6: an account limited to the book).
fn permis_au_partenaire(path: &str) -> bool {
    if allowed_while_pending(path) || path == "/" || path == "/favicon.ico" {
        return true;
    }
    let rest = path.strip_prefix("/api/v1").unwrap_or(path);
    let Some(rest) = rest.strip_prefix("/usagers/") else {
        return false;
    };
    let (id, suite) = rest.split_once('/').unwrap_or((rest, ""));
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && suite.split('/').next() == Some("liaison")
}

/// Finds the session, checks CSRF on state-changing cookie requests, and puts the
/// [`CurrentUser`] and [`ClientIp`] in the request.
pub async fn session_layer(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&app, &req);
    req.extensions_mut().insert(ClientIp(ip.clone()));
    let path = req.uri().path().to_string();
    if path.starts_with("/static/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
    {
        return next.run(req).await;
    }
    let (token, via_cookie) = match bearer(req.headers()) {
        Some(t) => (Some(t), false),
        None => (cookie(req.headers(), SESSION_COOKIE), true),
    };
    let now = Utc::now();
    let idle = chrono::Duration::from_std(app.config.idle_timeout)
        .unwrap_or(chrono::Duration::minutes(30));
    let mut current = None;
    if let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 128) {
        match load_user(&app, &token, idle, now, ip).await {
            Ok(u) => current = u,
            Err(e) => return e.into_response(),
        }
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let login_path =
        path == "/connexion" || path == "/api/v1/session" && req.method() == Method::POST;
    if let Some(user) = &current {
        if unsafe_method && via_cookie && !login_path {
            match check_csrf(req, &user.csrf).await {
                Ok(r) => req = r,
                Err(e) => return e.into_response(),
            }
        }
        if !allowed_while_pending(&path) {
            if let Some(target) = pending_step(&app, &user.user).await {
                if path.starts_with("/api/") {
                    return AppError::Forbidden(format!(
                        "Action requise avant de continuer : rendez-vous sur {target}."
                    ))
                    .into_response();
                }
                return Redirect::to(target).into_response();
            }
        }
        if user.user.role == Role::Partenaire && !permis_au_partenaire(&path) {
            let mut resp = AppError::Forbidden(
                "Votre compte de partenaire donne accès au cahier de liaison des personnes que vous suivez, et à rien d'autre.".into(),
            )
            .into_response();
            // The error page keeps the navigation and the logout button.
            resp.extensions_mut()
                .insert(crate::Layout::new(user, "", ""));
            return resp;
        }
        let mut user = user.clone();
        user.fait = crate::layout::Fait::depuis_requete(req.uri().query());
        user.inactivite = app.config.idle_timeout.as_secs();
        req.extensions_mut().insert(user);
    }
    let mut resp = next.run(req).await;
    if let Some(user) =
        current.filter(|_| resp.status().is_client_error() || resp.status().is_server_error())
    {
        // Error pages of logged-in people keep the navigation and the logout button.
        resp.extensions_mut()
            .insert(crate::Layout::new(&user, "", ""));
    }
    resp
}

async fn load_user(
    app: &App,
    token: &str,
    idle: chrono::Duration,
    now: chrono::DateTime<Utc>,
    ip: String,
) -> Result<Option<CurrentUser>, AppError> {
    let Some((session, u)) = app.caches.session(&app.store, token, idle, now).await? else {
        return Ok(None);
    };
    if !u.actif {
        return Ok(None);
    }
    let principal = u.principal(Some(ip));
    Ok(Some(CurrentUser {
        user: u,
        principal,
        csrf: session.csrf,
        token_hash: session.token_hash,
        fait: None,
        inactivite: 0,
    }))
}

/// Where the account must go before anything else, if anywhere.
async fn pending_step(app: &App, u: &Utilisateur) -> Option<&'static str> {
    if u.doit_changer_mdp {
        return Some("/compte/mot-de-passe");
    }
    if !u.totp_actif {
        let required = app.caches.totp_roles(&app.store).await.unwrap_or_default();
        if required.contains(&u.role) {
            return Some("/compte/totp");
        }
    }
    None
}

/// Whether the request sends a photo from the file page (`POST /usagers/{id}/photo`).
fn envoi_de_photo(parts: &axum::http::request::Parts) -> bool {
    let chemin = parts.uri.path();
    parts.method == axum::http::Method::POST
        && chemin
            .strip_prefix("/usagers/")
            .and_then(|r| r.strip_suffix("/photo"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks the anti-CSRF token from the `X-CSRF-Token` header or the `_csrf` form field,
/// giving back the request with its body intact.
async fn check_csrf(req: Request, expected: &str) -> Result<Request, AppError> {
    let refused = || {
        AppError::Forbidden("Le jeton de sécurité du formulaire est absent ou périmé : rechargez la page puis recommencez.".into())
    };
    if let Some(h) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if constant_eq(h, expected) {
            Ok(req)
        } else {
            Err(refused())
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(refused());
    }
    let (parts, body) = req.into_parts();
    let limit = if multipart {
        crate::limites::PHOTO_BODY_LIMIT
    } else {
        crate::limites::BODY_LIMIT
    };
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) if multipart && envoi_de_photo(&parts) => {
            // Too large to read its token: the photo's form writes nothing with it, it
            // answers the file page with the refusal next to the photo field.
            let mut req = Request::from_parts(parts, Body::empty());
            req.extensions_mut().insert(crate::limites::PhotoTropGrande);
            return Ok(req);
        }
        Err(_) => {
            return Err(AppError::TooLarge(
                crate::limites::FORMULAIRE_TROP_GRAND.into(),
            ))
        }
    };
    let token = if multipart {
        multipart_field(&content_type, &bytes, "_csrf")
    } else {
        form_urlencoded_field(&bytes, "_csrf")
    };
    if token.is_some_and(|t| constant_eq(&t, expected)) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(refused())
    }
}

/// The text of field `name` of a multipart body, read by hand: the whole body is in memory,
/// and axum's reader would stop at the default body limit, under the photo route's.
fn multipart_field(content_type: &str, body: &[u8], name: &str) -> Option<String> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiteur = format!("--{boundary}");
    let voulu = format!("name=\"{name}\"");
    let mut reste = body;
    while let Some(i) = chercher(reste, delimiteur.as_bytes()) {
        reste = &reste[i + delimiteur.len()..];
        let partie = &reste[..chercher(reste, delimiteur.as_bytes()).unwrap_or(reste.len())];
        let Some(partie) = partie.strip_prefix(b"\r\n") else {
            continue;
        };
        let Some(fin) = chercher(partie, b"\r\n\r\n") else {
            continue;
        };
        let entetes = String::from_utf8_lossy(&partie[..fin]);
        let nommee = entetes.split("\r\n").any(|l| {
            l.to_ascii_lowercase().starts_with("content-disposition:")
                && l.split(';').any(|p| p.trim() == voulu)
        });
        if nommee {
            let valeur = &partie[fin + 4..];
            let valeur = valeur.strip_suffix(b"\r\n").unwrap_or(valeur);
            return String::from_utf8(valeur.to_vec()).ok();
        }
    }
    None
}

/// Where `aiguille` first occurs in `botte`.
fn chercher(botte: &[u8], aiguille: &[u8]) -> Option<usize> {
    botte.windows(aiguille.len()).position(|w| w == aiguille)
}

/// Reads one field of an urlencoded body.
pub fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// Compares secrets in constant time.
pub fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/connexion", get(login::page).post(login::submit))
        .route("/deconnexion", post(login::logout))
        .route("/compte", get(compte::page))
        .route(
            "/compte/mot-de-passe",
            get(compte::password_page).post(compte::password_submit),
        )
        .route(
            "/compte/totp",
            get(compte::totp_page).post(compte::totp_submit),
        )
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/session", post(login::api_login))
        .route("/session", delete(login::api_logout))
        .route("/moi", get(login::api_me))
}

/// The layout of a logged-in page: here rather than in `layout`, which imports no feature.
impl crate::Layout {
    /// Layout for a logged-in page.
    pub fn new(me: &CurrentUser, title: impl Into<String>, nav: &'static str) -> Self {
        Self {
            title: title.into(),
            nav,
            csrf: me.csrf.clone(),
            fait: me.fait,
            inactivite: me.inactivite,
            user: Some(crate::layout::UserBar {
                nom: me.nom_complet(),
                role: me.user.role.label_fr(),
                admin: me.user.role == Role::Administrateur,
                direction: matches!(me.user.role, Role::Administrateur | Role::Direction),
                usagers: match me.user.role {
                    Role::Administrateur | Role::Partenaire => None,
                    Role::Usager => Some("Mon dossier"),
                    Role::Proche => Some("Mes proches"),
                    _ => Some("Usagers"),
                },
                releve: me.user.role.est_professionnel() && me.user.role != Role::Administrateur,
                agenda: me.user.role.est_professionnel() && me.user.role != Role::Administrateur,
                presences: me.user.role.portee() == dui_domain::policy::Portee::Etablissements
                    && me.user.role != Role::Administrateur,
                soins: me.user.role.portee() == dui_domain::policy::Portee::Etablissements
                    && dui_domain::policy::Matrice::par_defaut().permet(
                        me.user.role,
                        dui_domain::policy::Section::Soins,
                        dui_domain::policy::Action::Lire,
                    ),
                activites: me.user.role.portee() == dui_domain::policy::Portee::Etablissements
                    && me.user.role != Role::Administrateur
                    && dui_domain::policy::Matrice::par_defaut().permet(
                        me.user.role,
                        dui_domain::policy::Section::Accompagnement,
                        dui_domain::policy::Action::Lire,
                    ),
                planning: match me.user.role {
                    Role::IntervenantDomicile => Some(("/telegestion", "Ma journée")),
                    Role::Cadre | Role::Direction => Some(("/planning", "Planning à domicile")),
                    _ => None,
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_partner_reaches_the_liaison_books_and_its_account_only() {
        for p in [
            "/",
            "/usagers/12/liaison",
            "/api/v1/usagers/12/liaison",
            "/compte/mot-de-passe",
            "/api/v1/moi",
            "/deconnexion",
        ] {
            assert!(super::permis_au_partenaire(p), "{p}");
        }
        for p in [
            "/usagers",
            "/usagers/12",
            "/usagers/12/soins",
            "/usagers/12/liaisonx",
            "/usagers/abc/liaison",
            "/api/v1/usagers/12/entourage",
            "/api/v1/transmissions",
            "/releve",
            "/admin/utilisateurs",
            "/usagers//liaison",
        ] {
            assert!(!super::permis_au_partenaire(p), "{p}");
        }
    }

    #[test]
    fn a_multipart_token_is_read_by_its_name_only() {
        let ct = "multipart/form-data; boundary=\"xYz\"";
        let mut body =
            b"--xYz\r\nContent-Disposition: form-data; name=\"_csrf_x\"\r\n\r\nfaux\r\n".to_vec();
        body.extend_from_slice(
            b"--xYz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\njeton\r\n",
        );
        body.extend_from_slice(
            b"--xYz\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\n",
        );
        body.extend(vec![0xFF; 3 * 1024 * 1024]);
        body.extend_from_slice(b"\r\n--xYz--\r\n");
        assert_eq!(
            super::multipart_field(ct, &body, "_csrf").as_deref(),
            Some("jeton")
        );
        assert_eq!(super::multipart_field(ct, &body, "absent"), None);
        assert_eq!(
            super::multipart_field("multipart/form-data", &body, "_csrf"),
            None
        );
        assert!(super::envoi_de_photo(
            &axum::http::Request::post("/usagers/12/photo")
                .body(())
                .unwrap()
                .into_parts()
                .0
        ));
        for p in [
            "/usagers/12/photo/suppression",
            "/usagers//photo",
            "/admin/grilles",
            "/usagers/1a/photo",
        ] {
            let parts = axum::http::Request::post(p)
                .body(())
                .unwrap()
                .into_parts()
                .0;
            assert!(!super::envoi_de_photo(&parts), "{p}");
        }
    }
}

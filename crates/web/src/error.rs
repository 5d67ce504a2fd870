//! One error type for the web layer. A handler returns `AppError`; it becomes a response
//! carrying [`ErrorInfo`], which [`render_errors`] turns into JSON under `/api/`, an htmx
//! fragment for htmx requests, or a full French page. The cause goes to the log.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use dui_store::StoreError;

/// Result of a handler.
pub type WebResult<T> = Result<T, AppError>;

/// What can go wrong in a request, with the French message the person sees.
#[derive(Debug)]
pub enum AppError {
    /// 400: the request itself is malformed.
    BadRequest(String),
    /// 401: not logged in.
    Unauthenticated,
    /// 401 with a specific code (bad credentials, second factor required).
    Unauthorized(&'static str, String),
    /// 403: not allowed.
    Forbidden(String),
    /// 404.
    NotFound,
    /// 409: stale version.
    Stale,
    /// 409: duplicate or other conflict.
    Conflict {
        code: &'static str,
        message: String,
        extra: Option<serde_json::Value>,
    },
    /// 422: invalid content, with per-field messages.
    Invalid {
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// 413: the content sent is too large (a photo…).
    TooLarge(String),
    /// 415: a format the product does not take.
    UnsupportedMedia(String),
    /// 423: account locked.
    Locked(String),
    /// 429: too many attempts.
    Throttled,
    /// 502/503: an external service failed.
    Upstream(String),
    /// 500: a bug or an unavailable database; the cause is logged, never shown.
    Internal(String),
}

impl AppError {
    /// 422 on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = BTreeMap::new();
        fields.insert(field.to_string(), message.clone());
        AppError::Invalid { message, fields }
    }

    /// 422 on several fields.
    pub fn fields(fields: BTreeMap<String, String>) -> Self {
        let message = if fields.len() == 1 {
            fields.values().next().cloned().unwrap_or_default()
        } else {
            format!("{} champs sont à corriger.", fields.len())
        };
        AppError::Invalid { message, fields }
    }

    fn public(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "requete_invalide", m.clone()),
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "non_connecte", "Vous devez vous connecter pour accéder à cette page.".into()),
            AppError::Unauthorized(code, m) => (StatusCode::UNAUTHORIZED, code, m.clone()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "acces_refuse", m.clone()),
            AppError::NotFound => (StatusCode::NOT_FOUND, "introuvable", "La ressource demandée est introuvable.".into()),
            AppError::Stale => (
                StatusCode::CONFLICT,
                "version_perimee",
                "Cet enregistrement a été modifié entre-temps par quelqu'un d'autre : rechargez-le avant de l'enregistrer à nouveau. Rien n'a été écrasé.".into(),
            ),
            AppError::Conflict { code, message, .. } => (StatusCode::CONFLICT, code, message.clone()),
            AppError::Invalid { message, .. } => (StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide", message.clone()),
            AppError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "trop_volumineux", m.clone()),
            AppError::UnsupportedMedia(m) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "format_non_pris_en_charge", m.clone()),
            AppError::Locked(m) => (StatusCode::LOCKED, "compte_verrouille", m.clone()),
            AppError::Throttled => (StatusCode::TOO_MANY_REQUESTS, "trop_de_tentatives", "Trop de tentatives : patientez une minute avant de réessayer.".into()),
            AppError::Upstream(m) => (StatusCode::SERVICE_UNAVAILABLE, "service_indisponible", m.clone()),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "erreur_interne",
                "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.".into(),
            ),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::StaleVersion => AppError::Stale,
            StoreError::Conflict(m) => AppError::Conflict {
                code: "conflit",
                message: m,
                extra: None,
            },
            StoreError::Invalid(m) => AppError::Invalid {
                message: m,
                fields: BTreeMap::new(),
            },
            StoreError::Denied(r) => AppError::Forbidden(r.message_fr().into()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// What [`render_errors`] needs to build the body.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    /// Stable code.
    pub code: &'static str,
    /// French message.
    pub message: String,
    /// Per-field messages.
    pub fields: BTreeMap<String, String>,
    /// Extra JSON (e.g. duplicate candidates).
    pub extra: Option<serde_json::Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.public();
        match &self {
            AppError::Internal(cause) => tracing::error!(%code, cause = %cause, "erreur interne"),
            _ => tracing::info!(%code, status = status.as_u16(), "requête refusée"),
        }
        let (fields, extra) = match self {
            AppError::Invalid { fields, .. } => (fields, None),
            AppError::Conflict { extra, .. } => (BTreeMap::new(), extra),
            _ => (BTreeMap::new(), None),
        };
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorInfo {
            code,
            message,
            fields,
            extra,
        });
        resp
    }
}

#[derive(Template)]
#[template(path = "error_connecte.html")]
struct LoggedInErrorPage {
    layout: crate::Layout,
    status: u16,
    message: String,
    fields: Vec<(String, String)>,
    retour: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: String,
    fields: Vec<(String, String)>,
    /// The page of the refused form (`Referer` of this server), to go back to it.
    retour: Option<String>,
}

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Requête invalide",
        401 => "Connexion requise",
        403 => "Accès refusé",
        404 => "Page introuvable",
        405 => "Action non permise",
        409 => "Conflit",
        413 => "Envoi trop volumineux",
        415 => "Format non pris en charge",
        422 => "Saisie à corriger",
        423 => "Compte verrouillé",
        429 => "Trop de tentatives",
        503 => "Service indisponible",
        _ => "Erreur",
    }
}

/// Default French message for errors produced outside our handlers (axum rejections).
fn default_info(status: StatusCode) -> ErrorInfo {
    let (code, message) = match status.as_u16() {
        400 => ("requete_invalide", "La requête est mal formée."),
        401 => ("non_connecte", "Vous devez vous connecter."),
        404 => ("introuvable", "La page ou la ressource demandée est introuvable."),
        405 => ("methode_non_permise", "Cette action n'est pas permise à cette adresse."),
        413 => ("trop_volumineux", "L'envoi dépasse 2 Mo, la taille autorisée pour un envoi."),
        415 => ("format_non_pris_en_charge", "Le format envoyé n'est pas pris en charge : utilisez du JSON (Content-Type: application/json)."),
        422 => ("contenu_invalide", "Le contenu envoyé est invalide."),
        _ => ("erreur_interne", "Une erreur inattendue s'est produite."),
    };
    ErrorInfo {
        code,
        message: message.into(),
        fields: BTreeMap::new(),
        extra: None,
    }
}

/// Builds error bodies: JSON for the API, a fragment for htmx, a page otherwise.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let is_htmx = req.headers().contains_key("hx-request");
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    // A form posted after the session expired: back to the page of the form after login
    // (where `app.js` fills it again), not to the address it posted to; an error page of a
    // refused form links back to that page.
    let retour = match req.method() {
        &axum::http::Method::GET | &axum::http::Method::HEAD => None,
        _ => page_du_formulaire(req.headers()),
    };
    let here = retour.clone().unwrap_or(here);
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let info = match resp.extensions().get::<ErrorInfo>() {
        Some(i) => i.clone(),
        None => {
            // A rejection from axum itself (bad JSON, wrong method…): French it.
            let is_ours = resp.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
                v.to_str()
                    .is_ok_and(|s| s.starts_with("application/json") || s.starts_with("text/html"))
            });
            if is_ours {
                return resp;
            }
            if status.is_server_error() {
                tracing::error!(
                    status = status.as_u16(),
                    "erreur produite hors des gestionnaires"
                );
            }
            default_info(status)
        }
    };
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if is_api {
        let mut err = serde_json::json!({ "code": info.code, "message": info.message });
        if !info.fields.is_empty() {
            err["fields"] = serde_json::to_value(&info.fields).unwrap_or_default();
        }
        if let Some(extra) = info.extra {
            if let (Some(o), Some(x)) = (err.as_object_mut(), extra.as_object()) {
                for (k, v) in x {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        return Response::from_parts(
            parts,
            axum::body::Body::from(serde_json::json!({ "error": err }).to_string()),
        );
    }
    if status == StatusCode::UNAUTHORIZED && !is_htmx {
        // People are sent to the login page rather than shown a 401 page.
        let target = if here.is_empty() || here == "/" {
            "/connexion".to_string()
        } else {
            format!("/connexion?suivant={}", urlencode(&here))
        };
        let mut r = axum::response::Redirect::to(&target).into_response();
        r.headers_mut().extend(
            parts
                .headers
                .drain()
                .filter_map(|(k, v)| k.filter(|k| k == header::SET_COOKIE).map(|k| (k, v))),
        );
        return r;
    }
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if is_htmx {
        // htmx 2 does not swap error bodies: retarget them into the page's alert region.
        parts
            .headers
            .insert("hx-retarget", HeaderValue::from_static("#messages"));
        parts
            .headers
            .insert("hx-reswap", HeaderValue::from_static("innerHTML"));
        let mut html = format!(
            "<div class=\"alerte alerte-erreur\" role=\"alert\"><p>{}</p>",
            escape(&info.message)
        );
        if !info.fields.is_empty() {
            html.push_str("<ul>");
            for (f, m) in &info.fields {
                html.push_str(&format!("<li><a href=\"#{f}\">{}</a></li>", escape(m)));
            }
            html.push_str("</ul>");
        }
        html.push_str("</div>");
        return Response::from_parts(parts, axum::body::Body::from(html));
    }
    let fields: Vec<(String, String)> = info.fields.into_iter().collect();
    let body = match parts.extensions.get::<crate::Layout>().cloned() {
        Some(mut layout) => {
            layout.title = title(status).to_string();
            LoggedInErrorPage {
                layout,
                status: status.as_u16(),
                message: info.message,
                fields,
                retour,
            }
            .render()
        }
        None => ErrorPage {
            status: status.as_u16(),
            title: title(status),
            message: info.message,
            fields,
            retour,
        }
        .render(),
    }
    .unwrap_or_else(|_| "Erreur".into());
    Response::from_parts(parts, axum::body::Body::from(Html(body).0))
}

/// The path of the page a form was posted from (`Referer` of this server), if known.
fn page_du_formulaire(headers: &axum::http::HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (_, reste) = referer.split_once("://")?;
    let (hote, chemin) = reste.split_at(reste.find('/')?);
    // A path of this server only (`//autre` would leave it).
    (hote == host && !chemin.starts_with("//")).then(|| chemin.to_string())
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

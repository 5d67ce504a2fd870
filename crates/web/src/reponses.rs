//! Response helpers shared by the feature modules: redirect after a form post, the expected
//! version of an update, the shape of an API list. They import no feature module.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::AppError;
use crate::layout::Fait;

/// After a successful form post: `HX-Redirect` for htmx, 303 otherwise.
pub fn done(headers: &HeaderMap, url: &str) -> Response {
    if headers.contains_key("hx-request") {
        let mut r = StatusCode::NO_CONTENT.into_response();
        if let Ok(v) = url.parse() {
            r.headers_mut().insert("hx-redirect", v);
        }
        r
    } else {
        Redirect::to(url).into_response()
    }
}

/// After a successful form post: [`done`] to `url`, whose page confirms `fait`.
pub fn confirme(headers: &HeaderMap, url: &str, fait: Fait) -> Response {
    done(headers, &fait.adresse(url))
}

/// Reads the expected version from `If-Match: "3"` or the body's `version`.
pub fn expected_version(headers: &HeaderMap, body_version: Option<i64>) -> Result<i64, AppError> {
    if let Some(v) = headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim().trim_start_matches("W/").trim_matches('"');
        return v.parse().map_err(|_| {
            AppError::BadRequest(
                "L'en-tête If-Match doit contenir la version, par exemple \"3\".".into(),
            )
        });
    }
    body_version.ok_or_else(|| AppError::field("version", "La version de l'enregistrement lu est obligatoire (champ « version » ou en-tête If-Match)."))
}

/// A page of an API list, as API.md sets it: `{"items": […], "next_cursor": …}` (`null` on the
/// last page).
pub(crate) fn liste(
    items: impl serde::Serialize,
    next_cursor: Option<impl serde::Serialize>,
) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"items": items, "next_cursor": next_cursor}))
}

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
/// last page), serialized once, straight from the items (no intermediate `serde_json::Value`:
/// a week of 2,000 visits spent a third of its time building and dropping one).
pub(crate) fn liste(
    items: impl serde::Serialize,
    next_cursor: Option<impl serde::Serialize>,
) -> JsonListe {
    #[derive(serde::Serialize)]
    struct Corps<I, C> {
        items: I,
        next_cursor: Option<C>,
    }
    JsonListe(serde_json::to_vec(&Corps { items, next_cursor }).map_err(|e| e.to_string()))
}

/// An API list's JSON body, already serialized ([`liste`]).
pub struct JsonListe(Result<Vec<u8>, String>);

impl IntoResponse for JsonListe {
    fn into_response(self) -> Response {
        match self.0 {
            Ok(body) => (
                [(
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(e) => AppError::Internal(e).into_response(),
        }
    }
}

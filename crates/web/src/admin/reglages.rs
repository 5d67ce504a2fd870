//! A settings form of the administrator posted as free pairs (`POST /admin/droits`:
//! `delai.<type>`; `POST /admin/permissions`: `role.section.action`, `totp.role`): the
//! account is checked to be the administrator before the body is read, the pairs decoded
//! once, the answer goes back to the page confirming the change.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::done;
use crate::auth::CurrentUser;
use crate::{App, AppError};

/// The administrator, the pairs posted, and the headers the answer needs.
pub struct ReglagesAdmin {
    pub app: App,
    pub me: CurrentUser,
    pub headers: HeaderMap,
    pub paires: Vec<(String, String)>,
}

impl FromRequest<App> for ReglagesAdmin {
    type Rejection = Response;

    async fn from_request(req: Request, app: &App) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let me = CurrentUser::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        me.require_admin().map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let body = String::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(IntoResponse::into_response)?;
        let paires = serde_urlencoded::from_str(&body).map_err(|_| {
            AppError::BadRequest("Le formulaire est illisible.".into()).into_response()
        })?;
        Ok(Self {
            app: app.clone(),
            me,
            headers,
            paires,
        })
    }
}

impl ReglagesAdmin {
    /// Back to the settings page `page`, confirming the change (`?enregistre=1`).
    pub(crate) fn enregistre(&self, page: &str) -> Response {
        done(&self.headers, &format!("{page}?enregistre=1"))
    }
}

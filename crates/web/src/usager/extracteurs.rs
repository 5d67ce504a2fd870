//! The extractors of the person file's handlers: what a request on `/usagers/{id}/…` brings
//! before the handler runs (the account, the file's id, the list asked, the form posted), so
//! that each handler is its own work only.

use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_store::page::Page;
use dui_store::policy::Capability;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::capability;
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::pagination::{self, Liste, Pagination};
use crate::saisie::Champs;
use crate::{App, AppError, WebResult};

/// The file's id in a route `/usagers/{id}/…` (other parameters ignored).
#[derive(Deserialize)]
struct IdDossier {
    id: UsagerId,
}

/// Any rejection as the response it is.
fn rejet(e: impl IntoResponse) -> Response {
    e.into_response()
}

/// The account and the file's id of a request on `/usagers/{id}/…`.
async fn compte_et_dossier(
    parts: &mut Parts,
    app: &App,
) -> Result<(CurrentUser, UsagerId), Response> {
    let me = CurrentUser::from_request_parts(parts, app)
        .await
        .map_err(rejet)?;
    let Path(IdDossier { id }) = Path::from_request_parts(parts, app).await.map_err(rejet)?;
    Ok((me, id))
}

/// An API list of one file's administrative section, extracted before its handler runs: the
/// list's bounds (found in [`pagination::LISTES`] by the route it was called on), its
/// `?limit=&cursor=` and the capability of reading the section (authorized and audited).
pub(crate) struct ListeDossier {
    pub app: App,
    pub me: CurrentUser,
    pub cap: Capability,
    pub p: Pagination,
    pub liste: &'static Liste,
}

impl FromRequestParts<App> for ListeDossier {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let route = MatchedPath::from_request_parts(parts, app)
            .await
            .map_err(rejet)?;
        let route = route.as_str().trim_start_matches("/api/v1");
        let liste = pagination::LISTES
            .iter()
            .find(|l| l.path == route)
            .ok_or_else(|| {
                AppError::Internal(format!("{route} n'est pas dans pagination::LISTES"))
                    .into_response()
            })?;
        let (me, id) = compte_et_dossier(parts, app).await?;
        let Query(p) = Query::<Pagination>::from_request_parts(parts, app)
            .await
            .map_err(rejet)?;
        let cap = capability(app, &me, id, Section::Administratif, Action::Lire)
            .await
            .map_err(rejet)?;
        Ok(Self {
            app: app.clone(),
            me,
            cap,
            p,
            liste,
        })
    }
}

impl ListeDossier {
    /// The page asked, for a list keyed by an integer (422 on a bad `limit` or `cursor`).
    pub(crate) fn page(&self) -> WebResult<Page> {
        self.p.page(self.liste)
    }
}

/// A form posted on a person's file (`POST /usagers/{id}/…`): the account, the file, the
/// fields (checked against their maxima, French 422 otherwise) and the headers the answer
/// needs ([`FormulaireDossier::confirme`]).
pub(crate) struct FormulaireDossier<F> {
    pub app: App,
    pub me: CurrentUser,
    pub id: UsagerId,
    pub headers: HeaderMap,
    pub f: F,
}

impl<F: DeserializeOwned + Champs + Send> FromRequest<App> for FormulaireDossier<F> {
    type Rejection = Response;

    async fn from_request(req: Request, app: &App) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let (me, id) = compte_et_dossier(&mut parts, app).await?;
        let headers = parts.headers.clone();
        let Form(f) = Form::<F>::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(rejet)?;
        Ok(Self {
            app: app.clone(),
            me,
            id,
            headers,
            f,
        })
    }
}

impl<F> FormulaireDossier<F> {
    /// The answer once the form is applied: back to page `page` of the file (`""` for its
    /// summary, `"/entourage"`…), confirming `fait`.
    pub(crate) fn confirme(&self, page: &str, fait: crate::Fait) -> Response {
        crate::reponses::confirme(&self.headers, &format!("/usagers/{}{page}", self.id), fait)
    }
}

//! The extractors of the person file's handlers: what a request on `/usagers/{id}/…` brings
//! before the handler runs (the account, the file's id, the list asked, the form posted), so
//! that each handler is its own work only.

use std::marker::PhantomData;

use axum::body::Body;
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
use super::entete::{Dossier, NonOuvert, Onglet};
use crate::auth::CurrentUser;
use crate::forms::{ApiJson, Form};
use crate::pagination::{self, Liste, Pagination};
use crate::saisie::Champs;
use crate::{App, AppError, WebResult};

/// The id in a route `/usagers/{id}/…`, `/activites/{id}/…` (other parameters ignored).
#[derive(Deserialize)]
struct IdChemin<I> {
    id: I,
}

/// Any rejection as the response it is.
fn rejet(e: impl IntoResponse) -> Response {
    e.into_response()
}

/// The application, the account and the id of a request on `/usagers/{id}/…` (a file's),
/// `/activites/{id}/…`…
async fn compte_et_id<I: DeserializeOwned + Send>(
    parts: &mut Parts,
    app: &App,
) -> Result<(App, CurrentUser, I), Response> {
    let me = CurrentUser::from_request_parts(parts, app)
        .await
        .map_err(rejet)?;
    let Path(IdChemin { id }) = Path::from_request_parts(parts, app).await.map_err(rejet)?;
    Ok((app.clone(), me, id))
}

/// An API list of one file's administrative section, extracted before its handler runs: the
/// list asked ([`ListeDemandee`], which it derefs to) and the capability of reading the
/// section (authorized and audited).
pub(crate) struct ListeDossier {
    demande: ListeDemandee,
    pub cap: Capability,
}

impl FromRequestParts<App> for ListeDossier {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let demande = ListeDemandee::from_request_parts(parts, app).await?;
        let cap = demande
            .lecture(Section::Administratif)
            .await
            .map_err(rejet)?;
        Ok(Self { demande, cap })
    }
}

impl std::ops::Deref for ListeDossier {
    type Target = ListeDemandee;
    fn deref(&self) -> &ListeDemandee {
        &self.demande
    }
}

/// An API list of one file (`GET /api/v1/usagers/{id}/…`), before its section's capability
/// is asked: the account, the file, the list's bounds (found in [`pagination::LISTES`] by
/// the route it was called on) and its `?limit=&cursor=`.
pub(crate) struct ListeDemandee {
    pub app: App,
    pub me: CurrentUser,
    pub id: UsagerId,
    pub p: Pagination,
    pub liste: &'static Liste,
}

impl FromRequestParts<App> for ListeDemandee {
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
        let PageDemandee { app, me, id, q } = PageDemandee::from_request_parts(parts, app).await?;
        Ok(Self {
            app,
            me,
            id,
            p: q,
            liste,
        })
    }
}

impl ListeDemandee {
    /// The page asked, for a list keyed by an integer (422 on a bad `limit` or `cursor`).
    pub(crate) fn page(&self) -> WebResult<Page> {
        self.p.page(self.liste)
    }

    /// The reading of `section` of the file (authorized and audited).
    pub(crate) async fn lecture(&self, section: Section) -> WebResult<Capability> {
        capability(&self.app, &self.me, self.id, section, Action::Lire).await
    }
}

/// A form posted on a page (`POST /usagers/{id}/…`, `/activites/{id}/…`), or a JSON body
/// sent to an API resource ([`CorpsApi`]): the account, the page's id `I` (the route's `id`),
/// the fields (checked against their maxima, French 422 otherwise) and the headers the
/// answer needs ([`FormulaireDossier::confirme`], `If-Match`). `L` reads the body.
pub(crate) struct FormulairePage<I, F, L = Form<F>> {
    pub app: App,
    pub me: CurrentUser,
    pub id: I,
    pub headers: HeaderMap,
    pub f: F,
    lecture: PhantomData<fn() -> L>,
}

/// A form posted on a person's file.
pub(crate) type FormulaireDossier<F> = FormulairePage<UsagerId, F>;

/// A JSON body sent to an API resource by id (`PUT /api/v1/seances/{id}/presences`…).
pub(crate) type CorpsApi<I, F> = FormulairePage<I, F, ApiJson<F>>;

/// How the fields `F` of a body are read: a form (`Form<F>`) or JSON (`ApiJson<F>`).
pub(crate) trait Lecture<F>: FromRequest<App, Rejection = AppError> {
    fn champs(self) -> F;
}

impl<F: DeserializeOwned + Champs + Send> Lecture<F> for Form<F> {
    fn champs(self) -> F {
        self.0
    }
}

impl<F: DeserializeOwned + Champs + Send> Lecture<F> for ApiJson<F> {
    fn champs(self) -> F {
        self.0
    }
}

impl<I, F, L> FromRequest<App> for FormulairePage<I, F, L>
where
    I: DeserializeOwned + Send,
    L: Lecture<F>,
{
    type Rejection = Response;

    async fn from_request(req: Request, app: &App) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let (app, me, id) = compte_et_id(&mut parts, app).await?;
        let (headers, corps) = corps::<L>(parts, body, &app).await?;
        Ok(Self {
            app,
            me,
            id,
            headers,
            f: corps.champs(),
            lecture: PhantomData,
        })
    }
}

/// A form posted on a page whose route has no id (`POST /presences`, `/soins/feuille`…):
/// the account, the headers the answer needs and the fields.
pub(crate) struct FormulaireEnvoye<F> {
    pub app: App,
    pub me: CurrentUser,
    pub headers: HeaderMap,
    pub f: F,
}

impl<F: DeserializeOwned + Champs + Send> FromRequest<App> for FormulaireEnvoye<F> {
    type Rejection = Response;

    async fn from_request(req: Request, app: &App) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let me = CurrentUser::from_request_parts(&mut parts, app)
            .await
            .map_err(rejet)?;
        let (headers, Form(f)) = corps(parts, body, app).await?;
        Ok(Self {
            app: app.clone(),
            me,
            headers,
            f,
        })
    }
}

/// The headers and the body `B` of a request, once its parts have given what they bring.
async fn corps<B>(parts: Parts, body: Body, app: &App) -> Result<(HeaderMap, B), Response>
where
    B: FromRequest<App>,
    B::Rejection: IntoResponse,
{
    let headers = parts.headers.clone();
    let b = B::from_request(Request::from_parts(parts, body), app)
        .await
        .map_err(rejet)?;
    Ok((headers, b))
}

impl<F> FormulairePage<UsagerId, F> {
    /// The page of the file this form was posted on, as `q` asks it.
    pub(crate) fn demande<'a, Q>(&'a self, q: &'a Q) -> Demande<'a, Q> {
        Demande {
            app: &self.app,
            me: &self.me,
            id: self.id,
            q,
        }
    }

    /// The answer once the form is applied: back to page `page` of the file (`""` for its
    /// summary, `"/entourage"`…), confirming `fait`.
    pub(crate) fn confirme(&self, page: &str, fait: crate::Fait) -> Response {
        crate::reponses::confirme(&self.headers, &format!("/usagers/{}{page}", self.id), fait)
    }
}

/// A GET of a page of a person's file (`/usagers/{id}/…`): the account, the file and the
/// page's query `Q` (the measure shown, the page of records, the record to correct…).
pub(crate) struct PageDemandee<Q> {
    pub app: App,
    pub me: CurrentUser,
    pub id: UsagerId,
    pub q: Q,
}

impl<Q: DeserializeOwned + Send> FromRequestParts<App> for PageDemandee<Q> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let (app, me, id) = compte_et_id(parts, app).await?;
        let Query(q) = Query::<Q>::from_request_parts(parts, &app)
            .await
            .map_err(rejet)?;
        Ok(Self { app, me, id, q })
    }
}

impl<Q> PageDemandee<Q> {
    /// The page asked.
    pub(crate) fn demande(&self) -> Demande<'_, Q> {
        Demande {
            app: &self.app,
            me: &self.me,
            id: self.id,
            q: &self.q,
        }
    }
}

/// What a page of a person's file is made for: the account, the file, and what its query
/// `Q` asks (from a GET, or the page again after a refused form).
pub(crate) struct Demande<'a, Q> {
    pub app: &'a App,
    pub me: &'a CurrentUser,
    pub id: UsagerId,
    pub q: &'a Q,
}

impl<Q> Clone for Demande<'_, Q> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q> Copy for Demande<'_, Q> {}

impl<Q> Demande<'_, Q> {
    /// The file opened on its care tab, with the care read the page lists from.
    pub(crate) async fn soins(&self) -> Result<(Dossier, Capability), NonOuvert> {
        let Self { app, me, id, .. } = *self;
        let d = Dossier::ouvrir(app, me, id, Onglet::Section(Section::Soins)).await?;
        let cap = d.soins(app, me).await?;
        Ok((d, cap))
    }
}

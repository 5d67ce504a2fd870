//! A versioned record (an act of the care plan, a prescription, a benefit, a measure, a stay,
//! an application): the API's GET and PUT of one record, the API's POST adding one to a file
//! and the file's form adding one — written once, each record saying only what is its own.
//!
//! - [`Cle`]: where a record is in its route and what authorizes it (a file's section, or the
//!   applications of the account's établissements).
//! - [`Enregistrement`] (declared by [`enregistrement!`]): its section, the action of a write,
//!   how the store reads it.
//! - [`Versionne`]: its change with the version read (409 when stale).
//! - [`AjoutDossier`]: its addition to a file, from the API or from a form of the page
//!   [`PageEnPlace`] — a refusal (422, 409) is that page again with the form as typed and
//!   its errors, a success redirects to it with a confirmation.
//!
//! The handlers are generic; the OpenAPI document is declared per route
//! (`openapi/operations.rs`), so each instance still has its operation.

use std::future::Future;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_store::policy::Capability;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::capability;
use super::entete::PageDossier;
use super::extracteurs::FormulaireDossier;
use super::formulaire_ligne::{champs, page_refusee};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::ApiJson;
use crate::pagination::{self, Liste, Pagination};
use crate::reponses::expected_version;
use crate::saisie::Champs;
use crate::{App, AppError, EnPlace, Formulaire, Saisie, WebResult};

/// Where a record is in its route (`Path`), and what authorizes it.
pub(crate) trait Cle: DeserializeOwned + Copy + Send + Sync + 'static {
    /// What authorizes the record's reads and writes.
    type Cap: Send + Sync;

    /// The record's own id.
    fn id(self) -> i64;

    /// The capability of doing `action` on `section` for this record (authorized, audited).
    fn capacite(
        self,
        app: &App,
        me: &CurrentUser,
        section: Section,
        action: Action,
    ) -> impl Future<Output = WebResult<Self::Cap>> + Send;
}

/// A record of a person's file: `/usagers/{id}/…/{rid}`.
impl Cle for (UsagerId, i64) {
    type Cap = Capability;

    fn id(self) -> i64 {
        self.1
    }

    async fn capacite(
        self,
        app: &App,
        me: &CurrentUser,
        section: Section,
        action: Action,
    ) -> WebResult<Capability> {
        capability(app, me, self.0, section, action).await
    }
}

/// The capability of a record `R`.
pub(crate) type Cap<R> = <<R as Enregistrement>::Cle as Cle>::Cap;

/// A record that the API reads, typed by its `…Fields` (declare it with
/// [`enregistrement!`]).
pub(crate) trait Enregistrement: DeserializeOwned + Champs + Send + Sync + 'static {
    /// Where it is in its route.
    type Cle: Cle;
    /// The record as read (its JSON is what the PUT takes, when there is one).
    type Lu: Serialize + Send;
    /// Its section.
    const SECTION: Section;
    /// The action a write (an addition, a change) needs.
    const ECRITURE: Action;

    /// The record `id`, if any.
    fn lire(
        app: &App,
        cap: &Cap<Self>,
        id: i64,
    ) -> impl Future<Output = WebResult<Option<Self::Lu>>> + Send;
}

/// Declares `$fields` a record at `$cle` of `$section`, written with `$ecriture`, read by
/// `app.store.$lire(cap, id)` as `$lu`.
macro_rules! enregistrement {
    ($fields:ty, $cle:ty, $section:expr, $ecriture:expr, $lire:ident -> $lu:ty) => {
        impl $crate::usager::versionne::Enregistrement for $fields {
            type Cle = $cle;
            type Lu = $lu;
            const SECTION: dui_domain::policy::Section = $section;
            const ECRITURE: dui_domain::policy::Action = $ecriture;

            async fn lire(
                app: &$crate::App,
                cap: &<$cle as $crate::usager::versionne::Cle>::Cap,
                id: i64,
            ) -> $crate::WebResult<Option<$lu>> {
                Ok(app.store.$lire(cap, id).await?)
            }
        }
    };
}
pub(crate) use enregistrement;

/// A record changed with the version read (409 when stale). Its `…Fields` serialize with a
/// `version` field: the version read when there is no `If-Match`.
pub(crate) trait Versionne: Enregistrement + Serialize {
    /// The record `id` changed to these fields, from `version`: the record's id and version
    /// after the change.
    fn modifier(
        &self,
        app: &App,
        cap: &Cap<Self>,
        id: i64,
        version: i64,
    ) -> impl Future<Output = WebResult<Cree>> + Send;
}

/// A page of a person's file holding forms refused in place.
pub(crate) trait PageEnPlace: Send + 'static {
    /// Its address below the file's (`"/soins/plan"`).
    const ADRESSE: &'static str;

    /// The page of the file `id`, with a refused form shown in place (or none).
    fn rendre(
        app: &App,
        me: &CurrentUser,
        id: UsagerId,
        en_place: EnPlace,
    ) -> impl Future<Output = PageDossier> + Send;
}

/// A record added to a person's file, from the API or from a form of its page.
pub(crate) trait AjoutDossier: Enregistrement<Cle = (UsagerId, i64)> + Serialize {
    /// The page the form is on.
    type Page: PageEnPlace;
    /// The form on that page (its name, ids, confirmation).
    const FORMULAIRE: Formulaire;

    /// These fields added to the file `cap` opens: the new record's id.
    fn ajouter(&self, app: &App, cap: &Capability) -> impl Future<Output = WebResult<i64>> + Send;
}

/// A record of a file listed with its history, in memory (`?tous=oui`: the withdrawn or
/// stopped ones too).
pub(crate) trait Historique: Enregistrement<Cle = (UsagerId, i64)> {
    /// The API list (its path and bounds).
    const LISTE: &'static Liste;

    /// The records of the file `cap` opens (`tous`: with the history).
    fn lister(
        app: &App,
        cap: &Capability,
        tous: bool,
    ) -> impl Future<Output = WebResult<Vec<Self::Lu>>> + Send;
}

/// `?tous=oui` (`toutes` says the same), `?limit=&cursor=` of a list with its history.
#[derive(Deserialize, Default)]
pub struct ListeHistorique {
    #[serde(default, alias = "toutes")]
    tous: Option<String>,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

/// GET /api/v1/usagers/{id}/…: the records (`?tous=oui`: with the history).
pub(crate) async fn api_historique<R: Historique>(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(q): Query<ListeHistorique>,
) -> WebResult<crate::reponses::JsonListe> {
    let p = Pagination {
        limit: q.limit,
        cursor: q.cursor,
    };
    p.page(R::LISTE)?;
    let cap = capability(&app, &me, id, R::SECTION, Action::Lire).await?;
    let items = R::lister(&app, &cap, super::sejours::oui(&q.tous)).await?;
    pagination::en_memoire(&p, R::LISTE, items)
}

/// GET /usagers/{id}/…: the page, no form refused.
pub(crate) async fn page<P: PageEnPlace>(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> PageDossier {
    P::rendre(&app, &me, id, EnPlace::default()).await
}

/// GET …/{rid}: one record.
pub(crate) async fn api_get<R: Enregistrement>(
    State(app): State<App>,
    me: CurrentUser,
    Path(cle): Path<R::Cle>,
) -> WebResult<Json<R::Lu>> {
    let cap = cle.capacite(&app, &me, R::SECTION, Action::Lire).await?;
    Ok(Json(
        R::lire(&app, &cap, cle.id())
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

/// PUT …/{rid}: a change with the version read (`If-Match` or `version`; 409 when stale).
pub(crate) async fn api_modifier<R: Versionne>(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(cle): Path<R::Cle>,
    ApiJson(f): ApiJson<R>,
) -> WebResult<Json<Cree>> {
    let lue = Saisie::de(&f).val("version").parse().ok();
    let version = expected_version(&headers, lue)?;
    let cap = cle.capacite(&app, &me, R::SECTION, R::ECRITURE).await?;
    Ok(Json(f.modifier(&app, &cap, cle.id(), version).await?))
}

async fn ajouter<R: AjoutDossier>(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    f: &R,
) -> WebResult<i64> {
    let cap = capability(app, me, id, R::SECTION, R::ECRITURE).await?;
    f.ajouter(app, &cap).await
}

/// POST /api/v1/usagers/{id}/…: a record added → 201.
pub(crate) async fn api_ajouter<R: AjoutDossier>(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<R>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let rid = ajouter(&app, &me, id, &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(Cree {
            id: rid,
            version: 1,
        }),
    ))
}

/// POST /usagers/{id}/…: a record added, back to the page confirming it; a refusal (422,
/// 409) is the page again with the form as typed and its errors.
pub(crate) async fn ajout_form<R: AjoutDossier>(p: FormulaireDossier<R>) -> WebResult<Response> {
    let f = R::FORMULAIRE;
    match ajouter(&p.app, &p.me, p.id, &p.f).await {
        Ok(_) => Ok(p.confirme(R::Page::ADRESSE, f.fait)),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&f, Saisie::de(&p.f), erreurs);
            page_refusee(e, &champs::<R>(), placer, |en_place| {
                R::Page::rendre(&p.app, &p.me, p.id, en_place)
            })
            .await
        }
    }
}

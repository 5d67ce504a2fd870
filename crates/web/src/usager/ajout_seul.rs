//! An append-only section of the file (observations, psychology notes, the medical summary's
//! entries, the emergency return sheets): nothing is changed, a mistake is corrected by a new
//! record naming the one it corrects. Its API list (newest first, keyset pages), its API
//! addition (201 with the id) and its form are written once here; each section says what is
//! its own through [`AjoutSeul`] on its `…Fields`.

use std::future::Future;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::Champ;
use dui_store::page::Page;
use dui_store::policy::Capability;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::capability;
use super::entete::PageDossier;
use super::extracteurs::{Demande, FormulaireDossier, PageDemandee};
use super::formulaire_ligne::{champs, page_refusee};
use crate::auth::CurrentUser;
use crate::corps::Ecrite;
use crate::forms::{ApiJson, Errors};
use crate::pagination::{self, Liste, Pagination};
use crate::saisie::Champs;
use crate::{App, EnPlace, Formulaire, Saisie, WebResult};

/// A record of an append-only section written, typed by its `…Fields` (serialized: what
/// was typed, shown again with a refusal).
pub(crate) trait Ecrit:
    DeserializeOwned + Serialize + Champs + Send + Sync + 'static
{
    /// These fields checked and written in the file `cap` opens (audited): the new id.
    fn ecrire(
        &self,
        app: &App,
        me: &CurrentUser,
        cap: &Capability,
    ) -> impl Future<Output = WebResult<i64>> + Send;
}

/// An append-only section, typed by the `…Fields` of a new record (declare it with
/// [`ajout_seul!`]).
pub(crate) trait AjoutSeul: Ecrit {
    /// The section whose reading (and writing) the list (and the addition) needs.
    const SECTION: Section;
    /// The API list (its path and bounds).
    const LISTE: &'static Liste;
    /// The file's page the form is on, and goes back to.
    type Page: PageSeul;
    /// A record as read.
    type Lu: Serialize + Send;

    /// A page of the records `cap` may read, newest first.
    fn lire(
        app: &App,
        cap: &Capability,
        page: Page,
    ) -> impl Future<Output = WebResult<Vec<Self::Lu>>> + Send;

    /// A record's id (the list's key).
    fn id(l: &Self::Lu) -> i64;

    /// After the API listed the records to the reader: nothing, or the section marked read
    /// by them (the liaison book).
    fn lu(_app: &App, _cap: &Capability) -> impl Future<Output = WebResult<()>> + Send {
        async { Ok(()) }
    }
}

/// The page of a file holding the form of an append-only section, refused in place.
pub(crate) trait PageSeul: Send + 'static {
    /// Its address below the file's (`"/soins/observations"`).
    const ADRESSE: &'static str;
    /// The section's form on it (its name, ids, confirmation).
    const FORMULAIRE: Formulaire;

    /// The page `d` asks (the file, its records and the form to correct), a refused form
    /// shown in place (or none).
    fn rendre(
        d: Demande<'_, PageAjoutSeul>,
        en_place: EnPlace,
    ) -> impl Future<Output = PageDossier> + Send;
}

/// Declares `$fields` the records of an append-only `$section` listed at `$liste` (a
/// `pagination` bound), its form on the file's page `$page` (a [`PageSeul`]), read by
/// `app.store.$lire(cap, page)` as `$lu` (a record with an `id`); with `, lu: $marquer`,
/// the API's list then marks the section read by `app.store.$marquer(cap)`.
macro_rules! ajout_seul {
    ($fields:ty, $section:expr, $liste:ident, $page:ty, $lire:ident -> $lu:ty, lu: $marquer:ident) => {
        ajout_seul!(@impl $fields, $section, $liste, $page, $lire -> $lu,
            async fn lu(app: &$crate::App, cap: &dui_store::policy::Capability) -> $crate::WebResult<()> {
                Ok(app.store.$marquer(cap).await?)
            }
        );
    };
    ($fields:ty, $section:expr, $liste:ident, $page:ty, $lire:ident -> $lu:ty) => {
        ajout_seul!(@impl $fields, $section, $liste, $page, $lire -> $lu,);
    };
    (@impl $fields:ty, $section:expr, $liste:ident, $page:ty, $lire:ident -> $lu:ty, $($lu_fn:tt)*) => {
        impl $crate::usager::ajout_seul::AjoutSeul for $fields {
            const SECTION: dui_domain::policy::Section = $section;
            const LISTE: &'static $crate::pagination::Liste = &$crate::pagination::$liste;
            type Page = $page;
            type Lu = $lu;

            async fn lire(
                app: &$crate::App,
                cap: &dui_store::policy::Capability,
                page: dui_store::page::Page,
            ) -> $crate::WebResult<Vec<$lu>> {
                Ok(app.store.$lire(cap, page).await?)
            }

            fn id(l: &$lu) -> i64 {
                l.id
            }

            $($lu_fn)*
        }
    };
}
pub(crate) use ajout_seul;

async fn ecrire<R: AjoutSeul>(app: &App, me: &CurrentUser, id: UsagerId, f: &R) -> WebResult<i64> {
    let cap = capability(app, me, id, R::SECTION, Action::Ecrire).await?;
    f.ecrire(app, me, &cap).await
}

/// GET /api/v1/usagers/{id}/…: the records, newest first (then the section marked read by
/// the reader, where it says so).
pub(crate) async fn api_liste<R: AjoutSeul>(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(p): Query<Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let page = p.page(R::LISTE)?;
    let cap = capability(&app, &me, id, R::SECTION, Action::Lire).await?;
    let items = R::lire(&app, &cap, page).await?;
    R::lu(&app, &cap).await?;
    Ok(pagination::repondre(page, items, R::id))
}

/// POST /api/v1/usagers/{id}/… → 201 with `id`.
pub(crate) async fn api_ajout<R: AjoutSeul>(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<R>,
) -> WebResult<(StatusCode, Json<Ecrite>)> {
    let id = ecrire(&app, &me, id, &f).await?;
    Ok((StatusCode::CREATED, Json(Ecrite { id })))
}

/// POST /usagers/{id}/…: a record written, back to the section's page confirming it; a
/// refusal (422, 409) is the page again with the form as typed (correcting the same record)
/// and its errors — one about the record corrected, a hidden field, at the summary's top.
pub(crate) async fn ajout_form<R: AjoutSeul>(p: FormulaireDossier<R>) -> WebResult<Response> {
    let f = <R::Page as PageSeul>::FORMULAIRE;
    match ecrire(&p.app, &p.me, p.id, &p.f).await {
        Ok(_) => Ok(p.confirme(R::Page::ADRESSE, f.fait)),
        Err(e) => {
            let saisie = Saisie::de(&p.f);
            let q = PageAjoutSeul {
                cursor: None,
                corrige: Some(saisie.val(CORRECTION.nom).to_string()),
            };
            let mut visibles = champs::<R>();
            visibles.retain(|c| *c != CORRECTION.nom);
            let placer = |erreurs| EnPlace::refus(&f, saisie, erreurs);
            page_refusee(e, &visibles, placer, |en_place| {
                R::Page::rendre(p.demande(&q), en_place)
            })
            .await
        }
    }
}

/// GET /usagers/{id}/…: the section's page, no form refused.
pub(crate) async fn page<P: PageSeul>(p: PageDemandee<PageAjoutSeul>) -> PageDossier {
    P::rendre(p.demande(), EnPlace::default()).await
}

/// `?cursor=` (the page of the records) and `?corrige=` (the record to correct) of a
/// section's page.
#[derive(Deserialize, Default)]
pub struct PageAjoutSeul {
    pub(crate) cursor: Option<String>,
    pub(crate) corrige: Option<String>,
}

impl PageAjoutSeul {
    /// The page asked of `liste`, 20 records.
    pub(crate) fn page(&self, liste: &Liste) -> WebResult<Page> {
        Pagination {
            limit: Some("20".into()),
            cursor: self.cursor.clone(),
        }
        .page(liste)
    }

    /// The record to correct, if one is asked.
    pub(crate) fn corrige(&self) -> Option<i64> {
        self.corrige.as_deref().and_then(|c| c.parse().ok())
    }

    /// The page asked of section `R`'s records in the file `cap` opens, as its page shows it.
    pub(crate) async fn lire<R: AjoutSeul>(
        &self,
        app: &App,
        cap: &Capability,
    ) -> WebResult<Feuillet<R::Lu>> {
        let page = self.page(R::LISTE)?;
        let (items, suivant) = page.split(R::lire(app, cap, page).await?, R::id);
        Ok(Feuillet {
            items,
            suivant,
            corrige: self.corrige(),
        })
    }
}

/// A page of an append-only section as its page shows it.
pub(crate) struct Feuillet<L> {
    /// The records, newest first.
    pub items: Vec<L>,
    /// The cursor of the older ones, if any.
    pub suivant: Option<i64>,
    /// The record to correct (`?corrige=`), if one is asked.
    pub corrige: Option<i64>,
}

/// The record a new one corrects (`corrige_id`; none: a new record), flattened in the
/// `…Fields` of an append-only section: the JSON and the form keep the one field.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct Correction {
    /// The record this one corrects, of the same file and section.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    corrige_id: Option<String>,
}

/// The maximum of [`Correction`], listed in the section's `Champs`.
pub(crate) const CORRECTION: Champ = Champ::ligne("corrige_id", 20);

/// Declares `$nom`, a record of an append-only section as typed (form or JSON): its text
/// fields listed once, each `ligne` (one line) or `texte` (several) with its maximum, then
/// its [`Correction`]; the struct and its [`crate::saisie::Champs`] both come from the list.
macro_rules! saisie_corrigeable {
    ($(#[$doc:meta])* $nom:ident { $($champ:ident: $genre:ident($max:expr)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(serde::Deserialize, serde::Serialize, Default, Clone, utoipa::ToSchema)]
        pub struct $nom {
            $($champ: Option<String>,)+
            #[serde(flatten)]
            correction: $crate::usager::ajout_seul::Correction,
        }

        impl $crate::saisie::Champs for $nom {
            const CHAMPS: &'static [dui_domain::saisie::Champ] = &[
                $(dui_domain::saisie::Champ::$genre(stringify!($champ), $max),)+
                $crate::usager::ajout_seul::CORRECTION,
            ];
        }
    };
}
pub(crate) use saisie_corrigeable;

impl Correction {
    /// The id of the record corrected; `inconnue` on `corrige_id` when it is no id.
    pub(crate) fn id(&self, e: &mut Errors, inconnue: &str) -> Option<i64> {
        super::soins::id_opt(e, "corrige_id", &self.corrige_id, inconnue)
    }
}

//! The form of one row of a file's page (a benefit renewed, a measure reviewed, a stay
//! transferred or ended, an act withdrawn, a prescription stopped, a follow-up done), or a
//! form of a page that is no record's addition (a follow-up given): a success goes back to
//! the page with its confirmation; an expected refusal (422, 409) is the page again, that
//! form open with what was typed, its error summary and each message by its field (a row's
//! input ids `<prefix><row>-<field>`, see [`EnPlace::refus_ligne`]).

use std::future::Future;

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dui_domain::ids::UsagerId;

use super::versionne::PageEnPlace;
use crate::auth::CurrentUser;
use crate::reponses::confirme;
use crate::saisie::Champs;
use crate::{App, AppError, EnPlace, ErreursFormulaire, Formulaire, Saisie, WebResult};

/// The page again with a refused form: the refusal of `e` (messages on `champs` by their
/// field, in that order) placed by `placer`, the page made by `rendre`, answered with the
/// refusal's status (422, 409); an error that is no expected refusal (403, 404…) is returned.
pub(crate) async fn page_refusee<P, R, E, Fut>(
    e: AppError,
    champs: &[&str],
    placer: impl FnOnce(ErreursFormulaire) -> P,
    rendre: impl FnOnce(P) -> Fut,
) -> WebResult<Response>
where
    R: IntoResponse,
    E: IntoResponse,
    Fut: Future<Output = Result<R, E>>,
{
    let (status, erreurs) = ErreursFormulaire::depuis(e, champs)?;
    Ok(match rendre(placer(erreurs)).await {
        Ok(r) => (status, r).into_response(),
        Err(e) => e.into_response(),
    })
}

/// The answer to form `f` (its fields `champs`, in display order) typed as `saisie`, whose
/// write ended as `issue`: its confirmation on the page at `url`, or that page made again by
/// `rendre` with the refusal in place ([`page_refusee`]).
pub(crate) async fn confirme_ou_refus<T, R, Fut>(
    (headers, url): (&HeaderMap, &str),
    (f, champs): (&Formulaire, &[&str]),
    saisie: Saisie,
    issue: WebResult<T>,
    rendre: impl FnOnce(EnPlace) -> Fut,
) -> WebResult<Response>
where
    R: IntoResponse,
    Fut: Future<Output = WebResult<R>>,
{
    match issue {
        Ok(_) => Ok(confirme(headers, url, f.fait)),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(f, saisie, erreurs);
            page_refusee(e, champs, placer, rendre).await
        }
    }
}

/// The fields of `F` by name, in the order of its maxima (the summary's order).
pub(crate) fn champs<F: Champs>() -> Vec<&'static str> {
    F::CHAMPS.iter().map(|c| c.nom).collect()
}

/// Where a form is: the file, and its row when the page has one such form per row.
#[derive(Clone, Copy)]
pub(crate) struct Ou {
    id: UsagerId,
    ligne: Option<i64>,
}

/// The form of row `.1` of file `.0`.
impl From<(UsagerId, i64)> for Ou {
    fn from((id, ligne): (UsagerId, i64)) -> Self {
        Self {
            id,
            ligne: Some(ligne),
        }
    }
}

/// The one form of its kind on a page of file `id`.
impl From<UsagerId> for Ou {
    fn from(id: UsagerId) -> Self {
        Self { id, ligne: None }
    }
}

/// The answer to the form `formulaire` of the page `P` at `ou` (a file, or a row of it),
/// typed as `f`, whose write ended as `issue`.
pub(crate) async fn repondre<P: PageEnPlace, F: Champs + serde::Serialize, T>(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    ou: impl Into<Ou>,
    formulaire: &Formulaire,
    f: &F,
    issue: WebResult<T>,
) -> WebResult<Response> {
    let Ou { id, ligne } = ou.into();
    let adresse = format!("/usagers/{id}{}", P::ADRESSE);
    let saisie = (formulaire, ligne, f);
    repondre_page(headers, &adresse, saisie, issue, |en_place| {
        P::rendre(app, me, id, en_place)
    })
    .await
}

/// The answer to the form `formulaire` (of row `ligne`, or the page's one) typed as `f` on
/// the page at `adresse`, whose write ended as `issue`: that page confirming it, or the page
/// made again by `rendre` with the refusal in place — a page of no file too (an
/// application, the planning form).
pub(crate) async fn repondre_page<F, T, R, E, Fut>(
    headers: &HeaderMap,
    adresse: &str,
    (formulaire, ligne, f): (&Formulaire, Option<i64>, &F),
    issue: WebResult<T>,
    rendre: impl FnOnce(EnPlace) -> Fut,
) -> WebResult<Response>
where
    F: Champs + serde::Serialize,
    R: IntoResponse,
    E: IntoResponse,
    Fut: Future<Output = Result<R, E>>,
{
    match issue {
        Ok(_) => Ok(confirme(headers, adresse, formulaire.fait)),
        Err(e) => {
            let saisie = Saisie::de(f);
            let placer = |erreurs| match ligne {
                Some(l) => EnPlace::refus_ligne(formulaire, l, saisie, erreurs),
                None => EnPlace::refus(formulaire, saisie, erreurs),
            };
            page_refusee(e, &champs::<F>(), placer, rendre).await
        }
    }
}

//! The usager's photo: shown in the file's header to whoever may read the administrative
//! section (each display is an audited read), changed or removed by whoever may write it.
//! Only JPEG and PNG up to 2 Mo, stripped of their metadata (`dui_domain::usager::photo`).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Extension;
use axum::{Json, Router};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::photo::{nettoyer, PhotoRefusee};

use dui_store::StoreError;

use super::capability;
use super::dossier::{file_refus, PHOTO};
use crate::auth::CurrentUser;
use crate::corps::PhotoEnregistree;
use crate::limites::{PhotoTropGrande, PHOTO_BODY_LIMIT as BODY_LIMIT};
use crate::reponses::confirme;
use crate::{App, AppError, ErreursFormulaire, Saisie, WebResult};

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers/{id}/photo",
            get(show)
                .post(upload_form)
                .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route("/usagers/{id}/photo/suppression", post(remove_form))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new().route(
        "/usagers/{id}/photo",
        get(show)
            .put(api_put)
            .delete(api_delete)
            .layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
}

fn refused(r: PhotoRefusee) -> AppError {
    let message = r.message();
    match r {
        PhotoRefusee::TropGrande(_) => AppError::TooLarge(message),
        PhotoRefusee::FormatNonPrisEnCharge => AppError::UnsupportedMedia(message),
        PhotoRefusee::Vide | PhotoRefusee::Illisible => AppError::field("photo", message),
    }
}

/// Checks, cleans and stores a photo; returns its fingerprint and what was stored.
async fn save(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    body: &[u8],
) -> WebResult<PhotoEnregistree> {
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    let photo = nettoyer(body).map_err(refused)?;
    let empreinte = app.store.set_photo(&cap, &photo).await?;
    Ok(PhotoEnregistree {
        empreinte,
        media_type: photo.format.media_type().to_string(),
        octets: photo.octets.len() as i64,
    })
}

/// GET /usagers/{id}/photo and /api/v1/usagers/{id}/photo: the image.
pub async fn show(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<Response> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Lire).await?;
    let photo = app.store.photo(&cap).await?.ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, photo.format.media_type().to_string()),
            // A person's photo stays out of shared caches and of the browser's disk.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (header::ETAG, format!("\"{}\"", photo.empreinte)),
        ],
        photo.octets,
    )
        .into_response())
}

/// POST /usagers/{id}/photo (multipart form: `_csrf`, then `photo`): the photo stored,
/// confirmed on the file; a file refused (no file, not an image, damaged, over 2 Mo) is the
/// file page again with the reason next to the photo field, answered with the status the API
/// gives it (422, 415, 413).
pub async fn upload_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
    trop_grande: Option<Extension<PhotoTropGrande>>,
    form: Multipart,
) -> WebResult<Response> {
    let issue = async {
        if trop_grande.is_some() {
            return Err(AppError::TooLarge(TROP_GRANDE.into()));
        }
        let body = lire(form).await?;
        save(&app, &me, id, &body).await
    }
    .await;
    match issue {
        Ok(_) => Ok(confirme(&headers, &format!("/usagers/{id}"), PHOTO.fait)),
        Err(e) => refus(&app, &me, id, e).await,
    }
}

/// The photo of the multipart form (its text fields checked like every form's).
async fn lire(mut form: Multipart) -> WebResult<Bytes> {
    let mut body: Option<Bytes> = None;
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photo" {
            body = Some(field.bytes().await.map_err(unreadable)?);
        } else {
            // Text fields (`_csrf`) pass the same boundary as other forms.
            let text = field.text().await.map_err(unreadable)?;
            crate::saisie::verifier_paires(&[(name, text)], &[], false)?;
        }
    }
    body.filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::field("photo", "Choisissez une photo à envoyer."))
}

/// The file page with the refusal `e` of a photo form next to the photo field; an error
/// that is no expected refusal (403, 404…) is returned.
async fn refus(app: &App, me: &CurrentUser, id: UsagerId, e: AppError) -> WebResult<Response> {
    let refus = match e {
        AppError::TooLarge(m) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErreursFormulaire::champ("photo", m),
        ),
        AppError::UnsupportedMedia(m) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErreursFormulaire::champ("photo", m),
        ),
        AppError::BadRequest(m) => (
            StatusCode::BAD_REQUEST,
            ErreursFormulaire::champ("photo", m),
        ),
        other => ErreursFormulaire::depuis(other, &["photo"])?,
    };
    Ok(file_refus(app, me, id, (&PHOTO, Saisie::default()), refus).await)
}

/// A photo over the limit, whose size is unknown (the reading stopped at the limit): no
/// figure invented.
const TROP_GRANDE: &str = "La photo dépasse 2 Mo, la taille autorisée : réduisez sa taille (ou choisissez une photo plus petite), puis envoyez-la de nouveau.";

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(TROP_GRANDE.into())
    } else {
        AppError::BadRequest(
            "Le formulaire envoyé est illisible : recommencez l'envoi de la photo.".into(),
        )
    }
}

/// POST /usagers/{id}/photo/suppression: the photo removed, confirmed on the file; a photo
/// already removed (from another screen) is said on the file page (409).
pub async fn remove_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
) -> WebResult<Response> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    match app.store.delete_photo(&cap).await {
        Ok(_) => Ok(confirme(
            &headers,
            &format!("/usagers/{id}"),
            crate::Fait::PhotoRetiree,
        )),
        Err(StoreError::NotFound) => {
            let e = AppError::Conflict {
                code: "photo_deja_retiree",
                message: "Ce dossier n'a plus de photo : elle a été retirée entre-temps, depuis un autre écran.".into(),
                extra: None,
            };
            refus(&app, &me, id, e).await
        }
        Err(e) => Err(e.into()),
    }
}

/// PUT /api/v1/usagers/{id}/photo: the image as the body (`image/jpeg` or `image/png`).
pub async fn api_put(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    body: Bytes,
) -> WebResult<Json<PhotoEnregistree>> {
    Ok(Json(save(&app, &me, id, &body).await?))
}

/// DELETE /api/v1/usagers/{id}/photo
pub async fn api_delete(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<StatusCode> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    app.store.delete_photo(&cap).await?;
    Ok(StatusCode::NO_CONTENT)
}

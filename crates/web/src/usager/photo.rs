//! The usager's photo: shown in the file's header to whoever may read the administrative
//! section (each display is an audited read), changed or removed by whoever may write it.
//! Only JPEG and PNG up to 2 Mo, stripped of their metadata (`dui_domain::usager::photo`).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::photo::{nettoyer, PhotoRefusee};

use super::capability;
use crate::auth::CurrentUser;
use crate::corps::PhotoEnregistree;
use crate::limites::PHOTO_BODY_LIMIT as BODY_LIMIT;
use crate::reponses::confirme;
use crate::{App, AppError, WebResult};

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

/// POST /usagers/{id}/photo (multipart form: `_csrf`, then `photo`).
pub async fn upload_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
    mut form: Multipart,
) -> WebResult<Response> {
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
    let body = body.ok_or_else(|| AppError::field("photo", "Choisissez une photo à envoyer."))?;
    save(&app, &me, id, &body).await?;
    Ok(confirme(
        &headers,
        &format!("/usagers/{id}"),
        crate::Fait::PhotoEnregistree,
    ))
}

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        // The size is unknown here (the reading stopped at the limit): no figure invented.
        AppError::TooLarge("La photo dépasse 2 Mo : réduisez sa taille puis recommencez.".into())
    } else {
        AppError::BadRequest(
            "Le formulaire envoyé est illisible : recommencez l'envoi de la photo.".into(),
        )
    }
}

/// POST /usagers/{id}/photo/suppression
pub async fn remove_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
) -> WebResult<Response> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    app.store.delete_photo(&cap).await?;
    Ok(confirme(
        &headers,
        &format!("/usagers/{id}"),
        crate::Fait::PhotoRetiree,
    ))
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

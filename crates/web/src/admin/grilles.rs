//! The evaluation grids, for administrators: every grid known with its versions and origin,
//! and the form that publishes a custom grid from its data file (JSON, format of
//! `reference/grilles/`), without code nor restart. Grids are forms: no person data here.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::grille::definition::Definition;
use dui_store::admin::grille::{GrilleAjoutee, GRILLE_MAX};
use std::sync::Arc;

use super::done;
use crate::auth::CurrentUser;
use crate::time::fr_datetime;
use crate::{App, AppError, Layout, WebResult};

/// A grid as listed: its current version, every version, where each came from.
pub struct Ligne {
    d: Arc<Definition>,
    versions: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/grilles.html")]
struct Page {
    layout: Layout,
    grilles: Vec<Ligne>,
    /// The grid just published (its current version).
    publiee: Option<Arc<Definition>>,
    max_ko: usize,
}

/// `?publiee=<grid> <version>` after a publication.
#[derive(serde::Deserialize)]
pub struct PageQuery {
    publiee: Option<String>,
}

/// GET /admin/grilles
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<PageQuery>,
) -> WebResult<impl IntoResponse> {
    me.require_admin()?;
    app.grilles.a_jour(&app.store).await?;
    let ajoutees = app.store.grilles_ajoutees().await?;
    let origine = |id: &str, version: &str| -> String {
        match ajoutees
            .iter()
            .find(|a: &&GrilleAjoutee| a.grille == id && a.version == version)
        {
            Some(a) => format!(
                "ajoutée le {}{}",
                fr_datetime(&a.created_at),
                a.ajoute_par
                    .as_deref()
                    .map(|p| format!(" par {p}"))
                    .unwrap_or_default()
            ),
            None => "fournie avec le logiciel ou le dossier de données".into(),
        }
    };
    let grilles = app
        .grilles
        .courantes()
        .into_iter()
        .map(|d| Ligne {
            versions: app
                .grilles
                .versions(&d.id)
                .iter()
                .map(|v| (v.version.clone(), origine(&v.id, &v.version)))
                .collect(),
            d,
        })
        .collect();
    Ok(Page {
        layout: Layout::new(&me, "Grilles d'évaluation", "grilles"),
        grilles,
        publiee: q.publiee.and_then(|p| app.grilles.courante(&p)),
        max_ko: GRILLE_MAX / 1024,
    })
}

/// POST /admin/grilles (multipart: `_csrf`, the file `fichier` or the text `contenu`).
pub async fn publier_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    mut form: Multipart,
) -> WebResult<Response> {
    me.require_admin()?;
    let mut texte = String::new();
    while let Some(field) = form.next_field().await.map_err(illisible)? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(illisible)?;
        match name.as_str() {
            "fichier" | "contenu" if texte.trim().is_empty() => {
                texte = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    AppError::field(
                        &name,
                        "Le fichier doit être du texte UTF-8 (un fichier JSON).",
                    )
                })?;
            }
            "fichier" | "contenu" => {}
            _ => {
                // Text fields (`_csrf`) pass the same boundary as other forms.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                crate::saisie::verifier_paires(&[(name, text)], &[], false)?;
            }
        }
    }
    if texte.trim().is_empty() {
        return Err(AppError::field(
            "fichier",
            "Choisissez le fichier de la grille (JSON) ou collez son contenu.",
        ));
    }
    if texte.chars().count() > GRILLE_MAX {
        return Err(AppError::TooLarge(format!(
            "Le fichier de la grille dépasse {} Ko.",
            GRILLE_MAX / 1024
        )));
    }
    let d = Definition::depuis_json(&texte).map_err(|m| AppError::field("fichier", m))?;
    // The id is ASCII (lower-case letters, digits, « _ », « . », « - »): safe in an address.
    let id = d.id.clone();
    app.grilles
        .ajouter(&app.store, &me.principal.actor(), d, Utc::now())
        .await?;
    Ok(done(
        &headers,
        &format!("/admin/grilles?publiee={id}#grille-{id}"),
    ))
}

fn illisible(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge("Le fichier envoyé dépasse la taille autorisée (2 Mo).".into())
    } else {
        AppError::BadRequest("Le formulaire envoyé est illisible : recommencez l'envoi.".into())
    }
}

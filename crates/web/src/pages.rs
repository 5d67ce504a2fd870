//! Home page, static assets, fallback.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use dui_domain::policy::Role;
use dui_store::admin::organisation::Etablissement;
use dui_store::policy::AccesExceptionnel;

use crate::auth::CurrentUser;
use crate::time::fr_datetime;
use crate::{App, AppError, Layout, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "accueil.html")]
struct Accueil {
    layout: Layout,
    prenom: String,
    etablissements: Vec<Etablissement>,
    acces: Vec<AccesExceptionnel>,
    portail_usager: Option<i64>,
}

impl Accueil {
    fn domaine(&self, code: &str) -> &'static str {
        dui_domain::organisation::Domaine::from_code(code)
            .map(|d| d.label_fr())
            .unwrap_or("")
    }
    fn categorie(&self, code: &str) -> String {
        dui_domain::organisation::categorie(code)
            .map(|c| {
                if c.sigle.is_empty() {
                    c.libelle.to_string()
                } else {
                    c.sigle.to_string()
                }
            })
            .unwrap_or_else(|| code.to_string())
    }
    fn quand(&self, s: &str) -> String {
        fr_datetime(s)
    }
}

/// GET /
pub async fn accueil(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    let all = me.user.role == Role::Administrateur;
    let etablissements = app
        .store
        .etablissements(if all {
            None
        } else {
            Some(&me.user.etablissements)
        })
        .await?;
    let since = Utc::now() - Duration::days(30);
    // Break-the-glass accesses are shown to the direction and to the usager's referent.
    let acces = match me.user.role {
        // The administrator reads no one's file: who and when, not whose file nor why.
        Role::Administrateur => app
            .store
            .list_break_glass(None, None, since, 20)
            .await?
            .into_iter()
            .map(AccesExceptionnel::vue_technique)
            .collect(),
        Role::Direction => {
            app.store
                .list_break_glass(Some(&me.user.etablissements), None, since, 20)
                .await?
        }
        _ => {
            app.store
                .list_break_glass(None, Some(me.user.id), since, 20)
                .await?
        }
    };
    let portail_usager = if me.user.role == Role::Usager {
        me.user.usager_id
    } else {
        None
    };
    Ok(Accueil {
        layout: Layout::new(&me, "Accueil", "accueil"),
        prenom: me.user.prenom.clone(),
        etablissements,
        acces,
        portail_usager,
    })
}

/// GET /static/{file}: assets compiled into the binary.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, ctype): (&'static [u8], &str) = match file.as_str() {
        "app.css" => (
            include_bytes!("../static/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_bytes!("../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "htmx.min.js" => (
            include_bytes!("../static/htmx.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "favicon.svg" => (include_bytes!("../static/favicon.svg"), "image/svg+xml"),
        _ => return AppError::NotFound.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ctype),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// GET /favicon.ico
pub async fn favicon() -> Response {
    asset(Path("favicon.svg".into())).await
}

/// Any unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

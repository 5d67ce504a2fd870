//! The role × section × action matrix and the per-role second-factor rule, edited without code.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use dui_domain::policy::{Action, Matrice, Role, Section};
use dui_store::policy::load_matrix;
use serde::{Deserialize, Serialize};

use super::reglages::ReglagesAdmin;
use crate::auth::CurrentUser;
use crate::forms::ApiJson;
use crate::{App, AppError, Layout, WebResult};
use dui_domain::saisie::{self as lim, Champ};

#[derive(Template, WebTemplate)]
#[template(path = "admin/permissions.html")]
struct Page {
    layout: Layout,
    matrice: Matrice,
    totp: Vec<Role>,
}

impl Page {
    fn on(&self, r: &Role, s: &Section, a: &Action) -> bool {
        self.matrice.permet(*r, *s, *a)
    }
    fn totp_on(&self, r: &Role) -> bool {
        self.totp.contains(r)
    }
}

/// GET /admin/permissions
pub async fn page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    me.require_admin()?;
    Ok(Page {
        layout: Layout::new(&me, "Habilitations", "permissions"),
        matrice: load_matrix(&app.store).await?,
        totp: app.store.totp_required_roles().await?,
    })
}

/// POST /admin/permissions: checkboxes named `role.section.action` and `totp.role`.
pub async fn save_form(r: ReglagesAdmin) -> WebResult<Response> {
    let mut grants = Vec::new();
    let mut totp = Vec::new();
    for (k, _) in &r.paires {
        let parts: Vec<&str> = k.split('.').collect();
        match parts.as_slice() {
            ["totp", r] => totp.extend(Role::from_code(r)),
            [r, s, a] => {
                if let (Some(r), Some(s), Some(a)) = (
                    Role::from_code(r),
                    Section::from_code(s),
                    Action::from_code(a),
                ) {
                    grants.push((r, s, a));
                }
            }
            _ => {}
        }
    }
    save(&r.app, &r.me, grants, &totp).await?;
    Ok(r.enregistre("/admin/permissions"))
}

/// Saves the matrix and the TOTP roles, and drops this server's cached copy.
async fn save(
    app: &App,
    me: &CurrentUser,
    grants: Vec<(Role, Section, Action)>,
    totp: &[Role],
) -> WebResult<()> {
    let now = Utc::now();
    app.store
        .save_matrix(&me.principal.actor(), &Matrice::from_grants(grants), now)
        .await?;
    app.store
        .set_totp_required_roles(&me.principal.actor(), totp, now)
        .await?;
    app.caches.invalidate();
    Ok(())
}

/// One grant in the API.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Grant {
    role: String,
    section: String,
    action: String,
}

/// The matrix in the API.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct MatrixDoc {
    permissions: Vec<Grant>,
    #[serde(default)]
    totp_obligatoire: Vec<String>,
}

impl crate::saisie::Champs for MatrixDoc {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("role", lim::CODE),
        Champ::ligne("section", lim::CODE),
        Champ::ligne("action", lim::CODE),
        Champ::ligne("totp_obligatoire", lim::CODE),
    ];
}

/// GET /api/v1/permissions
pub async fn api_get(State(app): State<App>, me: CurrentUser) -> WebResult<Json<MatrixDoc>> {
    me.require_admin()?;
    let m = load_matrix(&app.store).await?;
    let permissions = m
        .grants()
        .map(|(r, s, a)| Grant {
            role: r.code().into(),
            section: s.code().into(),
            action: a.code().into(),
        })
        .collect();
    let totp_obligatoire = app
        .store
        .totp_required_roles()
        .await?
        .iter()
        .map(|r| r.code().to_string())
        .collect();
    Ok(Json(MatrixDoc {
        permissions,
        totp_obligatoire,
    }))
}

/// PUT /api/v1/permissions: replaces the whole matrix.
pub async fn api_put(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(doc): ApiJson<MatrixDoc>,
) -> WebResult<Json<MatrixDoc>> {
    me.require_admin()?;
    let mut grants = Vec::new();
    for (i, g) in doc.permissions.iter().enumerate() {
        let (Some(r), Some(s), Some(a)) = (
            Role::from_code(&g.role),
            Section::from_code(&g.section),
            Action::from_code(&g.action),
        ) else {
            return Err(AppError::field(
                &format!("permissions[{i}]"),
                format!("Droit inconnu : {} / {} / {}.", g.role, g.section, g.action),
            ));
        };
        grants.push((r, s, a));
    }
    let mut totp = Vec::new();
    for r in &doc.totp_obligatoire {
        totp.push(Role::from_code(r).ok_or_else(|| {
            AppError::field("totp_obligatoire", format!("Profil inconnu : {r}."))
        })?);
    }
    save(&app, &me, grants, &totp).await?;
    api_get(State(app), me).await
}

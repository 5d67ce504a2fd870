//! The new-usager page and its form (creation with the duplicate check).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::usager::creation::{peut_confirmer_doublon, peut_creer, RefusCreation};
use dui_store::admin::organisation::Etablissement;
use dui_store::usager::Candidat;

use super::fields::IdentiteFields;
use super::{create, matrix, Creation};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::time::fr_date;
use crate::{App, AppError, Layout, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "usager/nouveau.html")]
struct NewPage {
    layout: Layout,
    f: IdentiteFields,
    etablissements: Vec<Etablissement>,
    erreurs: Vec<(String, String)>,
    candidats: Vec<Candidat>,
    peut_confirmer: bool,
}

impl NewPage {
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    fn err(&self, field: &str) -> Option<&str> {
        self.erreurs
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn prenoms(&self) -> String {
        self.f.prenoms.join(" ")
    }
}

/// GET /usagers/nouveau
pub async fn new_page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    let m = matrix(&app).await?;
    if !peut_creer(&m, me.user.role) {
        return Err(AppError::Forbidden(RefusCreation::Profil.message_fr()));
    }
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    Ok(NewPage {
        layout: Layout::new(&me, "Nouvel usager", "usagers"),
        f: IdentiteFields::default(),
        etablissements,
        erreurs: vec![],
        candidats: vec![],
        peut_confirmer: false,
    })
}

/// POST /usagers: creates, or shows the form again with the errors or the duplicates.
pub async fn create_form(
    State(app): State<App>,
    me: CurrentUser,
    Form(f): Form<IdentiteFields>,
) -> WebResult<Response> {
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    let m = matrix(&app).await?;
    let peut_confirmer = peut_confirmer_doublon(&m, me.user.role);
    let page =
        |f: IdentiteFields, erreurs: Vec<(String, String)>, candidats: Vec<Candidat>| NewPage {
            layout: Layout::new(&me, "Nouvel usager", "usagers"),
            f,
            etablissements: etablissements.clone(),
            erreurs,
            candidats,
            peut_confirmer,
        };
    match create(&app, &me, &f, Utc::now()).await {
        Ok(Creation::Created(id)) => {
            Ok(axum::response::Redirect::to(&format!("/usagers/{id}?cree=1")).into_response())
        }
        Ok(Creation::Doublons(c)) => Ok((
            StatusCode::CONFLICT,
            page(f, vec![], dui_store::usager::candidats_montres(&c)),
        )
            .into_response()),
        Err(AppError::Invalid { fields, message }) => {
            let mut erreurs: Vec<(String, String)> = fields.into_iter().collect();
            if erreurs.is_empty() {
                erreurs.push(("nom_naissance".into(), message));
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(f, erreurs, vec![])).into_response())
        }
        Err(e) => Err(e),
    }
}

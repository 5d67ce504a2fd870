//! Administration: organisation, accounts, permission matrix, audit, break-the-glass report.

pub mod audit;
pub mod droits;
pub mod grilles;
pub mod organisation;
pub mod permissions;
mod reglages;
pub mod utilisateurs;

use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;

use crate::App;
use organisation::{EtablissementFields, OrganismeFields};

pub use crate::reponses::{done, expected_version};

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/admin",
            get(|| async { Redirect::to("/admin/organisation") }),
        )
        .route("/admin/organisation", get(organisation::page))
        .route(
            "/admin/organismes",
            post(organisation::create_form::<OrganismeFields>),
        )
        .route(
            "/admin/organismes/{id}",
            post(organisation::update_form::<OrganismeFields>),
        )
        .route(
            "/admin/etablissements",
            post(organisation::create_form::<EtablissementFields>),
        )
        .route(
            "/admin/etablissements/{id}",
            get(organisation::etablissement_page).post(organisation::update_etablissement_form),
        )
        .route(
            "/admin/etablissements/{id}/unites",
            post(organisation::create_unite_form),
        )
        .route(
            "/admin/utilisateurs",
            get(utilisateurs::list_page).post(utilisateurs::create_form),
        )
        .route("/admin/utilisateurs/nouveau", get(utilisateurs::new_page))
        .route(
            "/admin/utilisateurs/{id}",
            get(utilisateurs::edit_page).post(utilisateurs::update_form),
        )
        .route(
            "/admin/utilisateurs/{id}/mot-de-passe",
            post(utilisateurs::reset_password_form),
        )
        .route(
            "/admin/permissions",
            get(permissions::page).post(permissions::save_form),
        )
        .route(
            "/admin/grilles",
            get(grilles::page).post(grilles::publier_form).layer(
                axum::extract::DefaultBodyLimit::max(crate::limites::PHOTO_BODY_LIMIT),
            ),
        )
        .route("/admin/audit", get(audit::page))
        .route("/acces-exceptionnels", get(audit::acces_exceptionnel_page))
        .route("/admin/droits", get(droits::page).post(droits::save_form))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/organismes",
            get(organisation::api_list_organismes)
                .post(organisation::api_create::<OrganismeFields>),
        )
        .route(
            "/organismes/{id}",
            get(organisation::api_get_organisme).put(organisation::api_update::<OrganismeFields>),
        )
        .route(
            "/etablissements",
            get(organisation::api_list_etablissements)
                .post(organisation::api_create::<EtablissementFields>),
        )
        .route(
            "/etablissements/{id}",
            get(organisation::api_get_etablissement)
                .put(organisation::api_update::<EtablissementFields>),
        )
        .route(
            "/etablissements/{id}/unites",
            get(organisation::api_list_unites).post(organisation::api_create_unite),
        )
        .route("/categories", get(organisation::api_categories))
        .route(
            "/utilisateurs",
            get(utilisateurs::api_list).post(utilisateurs::api_create),
        )
        .route(
            "/utilisateurs/{id}",
            get(utilisateurs::api_get).put(utilisateurs::api_update),
        )
        .route(
            "/utilisateurs/{id}/mot-de-passe",
            post(utilisateurs::api_reset_password),
        )
        .route(
            "/permissions",
            get(permissions::api_get).put(permissions::api_put),
        )
        .route("/audit", get(audit::api_recherche))
        .route("/audit/verification", get(audit::api_verify))
        .route("/acces-exceptionnels", get(audit::api_acces_exceptionnel))
}

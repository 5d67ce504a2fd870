//! The usager and their file (issue 4).

use axum::Router;

use crate::App;

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
}

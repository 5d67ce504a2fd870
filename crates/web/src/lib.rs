//! HTTP layer of the DUI: French HTML pages for people (askama + htmx) and JSON under
//! `/api/v1` for programs, both behind the same session, CSRF and permission checks.

pub mod admin;
mod app;
pub mod auth;
mod cache;
pub mod corps;
mod error;
mod forms;
mod formulaire;
pub mod grille;
mod layout;
mod limites;
mod metrics;
pub mod noms;
pub mod openapi;
mod ops;
mod pages;
pub mod pagination;
mod passwords;
pub mod registre;
mod reponses;
pub mod saisie;
mod server;
mod throttle;
mod time;
pub mod usager;

use std::time::Duration;

use axum::routing::get;
use axum::Router;
use dui_store::Store;

pub use app::{App, WebConfig};
pub use error::{AppError, WebResult};
pub use formulaire::{EnPlace, ErreursFormulaire, Formulaire, Saisie};
pub use layout::{Fait, Layout};

/// Every route of `/api/v1`, each documented in `openapi/operations.rs` (the test `http routes`
/// compares them).
pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/openapi.json", get(openapi::serve))
        .merge(auth::api_routes())
        .merge(admin::api_routes())
        .merge(grille::api_routes())
        .merge(usager::api_routes())
}

/// The whole application router.
pub fn router(app: App) -> Router {
    let body_timeout = app.config.body_timeout;
    let html = Router::new()
        .route("/", get(pages::accueil))
        .route("/static/{file}", get(pages::asset))
        .merge(auth::routes())
        .merge(admin::routes())
        .merge(grille::routes())
        .merge(usager::routes());
    let api = api_routes();
    Router::new()
        .merge(html)
        .nest("/api/v1", api)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/favicon.ico", get(pages::favicon))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(saisie::garde))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::session_layer,
        ))
        .layer(axum::middleware::from_fn(move |req, next| {
            server::body_deadline(body_timeout, req, next)
        }))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            ops::observe,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limites::BODY_LIMIT))
        .layer(axum::middleware::from_fn(server::security_headers))
        .with_state(app)
}

/// Serves the application on `listener` until `shutdown` resolves (bounded connections,
/// header and body deadlines: see `server`), sealing the audit chain and checkpointing the
/// SQLite log in the background.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let idle = chrono::Duration::from_std(app.config.idle_timeout)
        .unwrap_or(chrono::Duration::minutes(30));
    let sealer = tokio::spawn(audit_sealer(app.store.clone(), idle));
    let checkpoints = tokio::spawn(checkpointer(app.store.clone()));
    let result = server::run(
        listener,
        router(app.clone()),
        app.config.max_connections,
        app.config.header_read_timeout,
        shutdown,
    )
    .await;
    sealer.abort();
    checkpoints.abort();
    // Seal what the last requests wrote, and anchor the head.
    if let Err(e) = app.store.audit_seal_final(chrono::Utc::now()).await {
        tracing::error!(error = %e, "scellement final du journal d'audit impossible");
    }
    result
}

/// Chains new audit entries every quarter of a second, purges dead sessions every ten minutes.
async fn audit_sealer(store: Store, idle: chrono::Duration) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut n: u64 = 0;
    loop {
        tick.tick().await;
        if let Err(e) = store.audit_seal(chrono::Utc::now()).await {
            tracing::error!(error = %e, "scellement du journal d'audit impossible");
        }
        n += 1;
        if n.is_multiple_of(2400) {
            if let Err(e) = store.purge_sessions(idle, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "purge des sessions impossible");
            }
        }
    }
}

/// Copies the SQLite log into the database every 100 ms: frequent small checkpoints keep the
/// writer's share of each one (which requests wait for) short.
async fn checkpointer(store: Store) {
    if store.engine() != dui_store::Engine::Sqlite {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = store.checkpoint().await {
            tracing::warn!(error = %e, "point de contrôle SQLite impossible");
        }
    }
}

//! HTTP layer of the DUI: French HTML pages for people (askama + htmx) and JSON under
//! `/api/v1` for programs, both behind the same session, CSRF and permission checks.

pub mod admin;
pub mod auth;
mod cache;
mod error;
mod forms;
mod layout;
pub mod openapi;
mod ops;
mod pages;
pub mod pagination;
pub mod saisie;
mod server;
mod time;
pub mod usager;

use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use dui_store::Store;

pub use error::{AppError, WebResult};
pub use layout::Layout;

/// Settings of the web application.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Sessions end after this much inactivity.
    pub idle_timeout: Duration,
    /// Sessions end after this long whatever the activity.
    pub session_max_age: Duration,
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Failed logins allowed per client address per minute before 429 (successes never
    /// count: a whole shift logs in from one public address).
    pub login_failures_per_minute: u32,
    /// Password checks run at once (each holds ~19 MiB and a core); 0: one per core.
    pub password_checks: usize,
    /// How long a login waits for a password-check slot before a 503.
    pub password_wait: Duration,
    /// Connections served at once (further clients wait in the listen backlog).
    pub max_connections: usize,
    /// A connection is closed when a request's headers (or the next request on an idle
    /// connection) take longer than this.
    pub header_read_timeout: Duration,
    /// A request's body must arrive whole within this (else 408).
    pub body_timeout: Duration,
    /// Demo mode: the login page lists the demo accounts.
    pub demo: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(30 * 60),
            session_max_age: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            trust_proxy: false,
            login_failures_per_minute: 30,
            password_checks: 0,
            password_wait: Duration::from_secs(5),
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(20),
            body_timeout: Duration::from_secs(30),
            demo: false,
        }
    }
}

/// Shared state of every request.
#[derive(Clone)]
pub struct App {
    /// The database.
    pub store: Store,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// Request metrics.
    pub metrics: Arc<ops::Metrics>,
    /// Login throttling per client address.
    pub throttle: Arc<auth::throttle::Throttle>,
    /// Password-check slots (bounded memory under a login storm).
    pub passwords: Arc<auth::passwords::PasswordChecks>,
    /// INSi teleservice client.
    pub insi: Option<Arc<dyn dui_interop::insi::Insi>>,
    /// Settings read on every request.
    pub caches: Arc<cache::Caches>,
}

impl App {
    /// Builds the state.
    pub fn new(store: Store, config: WebConfig) -> Self {
        let per_minute = config.login_failures_per_minute;
        let passwords =
            auth::passwords::PasswordChecks::new(config.password_checks, config.password_wait);
        Self {
            store,
            config: Arc::new(config),
            metrics: Arc::new(ops::Metrics::default()),
            throttle: Arc::new(auth::throttle::Throttle::new(per_minute)),
            passwords: Arc::new(passwords),
            insi: None,
            caches: Arc::new(cache::Caches::default()),
        }
    }

    /// Sets the INSi client.
    pub fn with_insi(mut self, insi: Arc<dyn dui_interop::insi::Insi>) -> Self {
        self.insi = Some(insi);
        self
    }
}

/// The whole application router.
pub fn router(app: App) -> Router {
    let body_timeout = app.config.body_timeout;
    let html = Router::new()
        .route("/", get(pages::accueil))
        .route("/static/{file}", get(pages::asset))
        .merge(auth::routes())
        .merge(admin::routes())
        .merge(usager::routes());
    let api = Router::new()
        .route("/openapi.json", get(openapi::serve))
        .merge(auth::api_routes())
        .merge(admin::api_routes())
        .merge(usager::api_routes());
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
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
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

/// A page of an API list, as API.md sets it: `{"items": […], "next_cursor": …}` (`null` on the
/// last page).
pub(crate) fn liste(
    items: impl serde::Serialize,
    next_cursor: Option<impl serde::Serialize>,
) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"items": items, "next_cursor": next_cursor}))
}

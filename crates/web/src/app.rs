//! The application state shared by every request, and its settings.

use std::sync::Arc;
use std::time::Duration;

use dui_store::Store;

use crate::metrics::Metrics;
use crate::{cache, passwords, throttle};

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
    pub metrics: Arc<Metrics>,
    /// Login throttling per client address.
    pub throttle: Arc<throttle::Throttle>,
    /// Password-check slots (bounded memory under a login storm).
    pub passwords: Arc<passwords::PasswordChecks>,
    /// INSi teleservice client.
    pub insi: Option<Arc<dyn dui_interop::insi::Insi>>,
    /// Settings read on every request.
    pub caches: Arc<cache::Caches>,
    /// The evaluation grids known (official ones and custom ones), every version.
    pub grilles: Arc<crate::registre::Grilles>,
}

impl App {
    /// Builds the state.
    pub fn new(store: Store, config: WebConfig) -> Self {
        let per_minute = config.login_failures_per_minute;
        let passwords =
            passwords::PasswordChecks::new(config.password_checks, config.password_wait);
        Self {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            throttle: Arc::new(throttle::Throttle::new(per_minute)),
            passwords: Arc::new(passwords),
            insi: None,
            caches: Arc::new(cache::Caches::default()),
            grilles: Arc::new(crate::registre::Grilles::new(
                dui_domain::grille::registre::Registre::officiel(),
            )),
        }
    }

    /// Sets the grids fixed at start (official ones and those of the data folder, see `dui
    /// serve`); those stored in the database are added by `grilles.a_jour`.
    pub fn with_grilles(mut self, grilles: dui_domain::grille::registre::Registre) -> Self {
        self.grilles = Arc::new(crate::registre::Grilles::new(grilles));
        self
    }

    /// Sets the INSi client.
    pub fn with_insi(mut self, insi: Arc<dyn dui_interop::insi::Insi>) -> Self {
        self.insi = Some(insi);
        self
    }
}

//! Short-lived in-memory copies of settings read on every request (permission matrix, roles
//! that must use a second factor). Saved changes invalidate this server's copy at once;
//! other servers behind the same database see them within [`TTL`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use dui_domain::policy::{Matrice, Role};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::session::SessionInfo;
use dui_store::{Store, StoreResult};

/// How long a copy is used before reading the database again.
pub const TTL: Duration = Duration::from_secs(5);

/// How long a session and its account, read for a token, serve the next requests with that
/// token. Changes made by this server invalidate the copy at once
/// ([`Store::version_comptes`]); another server's changes (an account disabled, a logout)
/// are seen within this time.
pub const TTL_SESSION: Duration = Duration::from_secs(2);

/// Most sessions kept (a full map is emptied: the copies are a shortcut, not a state).
const SESSIONS_MAX: usize = 10_000;

/// A session and its account as read from the database.
struct SessionCopiee {
    lue: Instant,
    version: u64,
    info: SessionInfo,
    user: Utilisateur,
}

type Slot<T> = RwLock<Option<(Instant, Arc<T>)>>;

/// The cached settings.
#[derive(Default)]
pub struct Caches {
    matrix: Slot<Matrice>,
    totp: Slot<Vec<Role>>,
    sessions: Mutex<HashMap<String, SessionCopiee>>,
}

fn fresh<T>(slot: &Slot<T>) -> Option<Arc<T>> {
    let guard = slot.read().ok()?;
    guard
        .as_ref()
        .filter(|(at, _)| at.elapsed() < TTL)
        .map(|(_, v)| v.clone())
}

fn store_in<T>(slot: &Slot<T>, v: Arc<T>) {
    if let Ok(mut g) = slot.write() {
        *g = Some((Instant::now(), v));
    }
}

impl Caches {
    /// The permission matrix.
    pub async fn matrix(&self, store: &Store) -> StoreResult<Arc<Matrice>> {
        if let Some(m) = fresh(&self.matrix) {
            return Ok(m);
        }
        let m = Arc::new(dui_store::policy::load_matrix(store).await?);
        store_in(&self.matrix, m.clone());
        Ok(m)
    }

    /// Roles that must use a TOTP second factor.
    pub async fn totp_roles(&self, store: &Store) -> StoreResult<Arc<Vec<Role>>> {
        if let Some(r) = fresh(&self.totp) {
            return Ok(r);
        }
        let r = Arc::new(store.totp_required_roles().await?);
        store_in(&self.totp, r.clone());
        Ok(r)
    }

    /// The live session of `token` and its account: the copy read for this token less than
    /// [`TTL_SESSION`] ago when no account or session changed since, else the database's
    /// answer (which refreshes the activity time once a minute and removes an expired
    /// session). Expiry and inactivity are checked against `now` either way.
    pub async fn session(
        &self,
        store: &Store,
        token: &str,
        idle: chrono::Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(SessionInfo, Utilisateur)>> {
        let hash = dui_store::session::token_hash(token);
        let version = store.version_comptes();
        if let Ok(map) = self.sessions.lock() {
            if let Some(c) = map.get(&hash) {
                let vivante = c.info.expires_at > now
                    && c.info.last_seen_at + idle > now
                    // Past a minute the database refreshes the activity time.
                    && now - c.info.last_seen_at <= chrono::Duration::seconds(60);
                if c.version == version && c.lue.elapsed() < TTL_SESSION && vivante {
                    return Ok(Some((c.info.clone(), c.user.clone())));
                }
            }
        }
        let lu = store.session_user(token, idle, now).await?;
        if let Ok(mut map) = self.sessions.lock() {
            if map.len() >= SESSIONS_MAX {
                map.clear();
            }
            match &lu {
                Some((info, user)) => {
                    map.insert(
                        hash,
                        SessionCopiee {
                            lue: Instant::now(),
                            version,
                            info: info.clone(),
                            user: user.clone(),
                        },
                    );
                }
                None => {
                    map.remove(&hash);
                }
            }
        }
        Ok(lu)
    }

    /// Forgets everything (after an administrator saved the settings).
    pub fn invalidate(&self) {
        if let Ok(mut g) = self.matrix.write() {
            *g = None;
        }
        if let Ok(mut g) = self.totp.write() {
            *g = None;
        }
        if let Ok(mut g) = self.sessions.lock() {
            g.clear();
        }
    }
}

//! Short-lived in-memory copies of settings read on every request (permission matrix, roles
//! that must use a second factor). Saved changes invalidate this server's copy at once;
//! other servers behind the same database see them within [`TTL`].

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use dui_domain::policy::{Matrice, Role};
use dui_store::{Store, StoreResult};

/// How long a copy is used before reading the database again.
pub const TTL: Duration = Duration::from_secs(5);

type Slot<T> = RwLock<Option<(Instant, Arc<T>)>>;

/// The cached settings.
#[derive(Default)]
pub struct Caches {
    matrix: Slot<Matrice>,
    totp: Slot<Vec<Role>>,
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

    /// Forgets everything (after an administrator saved the settings).
    pub fn invalidate(&self) {
        if let Ok(mut g) = self.matrix.write() {
            *g = None;
        }
        if let Ok(mut g) = self.totp.write() {
            *g = None;
        }
    }
}

//! Bounded password checks: an argon2id check holds ~19 MiB and a core for tens of
//! milliseconds, so at most one runs per core; the others wait a short while in line, then
//! get a French 503 with `Retry-After` rather than growing the process without bound.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Seconds a client is told to wait when the line is full.
pub const RETRY_AFTER_SECS: u64 = 5;

/// What a refused check is told (too many at once).
pub const BUSY: &str =
    "Le serveur vérifie beaucoup de connexions à la fois : réessayez dans quelques secondes.";

/// No slot became free within the wait.
#[derive(Debug)]
pub struct Busy;

/// The password-check slots of the server.
pub struct PasswordChecks {
    slots: Arc<Semaphore>,
    wait: Duration,
    max_waiting: usize,
    waiting: AtomicUsize,
    /// Smoothed duration of one check, microseconds (what a check without hashing waits).
    typical_us: AtomicU64,
}

/// A slot, held until the check it allows is over.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
}

impl PasswordChecks {
    /// `slots` checks at once (0: one per core); a request waits at most `wait` for one.
    pub fn new(slots: usize, wait: Duration) -> Self {
        let slots = if slots == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            slots
        };
        Self {
            slots: Arc::new(Semaphore::new(slots)),
            wait,
            max_waiting: slots * 128,
            waiting: AtomicUsize::new(0),
            typical_us: AtomicU64::new(50_000),
        }
    }

    /// Waits for a slot, at most the configured wait; refuses at once when the line is long.
    pub async fn slot(&self) -> Result<Slot, Busy> {
        if let Ok(p) = self.slots.clone().try_acquire_owned() {
            return Ok(Slot { _permit: p });
        }
        if self.waiting.fetch_add(1, Ordering::Relaxed) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(Busy);
        }
        let got = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        match got {
            Ok(Ok(p)) => Ok(Slot { _permit: p }),
            _ => Err(Busy),
        }
    }

    /// Runs `check` on the blocking pool with `slot`, which is released only when the check
    /// is over (even if the request is abandoned meanwhile).
    pub async fn run<T: Send + 'static>(
        &self,
        slot: Slot,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let started = Instant::now();
        let out = tokio::task::spawn_blocking(move || {
            let out = check();
            drop(slot);
            out
        })
        .await
        .ok()?;
        let took = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u64;
        let old = self.typical_us.load(Ordering::Relaxed);
        self.typical_us
            .store(old - old / 8 + took / 8, Ordering::Relaxed);
        Some(out)
    }

    /// Takes as long as a check without computing one (a locked account answers in the time
    /// of a refused password, so that its answer tells nothing either), releasing `slot` at
    /// once.
    pub async fn pause(&self, slot: Slot) {
        drop(slot);
        let us = self.typical_us.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_micros(us)).await;
    }

    /// Waits for a slot and runs `check` with it.
    pub async fn check<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Option<T>, Busy> {
        let slot = self.slot().await?;
        Ok(self.run(slot, check).await)
    }
}

/// A temporary password: 4 groups of 4 from an unambiguous alphabet, plus a symbol.
pub(crate) fn temporary_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let groups: Vec<String> = (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    format!("{}-7a", groups.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn at_most_the_slots_run_and_the_line_gives_up_after_its_wait() {
        let checks = Arc::new(PasswordChecks::new(2, Duration::from_millis(200)));
        let peak = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (checks, peak, now) = (checks.clone(), peak.clone(), now.clone());
            tasks.push(tokio::spawn(async move {
                checks
                    .check(move || {
                        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(n, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(150));
                        now.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                    .is_ok()
            }));
        }
        let mut done = 0;
        for t in tasks {
            done += usize::from(t.await.unwrap_or(false));
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        // 150 ms each, two at a time, 200 ms of wait: the first four get through.
        assert!((2..6).contains(&done), "{done}");
    }
}

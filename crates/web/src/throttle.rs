//! Login throttling per client address (in memory, per server: the per-account lockout in
//! the database is what holds across servers). Only failures count: a whole shift logging in
//! from one public address is never held back, while guessing from it soon is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A fixed-window counter of failed logins per client address.
pub struct Throttle {
    per_minute: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    /// Allows `per_minute` failures per address per minute.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// False when `ip` has used up its failures of the current minute (nothing is counted).
    pub fn allow(&self, ip: &str) -> bool {
        let now = Instant::now();
        let Ok(w) = self.windows.lock() else {
            return true;
        };
        match w.get(ip) {
            Some((start, n)) => {
                now.duration_since(*start) >= Duration::from_secs(60) || *n < self.per_minute
            }
            None => true,
        }
    }

    /// Counts one failed login from `ip`.
    pub fn failed(&self, ip: &str) {
        let now = Instant::now();
        let Ok(mut w) = self.windows.lock() else {
            return;
        };
        if w.len() > 10_000 {
            w.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = w.entry(ip.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_failures_per_address() {
        let t = Throttle::new(3);
        // Nothing but failures counts.
        for _ in 0..10 {
            assert!(t.allow("a"));
        }
        t.failed("a");
        t.failed("a");
        assert!(t.allow("a"));
        t.failed("a");
        assert!(!t.allow("a"));
        assert!(t.allow("b"));
    }
}

//! Login throttling per client address (in memory, per server: the per-account lockout in
//! the database is what holds across servers).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A fixed-window counter of login attempts per client address.
pub struct Throttle {
    per_minute: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    /// Allows `per_minute` attempts per address per minute.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt from `ip`; false when over the limit.
    pub fn allow(&self, ip: &str) -> bool {
        let now = Instant::now();
        let Ok(mut w) = self.windows.lock() else {
            return true;
        };
        if w.len() > 10_000 {
            w.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = w.entry(ip.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address() {
        let t = Throttle::new(3);
        assert!(t.allow("a") && t.allow("a") && t.allow("a"));
        assert!(!t.allow("a"));
        assert!(t.allow("b"));
    }
}

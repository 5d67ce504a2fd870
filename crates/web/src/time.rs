//! Display of times and dates in Europe/Paris, in French.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;

/// "23/11/2026 à 15:04" in Paris time, from a stored UTC timestamp.
pub fn fr_datetime(stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t
            .with_timezone(&Paris)
            .format("%d/%m/%Y à %H:%M")
            .to_string(),
        Err(_) => stored.to_string(),
    }
}

/// "23/11/2026 à 15:04:05" in Paris time.
pub fn fr_datetime_secs(stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t
            .with_timezone(&Paris)
            .format("%d/%m/%Y à %H:%M:%S")
            .to_string(),
        Err(_) => stored.to_string(),
    }
}

/// Paris time of a UTC instant.
pub fn fr_instant(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// Start of a Paris calendar day ("2026-11-23") as a stored UTC timestamp.
pub fn paris_day_start(date: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let local = d
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(Paris)
        .earliest()?;
    Some(dui_store::ts(local.with_timezone(&Utc)))
}

/// A complete date as people type it: `JJ/MM/AAAA` (also `JJMMAAAA`, `JJ-MM-AAAA`,
/// `JJ.MM.AAAA`) or `AAAA-MM-JJ`.
pub fn date_saisie(s: &str) -> Option<chrono::NaiveDate> {
    let t = s.trim();
    let essais = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y"];
    if t.len() == 8 && !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    essais
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(t, f).ok())
        .filter(|d| chrono::Datelike::year(d) >= 1000)
}

/// Today's date in Paris.
pub fn paris_today(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&Paris).date_naive()
}

/// "12/04/1938" from an ISO date (unknown parts `00` shown as `??`).
pub fn fr_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => {
            let q = |s: &str| {
                if s == "00" {
                    "??".to_string()
                } else {
                    s.to_string()
                }
            };
            format!("{}/{}/{}", q(d), q(m), y)
        }
        _ => iso.to_string(),
    }
}

/// An instant as typed: RFC 3339 (`2026-11-23T15:04:00Z`, with an offset) or a Paris local
/// time as a `datetime-local` field sends it (`2026-11-23T15:04`, seconds optional).
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .and_then(|n| n.and_local_timezone(Paris).earliest())
        .map(|t| t.with_timezone(&Utc))
}

/// A UTC instant as a `datetime-local` value in Paris time (`2026-11-23T15:04`).
pub fn paris_local_input(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%Y-%m-%dT%H:%M").to_string()
}

/// A day as a page shows it (« 05/12/2026 »): a stored ISO day (`&str`, `String`) or a
/// `NaiveDate`.
pub trait JourFr {
    /// The day in French.
    fn jour_fr(&self) -> String;
}

impl JourFr for str {
    fn jour_fr(&self) -> String {
        fr_date(self)
    }
}

impl JourFr for String {
    fn jour_fr(&self) -> String {
        fr_date(self)
    }
}

impl JourFr for chrono::NaiveDate {
    fn jour_fr(&self) -> String {
        self.format("%d/%m/%Y").to_string()
    }
}

impl<T: JourFr + ?Sized> JourFr for &T {
    fn jour_fr(&self) -> String {
        (**self).jour_fr()
    }
}

/// An instant as a page shows it (« 05/12/2026 à 14:00 », Paris): a stored RFC 3339 text
/// or a `DateTime<Utc>`.
pub trait InstantFr {
    /// The instant in French, Paris time.
    fn instant_fr(&self) -> String;
}

impl InstantFr for str {
    fn instant_fr(&self) -> String {
        fr_datetime(self)
    }
}

impl InstantFr for String {
    fn instant_fr(&self) -> String {
        fr_datetime(self)
    }
}

impl InstantFr for DateTime<Utc> {
    fn instant_fr(&self) -> String {
        fr_instant(*self)
    }
}

impl<T: InstantFr + ?Sized> InstantFr for &T {
    fn instant_fr(&self) -> String {
        (**self).instant_fr()
    }
}

/// The dates of every page in French (Paris), for its template: `self.date(..)` of a day,
/// `self.quand(..)` of an instant. Implemented for every type: a page's module imports it
/// (`use crate::time::DatesFr as _;`) and declares nothing (a page with another rendering
/// names its method otherwise).
pub trait DatesFr {
    /// « 05/12/2026 » of a day.
    fn date<D: JourFr + ?Sized>(&self, d: &D) -> String {
        d.jour_fr()
    }
    /// « 05/12/2026 à 14:00 » (Paris) of an instant.
    fn quand<T: InstantFr + ?Sized>(&self, t: &T) -> String {
        t.instant_fr()
    }
}

impl<P: ?Sized> DatesFr for P {}

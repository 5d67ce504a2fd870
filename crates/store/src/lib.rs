//! Database layer of the DUI: one SQL dialect subset run on SQLite (embedded default) and
//! PostgreSQL (production). Every statement goes through [`sql`]: rusqlite on the calling
//! thread for SQLite, sqlx for PostgreSQL (docs/decisions/0008 and 0009).
//!
//! Person data is only reachable through a [`policy::Capability`], which only
//! [`policy::authorize`] builds, and which writes the audit entry.

/// `Deref` of records to the part they flatten (`Echange => fields: EchangeInput`): the
/// part's fields read as the record's own.
macro_rules! deref_vers {
    ($($t:ty => $champ:ident: $cible:ty),+ $(,)?) => {$(
        impl std::ops::Deref for $t {
            type Target = $cible;
            fn deref(&self) -> &$cible {
                &self.$champ
            }
        }
    )+};
}

/// A struct literal read from row `$r`: each field before `;` from the column of the same
/// name (`r.try_get("nom")?`, an error when it is absent or does not decode), each field after
/// it as written (`nom: valeur`, or a local of that name). The name of a column is written
/// once, so a decoder cannot read one column into another field.
macro_rules! colonnes {
    ($r:expr => $t:ident { $($col:ident),* $(,)? $(; $($f:ident $(: $e:expr)?),* $(,)?)? }) => {
        $t { $($col: $r.try_get(stringify!($col))?,)* $($($f $(: $e)?,)*)? }
    };
}

mod acteur;
pub mod admin;
pub mod ancre;
pub mod audit;
pub mod backup;
mod db;
mod durability;
pub mod error;
mod fiche;
pub mod insi;
mod migrate;
pub mod page;
pub mod policy;
mod read_log;
mod saisie;
pub mod session;
mod sql;
pub mod stored;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod usager;

pub use db::{Durability, Engine, Store};
pub use error::{StoreError, StoreResult};

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats a UTC timestamp as stored: fixed width, so that text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a stored timestamp.
pub fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("horodatage illisible {s:?}: {e}")))
}

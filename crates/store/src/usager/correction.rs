//! What the append-only sections of the care file share: a correction names a row of the
//! same file (checked in the write's transaction), the author is the account writing (its
//! name and role copied when written), and "today" for the date rules.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use dui_domain::ids::UsagerId;

use crate::policy::Capability;
use crate::{StoreError, StoreResult};

/// Refuses a correction of a row that is not in `table` of this file (`message` says so).
pub(crate) async fn verifier_corrige(
    tx: &mut crate::sql::Tx,
    table: &str,
    corrige_id: Option<i64>,
    usager_id: UsagerId,
    message: &str,
) -> StoreResult<()> {
    let Some(c) = corrige_id else { return Ok(()) };
    let found = crate::sql::query(&format!(
        "SELECT id FROM {table} WHERE id = $1 AND usager_id = $2"
    ))
    .bind(c)
    .bind(usager_id)
    .fetch_optional(&mut *tx)
    .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(message.into())),
    }
}

/// The account writing with `cap` (a person's account, never a system actor).
pub(crate) fn auteur(cap: &Capability) -> StoreResult<i64> {
    cap.actor().utilisateur_id.ok_or(StoreError::Denied(
        dui_domain::policy::Refus::NonPermisParLeRole,
    ))
}

/// The author's columns selected from `utilisateur u` (name when written, role).
pub(crate) const AUTEUR_SQL: &str = "u.prenom || ' ' || u.nom, u.role";

/// The latest calendar day it may be in France at `at` (Europe/Paris is at most two hours
/// ahead of UTC): a date after it is in the future wherever the user is.
pub(crate) fn aujourdhui(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(2)).date_naive()
}

//! Login attempts counted before the password is checked, so that parallel attempts cannot
//! check more than [`MAX_ECHECS`] passwords of one account, and a locked account checks none.
//!
//! An attempt takes one of the account's [`MAX_ECHECS`] places with one conditional
//! `UPDATE … RETURNING` before its password is hashed. A failure keeps its place (the one
//! that finds every place taken locks the account); a session frees them all
//! ([`Store::create_session`]); an attempt that ends in neither (the second factor is asked)
//! gives its place back.

use chrono::{DateTime, Duration, Utc};
use dui_domain::journal::ActionJournal;

use super::utilisateur::{DUREE_VERROUILLAGE_MINUTES, MAX_ECHECS};
use crate::audit::{self, Actor, NewEntry, Outcome};
use crate::db::Store;
use crate::{ts, StoreResult};

impl Store {
    /// Takes one login attempt of account `id` before its password is checked. `None` when
    /// the account is locked at `now` or every attempt is taken (failures and attempts in
    /// flight): then no password may be checked.
    pub async fn reserve_login_attempt(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.begin().await?;
        let row = crate::sql::query(
            "UPDATE utilisateur SET echecs_connexion = echecs_connexion + 1 WHERE id = $1 AND echecs_connexion < $2 AND (verrouille_jusqua IS NULL OR verrouille_jusqua <= $3) RETURNING echecs_connexion",
        )
        .bind(id)
        .bind(MAX_ECHECS)
        .bind(ts(now))
        .fetch_optional(&mut tx)
        .await?;
        tx.commit().await?;
        match row {
            Some(r) => Ok(Some(r.try_get::<i64, _>("echecs_connexion")?)),
            None => Ok(None),
        }
    }

    /// Gives back an attempt taken by [`Store::reserve_login_attempt`] that was not a failure
    /// (the password was right, the second factor is asked next).
    pub async fn release_login_attempt(&self, id: i64) -> StoreResult<()> {
        crate::sql::query(
            "UPDATE utilisateur SET echecs_connexion = echecs_connexion - 1 WHERE id = $1 AND echecs_connexion > 0",
        )
        .bind(id)
        .execute(self)
        .await?;
        Ok(())
    }

    /// Records the failure of an attempt taken by [`Store::reserve_login_attempt`] (audited):
    /// when every attempt is taken, the account is locked for
    /// [`DUREE_VERROUILLAGE_MINUTES`] and its count starts again. Returns the lock end when
    /// this failure locked it.
    pub async fn record_reserved_login_failure(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let until = now + Duration::minutes(DUREE_VERROUILLAGE_MINUTES);
        let mut tx = self.begin().await?;
        let locked = crate::sql::query(
            "UPDATE utilisateur SET verrouille_jusqua = $1, echecs_connexion = 0 WHERE id = $2 AND echecs_connexion >= $3 RETURNING id",
        )
        .bind(ts(until))
        .bind(id)
        .bind(MAX_ECHECS)
        .fetch_optional(&mut tx)
        .await?
        .map(|_| until);
        audit_login_failure(&mut tx, actor, reason, locked, now).await?;
        tx.commit().await?;
        Ok(locked)
    }
}

/// The audit entry of a failed login: why, and the lock end when it locked the account.
pub(super) async fn audit_login_failure(
    tx: &mut crate::sql::Tx,
    actor: &Actor,
    reason: &str,
    locked: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    audit::append(
        tx,
        &NewEntry {
            actor,
            action: ActionJournal::Connexion,
            usager_id: None,
            section: None,
            outcome: Outcome::Echec,
            detail: serde_json::json!({"raison": reason, "verrouillage": locked.map(ts)}),
            at: now,
        },
    )
    .await
    .map(|_| ())
}

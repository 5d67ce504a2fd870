//! The tails of a section's writes, written once: an addition (its author and time bound,
//! the new id read, the audit entry, the commit) and a change with optimistic concurrency
//! (the versioned update, the audit entry, the commit). A section's store method builds its
//! statement and hands it over with the transaction `Store::ecriture` opened.

use dui_domain::journal::ActionJournal;

use super::Capability;
use crate::sql::{Query, Tx};
use crate::{ts, StoreResult};

impl Capability {
    /// Adds a row to the file: `q`, an `INSERT … RETURNING id` whose last two arguments are
    /// the author and the time (bound here), then its audit entry (`detail` of the new id)
    /// and the commit. The new id.
    pub(crate) async fn ajout_audite(
        &self,
        tx: Tx,
        q: Query<'_>,
        action: ActionJournal,
        detail: impl FnOnce(i64) -> serde_json::Value,
    ) -> StoreResult<i64> {
        let q = q.bind(self.actor().utilisateur_id).bind(ts(self.at()));
        self.inserer_audite(tx, q, action, detail).await
    }

    /// Inserts a row: `q`, an `INSERT … RETURNING id` with all its arguments, then its audit
    /// entry (`detail` of the new id) and the commit. The new id.
    pub(crate) async fn inserer_audite(
        &self,
        mut tx: Tx,
        q: Query<'_>,
        action: ActionJournal,
        detail: impl FnOnce(i64) -> serde_json::Value,
    ) -> StoreResult<i64> {
        let id: i64 = q.fetch_scalar(&mut tx).await?;
        self.commit_audite(tx, action, detail(id)).await?;
        Ok(id)
    }

    /// Changes row `id` of `table` read at `version`: `q`, an `UPDATE … WHERE id = $n AND
    /// version = $n+1` (`Query::execute_versioned`: `StaleVersion` or `NotFound` when it
    /// touches nothing), then its audit entry and the commit. The new version.
    pub(crate) async fn modification_auditee(
        &self,
        mut tx: Tx,
        q: Query<'_>,
        (table, id, version): (&str, i64, i64),
        action: ActionJournal,
        detail: serde_json::Value,
    ) -> StoreResult<i64> {
        q.execute_versioned(&mut tx, table, id, version).await?;
        self.commit_audite(tx, action, detail).await?;
        Ok(version + 1)
    }
}

//! The SQLite writer connection and when its commits are acknowledged ([`Durability`]).
//!
//! A health record acknowledges only what is on disk: with `synchronous = FULL` (the
//! default) each commit waits for an fsync of the write-ahead log. That wait must not hold a
//! runtime thread the way a commit to the OS cache could (docs/decisions/0009), so it is
//! handed to a blocking thread ([`LiteWriter::sync`]); see docs/decisions/0014-durability-backup-restore.md.

use std::path::Path;

use crate::db::Durability;
use crate::sql::lite_err;
use crate::StoreResult;

/// The SQLite writer connection and whether its commits wait for the disk.
#[derive(Debug)]
pub(crate) struct LiteWriter {
    conn: rusqlite::Connection,
    durability: Durability,
}

impl std::ops::Deref for LiteWriter {
    type Target = rusqlite::Connection;
    fn deref(&self) -> &rusqlite::Connection {
        &self.conn
    }
}

impl LiteWriter {
    /// Opens the writer on `path` (created and migrated beforehand).
    pub(crate) fn open(path: &Path, durability: Durability) -> StoreResult<LiteWriter> {
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(lite_err)?;
        conn.execute_batch(crate::db::SQLITE_PRAGMAS)
            .and_then(|()| conn.execute_batch(durability.pragma()))
            .map_err(lite_err)?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(LiteWriter { conn, durability })
    }

    /// Runs `f`, which commits. With `synchronous = FULL` the commit waits for an fsync of
    /// the log (~3 ms on the benchmark machine): on a multi-threaded runtime the thread is
    /// handed over as a blocking one meanwhile (`block_in_place`: the other tasks move to
    /// another worker and requests keep queueing their read-audit entries, which the next
    /// holder of the writer commits together, one fsync for all). With `NORMAL` a commit is
    /// a write to the OS cache: it runs in place.
    pub(crate) fn sync<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
        use tokio::runtime::{Handle, RuntimeFlavor};
        let multi_thread =
            Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread);
        if self.durability == Durability::Full && multi_thread {
            tokio::task::block_in_place(|| f(&self.conn))
        } else {
            f(&self.conn)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Durability, Store};

    /// `PRAGMA synchronous` of the writer and of the sqlx write pool: 2 is FULL, 1 NORMAL.
    async fn levels(store: &Store) -> (i64, i64) {
        let crate::sql::Writer::Lite(w) = &store.writer else {
            panic!("SQLite attendu")
        };
        let writer: i64 = w
            .lock()
            .await
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .expect("writer");
        let (pool,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(&store.write)
            .await
            .expect("pool");
        (writer, pool)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_commits_wait_for_the_disk_unless_normal_is_asked() {
        let path = std::env::temp_dir().join(format!(
            "dui-durabilite-{}-{}.sqlite",
            std::process::id(),
            &crate::session::random_token()[..8]
        ));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = Store::open(&url).await.expect("open");
        assert_eq!(levels(&store).await, (2, 2), "FULL by default");
        // A durable commit, off the runtime thread (`block_in_place`).
        crate::sql::query("INSERT INTO organisme (nom, finess_juridique, created_at, updated_at) VALUES ('a', '1', 'x', 'x')")
            .execute(&store)
            .await
            .expect("write");
        store.close().await;
        let store = Store::open_with(&url, Durability::Normal)
            .await
            .expect("open");
        assert_eq!(levels(&store).await, (1, 1), "NORMAL when asked");
        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

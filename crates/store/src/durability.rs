//! The SQLite writer connection and when its commits are acknowledged ([`Durability`]).
//!
//! A health record acknowledges only what is on disk: with `synchronous = FULL` (the
//! default) each commit waits for an fsync of the write-ahead log. That wait must not hold a
//! runtime thread the way a commit to the OS cache could (docs/decisions/0009), so it is
//! handed to a blocking thread ([`LiteWriter::sync`]); see docs/decisions/0014-durability-backup-restore.md.

use std::path::Path;

use crate::error::lite_err;
use crate::StoreResult;

/// When a SQLite commit is acknowledged (`PRAGMA synchronous`; PostgreSQL always waits for
/// its log to be on disk).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// `FULL` (default): a commit returns once the log is on disk (one fsync per commit, off
    /// the runtime threads). Nothing acknowledged is lost on a power cut or an OS crash.
    #[default]
    Full,
    /// `NORMAL`: a commit returns once the log is written to the OS, not to the disk. A power
    /// cut or an OS crash may lose the last acknowledged commits (never corrupts the file); a
    /// crash of the process alone loses nothing. For those who accept that risk.
    Normal,
}

impl Durability {
    /// The pragma that sets it.
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "PRAGMA synchronous = FULL;",
            Durability::Normal => "PRAGMA synchronous = NORMAL;",
        }
    }
}

/// Per-connection SQLite settings, for sqlx's and rusqlite's connections alike.
///
/// - WAL lets readers run beside the writer. `synchronous` is set apart ([`Durability`]):
///   `FULL` by default, where a commit waits for the log to be on disk.
/// - Foreign keys are off by default in SQLite; `busy_timeout` covers the rare overlap with
///   another process.
/// - A connection drops its page cache whenever another one has written since its last read
///   (every audited read writes): with the file mapped, reading the pages again is a pointer
///   into the OS cache instead of a read() and a copy each.
/// - Checkpoints run in the background (`Store::checkpoint`), out of the requests' way: a
///   checkpoint inside a commit stalled every request queued behind it (p99 of file openings
///   15-25 ms with, 3-5 ms without). The automatic one stays as a bound on the log for
///   processes without the background task (`dui demo`, tests), at 100 MB.
pub(crate) const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -32000; \
     PRAGMA mmap_size = 1073741824; PRAGMA wal_autocheckpoint = 25000; \
     PRAGMA journal_size_limit = 67108864;";

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
        conn.execute_batch(SQLITE_PRAGMAS)
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

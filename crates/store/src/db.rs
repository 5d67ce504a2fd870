//! Connection pools for both engines.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::StoreResult;

/// Pages (4 KB, so 2 MB) of SQLite log past which the writer checkpoints so that the log
/// starts over.
const WAL_RESTART_FRAMES: i64 = 512;

/// The database engine behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite file (default, one writer connection).
    Sqlite,
    /// PostgreSQL server (production).
    Postgres,
}

/// Handle on the database: a read pool and a write pool.
///
/// SQLite allows one writer at a time: writes go through a single-connection pool so that
/// they queue in the application instead of failing with "database is locked"; reads use
/// several connections (WAL lets them run beside the writer). On PostgreSQL both are the
/// same pool.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) read: AnyPool,
    pub(crate) write: AnyPool,
    engine: Engine,
    /// Group commit of the audit entries of reads.
    pub(crate) reads: crate::read_log::ReadLog,
    /// SQLite: reads outside transactions run on these, on the calling thread (`crate::sql`).
    pub(crate) lite: Option<std::sync::Arc<crate::sql::LiteReaders>>,
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) without migrating.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("postgres") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        };
        let options: AnyConnectOptions = url.parse()?;
        match engine {
            Engine::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Store {
                    read: pool.clone(),
                    reads: crate::read_log::ReadLog::start(pool.clone()),
                    write: pool,
                    engine,
                    lite: None,
                })
            }
            Engine::Sqlite => {
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _meta| sqlite_pragmas(conn))
                    .connect_with(options.clone())
                    .await?;
                let path = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                    .get_filename()
                    .to_path_buf();
                let lite = Some(crate::sql::LiteReaders::new(&path)?);
                let read = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _meta| sqlite_pragmas(conn))
                    .connect_with(options)
                    .await?;
                Ok(Store {
                    read,
                    reads: crate::read_log::ReadLog::start(write.clone()),
                    write,
                    engine,
                    lite,
                })
            }
        }
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> StoreResult<Store> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// The engine in use.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Checks that the database answers (readiness probe).
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// Copies the SQLite write-ahead log into the database (nothing to do on PostgreSQL).
    ///
    /// On a reader connection, beside the writer, so that requests do not wait for the copy
    /// and its fsyncs. A checkpoint beside a constant stream of writes never reaches the end
    /// of the log, so the log cannot start over and grows without bound: once it passes
    /// [`WAL_RESTART_FRAMES`], the writer itself copies the few pages written meanwhile
    /// (requests wait behind it for a few milliseconds: called every 100 ms, it has little
    /// left to copy), which lets the next write start the log over.
    pub async fn checkpoint(&self) -> StoreResult<()> {
        if self.engine != Engine::Sqlite {
            return Ok(());
        }
        let (_busy, frames, _copied): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&self.read)
                .await?;
        if frames > WAL_RESTART_FRAMES {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    /// Refreshes the planner statistics after a bulk load (without them PostgreSQL may plan
    /// the search as a scan of the whole name index). On PostgreSQL, `VACUUM` also marks the
    /// new pages all-visible, so that index-only scans of the name index skip the table.
    pub async fn analyze(&self) -> StoreResult<()> {
        let sql = match self.engine {
            Engine::Sqlite => "ANALYZE",
            Engine::Postgres => "VACUUM (ANALYZE)",
        };
        sqlx::query(sql).execute(&self.write).await?;
        Ok(())
    }

    /// Closes the pools (tests drop their databases afterwards).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

type PragmaFuture<'c> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;

/// Per-connection SQLite settings: WAL lets readers run beside the writer; foreign keys are
/// off by default in SQLite; `busy_timeout` covers the rare overlap with another process.
fn sqlite_pragmas(conn: &mut sqlx::AnyConnection) -> PragmaFuture<'_> {
    Box::pin(async move {
        conn.execute("PRAGMA journal_mode = WAL").await?;
        conn.execute("PRAGMA synchronous = NORMAL").await?;
        conn.execute("PRAGMA foreign_keys = ON").await?;
        conn.execute("PRAGMA busy_timeout = 10000").await?;
        conn.execute("PRAGMA cache_size = -32000").await?;
        // A connection drops its page cache whenever another one has written since its last
        // read (every audited read writes): with the file mapped, reading the pages again is
        // a pointer into the OS cache instead of a read() and a copy each.
        conn.execute("PRAGMA mmap_size = 1073741824").await?;
        // Checkpoints run in the background (`Store::checkpoint`), out of the requests' way:
        // a checkpoint inside a commit stalled every request queued behind it (p99 of file
        // openings 15-25 ms with, 3-5 ms without). The automatic one stays as a bound on the
        // log for processes without the background task (`dui demo`, tests), at 100 MB.
        conn.execute("PRAGMA wal_autocheckpoint = 25000").await?;
        conn.execute("PRAGMA journal_size_limit = 67108864").await?;
        Ok(())
    })
}

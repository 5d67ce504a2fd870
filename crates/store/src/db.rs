//! Connection pools for both engines.

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::StoreResult;

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
                })
            }
            Engine::Sqlite => {
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _meta| sqlite_pragmas(conn))
                    .connect_with(options.clone())
                    .await?;
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
    /// `PASSIVE` runs on a reader connection: the copy and its fsync do not hold the writer, so
    /// requests keep writing meanwhile. `TRUNCATE` (`restart = true`, called rarely) runs on the
    /// writer to reset a log that constant reading kept from restarting; a short busy timeout
    /// keeps a long reader from stalling it.
    pub async fn checkpoint(&self, restart: bool) -> StoreResult<()> {
        if self.engine != Engine::Sqlite {
            return Ok(());
        }
        if restart {
            let mut conn = self.write.acquire().await?;
            conn.execute("PRAGMA busy_timeout = 20").await?;
            let result = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await;
            conn.execute("PRAGMA busy_timeout = 10000").await?;
            result?;
        } else {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.read)
                .await?;
        }
        Ok(())
    }

    /// Refreshes the planner statistics after a bulk load (without them PostgreSQL may plan
    /// the search as a scan of the whole name index).
    pub async fn analyze(&self) -> StoreResult<()> {
        sqlx::query("ANALYZE").execute(&self.write).await?;
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
        // Checkpoints run in the background (`Store::checkpoint`), not inside a request's
        // commit, where they would stall that request for tens of milliseconds.
        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
        conn.execute("PRAGMA journal_size_limit = 67108864").await?;
        Ok(())
    })
}

//! Connection pools for both engines.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use crate::durability::Durability;
use crate::durability::SQLITE_PRAGMAS;
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

/// The ranges (filter column, its value, first and last day) whose visits this process
/// generated, with the fingerprint of the interventions they were generated from.
pub(crate) type VisitesGenerees = std::sync::Arc<
    std::sync::Mutex<
        std::collections::HashMap<
            (&'static str, i64, chrono::NaiveDate, chrono::NaiveDate),
            String,
        >,
    >,
>;

/// Handle on the database.
///
/// PostgreSQL: one sqlx pool for everything. SQLite allows one writer at a time: writes go
/// through one connection behind an async lock ([`crate::sql::Writer`]) so that they queue
/// in the application instead of failing with "database is locked"; reads use several
/// connections (WAL lets them run beside the writer). The sqlx pools remain on SQLite for
/// migrations and for checkpoints, whose disk waits belong on sqlx's threads.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) read: AnyPool,
    pub(crate) write: AnyPool,
    /// PostgreSQL: connections that plan each statement once, without its arguments
    /// (`plan_cache_mode = force_generic_plan`), for the statements whose text fixes their
    /// plan (`Query::plan_kept`). SQLite: the read pool (unused).
    pub(crate) kept_plans: AnyPool,
    /// PostgreSQL: reads outside transactions through sqlx's own driver (`sql::natif_pg`).
    pub(crate) lecture_pg: Option<sqlx::PgPool>,
    /// Where writes and transactions go (`Store::begin`).
    pub(crate) writer: crate::sql::Writer,
    engine: Engine,
    /// Group commit of the audit entries of reads.
    pub(crate) reads: crate::read_log::ReadLog,
    /// SQLite: reads outside transactions run on these, on the calling thread (`crate::sql`).
    pub(crate) lite: Option<std::sync::Arc<crate::sql::LiteReaders>>,
    /// Where the sealer anchors the chain's head outside the database, if configured.
    pub(crate) ancre: Option<std::sync::Arc<crate::ancre::Ancre>>,
    /// PostgreSQL: connections of bulk loads, which copy (`crate::sql::Charge`).
    pub(crate) copie: Option<sqlx::PgPool>,
    /// Raised after every committed change of an account or a session in this process
    /// ([`Store::version_comptes`]).
    pub(crate) comptes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The ranges of visits this process generated, and from which interventions
    /// (`usager::intervention::generer_visites`).
    pub(crate) visites_generees: VisitesGenerees,
}

impl Store {
    /// A number raised after every committed change of an account (role, établissements,
    /// activity, password, second factor, linked file) or the end of a session, in this
    /// process. A copy of an account read under one number is stale under another (the web
    /// layer's session cache; other processes rely on its short lifetime).
    pub fn version_comptes(&self) -> u64 {
        self.comptes.load(std::sync::atomic::Ordering::Acquire)
    }

    /// After the commit of a change of an account or a session.
    pub(crate) fn comptes_modifies(&self) {
        self.comptes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) without migrating,
    /// with durable commits.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Self::connect_with(url, Durability::Full).await
    }

    /// Connects with the given SQLite durability (ignored on PostgreSQL).
    pub async fn connect_with(url: &str, durability: Durability) -> StoreResult<Store> {
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
                    .connect_with(options.clone())
                    .await?;
                let kept_plans = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute("SET plan_cache_mode = force_generic_plan")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect_lazy_with(options);
                let copie = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with(sqlx::postgres::PgConnectOptions::from_str(url)?);
                let lecture_pg = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with(sqlx::postgres::PgConnectOptions::from_str(url)?);
                let writer = crate::sql::Writer::Pool(pool.clone());
                Ok(Store {
                    lecture_pg: Some(lecture_pg),
                    kept_plans,
                    read: pool.clone(),
                    reads: crate::read_log::ReadLog::start(writer.clone()),
                    writer,
                    write: pool,
                    engine,
                    lite: None,
                    ancre: None,
                    copie: Some(copie),
                    comptes: Default::default(),
                    visites_generees: Default::default(),
                })
            }
            Engine::Sqlite => {
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(move |conn, _meta| sqlite_pragmas(conn, durability))
                    .connect_with(options.clone())
                    .await?;
                let path = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                    .get_filename()
                    .to_path_buf();
                let lite = Some(crate::sql::LiteReaders::new(&path)?);
                let writer = crate::sql::Writer::lite(&path, durability)?;
                let read = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(move |conn, _meta| sqlite_pragmas(conn, durability))
                    .connect_with(options)
                    .await?;
                Ok(Store {
                    lecture_pg: None,
                    kept_plans: read.clone(),
                    read,
                    reads: crate::read_log::ReadLog::start(writer.clone()),
                    writer,
                    write,
                    engine,
                    lite,
                    ancre: None,
                    copie: None,
                    comptes: Default::default(),
                    visites_generees: Default::default(),
                })
            }
        }
    }

    /// Connects and applies pending migrations (durable commits).
    pub async fn open(url: &str) -> StoreResult<Store> {
        Self::open_with(url, Durability::Full).await
    }

    /// Connects with the given SQLite durability and applies pending migrations.
    pub async fn open_with(url: &str, durability: Durability) -> StoreResult<Store> {
        let store = Self::connect_with(url, durability).await?;
        store.migrate().await?;
        store.drop_sqlite_samples().await?;
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

    /// SQLite: copies the write-ahead log into the database. PostgreSQL: asks the server for a
    /// checkpoint (the benchmark does, after a bulk load, so that the server's own checkpoint
    /// does not land in the measurements; it needs the `pg_checkpoint` role or a superuser).
    ///
    /// On SQLite, on a reader connection, beside the writer, so that requests do not wait for
    /// the copy and its fsyncs. A checkpoint beside a constant stream of writes never reaches
    /// the end of the log, so the log cannot start over and grows without bound: once it
    /// passes [`WAL_RESTART_FRAMES`], the writer itself copies the pages written meanwhile,
    /// which lets the next write start the log over. Requests wait for that copy and its
    /// fsyncs (6-25 ms measured when it followed one copy by the reader: the p95 of
    /// openings), so a second copy by the reader runs first and leaves it only the pages of a
    /// few milliseconds. Measured (p99 of 1,000 paced openings/s): 2 MB log and one reader
    /// copy 7.5-10.5 ms, 2 MB and two copies 6.1-6.9 ms, 8 MB and two copies 8.2-8.9 ms,
    /// 32 MB and two copies 8.3-19 ms (the writer's share grows with the log).
    pub async fn checkpoint(&self) -> StoreResult<()> {
        let crate::sql::Writer::Lite(writer) = &self.writer else {
            sqlx::query("CHECKPOINT").execute(&self.write).await?;
            return Ok(());
        };
        if self.reader_checkpoint().await? <= WAL_RESTART_FRAMES {
            return Ok(());
        }
        // The first copy took a while, during which requests kept writing: a second one
        // copies those pages too.
        self.reader_checkpoint().await?;
        let conn = writer.clone().lock_owned().await;
        // The writer is held meanwhile (nothing is appended to the log), but the copy and its
        // fsyncs run on a blocking thread, not on a runtime thread.
        tokio::task::spawn_blocking(move || {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        })
        .await
        .map_err(|e| crate::StoreError::Db(sqlx::Error::Protocol(e.to_string())))?
        .map_err(|e| crate::StoreError::Db(sqlx::Error::Protocol(e.to_string())))
    }

    /// A passive checkpoint on a reader (on sqlx's thread): returns the pages in the log.
    async fn reader_checkpoint(&self) -> StoreResult<i64> {
        let (_busy, frames, _copied): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&self.read)
                .await?;
        Ok(frames)
    }

    /// Starts a write transaction (see [`crate::sql::Tx`]).
    pub(crate) async fn begin(&self) -> StoreResult<crate::sql::Tx> {
        self.writer.begin().await
    }

    /// Refreshes the planner statistics after a bulk load (without them PostgreSQL may plan
    /// the search as a scan of the whole name index). On PostgreSQL, `VACUUM` also marks the
    /// new pages all-visible, so that index-only scans of the name index skip the table.
    ///
    /// On SQLite only the per-index averages are kept (see [`Store::drop_sqlite_samples`]).
    pub async fn analyze(&self) -> StoreResult<()> {
        self.statistiques(true).await
    }

    /// The planner statistics only (`ANALYZE`, a sample of each table): the end of a demo
    /// generation, whose new pages autovacuum marks all-visible in the background while the
    /// base is already in use. [`Store::analyze`] waits for that too (benchmarks).
    pub async fn analyze_sample(&self) -> StoreResult<()> {
        self.statistiques(false).await
    }

    async fn statistiques(&self, vacuum: bool) -> StoreResult<()> {
        match self.engine {
            Engine::Sqlite => {
                sqlx::query("ANALYZE").execute(&self.write).await?;
                self.drop_sqlite_samples().await
            }
            Engine::Postgres => {
                let sql = if vacuum {
                    "VACUUM (ANALYZE)"
                } else {
                    "ANALYZE"
                };
                sqlx::query(sql).execute(&self.write).await?;
                Ok(())
            }
        }
    }

    /// Drops the value samples that SQLite's `ANALYZE` stores in `sqlite_stat4`.
    ///
    /// With samples present, SQLite prepares again any statement comparing an indexed column
    /// with a parameter each time the parameter changes, to plan for that very value: every
    /// read of a file was parsed and planned from scratch (a quarter of the CPU of an opening,
    /// doubling its latency). Our queries are planned well from `sqlite_stat1` alone. Also run
    /// at start, in case someone ran `ANALYZE` with another tool.
    pub(crate) async fn drop_sqlite_samples(&self) -> StoreResult<()> {
        if self.engine == Engine::Sqlite {
            // Dropping a table changes the schema: every connection reloads the statistics.
            sqlx::query("DROP TABLE IF EXISTS sqlite_stat4")
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    /// Closes the pools (tests drop their databases afterwards).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
        self.kept_plans.close().await;
        if let Some(p) = &self.lecture_pg {
            p.close().await;
        }
    }
}

type PragmaFuture<'c> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;

fn sqlite_pragmas(conn: &mut sqlx::AnyConnection, durability: Durability) -> PragmaFuture<'_> {
    Box::pin(async move {
        conn.execute(SQLITE_PRAGMAS).await?;
        conn.execute(durability.pragma()).await?;
        Ok(())
    })
}

impl<'e> From<&'e Store> for crate::sql::On<'e> {
    fn from(s: &'e Store) -> Self {
        crate::sql::On::Store(crate::sql::Conns {
            read: &s.read,
            kept_plans: &s.kept_plans,
            pg: s.lecture_pg.as_ref(),
            writer: &s.writer,
            lite: s.lite.as_deref(),
        })
    }
}

impl Store {
    /// Starts a bulk load (`crate::sql::Charge`: COPY on PostgreSQL's bulk connection, the
    /// writer on SQLite).
    pub(crate) async fn charge(&self) -> StoreResult<crate::sql::Charge> {
        match &self.copie {
            Some(pool) => Ok(crate::sql::Charge::Pg(pool.begin().await?)),
            None => Ok(crate::sql::Charge::Lite(self.begin().await?)),
        }
    }
}

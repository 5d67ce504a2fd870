//! Fresh databases for tests: a temporary SQLite file always, and a new PostgreSQL database
//! when `DUI_TEST_POSTGRES_URL` is set (created here, dropped by `cleanup`, or when the value
//! is dropped without it: a test that panics leaves nothing behind).
//!
//! Compiled for tests only (the `testing` feature, enabled by the workspace's dev-dependencies):
//! the product build does not ship it.

use std::path::PathBuf;

use sqlx::Executor;

use crate::{Store, StoreResult};

/// A migrated test database.
pub struct TestDb {
    /// The store on it.
    pub store: Store,
    /// Its URL (to start a server or a CLI on the same database).
    pub url: String,
    /// `sqlite` or `postgres`.
    pub engine: &'static str,
    /// What to remove; taken by [`TestDb::cleanup`], else by `Drop`.
    cleanup: Option<Cleanup>,
}

/// An empty database (no table): the target of a restore.
pub struct EmptyDb {
    /// Its URL (SQLite: a file not created yet).
    pub url: String,
    /// What to remove; taken by [`EmptyDb::cleanup`], else by `Drop`.
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

/// The engines to test on: SQLite always, PostgreSQL when `DUI_TEST_POSTGRES_URL` is set.
pub fn engines() -> Vec<&'static str> {
    let mut v = vec!["sqlite"];
    if std::env::var("DUI_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        v.push("postgres");
    }
    v
}

fn unique_name() -> String {
    format!(
        "dui_test_{}_{}",
        std::process::id(),
        &crate::session::random_token()[..12]
    )
}

/// A new, empty database on `engine`: its URL, what removes it, the engine's name.
async fn new_database(engine: &str) -> StoreResult<(String, Cleanup, &'static str)> {
    if engine == "postgres" {
        let admin_url = std::env::var("DUI_TEST_POSTGRES_URL").unwrap_or_default();
        let name = unique_name();
        let admin = Store::connect(&admin_url).await?;
        admin
            .write
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        admin.close().await;
        let url = match admin_url.rfind('/') {
            Some(i) if i > "postgres://".len() => format!("{}/{}", &admin_url[..i], name),
            _ => format!("{admin_url}/{name}"),
        };
        Ok((url, Cleanup::Database { admin_url, name }, "postgres"))
    } else {
        let path = std::env::temp_dir().join(format!("{}.sqlite", unique_name()));
        Ok((
            format!("sqlite://{}?mode=rwc", path.display()),
            Cleanup::File(path),
            "sqlite",
        ))
    }
}

impl TestDb {
    /// A fresh, migrated database on `engine` (`sqlite` or `postgres`), with the default
    /// permission matrix.
    pub async fn new(engine: &str) -> StoreResult<TestDb> {
        let (url, cleanup, engine) = new_database(engine).await?;
        let db = TestDb {
            store: Store::open(&url).await?,
            url,
            engine,
            cleanup: Some(cleanup),
        };
        db.store.seed_default_matrix().await?;
        Ok(db)
    }

    /// Closes the pools and removes the database.
    pub async fn cleanup(mut self) {
        self.store.close().await;
        remove(self.cleanup.take()).await;
    }

    /// The tables of the schema that have a column named `column`, sorted.
    pub async fn tables_with_column(&self, column: &str) -> StoreResult<Vec<String>> {
        let sql = if self.engine == "postgres" {
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND column_name = $1 ORDER BY 1"
        } else {
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = $1 ORDER BY 1"
        };
        Ok(sqlx::query_scalar(sql)
            .bind(column)
            .fetch_all(&self.store.write)
            .await?)
    }

    /// The definitions of `table`'s indexes and constraints, sorted (a load that drops and
    /// builds them again must leave them as they were).
    pub async fn definitions(&self, table: &str) -> StoreResult<Vec<String>> {
        let sql = if self.engine == "postgres" {
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 \
             UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE conrelid = $1::regclass ORDER BY 1"
        } else {
            "SELECT COALESCE(sql, name) FROM sqlite_master WHERE tbl_name = $1 ORDER BY 1"
        };
        Ok(sqlx::query_scalar(sql)
            .bind(table)
            .fetch_all(&self.store.write)
            .await?)
    }

    /// Runs raw SQL (tests that tamper with rows on purpose).
    pub async fn exec(&self, sql: &str) -> StoreResult<u64> {
        Ok(sqlx::query(sql)
            .execute(&self.store.write)
            .await?
            .rows_affected())
    }
}

impl EmptyDb {
    /// A new empty database on `engine`.
    pub async fn new(engine: &str) -> StoreResult<EmptyDb> {
        let (url, cleanup, _) = new_database(engine).await?;
        Ok(EmptyDb {
            url,
            cleanup: Some(cleanup),
        })
    }

    /// Removes the database (close every store on it first).
    pub async fn cleanup(mut self) {
        remove(self.cleanup.take()).await;
    }
}

/// Whether a PostgreSQL database named `name` exists on the `DUI_TEST_POSTGRES_URL` server.
pub async fn postgres_database_exists(name: &str) -> StoreResult<bool> {
    let admin_url = std::env::var("DUI_TEST_POSTGRES_URL").unwrap_or_default();
    let admin = Store::connect(&admin_url).await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&admin.write)
        .await?;
    admin.close().await;
    Ok(n > 0)
}

async fn remove(cleanup: Option<Cleanup>) {
    match cleanup {
        Some(Cleanup::File(p)) => remove_sqlite_files(&p),
        Some(Cleanup::Database { admin_url, name }) => drop_database(&admin_url, &name).await,
        None => {}
    }
}

fn remove_sqlite_files(p: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

async fn drop_database(admin_url: &str, name: &str) {
    if let Ok(admin) = Store::connect(admin_url).await {
        let _ = admin
            .write
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
        admin.close().await;
    }
}

/// A test that panicked before `cleanup`: remove the database all the same. `Drop` cannot
/// await, and may run inside a runtime: the removal runs on a runtime of its own in a thread
/// of its own (FORCE ends the connections still open on a PostgreSQL database).
fn remove_on_drop(cleanup: Option<Cleanup>) {
    match cleanup {
        None => {}
        Some(Cleanup::File(p)) => remove_sqlite_files(&p),
        Some(db) => {
            let removing = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(remove(Some(db)));
                }
            });
            let _ = removing.join();
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        remove_on_drop(self.cleanup.take());
    }
}

impl Drop for EmptyDb {
    fn drop(&mut self) {
        remove_on_drop(self.cleanup.take());
    }
}

/// The unchecked paths, for tests that set up files or exercise the write itself (the
/// product creates through `Store::create_usager_checked` and edits through
/// `Store::update_identite_editee`; demo data and benchmarks use the bulk path).
impl Store {
    /// Creates a file without the creation checks (see `Store::create_usager`).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_usager_unchecked(
        &self,
        actor: &crate::audit::Actor,
        i: &crate::usager::IdentiteInput,
        nir: Option<&str>,
        etablissement_id: i64,
        date_entree: &str,
        non_doublons: &[i64],
        now: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<dui_domain::ids::UsagerId> {
        self.create_usager(
            actor,
            i,
            nir,
            etablissement_id,
            date_entree,
            non_doublons,
            now,
        )
        .await
    }

    /// Saves an identity with the status given by the test (see `Store::update_identite`).
    pub async fn update_identite_unchecked(
        &self,
        cap: &crate::policy::Capability,
        version: i64,
        i: &crate::usager::IdentiteInput,
        statut: &str,
        drop_ins: bool,
        changes: serde_json::Value,
    ) -> StoreResult<i64> {
        self.update_identite(cap, version, i, statut, drop_ins, None, changes)
            .await
    }
}

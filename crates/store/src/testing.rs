//! Fresh databases for tests: a temporary SQLite file always, and a new PostgreSQL database
//! when `DUI_TEST_POSTGRES_URL` is set (created here, dropped by [`TestDb::cleanup`]).

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
    cleanup: Cleanup,
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

impl TestDb {
    /// A fresh, migrated database on `engine` (`sqlite` or `postgres`), with the default
    /// permission matrix.
    pub async fn new(engine: &str) -> StoreResult<TestDb> {
        let (url, cleanup, engine) = if engine == "postgres" {
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
            (url, Cleanup::Database { admin_url, name }, "postgres")
        } else {
            let path = std::env::temp_dir().join(format!("{}.sqlite", unique_name()));
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                Cleanup::File(path),
                "sqlite",
            )
        };
        let store = Store::open(&url).await?;
        store.seed_default_matrix().await?;
        Ok(TestDb {
            store,
            url,
            engine,
            cleanup,
        })
    }

    /// Closes the pools and removes the database.
    pub async fn cleanup(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(admin) = Store::connect(&admin_url).await {
                    let _ = admin
                        .write
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    admin.close().await;
                }
            }
        }
    }

    /// Runs raw SQL (tests that tamper with rows on purpose).
    pub async fn exec(&self, sql: &str) -> StoreResult<u64> {
        Ok(sqlx::query(sql)
            .execute(&self.store.write)
            .await?
            .rows_affected())
    }
}

/// An empty database (no table): the target of a restore.
pub struct EmptyDb {
    /// Its URL (SQLite: a file not created yet).
    pub url: String,
    cleanup: Cleanup,
}

impl EmptyDb {
    /// A new empty database on `engine`.
    pub async fn new(engine: &str) -> StoreResult<EmptyDb> {
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
            Ok(EmptyDb {
                url,
                cleanup: Cleanup::Database { admin_url, name },
            })
        } else {
            let path = std::env::temp_dir().join(format!("{}.sqlite", unique_name()));
            Ok(EmptyDb {
                url: format!("sqlite://{}?mode=rwc", path.display()),
                cleanup: Cleanup::File(path),
            })
        }
    }

    /// Removes the database (close every store on it first).
    pub async fn cleanup(self) {
        match self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(admin) = Store::connect(&admin_url).await {
                    let _ = admin
                        .write
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

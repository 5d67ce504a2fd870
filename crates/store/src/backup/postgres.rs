//! PostgreSQL: `pg_dump` of an exported snapshot, `pg_restore` into an empty database.

use std::collections::BTreeMap;
use std::path::Path;

use sqlx::{Connection, Executor, PgConnection};

use super::BackupError;

fn db_err(e: sqlx::Error) -> BackupError {
    BackupError::Database(format!("PostgreSQL : {e}"))
}

/// Dumps the database at `url` into `dest` (custom format) and returns the row counts and
/// schema version read in the very snapshot that `pg_dump` dumps: a REPEATABLE READ
/// transaction exports its snapshot and stays open while `pg_dump --snapshot` reads it.
pub(super) async fn snapshot(
    url: &str,
    dest: &Path,
) -> Result<(BTreeMap<String, i64>, i64), BackupError> {
    let mut conn = PgConnection::connect(url).await.map_err(db_err)?;
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await
        .map_err(db_err)?;
    let (snapshot,): (String,) = sqlx::query_as("SELECT pg_export_snapshot()")
        .fetch_one(&mut conn)
        .await
        .map_err(db_err)?;
    let counts = counts(&mut conn).await?;
    let (schema,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM schema_migration")
            .fetch_one(&mut conn)
            .await
            .map_err(db_err)?;
    let dest_arg = dest.display().to_string();
    run_tool(
        "pg_dump",
        url,
        &[
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            &format!("--snapshot={snapshot}"),
            "--file",
            &dest_arg,
        ],
    )
    .await?;
    conn.execute("COMMIT").await.map_err(db_err)?;
    let _ = conn.close().await;
    Ok((counts, schema))
}

/// Restores the dump `dump` into the (empty) database at `url`, in one transaction; returns
/// the row counts of what is now there.
pub(super) async fn restore(url: &str, dump: &Path) -> Result<BTreeMap<String, i64>, BackupError> {
    let dump_arg = dump.display().to_string();
    run_tool(
        "pg_restore",
        url,
        &[
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            &dump_arg,
        ],
    )
    .await?;
    let mut conn = PgConnection::connect(url).await.map_err(db_err)?;
    let counts = counts(&mut conn).await;
    let _ = conn.close().await;
    counts
}

/// The tables of the database at `url`.
pub(super) async fn existing_tables(url: &str) -> Result<Vec<String>, BackupError> {
    let mut conn = PgConnection::connect(url).await.map_err(db_err)?;
    let tables = tables(&mut conn).await;
    let _ = conn.close().await;
    tables
}

async fn tables(conn: &mut PgConnection) -> Result<Vec<String>, BackupError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
         ORDER BY tablename",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

async fn counts(conn: &mut PgConnection) -> Result<BTreeMap<String, i64>, BackupError> {
    let mut out = BTreeMap::new();
    for table in tables(conn).await? {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM \"{table}\""))
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
        out.insert(table, n);
    }
    Ok(out)
}

/// Runs `pg_dump` or `pg_restore` on `url`; the password, if any, goes through the
/// environment (`PGPASSWORD`), not the command line that `ps` shows.
async fn run_tool(tool: &str, url: &str, args: &[&str]) -> Result<(), BackupError> {
    let (url, password) = split_password(url);
    let mut cmd = tokio::process::Command::new(tool);
    cmd.args(args).arg("--dbname").arg(&url);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            BackupError::Tool(format!(
                "{tool} est introuvable : installez le client PostgreSQL (paquet \
                 postgresql-client), de la version du serveur ou plus récent"
            ))
        } else {
            BackupError::Tool(format!("{tool} n'a pas pu être lancé : {e}"))
        }
    })?;
    if !out.status.success() {
        return Err(BackupError::Tool(format!(
            "{tool} a échoué ({}) : {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// The URL without its password, and the password (percent-decoded).
fn split_password(url: &str) -> (String, Option<String>) {
    let (Some(s), Some(at)) = (url.find("://"), url.rfind('@')) else {
        return (url.to_string(), None);
    };
    if at < s {
        return (url.to_string(), None);
    }
    match url[s + 3..at].split_once(':') {
        Some((user, password)) => (
            format!("{}{}{}", &url[..s + 3], user, &url[at..]),
            Some(percent_decode(password)),
        ),
        None => (url.to_string(), None),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://dui:s%40cr%C3%A9t@db:5432/dui?sslmode=require"),
            (
                "postgres://dui@db:5432/dui?sslmode=require".to_string(),
                Some("s@crét".to_string())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1/x"),
            ("postgres://postgres@127.0.0.1/x".to_string(), None)
        );
    }
}

//! Bulk loads (demo data, benchmarks, imports): many rows of a few tables and their audit
//! entry in one transaction, written the fastest way each engine offers
//! (docs/decisions/0039-search-and-bulk-load.md).
//!
//! PostgreSQL: `COPY … FROM STDIN` (text format) on a connection of its own — sqlx's `Any`
//! driver cannot copy — so the load and its audit entry commit together there. SQLite: one
//! prepared single-row `INSERT` per table, executed for each row on the writer (no statement
//! text to build or parse per row).

use sqlx::Postgres;

use super::{Tx, Value};
use crate::error::lite_err;
use crate::StoreResult;

/// Rows for one table: `cols` name the columns, each row gives their values in that order.
pub(crate) struct Lot<'a> {
    pub table: &'a str,
    pub cols: &'a [&'a str],
    pub rows: Vec<Vec<Value>>,
}

/// A bulk load's transaction.
pub(crate) enum Charge {
    /// On PostgreSQL's bulk connection.
    Pg(sqlx::Transaction<'static, Postgres>),
    /// On the SQLite writer.
    Lite(Tx),
}

/// `value` in COPY's text format (appended to `out`).
fn copy_text(out: &mut String, value: &Value) {
    match value {
        Value::Null | Value::NullInt => out.push_str("\\N"),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Text(s) => {
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
        Value::Bytes(b) => {
            out.push_str("\\\\x");
            for x in b {
                out.push_str(&format!("{x:02x}"));
            }
        }
    }
}

impl Charge {
    /// `n` new ids of `table` (its `id` column): from its identity sequence on PostgreSQL
    /// (safe beside other writers), after the largest on SQLite (one writer at a time).
    pub(crate) async fn ids(&mut self, table: &str, n: usize) -> StoreResult<Vec<i64>> {
        match self {
            Charge::Pg(tx) => {
                let ids: Vec<(i64,)> = sqlx::query_as(
                    "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)",
                )
                .bind(table)
                .bind(n as i64)
                .fetch_all(&mut **tx)
                .await?;
                let mut ids: Vec<i64> = ids.into_iter().map(|r| r.0).collect();
                ids.sort_unstable();
                Ok(ids)
            }
            Charge::Lite(tx) => {
                let max: Option<i64> = super::query(&format!("SELECT MAX(id) FROM {table}"))
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get(0)?;
                let first = max.unwrap_or(0) + 1;
                Ok((first..first + n as i64).collect())
            }
        }
    }

    /// Writes the rows of `lot`.
    pub(crate) async fn ecrire(&mut self, lot: &Lot<'_>) -> StoreResult<()> {
        if lot.rows.is_empty() {
            return Ok(());
        }
        match self {
            Charge::Pg(tx) => {
                let sql = format!("COPY {} ({}) FROM STDIN", lot.table, lot.cols.join(", "));
                let mut copy = tx.copy_in_raw(&sql).await?;
                let mut buf = String::with_capacity(1 << 20);
                for row in &lot.rows {
                    for (i, v) in row.iter().enumerate() {
                        if i > 0 {
                            buf.push('\t');
                        }
                        copy_text(&mut buf, v);
                    }
                    buf.push('\n');
                    if buf.len() > 1 << 20 {
                        copy.send(buf.as_bytes()).await?;
                        buf.clear();
                    }
                }
                copy.send(buf.as_bytes()).await?;
                copy.finish().await?;
                Ok(())
            }
            Charge::Lite(Tx::Lite(t)) => {
                let marks: Vec<String> = (1..=lot.cols.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    lot.table,
                    lot.cols.join(", "),
                    marks.join(", ")
                );
                let mut stmt = t.conn.prepare_cached(&sql).map_err(lite_err)?;
                for row in &lot.rows {
                    stmt.execute(rusqlite::params_from_iter(row.iter()))
                        .map_err(lite_err)?;
                }
                Ok(())
            }
            Charge::Lite(Tx::Pool(_)) => Err(crate::StoreError::Invalid(
                "chargement en masse hors de l'écrivain SQLite".into(),
            )),
        }
    }

    /// PostgreSQL: drops the secondary indexes and the foreign keys of `table` in this
    /// transaction, for a load of many rows (maintaining a GIN index and checking keys row
    /// by row costs several times the copy; building them once after is cheaper), and
    /// returns the statements that put them back, read from the catalog
    /// ([`Charge::retablir`]). Until the commit, other sessions wait for the table (the
    /// drop locks it); if the load fails, the rollback keeps them. SQLite: nothing.
    pub(crate) async fn suspendre(&mut self, table: &str) -> StoreResult<Vec<String>> {
        let Charge::Pg(tx) = self else {
            return Ok(Vec::new());
        };
        let defs: Vec<(String, String, bool)> = sqlx::query_as(
            "SELECT c.conname::text, 'ALTER TABLE ' || $1 || ' ADD CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), true \
             FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'f' \
             UNION ALL \
             SELECT quote_ident(i.relname), pg_get_indexdef(i.oid), false FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             WHERE x.indrelid = $1::regclass AND NOT x.indisprimary AND NOT x.indisunique",
        )
        .bind(table)
        .fetch_all(&mut **tx)
        .await?;
        let mut retablir = Vec::new();
        for (name, def, contrainte) in defs {
            let drop = if contrainte {
                format!("ALTER TABLE {table} DROP CONSTRAINT {}", quote(&name))
            } else {
                format!("DROP INDEX {name}")
            };
            sqlx::query(&drop).execute(&mut **tx).await?;
            retablir.push(def);
        }
        Ok(retablir)
    }

    /// Runs the statements [`Charge::suspendre`] returned (indexes built with more memory).
    pub(crate) async fn retablir(&mut self, statements: &[String]) -> StoreResult<()> {
        let Charge::Pg(tx) = self else {
            return Ok(());
        };
        if statements.is_empty() {
            return Ok(());
        }
        sqlx::query("SET LOCAL maintenance_work_mem = '512MB'")
            .execute(&mut **tx)
            .await?;
        for s in statements {
            sqlx::query(s).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Commits.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Charge::Pg(tx) => Ok(tx.commit().await?),
            Charge::Lite(tx) => tx.commit().await,
        }
    }
}

/// A constraint name as an SQL identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as Lite};
        Ok(match self {
            Value::Null | Value::NullInt => ToSqlOutput::Borrowed(Lite::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(Lite::Integer(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(Lite::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(Lite::Blob(b)),
        })
    }
}

//! Reads outside transactions, on either engine, with one API.
//!
//! sqlx runs every SQLite connection on a thread of its own: each statement is a message to
//! that thread and each row a message back, two context switches or more per statement. On
//! the 2-core machine of the benchmarks, a third of the CPU of a file opening went to those
//! hand-offs (docs/decisions/0008-sqlite-reads-on-the-calling-thread.md). On SQLite these
//! reads therefore run with rusqlite on the calling thread, on a small pool of read-only
//! connections; a read is a few tens of microseconds of work on pages the OS has cached, which
//! a runtime thread can afford. On PostgreSQL they go through sqlx as before. Writes and
//! transactions stay on sqlx on both engines.
//!
//! The SQL is the same on both engines (`$1`… placeholders, numbered as in PostgreSQL).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sqlx::{Column, Row as _, TypeInfo, ValueRef};

use crate::db::Store;
use crate::{StoreError, StoreResult};

/// A value bound to, or read from, a statement (the store only uses these three).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// Conversion of a read value into a Rust type.
pub(crate) trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}
impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// A column designated by position or by name.
pub(crate) trait ColumnIndex: std::fmt::Debug {
    fn position(&self, names: &[String]) -> Option<usize>;
}
impl ColumnIndex for usize {
    fn position(&self, names: &[String]) -> Option<usize> {
        (*self < names.len()).then_some(*self)
    }
}
impl ColumnIndex for &str {
    fn position(&self, names: &[String]) -> Option<usize> {
        names.iter().position(|n| n == self)
    }
}

/// One row read, owned.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// The value of a column, converted; a missing column or a wrong type is `Corrupt`.
    pub(crate) fn try_get<T: FromValue, I: ColumnIndex>(&self, i: I) -> StoreResult<T> {
        let pos = i
            .position(&self.names)
            .ok_or_else(|| StoreError::Corrupt(format!("colonne {i:?} absente")))?;
        T::from_value(&self.values[pos]).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "colonne {i:?} : valeur {:?} d'un type inattendu",
                self.values[pos]
            ))
        })
    }

    /// Converts a row read by sqlx (inside a transaction).
    pub(crate) fn from_any(r: &sqlx::any::AnyRow) -> StoreResult<Row> {
        let names: Arc<[String]> = r.columns().iter().map(|c| c.name().to_string()).collect();
        let mut values = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            let raw = r.try_get_raw(i)?;
            let value = if raw.is_null() {
                Value::Null
            } else {
                match raw.type_info().name() {
                    "TEXT" | "VARCHAR" => Value::Text(r.try_get::<String, _>(i)?),
                    _ => match r.try_get::<i64, _>(i) {
                        Ok(v) => Value::Int(v),
                        Err(_) => Value::Text(r.try_get::<String, _>(i)?),
                    },
                }
            };
            values.push(value);
        }
        Ok(Row { names, values })
    }
}

/// A statement and its arguments.
#[must_use]
pub(crate) struct Query<'q> {
    sql: &'q str,
    args: Vec<Value>,
}

/// Starts a read statement.
pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl<'q> Query<'q> {
    /// Binds the next `$n` argument.
    pub(crate) fn bind(mut self, v: impl Into<Value>) -> Self {
        self.args.push(v.into());
        self
    }

    /// Every row.
    pub(crate) async fn fetch_all(self, store: &Store) -> StoreResult<Vec<Row>> {
        match &store.lite {
            Some(lite) => lite.run(self.sql, &self.args, usize::MAX),
            None => {
                let rows = self.sqlx().fetch_all(&store.read).await?;
                rows.iter().map(Row::from_any).collect()
            }
        }
    }

    /// The first row, if any.
    pub(crate) async fn fetch_optional(self, store: &Store) -> StoreResult<Option<Row>> {
        match &store.lite {
            Some(lite) => Ok(lite.run(self.sql, &self.args, 1)?.into_iter().next()),
            None => match self.sqlx().fetch_optional(&store.read).await? {
                Some(r) => Ok(Some(Row::from_any(&r)?)),
                None => Ok(None),
            },
        }
    }

    /// The first row; `NotFound` when there is none.
    pub(crate) async fn fetch_one(self, store: &Store) -> StoreResult<Row> {
        self.fetch_optional(store)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The first column of the first row.
    pub(crate) async fn fetch_scalar<T: FromValue>(self, store: &Store) -> StoreResult<T> {
        self.fetch_one(store).await?.try_get(0)
    }

    fn sqlx(&self) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(self.sql);
        for a in &self.args {
            q = match a {
                Value::Null => q.bind(None::<String>),
                Value::Int(i) => q.bind(*i),
                Value::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }
}

/// Most idle read connections kept.
const MAX_IDLE: usize = 16;

/// Read-only rusqlite connections to the SQLite file, taken and given back around each read.
pub(crate) struct LiteReaders {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl std::fmt::Debug for LiteReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LiteReaders({})", self.path.display())
    }
}

fn lite_err(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("SQLite : {e}")))
}

impl LiteReaders {
    /// Readers of the database at `path` (which the writer has already created).
    pub(crate) fn new(path: &Path) -> StoreResult<Arc<LiteReaders>> {
        let readers = LiteReaders {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        };
        // Fail at start, not at the first request, if the file cannot be read.
        let conn = readers.open()?;
        readers.give_back(conn);
        Ok(Arc::new(readers))
    }

    fn open(&self) -> StoreResult<rusqlite::Connection> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(lite_err)?;
        conn.execute_batch(
            "PRAGMA query_only = 1; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -32000; \
             PRAGMA mmap_size = 1073741824;",
        )
        .map_err(lite_err)?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(conn)
    }

    fn take(&self) -> StoreResult<rusqlite::Connection> {
        let idle = self.idle.lock().map(|mut v| v.pop()).unwrap_or(None);
        match idle {
            Some(c) => Ok(c),
            None => self.open(),
        }
    }

    fn give_back(&self, conn: rusqlite::Connection) {
        if let Ok(mut v) = self.idle.lock() {
            if v.len() < MAX_IDLE {
                v.push(conn);
            }
        }
    }

    /// Runs `sql` with `args` bound to `$n` by number, reading at most `limit` rows.
    fn run(&self, sql: &str, args: &[Value], limit: usize) -> StoreResult<Vec<Row>> {
        let conn = self.take()?;
        let result = read(&conn, sql, args, limit);
        self.give_back(conn);
        result.map_err(lite_err)
    }
}

fn read(
    conn: &rusqlite::Connection,
    sql: &str,
    args: &[Value],
    limit: usize,
) -> rusqlite::Result<Vec<Row>> {
    use rusqlite::types::{ToSqlOutput, ValueRef as Lite};
    let mut stmt = conn.prepare_cached(sql)?;
    for i in 1..=stmt.parameter_count() {
        // `$3` is argument 3 wherever it appears (SQLite numbers parameters by first use).
        let n: usize = stmt
            .parameter_name(i)
            .and_then(|name| name.trim_start_matches(['$', '?']).parse().ok())
            .unwrap_or(i);
        let value = args
            .get(n - 1)
            .ok_or(rusqlite::Error::InvalidParameterCount(n, args.len()))?;
        let out = match value {
            Value::Null => ToSqlOutput::Borrowed(Lite::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(Lite::Integer(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(Lite::Text(s.as_bytes())),
        };
        stmt.raw_bind_parameter(i, out)?;
    }
    let names: Arc<[String]> = stmt.column_names().into_iter().map(String::from).collect();
    let width = names.len();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while out.len() < limit {
        let Some(r) = rows.next()? else { break };
        let mut values = Vec::with_capacity(width);
        for c in 0..width {
            values.push(match r.get_ref(c)? {
                Lite::Null => Value::Null,
                Lite::Integer(i) => Value::Int(i),
                Lite::Real(f) => Value::Text(f.to_string()),
                Lite::Text(t) | Lite::Blob(t) => Value::Text(String::from_utf8_lossy(t).into()),
            });
        }
        out.push(Row {
            names: names.clone(),
            values,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_follow_their_number_not_their_order() {
        let conn = rusqlite::Connection::open_in_memory().expect("in-memory database");
        let rows = read(
            &conn,
            "SELECT $2 AS b, $1 AS a, $2 AS b2, $3 AS n",
            &[Value::Int(1), Value::Text("deux".into()), Value::Null],
            usize::MAX,
        )
        .expect("read");
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.try_get::<String, _>("b").expect("b"), "deux");
        assert_eq!(r.try_get::<i64, _>(1).expect("a"), 1);
        assert_eq!(r.try_get::<String, _>("b2").expect("b2"), "deux");
        assert_eq!(r.try_get::<Option<i64>, _>("n").expect("n"), None);
        assert!(r.try_get::<i64, _>("b").is_err());
        assert!(r.try_get::<i64, _>("absente").is_err());
    }
}

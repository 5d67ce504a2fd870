//! Statements on either engine, with one API: reads, writes and transactions.
//!
//! sqlx runs every SQLite connection on a thread of its own: each statement is a message to
//! that thread and each row a message back, two context switches or more per statement. On
//! the 2-core machine of the benchmarks, a third of the CPU of a file opening went to those
//! hand-offs (docs/decisions/0008-sqlite-reads-on-the-calling-thread.md). On SQLite these
//! statements therefore run with rusqlite on the calling thread: reads on a small pool of
//! read-only connections, writes and transactions on one writer connection behind an async
//! lock (docs/decisions/0009); a statement is a few tens of microseconds of work on pages the
//! OS has cached, which a runtime thread can afford. On PostgreSQL they go through sqlx.
//!
//! The SQL is the same on both engines (`$1`… placeholders, numbered as in PostgreSQL).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::durability::{Durability, LiteWriter, SQLITE_PRAGMAS};
use crate::{error::lite_err, StoreError, StoreResult};

mod ids;
mod lot;
mod natif_pg;
mod valeur;

pub(crate) use lot::{Charge, Lot};
pub use valeur::Value;
pub(crate) use valeur::{FromValue, Row, Typed};

/// Where a statement runs.
///
/// `fetch_*` on the store read outside any transaction (SQLite: a read-only connection on
/// the calling thread); `execute` on the store is a write of its own (autocommit); on a
/// [`Tx`] both run inside the transaction.
pub(crate) enum On<'e> {
    Store(Conns<'e>),
    Tx(&'e mut Tx),
}

/// The store's connections a statement outside a transaction runs on (`From<&Store>` is in
/// `db`, which this module does not import).
#[derive(Clone, Copy)]
pub(crate) struct Conns<'e> {
    pub(crate) read: &'e sqlx::AnyPool,
    pub(crate) kept_plans: &'e sqlx::AnyPool,
    /// PostgreSQL: the same server through sqlx's own driver, for reads (`natif_pg`).
    pub(crate) pg: Option<&'e sqlx::PgPool>,
    pub(crate) writer: &'e Writer,
    pub(crate) lite: Option<&'e LiteReaders>,
}

impl On<'_> {
    /// The same connections for one more statement (a read followed by another on the same
    /// transaction or store).
    pub(crate) fn encore(&mut self) -> On<'_> {
        match self {
            On::Store(c) => On::Store(*c),
            On::Tx(t) => On::Tx(t),
        }
    }
}

impl<'e> From<&'e mut Tx> for On<'e> {
    fn from(t: &'e mut Tx) -> Self {
        On::Tx(t)
    }
}

/// A statement and its arguments.
#[must_use]
pub(crate) struct Query<'q> {
    sql: &'q str,
    args: Vec<Value>,
    plan_kept: bool,
}

/// `$premier, $premier+1, …`: the markers of `n` arguments bound from the `premier`-th.
pub(crate) fn marqueurs(premier: usize, n: usize) -> String {
    (premier..premier + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4)`: the rows of a multi-row `VALUES` of `lignes` rows of `colonnes`
/// arguments each, bound row after row.
pub(crate) fn lignes(lignes: usize, colonnes: usize) -> String {
    (0..lignes)
        .map(|r| format!("({})", marqueurs(r * colonnes + 1, colonnes)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The arguments of a statement built along with its text, numbered as they are added.
#[derive(Default)]
pub(crate) struct Args(pub(crate) Vec<Value>);

impl Args {
    /// Adds an argument; returns its placeholder (`$n`).
    pub(crate) fn arg(&mut self, v: impl Into<Value>) -> String {
        self.0.push(v.into());
        format!("${}", self.0.len())
    }
}

/// Starts a statement.
pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
        plan_kept: false,
    }
}

impl<'q> Query<'q> {
    /// Binds the next `$n` argument.
    pub(crate) fn bind(mut self, v: impl Into<Value>) -> Self {
        self.args.push(v.into());
        self
    }

    /// Runs on the connections that keep one generic plan per statement (PostgreSQL).
    ///
    /// PostgreSQL plans the first five executions of a prepared statement with their
    /// arguments, then keeps a generic plan only if it looks no dearer than those, so a
    /// statement may be planned again at every execution (0.2-1 ms for a search, more than
    /// running it). A statement whose text leaves one good plan, whatever its arguments, asks
    /// for that plan from the start and keeps it. SQLite always keeps its plans.
    pub(crate) fn plan_kept(mut self) -> Self {
        self.plan_kept = true;
        self
    }

    /// Every row.
    pub(crate) async fn fetch_all<'e>(self, on: impl Into<On<'e>>) -> StoreResult<Vec<Row>> {
        self.rows(on.into(), usize::MAX).await
    }

    /// The first row, if any.
    pub(crate) async fn fetch_optional<'e>(
        self,
        on: impl Into<On<'e>>,
    ) -> StoreResult<Option<Row>> {
        Ok(self.rows(on.into(), 1).await?.into_iter().next())
    }

    /// The first row; `NotFound` when there is none.
    pub(crate) async fn fetch_one<'e>(self, on: impl Into<On<'e>>) -> StoreResult<Row> {
        self.fetch_optional(on).await?.ok_or(StoreError::NotFound)
    }

    /// Every row, each decoded by `decode`.
    pub(crate) async fn fetch_all_with<'e, T>(
        self,
        on: impl Into<On<'e>>,
        decode: impl Fn(&Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        self.fetch_all(on).await?.iter().map(decode).collect()
    }

    /// The first row decoded by `decode`; `NotFound` when there is none.
    pub(crate) async fn fetch_one_with<'e, T>(
        self,
        on: impl Into<On<'e>>,
        decode: impl Fn(&Row) -> StoreResult<T>,
    ) -> StoreResult<T> {
        decode(&self.fetch_one(on).await?)
    }

    /// The first column of the first row.
    pub(crate) async fn fetch_scalar<'e, T: FromValue>(
        self,
        on: impl Into<On<'e>>,
    ) -> StoreResult<T> {
        self.fetch_one(on).await?.try_get(0)
    }

    /// Runs a write; returns the number of rows it changed.
    pub(crate) async fn execute<'e>(self, on: impl Into<On<'e>>) -> StoreResult<u64> {
        sans_controle(&self.args)?;
        match on.into() {
            On::Tx(Tx::Lite(t)) => lite_execute(&t.conn, self.sql, &self.args),
            On::Tx(Tx::Pool(t)) => Ok(self.sqlx().execute(&mut **t).await?.rows_affected()),
            On::Store(store) => store.writer.execute(self).await,
        }
    }

    async fn rows(self, on: On<'_>, limit: usize) -> StoreResult<Vec<Row>> {
        sans_controle(&self.args)?;
        match on {
            On::Tx(Tx::Lite(t)) => read(&t.conn, self.sql, &self.args, limit).map_err(lite_err),
            On::Tx(Tx::Pool(t)) => {
                let rows = if limit == 1 {
                    self.sqlx()
                        .fetch_optional(&mut **t)
                        .await?
                        .into_iter()
                        .collect()
                } else {
                    self.sqlx().fetch_all(&mut **t).await?
                };
                rows.iter().map(Row::from_any).collect()
            }
            On::Store(store) => match store.lite {
                Some(lite) => lite.run(self.sql, &self.args, limit),
                None if !self.plan_kept && store.pg.is_some() => {
                    let Some(pg) = store.pg else {
                        return Ok(Vec::new());
                    };
                    let q = lier::<sqlx::Postgres>(self.sql, &self.args);
                    let rows = if limit == 1 {
                        q.fetch_optional(pg).await?.into_iter().collect()
                    } else {
                        q.fetch_all(pg).await?
                    };
                    natif_pg::lignes(&rows)
                }
                None => {
                    let pool = if self.plan_kept {
                        store.kept_plans
                    } else {
                        store.read
                    };
                    let rows = if limit == 1 {
                        self.sqlx()
                            .fetch_optional(pool)
                            .await?
                            .into_iter()
                            .collect()
                    } else {
                        self.sqlx().fetch_all(pool).await?
                    };
                    rows.iter().map(Row::from_any).collect()
                }
            },
        }
    }

    fn sqlx(&self) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        lier(self.sql, &self.args)
    }
}

/// The statement `sql` with `args` bound on the sqlx driver `DB` (its `Any` driver, or
/// PostgreSQL's own for the reads outside a transaction): nulls as text or integer, integers,
/// text, bytes.
pub(super) fn lier<'q, DB>(
    sql: &'q str,
    args: &[Value],
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Vec<u8>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut q = sqlx::query::<DB>(sql);
    for a in args {
        q = match a {
            Value::Null => q.bind(None::<String>),
            Value::NullInt => q.bind(None::<i64>),
            Value::Int(i) => q.bind(*i),
            Value::Text(s) => q.bind(s.clone()),
            Value::Bytes(b) => q.bind(b.clone()),
        };
    }
    q
}

fn lite_execute(conn: &rusqlite::Connection, sql: &str, args: &[Value]) -> StoreResult<u64> {
    read(conn, sql, args, usize::MAX).map_err(lite_err)?;
    Ok(conn.changes())
}

/// The connection writes go through.
///
/// SQLite: one rusqlite connection behind an async lock, used on the calling thread like
/// the readers; what waits for the disk (a durable commit, checkpoints) leaves the runtime
/// threads ([`LiteWriter::sync`]). PostgreSQL: the sqlx pool.
#[derive(Clone, Debug)]
pub(crate) enum Writer {
    Lite(Arc<tokio::sync::Mutex<LiteWriter>>),
    Pool(sqlx::AnyPool),
}

impl Writer {
    /// Opens the SQLite writer on `path` (created and migrated beforehand).
    pub(crate) fn lite(path: &Path, durability: Durability) -> StoreResult<Writer> {
        let conn = LiteWriter::open(path, durability)?;
        Ok(Writer::Lite(Arc::new(tokio::sync::Mutex::new(conn))))
    }

    /// Runs one write of its own (autocommit); returns the number of rows it changed.
    pub(crate) async fn execute(&self, q: Query<'_>) -> StoreResult<u64> {
        match self {
            Writer::Lite(w) => {
                let conn = w.lock().await;
                // Autocommit: the statement commits, and may wait for the disk.
                conn.sync(|c| lite_execute(c, q.sql, &q.args))
            }
            Writer::Pool(p) => Ok(q.sqlx().execute(p).await?.rows_affected()),
        }
    }

    /// Starts a transaction (SQLite: takes the writer until commit or drop).
    pub(crate) async fn begin(&self) -> StoreResult<Tx> {
        match self {
            Writer::Lite(w) => Tx::lite(w.clone().lock_owned().await),
            Writer::Pool(p) => Ok(Tx::Pool(p.begin().await?)),
        }
    }
}

/// The SQLite writer, held (see [`Tx::lite`]).
pub(crate) type LiteGuard = tokio::sync::OwnedMutexGuard<LiteWriter>;

/// A write transaction on either engine; dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Lite(LiteTx),
    Pool(sqlx::Transaction<'static, sqlx::Any>),
}

/// A SQLite transaction: the writer, held.
pub(crate) struct LiteTx {
    conn: LiteGuard,
    open: bool,
}

impl Tx {
    /// Starts a transaction on the SQLite writer, already held.
    pub(crate) fn lite(conn: LiteGuard) -> StoreResult<Tx> {
        // IMMEDIATE: the write lock is taken now, so another process writing to the same
        // file makes this wait (busy_timeout) instead of failing half-way.
        conn.prepare_cached("BEGIN IMMEDIATE")
            .and_then(|mut s| s.execute([]))
            .map_err(lite_err)?;
        Ok(Tx::Lite(LiteTx { conn, open: true }))
    }

    /// Commits.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Lite(mut t) => {
                t.conn
                    .sync(|c| c.prepare_cached("COMMIT").and_then(|mut s| s.execute([])))
                    .map_err(lite_err)?;
                t.open = false;
                Ok(())
            }
            Tx::Pool(t) => Ok(t.commit().await?),
        }
    }
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        if self.open && !self.conn.is_autocommit() {
            if let Err(e) = self.conn.execute_batch("ROLLBACK") {
                tracing::error!(error = %e, "échec de l'annulation d'une transaction SQLite");
            }
        }
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
        conn.execute_batch(SQLITE_PRAGMAS)
            .and_then(|()| conn.execute_batch("PRAGMA query_only = 1"))
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
    use rusqlite::types::ValueRef as Lite;
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
        stmt.raw_bind_parameter(i, value)?;
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
                Lite::Text(t) => Value::Text(String::from_utf8_lossy(t).into()),
                Lite::Blob(b) => Value::Bytes(b.to_vec()),
            });
        }
        out.push(Row {
            names: names.clone(),
            values,
        });
    }
    Ok(out)
}

/// Refuses a statement binding a text with a control character (tabs and line breaks of
/// multi-line fields excepted).
pub(crate) fn sans_controle(args: &[Value]) -> StoreResult<()> {
    for a in args {
        if let Value::Text(s) = a {
            if let Some(c) = dui_domain::saisie::controle(s, true) {
                return Err(StoreError::Invalid(format!(
                    "Un texte envoyé contient un caractère de contrôle (U+{:04X}), refusé.",
                    u32::from(c)
                )));
            }
        }
    }
    Ok(())
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

    #[test]
    fn the_rows_of_a_multi_row_values_are_numbered_row_after_row() {
        assert_eq!(lignes(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(lignes(1, 1), "($1)");
        assert_eq!(lignes(0, 4), "");
    }
}

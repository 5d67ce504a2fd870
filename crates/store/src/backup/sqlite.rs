//! SQLite: a snapshot with the online backup API, a restore by copying the file into place.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::BackupError;

/// How long a snapshot waits for a lock before giving up (WAL readers are seldom blocked:
/// only while another connection recovers the log).
const LOCK_WAIT: Duration = Duration::from_secs(30);

fn db_err(e: rusqlite::Error) -> BackupError {
    BackupError::Database(format!("SQLite : {e}"))
}

/// Copies the database at `source` into a new file `dest` in one read transaction (a
/// consistent state, whatever the server writes meanwhile: WAL readers do not block the
/// writer, nor it them), and returns the row counts of that copy.
/// Also returns the last migration applied.
pub(super) fn snapshot(
    source: &Path,
    dest: &Path,
) -> Result<(BTreeMap<String, i64>, i64), BackupError> {
    if !source.exists() {
        return Err(BackupError::Refused(format!(
            "la base {} n'existe pas",
            source.display()
        )));
    }
    let src =
        Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(db_err)?;
    src.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA query_only = 1")
        .map_err(db_err)?;
    let mut dst = Connection::open(dest).map_err(db_err)?;
    {
        let backup = Backup::new(&src, &mut dst).map_err(db_err)?;
        let started = Instant::now();
        // All pages in one step: the source stays in one read transaction. Copying in
        // several steps would start over at every write of the server.
        loop {
            match backup.step(-1).map_err(db_err)? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked
                    if started.elapsed() < LOCK_WAIT =>
                {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    return Err(BackupError::Database(
                        "la base est restée verrouillée : copie impossible".into(),
                    ))
                }
            }
        }
    }
    // A single self-contained file (the copy inherits the source's WAL mode).
    dst.execute_batch("PRAGMA journal_mode = DELETE")
        .map_err(db_err)?;
    let counts = counts(&dst)?;
    let schema: i64 = dst
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migration",
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    dst.close().map_err(|(_, e)| db_err(e))?;
    Ok((counts, schema))
}

/// Row counts of every table.
pub(super) fn counts(conn: &Connection) -> Result<BTreeMap<String, i64>, BackupError> {
    let mut out = BTreeMap::new();
    for table in tables(conn)? {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get(0)
            })
            .map_err(db_err)?;
        out.insert(table, n);
    }
    Ok(out)
}

fn tables(conn: &Connection) -> Result<Vec<String>, BackupError> {
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )
        .map_err(db_err)?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(db_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_err)?;
    Ok(names)
}

/// The tables of the database at `path` (none when the file does not exist).
pub(super) fn existing_tables(path: &Path) -> Result<Vec<String>, BackupError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(db_err)?;
    conn.execute_batch("PRAGMA busy_timeout = 10000")
        .map_err(db_err)?;
    tables(&conn)
}

/// Puts the restored file `restored` (in the same directory) in place of the empty database
/// at `path`; returns the row counts of what is now there.
pub(super) fn put_in_place(
    restored: &Path,
    path: &Path,
) -> Result<BTreeMap<String, i64>, BackupError> {
    let io = |what: &str, e: std::io::Error| BackupError::Io(format!("{what} : {e}"));
    // An empty database (or none): its file and any log of it go.
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = format!("{}{suffix}", path.display());
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&p, e)),
        }
    }
    std::fs::File::open(restored)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(&restored.display().to_string(), e))?;
    std::fs::rename(restored, path).map_err(|e| io(&path.display().to_string(), e))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The new name is durable once its directory is.
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io(&dir.display().to_string(), e))?;
    }
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(db_err)?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(db_err)?;
    if check != "ok" {
        return Err(BackupError::Invalid(format!(
            "la base restaurée est endommagée : {check}"
        )));
    }
    counts(&conn)
}

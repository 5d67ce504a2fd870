//! Group commit of the audit entries of reads.
//!
//! Every opening of a file writes an audit entry before the data is returned. Written one by
//! one, each entry is a commit of its own: on PostgreSQL a round trip and a flush; on SQLite
//! five pages appended to the log (the table and each index of `audit`), which checkpoints
//! must then copy, with the writer held for the end of each copy. Here entries that arrive
//! together are written in one commit; an entry is still durable before its data is shown.
//!
//! - SQLite (one writer, on the calling thread): a request queues its entry, then either
//!   takes the writer and writes every queued entry (its own and those queued meanwhile), or
//!   learns that the one holding the writer has written it. No task or thread in between.
//! - PostgreSQL (a pool): requests hand their entry to one task that writes whatever has
//!   arrived meanwhile in one multi-row insert.

use dui_domain::journal::ActionJournal;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::acteur::{Actor, Outcome};
use crate::sql::{Tx, Writer};
use crate::{ts, StoreError, StoreResult};

/// Most entries written by one statement.
const MAX_BATCH: usize = 64;

/// Times the PostgreSQL writing task lets other tasks run while gathering a group.
const LINGER_YIELDS: usize = 3;

/// An entry to write, owned (it crosses tasks).
pub(crate) struct ReadEntry {
    pub actor: Actor,
    pub action: ActionJournal,
    pub usager_id: Option<i64>,
    pub section: Option<&'static str>,
    pub outcome: Outcome,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// An entry and who waits for it.
pub(crate) struct Job {
    entry: ReadEntry,
    done: oneshot::Sender<Result<(), String>>,
}

/// Handle on the group commit.
#[derive(Clone)]
pub(crate) enum ReadLog {
    /// SQLite: the entries waiting for the writer.
    Lite {
        writer: Arc<tokio::sync::Mutex<crate::durability::LiteWriter>>,
        queued: Arc<Mutex<Vec<Job>>>,
    },
    /// PostgreSQL: the writing task.
    Task(mpsc::Sender<Job>),
}

impl std::fmt::Debug for ReadLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadLog")
    }
}

fn closed() -> StoreError {
    StoreError::Db(sqlx::Error::PoolClosed)
}

impl ReadLog {
    /// The group commit for `write` (on PostgreSQL, starts the writing task).
    pub(crate) fn start(write: Writer) -> Self {
        match write {
            Writer::Lite(writer) => ReadLog::Lite {
                writer,
                queued: Arc::default(),
            },
            Writer::Pool(_) => ReadLog::Task(spawn_task(write)),
        }
    }

    /// Writes `entry`; returns once it is committed.
    pub(crate) async fn log(&self, entry: ReadEntry) -> StoreResult<()> {
        let (done, mut wait) = oneshot::channel();
        let job = Job { entry, done };
        let outcome = match self {
            ReadLog::Task(tx) => {
                tx.send(job).await.map_err(|_| closed())?;
                wait.await
            }
            ReadLog::Lite { writer, queued } => {
                queued.lock().map_err(|_| closed())?.push(job);
                tokio::select! {
                    // Written by whoever held the writer meanwhile: nothing more to do.
                    biased;
                    outcome = &mut wait => outcome,
                    conn = writer.clone().lock_owned() => {
                        let jobs = std::mem::take(&mut *queued.lock().map_err(|_| closed())?);
                        // Empty when the previous holder wrote this entry after this request
                        // last looked: its answer is already there.
                        let result = write_lite(conn, &jobs).await.map_err(|e| e.to_string());
                        for j in jobs {
                            let _ = j.done.send(result.clone());
                        }
                        wait.await
                    }
                }
            }
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(msg)) => Err(StoreError::Db(sqlx::Error::Protocol(msg))),
            Err(_) => Err(closed()),
        }
    }
}

/// Writes `jobs` in one SQLite transaction on the held writer.
async fn write_lite(conn: crate::sql::LiteGuard, jobs: &[Job]) -> StoreResult<()> {
    if jobs.is_empty() {
        return Ok(());
    }

    let mut tx = Tx::lite(conn)?;
    for chunk in jobs.chunks(MAX_BATCH) {
        let sql = insert_sql(chunk.len());
        bind_entries(crate::sql::query(&sql), chunk)
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await
}

/// The PostgreSQL writing task.
fn spawn_task(write: Writer) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(1024);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut jobs = vec![first];
            // Let the requests running beside this one reach their own entry before
            // committing. A few yields, no timer: an idle server commits at once.
            for _ in 0..LINGER_YIELDS {
                while jobs.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
                if jobs.len() >= MAX_BATCH {
                    break;
                }
                tokio::task::yield_now().await;
            }
            let sql = insert_sql(jobs.len());
            let result = write
                .execute(bind_entries(crate::sql::query(&sql), &jobs))
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
            for j in jobs {
                let _ = j.done.send(result.clone());
            }
        }
    });
    tx
}

/// `INSERT INTO audit … VALUES (…), (…)` for `rows` entries.
fn insert_sql(rows: usize) -> String {
    format!("{INSERT_AUDIT} {}", crate::sql::lignes(rows, 9))
}

fn bind_entries<'q>(mut q: crate::sql::Query<'q>, jobs: &[Job]) -> crate::sql::Query<'q> {
    for Job { entry: e, .. } in jobs {
        q = Colonnes {
            at: e.at,
            actor: &e.actor,
            action: e.action,
            usager_id: e.usager_id,
            section: e.section,
            outcome: e.outcome,
            detail: &e.detail,
        }
        .lier(q);
    }
    q
}

/// The columns of an audit entry, in the order of [`INSERT_AUDIT`], borrowed from a change's
/// entry (`audit::NewEntry`) or from a queued read: the one place they are bound.
pub(crate) struct Colonnes<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a Actor,
    pub action: ActionJournal,
    pub usager_id: Option<i64>,
    pub section: Option<&'a str>,
    pub outcome: Outcome,
    pub detail: &'a str,
}

/// The start of every INSERT of audit entries (then `VALUES (…)`, one group per entry).
pub(crate) const INSERT_AUDIT: &str =
    "INSERT INTO audit (at, utilisateur_id, username, action, usager_id, section, ip, outcome, detail) VALUES";

/// The same columns, named (bulk loads copy their entry: `audit::append_lot`).
pub(crate) const COLONNES_AUDIT: [&str; 9] = [
    "at",
    "utilisateur_id",
    "username",
    "action",
    "usager_id",
    "section",
    "ip",
    "outcome",
    "detail",
];

impl Colonnes<'_> {
    /// The entry's nine values, in that order.
    pub(crate) fn valeurs(&self) -> Vec<crate::sql::Value> {
        vec![
            ts(self.at).into(),
            self.actor.utilisateur_id.into(),
            self.actor.username.as_str().into(),
            self.action.code().into(),
            self.usager_id.into(),
            self.section.into(),
            self.actor.ip.as_deref().into(),
            self.outcome.code().into(),
            self.detail.into(),
        ]
    }

    /// Binds the entry's nine values after those `q` already has.
    pub(crate) fn lier<'q>(&self, mut q: crate::sql::Query<'q>) -> crate::sql::Query<'q> {
        for v in self.valeurs() {
            q = q.bind(v);
        }
        q
    }
}

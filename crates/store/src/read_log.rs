//! Group commit of the audit entries of reads.
//!
//! Every opening of a file writes an audit entry before the data is returned. Written one by
//! one, those inserts queue on the single SQLite writer (and cost one commit each on
//! PostgreSQL). Here requests hand their entry to one task that writes whatever has arrived
//! meanwhile in one multi-row insert and one commit, then answers each request: an entry is
//! still durable before its data is shown, at a fraction of the cost.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use crate::audit::{Actor, Outcome};
use crate::{ts, StoreError, StoreResult};

/// Most entries written by one statement.
const MAX_BATCH: usize = 64;

/// Times the writing task lets other tasks run while gathering a group.
const LINGER_YIELDS: usize = 3;

/// An entry to write, owned (it crosses tasks).
pub(crate) struct ReadEntry {
    pub actor: Actor,
    pub action: &'static str,
    pub usager_id: Option<i64>,
    pub section: Option<&'static str>,
    pub outcome: Outcome,
    pub detail: String,
    pub at: DateTime<Utc>,
}

struct Job {
    entry: ReadEntry,
    done: oneshot::Sender<Result<(), String>>,
}

/// Handle on the writing task.
#[derive(Clone)]
pub(crate) struct ReadLog {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for ReadLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadLog")
    }
}

impl ReadLog {
    /// Starts the writing task on `write`.
    pub(crate) fn start(write: AnyPool) -> Self {
        let (tx, mut rx) = mpsc::channel::<Job>(1024);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut jobs = vec![first];
                // Let the requests running beside this one reach their own entry before
                // committing: each commit rewrites a page of every audit index, so larger
                // groups write much less (on SQLite, the log and its copies into the database).
                // A few yields, no timer: an idle server commits at once.
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
                let result = insert(&write, &jobs).await.map_err(|e| e.to_string());
                for j in jobs {
                    let _ = j.done.send(result.clone());
                }
            }
        });
        Self { tx }
    }

    /// Writes `entry`; returns once it is committed.
    pub(crate) async fn log(&self, entry: ReadEntry) -> StoreResult<()> {
        let (done, wait) = oneshot::channel();
        let closed = || StoreError::Db(sqlx::Error::PoolClosed);
        self.tx
            .send(Job { entry, done })
            .await
            .map_err(|_| closed())?;
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(msg)) => Err(StoreError::Db(sqlx::Error::Protocol(msg))),
            Err(_) => Err(closed()),
        }
    }
}

async fn insert(write: &AnyPool, jobs: &[Job]) -> StoreResult<()> {
    const COLS: usize = 9;
    let values: Vec<String> = (0..jobs.len())
        .map(|r| {
            format!(
                "({})",
                (1..=COLS)
                    .map(|c| format!("${}", r * COLS + c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO audit (at, utilisateur_id, username, action, usager_id, section, ip, outcome, detail) VALUES {}",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for j in jobs {
        let e = &j.entry;
        q = q
            .bind(ts(e.at))
            .bind(e.actor.utilisateur_id)
            .bind(e.actor.username.clone())
            .bind(e.action)
            .bind(e.usager_id)
            .bind(e.section)
            .bind(e.actor.ip.clone())
            .bind(e.outcome.code())
            .bind(e.detail.clone());
    }
    q.execute(write).await?;
    Ok(())
}

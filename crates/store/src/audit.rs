//! Tamper-evident audit trail.
//!
//! Every login, every read of a person's file and every change is an entry. Entries are
//! inserted inside the transaction of what they record, unsealed; the sealer then chains
//! them in insertion order: `hash = SHA-256(prev_hash | seq | id | fields…)`, and stores a
//! checkpoint of the head. Verification walks the chain: an altered, deleted or reordered
//! sealed entry breaks it. Sealing after commit keeps reads from queueing on one global
//! lock (see docs/decisions/0003-audit-chain.md).

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::Store;
use crate::StoreResult;

pub use crate::ancre;
mod seal;
pub mod vue;

pub use crate::acteur::{Actor, Outcome};
pub use seal::{probleme_fr, TOLERANCE_MINUTES};
pub use vue::{AccesExceptionnel, Lecteur};

/// Hash of the chain's virtual entry 0.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry to write.
#[derive(Clone, Debug)]
pub struct NewEntry<'a> {
    /// Who.
    pub actor: &'a Actor,
    /// What (stored as its dotted code: `connexion`, `usager.lecture`…).
    pub action: ActionJournal,
    /// Which person's file, if any.
    pub usager_id: Option<i64>,
    /// Which section of the file, if any.
    pub section: Option<&'a str>,
    /// Result.
    pub outcome: Outcome,
    /// Details (JSON object; never secrets).
    pub detail: serde_json::Value,
    /// When.
    pub at: DateTime<Utc>,
}

impl<'a> NewEntry<'a> {
    /// The entry's columns as bound by every INSERT of audit entries, with its detail as
    /// text.
    fn colonnes<'b>(&'b self, detail: &'b str) -> crate::read_log::Colonnes<'b> {
        crate::read_log::Colonnes {
            at: self.at,
            actor: self.actor,
            action: self.action,
            usager_id: self.usager_id,
            section: self.section,
            outcome: self.outcome,
            detail,
        }
    }

    /// A successful change that concerns no person's file (accounts, organisation, sessions).
    pub fn succes(
        actor: &'a Actor,
        action: ActionJournal,
        detail: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Self {
        NewEntry {
            actor,
            action,
            usager_id: None,
            section: None,
            outcome: Outcome::Succes,
            detail,
            at,
        }
    }

    /// A successful change on the administrative section of a person's file (`usager_id`), or
    /// of several (none named).
    pub fn succes_administratif(
        actor: &'a Actor,
        action: ActionJournal,
        usager_id: Option<i64>,
        detail: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Self {
        NewEntry {
            usager_id,
            section: Some("administratif"),
            ..NewEntry::succes(actor, action, detail, at)
        }
    }
}

/// Appends an entry on `conn`, which should be the transaction of the recorded change.
pub(crate) async fn append(conn: &mut crate::sql::Tx, e: &NewEntry<'_>) -> StoreResult<i64> {
    let sql = format!(
        "{} ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        crate::read_log::INSERT_AUDIT
    );
    let detail = e.detail.to_string();
    let colonnes = e.colonnes(&detail);
    let row = colonnes
        .lier(crate::sql::query(&sql))
        .fetch_one(&mut *conn)
        .await?;
    row.try_get(0)
}

/// Appends an entry to a bulk load (its transaction: the entry commits with the rows).
pub(crate) async fn append_lot(
    charge: &mut crate::sql::Charge,
    e: &NewEntry<'_>,
) -> StoreResult<()> {
    let detail = e.detail.to_string();
    let colonnes = e.colonnes(&detail);
    charge
        .ecrire(&crate::sql::Lot {
            table: "audit",
            cols: &crate::read_log::COLONNES_AUDIT,
            rows: vec![colonnes.valeurs()],
        })
        .await
}

/// Appends the success of `action` by `actor`, which concerns no person's file, to the
/// transaction `tx` of the change, and commits the change with its entry.
pub(crate) async fn commit_succes(
    mut tx: crate::sql::Tx,
    actor: &Actor,
    action: ActionJournal,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    append(&mut tx, &NewEntry::succes(actor, action, detail, now)).await?;
    tx.commit().await
}

/// A stored entry.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Entry {
    /// Row id (insertion order).
    pub id: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Account id.
    pub utilisateur_id: Option<i64>,
    /// Account name.
    pub username: String,
    /// Action code.
    pub action: String,
    /// Person's file.
    pub usager_id: Option<i64>,
    /// Section.
    pub section: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// `succes`, `refus` or `echec`.
    pub outcome: String,
    /// JSON details.
    pub detail: String,
    /// Position in the chain, once sealed.
    pub seq: Option<i64>,
    /// Previous hash, once sealed.
    pub prev_hash: Option<String>,
    /// Hash, once sealed.
    pub hash: Option<String>,
}

const ENTRY_COLUMNS: &str =
    "id, at, utilisateur_id, username, action, usager_id, section, ip, outcome, detail, seq, prev_hash, hash";

fn entry_from_row(r: &crate::sql::Row) -> StoreResult<Entry> {
    Ok(Entry {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        utilisateur_id: r.try_get("utilisateur_id")?,
        username: r.try_get("username")?,
        action: r.try_get("action")?,
        usager_id: r.try_get("usager_id")?,
        section: r.try_get("section")?,
        ip: r.try_get("ip")?,
        outcome: r.try_get("outcome")?,
        detail: r.try_get("detail")?,
        seq: r.try_get("seq")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// The hash of an entry at position `seq` after `prev`.
pub fn entry_hash(prev: &str, seq: i64, e: &Entry) -> String {
    let mut h = Sha256::new();
    let fields: [&str; 10] = [
        prev,
        &seq.to_string(),
        &e.id.to_string(),
        &e.at,
        &e.utilisateur_id.map(|v| v.to_string()).unwrap_or_default(),
        &e.username,
        &e.action,
        &e.usager_id.map(|v| v.to_string()).unwrap_or_default(),
        e.section.as_deref().unwrap_or(""),
        e.ip.as_deref().unwrap_or(""),
    ];
    for f in fields
        .iter()
        .chain([e.outcome.as_str(), e.detail.as_str()].iter())
    {
        // Length-prefixed so that moving text between fields changes the hash.
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The chain ends at position `head` although entries up to `last` were attested (`par`
/// names the witness when it is not a checkpoint): its tail was cut.
fn fin_tronquee(head: i64, last: i64, par: &str) -> Option<Broken> {
    (last > head).then(|| Broken {
        seq: head + 1,
        id: 0,
        reason: format!(
            "les entrées {} à {last}{par} ont disparu (fin du journal tronquée)",
            head + 1
        ),
    })
}

/// Search criteria for administrators.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Account name (exact).
    pub username: Option<String>,
    /// Action code prefix.
    pub action: Option<String>,
    /// Person's file.
    pub usager_id: Option<i64>,
    /// Only refusals/failures, or only successes.
    pub outcome: Option<String>,
    /// From (inclusive, RFC 3339 or date).
    pub from: Option<String>,
    /// To (exclusive).
    pub to: Option<String>,
    /// Only entries with id below this (pagination cursor, newest first).
    pub before_id: Option<i64>,
}

impl Store {
    /// Walks the whole chain and reports the first broken entry, if any.
    pub async fn audit_verify(&self) -> StoreResult<Verification> {
        let mut report = Verification::default();
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1i64;
        // The heads anchored outside the database, by position (several lines for one
        // position when the chain was rewritten after being anchored).
        let anchored = match self.ancre_attendue() {
            Ok(a) => a,
            Err(b) => {
                report.first_broken = Some(b);
                return Ok(report);
            }
        };
        report.ancre_lignes = self
            .ancre
            .as_ref()
            .map(|_| anchored.values().map(|v| v.len() as u64).sum());
        // Entry ids need not increase along the chain: on PostgreSQL a transaction that took
        // an id early may commit (and be sealed) after later ones. The hash covers the id,
        // the position and the previous hash, so moving rows breaks the chain anyway.
        loop {
            let rows = crate::sql::query(&format!(
                "SELECT {ENTRY_COLUMNS} FROM audit WHERE seq >= $1 ORDER BY seq LIMIT 5000"
            ))
            .bind(expected_seq)
            .fetch_all(self)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let e = entry_from_row(r)?;
                let seq = e.seq.unwrap_or_default();
                let broken = if seq != expected_seq {
                    Some(format!("entrée n° {expected_seq} manquante (supprimée ?)"))
                } else if e.prev_hash.as_deref() != Some(prev.as_str()) {
                    Some("le chaînage avec l'entrée précédente est rompu".to_string())
                } else if e.hash.as_deref() != Some(entry_hash(&prev, seq, &e).as_str()) {
                    Some("le contenu de l'entrée a été modifié".to_string())
                } else if anchored.get(&seq).is_some_and(|ls| {
                    ls.iter()
                        .any(|l| l.id != e.id || Some(l.hash.as_str()) != e.hash.as_deref())
                }) {
                    Some("l'entrée ne correspond plus à l'ancre externe : la fin du journal a été réécrite puis scellée à nouveau".to_string())
                } else {
                    None
                };
                if let Some(reason) = broken {
                    report.first_broken = Some(Broken {
                        seq: expected_seq,
                        id: e.id,
                        reason,
                    });
                    return Ok(report);
                }
                prev = e.hash.clone().unwrap_or_default();
                expected_seq += 1;
                report.checked += 1;
            }
        }
        // The anchor guards the tail against someone who can write to the database: entries
        // it attests must still be there, even with their checkpoints gone.
        let head = report.checked as i64;
        let attestees = ", attestées par l'ancre externe,";
        if let Some(b) = anchored
            .last_key_value()
            .and_then(|(&last, _)| fin_tronquee(head, last, attestees))
        {
            report.first_broken = Some(b);
            return Ok(report);
        }
        // Checkpoints guard the tail: deleting the last entries leaves a shorter, still
        // consistent chain, which the highest checkpoint reveals.
        let cps = crate::sql::query("SELECT seq FROM audit_checkpoint ORDER BY seq DESC LIMIT 1")
            .fetch_optional(self)
            .await?;
        if let Some(cp) = cps {
            if let Some(b) = fin_tronquee(head, cp.try_get(0)?, "") {
                report.first_broken = Some(b);
                return Ok(report);
            }
            // Every checkpoint, not only the last, must still match its entry: entries
            // deleted at the end and then followed by newly sealed ones would otherwise
            // leave a consistent chain up to a consistent last checkpoint.
            let mismatch = crate::sql::query(
                "SELECT c.seq, a.id FROM audit_checkpoint c LEFT JOIN audit a ON a.seq = c.seq \
                 WHERE a.hash IS NULL OR a.hash <> c.hash ORDER BY c.seq LIMIT 1",
            )
            .fetch_optional(self)
            .await?;
            if let Some(m) = mismatch {
                let (seq, id): (i64, Option<i64>) = (m.try_get(0)?, m.try_get(1)?);
                report.first_broken = Some(Broken {
                    seq,
                    id: id.unwrap_or_default(),
                    reason: "le point de contrôle ne correspond plus au journal".into(),
                });
                return Ok(report);
            }
        }
        if let Some(b) = self.verifier_hors_chaine().await? {
            report.first_broken = Some(b);
            return Ok(report);
        }
        let unsealed: i64 = crate::sql::query("SELECT COUNT(*) FROM audit WHERE seq IS NULL")
            .fetch_scalar(self)
            .await?;
        report.unsealed = unsealed;
        report.head = Some(prev).filter(|_| report.checked > 0);
        Ok(report)
    }

    /// Searches the audit, newest first, every field (for the journal as each reader may
    /// see it: [`Store::audit_journal`]).
    pub async fn audit_search(&self, f: &Filter, limit: i64) -> StoreResult<Vec<Entry>> {
        self.audit_search_scoped(f, None, limit).await
    }

    /// Searches the audit, newest first; with `etablissements`, only the entries written by
    /// accounts of these établissements.
    pub(crate) async fn audit_search_scoped(
        &self,
        f: &Filter,
        etablissements: Option<&[i64]>,
        limit: i64,
    ) -> StoreResult<Vec<Entry>> {
        let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM audit WHERE 1 = 1");
        let mut args: Vec<Arg> = Vec::new();
        let mut push = |sql: &mut String, cond: &str, a: Arg| {
            args.push(a);
            sql.push_str(&cond.replace('?', &format!("${}", args.len())));
        };
        if let Some(u) = &f.username {
            push(&mut sql, " AND username = ?", Arg::S(u.clone()));
        }
        if let Some(a) = &f.action {
            // substr works the same on both engines, whatever the database collation.
            let n = a.chars().count();
            push(
                &mut sql,
                &format!(" AND substr(action, 1, {n}) = ?"),
                Arg::S(a.clone()),
            );
        }
        if let Some(id) = f.usager_id {
            push(&mut sql, " AND usager_id = ?", Arg::I(id));
        }
        if let Some(o) = &f.outcome {
            push(&mut sql, " AND outcome = ?", Arg::S(o.clone()));
        }
        if let Some(from) = &f.from {
            push(&mut sql, " AND at >= ?", Arg::S(from.clone()));
        }
        if let Some(to) = &f.to {
            push(&mut sql, " AND at < ?", Arg::S(to.clone()));
        }
        if let Some(b) = f.before_id {
            push(&mut sql, " AND id < ?", Arg::I(b));
        }
        if let Some(etabs) = etablissements {
            sql.push_str(" AND utilisateur_id IN (SELECT utilisateur_id FROM utilisateur_etablissement WHERE etablissement_id IN (");
            for (i, e) in etabs.iter().enumerate() {
                push(&mut sql, if i == 0 { "?" } else { ", ?" }, Arg::I(*e));
            }
            sql.push_str("))");
        }
        push(&mut sql, " ORDER BY id DESC LIMIT ?", Arg::I(limit));
        let mut q = crate::sql::query(&sql);
        for a in args {
            q = match a {
                Arg::S(s) => q.bind(s),
                Arg::I(i) => q.bind(i),
            };
        }
        let rows = q.fetch_all(self).await?;
        rows.iter().map(entry_from_row).collect()
    }
}

enum Arg {
    S(String),
    I(i64),
}

/// Result of [`Store::audit_verify`].
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// Sealed entries checked.
    pub checked: u64,
    /// Entries written but not yet sealed (sealed within a second by a running server).
    pub unsealed: i64,
    /// Hash of the last sealed entry.
    pub head: Option<String>,
    /// The first entry where the chain breaks.
    pub first_broken: Option<Broken>,
    /// Lines of the external anchor checked (None: no anchor configured).
    pub ancre_lignes: Option<u64>,
}

/// Where and why the chain breaks.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Broken {
    /// Position in the chain (0 for an entry outside it: refused by the sealer, or pending
    /// and not following the head).
    pub seq: i64,
    /// Row id (0 when the row is missing).
    pub id: i64,
    /// French explanation.
    pub reason: String,
}

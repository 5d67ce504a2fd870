//! The sealer: chains pending entries after the head, refuses those that do not follow it,
//! and anchors the head outside the database (decision 0003).

use chrono::{DateTime, Duration, Utc};
use dui_domain::journal::ActionJournal;

use super::{
    entry_from_row, entry_hash, Actor, Broken, Entry, NewEntry, Outcome, ENTRY_COLUMNS, GENESIS,
};
use crate::ancre::{Ancre, LigneAncre};
use crate::db::{Engine, Store};
use crate::{parse_ts, ts, StoreResult};

/// Entries sealed per transaction.
const SEAL_BATCH: i64 = 200;

/// How far an entry's time may lie before the head's (or after the clock), in minutes. A
/// request's entry carries the time the request started, and on PostgreSQL its transaction
/// may commit after later ones were sealed: far above any request (bounded by timeouts of
/// seconds), far below a back-dating worth the name.
pub const TOLERANCE_MINUTES: i64 = 10;

/// The last sealed entry.
#[derive(Clone, Debug)]
pub(crate) struct Tete {
    pub seq: i64,
    pub hash: String,
    pub id: i64,
    pub at: String,
}

/// What a new entry must follow: the highest row id and time sealed (in this database) or
/// anchored.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Repere {
    id: i64,
    at: Option<DateTime<Utc>>,
    /// The last anchored head (row id, time).
    ancre: Option<(i64, DateTime<Utc>)>,
}

impl Repere {
    fn avancer(&mut self, id: i64, at: &str) {
        self.id = self.id.max(id);
        if let Ok(t) = parse_ts(at) {
            self.at = Some(self.at.map_or(t, |a| a.max(t)));
        }
    }

    pub(crate) fn depuis(tete: Option<&Tete>, ancre: Option<&LigneAncre>) -> Repere {
        let mut r = Repere::default();
        if let Some(t) = tete {
            r.avancer(t.id, &t.at);
        }
        if let Some(l) = ancre {
            if let Ok(t) = parse_ts(&l.at) {
                r.ancre = Some((l.id, t));
                r.at = Some(r.at.map_or(t, |a| a.max(t)));
            }
        }
        r
    }

    /// Why `e` does not follow, if it does not (a code, see [`probleme_fr`]). On SQLite one
    /// writer commits at a time, so a new entry's id is above every sealed one, and an entry
    /// with an id and a time up to the anchored head's was sealed and anchored already (an
    /// id reused by a database restored or recreated behind its anchor, with a later time,
    /// is not: the gap is reported on its own). On PostgreSQL ids are taken at insertion and
    /// committed in any order, so only time is checked.
    pub(crate) fn probleme(
        &self,
        engine: Engine,
        e: &Entry,
        horloge: DateTime<Utc>,
    ) -> Option<&'static str> {
        let Ok(at) = parse_ts(&e.at) else {
            return Some("date_illisible");
        };
        let tolerance = Duration::minutes(TOLERANCE_MINUTES);
        let anchored_already = self.ancre.is_some_and(|(id, t)| e.id <= id && at <= t);
        if engine == Engine::Sqlite && (e.id <= self.id || anchored_already) {
            Some("hors_ordre")
        } else if self.at.is_some_and(|head| at < head - tolerance) {
            Some("antidatee")
        } else if at > horloge + tolerance {
            Some("postdatee")
        } else {
            None
        }
    }
}

/// The French explanation of a [`Repere::probleme`] code.
pub fn probleme_fr(code: &str) -> &'static str {
    match code {
        "hors_ordre" => "inscrite hors d'ordre, avant la tête de la chaîne",
        "antidatee" => "antidatée de plus de 10 minutes par rapport à la tête de la chaîne",
        "postdatee" => "datée de plus de 10 minutes dans le futur",
        _ => "date illisible",
    }
}

/// The sealer's own name in the journal.
fn scelleur() -> Actor {
    Actor {
        utilisateur_id: None,
        username: "scellement".into(),
        ip: None,
    }
}

pub(crate) async fn tete(store: &Store) -> StoreResult<Option<Tete>> {
    let row = crate::sql::query(
        "SELECT seq, hash, id, at FROM audit WHERE seq > 0 ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(store)
    .await?;
    row.map(|r| {
        Ok(Tete {
            seq: r.try_get(0)?,
            hash: r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
            id: r.try_get(2)?,
            at: r.try_get(3)?,
        })
    })
    .transpose()
}

impl Store {
    /// Anchors the chain's head in `ancre` from now on: the sealer appends to it, and
    /// [`Store::audit_verify`] checks the chain against it.
    pub fn with_ancre(mut self, ancre: Ancre) -> Store {
        self.ancre = Some(std::sync::Arc::new(ancre));
        self
    }

    /// The anchor in use, if any.
    pub fn ancre(&self) -> Option<&Ancre> {
        self.ancre.as_deref()
    }

    /// Seals pending entries in insertion order; returns how many were sealed. An entry that
    /// does not follow the head (see [`Repere::probleme`]) is refused: set aside with the
    /// negative of its id as position (`seq = -id`, never chained), logged at error level
    /// and reported by an `audit.scellement.refus` entry of its own; later entries are sealed
    /// as usual, and `dui audit verify` fails until someone has looked into it.
    ///
    /// Safe to run from several servers: on PostgreSQL an advisory lock makes one seal at a
    /// time; on SQLite the single writer does. The head is then anchored (see [`Ancre`]).
    pub async fn audit_seal(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut total = 0;
        loop {
            // Small batches: the writer is shared with requests (one writer on SQLite), so a
            // batch must hold it only a few milliseconds.
            let (sealed, fetched) = self.audit_seal_batch(now, SEAL_BATCH).await?;
            total += sealed;
            if fetched < SEAL_BATCH as usize {
                break;
            }
            tokio::task::yield_now().await;
        }
        if let Some(a) = &self.ancre {
            if total > 0 {
                a.with_etat(|e| e.en_attente = true);
            }
            if a.du(false) {
                self.ancrer(a, now).await?;
            }
        }
        Ok(total)
    }

    /// Seals, then anchors the head whatever the time since the last line (at shutdown).
    pub async fn audit_seal_final(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let n = self.audit_seal(now).await?;
        if let Some(a) = &self.ancre {
            self.ancrer(a, now).await?;
        }
        Ok(n)
    }

    /// Appends the head to the anchor when it moved; reports (once per process) a database
    /// behind the anchor or disagreeing with it. A failure to write the file is logged and
    /// retried at the next seal.
    async fn ancrer(&self, a: &Ancre, now: DateTime<Utc>) -> StoreResult<()> {
        let Some(t) = tete(self).await? else {
            a.with_etat(|e| e.initialise = true);
            return Ok(());
        };
        let last = a.derniere();
        if let Some(l) = &last {
            let same: Option<String> =
                match crate::sql::query("SELECT hash FROM audit WHERE seq = $1")
                    .bind(l.seq)
                    .fetch_optional(self)
                    .await?
                {
                    Some(r) => r.try_get(0)?,
                    None => None,
                };
            if same.as_deref() != Some(l.hash.as_str()) && !a.with_etat(|e| e.ecart_signale) {
                tracing::error!(
                    seq_base = t.seq,
                    seq_ancre = l.seq,
                    ancre = %a.chemin().display(),
                    "le journal d'audit en base ne correspond plus à son ancre externe : fin du journal tronquée ou réécrite"
                );
                let mut tx = self.begin().await?;
                super::append(
                    &mut tx,
                    &NewEntry {
                        actor: &scelleur(),
                        action: ActionJournal::AuditAncreEcart,
                        usager_id: None,
                        section: None,
                        outcome: Outcome::Echec,
                        detail: serde_json::json!({"seq": t.seq, "seq_ancre": l.seq}),
                        // Dated after the head, so that the sealer never refuses it.
                        at: parse_ts(&t.at).map_or(now, |h| h.max(now)),
                    },
                )
                .await?;
                tx.commit().await?;
                a.with_etat(|e| e.ecart_signale = true);
            }
            if l.seq == t.seq && l.hash == t.hash {
                a.with_etat(|e| {
                    e.initialise = true;
                    e.en_attente = false;
                });
                return Ok(());
            }
        }
        let ligne = LigneAncre {
            seq: t.seq,
            id: t.id,
            at: t.at,
            hash: t.hash,
        };
        match a.ajouter(&ligne, now) {
            Ok(()) => a.with_etat(|e| {
                e.initialise = true;
                e.en_attente = false;
            }),
            Err(e) => {
                tracing::error!(error = %e, ancre = %a.chemin().display(), "écriture de l'ancre du journal d'audit impossible")
            }
        }
        Ok(())
    }

    /// Seals one batch; returns (sealed, read), read 0 when another sealer got there first
    /// (the caller stops until the next tick). The head and the pending entries are read and
    /// hashed on a reader connection; the writer (one connection on SQLite, shared with every
    /// request) is held only for the `UPDATE`s and the checkpoint. The update touches only
    /// entries still unsealed and must touch all of them: otherwise another sealer got there
    /// first and the batch is dropped (nothing written).
    async fn audit_seal_batch(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<(usize, usize)> {
        let head = tete(self).await?;
        let (head_seq, head_hash) = head
            .as_ref()
            .map(|t| (t.seq, t.hash.clone()))
            .unwrap_or((0, GENESIS.to_string()));
        let anchored = self.ancre.as_ref().and_then(|a| a.derniere());
        let mut repere = Repere::depuis(head.as_ref(), anchored.as_ref());
        let rows = crate::sql::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit WHERE seq IS NULL ORDER BY id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self)
        .await?;
        let fetched = rows.len();
        if fetched == 0 {
            return Ok((0, 0));
        }
        let horloge = Utc::now();
        let (mut seq, mut prev) = (head_seq, head_hash);
        let mut seals: Vec<(i64, i64, String, String)> = Vec::with_capacity(fetched);
        let mut refused: Vec<(Entry, &'static str)> = Vec::new();
        for r in rows {
            let e = entry_from_row(&r)?;
            if let Some(p) = repere.probleme(self.engine(), &e, horloge) {
                refused.push((e, p));
                continue;
            }
            repere.avancer(e.id, &e.at);
            seq += 1;
            let hash = entry_hash(&prev, seq, &e);
            seals.push((e.id, seq, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        let mut tx = self.begin().await?;
        if self.engine() == Engine::Postgres {
            let got: bool = crate::sql::query("SELECT pg_try_advisory_xact_lock(4242002)")
                .fetch_scalar(&mut tx)
                .await?;
            if !got {
                return Ok((0, 0));
            }
        }
        // The head may have moved since it was read (another server sealed meanwhile).
        let current: Option<i64> = crate::sql::query("SELECT MAX(seq) FROM audit WHERE seq > 0")
            .fetch_scalar(&mut tx)
            .await?;
        if current.unwrap_or(0) != head_seq {
            return Ok((0, 0));
        }
        if !seals.is_empty() {
            let sql = format!(
                "UPDATE audit SET seq = v.seq, prev_hash = v.prev, hash = v.hash \
                 FROM (SELECT column1 AS id, column2 AS seq, column3 AS prev, column4 AS hash FROM (VALUES {}) AS t) AS v \
                 WHERE audit.id = v.id AND audit.seq IS NULL",
                crate::sql::lignes(seals.len(), 4)
            );
            let mut q = crate::sql::query(&sql);
            for (id, sq, p, h) in &seals {
                q = q.bind(*id).bind(*sq).bind(p.as_str()).bind(h.as_str());
            }
            let updated = q.execute(&mut tx).await?;
            if updated != seals.len() as u64 {
                return Ok((0, 0));
            }
            crate::sql::query("INSERT INTO audit_checkpoint (seq, hash, at) VALUES ($1, $2, $3)")
                .bind(seq)
                .bind(prev.as_str())
                .bind(ts(now))
                .execute(&mut tx)
                .await?;
        }
        // The sealer's report is dated after everything it follows, so it is never refused.
        let report_at = repere.at.map_or(now, |h| h.max(now));
        for (e, p) in &refused {
            let set_aside =
                crate::sql::query("UPDATE audit SET seq = -id WHERE id = $1 AND seq IS NULL")
                    .bind(e.id)
                    .execute(&mut tx)
                    .await?;
            if set_aside == 0 {
                continue;
            }
            tracing::error!(
                entree_id = e.id,
                at = %e.at,
                action = %e.action,
                probleme = p,
                "entrée du journal d'audit refusée au scellement ({}) : insertion suspecte",
                probleme_fr(p)
            );
            super::append(
                &mut tx,
                &NewEntry {
                    actor: &scelleur(),
                    action: ActionJournal::AuditScellementRefus,
                    usager_id: None,
                    section: None,
                    outcome: Outcome::Refus,
                    detail: serde_json::json!({"entree_id": e.id, "probleme": p}),
                    at: report_at,
                },
            )
            .await?;
        }
        tx.commit().await?;
        if !seals.is_empty() {
            tracing::debug!(sealed = seals.len(), head_seq = seq, head_hash = %prev, "journal d'audit scellé");
        }
        Ok((seals.len(), fetched))
    }
}

impl Store {
    /// The anchored heads by position; the first bad line of the anchor as a break.
    pub(crate) fn ancre_attendue(
        &self,
    ) -> Result<std::collections::BTreeMap<i64, Vec<LigneAncre>>, Broken> {
        let mut map: std::collections::BTreeMap<i64, Vec<LigneAncre>> = Default::default();
        let Some(a) = &self.ancre else {
            return Ok(map);
        };
        let lignes = a.lignes().map_err(|(n, reason)| Broken {
            seq: 0,
            id: 0,
            reason: format!(
                "ancre externe {}, ligne {n} : {reason}",
                a.chemin().display()
            ),
        })?;
        for l in lignes {
            map.entry(l.seq).or_default().push(l);
        }
        Ok(map)
    }

    /// Entries outside the chain that betray tampering: one the sealer refused, or one
    /// pending that does not follow the head (it would be refused).
    pub(crate) async fn verifier_hors_chaine(&self) -> StoreResult<Option<Broken>> {
        let refused = crate::sql::query("SELECT id FROM audit WHERE seq < 0 ORDER BY id LIMIT 1")
            .fetch_optional(self)
            .await?;
        if let Some(r) = refused {
            return Ok(Some(Broken {
                seq: 0,
                id: r.try_get(0)?,
                reason: "entrée refusée au scellement (antidatée ou inscrite hors d'ordre) : insertion suspecte, voir l'entrée audit.scellement.refus".into(),
            }));
        }
        let head = tete(self).await?;
        let anchored = self.ancre.as_ref().and_then(|a| a.derniere());
        let mut repere = Repere::depuis(head.as_ref(), anchored.as_ref());
        let rows = crate::sql::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit WHERE seq IS NULL ORDER BY id LIMIT 10000"
        ))
        .fetch_all(self)
        .await?;
        let horloge = Utc::now();
        for r in &rows {
            let e = entry_from_row(r)?;
            if let Some(p) = repere.probleme(self.engine(), &e, horloge) {
                return Ok(Some(Broken {
                    seq: 0,
                    id: e.id,
                    reason: format!(
                        "entrée en attente de scellement {} : insertion suspecte",
                        probleme_fr(p)
                    ),
                }));
            }
            repere.avancer(e.id, &e.at);
        }
        Ok(None)
    }
}

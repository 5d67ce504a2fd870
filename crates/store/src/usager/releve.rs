//! The relève (what was written since a time, in the files of one's unit, établissement or
//! assignments, with unread marks per professional) and the French full-text search of
//! transmissions, both read with a [`CapaciteReleve`]: only the sections the role may read
//! (never psychology but for psychologists), only the files of the account's normal scope
//! (break-the-glass opens one file, not lists: decision 0028-transmissions-releve-et-recherche).
//!
//! The search runs on each engine's own full-text index of the terms computed in Rust
//! (`dui_domain::transmission`): on PostgreSQL a GIN index on the stored column
//! `termes_tsv` (the terms as lexemes, computed when the row is written: migration 0030), on
//! SQLite the FTS5 table `transmission_fts`.

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::Portee;

use super::transmission::{
    sections_sql, transmission_from, Transmission, COLONNES, RECENTES_D_ABORD,
};
use crate::audit::Outcome;
use crate::db::{Engine, Store};
use crate::page::{Ordre, Page, Tri};
use crate::policy::CapaciteReleve;
use crate::sql::Args;
use crate::{ts, StoreError, StoreResult};

/// What a relève or a search asks for.
#[derive(Clone, Debug, Default)]
pub struct FiltreReleve {
    /// Written at or after this time.
    pub depuis: Option<DateTime<Utc>>,
    /// Written before this time.
    pub jusqua: Option<DateTime<Utc>>,
    /// French full-text search.
    pub q: Option<String>,
    /// One file only.
    pub usager: Option<i64>,
    /// One author only.
    pub auteur: Option<i64>,
    /// One target only (exact).
    pub cible: Option<String>,
    /// Important ones only.
    pub importantes: bool,
    /// Those the account has not marked read only.
    pub non_lues: bool,
    /// The files with a stay in this établissement (one of the account's).
    pub etablissement: Option<i64>,
    /// The files with a current stay in this unit.
    pub unite: Option<i64>,
}

/// SQL condition: the file of `t` is in the normal scope of the holder of `cap`, narrowed to
/// an établissement or a unit.
pub(super) fn perimetre(cap: &CapaciteReleve, f: &FiltreReleve, a: &mut Args) -> String {
    let who = cap.principal();
    match who.role.portee() {
        Portee::Etablissements => {
            let etabs: Vec<i64> = match f.etablissement {
                Some(e) => who
                    .etablissements
                    .iter()
                    .copied()
                    .filter(|x| *x == e)
                    .collect(),
                None => who.etablissements.clone(),
            };
            if etabs.is_empty() {
                return "1 = 0".into();
            }
            let marks: Vec<String> = etabs.into_iter().map(|e| a.arg(e)).collect();
            match f.unite {
                // A unit's few people: the list drives (each one's transmissions by index).
                Some(u) => format!(
                    "t.usager_id IN (SELECT s.usager_id FROM sejour s WHERE s.etablissement_id IN ({}) \
                     AND s.unite_id = {} AND s.date_sortie IS NULL)",
                    marks.join(", "),
                    a.arg(u)
                ),
                // Whole établissements (up to every file of the base): each candidate row is
                // checked by index. As a list, SQLite built it whole (100,000 stays) before
                // the first row of every search and relève.
                None => format!(
                    "EXISTS (SELECT 1 FROM sejour s WHERE s.usager_id = t.usager_id AND s.etablissement_id IN ({}))",
                    marks.join(", ")
                ),
            }
        }
        Portee::Affectation => format!(
            "t.usager_id IN (SELECT x.usager_id FROM affectation x WHERE x.utilisateur_id = {})",
            a.arg(who.id)
        ),
        Portee::SoiMeme => "1 = 0".into(),
    }
}

impl Store {
    /// A page of the relève, newest written first (keyset on `created_at, id`), or of a
    /// search, newest written first in the order of writing (keyset on the id, which the
    /// full-text index walks), each with its unread mark for the account. Audited in one read
    /// entry naming the files shown (`transmission.recherche` with the text searched, else
    /// `transmission.releve`).
    pub async fn releve_page(
        &self,
        cap: &CapaciteReleve,
        f: &FiltreReleve,
        page: Page,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Transmission>> {
        let mut a = Args(Vec::new());
        let mut cond = vec![
            sections_sql(cap.sections(), &cap.principal().etablissements),
            perimetre(cap, f, &mut a),
        ];
        let termes = match f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            None => None,
            Some(q) => {
                crate::saisie::recherche(q)?;
                Some(dui_domain::transmission::requete(q).ok_or_else(|| {
                    StoreError::Invalid(
                        "Tapez au moins un mot de deux lettres pour chercher.".into(),
                    )
                })?)
            }
        };
        // A search is read from the full-text index in the order of writing (ids), newest
        // first, so that a page stops after its rows: on SQLite FTS5 walks its matches from the
        // highest row id down and the first `limit` rows within the filters end the read; on
        // PostgreSQL the planner chooses between walking the primary key down, checking each
        // row's stored lexemes (a common word), and the GIN index's matches sorted (a rare one).
        // Decision 0039-search-and-bulk-load.
        let from = match (&termes, self.engine()) {
            (None, _) => "transmission t",
            (Some(t), Engine::Sqlite) => {
                let q: Vec<String> = t.iter().map(|m| format!("\"{m}\"")).collect();
                cond.push(format!("transmission_fts MATCH {}", a.arg(q.join(" AND "))));
                // FTS5 outside, the table joined by its key: CROSS JOIN keeps that order.
                "transmission_fts f CROSS JOIN transmission t ON t.id = f.rowid"
            }
            (Some(t), Engine::Postgres) => {
                cond.push(format!("t.termes_tsv @@ {}::tsquery", a.arg(t.join(" & "))));
                "transmission t"
            }
        };
        if let Some(d) = f.depuis {
            cond.push(format!("t.created_at >= {}", a.arg(ts(d))));
        }
        if let Some(d) = f.jusqua {
            cond.push(format!("t.created_at < {}", a.arg(ts(d))));
        }
        if let Some(u) = f.usager {
            cond.push(format!("t.usager_id = {}", a.arg(u)));
        }
        if let Some(u) = f.auteur {
            cond.push(format!("t.auteur_id = {}", a.arg(u)));
        }
        if let Some(c) = f.cible.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            crate::saisie::borne([(
                crate::saisie::l("cible", dui_domain::saisie::CIBLE),
                Some(c),
            )])?;
            cond.push(format!("t.cible = {}", a.arg(c)));
        }
        if f.importantes {
            cond.push("t.importante = 1".into());
        }
        if f.non_lues {
            let me = a.arg(cap.principal().id);
            cond.push(format!(
                "NOT EXISTS (SELECT 1 FROM transmission_lue l WHERE l.utilisateur_id = {me} AND l.transmission_id = t.id)"
            ));
        }
        // The page's ids first, from a statement whose sort carries the key alone (a common
        // word matches thousands of rows: their texts, names and marks are not read to sort
        // them), then those rows whole.
        let sql = format!("SELECT t.id FROM {from} WHERE {}", cond.join(" AND "));
        let tri = match (&termes, self.engine()) {
            (None, _) => RECENTES_D_ABORD,
            (Some(_), Engine::Sqlite) => Tri::cle("transmission t", "f.rowid", Ordre::Decroissant),
            (Some(_), Engine::Postgres) => Tri::cle("transmission t", "t.id", Ordre::Decroissant),
        };
        let page_ids: Vec<i64> = self
            .keyset(&sql, a.0, tri, page)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        let items: Vec<Transmission> = if page_ids.is_empty() {
            Vec::new()
        } else {
            let marks = crate::sql::marqueurs(2, page_ids.len());
            let sql = format!(
                "SELECT {COLONNES}, (SELECT COUNT(*) FROM transmission_lue l WHERE l.utilisateur_id = $1 AND l.transmission_id = t.id) AS lue, \
                 COALESCE(u.nom_utilise, u.nom_naissance) || ' ' || COALESCE(u.prenom_utilise, u.premier_prenom) AS usager \
                 FROM transmission t JOIN usager u ON u.id = t.usager_id WHERE t.id IN ({}) ORDER BY {}",
                marks,
                if termes.is_some() { "t.id DESC" } else { "t.created_at DESC, t.id DESC" }
            );
            let mut q = crate::sql::query(&sql).bind(cap.principal().id);
            for id in &page_ids {
                q = q.bind(*id);
            }
            q.fetch_all(self)
                .await?
                .iter()
                .map(|r| transmission_from(r, true, true))
                .collect::<StoreResult<_>>()?
        };
        let mut usagers: Vec<i64> = items.iter().map(|t| t.usager_id.get()).collect();
        usagers.sort_unstable();
        usagers.dedup();
        let (action, detail) = match &f.q {
            Some(q) if termes.is_some() => (
                ActionJournal::TransmissionRecherche,
                serde_json::json!({"texte": q, "usagers": usagers}),
            ),
            _ => (
                ActionJournal::TransmissionReleve,
                serde_json::json!({"usagers": usagers}),
            ),
        };
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: cap.principal().actor(),
                action,
                usager_id: None,
                section: None,
                outcome: Outcome::Succes,
                detail: detail.to_string(),
                at: now,
            })
            .await?;
        Ok(items)
    }

    /// Marks read, for the holder of `cap`, those of `ids` it may read (others are ignored);
    /// returns how many were newly marked.
    pub async fn marquer_transmissions_lues(
        &self,
        cap: &CapaciteReleve,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut a = Args(Vec::new());
        let me = a.arg(cap.principal().id);
        let at = a.arg(ts(now));
        let vis = perimetre(cap, &FiltreReleve::default(), &mut a);
        let marks: Vec<String> = ids.iter().take(500).map(|i| a.arg(*i)).collect();
        let sql = format!(
            "INSERT INTO transmission_lue (utilisateur_id, transmission_id, lue_at) \
             SELECT {me}, t.id, {at} FROM transmission t WHERE t.id IN ({}) AND {} AND {vis} \
             AND NOT EXISTS (SELECT 1 FROM transmission_lue l WHERE l.utilisateur_id = {me} AND l.transmission_id = t.id)",
            marks.join(", "),
            sections_sql(cap.sections(), &cap.principal().etablissements)
        );
        let mut q = crate::sql::query(&sql);
        for v in a.0 {
            q = q.bind(v);
        }
        let mut tx = self.begin().await?;
        let n = q.execute(&mut tx).await?;
        tx.commit().await?;
        Ok(n)
    }
}

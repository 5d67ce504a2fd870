//! Bulk insertion of projects (demo data, benchmarks, later imports): one validated version
//! and, at times, a draft after it, written with multi-row statements and explicit ids.

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::projet::{prochaine_revision, Contenu, TypeProjet};

use super::lignes::{json, verifier_contenu};
use crate::audit::{self, Actor, NewEntry, Outcome};
use crate::db::{Engine, Store};
use crate::{ts, StoreResult};

/// A project to insert.
#[derive(Clone, Debug)]
pub struct BulkProjet {
    /// The person.
    pub usager_id: UsagerId,
    /// PPA or PPE.
    pub type_projet: TypeProjet,
    /// Their date of birth (the review date depends on it).
    pub naissance: Option<NaiveDate>,
    /// Version 1, validated on `valide_le` by `valide_par`.
    pub valide: Contenu,
    /// Day of the validation.
    pub valide_le: NaiveDate,
    /// Who validated it.
    pub valide_par: Option<i64>,
    /// A draft opened after it (version 2), if any.
    pub brouillon: Option<Contenu>,
}

/// A version row to write: (project id, project, number, status, content, review date).
type LigneVersion<'a> = (
    i64,
    &'a BulkProjet,
    i64,
    &'static str,
    &'a Contenu,
    Option<&'a str>,
);

fn lignes(rows: usize, cols: usize) -> String {
    super::super::bulk::placeholders(rows, cols)
}

impl Store {
    /// Inserts projects in one transaction (audited as one import entry); their ids.
    pub async fn insert_projets_bulk(
        &self,
        actor: &Actor,
        batch: &[BulkProjet],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        for p in batch {
            verifier_contenu(&p.valide, p.type_projet)?;
            if let Some(b) = &p.brouillon {
                verifier_contenu(b, p.type_projet)?;
            }
        }
        let now_s = ts(now);
        let mut tx = self.begin().await?;
        let next = |table: &'static str| format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
        let first: i64 = crate::sql::query(&next("projet"))
            .fetch_scalar(&mut tx)
            .await?;
        let first_v: i64 = crate::sql::query(&next("projet_version"))
            .fetch_scalar(&mut tx)
            .await?;
        let ids: Vec<i64> = (0..batch.len() as i64).map(|i| first + i).collect();
        let revisions: Vec<String> = batch
            .iter()
            .map(|p| prochaine_revision(p.naissance, p.valide_le).to_string())
            .collect();
        // Projects.
        let sql = format!(
            "INSERT INTO projet (id, usager_id, type, prochaine_revision, version, created_by, created_at, updated_at) VALUES {}",
            lignes(batch.len(), 8)
        );
        let mut q = crate::sql::query(&sql);
        for ((p, id), r) in batch.iter().zip(&ids).zip(&revisions) {
            q = q
                .bind(*id)
                .bind(p.usager_id)
                .bind(p.type_projet.code())
                .bind(r.as_str())
                .bind(1 + i64::from(p.brouillon.is_some()))
                .bind(p.valide_par)
                .bind(now_s.as_str())
                .bind(now_s.as_str());
        }
        q.execute(&mut tx).await?;
        // Versions: the validated one, then the drafts.
        let mut versions: Vec<LigneVersion<'_>> = Vec::new();
        for ((p, id), r) in batch.iter().zip(&ids).zip(&revisions) {
            versions.push((*id, p, 1, "valide", &p.valide, Some(r.as_str())));
            if let Some(b) = &p.brouillon {
                versions.push((*id, p, 2, "brouillon", b, None));
            }
        }
        let sql = format!(
            "INSERT INTO projet_version (id, projet_id, usager_id, numero, statut, contenu, modifie_par, modifie_at, valide_par, valide_at, prochaine_revision) VALUES {}",
            lignes(versions.len(), 11)
        );
        let mut q = crate::sql::query(&sql);
        for (k, (pid, p, numero, statut, c, r)) in versions.iter().enumerate() {
            let valide_at = format!("{}T10:00:00Z", p.valide_le);
            let valide = *statut == "valide";
            q = q
                .bind(first_v + k as i64)
                .bind(*pid)
                .bind(p.usager_id)
                .bind(*numero)
                .bind(*statut)
                .bind(json(c)?)
                .bind(p.valide_par)
                .bind(if valide {
                    valide_at.clone()
                } else {
                    now_s.clone()
                })
                .bind(if valide { p.valide_par } else { None })
                .bind(valide.then_some(valide_at))
                .bind(r.map(str::to_string));
        }
        q.execute(&mut tx).await?;
        // The actions of the validated versions assigned to a professional.
        let actions: Vec<(i64, UsagerId, i64, Option<String>, String, String)> = batch
            .iter()
            .zip(&ids)
            .flat_map(|(p, id)| {
                p.valide
                    .actions_assignees()
                    .into_iter()
                    .map(move |(r, e, o, a)| {
                        (
                            *id,
                            p.usager_id,
                            r,
                            e.map(|d| d.to_string()),
                            o.to_string(),
                            a.to_string(),
                        )
                    })
            })
            .collect();
        if !actions.is_empty() {
            let sql = format!(
                "INSERT INTO projet_action (projet_id, usager_id, responsable_id, echeance, objectif, libelle) VALUES {}",
                lignes(actions.len(), 6)
            );
            let mut q = crate::sql::query(&sql);
            for (pid, u, r, e, o, a) in actions {
                q = q.bind(pid).bind(u).bind(r).bind(e).bind(o).bind(a);
            }
            q.execute(&mut tx).await?;
        }
        audit::append(
            &mut tx,
            &NewEntry {
                actor,
                action: ActionJournal::UsagerImport,
                usager_id: None,
                section: Some("accompagnement"),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"nombre": batch.len(), "premier_id": first}),
                at: now,
            },
        )
        .await?;
        if self.engine() == Engine::Postgres {
            for t in ["projet", "projet_version"] {
                crate::sql::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
                ))
                .execute(&mut tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(ids)
    }
}

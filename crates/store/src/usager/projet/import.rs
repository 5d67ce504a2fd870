//! Bulk insertion of projects (demo data, benchmarks, later imports): one validated version
//! and, at times, a draft after it, written in one bulk load (`crate::sql::Charge`).

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::projet::{prochaine_revision, Contenu, TypeProjet};

use super::lignes::{json, verifier_contenu};
use crate::audit::{self, Actor, NewEntry, Outcome};
use crate::db::Store;
use crate::sql::{Lot, Value};
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

impl Store {
    /// Inserts projects in one bulk load (audited as one import entry); their ids.
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
        let mut charge = self.charge().await?;
        let ids = charge.ids("projet", batch.len()).await?;
        let revisions: Vec<String> = batch
            .iter()
            .map(|p| prochaine_revision(p.naissance, p.valide_le).to_string())
            .collect();
        let projets: Vec<Vec<Value>> = batch
            .iter()
            .zip(&ids)
            .zip(&revisions)
            .map(|((p, id), r)| {
                vec![
                    Value::from(*id),
                    p.usager_id.into(),
                    p.type_projet.code().into(),
                    r.as_str().into(),
                    (1 + i64::from(p.brouillon.is_some())).into(),
                    p.valide_par.into(),
                    now_s.as_str().into(),
                    now_s.as_str().into(),
                ]
            })
            .collect();
        // Versions: the validated one, then the drafts.
        let mut versions: Vec<LigneVersion<'_>> = Vec::new();
        for ((p, id), r) in batch.iter().zip(&ids).zip(&revisions) {
            versions.push((*id, p, 1, "valide", &p.valide, Some(r.as_str())));
            if let Some(b) = &p.brouillon {
                versions.push((*id, p, 2, "brouillon", b, None));
            }
        }
        let mut lignes_v = Vec::with_capacity(versions.len());
        for (pid, p, numero, statut, c, r) in &versions {
            let valide_at = format!("{}T10:00:00Z", p.valide_le);
            let valide = *statut == "valide";
            lignes_v.push(vec![
                Value::from(*pid),
                p.usager_id.into(),
                (*numero).into(),
                (*statut).into(),
                json(c)?.into(),
                p.valide_par.into(),
                if valide {
                    valide_at.clone()
                } else {
                    now_s.clone()
                }
                .into(),
                if valide { p.valide_par } else { None }.into(),
                valide.then_some(valide_at).into(),
                r.map(str::to_string).into(),
            ]);
        }
        // The actions of the validated versions assigned to a professional.
        let actions: Vec<Vec<Value>> = batch
            .iter()
            .zip(&ids)
            .flat_map(|(p, id)| {
                p.valide
                    .actions_assignees()
                    .into_iter()
                    .map(move |(r, e, o, a)| {
                        vec![
                            Value::from(*id),
                            p.usager_id.into(),
                            r.into(),
                            e.map(|d| d.to_string()).into(),
                            o.into(),
                            a.into(),
                        ]
                    })
            })
            .collect();
        for lot in [
            Lot {
                table: "projet",
                cols: &[
                    "id",
                    "usager_id",
                    "type",
                    "prochaine_revision",
                    "version",
                    "created_by",
                    "created_at",
                    "updated_at",
                ],
                rows: projets,
            },
            Lot {
                table: "projet_version",
                cols: &[
                    "projet_id",
                    "usager_id",
                    "numero",
                    "statut",
                    "contenu",
                    "modifie_par",
                    "modifie_at",
                    "valide_par",
                    "valide_at",
                    "prochaine_revision",
                ],
                rows: lignes_v,
            },
            Lot {
                table: "projet_action",
                cols: &[
                    "projet_id",
                    "usager_id",
                    "responsable_id",
                    "echeance",
                    "objectif",
                    "libelle",
                ],
                rows: actions,
            },
        ] {
            charge.ecrire(&lot).await?;
        }
        audit::append_lot(
            &mut charge,
            &NewEntry {
                actor,
                action: ActionJournal::UsagerImport,
                usager_id: None,
                section: Some("accompagnement"),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"nombre": batch.len(), "premier_id": ids[0]}),
                at: now,
            },
        )
        .await?;
        charge.commit().await?;
        Ok(ids)
    }
}

//! Bulk load of benefits and freedom-of-movement measures (demo data at scale, benchmarks):
//! rows checked as the one-by-one path checks them, written with their audit entry in one
//! transaction (`sql::lot`).

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;

use super::mesure::MesureInput;
use super::prestation::PrestationInput;
use crate::audit::{Actor, NewEntry};
use crate::db::Store;
use crate::sql::{Lot, Value};
use crate::{ts, StoreError, StoreResult};

impl Store {
    /// Writes benefits and measures of existing files (usager id, fields): how many rows.
    pub async fn inserer_droits_bulk(
        &self,
        actor: &Actor,
        prestations: &[(i64, PrestationInput)],
        mesures: &[(i64, MesureInput)],
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        if prestations.is_empty() && mesures.is_empty() {
            return Ok(0);
        }
        let now_s = ts(now);
        let mut lignes = Vec::with_capacity(prestations.len());
        for (u, p) in prestations {
            p.verifier()?;
            let mut row = vec![Value::from(*u)];
            row.extend(p.valeurs());
            row.extend([now_s.as_str().into(), now_s.as_str().into()]);
            lignes.push(row);
        }
        let mut lignes_m = Vec::with_capacity(mesures.len());
        for (u, m) in mesures {
            dui_domain::mesure::verifier_dates(
                m.avis_medical_date,
                m.date_debut,
                m.prochaine_revision,
            )
            .map_err(|e| StoreError::Invalid(e.into()))?;
            lignes_m.push(vec![
                Value::from(*u),
                m.nature.code().into(),
                m.description.as_str().into(),
                m.motif.as_str().into(),
                m.avis_medical_par.as_str().into(),
                m.avis_medical_date.to_string().into(),
                m.consentement.code().into(),
                m.consentement_par.as_deref().into(),
                m.date_debut.to_string().into(),
                m.prochaine_revision.to_string().into(),
                now_s.as_str().into(),
                now_s.as_str().into(),
            ]);
        }
        let mut charge = self.charge().await?;
        charge
            .ecrire(&Lot {
                table: "prestation",
                cols: &[
                    "usager_id",
                    "type_prestation",
                    "payeur",
                    "reference",
                    "montant_centimes",
                    "date_debut",
                    "date_fin",
                    "notes",
                    "created_at",
                    "updated_at",
                ],
                rows: lignes,
            })
            .await?;
        charge
            .ecrire(&Lot {
                table: "mesure",
                cols: &[
                    "usager_id",
                    "nature",
                    "description",
                    "motif",
                    "avis_medical_par",
                    "avis_medical_date",
                    "consentement",
                    "consentement_par",
                    "date_debut",
                    "prochaine_revision",
                    "created_at",
                    "updated_at",
                ],
                rows: lignes_m,
            })
            .await?;
        crate::audit::append_lot(
            &mut charge,
            &NewEntry {
                section: Some("administratif"),
                ..NewEntry::succes(
                    actor,
                    ActionJournal::UsagerImport,
                    serde_json::json!({"prestations": prestations.len(), "mesures": mesures.len()}),
                    now,
                )
            },
        )
        .await?;
        charge.commit().await?;
        Ok(prestations.len() + mesures.len())
    }
}

//! *Si besoin* (PRN) medicines on the round: the active ones of each person, with the doses
//! given in the last 24 hours against the prescribed maximum, and the rule applied when one
//! is given (its reason, the maximum: [`dui_domain::prescription::si_besoin`]).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::prescription::si_besoin::{max_atteint, verifier_prise, FENETRE_HEURES};
use serde::Serialize;

use super::tour::{Administration, MedicamentTour};
use super::Prescription;
use crate::db::Store;
use crate::usager::feuille_soins::NomsDuJour;
use crate::{ts, StoreError, StoreResult};

/// A « si besoin » medicine of a person on the round.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SiBesoinTour {
    /// The medicine.
    #[serde(flatten)]
    #[schema(inline)]
    pub medicament: MedicamentTour,
    /// At most this many doses in any 24 hours.
    pub max_par_24h: Option<i64>,
    /// Doses given in the last 24 hours.
    pub donnees_24h: i64,
    /// When the last of them was given (UTC).
    pub derniere: Option<String>,
    /// The maximum is reached: no dose is offered.
    pub max_atteint: bool,
}

deref_vers!(SiBesoinTour => medicament: MedicamentTour);

/// A « si besoin » prescription active at the round, with its person.
pub(super) struct Actif {
    pub(super) p: Prescription,
    pub(super) usager_id: UsagerId,
}

impl Store {
    /// The « si besoin » lines of the round: `actifs` with their doses given in the 24 hours
    /// before `now` (one statement), by name.
    pub(super) async fn lignes_si_besoin(
        &self,
        actifs: Vec<Actif>,
        noms: &NomsDuJour<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SiBesoinTour>> {
        if actifs.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::sql::marqueurs(3, actifs.len());
        let sql = format!(
            "SELECT prescription_id, COUNT(*) AS n, MAX(prevu_a) AS derniere FROM administration \
             WHERE statut = 'donne' AND prevu_a > $1 AND prevu_a <= $2 AND prescription_id IN ({}) \
             GROUP BY prescription_id",
            marks
        );
        let mut q = crate::sql::query(&sql)
            .bind(ts(now - Duration::hours(FENETRE_HEURES)))
            .bind(ts(now));
        for a in &actifs {
            q = q.bind(a.p.id);
        }
        let mut donnees: HashMap<i64, (i64, Option<String>)> = HashMap::new();
        for r in q.fetch_all(self).await? {
            donnees.insert(
                r.try_get("prescription_id")?,
                (r.try_get("n")?, r.try_get("derniere")?),
            );
        }
        let mut v: Vec<SiBesoinTour> = actifs
            .into_iter()
            .map(|Actif { p, usager_id }| {
                let qui = noms.qui(&usager_id);
                let (n, derniere) = donnees.remove(&p.id).unwrap_or((0, None));
                let max_par_24h = p.max_par_24h;
                SiBesoinTour {
                    medicament: MedicamentTour::de(p, usager_id, qui),
                    max_par_24h,
                    donnees_24h: n,
                    derniere,
                    max_atteint: max_atteint(max_par_24h, n),
                }
            })
            .collect();
        v.sort_by(|a, b| (&a.nom, a.prescription_id).cmp(&(&b.nom, b.prescription_id)));
        Ok(v)
    }
}

/// Whether `d` is a dose given « si besoin » (not at one of the prescription's times).
pub(super) fn est_si_besoin(p: &Prescription, d: &Administration) -> StoreResult<bool> {
    if !p.si_besoin {
        return Ok(false);
    }
    let regle = p.regle()?;
    let local = d.prevu_a.with_timezone(&chrono_tz::Europe::Paris);
    let planifiee = regle
        .horaires
        .iter()
        .any(|h| dui_domain::feuille_soins::instant_local(local.date_naive(), *h) == d.prevu_a);
    Ok(!planifiee)
}

/// Refuses a « si besoin » dose without its reason, or over the maximum counting the doses
/// given in the 24 hours before it (those of this transaction included).
pub(super) async fn verifier_si_besoin(
    tx: &mut crate::sql::Tx,
    p: &Prescription,
    d: &Administration,
) -> StoreResult<()> {
    let n: i64 = crate::sql::query(
        "SELECT COUNT(*) FROM administration WHERE prescription_id = $1 AND statut = 'donne' \
         AND prevu_a > $2 AND prevu_a <= $3",
    )
    .bind(p.id)
    .bind(ts(d.prevu_a - Duration::hours(FENETRE_HEURES)))
    .bind(ts(d.prevu_a))
    .fetch_scalar(&mut *tx)
    .await?;
    verifier_prise(p.max_par_24h, n, d.motif.as_deref()).map_err(StoreError::Invalid)
}

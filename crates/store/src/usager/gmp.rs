//! The GMP (*GIR moyen pondéré*) of an établissement: from the latest validated AGGIR
//! evaluation of each person present, at the end of each month. An aggregate: it names no
//! one, and only those who may validate the accompaniment section of the établissement
//! (direction, cadre by default) may compute it.

use chrono::{Datelike, NaiveDate};
use dui_domain::grille::aggir::{Gir, Gmp};
use dui_domain::policy::{Action, Matrice, Refus, Section};
use serde::Serialize;

use crate::db::Store;
use crate::policy::Principal;
use crate::{StoreError, StoreResult};

/// The GMP at one date.
#[derive(Clone, Debug, Serialize)]
pub struct GmpMois {
    /// `AAAA-MM`.
    pub mois: String,
    /// The date it was computed at (last day of the month, or today).
    pub date: NaiveDate,
    /// Points and persons with a GIR.
    pub gmp: Gmp,
    /// Persons present without a validated AGGIR evaluation (not counted).
    pub sans_gir: u64,
}

/// The last day of the month of `d`.
fn fin_de_mois(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

impl Store {
    /// The GMP of `etablissement` at the end of each of the `mois` months up to `jusqu_au`
    /// (the last one at `jusqu_au` itself), oldest first.
    pub async fn gmp_etablissement(
        &self,
        matrice: &Matrice,
        who: &Principal,
        etablissement: i64,
        jusqu_au: NaiveDate,
        mois: u32,
    ) -> StoreResult<Vec<GmpMois>> {
        if !matrice.permet(who.role, Section::Accompagnement, Action::Valider) {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        if !who.etablissements.contains(&etablissement) {
            return Err(StoreError::Denied(Refus::HorsPerimetre));
        }
        let mut dates = Vec::new();
        let mut d = jusqu_au;
        for _ in 0..mois.clamp(1, 36) {
            dates.push(d);
            let premier = d.with_day(1).unwrap_or(d);
            match premier.pred_opt() {
                Some(p) => d = fin_de_mois(p),
                None => break,
            }
        }
        dates.reverse();
        let mut out = Vec::new();
        for date in dates {
            let at = date.to_string();
            let presents: i64 = crate::sql::query(
                "SELECT COUNT(DISTINCT usager_id) FROM sejour WHERE etablissement_id = $1 \
                 AND date_entree <= $2 AND (date_sortie IS NULL OR date_sortie > $2)",
            )
            .bind(etablissement)
            .bind(at.as_str())
            .fetch_scalar(self)
            .await?;
            let rows = crate::sql::query(
                "SELECT e.gir FROM (SELECT DISTINCT usager_id FROM sejour WHERE etablissement_id = $1 \
                 AND date_entree <= $2 AND (date_sortie IS NULL OR date_sortie > $2)) p \
                 JOIN evaluation e ON e.id = (SELECT e2.id FROM evaluation e2 WHERE e2.usager_id = p.usager_id \
                 AND e2.grille = 'aggir' AND e2.statut = 'validee' AND e2.date_evaluation <= $2 \
                 ORDER BY e2.date_evaluation DESC, e2.id DESC LIMIT 1)",
            )
            .bind(etablissement)
            .bind(at.as_str())
            .fetch_all(self)
            .await?;
            let mut girs = Vec::new();
            for r in &rows {
                let g: Option<i64> = r.try_get(0)?;
                if let Some(g) = g.and_then(|g| u8::try_from(g).ok()).and_then(Gir::new) {
                    girs.push(g);
                }
            }
            let gmp = Gmp::de(girs);
            out.push(GmpMois {
                mois: format!("{:04}-{:02}", date.year(), date.month()),
                date,
                sans_gir: (presents.max(0) as u64).saturating_sub(gmp.personnes),
                gmp,
            });
        }
        Ok(out)
    }
}

//! The PPE's set-up deadline: the projet pour l'enfant is drawn up within three months of the
//! start of the service or measure (CASF D223-12, L223-1-1; `reference/domain/ppe-dgcs.md`),
//! for minors only. The start is the admission in the child-protection établissement (the
//! stay's entry date); the alert runs until a PPE has a validated version.

use chrono::{Months, NaiveDate};

/// Months after the start by which the PPE must be drawn up.
pub const DELAI_PPE_MOIS: u32 = 3;

/// The date by which the PPE of a child admitted on `entree` must be drawn up.
pub fn echeance_ppe(entree: NaiveDate) -> NaiveDate {
    entree
        .checked_add_months(Months::new(DELAI_PPE_MOIS))
        .unwrap_or(entree)
}

/// Whether a PPE is due for a person born on `naissance` (year, month, day as known) on
/// `aujourdhui`: a minor. An unknown birth date leaves the alert on (the referent decides).
pub fn ppe_requis(naissance: Option<NaiveDate>, aujourdhui: NaiveDate) -> bool {
    naissance
        .and_then(|n| n.checked_add_months(Months::new(18 * 12)))
        .is_none_or(|majorite| aujourdhui < majorite)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, j).unwrap()
    }

    #[test]
    fn the_ppe_is_due_three_months_after_the_admission_of_a_minor() {
        assert_eq!(echeance_ppe(d(2026, 1, 15)), d(2026, 4, 15));
        // The end of a shorter month.
        assert_eq!(echeance_ppe(d(2025, 11, 30)), d(2026, 2, 28));
        assert!(ppe_requis(Some(d(2010, 6, 1)), d(2026, 5, 31)));
        assert!(!ppe_requis(Some(d(2008, 6, 1)), d(2026, 6, 1)));
        assert!(ppe_requis(None, d(2026, 6, 1)));
    }
}

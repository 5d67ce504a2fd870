//! *Si besoin* (PRN) medicines: given when needed, at any time while the prescription is
//! active, with the reason they were given; at most the prescribed number of doses in any
//! 24 hours when the prescription sets one.

/// The window of the maximum, in hours.
pub const FENETRE_HEURES: i64 = 24;

/// The highest maximum a prescription may set.
pub const MAX_PAR_24H: i64 = 24;

/// Whether a maximum of doses per 24 hours may be prescribed: only for a « si besoin »
/// medicine, from 1 to [`MAX_PAR_24H`] (French messages).
pub fn verifier_max(si_besoin: bool, max: Option<i64>) -> Result<(), String> {
    match max {
        None => Ok(()),
        Some(_) if !si_besoin => Err(
            "Un nombre maximal de prises par 24 heures ne se prescrit que pour un médicament « si besoin »."
                .into(),
        ),
        Some(m) if !(1..=MAX_PAR_24H).contains(&m) => Err(format!(
            "Le nombre maximal de prises par 24 heures va de 1 à {MAX_PAR_24H}."
        )),
        Some(_) => Ok(()),
    }
}

/// Whether one more dose of a « si besoin » medicine may be given: its reason is said, and
/// `donnees` (the doses given in the 24 hours before it) leave room under `max`.
pub fn verifier_prise(max: Option<i64>, donnees: i64, motif: Option<&str>) -> Result<(), String> {
    if motif.is_none_or(|m| m.trim().is_empty()) {
        return Err("Indiquez pourquoi le médicament « si besoin » est donné.".into());
    }
    match max {
        Some(m) if donnees >= m => Err(format!(
            "{} dans les 24 dernières heures : le maximum prescrit est de {m} par 24 heures. \
             Ne donnez pas de nouvelle prise sans avis médical.",
            prises(donnees)
        )),
        _ => Ok(()),
    }
}

/// « 1 prise déjà donnée », « 3 prises déjà données ».
pub fn prises(n: i64) -> String {
    if n <= 1 {
        format!("{n} prise déjà donnée")
    } else {
        format!("{n} prises déjà données")
    }
}

/// Whether the maximum is reached (the « Donner » action is then not offered).
pub fn max_atteint(max: Option<i64>, donnees: i64) -> bool {
    max.is_some_and(|m| donnees >= m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_maximum_is_for_si_besoin_medicines_and_within_bounds() {
        assert!(verifier_max(true, None).is_ok());
        assert!(verifier_max(false, None).is_ok());
        assert!(verifier_max(true, Some(3)).is_ok());
        assert!(verifier_max(false, Some(3))
            .unwrap_err()
            .contains("« si besoin »"));
        assert!(verifier_max(true, Some(0)).is_err());
        assert!(verifier_max(true, Some(25)).is_err());
    }

    #[test]
    fn a_dose_needs_its_reason_and_room_under_the_maximum() {
        assert!(verifier_prise(None, 10, Some("Douleur 6/10")).is_ok());
        assert!(verifier_prise(Some(3), 2, Some("Douleur")).is_ok());
        let e = verifier_prise(Some(3), 3, Some("Douleur")).unwrap_err();
        assert!(e.starts_with("3 prises déjà données"), "{e}");
        assert!(e.contains("maximum prescrit est de 3"), "{e}");
        assert!(verifier_prise(None, 0, Some("  ")).is_err());
        assert!(verifier_prise(None, 0, None).is_err());
        assert!(max_atteint(Some(1), 1));
        assert!(!max_atteint(None, 100));
        assert_eq!(prises(1), "1 prise déjà donnée");
    }
}

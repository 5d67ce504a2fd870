//! The minimal agenda (ADM-2): appointments in a professional's agenda. Issue 13
//! (coordination) extends it into full events; the kinds and statuses below are the first
//! ones. Times are instants (UTC), shown in Europe/Paris.

use chrono::{DateTime, Duration, Utc};

code_enum! {
    /// The kind of an appointment.
    TypeRendezVous {
        /// First interview of an application (pre-admission).
        EntretienAdmission = "entretien_admission", "Entretien de préadmission";
        /// Any other appointment.
        Autre = "autre", "Rendez-vous";
    }
}

code_enum! {
    /// Where an appointment stands.
    StatutRendezVous {
        /// Planned.
        Prevu = "prevu", "Prévu";
        /// It took place.
        Realise = "realise", "Réalisé";
        /// Cancelled.
        Annule = "annule", "Annulé";
    }
}

/// The longest appointment, in hours.
pub const DUREE_MAX_HEURES: i64 = 12;

/// Refuses an appointment whose end is not after its start or that lasts more than
/// [`DUREE_MAX_HEURES`] hours (French message).
pub fn verifier_creneau(debut: DateTime<Utc>, fin: DateTime<Utc>) -> Result<(), String> {
    if fin <= debut {
        return Err("La fin du rendez-vous doit être postérieure à son début.".into());
    }
    if fin - debut > Duration::hours(DUREE_MAX_HEURES) {
        return Err(format!(
            "Un rendez-vous dure {DUREE_MAX_HEURES} heures au plus."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_ends_after_it_starts_and_is_bounded() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert!(verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T10:00:00Z")).is_ok());
        assert!(verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T09:00:00Z")).is_err());
        assert!(verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T08:00:00Z")).is_err());
        assert!(
            verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T21:00:01Z"))
                .unwrap_err()
                .contains("12 heures")
        );
    }
}

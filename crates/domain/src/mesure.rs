//! Individual measures restricting the freedom of movement (*liberté d'aller et venir*, GA-2):
//! an annex to the contract (CASF L311-4-1, R311-0-5 to R311-0-9), decided after a medical
//! opinion, with the consent of the person or their representative sought, and reviewed at
//! a date set each time. An overdue review is alerted. Dates are Europe/Paris calendar days.

use chrono::NaiveDate;

code_enum! {
    /// What the measure restricts.
    NatureMesure {
        /// Outings only with a companion.
        SortiesAccompagnees = "sorties_accompagnees", "Sorties accompagnées uniquement";
        /// Life in a protected unit (coded doors).
        UniteProtegee = "unite_protegee", "Vie en unité protégée (portes à code)";
        /// A geolocation or door-alert device.
        Geolocalisation = "geolocalisation", "Dispositif de géolocalisation ou d'alerte de sortie";
        /// Outing hours restricted.
        HorairesSortie = "horaires_sortie", "Horaires de sortie restreints";
        /// Visits restricted.
        Visites = "visites", "Restriction des visites";
        /// Any other measure (described).
        Autre = "autre", "Autre mesure";
    }
}

code_enum! {
    /// The consent sought for the measure.
    Consentement {
        /// The person consents.
        Personne = "personne", "Consentement de la personne";
        /// The legal representative consents (the person cannot express it).
        Representant = "representant", "Consentement du représentant légal";
        /// The person (or representative) refuses: the measure needs the director's decision.
        Refus = "refus", "Refus exprimé";
        /// Not yet sought.
        NonRecueilli = "non_recueilli", "Non encore recueilli";
    }
}

code_enum! {
    /// The decision of a review.
    DecisionRevision {
        /// The measure stays as it is.
        Maintenue = "maintenue", "Maintenue";
        /// The measure changes (the new terms in the comment).
        Modifiee = "modifiee", "Modifiée";
        /// The measure is lifted.
        Levee = "levee", "Levée";
    }
}

/// Longest interval between two reviews an entry may set, in days (a year: the annex is
/// reviewed at least yearly, R311-0-9; most measures far more often).
pub const REVISION_MAX_JOURS: i64 = 366;

/// Checks the dates of a measure (French message): the opinion not after the start, the
/// review after the start and within a year of it.
pub fn verifier_dates(
    avis: NaiveDate,
    debut: NaiveDate,
    revision: NaiveDate,
) -> Result<(), &'static str> {
    if avis > debut {
        return Err("L'avis médical doit précéder le début de la mesure.");
    }
    if revision <= debut {
        return Err("La date de révision doit être postérieure au début de la mesure.");
    }
    if (revision - debut).num_days() > REVISION_MAX_JOURS {
        return Err("La révision doit avoir lieu dans l'année qui suit le début de la mesure.");
    }
    Ok(())
}

/// The measure's next review after a review on `date` with `decision`: a lifted measure has
/// none (and may not get one); otherwise the next review is required, after the review and
/// within a year of it.
pub fn prochaine_revision(
    date: NaiveDate,
    decision: DecisionRevision,
    prochaine: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, &'static str> {
    match (decision, prochaine) {
        (DecisionRevision::Levee, None) => Ok(None),
        (DecisionRevision::Levee, Some(_)) => {
            Err("Une mesure levée n'a plus de révision : laissez la prochaine révision vide.")
        }
        (_, None) => {
            Err("Indiquez la date de la prochaine révision de la mesure maintenue ou modifiée.")
        }
        (_, Some(p)) if p <= date => {
            Err("La prochaine révision doit être postérieure à la révision.")
        }
        (_, Some(p)) if (p - date).num_days() > REVISION_MAX_JOURS => {
            Err("La prochaine révision doit avoir lieu dans l'année.")
        }
        (_, Some(p)) => Ok(Some(p)),
    }
}

/// Whether a review due on `revision` is overdue on `aujourdhui` (the due day itself is not).
pub fn revision_en_retard(revision: NaiveDate, aujourdhui: NaiveDate) -> bool {
    aujourdhui > revision
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sejour::essai::d;

    #[test]
    fn a_review_is_overdue_from_the_day_after_it_was_due() {
        assert!(!revision_en_retard(d("2026-12-06"), d("2026-12-06")));
        assert!(revision_en_retard(d("2026-12-05"), d("2026-12-06")));
        assert!(!revision_en_retard(d("2027-01-01"), d("2026-12-06")));
    }

    #[test]
    fn a_measure_needs_an_opinion_first_and_a_review_within_the_year() {
        let debut = d("2026-03-01");
        assert!(verifier_dates(d("2026-02-20"), debut, d("2026-06-01")).is_ok());
        assert!(verifier_dates(d("2026-03-02"), debut, d("2026-06-01")).is_err());
        assert!(verifier_dates(d("2026-02-20"), debut, debut).is_err());
        assert!(verifier_dates(d("2026-02-20"), debut, d("2027-03-03")).is_err());
    }

    #[test]
    fn a_lifted_measure_has_no_next_review_and_the_others_need_one() {
        use DecisionRevision::*;
        let jour = d("2026-06-01");
        assert_eq!(prochaine_revision(jour, Levee, None), Ok(None));
        assert!(prochaine_revision(jour, Levee, Some(d("2026-09-01"))).is_err());
        assert!(prochaine_revision(jour, Maintenue, None).is_err());
        assert!(prochaine_revision(jour, Modifiee, Some(jour)).is_err());
        assert_eq!(
            prochaine_revision(jour, Maintenue, Some(d("2026-09-01"))),
            Ok(Some(d("2026-09-01")))
        );
        assert!(prochaine_revision(jour, Maintenue, Some(d("2027-06-03"))).is_err());
    }
}

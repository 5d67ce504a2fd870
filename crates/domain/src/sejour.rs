//! Admission and stays (ADM-3): the kinds of support, the financing, how a stay ends, and
//! the rules a stay must follow before it is written (dates, overlapping permanent stays,
//! capacity). Periods are half-open: a stay covers `[date_entree, date_sortie)`, the exit day
//! belongs to the next stay (a transfer's exit is the next stay's entry).

use chrono::NaiveDate;

code_enum! {
    /// The kind of support of a stay.
    TypeAccompagnement {
        /// Permanent residential care (EHPAD, foyer).
        HebergementPermanent = "hebergement_permanent", "Hébergement permanent";
        /// Temporary residential care.
        HebergementTemporaire = "hebergement_temporaire", "Hébergement temporaire";
        /// Day care.
        AccueilJour = "accueil_jour", "Accueil de jour";
        /// Boarding (IME, MECS).
        Internat = "internat", "Internat";
        /// Half-boarding.
        SemiInternat = "semi_internat", "Semi-internat";
        /// Day school without lunch.
        Externat = "externat", "Externat";
        /// Support at home (SESSAD, SAD, SSIAD).
        Domicile = "domicile", "Accompagnement à domicile (SESSAD, SAD)";
        /// Child-protection placement.
        PlacementAse = "placement_ase", "Placement ASE";
        /// Emergency shelter.
        HebergementUrgence = "hebergement_urgence", "Hébergement d'urgence";
    }
}

impl TypeAccompagnement {
    /// Whether the person lives there: two such stays of one person cannot overlap.
    pub fn permanent(self) -> bool {
        matches!(
            self,
            TypeAccompagnement::HebergementPermanent
                | TypeAccompagnement::Internat
                | TypeAccompagnement::PlacementAse
        )
    }
}

code_enum! {
    /// Who pays for the stay.
    Financement {
        /// Departmental social assistance (aide sociale à l'hébergement).
        AideSociale = "aide_sociale", "Aide sociale";
        /// Child protection (ASE).
        Ase = "ase", "Aide sociale à l'enfance";
        /// Health insurance.
        AssuranceMaladie = "assurance_maladie", "Assurance maladie";
        /// Personalised autonomy allowance.
        Apa = "apa", "APA";
        /// The person or their family.
        Personnel = "personnel", "Paiement personnel";
    }
}

code_enum! {
    /// How a stay ended.
    ModeSortie {
        /// Moved to another unit or établissement of the organisation (a new stay follows).
        Transfert = "transfert", "Transfert";
        /// Back home.
        RetourDomicile = "retour_domicile", "Retour à domicile";
        /// Another établissement outside the organisation.
        AutreEtablissement = "autre_etablissement", "Autre établissement";
        /// Hospital.
        Hospitalisation = "hospitalisation", "Hospitalisation";
        /// Death.
        Deces = "deces", "Décès";
        /// End of the measure (placement, orientation).
        FinMesure = "fin_mesure", "Fin de mesure";
        /// Coming of age.
        Majorite = "majorite", "Majorité";
        /// Other.
        Autre = "autre", "Autre";
    }
}

/// A period `[debut, fin)`; `fin` = `None` is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Periode {
    /// First day.
    pub debut: NaiveDate,
    /// Day after the last one (the exit day), if known.
    pub fin: Option<NaiveDate>,
}

impl Periode {
    /// Whether the two periods share a day.
    pub fn chevauche(&self, autre: &Periode) -> bool {
        let avant = |fin: Option<NaiveDate>, debut: NaiveDate| fin.is_some_and(|f| f <= debut);
        !(avant(self.fin, autre.debut) || avant(autre.fin, self.debut))
    }

    /// Whether `jour` is in the period.
    pub fn contient(&self, jour: NaiveDate) -> bool {
        self.debut <= jour && self.fin.is_none_or(|f| jour < f)
    }
}

/// The exit must come after the entry (French message).
pub fn verifier_dates(entree: NaiveDate, sortie: Option<NaiveDate>) -> Result<(), &'static str> {
    match sortie {
        Some(s) if s <= entree => {
            Err("La date de sortie doit être postérieure à la date d'entrée.")
        }
        _ => Ok(()),
    }
}

/// Refuses a permanent stay overlapping another permanent stay of the same person.
pub fn verifier_chevauchement(
    nouveau: TypeAccompagnement,
    periode: &Periode,
    autres: &[(TypeAccompagnement, Periode)],
) -> Result<(), &'static str> {
    if nouveau.permanent()
        && autres
            .iter()
            .any(|(t, p)| t.permanent() && p.chevauche(periode))
    {
        return Err("Cette personne a déjà un séjour permanent sur cette période : deux séjours permanents ne peuvent se chevaucher (utilisez le transfert ou clôturez le séjour en cours).");
    }
    Ok(())
}

/// Whether a new person fits: `occupes` people on the entry day for `capacite` places
/// (`None`: no capacity declared). Over capacity needs an explicit override (`forcer`).
pub fn verifier_capacite(
    capacite: Option<i64>,
    occupes: i64,
    forcer: bool,
) -> Result<bool, String> {
    match capacite {
        Some(c) if occupes >= c => {
            if forcer {
                Ok(true)
            } else {
                Err(format!("Capacité atteinte : {occupes} personnes pour {c} places à cette date. Cochez « dépasser la capacité » pour admettre quand même (l'action est tracée)."))
            }
        }
        _ => Ok(false),
    }
}

/// Dates and periods written as text, for the tests of this crate.
#[cfg(test)]
pub(crate) mod essai {
    use super::*;

    /// `AAAA-MM-JJ`.
    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// `[a, b)`.
    pub(crate) fn p(a: &str, b: Option<&str>) -> Periode {
        Periode {
            debut: d(a),
            fin: b.map(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::essai::{d, p};
    use super::*;

    #[test]
    fn periods_are_half_open() {
        let a = p("2026-01-01", Some("2026-02-01"));
        assert!(!a.chevauche(&p("2026-02-01", None)), "a transfer day");
        assert!(a.chevauche(&p("2026-01-31", None)));
        assert!(p("2026-03-01", None).chevauche(&p("2020-01-01", None)));
        assert!(!p("2026-03-01", None).chevauche(&p("2020-01-01", Some("2026-03-01"))));
        assert!(a.contient(d("2026-01-31")) && !a.contient(d("2026-02-01")));
    }

    #[test]
    fn two_permanent_stays_cannot_overlap() {
        use TypeAccompagnement::*;
        let autres = [(HebergementPermanent, p("2026-01-01", None))];
        let periode = p("2026-06-01", None);
        assert!(verifier_chevauchement(Internat, &periode, &autres).is_err());
        assert!(verifier_chevauchement(AccueilJour, &periode, &autres).is_ok());
        let autres = [(AccueilJour, p("2026-01-01", None))];
        assert!(verifier_chevauchement(HebergementPermanent, &periode, &autres).is_ok());
        assert!(verifier_dates(d("2026-01-02"), Some(d("2026-01-02"))).is_err());
    }

    #[test]
    fn capacity_needs_an_override() {
        assert_eq!(verifier_capacite(Some(10), 9, false), Ok(false));
        assert!(verifier_capacite(Some(10), 10, false)
            .unwrap_err()
            .contains("Capacité atteinte"));
        assert_eq!(verifier_capacite(Some(10), 10, true), Ok(true));
        assert_eq!(verifier_capacite(None, 500, false), Ok(false));
    }
}

//! The emergency liaison file (*dossier de liaison d'urgence*, DLU, HAS/ANESM 2015; SOI-6):
//! assembled live from the file by the store; here, which of its mandatory items are
//! missing, and the return sheet from the emergency service (*fiche de liaison d'urgence,
//! retour des urgences*).

use chrono::NaiveDate;

code_enum! {
    /// A mandatory item of the DLU (HAS: identity, médecin traitant, personne de confiance,
    /// allergies, advance directives, palliative care, current treatment, date of update).
    ElementDlu {
        /// The social security number (the INS matricule).
        MatriculeIns = "matricule_ins", "Numéro de sécurité sociale (matricule INS)";
        /// The médecin traitant.
        MedecinTraitant = "medecin_traitant", "Médecin traitant";
        /// The personne de confiance.
        PersonneConfiance = "personne_confiance", "Personne de confiance";
        /// Allergies (« Aucune allergie connue » counts).
        Allergies = "allergies", "Allergies (ou « aucune allergie connue »)";
        /// Whether there are advance directives and where.
        Directives = "directives", "Directives anticipées (oui / non, où les trouver)";
        /// Palliative care or not.
        Palliatif = "palliatif", "Soins palliatifs (oui / non)";
        /// The current treatment.
        Traitements = "traitements", "Traitement en cours";
        /// The medical summary updated within a year.
        MiseAJour = "mise_a_jour", "Mise à jour de moins d'un an";
    }
}

/// What the file holds of each mandatory item.
#[derive(Clone, Copy, Debug, Default)]
pub struct Presences {
    /// The identity has an INS matricule.
    pub matricule_ins: bool,
    /// A médecin traitant is linked.
    pub medecin_traitant: bool,
    /// A personne de confiance is named in the circle.
    pub personne_confiance: bool,
    /// Active allergy entries.
    pub allergies: bool,
    /// An active advance-directives entry.
    pub directives: bool,
    /// An active palliative-care entry.
    pub palliatif: bool,
    /// Active treatment entries (or, once wired, active prescriptions).
    pub traitements: bool,
    /// Day of the newest entry of the medical summary.
    pub mise_a_jour: Option<NaiveDate>,
}

/// Days after which the medical summary is no longer current for the DLU (HAS DLU-Dom: at
/// least a yearly update).
pub const JOURS_MISE_A_JOUR: i64 = 365;

/// The mandatory items missing from a DLU on `aujourdhui`, in the order of [`ElementDlu::ALL`].
pub fn manquants(p: &Presences, aujourdhui: NaiveDate) -> Vec<ElementDlu> {
    let a_jour = p
        .mise_a_jour
        .is_some_and(|d| (aujourdhui - d).num_days() <= JOURS_MISE_A_JOUR);
    ElementDlu::ALL
        .iter()
        .copied()
        .filter(|e| !match e {
            ElementDlu::MatriculeIns => p.matricule_ins,
            ElementDlu::MedecinTraitant => p.medecin_traitant,
            ElementDlu::PersonneConfiance => p.personne_confiance,
            ElementDlu::Allergies => p.allergies,
            ElementDlu::Directives => p.directives,
            ElementDlu::Palliatif => p.palliatif,
            ElementDlu::Traitements => p.traitements,
            ElementDlu::MiseAJour => a_jour,
        })
        .collect()
}

/// The rules a return sheet breaks on `aujourdhui`, as (field, French message): a return
/// date not in the future, and what was found (the diagnosis) or done.
pub fn erreurs_retour(
    date_retour: NaiveDate,
    diagnostic: &str,
    aujourdhui: NaiveDate,
) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    if date_retour > aujourdhui {
        v.push((
            "date_retour",
            "La date du retour ne peut pas être dans le futur.".to_string(),
        ));
    }
    if diagnostic.trim().is_empty() {
        v.push((
            "diagnostic",
            "Indiquez le diagnostic ou la conclusion du service des urgences.".to_string(),
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn complet() -> Presences {
        Presences {
            matricule_ins: true,
            medecin_traitant: true,
            personne_confiance: true,
            allergies: true,
            directives: true,
            palliatif: true,
            traitements: true,
            mise_a_jour: Some(d("2026-06-01")),
        }
    }

    #[test]
    fn a_complete_file_misses_nothing() {
        assert!(manquants(&complet(), d("2026-12-06")).is_empty());
    }

    #[test]
    fn each_missing_item_is_flagged_alone() {
        let today = d("2026-12-06");
        type Retrait = fn(&mut Presences);
        let cas: [(Retrait, ElementDlu); 8] = [
            (|p| p.matricule_ins = false, ElementDlu::MatriculeIns),
            (|p| p.medecin_traitant = false, ElementDlu::MedecinTraitant),
            (
                |p| p.personne_confiance = false,
                ElementDlu::PersonneConfiance,
            ),
            (|p| p.allergies = false, ElementDlu::Allergies),
            (|p| p.directives = false, ElementDlu::Directives),
            (|p| p.palliatif = false, ElementDlu::Palliatif),
            (|p| p.traitements = false, ElementDlu::Traitements),
            (|p| p.mise_a_jour = None, ElementDlu::MiseAJour),
        ];
        for (enlever, element) in cas {
            let mut p = complet();
            enlever(&mut p);
            assert_eq!(manquants(&p, today), [element]);
        }
        assert_eq!(manquants(&Presences::default(), today), ElementDlu::ALL);
    }

    #[test]
    fn a_summary_older_than_a_year_is_flagged() {
        let p = |jour: &str| Presences {
            mise_a_jour: Some(d(jour)),
            ..complet()
        };
        let today = d("2026-12-06");
        assert!(manquants(&p("2025-12-06"), today).is_empty());
        assert_eq!(manquants(&p("2025-12-05"), today), [ElementDlu::MiseAJour]);
    }

    #[test]
    fn a_return_sheet_needs_a_diagnosis_and_a_past_date() {
        let today = d("2026-12-06");
        assert!(erreurs_retour(today, "Contusion", today).is_empty());
        let champs: Vec<_> = erreurs_retour(d("2026-12-07"), " ", today)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(champs, ["date_retour", "diagnostic"]);
    }
}

//! Discharge and follow-up (GA-5): the follow-up duty after a discharge as dated tasks given
//! to a professional, the tasks a discharge proposes by itself, and when a file is closed
//! (read-mostly: see [`crate::policy::decider`]). Dates are Europe/Paris calendar days.

use chrono::{Months, NaiveDate};

use crate::organisation::Domaine;
use crate::sejour::{ModeSortie, TypeAccompagnement};

/// A follow-up task proposed by a discharge: its label and its due date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiviPropose {
    /// What to do (French).
    pub libelle: String,
    /// When.
    pub echeance: NaiveDate,
}

/// The follow-up tasks a discharge on `sortie` proposes: child protection (a placement, or an
/// établissement of the PDE domain) and shelter (AHI domain, emergency shelter) call for news
/// of the person 3 and 6 months after they left (except after a death or a transfer, and a
/// child-protection measure's end or coming of age in child protection still gets them: the
/// young adult is followed). Nothing for the other domains.
pub fn suivis_proposes(
    domaine: Domaine,
    accompagnement: TypeAccompagnement,
    mode: ModeSortie,
    sortie: NaiveDate,
) -> Vec<SuiviPropose> {
    if matches!(mode, ModeSortie::Deces | ModeSortie::Transfert) {
        return Vec::new();
    }
    let quoi = match (domaine, accompagnement) {
        (Domaine::Pde, _) | (_, TypeAccompagnement::PlacementAse) => {
            "Suivi après la sortie (protection de l'enfance)"
        }
        (Domaine::Ahi, _) | (_, TypeAccompagnement::HebergementUrgence) => {
            "Suivi après la sortie (hébergement)"
        }
        _ => return Vec::new(),
    };
    [3, 6]
        .into_iter()
        .filter_map(|mois| {
            Some(SuiviPropose {
                libelle: format!("{quoi} : nouvelles à {mois} mois"),
                echeance: sortie.checked_add_months(Months::new(mois))?,
            })
        })
        .collect()
}

/// Whether a file is closed on `aujourdhui`: it has stays (`sorties`: each stay's exit day,
/// `None` while it runs) and every one ended on or before that day. A file without any stay
/// (an application not yet admitted) is not closed.
pub fn dossier_clos(sorties: &[Option<NaiveDate>], aujourdhui: NaiveDate) -> bool {
    !sorties.is_empty() && sorties.iter().all(|s| s.is_some_and(|d| d <= aujourdhui))
}

/// Whether a task due on `echeance` and not done is late on `aujourdhui`.
pub fn en_retard(echeance: NaiveDate, aujourdhui: NaiveDate) -> bool {
    aujourdhui > echeance
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sejour::essai::d;

    #[test]
    fn child_protection_and_shelter_discharges_propose_follow_ups_at_3_and_6_months() {
        let s = suivis_proposes(
            Domaine::Pde,
            TypeAccompagnement::Internat,
            ModeSortie::RetourDomicile,
            d("2026-08-31"),
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].echeance, d("2026-11-30"), "end of a shorter month");
        assert_eq!(s[1].echeance, d("2027-02-28"));
        assert!(s[0].libelle.contains("3 mois"));
        let abri = suivis_proposes(
            Domaine::Pa,
            TypeAccompagnement::HebergementUrgence,
            ModeSortie::Autre,
            d("2026-01-15"),
        );
        assert_eq!(abri.len(), 2);
        assert!(abri[0].libelle.contains("hébergement"));
        assert!(suivis_proposes(
            Domaine::Pa,
            TypeAccompagnement::HebergementPermanent,
            ModeSortie::RetourDomicile,
            d("2026-01-15")
        )
        .is_empty());
        assert!(suivis_proposes(
            Domaine::Pde,
            TypeAccompagnement::PlacementAse,
            ModeSortie::Deces,
            d("2026-01-15")
        )
        .is_empty());
    }

    #[test]
    fn a_file_is_closed_when_every_stay_has_ended() {
        let today = d("2026-12-06");
        assert!(!dossier_clos(&[], today), "no stay yet");
        assert!(!dossier_clos(&[None], today));
        assert!(
            !dossier_clos(&[Some(d("2026-12-07"))], today),
            "leaves tomorrow"
        );
        assert!(dossier_clos(&[Some(d("2026-12-06"))], today), "left today");
        assert!(
            !dossier_clos(&[Some(d("2026-01-01")), None], today),
            "readmitted"
        );
        assert!(en_retard(d("2026-12-05"), today) && !en_retard(today, today));
    }
}

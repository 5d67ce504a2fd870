//! Applications (*candidatures*, ADM-1) and the first interview (ADM-2): where an application
//! comes from, its priority, its status flow and who may read or write the applications of
//! an établissement. The flow is a pure function ([`verifier_transition`]) that the store
//! applies inside the write's transaction, so a page and the API cannot decide differently.

use chrono::{Datelike, NaiveDate};

use crate::policy::{Action, Matrice, Portee, Refus, Role, Section};

code_enum! {
    /// Where an application comes from.
    OrigineCandidature {
        /// The person or their family.
        Personne = "personne", "La personne ou sa famille";
        /// An orientation decision of the MDPH (CDAPH).
        Mdph = "mdph", "Décision d'orientation MDPH";
        /// A placement decision of child protection (ASE, judge).
        Ase = "ase", "Décision de placement ASE";
        /// A hospital (discharge planning).
        Hopital = "hopital", "Hôpital";
        /// A request made on Via Trajectoire.
        ViaTrajectoire = "via_trajectoire", "Demande Via Trajectoire";
    }
}

code_enum! {
    /// How urgent an application is (the waiting list is ordered by it, then by date).
    Priorite {
        /// Urgent (risk at home, end of hospital stay).
        Urgente = "urgente", "Urgente";
        /// High.
        Haute = "haute", "Haute";
        /// Normal.
        Normale = "normale", "Normale";
    }
}

code_enum! {
    /// The status of an application.
    StatutCandidature {
        /// Received, not yet studied.
        Recue = "recue", "Reçue";
        /// Being studied.
        AEtude = "a_l_etude", "À l'étude";
        /// A first interview is planned (an appointment exists).
        EntretienPlanifie = "entretien_planifie", "Entretien planifié";
        /// Accepted: the person will be admitted.
        Acceptee = "acceptee", "Acceptée";
        /// Refused (with its motive).
        Refusee = "refusee", "Refusée";
        /// Accepted in principle, waiting for a place.
        ListeAttente = "liste_attente", "Liste d'attente";
        /// The person withdrew.
        Desistement = "desistement", "Désistement";
    }
}

impl StatutCandidature {
    /// The statuses that may follow this one.
    pub fn suivants(self) -> &'static [StatutCandidature] {
        use StatutCandidature::*;
        match self {
            Recue => &[AEtude, Refusee, Desistement],
            AEtude => &[EntretienPlanifie, Refusee, Desistement],
            EntretienPlanifie => &[AEtude, Acceptee, Refusee, ListeAttente, Desistement],
            ListeAttente => &[EntretienPlanifie, Acceptee, Refusee, Desistement],
            Acceptee => &[Desistement],
            Refusee | Desistement => &[],
        }
    }

    /// Whether the application is still in progress (it shows in the waiting list).
    pub fn en_cours(self) -> bool {
        !matches!(
            self,
            StatutCandidature::Refusee | StatutCandidature::Desistement
        )
    }
}

/// Refuses a change of status that the flow does not allow, with a French message: a
/// refusal needs its motive; « entretien planifié » is reached only by planning the
/// interview (`planification`: an appointment is written with it).
pub fn verifier_transition(
    de: StatutCandidature,
    vers: StatutCandidature,
    motif: Option<&str>,
    planification: bool,
) -> Result<(), String> {
    if de == vers {
        return Err(format!("La candidature est déjà « {} ».", de.label_fr()));
    }
    if !de.suivants().contains(&vers) {
        return Err(match de {
            StatutCandidature::Refusee | StatutCandidature::Desistement => format!(
                "La candidature est close (« {} ») : son statut ne change plus.",
                de.label_fr()
            ),
            _ => format!(
                "Une candidature « {} » ne peut pas passer à « {} ».",
                de.label_fr(),
                vers.label_fr()
            ),
        });
    }
    if vers == StatutCandidature::EntretienPlanifie && !planification {
        return Err("Planifiez l'entretien depuis la candidature : le rendez-vous est créé avec le changement de statut.".into());
    }
    if vers == StatutCandidature::Refusee && motif.is_none_or(|m| m.trim().is_empty()) {
        return Err("Le motif du refus est obligatoire.".into());
    }
    Ok(())
}

/// Whether `role` may read (`Lire`) or write (`Ecrire`: record, change, move in the flow,
/// plan the interview) the applications of the établissements it works in: the
/// administrative section's right, for professionals of établissements only. Which
/// applications is the store's part (those aimed at one of the account's établissements).
pub fn peut_candidatures(matrice: &Matrice, role: Role, action: Action) -> Result<(), Refus> {
    let action = match action {
        Action::Lire => Action::Lire,
        _ => Action::Ecrire,
    };
    if role.portee() != Portee::Etablissements
        || !matrice.permet(role, Section::Administratif, action)
    {
        return Err(Refus::NonPermisParLeRole);
    }
    Ok(())
}

/// Age in whole years on `jour` of a person born on `naissance`.
pub fn age(naissance: NaiveDate, jour: NaiveDate) -> i32 {
    let mut a = jour.year() - naissance.year();
    if (jour.month(), jour.day()) < (naissance.month(), naissance.day()) {
        a -= 1;
    }
    a
}

/// The latest birth date of a person at least `age` years old on `jour` (the waiting list's
/// « âge minimum » filter as a date bound); 29 February falls back to the 28th.
pub fn ne_au_plus_tard(age: u32, jour: NaiveDate) -> NaiveDate {
    let annee = jour.year() - age as i32;
    NaiveDate::from_ymd_opt(annee, jour.month(), jour.day())
        .or_else(|| NaiveDate::from_ymd_opt(annee, jour.month(), 28))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::StatutCandidature::*;
    use super::*;

    #[test]
    fn every_forbidden_transition_is_refused_in_french() {
        let permis = [
            (Recue, AEtude),
            (Recue, Refusee),
            (Recue, Desistement),
            (AEtude, EntretienPlanifie),
            (AEtude, Refusee),
            (AEtude, Desistement),
            (EntretienPlanifie, AEtude),
            (EntretienPlanifie, Acceptee),
            (EntretienPlanifie, Refusee),
            (EntretienPlanifie, ListeAttente),
            (EntretienPlanifie, Desistement),
            (ListeAttente, EntretienPlanifie),
            (ListeAttente, Acceptee),
            (ListeAttente, Refusee),
            (ListeAttente, Desistement),
            (Acceptee, Desistement),
        ];
        let mut refusees = 0;
        for de in StatutCandidature::ALL {
            for vers in StatutCandidature::ALL {
                let r = verifier_transition(*de, *vers, Some("motif"), true);
                if permis.contains(&(*de, *vers)) {
                    assert_eq!(r, Ok(()), "{de:?} → {vers:?} is allowed");
                } else {
                    refusees += 1;
                    let m = r.expect_err(&format!("{de:?} → {vers:?} is forbidden"));
                    assert!(
                        m.contains(de.label_fr()),
                        "the message names the status: {m}"
                    );
                }
            }
        }
        assert_eq!(refusees, 7 * 7 - permis.len());
    }

    #[test]
    fn closed_applications_say_so() {
        let m = verifier_transition(Refusee, AEtude, None, false).unwrap_err();
        assert!(m.contains("close"), "{m}");
        let m = verifier_transition(Desistement, Acceptee, None, false).unwrap_err();
        assert!(m.contains("close"), "{m}");
    }

    #[test]
    fn a_refusal_needs_its_motive() {
        for m in [None, Some(""), Some("  ")] {
            assert_eq!(
                verifier_transition(AEtude, Refusee, m, false),
                Err("Le motif du refus est obligatoire.".into())
            );
        }
        assert_eq!(
            verifier_transition(AEtude, Refusee, Some("Hors agrément"), false),
            Ok(())
        );
    }

    #[test]
    fn the_interview_status_comes_with_an_appointment_only() {
        assert!(verifier_transition(AEtude, EntretienPlanifie, None, false)
            .unwrap_err()
            .contains("rendez-vous"));
        assert_eq!(
            verifier_transition(AEtude, EntretienPlanifie, None, true),
            Ok(())
        );
        // Accepting without an interview is not in the flow.
        assert!(verifier_transition(AEtude, Acceptee, None, false).is_err());
    }

    #[test]
    fn rights_follow_the_administrative_section_for_professionals_of_etablissements() {
        let m = Matrice::par_defaut();
        assert_eq!(
            peut_candidatures(&m, Role::Secretariat, Action::Ecrire),
            Ok(())
        );
        assert_eq!(peut_candidatures(&m, Role::Cadre, Action::Ecrire), Ok(()));
        assert_eq!(peut_candidatures(&m, Role::Educateur, Action::Lire), Ok(()));
        assert_eq!(
            peut_candidatures(&m, Role::Educateur, Action::Ecrire),
            Err(Refus::NonPermisParLeRole)
        );
        for r in [Role::IntervenantDomicile, Role::Usager, Role::Proche] {
            assert_eq!(
                peut_candidatures(&m, r, Action::Lire),
                Err(Refus::NonPermisParLeRole)
            );
        }
        assert_eq!(
            peut_candidatures(&m, Role::Administrateur, Action::Lire),
            Err(Refus::NonPermisParLeRole)
        );
    }

    #[test]
    fn ages_and_their_date_bounds() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(age(d("1940-12-07"), d("2026-12-06")), 85);
        assert_eq!(age(d("1940-12-06"), d("2026-12-06")), 86);
        assert_eq!(ne_au_plus_tard(60, d("2026-12-06")), d("1966-12-06"));
        assert_eq!(ne_au_plus_tard(1, d("2028-02-29")), d("2027-02-28"));
        assert_eq!(age(d("1966-12-06"), d("2026-12-06")), 60);
    }
}

//! The team around the person (issue 13, COO-2): the service's professionals who follow a
//! person, each with a function and a place (referent, co-referent, member), dated. The
//! rules of a change are pure: one referent at a time, a new referent ends the former one
//! the day before, dates never in the future and never reversed.

use chrono::{Duration, NaiveDate};

code_enum! {
    /// What a member does for the person.
    FonctionEquipe {
        /// Éducateur (spécialisé, moniteur…).
        Educateur = "educateur", "Éducateur";
        /// Nurse.
        Infirmier = "infirmier", "Infirmier";
        /// Care assistant.
        AideSoignant = "aide_soignant", "Aide-soignant";
        /// Psychologist.
        Psychologue = "psychologue", "Psychologue";
        /// Doctor of the service.
        Medecin = "medecin", "Médecin";
        /// Social worker.
        AssistantSocial = "assistant_social", "Assistant social";
        /// Coordinator of a home-care service.
        CoordinateurSad = "coordinateur_sad", "Coordinateur SAD";
        /// Home-care worker.
        IntervenantDomicile = "intervenant_domicile", "Intervenant à domicile";
        /// Head of unit or service.
        Cadre = "cadre", "Cadre / chef de service";
        /// Anything else.
        Autre = "autre", "Autre fonction";
    }
}

code_enum! {
    /// A member's place in the team.
    PlaceEquipe {
        /// The referent (one at a time).
        Referent = "referent", "Référent";
        /// A co-referent (several allowed).
        CoReferent = "co_referent", "Co-référent";
        /// A member.
        Membre = "membre", "Membre";
    }
}

/// French message of an unknown function.
pub const INCONNUE_FONCTION: &str = "Choisissez la fonction dans la liste.";
/// French message of an unknown place.
pub const INCONNUE_PLACE: &str =
    "Choisissez la place dans l'équipe : référent, co-référent ou membre.";

/// The function a team member most likely has, from their account's role code.
pub fn fonction_du_role(role: &str) -> FonctionEquipe {
    match role {
        "educateur" => FonctionEquipe::Educateur,
        "infirmier" => FonctionEquipe::Infirmier,
        "aide_soignant" => FonctionEquipe::AideSoignant,
        "psychologue" => FonctionEquipe::Psychologue,
        "medecin" => FonctionEquipe::Medecin,
        "intervenant_domicile" => FonctionEquipe::IntervenantDomicile,
        "cadre" | "direction" => FonctionEquipe::Cadre,
        _ => FonctionEquipe::Autre,
    }
}

/// A refusal of a team change: the field it concerns and the French message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusEquipe {
    /// The form field (`debut`, `fin`, `utilisateur_id`).
    pub champ: &'static str,
    /// The message.
    pub message: String,
}

fn refus(champ: &'static str, message: impl Into<String>) -> RefusEquipe {
    RefusEquipe {
        champ,
        message: message.into(),
    }
}

/// Checks the start of a membership: not after `aujourdhui`.
pub fn verifier_debut(debut: NaiveDate, aujourdhui: NaiveDate) -> Result<(), RefusEquipe> {
    if debut > aujourdhui {
        return Err(refus(
            "debut",
            "La date de début ne peut pas être dans le futur.",
        ));
    }
    Ok(())
}

/// Checks the end of a membership begun on `debut`: not before it, not in the future.
pub fn verifier_fin(
    debut: NaiveDate,
    fin: NaiveDate,
    aujourdhui: NaiveDate,
) -> Result<(), RefusEquipe> {
    if fin > aujourdhui {
        return Err(refus(
            "fin",
            "La date de fin ne peut pas être dans le futur.",
        ));
    }
    if fin < debut {
        return Err(refus(
            "fin",
            format!(
                "La date de fin ne peut pas précéder le début ({}).",
                debut.format("%d/%m/%Y")
            ),
        ));
    }
    Ok(())
}

/// The end of the former referent (begun on `debut_ancien`) when a new one begins on
/// `debut_nouveau`: the day before; refused when the former began that day or later.
pub fn fin_ancien_referent(
    debut_ancien: NaiveDate,
    debut_nouveau: NaiveDate,
) -> Result<NaiveDate, RefusEquipe> {
    let veille = debut_nouveau - Duration::days(1);
    if veille < debut_ancien {
        return Err(refus(
            "debut",
            format!(
                "Le référent actuel l'est depuis le {} : le nouveau référent commence au plus tôt le lendemain.",
                debut_ancien.format("%d/%m/%Y")
            ),
        ));
    }
    Ok(veille)
}

/// How a membership begun on `debut` with `ancienne` takes the function `nouvelle` from
/// `depuis` (today at the latest): the same day as it began, the membership is corrected in
/// place (`None`); later, it ends the day before and a new one begins (`Some(veille)`), so
/// that the history says who did what when.
pub fn changement_de_fonction(
    debut: NaiveDate,
    ancienne: FonctionEquipe,
    nouvelle: FonctionEquipe,
    depuis: NaiveDate,
    aujourdhui: NaiveDate,
) -> Result<Option<NaiveDate>, RefusEquipe> {
    if nouvelle == ancienne {
        return Err(refus(
            "fonction",
            format!("C'est déjà sa fonction : {}.", nouvelle.label_fr()),
        ));
    }
    if depuis > aujourdhui {
        return Err(refus(
            "depuis",
            "La nouvelle fonction ne peut pas commencer dans le futur.",
        ));
    }
    if depuis < debut {
        return Err(refus(
            "depuis",
            format!(
                "La participation a commencé le {} : la nouvelle fonction ne peut pas commencer avant.",
                debut.format("%d/%m/%Y")
            ),
        ));
    }
    Ok((depuis > debut).then(|| depuis - Duration::days(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_changes_from_a_day_keeping_the_history() {
        use FonctionEquipe as F;
        let (debut, auj) = (d("2026-01-10"), d("2026-03-01"));
        let change = |a, n, depuis| changement_de_fonction(debut, a, n, d(depuis), auj);
        assert_eq!(
            change(F::Autre, F::Infirmier, "2026-02-01"),
            Ok(Some(d("2026-01-31")))
        );
        assert_eq!(change(F::Autre, F::Infirmier, "2026-01-10"), Ok(None));
        assert_eq!(
            change(F::Autre, F::Autre, "2026-02-01").unwrap_err().champ,
            "fonction"
        );
        assert_eq!(
            change(F::Autre, F::Infirmier, "2026-01-09")
                .unwrap_err()
                .champ,
            "depuis"
        );
        assert_eq!(
            change(F::Autre, F::Infirmier, "2026-03-02")
                .unwrap_err()
                .champ,
            "depuis"
        );
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_new_referent_ends_the_former_the_day_before() {
        assert_eq!(
            fin_ancien_referent(d("2026-01-10"), d("2026-03-01")),
            Ok(d("2026-02-28"))
        );
        assert_eq!(
            fin_ancien_referent(d("2026-01-10"), d("2026-01-11")),
            Ok(d("2026-01-10"))
        );
        let r = fin_ancien_referent(d("2026-01-10"), d("2026-01-10")).unwrap_err();
        assert_eq!(r.champ, "debut");
        assert!(r.message.contains("10/01/2026"));
    }

    #[test]
    fn dates_are_never_in_the_future_nor_reversed() {
        let today = d("2026-12-06");
        assert!(verifier_debut(d("2026-12-06"), today).is_ok());
        assert_eq!(
            verifier_debut(d("2026-12-07"), today).unwrap_err().champ,
            "debut"
        );
        assert!(verifier_fin(d("2026-01-01"), d("2026-01-01"), today).is_ok());
        assert_eq!(
            verifier_fin(d("2026-02-01"), d("2026-01-01"), today)
                .unwrap_err()
                .champ,
            "fin"
        );
        assert_eq!(
            verifier_fin(d("2026-02-01"), d("2026-12-31"), today)
                .unwrap_err()
                .champ,
            "fin"
        );
    }

    #[test]
    fn the_function_follows_the_role() {
        assert_eq!(fonction_du_role("educateur"), FonctionEquipe::Educateur);
        assert_eq!(fonction_du_role("secretariat"), FonctionEquipe::Autre);
        assert_eq!(
            FonctionEquipe::from_code("coordinateur_sad"),
            Some(FonctionEquipe::CoordinateurSad)
        );
    }
}

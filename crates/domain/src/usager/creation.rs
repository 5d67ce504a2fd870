//! The rules of creating an usager's file that need no I/O: who may create, who may
//! confirm that close files are other people, and what a duplicate check decides.

use crate::policy::{Action, Matrice, Role, Section};

/// Why a creation is refused (French message for the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusCreation {
    /// The profile may not create files.
    Profil,
    /// Several établissements: the caller must choose one.
    EtablissementAChoisir,
    /// The FINESS number does not parse (the parser's French message).
    FinessInvalide(String),
    /// No établissement carries this FINESS number.
    FinessInconnu,
    /// The établissement is not one the caller works in.
    HorsEtablissement,
    /// Only a profile that validates identities may confirm another person.
    ConfirmationReservee,
}

impl RefusCreation {
    /// The form field the refusal is about, if any (otherwise it is a 403).
    pub fn champ(&self) -> Option<&'static str> {
        match self {
            RefusCreation::EtablissementAChoisir
            | RefusCreation::FinessInvalide(_)
            | RefusCreation::FinessInconnu => Some("etablissement"),
            RefusCreation::Profil
            | RefusCreation::HorsEtablissement
            | RefusCreation::ConfirmationReservee => None,
        }
    }

    /// French message.
    pub fn message_fr(&self) -> String {
        match self {
            RefusCreation::Profil => "Votre profil ne permet pas de créer un dossier d'usager.".into(),
            RefusCreation::EtablissementAChoisir => {
                "Choisissez l'établissement ou le service de l'usager.".into()
            }
            RefusCreation::FinessInvalide(m) => m.clone(),
            RefusCreation::FinessInconnu => "Aucun établissement ne porte ce numéro FINESS.".into(),
            RefusCreation::HorsEtablissement => {
                "Vous ne pouvez créer un dossier que dans un établissement où vous exercez.".into()
            }
            RefusCreation::ConfirmationReservee => "Seul un profil habilité à valider les identités peut confirmer qu'il s'agit d'une autre personne.".into(),
        }
    }
}

/// Whether `role` may create an usager's file: a professional with the right to write the
/// administrative section.
pub fn peut_creer(m: &Matrice, role: Role) -> bool {
    m.permet(role, Section::Administratif, Action::Ecrire) && role.est_professionnel()
}

/// Whether `role` may confirm that probable duplicates are other people.
pub fn peut_confirmer_doublon(m: &Matrice, role: Role) -> bool {
    m.permet(role, Section::Administratif, Action::Valider)
}

/// What the duplicate check decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionDoublons {
    /// Create (no candidate, or candidates confirmed as other people).
    Creer,
    /// Show the candidates: nothing is created.
    Montrer,
    /// A candidate carries the same INS: it cannot be another person.
    InsDejaAttribuee,
    /// Confirmed by a profile that may not confirm.
    Refus,
}

/// The decision after the duplicate check: `candidats` found, of which one has the same INS
/// (`meme_ins`), confirmed by the caller (`confirme`) who may confirm or not.
pub fn decider_doublons(
    candidats: bool,
    meme_ins: bool,
    confirme: bool,
    peut_confirmer: bool,
) -> DecisionDoublons {
    if !candidats {
        DecisionDoublons::Creer
    } else if !confirme {
        DecisionDoublons::Montrer
    } else if !peut_confirmer {
        DecisionDoublons::Refus
    } else if meme_ins {
        DecisionDoublons::InsDejaAttribuee
    } else {
        DecisionDoublons::Creer
    }
}

/// Whether a form or JSON value confirms the creation despite duplicates.
pub fn confirmation(valeur: Option<&str>) -> bool {
    matches!(valeur, Some("oui" | "true" | "1" | "on"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_candidate_creates_whatever_the_confirmation() {
        for (c, p) in [(false, false), (true, false), (false, true), (true, true)] {
            assert_eq!(
                decider_doublons(false, false, c, p),
                DecisionDoublons::Creer
            );
        }
    }

    #[test]
    fn candidates_unconfirmed_are_shown_even_with_same_ins() {
        assert_eq!(
            decider_doublons(true, false, false, true),
            DecisionDoublons::Montrer
        );
        assert_eq!(
            decider_doublons(true, true, false, true),
            DecisionDoublons::Montrer
        );
    }

    #[test]
    fn confirmation_needs_the_validation_right_before_the_ins_check() {
        assert_eq!(
            decider_doublons(true, true, true, false),
            DecisionDoublons::Refus
        );
        assert_eq!(
            decider_doublons(true, false, true, false),
            DecisionDoublons::Refus
        );
    }

    #[test]
    fn same_ins_is_never_another_person() {
        assert_eq!(
            decider_doublons(true, true, true, true),
            DecisionDoublons::InsDejaAttribuee
        );
        assert_eq!(
            decider_doublons(true, false, true, true),
            DecisionDoublons::Creer
        );
    }

    #[test]
    fn confirmation_values() {
        for v in ["oui", "true", "1", "on"] {
            assert!(confirmation(Some(v)));
        }
        for v in [None, Some(""), Some("non"), Some("false"), Some("OUI")] {
            assert!(!confirmation(v));
        }
    }

    #[test]
    fn field_refusals_name_the_etablissement_field() {
        assert_eq!(RefusCreation::FinessInconnu.champ(), Some("etablissement"));
        assert_eq!(
            RefusCreation::EtablissementAChoisir.champ(),
            Some("etablissement")
        );
        assert_eq!(RefusCreation::Profil.champ(), None);
        assert_eq!(RefusCreation::HorsEtablissement.champ(), None);
        assert_eq!(RefusCreation::ConfirmationReservee.champ(), None);
    }
}

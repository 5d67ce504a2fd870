//! The liaison book (COO-6): the dematerialised *outil de liaison* of a person at home, where
//! workers, nurses, outside partners and authorised relatives write for each other. Entries
//! are append-only (a correction is a new entry naming the one it corrects); each carries the
//! author's quality. Who may write is decided here, from the role and, for relatives and
//! partners, their participation as the cadre set it.

use chrono::{DateTime, Utc};

use crate::policy::Role;

code_enum! {
    /// The quality in which an author writes in the liaison book.
    QualiteLiaison {
        /// Home-care worker.
        Intervenant = "intervenant", "Intervenant à domicile";
        /// Nurse (of the service or of a home-care nursing service, SSIAD).
        Infirmier = "infirmier", "Infirmier";
        /// Care assistant.
        AideSoignant = "aide_soignant", "Aide-soignant";
        /// Physiotherapist.
        Kinesitherapeute = "kinesitherapeute", "Kinésithérapeute";
        /// Occupational therapist.
        Ergotherapeute = "ergotherapeute", "Ergothérapeute";
        /// Doctor.
        Medecin = "medecin", "Médecin";
        /// Educator.
        Educateur = "educateur", "Éducateur";
        /// Coordinator of the service (cadre, direction).
        Coordinateur = "coordinateur", "Coordinateur du service";
        /// A relative.
        Proche = "proche", "Proche";
        /// Another outside partner.
        AutrePartenaire = "autre_partenaire", "Autre partenaire";
    }
}

/// The qualities a cadre may give an invited partner.
pub const QUALITES_PARTENAIRE: &[QualiteLiaison] = &[
    QualiteLiaison::Infirmier,
    QualiteLiaison::Kinesitherapeute,
    QualiteLiaison::Ergotherapeute,
    QualiteLiaison::Medecin,
    QualiteLiaison::AideSoignant,
    QualiteLiaison::AutrePartenaire,
];

/// The quality of a staff author, from their role; `None` for the roles whose quality is
/// their participation's (partners, relatives) and for those that never write.
pub fn qualite_du_role(role: Role) -> Option<QualiteLiaison> {
    use QualiteLiaison as Q;
    Some(match role {
        Role::IntervenantDomicile => Q::Intervenant,
        Role::Infirmier => Q::Infirmier,
        Role::AideSoignant => Q::AideSoignant,
        Role::Medecin => Q::Medecin,
        Role::Educateur => Q::Educateur,
        Role::Cadre | Role::Direction => Q::Coordinateur,
        Role::Proche => Q::Proche,
        Role::Partenaire
        | Role::Administrateur
        | Role::Secretariat
        | Role::Psychologue
        | Role::Usager => return None,
    })
}

/// The participation of a relative or a partner in one person's liaison book, as the cadre
/// set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Participation {
    /// Their quality.
    pub qualite: QualiteLiaison,
    /// Whether they may write (always for a partner; for a relative, as the cadre decided).
    pub peut_ecrire: bool,
    /// When it ended, if it did.
    pub fin: Option<DateTime<Utc>>,
}

/// A relative not allowed to write.
pub const PROCHE_LECTURE_SEULE: &str =
    "Le cadre du service ne vous a pas ouvert l'écriture dans ce cahier de liaison : vous pouvez le lire.";
/// A partner or relative whose participation has ended (or was never opened).
pub const PARTICIPATION_CLOSE: &str =
    "Votre participation à ce cahier de liaison n'est pas ouverte ou a pris fin.";

/// The quality in which an account of `role` writes, or why it may not, at `now` (the matrix
/// and the scope are decided before, by the policy). Staff write in their role's quality;
/// a partner and a relative need an open participation, and a relative one that allows
/// writing.
pub fn peut_ecrire(
    role: Role,
    participation: Option<&Participation>,
    now: DateTime<Utc>,
) -> Result<QualiteLiaison, &'static str> {
    match role {
        Role::Partenaire | Role::Proche => {
            let p = participation
                .filter(|p| p.fin.is_none_or(|f| f > now))
                .ok_or(PARTICIPATION_CLOSE)?;
            if !p.peut_ecrire {
                return Err(PROCHE_LECTURE_SEULE);
            }
            Ok(p.qualite)
        }
        r => qualite_du_role(r).ok_or(PARTICIPATION_CLOSE),
    }
}

/// Whether an account of `role` reads the book only through an open participation (a partner:
/// their account is limited to the liaison book; a relative keeps reading what the policy
/// grants, the book included, while assigned).
pub fn participation_requise(role: Role) -> bool {
    role == Role::Partenaire
}

/// The text of an entry: required, at most [`crate::saisie::TRANSMISSION`] characters.
pub fn erreur_texte(texte: &str) -> Option<&'static str> {
    if texte.trim().is_empty() {
        Some("Le texte de l'entrée est obligatoire.")
    } else if texte.chars().count() > crate::saisie::TRANSMISSION {
        Some("L'entrée ne peut dépasser 8 000 caractères.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn p(peut_ecrire: bool, fin: Option<DateTime<Utc>>) -> Participation {
        Participation {
            qualite: QualiteLiaison::Kinesitherapeute,
            peut_ecrire,
            fin,
        }
    }

    #[test]
    fn staff_write_in_their_role_quality() {
        let now = Utc::now();
        assert_eq!(
            peut_ecrire(Role::IntervenantDomicile, None, now),
            Ok(QualiteLiaison::Intervenant)
        );
        assert_eq!(
            peut_ecrire(Role::Infirmier, None, now),
            Ok(QualiteLiaison::Infirmier)
        );
        assert_eq!(
            peut_ecrire(Role::Cadre, None, now),
            Ok(QualiteLiaison::Coordinateur)
        );
        assert!(peut_ecrire(Role::Administrateur, None, now).is_err());
        assert!(peut_ecrire(Role::Usager, None, now).is_err());
    }

    #[test]
    fn partners_and_relatives_need_an_open_participation() {
        let now = Utc::now();
        assert_eq!(
            peut_ecrire(Role::Partenaire, None, now),
            Err(PARTICIPATION_CLOSE)
        );
        assert_eq!(
            peut_ecrire(Role::Partenaire, Some(&p(true, None)), now),
            Ok(QualiteLiaison::Kinesitherapeute)
        );
        // Ended yesterday: closed; ends tomorrow: still open.
        let hier = Some(now - Duration::days(1));
        assert_eq!(
            peut_ecrire(Role::Partenaire, Some(&p(true, hier)), now),
            Err(PARTICIPATION_CLOSE)
        );
        let demain = Some(now + Duration::days(1));
        assert!(peut_ecrire(Role::Partenaire, Some(&p(true, demain)), now).is_ok());
        // A relative writes only where the cadre allowed it.
        let proche = Participation {
            qualite: QualiteLiaison::Proche,
            peut_ecrire: false,
            fin: None,
        };
        assert_eq!(
            peut_ecrire(Role::Proche, Some(&proche), now),
            Err(PROCHE_LECTURE_SEULE)
        );
        assert_eq!(
            peut_ecrire(Role::Proche, None, now),
            Err(PARTICIPATION_CLOSE)
        );
        let autorise = Participation {
            peut_ecrire: true,
            ..proche
        };
        assert_eq!(
            peut_ecrire(Role::Proche, Some(&autorise), now),
            Ok(QualiteLiaison::Proche)
        );
    }

    #[test]
    fn the_partner_role_is_limited_to_the_liaison_book() {
        use crate::policy::{sections_permises, Action, Matrice, Portee, Section};
        let m = Matrice::par_defaut();
        assert_eq!(Role::Partenaire.portee(), Portee::Affectation);
        assert!(!Role::Partenaire.est_professionnel());
        for a in Action::ALL {
            let s = sections_permises(&m, Role::Partenaire, *a);
            let attendu: &[Section] = if *a == Action::Valider {
                &[]
            } else {
                &[Section::Liaison]
            };
            assert_eq!(s, attendu, "{a:?}");
        }
        assert!(crate::policy::peut_rechercher(&m, Role::Partenaire).is_err());
        assert!(participation_requise(Role::Partenaire));
        assert!(!participation_requise(Role::IntervenantDomicile));
    }

    #[test]
    fn the_text_is_required_and_bounded() {
        assert!(erreur_texte("  ").is_some());
        assert!(erreur_texte(&"a".repeat(8001)).is_some());
        assert!(erreur_texte("Séance de kiné : marche avec déambulateur").is_none());
    }
}

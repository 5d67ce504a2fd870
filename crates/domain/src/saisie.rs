//! Limits of what people and programs type (*saisie*): the longest text each kind of field
//! takes, the number of words of a search, and the characters refused.
//!
//! The maxima are declared here once. The web boundary checks every decoded string against
//! them before a handler sees it (each request type lists its fields with one of these
//! constants), the OpenAPI document shows them as `maxLength`, and the store checks them again
//! before writing, so that no caller can write an unbounded value. Lengths count characters
//! (Unicode scalar values), as JSON Schema's `maxLength` does. See
//! docs/decisions/0013-input-boundary.md.

use std::fmt;

/// Family names and first names of persons (the INS rules take 100).
pub const NOM_PERSONNE: usize = 100;
/// Names of organismes, établissements, units, structures.
pub const NOM_STRUCTURE: usize = 200;
/// A function or job title (« médecin généraliste », « référent ASE »).
pub const FONCTION: usize = 100;
/// A code chosen in a list (relation, measure, role, section, action, document type…).
pub const CODE: usize = 50;
/// A national number as typed, separators included (NIR 15 digits, FINESS 9, SIREN 9,
/// SIRET 14, RPPS 11, COG 5): its exact format is then checked by its parser.
pub const NUMERO: usize = 30;
/// A date as typed (`JJ/MM/AAAA` or `AAAA-MM-JJ`).
pub const DATE: usize = 20;
/// A login name.
pub const IDENTIFIANT: usize = 64;
/// A password (passphrases are welcome; the bound keeps a hash cheap).
pub const MOT_DE_PASSE: usize = 128;
/// A one-time code or a second-factor secret.
pub const CODE_TOTP: usize = 64;
/// A phone number.
pub const TELEPHONE: usize = 30;
/// An e-mail or MSSanté address (RFC 5321 path limit).
pub const EMAIL: usize = 254;
/// A postal address.
pub const ADRESSE: usize = 300;
/// A reference (judgment number of a protection measure).
pub const REFERENCE: usize = 100;
/// A free-text comment (several lines).
pub const COMMENTAIRE: usize = 4000;
/// The text of a narrative transmission (several lines).
pub const TRANSMISSION: usize = 8000;
/// The target (*cible*) of a targeted transmission (« Chute », « Douleur », « Repas »).
pub const CIBLE: usize = 150;
/// The alerts of a file (allergies, risks, instructions; several lines).
pub const ALERTES: usize = 2000;
/// The stated reason of a break-the-glass access (several lines).
pub const MOTIF: usize = 1000;
/// A search text.
pub const RECHERCHE: usize = 200;
/// The most words a search takes.
pub const MOTS_RECHERCHE: usize = 10;
/// The page to go back to after login (a local path and its query).
pub const ADRESSE_RETOUR: usize = 2000;
/// Anything not listed (a cursor, a technical token, an ignored field).
pub const AUTRE: usize = 200;

/// One text field: its name as sent, its maximum, whether it takes several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Champ {
    /// Name of the field in JSON, forms and query strings.
    pub nom: &'static str,
    /// Most characters.
    pub max: usize,
    /// Tabs and line breaks allowed (textareas).
    pub lignes: bool,
    /// Most words (searches).
    pub mots: Option<usize>,
}

impl Champ {
    /// A one-line field.
    pub const fn ligne(nom: &'static str, max: usize) -> Champ {
        Champ {
            nom,
            max,
            lignes: false,
            mots: None,
        }
    }

    /// A field of several lines.
    pub const fn texte(nom: &'static str, max: usize) -> Champ {
        Champ {
            nom,
            max,
            lignes: true,
            mots: None,
        }
    }

    /// A search text: one line, [`RECHERCHE`] characters, [`MOTS_RECHERCHE`] words.
    pub const fn recherche(nom: &'static str) -> Champ {
        Champ {
            nom,
            max: RECHERCHE,
            lignes: false,
            mots: Some(MOTS_RECHERCHE),
        }
    }

    /// The field named `nom` in `champs`, or a one-line field of [`AUTRE`] characters.
    pub fn parmi(champs: &[Champ], nom: &str) -> Champ {
        champs
            .iter()
            .find(|c| c.nom == nom)
            .copied()
            .unwrap_or(Champ::ligne("", AUTRE))
    }

    /// Checks a value: no control character (but tabs and line breaks in a field of several
    /// lines), at most `max` characters, at most `mots` words.
    ///
    /// # Errors
    /// The first problem found, with its French message.
    pub fn verifier(&self, nom: &str, valeur: &str) -> Result<(), Refus> {
        if let Some(c) = controle(valeur, self.lignes) {
            return Err(Refus::Controle {
                champ: nom.to_string(),
                caractere: c,
            });
        }
        let n = valeur.chars().count();
        if n > self.max {
            return Err(Refus::Longueur {
                champ: nom.to_string(),
                max: self.max,
                saisis: n,
            });
        }
        if let Some(max) = self.mots {
            let m = mots(valeur);
            if m > max {
                return Err(Refus::Mots {
                    champ: nom.to_string(),
                    max,
                    saisis: m,
                });
            }
        }
        Ok(())
    }
}

/// The first control character of `s` (C0, DEL, C1), tabs and line breaks excepted when
/// `lignes`.
pub fn controle(s: &str, lignes: bool) -> Option<char> {
    s.chars()
        .find(|&c| c.is_control() && !(lignes && matches!(c, '\t' | '\r' | '\n')))
}

/// The words of a search as the engine sees them: runs of letters and digits (a hyphen, an
/// apostrophe, a slash or a space separates two words).
pub fn mots(s: &str) -> usize {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
}

/// Why a value is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refus {
    /// A control character.
    Controle {
        /// The field.
        champ: String,
        /// The character.
        caractere: char,
    },
    /// Too long.
    Longueur {
        /// The field.
        champ: String,
        /// Its maximum.
        max: usize,
        /// Characters sent.
        saisis: usize,
    },
    /// Too many words.
    Mots {
        /// The field.
        champ: String,
        /// Its maximum.
        max: usize,
        /// Words sent.
        saisis: usize,
    },
}

impl Refus {
    /// The field concerned.
    pub fn champ(&self) -> &str {
        match self {
            Refus::Controle { champ, .. }
            | Refus::Longueur { champ, .. }
            | Refus::Mots { champ, .. } => champ,
        }
    }
}

impl fmt::Display for Refus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refus::Controle { champ, caractere } => write!(
                f,
                "Le champ « {champ} » contient un caractère de contrôle (U+{:04X}), refusé : retirez-le.",
                u32::from(*caractere)
            ),
            Refus::Longueur { champ, max, saisis } => write!(
                f,
                "Le champ « {champ} » ne peut dépasser {max} caractères ({saisis} saisis)."
            ),
            Refus::Mots { champ, max, saisis } => write!(
                f,
                "La recherche « {champ} » ne peut compter plus de {max} mots ({saisis} saisis) : précisez-la."
            ),
        }
    }
}

impl std::error::Error for Refus {}

/// Checks `(field, value)` pairs against their maxima (for the store's inputs).
///
/// # Errors
/// The first problem found.
pub fn verifier_tous<'a>(
    valeurs: impl IntoIterator<Item = (Champ, Option<&'a str>)>,
) -> Result<(), Refus> {
    for (champ, valeur) in valeurs {
        if let Some(v) = valeur {
            champ.verifier(champ.nom, v)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_line_breaks_in_texts() {
        assert_eq!(controle("a\u{0}b", true), Some('\u{0}'));
        assert_eq!(controle("a\u{85}b", true), Some('\u{85}'));
        assert_eq!(controle("a\u{7f}", false), Some('\u{7f}'));
        assert_eq!(controle("ligne\r\nsuite\tfin", true), None);
        assert_eq!(controle("ligne\nsuite", false), Some('\n'));
        assert_eq!(controle("Hélène L’HERMITE-DUPONT", false), None);
    }

    #[test]
    fn lengths_count_characters_and_searches_count_words() {
        let nom = Champ::ligne("nom", 3);
        assert!(nom.verifier("nom", "Éé€").is_ok());
        let e = nom.verifier("nom", "Éé€a").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Le champ « nom » ne peut dépasser 3 caractères (4 saisis)."
        );
        assert_eq!(mots("jean-pierre l'hermite 12/04/1938"), 7);
        let q = Champ::recherche("q");
        assert!(q.verifier("q", "a b c d e f g h i j").is_ok());
        let e = q.verifier("q", "a b c d e f g h i j k").unwrap_err();
        assert!(e.to_string().contains("plus de 10 mots (11 saisis)"), "{e}");
        let e = Champ::ligne("username", 10)
            .verifier("username", "a\u{0}b")
            .unwrap_err();
        assert!(e.to_string().contains("caractère de contrôle (U+0000)"));
        assert_eq!(Champ::parmi(&[nom], "autre").max, AUTRE);
    }
}

//! Validated identifiers (*identifiants*): NIR/NIA and INS OID, FINESS, SIREN/SIRET,
//! RPPS/ADELI and INSEE (COG) codes.
//!
//! Every identifier is a newtype built only by `parse`, which normalises the input
//! (spaces removed, letters upper-cased where allowed) and checks the format and the
//! check key. They display and serialise as their compact form, and deserialise
//! through `parse` (DESIGN.md, « Parse, don't validate »).

use thiserror::Error;

/// Implements the textual plumbing shared by every identifier newtype wrapping a
/// `String`: `as_str`, `Display`, `FromStr`, `AsRef<str>`, `TryFrom<String>` (used by
/// serde `try_from`) and `From<T> for String` (used by serde `into`).
macro_rules! identifiant_texte {
    ($t:ident, $err:ty) => {
        impl $t {
            /// Compact, normalised form (no spaces), as stored and exchanged.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $t {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $t {
            type Error = $err;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
    };
}

mod finess;
mod insee;
mod nir;
mod rpps;
mod siren;

pub use finess::Finess;
pub use insee::{CodeCog, CodeCogInvalide};
pub use nir::{nir_key, InsOid, InsOidInconnu, Nir, NirInvalide};
pub use rpps::{Adeli, IdentifiantProfessionnel, Rpps};
pub use siren::{Siren, Siret};

/// Error of a numeric identifier with a Luhn key or a fixed length (*numéro FINESS,
/// SIREN, SIRET, RPPS, ADELI*). `identifiant` names the kind of number in the message.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NumeroInvalide {
    /// Nothing was typed (*numéro vide*).
    #[error("Le numéro {identifiant} est vide.")]
    Vide {
        /// Kind of number (« FINESS », « SIRET »…).
        identifiant: &'static str,
    },
    /// Wrong number of characters once spaces are removed.
    #[error("Le numéro {identifiant} doit comporter {attendue} caractères : {saisie} saisi{}.", pluriel(*.saisie))]
    Longueur {
        /// Kind of number.
        identifiant: &'static str,
        /// Expected length.
        attendue: usize,
        /// Length typed (spaces excluded).
        saisie: usize,
    },
    /// A character that is not allowed at this place (1-based position, spaces excluded).
    #[error("Le numéro {identifiant} contient un caractère non autorisé en position {position} : « {caractere} ».")]
    Caractere {
        /// Kind of number.
        identifiant: &'static str,
        /// 1-based position in the compact number.
        position: usize,
        /// The offending character.
        caractere: char,
    },
    /// The Luhn check digit (*clé de contrôle*) does not match.
    #[error("La clé de contrôle du numéro {identifiant} est incorrecte : {attendue} attendue, {saisie} saisie.")]
    Cle {
        /// Kind of number.
        identifiant: &'static str,
        /// Check digit computed from the other digits.
        attendue: u8,
        /// Check digit typed.
        saisie: u8,
    },
    /// The SIREN part (9 first digits) of a SIRET has a wrong Luhn key.
    #[error("La clé du SIREN (9 premiers chiffres du SIRET) est incorrecte : {attendue} attendue, {saisie} saisie.")]
    CleSirenDuSiret {
        /// Check digit computed from the 8 first digits.
        attendue: u8,
        /// 9th digit typed.
        saisie: u8,
    },
    /// A La Poste SIRET (SIREN 356000000) whose digit sum is not a multiple of 5.
    #[error("Ce numéro SIRET de La Poste (SIREN 356000000) est incorrect : la somme de ses chiffres ({somme}) n'est pas un multiple de 5.")]
    SommeLaPoste {
        /// Sum of the 14 digits.
        somme: u32,
    },
    /// An RPPS number that does not start with 1.
    #[error("Le numéro RPPS doit commencer par 1 : « {premier} » saisi.")]
    PrefixeRpps {
        /// First digit typed.
        premier: char,
    },
    /// A professional identifier that is neither 11 (RPPS) nor 9 (ADELI) digits long.
    #[error("Un identifiant professionnel comporte 11 chiffres (RPPS) ou 9 chiffres (ADELI) : {saisie} caractère{} saisi{}.", pluriel(*.saisie), pluriel(*.saisie))]
    LongueurIdentifiantProfessionnel {
        /// Length typed (spaces excluded).
        saisie: usize,
    },
}

/// French plural mark: `"s"` from 2 on.
fn pluriel(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// Removes every whitespace character (including non-breaking spaces).
fn sans_espaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Compacts `s` and checks it is exactly `longueur` ASCII digits.
fn chiffres(s: &str, identifiant: &'static str, longueur: usize) -> Result<String, NumeroInvalide> {
    let compact = sans_espaces(s);
    if compact.is_empty() {
        return Err(NumeroInvalide::Vide { identifiant });
    }
    let saisie = compact.chars().count();
    if saisie != longueur {
        return Err(NumeroInvalide::Longueur {
            identifiant,
            attendue: longueur,
            saisie,
        });
    }
    if let Some((i, c)) = compact
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(NumeroInvalide::Caractere {
            identifiant,
            position: i + 1,
            caractere: c,
        });
    }
    Ok(compact)
}

/// Digit values of an all-ASCII-digit string (other characters count as 0).
fn valeurs(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b.wrapping_sub(b'0') % 10).collect()
}

/// Luhn sum of `digits`, the last digit being at the rightmost (not doubled) place
/// when `avec_cle` is true, or the digit just left of the future key otherwise.
fn luhn_somme(digits: &[u8], avec_cle: bool) -> u32 {
    let decalage = usize::from(!avec_cle);
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if (i + decalage) % 2 == 1 {
                let double = d * 2;
                if double > 9 {
                    double - 9
                } else {
                    double
                }
            } else {
                d
            }
        })
        .sum()
}

/// Luhn check digit (0-9) to append to `digits` (*clé de Luhn*, ISO/IEC 7812-1).
fn luhn_cle(digits: &[u8]) -> u8 {
    let reste = luhn_somme(digits, false) % 10;
    // `reste` < 10, so the conversion cannot fail.
    u8::try_from((10 - reste) % 10).unwrap_or(0)
}

/// Checks the Luhn key of `digits` (key included as the last digit).
fn luhn_valide(digits: &[u8]) -> bool {
    // A plain remainder, not `is_multiple_of` (Rust 1.87 > workspace MSRV 1.85).
    let reste = luhn_somme(digits, true) % 10;
    reste == 0
}

/// Checks the Luhn key of `compact` (already digits-only), reporting the expected key.
fn verifier_luhn(compact: &str, identifiant: &'static str) -> Result<(), NumeroInvalide> {
    let v = valeurs(compact);
    if luhn_valide(&v) {
        return Ok(());
    }
    let (corps, cle) = v.split_at(v.len().saturating_sub(1));
    Err(NumeroInvalide::Cle {
        identifiant,
        attendue: luhn_cle(corps),
        saisie: cle.first().copied().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests_numeros;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_cle_matches_known_numbers() {
        assert_eq!(luhn_cle(&valeurs("73282932")), 0);
        assert_eq!(luhn_cle(&valeurs("55210055")), 4);
        assert!(luhn_valide(&valeurs("732829320")));
        assert!(!luhn_valide(&valeurs("732829321")));
    }

    #[test]
    fn pluriel_is_french() {
        assert_eq!(pluriel(0), "");
        assert_eq!(pluriel(1), "");
        assert_eq!(pluriel(2), "s");
    }
}

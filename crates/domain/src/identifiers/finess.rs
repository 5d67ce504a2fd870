//! *Numéro FINESS* (Fichier national des établissements sanitaires et sociaux).

use serde::{Deserialize, Serialize};

use super::{luhn_cle, luhn_valide, sans_espaces, valeurs, NumeroInvalide};

const IDENTIFIANT: &str = "FINESS";

/// *Numéro FINESS* of a legal entity (EJ) or of an establishment (ET/EG), 9 characters.
///
/// Format (FINESS flow XSDs `[0-9][0-9AB][0-9]{7}`, see
/// `reference/domain/finess-categories.md`): a 2-character département code (digits, or
/// `2A`/`2B` for Corsica), then 7 digits. Spaces are removed and letters upper-cased
/// before checking (the FINESS site displays `NN NNN NNN N`).
///
/// Check key: the 9th digit is a Luhn (mod 10) key over the 9 characters, verified on
/// real numbers (010000016, 010780195…). For Corsican numbers, `2A` and `2B` are both
/// read as `20` for the Luhn computation: this is **our** rule, no official source was
/// found for the key of `2A`/`2B` numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Finess(String);

identifiant_texte!(Finess, NumeroInvalide);

impl Finess {
    /// Parses a FINESS number (spaces allowed, `2a`/`2b` accepted in lower case).
    ///
    /// # Errors
    /// [`NumeroInvalide`] when the number is empty, not 9 characters long, has a letter
    /// outside the Corsican `2A`/`2B` prefix, or has a wrong Luhn key.
    pub fn parse(s: &str) -> Result<Self, NumeroInvalide> {
        let compact = sans_espaces(s).to_uppercase();
        if compact.is_empty() {
            return Err(NumeroInvalide::Vide {
                identifiant: IDENTIFIANT,
            });
        }
        let saisie = compact.chars().count();
        if saisie != 9 {
            return Err(NumeroInvalide::Longueur {
                identifiant: IDENTIFIANT,
                attendue: 9,
                saisie,
            });
        }
        let corse = compact.starts_with("2A") || compact.starts_with("2B");
        for (i, c) in compact.chars().enumerate() {
            if !(c.is_ascii_digit() || (i == 1 && corse)) {
                return Err(NumeroInvalide::Caractere {
                    identifiant: IDENTIFIANT,
                    position: i + 1,
                    caractere: c,
                });
            }
        }
        let pour_cle = if corse {
            format!("20{}", &compact[2..])
        } else {
            compact.clone()
        };
        let v = valeurs(&pour_cle);
        if !luhn_valide(&v) {
            return Err(NumeroInvalide::Cle {
                identifiant: IDENTIFIANT,
                attendue: luhn_cle(&v[..8]),
                saisie: v[8],
            });
        }
        Ok(Self(compact))
    }

    /// Département code: the 2 first characters (`75`, `2A`, `97` for overseas…).
    pub fn departement(&self) -> &str {
        &self.0[..2]
    }

    /// Display form used by the FINESS site: `NN NNN NNN N`.
    pub fn formatted(&self) -> String {
        format!(
            "{} {} {} {}",
            &self.0[..2],
            &self.0[2..5],
            &self.0[5..8],
            &self.0[8..]
        )
    }
}

//! *Numéro SIREN* (company) and *numéro SIRET* (establishment of a company), INSEE
//! répertoire SIRENE.

use serde::{Deserialize, Serialize};

use super::{chiffres, luhn_cle, luhn_valide, valeurs, verifier_luhn, NumeroInvalide};

/// SIREN of La Poste, whose SIRET numbers follow a digit-sum rule instead of Luhn.
const SIREN_LA_POSTE: &str = "356000000";

/// *Numéro SIREN*: 9 digits, the last one a Luhn key (INSEE, répertoire SIRENE).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

identifiant_texte!(Siren, NumeroInvalide);

impl Siren {
    /// Parses a SIREN (spaces allowed, e.g. `732 829 320`).
    ///
    /// # Errors
    /// [`NumeroInvalide`] when empty, not 9 digits, or with a wrong Luhn key.
    pub fn parse(s: &str) -> Result<Self, NumeroInvalide> {
        let compact = chiffres(s, "SIREN", 9)?;
        verifier_luhn(&compact, "SIREN")?;
        Ok(Self(compact))
    }

    /// Display form `NNN NNN NNN`.
    pub fn formatted(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// *Numéro SIRET*: the SIREN (9 digits) followed by the NIC (5 digits), 14 digits.
///
/// Rules (INSEE; same as python-stdnum `fr.siret`): the 14 digits carry a Luhn key and
/// the SIREN part is itself a valid SIREN. Exception for La Poste (SIREN `356000000`),
/// whose establishments are numbered sequentially: such a SIRET is valid when the sum
/// of its 14 digits is a multiple of 5 (the head office `35600000000048` passes Luhn).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

identifiant_texte!(Siret, NumeroInvalide);

impl Siret {
    /// Parses a SIRET (spaces allowed, e.g. `732 829 320 00074`).
    ///
    /// # Errors
    /// [`NumeroInvalide`] when empty, not 14 digits, with a wrong Luhn key (or digit sum
    /// for La Poste), or with an invalid SIREN part.
    pub fn parse(s: &str) -> Result<Self, NumeroInvalide> {
        let compact = chiffres(s, "SIRET", 14)?;
        let v = valeurs(&compact);
        if compact.starts_with(SIREN_LA_POSTE) {
            let somme: u32 = v.iter().map(|&d| u32::from(d)).sum();
            // A plain remainder, not `is_multiple_of` (Rust 1.87 > workspace MSRV 1.85).
            let reste = somme % 5;
            if reste != 0 && !luhn_valide(&v) {
                return Err(NumeroInvalide::SommeLaPoste { somme });
            }
        } else {
            verifier_luhn(&compact, "SIRET")?;
        }
        if !luhn_valide(&v[..9]) {
            return Err(NumeroInvalide::CleSirenDuSiret {
                attendue: luhn_cle(&v[..8]),
                saisie: v[8],
            });
        }
        Ok(Self(compact))
    }

    /// SIREN of the company (9 first digits), valid by construction.
    pub fn siren(&self) -> Siren {
        Siren(self.0[..9].to_owned())
    }

    /// *NIC* (numéro interne de classement): the 5 last digits.
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }

    /// Display form `NNN NNN NNN NNNNN`.
    pub fn formatted(&self) -> String {
        format!(
            "{} {} {} {}",
            &self.0[..3],
            &self.0[3..6],
            &self.0[6..9],
            &self.0[9..]
        )
    }
}

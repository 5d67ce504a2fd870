//! Identifiers of health professionals: *numéro RPPS* and *numéro ADELI*.

use serde::{Deserialize, Serialize};

use super::{chiffres, sans_espaces, verifier_luhn, NumeroInvalide};

/// *Numéro RPPS* (Répertoire partagé des professionnels de santé, ANS): 11 digits
/// starting with `1`, the last one a Luhn key over the 11 digits.
///
/// The national identifier `8` + RPPS used on CPS cards (*identifiant national PP*) is
/// not accepted here: strip the leading `8` first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rpps(String);

identifiant_texte!(Rpps, NumeroInvalide);

impl Rpps {
    /// Parses an RPPS number (spaces allowed).
    ///
    /// # Errors
    /// [`NumeroInvalide`] when empty, not 11 digits, not starting with 1, or with a
    /// wrong Luhn key.
    pub fn parse(s: &str) -> Result<Self, NumeroInvalide> {
        let compact = chiffres(s, "RPPS", 11)?;
        if let Some(premier) = compact.chars().next().filter(|&c| c != '1') {
            return Err(NumeroInvalide::PrefixeRpps { premier });
        }
        verifier_luhn(&compact, "RPPS")?;
        Ok(Self(compact))
    }
}

/// *Numéro ADELI* (Automatisation des listes, former directory of health professionals
/// not yet in RPPS): 9 digits.
///
/// Only the format is checked: the computation of the ADELI key is not published, so a
/// mistyped ADELI number cannot be detected.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Adeli(String);

identifiant_texte!(Adeli, NumeroInvalide);

impl Adeli {
    /// Parses an ADELI number (spaces allowed): 9 digits, key not checked.
    ///
    /// # Errors
    /// [`NumeroInvalide`] when empty or not exactly 9 digits.
    pub fn parse(s: &str) -> Result<Self, NumeroInvalide> {
        chiffres(s, "ADELI", 9).map(Self)
    }
}

/// Identifier of a health professional (*identifiant professionnel*): RPPS, or ADELI
/// for professions not yet registered in RPPS.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum IdentifiantProfessionnel {
    /// *Numéro RPPS* (11 digits).
    Rpps(Rpps),
    /// *Numéro ADELI* (9 digits).
    Adeli(Adeli),
}

impl IdentifiantProfessionnel {
    /// Parses an RPPS (11 characters) or an ADELI (9 characters) number, chosen by the
    /// length once spaces are removed.
    ///
    /// # Errors
    /// [`NumeroInvalide`] when empty, of another length, or invalid for its kind.
    pub fn parse(s: &str) -> Result<Self, NumeroInvalide> {
        let compact = sans_espaces(s);
        match compact.chars().count() {
            0 => Err(NumeroInvalide::Vide {
                identifiant: "RPPS ou ADELI",
            }),
            11 => Rpps::parse(&compact).map(Self::Rpps),
            9 => Adeli::parse(&compact).map(Self::Adeli),
            saisie => Err(NumeroInvalide::LongueurIdentifiantProfessionnel { saisie }),
        }
    }

    /// Compact number (11 or 9 digits).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Rpps(r) => r.as_str(),
            Self::Adeli(a) => a.as_str(),
        }
    }

    /// Name of the directory: « RPPS » or « ADELI ».
    pub fn repertoire(&self) -> &'static str {
        match self {
            Self::Rpps(_) => "RPPS",
            Self::Adeli(_) => "ADELI",
        }
    }
}

impl std::fmt::Display for IdentifiantProfessionnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for IdentifiantProfessionnel {
    type Error = NumeroInvalide;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<IdentifiantProfessionnel> for String {
    fn from(v: IdentifiantProfessionnel) -> String {
        match v {
            IdentifiantProfessionnel::Rpps(r) => r.into(),
            IdentifiantProfessionnel::Adeli(a) => a.into(),
        }
    }
}

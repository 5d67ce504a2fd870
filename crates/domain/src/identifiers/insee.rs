//! *Code COG* (Code officiel géographique, INSEE) of a commune or of a foreign country.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Error of an INSEE/COG code.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CodeCogInvalide {
    /// Nothing was typed.
    #[error("Le code INSEE du lieu de naissance est vide.")]
    Vide,
    /// Not 5 characters.
    #[error("Le code INSEE du lieu de naissance doit comporter 5 caractères : {saisie} saisi{}.", if *.saisie > 1 { "s" } else { "" })]
    Longueur {
        /// Length typed (spaces excluded).
        saisie: usize,
    },
    /// A character other than a digit (or `2A`/`2B` in front).
    #[error("Le code INSEE contient un caractère non autorisé en position {position} : « {caractere} » (seuls les chiffres sont admis, ainsi que 2A ou 2B pour la Corse).")]
    Caractere {
        /// 1-based position.
        position: usize,
        /// The offending character.
        caractere: char,
    },
    /// A département part that does not exist (`00`, `96`).
    #[error("« {departement} » n'est pas un code de département valide : un code INSEE commence par 01 à 95, 2A, 2B, 97, 98 ou 99 (pays étranger).")]
    Departement {
        /// The two first characters.
        departement: String,
    },
}

/// *Code COG* (INSEE *Code officiel géographique*) of the birthplace, the 6th INS trait
/// (*lieu de naissance*, 01-ins.md §3): 5 characters.
///
/// - commune in metropolitan France: département `01`-`95` (`20` is kept for codes of
///   Corsica before 1976) or `2A`/`2B`, then 3 digits (`75056` Paris, `2A004` Ajaccio);
/// - overseas: `97x`/`98x` then 2 digits (`97105` Basse-Terre); the third digit is not
///   checked against the list of overseas collectivities;
/// - born abroad: `99` then the 3-digit country code (`99134` Espagne). `99100` is the
///   code of France itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CodeCog(String);

identifiant_texte!(CodeCog, CodeCogInvalide);

impl CodeCog {
    /// Parses a COG code (spaces removed, `2a`/`2b` upper-cased).
    ///
    /// # Errors
    /// [`CodeCogInvalide`] when empty, not 5 characters, with a forbidden character or
    /// an impossible département.
    pub fn parse(s: &str) -> Result<Self, CodeCogInvalide> {
        let c: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if c.is_empty() {
            return Err(CodeCogInvalide::Vide);
        }
        let saisie = c.chars().count();
        if saisie != 5 {
            return Err(CodeCogInvalide::Longueur { saisie });
        }
        let corse = c.starts_with("2A") || c.starts_with("2B");
        for (i, ch) in c.chars().enumerate() {
            if !(ch.is_ascii_digit() || (i == 1 && corse)) {
                return Err(CodeCogInvalide::Caractere {
                    position: i + 1,
                    caractere: ch,
                });
            }
        }
        if !corse {
            let dep: u8 = c[..2].parse().unwrap_or(0);
            if !(1..=95).contains(&dep) && !(97..=99).contains(&dep) {
                return Err(CodeCogInvalide::Departement {
                    departement: c[..2].to_owned(),
                });
            }
        }
        Ok(Self(c))
    }

    /// True when the code is a foreign country (`99xxx`, except `99100` France).
    pub fn is_etranger(&self) -> bool {
        self.0.starts_with("99") && self.0 != "99100"
    }

    /// Département of a commune: 2 characters (`75`, `2A`), or 3 for overseas (`971`);
    /// `None` for a country code (`99xxx`).
    pub fn departement(&self) -> Option<&str> {
        if self.0.starts_with("99") {
            None
        } else if self.0.starts_with("97") || self.0.starts_with("98") {
            Some(&self.0[..3])
        } else {
            Some(&self.0[..2])
        }
    }
}

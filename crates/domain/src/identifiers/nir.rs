//! *Matricule INS* (NIR or NIA) and the OID of its assigning authority.
//!
//! Rules: `shared/interop/01-ins.md` §1-2 (key algorithm cross-checked with
//! python-stdnum `fr.nir`; OIDs from HL7 France fr-core `FRCorePatientINSProfile`).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Error of a *matricule INS* (NIR or NIA). Variants are checked in declaration order.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NirInvalide {
    /// Nothing was typed.
    #[error("Le NIR est vide.")]
    Vide,
    /// Not 15 characters once spaces are removed.
    #[error("Le NIR doit comporter 15 caractères (13 chiffres et une clé de 2 chiffres) : {saisie} saisi{}.", if *.saisie > 1 { "s" } else { "" })]
    Longueur {
        /// Length typed (spaces excluded).
        saisie: usize,
    },
    /// Not 13 characters for a NIR without its key ([`nir_key`]).
    #[error("Le NIR sans sa clé doit comporter 13 caractères : {saisie} saisi{}.", if *.saisie > 1 { "s" } else { "" })]
    LongueurSansCle {
        /// Length typed (spaces excluded).
        saisie: usize,
    },
    /// A character other than a digit (or `2A`/`2B` in positions 6-7).
    #[error("Le NIR contient un caractère non autorisé en position {position} : « {caractere} » (seuls les chiffres sont admis, ainsi que 2A ou 2B en positions 6 et 7 pour la Corse).")]
    Caractere {
        /// 1-based position in the compact matricule.
        position: usize,
        /// The offending character.
        caractere: char,
    },
    /// First digit other than 1, 2 (NIR) or 7, 8 (NIA).
    #[error("Le NIR doit commencer par 1 ou 2 (ou par 7 ou 8 pour un NIA) : « {chiffre} » saisi.")]
    PremierChiffre {
        /// First character typed.
        chiffre: char,
    },
    /// The key (2 last digits) does not match `97 - (N mod 97)`.
    #[error("Le NIR ne correspond pas à sa clé (les 2 derniers chiffres) : un chiffre a sans doute été mal tapé ou deux chiffres inversés. Relisez tout le numéro sur la carte Vitale ou l'attestation de droits.")]
    Cle {
        /// Key computed from the 13 first characters.
        attendue: u8,
        /// Key typed.
        saisie: u8,
    },
}

/// Strips whitespace and upper-cases `a`/`b` (the only letters allowed, in `2A`/`2B`).
fn normaliser(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'a' => 'A',
            'b' => 'B',
            other => other,
        })
        .collect()
}

/// Checks the characters of a normalised body or matricule: digits everywhere, except
/// `2A`/`2B` in positions 6-7 (Corsica).
fn verifier_caracteres(s: &str) -> Result<(), NirInvalide> {
    let b = s.as_bytes();
    let corse = b.get(5) == Some(&b'2') && matches!(b.get(6), Some(b'A' | b'B'));
    for (i, c) in s.chars().enumerate() {
        if !(c.is_ascii_digit() || (i == 6 && corse)) {
            return Err(NirInvalide::Caractere {
                position: i + 1,
                caractere: c,
            });
        }
    }
    Ok(())
}

/// Key of a normalised, character-checked 13-character body.
fn cle_du_corps(corps: &str) -> u8 {
    // Corsica rule: `2A` counts as 19 and `2B` as 18 (01-ins.md §1).
    let numerique = corps.replacen("2A", "19", 1).replacen("2B", "18", 1);
    let n: u64 = numerique
        .bytes()
        .fold(0, |acc, b| acc * 10 + u64::from(b.wrapping_sub(b'0') % 10));
    // 97 - (n mod 97) is in 1..=97, so it always fits in a u8.
    u8::try_from(97 - n % 97).unwrap_or(0)
}

/// Key (*clé*, 1 to 97) of a NIR/NIA body of 13 characters: `97 - (N mod 97)`, where
/// `N` is the body read as an integer after replacing `2A` by `19` and `2B` by `18`.
/// Spaces are ignored and `a`/`b` accepted. The first digit is not checked here.
///
/// # Errors
/// [`NirInvalide`] when the body is empty, not 13 characters, or has a forbidden
/// character.
pub fn nir_key(body13: &str) -> Result<u8, NirInvalide> {
    let corps = normaliser(body13);
    if corps.is_empty() {
        return Err(NirInvalide::Vide);
    }
    let saisie = corps.chars().count();
    if saisie != 13 {
        return Err(NirInvalide::LongueurSansCle { saisie });
    }
    verifier_caracteres(&corps)?;
    Ok(cle_du_corps(&corps))
}

/// *Matricule INS*: the NIR (*numéro d'inscription au répertoire*, first digit 1 or 2)
/// or the NIA (*numéro identifiant d'attente*, first digit 7 or 8), 13 characters and a
/// 2-digit key, 15 characters in all (01-ins.md §1).
///
/// Positions 6-7 may be `2A`/`2B` (Corsica). The key proves well-formedness only:
/// never infer identity traits (sex, birth year) from the matricule.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nir(String);

identifiant_texte!(Nir, NirInvalide);

impl Nir {
    /// Parses a matricule INS: spaces are removed and `a`/`b` upper-cased.
    ///
    /// # Errors
    /// [`NirInvalide`], the first broken rule in variant order.
    pub fn parse(s: &str) -> Result<Self, NirInvalide> {
        let m = normaliser(s);
        if m.is_empty() {
            return Err(NirInvalide::Vide);
        }
        let saisie = m.chars().count();
        if saisie != 15 {
            return Err(NirInvalide::Longueur { saisie });
        }
        verifier_caracteres(&m)?;
        if let Some(chiffre) = m
            .chars()
            .next()
            .filter(|c| !matches!(c, '1' | '2' | '7' | '8'))
        {
            return Err(NirInvalide::PremierChiffre { chiffre });
        }
        let attendue = cle_du_corps(&m[..13]);
        let saisie: u8 = m[13..].parse().unwrap_or(0);
        if attendue != saisie {
            return Err(NirInvalide::Cle { attendue, saisie });
        }
        Ok(Self(m))
    }

    /// Builds the matricule from the two INSi fields: `NumIdentifiant` (13 characters)
    /// and `Cle` (2 digits).
    ///
    /// # Errors
    /// Same as [`Nir::parse`] on the concatenation.
    pub fn from_parts(numero: &str, cle: &str) -> Result<Self, NirInvalide> {
        Self::parse(&format!("{}{}", normaliser(numero), normaliser(cle)))
    }

    /// The 13 characters without the key (INSi `NumIdentifiant`).
    pub fn body(&self) -> &str {
        &self.0[..13]
    }

    /// The key (INSi `Cle`), 1 to 97.
    pub fn key(&self) -> u8 {
        self.0[13..].parse().unwrap_or(0)
    }

    /// Grouped display form, e.g. `2 79 03 51 215 189 89`.
    pub fn formatted(&self) -> String {
        let m = &self.0;
        format!(
            "{} {} {} {} {} {} {}",
            &m[..1],
            &m[1..3],
            &m[3..5],
            &m[5..7],
            &m[7..10],
            &m[10..13],
            &m[13..]
        )
    }

    /// True for a NIA (*numéro identifiant d'attente*, first digit 7 or 8).
    pub fn is_nia(&self) -> bool {
        self.0.starts_with(['7', '8'])
    }
}

/// Error of an unknown INS OID.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("« {0} » n'est pas un OID d'autorité d'affectation de l'INS (attendu : 1.2.250.1.213.1.4.8, .9, .10 ou .11).")]
pub struct InsOidInconnu(pub String);

/// OID of the authority that assigned a matricule INS (fr-core `FRCorePatientINSProfile`
/// slices; 01-ins.md §2). Serialised as the bare OID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum InsOid {
    /// INS-NIR, production: `1.2.250.1.213.1.4.8`.
    Nir,
    /// INS-NIA, production: `1.2.250.1.213.1.4.9`.
    Nia,
    /// INS-NIR *de test* (fictitious test patients): `1.2.250.1.213.1.4.10`.
    NirTest,
    /// INS-NIR *de démonstration* (fictitious demo patients): `1.2.250.1.213.1.4.11`.
    NirDemo,
}

impl InsOid {
    /// Every INS OID.
    pub const ALL: [InsOid; 4] = [Self::Nir, Self::Nia, Self::NirTest, Self::NirDemo];

    /// Parses a bare OID or a `urn:oid:` URI (FHIR `identifier.system`).
    ///
    /// # Errors
    /// [`InsOidInconnu`] when the OID is not one of the four INS OIDs.
    pub fn parse(s: &str) -> Result<Self, InsOidInconnu> {
        let t = s.trim();
        let oid = t.strip_prefix("urn:oid:").unwrap_or(t);
        Self::ALL
            .into_iter()
            .find(|o| o.as_str() == oid)
            .ok_or_else(|| InsOidInconnu(s.to_owned()))
    }

    /// The bare OID, e.g. `1.2.250.1.213.1.4.8`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nir => "1.2.250.1.213.1.4.8",
            Self::Nia => "1.2.250.1.213.1.4.9",
            Self::NirTest => "1.2.250.1.213.1.4.10",
            Self::NirDemo => "1.2.250.1.213.1.4.11",
        }
    }

    /// French label for screens.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Nir => "INS-NIR",
            Self::Nia => "INS-NIA",
            Self::NirTest => "INS-NIR de test",
            Self::NirDemo => "INS-NIR de démonstration",
        }
    }

    /// FHIR fr-core identifier type code (`fr-core-cs-v2-0203`): `INS-NIR`, `INS-NIA`,
    /// `INS-NIR-TEST` or `INS-NIR-DEMO`.
    pub fn code_type_fhir(self) -> &'static str {
        match self {
            Self::Nir => "INS-NIR",
            Self::Nia => "INS-NIA",
            Self::NirTest => "INS-NIR-TEST",
            Self::NirDemo => "INS-NIR-DEMO",
        }
    }

    /// True for the test and demo OIDs (fictitious patients), to refuse in production.
    pub fn is_fictif(self) -> bool {
        matches!(self, Self::NirTest | Self::NirDemo)
    }
}

impl std::fmt::Display for InsOid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for InsOid {
    type Error = InsOidInconnu;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<InsOid> for String {
    fn from(o: InsOid) -> String {
        o.as_str().to_owned()
    }
}

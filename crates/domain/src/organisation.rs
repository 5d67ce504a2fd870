//! Organisation model: *organisme gestionnaire* → *établissements/services* → *unités*.
//!
//! Categories come from the FINESS nomenclature TRE_R66 (see `reference/finess-categories.csv`);
//! the domain (PA, PH, DOM, PDS, PDE, AHI) is our own grouping of those categories.

use serde::{Deserialize, Serialize};

/// Domain (*secteur*) of an establishment: it drives vocabulary and documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Domaine {
    /// Personnes âgées (EHPAD, résidence autonomie).
    #[serde(rename = "PA")]
    Pa,
    /// Personnes en situation de handicap (IME, MAS, FAM, ESAT…).
    #[serde(rename = "PH")]
    Ph,
    /// Domicile (SAD, ex-SSIAD/SAAD).
    #[serde(rename = "DOM")]
    Dom,
    /// Personnes en difficultés spécifiques (CSAPA, CAARUD, LHSS, ACT).
    #[serde(rename = "PDS")]
    Pds,
    /// Protection de l'enfance (MECS, foyers ASE).
    #[serde(rename = "PDE")]
    Pde,
    /// Accueil, hébergement, insertion (CHRS, CADA).
    #[serde(rename = "AHI")]
    Ahi,
}

impl Domaine {
    /// Every domain, in display order.
    pub const ALL: [Domaine; 6] = [
        Self::Pa,
        Self::Ph,
        Self::Dom,
        Self::Pds,
        Self::Pde,
        Self::Ahi,
    ];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pa => "PA",
            Self::Ph => "PH",
            Self::Dom => "DOM",
            Self::Pds => "PDS",
            Self::Pde => "PDE",
            Self::Ahi => "AHI",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// French label shown to users.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Pa => "Personnes âgées",
            Self::Ph => "Personnes en situation de handicap",
            Self::Dom => "Domicile",
            Self::Pds => "Personnes en difficultés spécifiques",
            Self::Pde => "Protection de l'enfance",
            Self::Ahi => "Accueil, hébergement, insertion",
        }
    }
}

/// One FINESS establishment category (TRE_R66), as loaded from the reference file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Categorie {
    /// TRE_R66 code, e.g. `500`.
    pub code: &'static str,
    /// Official label.
    pub libelle: &'static str,
    /// Usual acronym (EHPAD, IME…), may be empty.
    pub sigle: &'static str,
    /// Our domain grouping.
    pub domaine: Domaine,
    /// `false` for closed categories, kept readable for history and imports.
    pub active: bool,
}

const CATEGORIES_CSV: &str = include_str!("../../../reference/finess-categories.csv");

/// The FINESS categories usable for ESSMS (TRE_R66 subset, version 20260505120000).
///
/// Rows whose domain is not one of ours (e.g. `PJM`) are skipped.
pub fn categories() -> &'static [Categorie] {
    static CELL: std::sync::OnceLock<Vec<Categorie>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        CATEGORIES_CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let cols = split_csv_line(line);
                let domaine = Domaine::from_code(cols.get(3)?)?;
                Some(Categorie {
                    code: cols.first()?,
                    libelle: cols.get(1)?,
                    sigle: cols.get(2)?,
                    domaine,
                    active: cols.get(6).copied() == Some("active"),
                })
            })
            .collect()
    })
}

/// Finds a category by its TRE_R66 code.
pub fn categorie(code: &str) -> Option<&'static Categorie> {
    categories().iter().find(|c| c.code == code)
}

/// Splits one line of the reference CSV (fields may be double-quoted, no escaped quotes).
fn split_csv_line(line: &'static str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        if let Some(stripped) = rest.strip_prefix('"') {
            let end = stripped.find('"').unwrap_or(stripped.len());
            out.push(&stripped[..end]);
            rest = stripped.get(end + 1..).unwrap_or("");
            rest = rest.strip_prefix(',').unwrap_or(rest);
            if rest.is_empty() {
                break;
            }
        } else {
            match rest.find(',') {
                Some(i) => {
                    out.push(&rest[..i]);
                    rest = &rest[i + 1..];
                }
                None => {
                    out.push(rest);
                    break;
                }
            }
        }
    }
    out
}

/// Kind of a unit inside an establishment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeUnite {
    /// *Unité* (e.g. unité de vie protégée).
    Unite,
    /// *Pôle* grouping several units.
    Pole,
    /// *Places* of a service (e.g. places de SSIAD).
    Places,
}

impl TypeUnite {
    /// Every kind, in display order.
    pub const ALL: [TypeUnite; 3] = [Self::Unite, Self::Pole, Self::Places];
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unite => "unite",
            Self::Pole => "pole",
            Self::Places => "places",
        }
    }
    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Unite => "Unité",
            Self::Pole => "Pôle",
            Self::Places => "Places",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_categories_load_with_domains() {
        let ehpad = categorie("500").expect("EHPAD");
        assert_eq!(ehpad.sigle, "EHPAD");
        assert_eq!(ehpad.domaine, Domaine::Pa);
        assert_eq!(categorie("183").expect("IME").domaine, Domaine::Ph);
        assert_eq!(categorie("177").expect("MECS").domaine, Domaine::Pde);
        assert!(categories().len() > 50);
        assert!(!categorie("200").expect("maison de retraite").active);
    }
}

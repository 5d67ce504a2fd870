//! SERAFIN-PH: the nomenclatures of needs (*besoins*, 1.*) and services (*prestations*,
//! 2.* direct, 3.* indirect) of the CNSA reform, as the ANS publishes them in its national
//! terminology (`reference/serafin-ph/`, checked against the NOS value sets J282–J285).
//!
//! A code never travels without its code system: the CNSA 2018 numbering and the ANS
//! numbering differ (ANS 2.2.1 = CNSA 2.2.1.1, ANS 1.1.4 = CNSA 1.1.1.4…), so a bare « 2.2.1 »
//! could mean two different services. [`valider`] accepts only the ANS code system URI
//! [`SYSTEME`]; a CNSA, cost-study or ROR code is refused rather than guessed.

use std::sync::OnceLock;

/// The ANS code system of the nomenclature (FHIR `system`).
pub const SYSTEME: &str = "https://smt.esante.gouv.fr/terminologie-SERAFINPH";

/// Version of the ANS code system the embedded rows come from.
pub const VERSION: &str = "2023.1.0";

/// The embedded nomenclature (a copy of `reference/serafin-ph/serafin_ph.csv`).
const CSV: &str = include_str!("../../../reference/serafin-ph/serafin_ph.csv");

code_enum! {
    /// The three families of the nomenclature.
    Famille {
        /// 1.*: needs.
        Besoins = "besoins", "Besoins";
        /// 2.*: direct services (care and support).
        PrestationsDirectes = "prestations_directes", "Prestations directes";
        /// 3.*: indirect services (management and support functions).
        PrestationsIndirectes = "prestations_indirectes", "Prestations indirectes";
    }
}

/// One code of the nomenclature.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Element {
    /// The ANS code (`1.2.1.3`).
    pub code: String,
    /// The label exactly as the ANS publishes it (typos included: match `display` on it).
    pub libelle_ans: String,
    /// The label shown to people (the publisher's typos corrected).
    pub libelle: String,
    /// Family.
    pub famille: Famille,
    /// Depth (number of dot-separated parts).
    pub niveau: u8,
    /// The parent code, `None` for the three roots.
    pub parent: Option<String>,
    /// Whether no code has this one as parent.
    pub feuille: bool,
    /// The NOS value sets that hold the code.
    pub jeux_de_valeurs: Vec<String>,
}

/// The publisher's typos of the ANS labels and their corrected wording (README of
/// `reference/serafin-ph/`); only for display.
const CORRECTIONS: &[(&str, &str)] = &[
    ("Soins et d'accompagnement", "Soins et accompagnement"),
    ("Gestion previsionnelle", "gestion prévisionnelle"),
    ("competences", "compétences"),
    ("socIal", "social"),
    ("developpement", "développement"),
    ("\u{2019}", "'"),
];

fn corriger(l: &str) -> String {
    CORRECTIONS
        .iter()
        .fold(l.to_string(), |s, (faute, juste)| s.replace(faute, juste))
}

/// Splits one CSV line (RFC 4180 quotes, no line break inside a field).
fn champs_csv(ligne: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cite = false;
    let mut chars = ligne.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, cite) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => cite = !cite,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn charger() -> Vec<Element> {
    CSV.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let f = champs_csv(l.trim_end_matches('\r'));
            // code,label_fr,family,level,parent_code,is_leaf,nos_value_sets,code_system
            let [code, libelle, famille, niveau, parent, feuille, jdv, systeme] = f.as_slice()
            else {
                return None;
            };
            if systeme != SYSTEME {
                return None;
            }
            Some(Element {
                code: code.clone(),
                libelle: corriger(libelle),
                libelle_ans: libelle.clone(),
                famille: Famille::from_code(famille)?,
                niveau: niveau.parse().ok()?,
                parent: Some(parent.clone()).filter(|p| !p.is_empty()),
                feuille: feuille == "true",
                jeux_de_valeurs: jdv.split(';').map(str::to_string).collect(),
            })
        })
        .collect()
}

/// Every code, in the nomenclature's order (1.1.10 after 1.1.9).
pub fn elements() -> &'static [Element] {
    static E: OnceLock<Vec<Element>> = OnceLock::new();
    E.get_or_init(charger)
}

/// The code `code` of the ANS nomenclature.
pub fn element(code: &str) -> Option<&'static Element> {
    elements().iter().find(|e| e.code == code)
}

/// The codes of a family, in order.
pub fn famille(f: Famille) -> impl Iterator<Item = &'static Element> {
    elements().iter().filter(move |e| e.famille == f)
}

/// The children of `code`, in order.
pub fn enfants(code: &str) -> impl Iterator<Item = &'static Element> + '_ {
    elements()
        .iter()
        .filter(move |e| e.parent.as_deref() == Some(code))
}

/// The path from the root to `code` (itself last), for display (« 1 › 1.2 › 1.2.1 »).
pub fn ascendants(code: &str) -> Vec<&'static Element> {
    let mut out = Vec::new();
    let mut cur = element(code);
    while let Some(e) = cur {
        out.push(e);
        cur = e.parent.as_deref().and_then(element);
    }
    out.reverse();
    out
}

/// Why a SERAFIN-PH code was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refus {
    /// No code system sent with the code.
    #[error("Le code SERAFIN-PH « {0} » doit être accompagné de son système de codes (https://smt.esante.gouv.fr/terminologie-SERAFINPH) : les numérotations CNSA et ANS diffèrent.")]
    SansSysteme(String),
    /// Another code system (CNSA numbering, ROR TRE_R265…).
    #[error("Le système de codes « {0} » n'est pas accepté : seuls les codes SERAFIN-PH de la terminologie ANS (https://smt.esante.gouv.fr/terminologie-SERAFINPH) le sont (les numérotations CNSA et ANS diffèrent).")]
    AutreSysteme(String),
    /// Not a code of the nomenclature.
    #[error("« {0} » n'est pas un code de la nomenclature SERAFIN-PH (besoins et prestations).")]
    Inconnu(String),
}

/// Checks a code and its code system: the code must be one of the ANS nomenclature and come
/// with the ANS code system URI (never guessed from its shape).
///
/// # Errors
/// [`Refus`] with its French message.
pub fn valider(systeme: &str, code: &str) -> Result<&'static Element, Refus> {
    let systeme = systeme.trim();
    let code = code.trim();
    if systeme.is_empty() {
        return Err(Refus::SansSysteme(code.to_string()));
    }
    if systeme.trim_end_matches('/') != SYSTEME {
        return Err(Refus::AutreSysteme(systeme.to_string()));
    }
    element(code).ok_or_else(|| Refus::Inconnu(code.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nomenclature_has_its_107_rows_in_three_families() {
        assert_eq!(elements().len(), 107);
        assert_eq!(famille(Famille::Besoins).count(), 35);
        assert_eq!(famille(Famille::PrestationsDirectes).count(), 37);
        assert_eq!(famille(Famille::PrestationsIndirectes).count(), 35);
        let roots: Vec<&str> = elements()
            .iter()
            .filter(|e| e.parent.is_none())
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(roots, ["1", "2", "3"]);
    }

    #[test]
    fn the_hierarchy_is_consistent() {
        for e in elements() {
            assert_eq!(
                usize::from(e.niveau),
                e.code.split('.').count(),
                "{}",
                e.code
            );
            if let Some(p) = &e.parent {
                let parent = element(p).unwrap_or_else(|| panic!("parent of {}", e.code));
                assert!(!parent.feuille, "{} has children", parent.code);
                assert_eq!(parent.famille, e.famille);
                assert_eq!(e.code.rsplit_once('.').map(|x| x.0), Some(p.as_str()));
            }
            assert_eq!(e.feuille, enfants(&e.code).next().is_none(), "{}", e.code);
        }
        // Numeric order: 1.1.10 comes right after 1.1.9.
        let i9 = elements().iter().position(|e| e.code == "1.1.9");
        let i10 = elements().iter().position(|e| e.code == "1.1.10");
        assert_eq!(i9.map(|i| i + 1), i10);
        let chemin: Vec<&str> = ascendants("1.2.1.3")
            .iter()
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(chemin, ["1", "1.2", "1.2.1", "1.2.1.3"]);
        assert_eq!(
            element("1.2.1.3").map(|e| e.libelle.as_str()),
            Some("Besoins pour la mobilité")
        );
    }

    #[test]
    fn the_ans_numbering_is_not_the_cnsa_one() {
        // ANS 2.2.1 is CNSA 2.2.1.1: the CNSA code does not exist in the ANS system…
        assert!(valider(SYSTEME, "2.2.1").is_ok());
        assert_eq!(
            valider(SYSTEME, "2.2.1.1"),
            Err(Refus::Inconnu("2.2.1.1".into()))
        );
        // … and the CNSA 1.1.1.4 (voice, speech) is ANS 1.1.4.
        assert!(valider(SYSTEME, "1.1.1.4").is_err());
        assert!(element("1.1.4").is_some_and(|e| e.libelle.contains("parole")));
        // A code without its system, or with another one, is never accepted.
        assert_eq!(
            valider("", "1.1.4"),
            Err(Refus::SansSysteme("1.1.4".into()))
        );
        let ror = "https://mos.esante.gouv.fr/NOS/TRE_R265-PrestationSerafinPH/FHIR/TRE-R265-PrestationSerafinPH";
        assert!(matches!(valider(ror, "2.2.1"), Err(Refus::AutreSysteme(_))));
        assert!(valider(SYSTEME, "9.9").is_err());
    }

    #[test]
    fn labels_are_shown_corrected_and_kept_verbatim() {
        let e = element("3.1.1.2").unwrap();
        assert!(e.libelle_ans.contains("socIal"));
        assert!(e.libelle.ends_with("dialogue social"));
        assert!(e
            .libelle
            .contains("gestion prévisionnelle des emplois et des compétences"));
        assert!(element("3.2.4.2")
            .unwrap()
            .libelle
            .contains("développement"));
        assert_eq!(
            element("2").unwrap().libelle,
            "Prestations directes - Soins et accompagnement"
        );
        assert!(element("3.2.4")
            .unwrap()
            .jeux_de_valeurs
            .contains(&"JDV_J282_TransportsLiesAuProjetIndividuel_SERAFIN".to_string()));
        assert_eq!(champs_csv(r#"a,"b, ""c""",d"#), vec!["a", r#"b, "c""#, "d"]);
    }
}

//! Where medicines come from: the [`SourceMedicaments`] trait (a drug database, later an
//! e-prescription service) and [`ReferentielLocal`], a small in-repo list of medicines common
//! in EHPAD and home care, so that a structured prescription can be entered today. A
//! prescription keeps the medicine's code and the source's name beside its free text: a
//! change of source never rewrites a prescription.

use serde::Serialize;

use super::Voie;

/// A medicine of a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Medicament {
    /// Code in its source.
    pub code: String,
    /// Name and strength, as prescribed (« Paracétamol 500 mg, comprimé »).
    pub libelle: String,
    /// Usual route.
    pub voie: Voie,
    /// Usual unit dose (« 1 comprimé »).
    pub dose_usuelle: String,
}

/// A source of medicines: a drug database (Thériaque, Vidal, the public BDPM) or an
/// e-prescription service behind the same calls. Pure lookups: a source that needs I/O loads
/// its list first (at start, or on a schedule) and answers from memory.
pub trait SourceMedicaments: Send + Sync {
    /// Name of the source, stored with each prescription that used it.
    fn nom(&self) -> &'static str;
    /// Medicines whose name contains every word of `texte` (accents and case ignored),
    /// at most `max`, by name.
    fn rechercher(&self, texte: &str, max: usize) -> Vec<Medicament>;
    /// The medicine of a code.
    fn par_code(&self, code: &str) -> Option<Medicament>;
}

/// The in-repo list (internal codes `LOC-…`, not national codes).
#[derive(Clone, Copy, Debug, Default)]
pub struct ReferentielLocal;

const LISTE: &[(&str, &str, Voie, &str)] = &[
    (
        "LOC-PARA500",
        "Paracétamol 500 mg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-PARA1G",
        "Paracétamol 1 g, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-AMOX1G",
        "Amoxicilline 1 g, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-FURO40",
        "Furosémide 40 mg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-LEVO50",
        "Lévothyroxine 50 µg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-METF500",
        "Metformine 500 mg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-RAMI5",
        "Ramipril 5 mg, gélule",
        Voie::Orale,
        "1 gélule",
    ),
    (
        "LOC-AMLO5",
        "Amlodipine 5 mg, gélule",
        Voie::Orale,
        "1 gélule",
    ),
    (
        "LOC-BISO2",
        "Bisoprolol 2,5 mg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-ATOR20",
        "Atorvastatine 20 mg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-OMEP20",
        "Oméprazole 20 mg, gélule",
        Voie::Orale,
        "1 gélule",
    ),
    (
        "LOC-MACR4",
        "Macrogol 4000, poudre en sachet",
        Voie::Orale,
        "1 sachet",
    ),
    (
        "LOC-DONE10",
        "Donépézil 10 mg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-MEMA10",
        "Mémantine 10 mg, comprimé",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-SERT50",
        "Sertraline 50 mg, gélule",
        Voie::Orale,
        "1 gélule",
    ),
    (
        "LOC-CALCD3",
        "Calcium 500 mg / vitamine D3 400 UI, comprimé à croquer",
        Voie::Orale,
        "1 comprimé",
    ),
    (
        "LOC-TRAM50",
        "Tramadol 50 mg, gélule",
        Voie::Orale,
        "1 gélule",
    ),
    (
        "LOC-ENOX4",
        "Énoxaparine 4 000 UI, seringue",
        Voie::SousCutanee,
        "1 injection",
    ),
    (
        "LOC-INSGLA",
        "Insuline glargine 100 UI/mL, stylo",
        Voie::SousCutanee,
        "selon protocole",
    ),
    (
        "LOC-FENT12",
        "Fentanyl 12 µg/h, patch",
        Voie::Transdermique,
        "1 patch",
    ),
    (
        "LOC-SALB100",
        "Salbutamol 100 µg/dose, aérosol",
        Voie::Inhalee,
        "2 bouffées",
    ),
    (
        "LOC-LARM",
        "Larmes artificielles, collyre",
        Voie::Ophtalmique,
        "1 goutte dans chaque œil",
    ),
];

/// Lower case without accents (digits kept: « 500 »).
fn plier(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn medicament(e: &(&str, &str, Voie, &str)) -> Medicament {
    Medicament {
        code: e.0.to_string(),
        libelle: e.1.to_string(),
        voie: e.2,
        dose_usuelle: e.3.to_string(),
    }
}

impl SourceMedicaments for ReferentielLocal {
    fn nom(&self) -> &'static str {
        "referentiel_local"
    }

    fn rechercher(&self, texte: &str, max: usize) -> Vec<Medicament> {
        let mots: Vec<String> = plier(texte).split_whitespace().map(String::from).collect();
        let mut v: Vec<Medicament> = LISTE
            .iter()
            .filter(|e| {
                let l = plier(e.1);
                mots.iter().all(|m| l.contains(m.as_str()))
            })
            .map(medicament)
            .collect();
        v.sort_by(|a, b| a.libelle.cmp(&b.libelle));
        v.truncate(max);
        v
    }

    fn par_code(&self, code: &str) -> Option<Medicament> {
        LISTE.iter().find(|e| e.0 == code).map(medicament)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_list_is_searched_without_accents() {
        let r = ReferentielLocal;
        let v = r.rechercher("parac", 10);
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|m| m.libelle.starts_with("Paracétamol")));
        assert_eq!(r.rechercher("OMEPRAZOLE", 10)[0].code, "LOC-OMEP20");
        assert_eq!(r.rechercher("paracetamol 1", 10).len(), 1);
        assert_eq!(r.rechercher("", 3).len(), 3);
        assert_eq!(
            r.par_code("LOC-ENOX4").map(|m| m.voie),
            Some(Voie::SousCutanee)
        );
        assert!(r.par_code("inconnu").is_none());
        // Codes are unique.
        let mut codes: Vec<&str> = LISTE.iter().map(|e| e.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), LISTE.len());
    }
}

//! Transmissions (ACC-2, SOI-4): what professionals write every day about a person, narrative
//! (*texte*) or targeted (*cible* with *données / actions / résultats*, the DAR method), and the
//! words their French full-text search indexes.
//!
//! The search terms are computed here, once, for both engines (decision
//! 0027-transmissions-recherche-plein-texte): each word is lower-cased, stemmed with the
//! Snowball French stemmer (plurals, feminines, verb and noun endings: « chutes », « chuté »
//! → `chut`), then stripped of its accents; the stem of the word typed without its accents is
//! added too, so that « agitee » typed on a keyboard without accents finds « agitée ».
//! PostgreSQL indexes these terms as lexemes (a stored `tsvector`, GIN), SQLite with FTS5;
//! a query goes through the same function, so both engines answer the same.

use std::collections::BTreeSet;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::policy::Section;
use crate::saisie;

code_enum! {
    /// Category of a transmission (what it is about), chosen in a short list.
    CategorieTransmission {
        /// Daily life: hygiene, dressing, rhythm of the day.
        VieQuotidienne = "vie_quotidienne", "Vie quotidienne";
        /// Health and care.
        Sante = "sante", "Santé et soins";
        /// Meals and hydration.
        Alimentation = "alimentation", "Alimentation";
        /// Sleep and nights.
        Sommeil = "sommeil", "Sommeil";
        /// Behaviour, mood.
        Comportement = "comportement", "Comportement et humeur";
        /// Activities and social life.
        Activites = "activites", "Activités et vie sociale";
        /// Family and relatives.
        Famille = "famille", "Famille et entourage";
        /// An incident (fall, runaway, conflict).
        Incident = "incident", "Incident";
        /// Administrative matters.
        Administratif = "administratif", "Administratif";
        /// Anything else.
        Autre = "autre", "Autre";
    }
}

/// The sections a transmission may be written in, in display order.
pub const SECTIONS: [Section; 3] = [
    Section::Accompagnement,
    Section::Soins,
    Section::Psychologie,
];

/// Whether a transmission may be written in `section`.
pub fn section_valide(section: Section) -> bool {
    SECTIONS.contains(&section)
}

/// The content of a transmission as typed (before storage).
#[derive(Clone, Copy, Debug, Default)]
pub struct Contenu<'a> {
    /// Narrative text.
    pub texte: Option<&'a str>,
    /// Target of a targeted transmission.
    pub cible: Option<&'a str>,
    /// Data (*données*).
    pub donnees: Option<&'a str>,
    /// Actions.
    pub actions: Option<&'a str>,
    /// Results (*résultats*).
    pub resultats: Option<&'a str>,
}

fn rempli(v: Option<&str>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty())
}

fn trop_long(v: Option<&str>, max: usize) -> bool {
    v.is_some_and(|s| s.chars().count() > max)
}

impl Contenu<'_> {
    /// Whether it is a targeted transmission (a *cible* is given).
    pub fn est_ciblee(&self) -> bool {
        rempli(self.cible)
    }

    /// The rules this content breaks, as (field, French message): a narrative transmission
    /// has a text and no DAR part; a targeted one has a *cible*, at least its *données* or its
    /// *actions*, and no narrative text; every field within its maximum.
    pub fn erreurs(&self) -> Vec<(&'static str, String)> {
        let mut e: Vec<(&'static str, String)> = Vec::new();
        let dar = rempli(self.donnees) || rempli(self.actions) || rempli(self.resultats);
        if self.est_ciblee() {
            if rempli(self.texte) {
                e.push((
                    "texte",
                    "Une transmission ciblée s'écrit en données, actions et résultats, sans texte libre.".into(),
                ));
            }
            if !rempli(self.donnees) && !rempli(self.actions) {
                e.push((
                    "donnees",
                    "Renseignez au moins les données ou les actions de la transmission ciblée."
                        .into(),
                ));
            }
        } else if dar {
            e.push((
                "cible",
                "Indiquez la cible de la transmission (par exemple « Chute » ou « Douleur »)."
                    .into(),
            ));
        } else if !rempli(self.texte) {
            e.push(("texte", "Écrivez le texte de la transmission.".into()));
        }
        let bornes = [
            ("texte", self.texte, saisie::TRANSMISSION),
            ("cible", self.cible, saisie::CIBLE),
            ("donnees", self.donnees, saisie::COMMENTAIRE),
            ("actions", self.actions, saisie::COMMENTAIRE),
            ("resultats", self.resultats, saisie::COMMENTAIRE),
        ];
        for (champ, v, max) in bornes {
            if trop_long(v, max) {
                e.push((
                    champ,
                    format!("Ce champ ne peut dépasser {max} caractères."),
                ));
            }
        }
        e
    }

    /// The search terms of this content ([`termes`] of every part).
    pub fn termes(&self) -> String {
        let parts = [
            self.cible,
            self.texte,
            self.donnees,
            self.actions,
            self.resultats,
        ];
        let tout: Vec<&str> = parts.into_iter().flatten().collect();
        termes(&tout.join(" ")).join(" ")
    }
}

fn sans_accents(s: &str) -> String {
    s.nfd().filter(|&c| !is_combining_mark(c)).collect()
}

/// The words of a text: lower case, ligatures spelled out, every other character a separator
/// (the apostrophe too: « l'hôpital » is `l`, `hôpital`).
fn mots(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut mot = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                match l {
                    'œ' => mot.push_str("oe"),
                    'æ' => mot.push_str("ae"),
                    _ => mot.push(l),
                }
            }
        } else if !mot.is_empty() {
            out.push(std::mem::take(&mut mot));
        }
    }
    if !mot.is_empty() {
        out.push(mot);
    }
    out
}

/// The longest word indexed (longer ones are cut: no word of French is that long).
const MOT_MAX: usize = 40;

/// The search terms of a text, sorted and without duplicates: for each word of two letters
/// or more, its French stem without accents, and the stem of the word without its accents
/// when it differs. Only ASCII letters and digits remain, so a term is safe in a full-text
/// query of either engine.
pub fn termes(s: &str) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::French);
    let mut out = BTreeSet::new();
    for m in mots(s) {
        let m: String = m.chars().take(MOT_MAX).collect();
        if m.chars().count() < 2 {
            continue;
        }
        let brut = sans_accents(&m);
        for t in [
            sans_accents(&stemmer.stem(&m)),
            sans_accents(&stemmer.stem(&brut)),
        ] {
            let t: String = t.chars().filter(char::is_ascii_alphanumeric).collect();
            if !t.is_empty() {
                out.insert(t);
            }
        }
    }
    out.into_iter().collect()
}

/// The terms a search text asks for, each word giving its own stem (all must match): the
/// stem of the word as typed, accents removed. `None` when nothing searchable was typed.
pub fn requete(q: &str) -> Option<Vec<String>> {
    let stemmer = Stemmer::create(Algorithm::French);
    let mut out: Vec<String> = Vec::new();
    for m in mots(q).into_iter().take(saisie::MOTS_RECHERCHE) {
        let m: String = m.chars().take(MOT_MAX).collect();
        if m.chars().count() < 2 {
            continue;
        }
        let t: String = sans_accents(&stemmer.stem(&m))
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trouve(texte: &str, q: &str) -> bool {
        let index = termes(texte);
        requete(q).is_some_and(|r| r.iter().all(|t| index.contains(t)))
    }

    #[test]
    fn accents_plurals_and_stems_match() {
        let t = "Mme a chuté deux fois dans la nuit ; agitée, transférée à l'hôpital.";
        for q in [
            "chute",
            "chutes",
            "chuté",
            "CHUTE",
            "agitation",
            "agitee",
            "agitée",
            "agité",
            "hopitaux",
            "hôpital",
            "transféré",
            "transferee",
            "nuits",
        ] {
            assert!(trouve(t, q), "{q}");
        }
        assert!(trouve(t, "chutes hôpital"));
        assert!(!trouve(t, "chute repas"));
        assert!(!trouve(t, "douleur"));
        assert_eq!(requete("  , ; a "), None);
    }

    #[test]
    fn terms_are_ascii_and_ligatures_spelled_out() {
        let t = termes("Œdème du cœur, sœur présente");
        assert!(t
            .iter()
            .all(|x| x.chars().all(|c| c.is_ascii_alphanumeric())));
        assert!(trouve("Œdème du cœur", "oedeme coeur"));
    }

    #[test]
    fn narrative_or_targeted() {
        let narratif = Contenu {
            texte: Some("Bonne journée."),
            ..Contenu::default()
        };
        assert!(narratif.erreurs().is_empty());
        assert!(!narratif.est_ciblee());
        let vide = Contenu::default();
        assert_eq!(vide.erreurs()[0].0, "texte");
        let cible = Contenu {
            cible: Some("Douleur"),
            donnees: Some("Se plaint du genou."),
            actions: Some("Antalgique donné."),
            ..Contenu::default()
        };
        assert!(cible.erreurs().is_empty());
        assert!(cible.est_ciblee());
        let sans_dar = Contenu {
            cible: Some("Douleur"),
            resultats: Some("Mieux."),
            ..Contenu::default()
        };
        assert_eq!(sans_dar.erreurs()[0].0, "donnees");
        let sans_cible = Contenu {
            donnees: Some("x"),
            ..Contenu::default()
        };
        assert_eq!(sans_cible.erreurs()[0].0, "cible");
        let melange = Contenu {
            texte: Some("x"),
            ..cible
        };
        assert_eq!(melange.erreurs()[0].0, "texte");
        let long = "a".repeat(saisie::CIBLE + 1);
        let trop = Contenu {
            cible: Some(&long),
            ..cible
        };
        assert!(trop.erreurs().iter().any(|(c, _)| *c == "cible"));
    }

    #[test]
    fn only_three_sections_take_transmissions() {
        assert!(section_valide(Section::Psychologie));
        assert!(!section_valide(Section::Administratif));
        assert!(!section_valide(Section::Documents));
    }
}

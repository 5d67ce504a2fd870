//! The psychology section (SOI-5): psychologists' notes, assessments and test results.
//!
//! The section is sealed: only psychologists read or write it ([`crate::policy::section_permise`]),
//! only in their normal scope (break-the-glass never opens it: [`crate::policy::decider`]), and
//! a note is read only by the psychologists of the établissement it was written in
//! ([`lisible`]). Notes are append-only: a correction is a new note naming the one it
//! corrects.

code_enum! {
    /// The kind of a psychology note.
    TypeNote {
        /// Notes of an interview or a follow-up.
        Entretien = "entretien", "Note d'entretien";
        /// A psychological assessment.
        Bilan = "bilan", "Bilan psychologique";
        /// A test or scale with its result (MMSE, GDS, NPI…).
        Test = "test", "Test ou échelle";
    }
}

/// The établissement a note is written in: the smallest one where the author works and the
/// person has a stay (the notes of a file are split by établissement), or none when they
/// share none (the note cannot be written).
pub fn etablissement_de_note(auteur: &[i64], usager: &[i64]) -> Option<i64> {
    auteur.iter().copied().filter(|e| usager.contains(e)).min()
}

/// Whether a note written in `etablissement` may be read by a psychologist working in
/// `lecteur` (the author's fellow psychologists of the same établissement).
pub fn lisible(etablissement: i64, lecteur: &[i64]) -> bool {
    lecteur.contains(&etablissement)
}

/// The rules a note breaks, as (field, French message): a title and a text, and the name
/// of the test for a test result.
pub fn erreurs_note(
    type_note: TypeNote,
    titre: &str,
    texte: &str,
    outil: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    if titre.trim().is_empty() {
        v.push(("titre", "Le titre est obligatoire.".to_string()));
    }
    if texte.trim().is_empty() {
        v.push(("texte", "Le texte de la note est obligatoire.".to_string()));
    }
    if type_note == TypeNote::Test && outil.is_none_or(|o| o.trim().is_empty()) {
        v.push((
            "outil",
            "Indiquez le test ou l'échelle utilisé (MMSE, GDS…).".to_string(),
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_belongs_to_an_etablissement_shared_by_author_and_person() {
        assert_eq!(etablissement_de_note(&[3, 1], &[1, 3, 5]), Some(1));
        assert_eq!(etablissement_de_note(&[2], &[1, 3]), None);
        assert_eq!(etablissement_de_note(&[], &[1]), None);
    }

    #[test]
    fn only_the_psychologists_of_the_notes_etablissement_read_it() {
        assert!(lisible(1, &[1, 2]));
        assert!(!lisible(1, &[2]));
        assert!(!lisible(1, &[]));
    }

    #[test]
    fn a_note_needs_a_title_a_text_and_a_test_name_for_a_test() {
        assert!(erreurs_note(TypeNote::Entretien, "Entretien", "Texte", None).is_empty());
        let champs = |t, ti, te, o| -> Vec<&str> {
            erreurs_note(t, ti, te, o)
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        };
        assert_eq!(champs(TypeNote::Bilan, " ", "x", None), ["titre"]);
        assert_eq!(champs(TypeNote::Bilan, "x", "", None), ["texte"]);
        assert_eq!(champs(TypeNote::Test, "x", "y", None), ["outil"]);
        assert_eq!(champs(TypeNote::Test, "x", "y", Some(" ")), ["outil"]);
        assert!(champs(TypeNote::Test, "x", "y", Some("MMSE")).is_empty());
    }
}

//! Name normalisation for search and duplicate detection (*identitovigilance*).
//!
//! - [`cle_recherche`]: exact search key (accents, case and punctuation ignored);
//! - [`mots_recherche`]: the words a name is indexed under (each word and the glued runs);
//! - [`cle_phonetique`]: French phonetic key, our own rules in the spirit of the
//!   « Soundex français » and Phonex (documented on the function);
//! - [`noms_proches`]: the test used to list probable duplicates.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Pushes the accent-free upper-case form of a letter or digit, or `None` when `c` is
/// neither (punctuation, space, symbol).
fn lettre_majuscule(c: char, out: &mut String) -> bool {
    match c {
        'œ' | 'Œ' => out.push_str("OE"),
        'æ' | 'Æ' => out.push_str("AE"),
        'ß' | 'ẞ' => out.push_str("SS"),
        'ø' | 'Ø' => out.push('O'),
        'đ' | 'Đ' => out.push('D'),
        'ł' | 'Ł' => out.push('L'),
        'ı' => out.push('I'),
        c if c.is_alphanumeric() => out.extend(c.to_uppercase()),
        _ => return false,
    }
    true
}

/// Collapses runs of spaces into one and trims.
fn espaces_simples(s: &str) -> String {
    s.split(' ')
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Search key (*clé de recherche*): NFD decomposition with combining marks removed
/// (`é` → `E`), upper case, `Œ` → `OE`, `Æ` → `AE`, `ß` → `SS`; hyphens, apostrophes,
/// dots and any other non-alphanumeric character become a space; runs of spaces are
/// collapsed and the result trimmed. `"Jean-Pierre"` and `"JEAN  PIERRE"` both give
/// `"JEAN PIERRE"`; `"D'Artagnan"` gives `"D ARTAGNAN"` (not `"DARTAGNAN"`, see
/// [`noms_proches`]). Letters without an ASCII base (Greek, Cyrillic) are kept upper-cased.
pub fn cle_recherche(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd().filter(|&c| !is_combining_mark(c)) {
        if !lettre_majuscule(c, &mut out) {
            out.push(' ');
        }
    }
    espaces_simples(&out)
}

/// Longest run of consecutive words of one name glued into a further search word.
const MOTS_COLLES_MAX: usize = 4;

/// The search words of one name (decision 0004): each word of [`cle_recherche`], then, for
/// a name of several words, every run of 2 to 4 consecutive words glued together:
/// `"L'Hermite"` → `L`, `HERMITE`, `LHERMITE`; `"de la Fontaine"` → `DE`, `LA`,
/// `FONTAINE`, `DELA`, `LAFONTAINE`, `DELAFONTAINE`. A name is then found by a prefix of
/// any of them, whether its apostrophe, hyphen or space is typed, dropped or glued.
pub fn mots_recherche(s: &str) -> Vec<String> {
    let cle = cle_recherche(s);
    let mots: Vec<&str> = cle.split(' ').filter(|m| !m.is_empty()).collect();
    let mut out: Vec<String> = mots.iter().map(|m| m.to_string()).collect();
    for n in 2..=mots.len().min(MOTS_COLLES_MAX) {
        out.extend(mots.windows(n).map(|run| run.concat()));
    }
    out
}

/// [`cle_recherche`] without its spaces: `"L'Hermite"`, `"l hermite"` and `"LHERMITE"` all
/// give `"LHERMITE"` (duplicate detection compares names so).
pub fn cle_collee(s: &str) -> String {
    cle_recherche(s).replace(' ', "")
}

/// Storage form of a *nom de naissance* (INS: upper case without diacritics): like
/// [`cle_recherche`] but hyphens and apostrophes are kept (typographic apostrophes
/// become `'`), e.g. `"d’Artagnan-Lefèvre"` → `"D'ARTAGNAN-LEFEVRE"`.
pub fn majuscules_sans_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd().filter(|&c| !is_combining_mark(c)) {
        if lettre_majuscule(c, &mut out) {
            continue;
        }
        match c {
            '-' | '‐' | '‑' | '–' => out.push('-'),
            '\'' | '’' | 'ʼ' | '‘' => out.push('\''),
            _ => out.push(' '),
        }
    }
    espaces_simples(&out)
}

fn est_voyelle(b: u8) -> bool {
    matches!(b, b'A' | b'E' | b'I' | b'O' | b'U' | b'Y')
}

fn est_consonne(b: Option<&u8>) -> bool {
    matches!(b, Some(&c) if !est_voyelle(c))
}

/// Removes consecutive duplicates (`TT` → `T`).
fn sans_doubles(v: &mut Vec<u8>) {
    v.dedup();
}

/// French phonetic key (*clé phonétique*), our own rules (in the spirit of Soundex
/// français / Phonex), applied to the letters of [`cle_recherche`] (spaces, digits
/// dropped):
///
/// 1. doubled letters are reduced (`TT` → `T`, `PP` → `P`);
/// 2. a final `EZ`, `ER` or `ET` becomes `E` (as in *Martinez*, *Roger*, *Bernet*);
/// 3. left to right: `SCH`→`S`, `PH`→`F`, `TH`→`T`, `RH`→`R`, `CHR`/`CHL`→`KR`/`KL`,
///    `CH`→`S`, `CK`/`QU`/`Q`→`K`, `C`→`S` before `E I Y` else `K`, `GU`→`G` before
///    `E I Y`, `GN`→`N`, `GEA`/`GEO`→`JA`/`JO`,
///    `G`→`J` before `E I Y`, `EAU`/`AU`→`O`, `AI`/`EI`/`AY`/`EY`→`E`,
///    `OU`→`U`, `EN`/`EM`/`AN`/`AM` before a consonant→`AN`, `OM`/`IM` before a
///    consonant→`ON`/`IN`, `S` between a vowel and `N`/`M` is silent (*Chesne*), `B`
///    (not first) before a consonant→`V` (*Lefebvre*, *Lefebre*), `W`→`V`, `Y`→`I`,
///    `Z`→`S`, `H` silent;
/// 4. repeated sounds are reduced again, then one final silent `T`, `D`, `S` or `X` is
///    dropped (*Dupont*/*Dupond* → `DUPON`).
///
/// Collisions: Lefèvre/Lefebvre/Lefebre, Dupont/Dupond, Philippe/Phillipe,
/// Mathieu/Matthieu, Catherine/Katherine, Chaigne/Chesne. No collision:
/// Martin/Martinez, Durand/Dupont.
pub fn cle_phonetique(s: &str) -> String {
    let mut b: Vec<u8> = cle_recherche(s)
        .bytes()
        .filter(u8::is_ascii_uppercase)
        .collect();
    sans_doubles(&mut b);
    if b.len() > 3 && matches!(b[b.len() - 2..], [b'E', b'Z' | b'R' | b'T']) {
        b.pop();
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let reste = &b[i..];
        let suivant = b.get(i + 1).copied();
        let apres = b.get(i + 2);
        let avant_eiy = |o: Option<u8>| matches!(o, Some(b'E' | b'I' | b'Y'));
        let (son, pas): (&[u8], usize) = match reste {
            [b'S', b'C', b'H', ..] => (b"S", 3),
            [b'P', b'H', ..] => (b"F", 2),
            [b'T' | b'R', b'H', ..] => (&reste[..1], 2),
            [b'C', b'H', b'R' | b'L', ..] => (b"K", 2),
            [b'C', b'H', ..] => (b"S", 2),
            [b'C', b'K', ..] | [b'Q', b'U', ..] => (b"K", 2),
            [b'Q', ..] => (b"K", 1),
            [b'C', ..] if avant_eiy(suivant) => (b"S", 1),
            [b'C', ..] => (b"K", 1),
            [b'G', b'U', ..] if avant_eiy(apres.copied()) => (b"G", 2),
            [b'G', b'N', ..] => (b"N", 2),
            [b'G', b'E', b'A' | b'O', ..] => (b"J", 2),
            [b'G', ..] if avant_eiy(suivant) => (b"J", 1),
            [b'E', b'A', b'U', ..] => (b"O", 3),
            [b'A', b'U', ..] => (b"O", 2),
            [b'A' | b'E', b'I' | b'Y', ..] => (b"E", 2),
            [b'O', b'U', ..] => (b"U", 2),
            [b'A' | b'E', b'N' | b'M', ..]
                if est_consonne(apres) && !matches!(apres, Some(b'N' | b'M')) =>
            {
                (b"AN", 2)
            }
            [b'O', b'M', ..] if est_consonne(apres) => (b"ON", 2),
            [b'I', b'M', ..] if est_consonne(apres) => (b"IN", 2),
            [b'S', b'N' | b'M', ..] if out.last().is_some_and(|&p| est_voyelle(p)) => (b"", 1),
            [b'B', ..] if i > 0 && est_consonne(suivant.as_ref()) => (b"V", 1),
            [b'W', ..] => (b"V", 1),
            [b'Y', ..] => (b"I", 1),
            [b'Z', ..] => (b"S", 1),
            [b'H', ..] => (b"", 1),
            _ => (&reste[..1], 1),
        };
        out.extend_from_slice(son);
        i += pas;
    }
    sans_doubles(&mut out);
    if out.len() > 2 && matches!(out.last(), Some(b'T' | b'D' | b'S' | b'X')) {
        out.pop();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Levenshtein edit distance between two strings, counted in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut precedente: Vec<usize> = (0..=b.len()).collect();
    let mut courante = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        courante[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = precedente[j] + usize::from(ca != cb);
            courante[j + 1] = substitution.min(precedente[j + 1] + 1).min(courante[j] + 1);
        }
        std::mem::swap(&mut precedente, &mut courante);
    }
    precedente[b.len()]
}

/// True when two names are probably the same (*noms proches*, duplicate detection):
/// same [`cle_collee`], or same non-empty [`cle_phonetique`], or a Levenshtein
/// distance ≤ 1 between the glued keys when both have at least 5 characters (apostrophes,
/// hyphens and spaces typed, dropped or glued never count as a difference). Names without
/// any letter or digit are never close.
pub fn noms_proches(a: &str, b: &str) -> bool {
    let (ka, kb) = (cle_collee(a), cle_collee(b));
    if ka.is_empty() || kb.is_empty() {
        return false;
    }
    if ka == kb {
        return true;
    }
    let (pa, pb) = (cle_phonetique(a), cle_phonetique(b));
    if !pa.is_empty() && pa == pb {
        return true;
    }
    ka.chars().count() >= 5 && kb.chars().count() >= 5 && levenshtein(&ka, &kb) <= 1
}

/// True when two lists of first names (first one first) probably begin with the same first
/// name, typed as one compound name or as several: the first one, two or three of each,
/// glued in order, compared with [`noms_proches`]. `["Jean", "Pierre"]` and
/// `["Jean-Pierre"]` are close; `["Jean"]` and `["Jean-Pierre"]` are not.
pub fn prenoms_proches<A: AsRef<str>, B: AsRef<str>>(a: &[A], b: &[B]) -> bool {
    fn debuts<P: AsRef<str>>(l: &[P]) -> Vec<String> {
        (1..=l.len().min(3))
            .map(|k| l[..k].iter().map(|p| cle_collee(p.as_ref())).collect())
            .collect()
    }
    let (da, db) = (debuts(a), debuts(b));
    da.iter().any(|x| db.iter().any(|y| noms_proches(x, y)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cle_recherche_strips_accents_case_and_punctuation() {
        assert_eq!(cle_recherche("  Hélène  "), "HELENE");
        assert_eq!(cle_recherche("Jean-Pierre"), "JEAN PIERRE");
        assert_eq!(cle_recherche("JEAN  PIERRE"), "JEAN PIERRE");
        assert_eq!(cle_recherche("D'Artagnan"), "D ARTAGNAN");
        assert_eq!(cle_recherche("d’Artagnan"), "D ARTAGNAN");
        assert_eq!(
            cle_recherche("Œdipe Lætitia Strauß"),
            "OEDIPE LAETITIA STRAUSS"
        );
        assert_eq!(cle_recherche("St. Exupéry--Ñúñez"), "ST EXUPERY NUNEZ");
        assert_eq!(cle_recherche("François Çà"), "FRANCOIS CA");
        assert_eq!(cle_recherche("-'. "), "");
    }

    #[test]
    fn majuscules_sans_accents_keeps_hyphen_and_apostrophe() {
        assert_eq!(
            majuscules_sans_accents("d’Artagnan-Lefèvre"),
            "D'ARTAGNAN-LEFEVRE"
        );
        assert_eq!(
            majuscules_sans_accents(" de  la Fontaine "),
            "DE LA FONTAINE"
        );
        assert_eq!(majuscules_sans_accents("Cœur"), "COEUR");
    }

    #[test]
    fn phonetic_pairs_collide() {
        for (a, b) in [
            ("Lefèvre", "LEFEBVRE"),
            ("Lefèvre", "Lefebre"),
            ("LEFEBVRE", "Lefebre"),
            ("Dupont", "Dupond"),
            ("Phillipe", "Philippe"),
            ("Mathieu", "Matthieu"),
            ("Catherine", "Katherine"),
            ("Chaigne", "Chesne"),
            ("Laurent", "Laurant"),
            ("D'Artagnan", "DARTAGNAN"),
            ("Jean-Pierre", "JEAN PIERRE"),
            ("Georges", "Jorge"),
        ] {
            assert_eq!(cle_phonetique(a), cle_phonetique(b), "{a} / {b}");
            assert!(noms_proches(a, b), "{a} / {b}");
        }
        assert_eq!(cle_phonetique("Dupont"), "DUPON");
        assert_eq!(cle_phonetique("Lefebvre"), "LEFEVRE");
    }

    #[test]
    fn phonetic_distinct_names_do_not_collide() {
        for (a, b) in [
            ("Martin", "Martinez"),
            ("Durand", "Dupont"),
            ("Martin", "Durand"),
            ("Bernard", "Bertrand"),
        ] {
            assert_ne!(cle_phonetique(a), cle_phonetique(b), "{a} / {b}");
        }
        assert!(!noms_proches("Martin", "Martinez"));
        assert!(!noms_proches("Durand", "Dupont"));
        assert!(!noms_proches("", ""));
        assert!(!noms_proches("--", "''"));
        assert_eq!(cle_phonetique(""), "");
    }

    #[test]
    fn mots_recherche_adds_the_glued_runs_of_a_name() {
        assert_eq!(mots_recherche("L'Hermite"), ["L", "HERMITE", "LHERMITE"]);
        assert_eq!(
            mots_recherche("Jean-Pierre"),
            ["JEAN", "PIERRE", "JEANPIERRE"]
        );
        assert_eq!(
            mots_recherche("de la Fontaine"),
            ["DE", "LA", "FONTAINE", "DELA", "LAFONTAINE", "DELAFONTAINE"]
        );
        assert_eq!(mots_recherche("Dupont"), ["DUPONT"]);
        assert!(mots_recherche("-'").is_empty());
        // Runs of at most four words: a long name does not multiply its index rows.
        assert_eq!(mots_recherche("a b c d e f").len(), 6 + 5 + 4 + 3);
        assert_eq!(cle_collee("l’Hermite"), "LHERMITE");
    }

    #[test]
    fn separators_never_make_names_distant() {
        // Typed, dropped or glued; with one typo besides (the phonetic keys differ).
        for (a, b) in [
            ("L'HERMITE", "LHERNITE"),
            ("L HERMITE", "LHERNITE"),
            ("DE LA FONTAINE", "DELAFONTAIME"),
            ("Jean-Pierre", "JEANPIEKRE"),
        ] {
            assert_ne!(cle_phonetique(a), cle_phonetique(b), "{a} / {b}");
            assert!(noms_proches(a, b), "{a} / {b}");
        }
        assert!(noms_proches("LE ROY", "Leroy"));
        assert!(prenoms_proches(
            &["Jean", "Pierre"],
            &["Jean-Pierre", "Marie"]
        ));
        assert!(prenoms_proches(&["JEAN-PIERRE"], &["Jean", "Pierre"]));
        assert!(prenoms_proches(&["Marie", "Louise"], &["Marie-Louise"]));
        assert!(!prenoms_proches(&["Jean"], &["Jean-Pierre"]));
        assert!(!prenoms_proches(&["Paul", "Pierre"], &["Jean-Pierre"]));
        assert!(!prenoms_proches::<&str, &str>(&[], &["Jean"]));
        assert!(!noms_proches("DE LA FONTAINE", "LAFONTAINE"));
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("ABC", ""), 3);
        assert_eq!(levenshtein("CHAT", "CHATS"), 1);
        assert_eq!(levenshtein("KITTEN", "SITTING"), 3);
        assert_eq!(levenshtein("ÉLODIE", "ELODIE"), 1);
    }

    #[test]
    fn noms_proches_uses_levenshtein_only_from_five_chars() {
        // One typo in a long name: close.
        assert!(noms_proches("Bertrand", "Bertrant"));
        assert!(noms_proches("Dubois", "Duboit"));
        assert!(noms_proches("MOREAU", "MOREAUX"));
        // Short names: one letter apart is not enough.
        assert!(!noms_proches("Roy", "Ray"));
        assert!(!noms_proches("Rey", "Roy"));
        assert!(noms_proches("LEROY", "LEROI"));
    }
}

//! The alphabet of the INSi traits: capital letters `A`–`Z`, space,
//! apostrophe and hyphen. Accents are removed, ligatures written out
//! (« Œ » → `OE`, « Æ » → `AE`, « ß » → `SS`), typographic apostrophes and
//! dashes mapped to their ASCII form, spaces collapsed. A character with no
//! transliteration (a digit, a letter of another script, a sign) is refused
//! with a French message: nothing is sent rather than a wrong trait.

use unicode_normalization::UnicodeNormalization;

/// Apostrophes written as `'`.
const APOSTROPHES: &[char] = &[
    '\'', '\u{2018}', '\u{2019}', '\u{02bc}', '\u{2032}', '`', '´',
];
/// Dashes written as `-`.
const TIRETS: &[char] = &[
    '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2212}',
];

/// Letters that Unicode does not decompose into a base letter and a mark.
fn lettre_speciale(c: char) -> Option<&'static str> {
    Some(match c {
        'Œ' | 'œ' => "OE",
        'Æ' | 'æ' => "AE",
        'ß' | 'ẞ' => "SS",
        'Ø' | 'ø' => "O",
        'Ł' | 'ł' => "L",
        'Đ' | 'đ' | 'Ð' | 'ð' => "D",
        'Þ' | 'þ' => "TH",
        'ı' => "I",
        _ => return None,
    })
}

/// Whether `value` is already written in the service's alphabet (what the
/// simulator accepts, as the service does).
pub fn est_dans_l_alphabet(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || matches!(c, ' ' | '\'' | '-'))
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && !value.contains("  ")
}

/// Writes a trait (nom or prénom) in the service's alphabet. `champ` names
/// the trait in the error message (« nom de naissance », « prénom »).
pub fn vers_alphabet(champ: &str, value: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    for c in value.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue; // combining mark left by the decomposition of an accent
        }
        if c.is_whitespace() {
            out.push(' ');
        } else if APOSTROPHES.contains(&c) {
            out.push('\'');
        } else if TIRETS.contains(&c) {
            out.push('-');
        } else if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_uppercase());
        } else if let Some(s) = lettre_speciale(c) {
            out.push_str(s);
        } else {
            return Err(format!(
                "Le {champ} « {value} » contient le caractère « {c} », que le téléservice INSi n'accepte pas (lettres, espace, apostrophe et trait d'union seulement) : corrigez-le avant d'interroger INSi."
            ));
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.is_empty() {
        return Err(format!(
            "Le {champ} est vide : le téléservice INSi ne peut pas être interrogé."
        ));
    }
    Ok(out)
}

/// The sex as the service takes it: `F` or `M` only.
pub fn sexe(value: &str) -> Result<&'static str, String> {
    match value.trim() {
        "F" | "f" => Ok("F"),
        "M" | "m" => Ok("M"),
        _ => Err("Le téléservice INSi ne recherche que des identités de sexe féminin ou masculin : une identité de sexe indéterminé ne peut pas lui être envoyée.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_de_translitteration() {
        for (entree, attendu) in [
            ("Hélène", "HELENE"),
            ("Marie-Thérèse", "MARIE-THERESE"),
            ("François", "FRANCOIS"),
            ("Noël", "NOEL"),
            ("Maëlys", "MAELYS"),
            ("Çağla", "CAGLA"),
            ("Ñuñez", "NUNEZ"),
            ("Œdipe", "OEDIPE"),
            ("cœur", "COEUR"),
            ("Lætitia", "LAETITIA"),
            ("ÆLIS", "AELIS"),
            ("Strauß", "STRAUSS"),
            ("Søren", "SOREN"),
            ("Łukasz", "LUKASZ"),
            ("d’Alembert", "D'ALEMBERT"),
            ("d‘Arc", "D'ARC"),
            ("O`Neil", "O'NEIL"),
            ("N'Diaye", "N'DIAYE"),
            ("Jean–Pierre", "JEAN-PIERRE"),
            ("  de   la  Fontaine ", "DE LA FONTAINE"),
            ("Hele\u{301}ne", "HELENE"),
            ("ÿvonne", "YVONNE"),
        ] {
            assert_eq!(
                vers_alphabet("prénom", entree).unwrap(),
                attendu,
                "{entree}"
            );
            assert!(est_dans_l_alphabet(attendu), "{attendu}");
        }
    }

    #[test]
    fn caracteres_refuses() {
        for entree in ["Louis XIV 2", "Jean.", "Анна", "李", "A&B", ""] {
            let e = vers_alphabet("prénom", entree).unwrap_err();
            assert!(e.contains("téléservice INSi"), "{e}");
        }
    }

    #[test]
    fn alphabet_du_service() {
        for ok in ["DUPONT", "D'ARC", "JEAN-PIERRE", "DE LA FONTAINE"] {
            assert!(est_dans_l_alphabet(ok));
        }
        for ko in ["Dupont", "HÉLÈNE", "ŒDIPE", " A", "A  B", "A1", ""] {
            assert!(!est_dans_l_alphabet(ko), "{ko}");
        }
    }

    #[test]
    fn sexe_f_ou_m() {
        assert_eq!(sexe("F"), Ok("F"));
        assert_eq!(sexe("m"), Ok("M"));
        let e = sexe("I").unwrap_err();
        assert!(e.contains("sexe indéterminé"), "{e}");
        assert!(sexe("U").is_err());
    }
}

//! What a search's typed text means (names, a birth date in any common form, a year, a
//! month, an INS, a file number) and which part of a name a result matched.

use chrono::Datelike;
use dui_domain::usager::cle_recherche;

/// A birth date asked: a day, or a period (a month, a year) as a range of stored dates
/// (`AAAA-MM-JJ`, `00` for unknown parts: `1938-00-00` is within 1938).
#[derive(Debug, PartialEq, Clone)]
pub(super) enum Quand {
    Jour(String),
    Periode(String, String),
}

/// What the typed text means.
#[derive(Debug, PartialEq)]
pub(super) enum Critere {
    Noms(Vec<String>, Option<Quand>),
    Date(Quand),
    Ins(String),
    Numero(i64),
    /// Nothing typed: everyone visible (in the établissement chosen, if one is).
    Tous,
}

/// A complete date as people type it: `12/04/1938`, `12041938`, `12-04-1938`,
/// `12.04.1938`, `1938-04-12`.
fn jour(s: &str) -> Option<String> {
    let formats = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"];
    let d = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        chrono::NaiveDate::parse_from_str(s, "%d%m%Y").ok()
    } else {
        formats
            .iter()
            .find_map(|f| chrono::NaiveDate::parse_from_str(s, f).ok())
    };
    d.filter(|d| d.year() >= dui_domain::usager::ANNEE_MIN)
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// A year (`1938`) from the first year of birth accepted to 2100.
fn annee(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|a| (dui_domain::usager::ANNEE_MIN..=2100).contains(a))
}

/// A month of a year: `04/1938`, `4/1938`, `04-1938`, `1938-04`.
fn mois(s: &str) -> Option<(i32, u32)> {
    let (a, b) = s.split_once(['/', '-', '.'])?;
    let (m, y) = if a.len() == 4 { (b, a) } else { (a, b) };
    let m: u32 = (1..=2)
        .contains(&m.len())
        .then(|| m.parse().ok())
        .flatten()?;
    Some((annee(y)?, m)).filter(|(_, m)| (1..=12).contains(m))
}

/// A birth date or period in one word.
fn quand(s: &str) -> Option<Quand> {
    if let Some(d) = jour(s) {
        return Some(Quand::Jour(d));
    }
    if let Some((y, m)) = mois(s) {
        return Some(Quand::Periode(
            format!("{y:04}-{m:02}-00"),
            format!("{y:04}-{:02}-00", m + 1),
        ));
    }
    annee(s).map(|y| Quand::Periode(format!("{y:04}-00-00"), format!("{:04}-00-00", y + 1)))
}

pub(super) fn parse(texte: &str) -> Critere {
    let t = texte.trim();
    if t.is_empty() {
        return Critere::Tous;
    }
    if let Some(q) = quand(t) {
        return Critere::Date(q);
    }
    let compact: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if compact.len() == 15
        && compact
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'A' || c == 'B')
    {
        return Critere::Ins(compact);
    }
    if let Some(q) = quand(&compact) {
        return Critere::Date(q);
    }
    let num = compact.strip_prefix('U').unwrap_or(&compact);
    if !num.is_empty() && num.len() <= 10 && num.chars().all(|c| c.is_ascii_digit()) {
        return num.parse().map(Critere::Numero).unwrap_or(Critere::Tous);
    }
    // Names, possibly with a birth date among the words.
    let mut date = None;
    let mut words = Vec::new();
    for w in t.split_whitespace() {
        match quand(w) {
            Some(d) => date = Some(d),
            None => words.extend(
                cle_recherche(w)
                    .split(' ')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string),
            ),
        }
    }
    if words.is_empty() {
        return date.map(Critere::Date).unwrap_or(Critere::Tous);
    }
    // Longest word first: it drives the index scan.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    Critere::Noms(words, date)
}

/// The part of a name the table does not show that a search word matched: a later first
/// name (« 2e prénom : MARIE »), the first name of birth behind a used one, the birth name
/// behind a used name. `None` when what is shown explains the match.
pub(super) fn correspondance(
    words: &[String],
    prenoms: &[String],
    prenom_utilise: Option<&str>,
) -> Option<String> {
    let commence = |nom: &str, w: &str| cle_recherche(nom).split(' ').any(|x| x.starts_with(w));
    let montre = |w: &str| match prenom_utilise {
        Some(p) => commence(p, w),
        None => prenoms.first().is_some_and(|p| commence(p, w)),
    };
    let mut parts = Vec::new();
    for w in words {
        if montre(w) {
            continue;
        }
        if let Some((i, p)) = prenoms.iter().enumerate().find(|(_, p)| commence(p, w)) {
            let rang = if i == 0 {
                "1er prénom de naissance".to_string()
            } else {
                format!("{}e prénom de naissance", i + 1)
            };
            let part = format!("{rang} : {p}");
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jour_(d: &str) -> Critere {
        Critere::Date(Quand::Jour(d.into()))
    }

    #[test]
    fn typed_text_is_understood() {
        assert_eq!(parse("12/04/1938"), jour_("1938-04-12"));
        assert_eq!(parse("U0000042"), Critere::Numero(42));
        assert_eq!(parse("42"), Critere::Numero(42));
        assert_eq!(
            parse("2 79 03 51 215 189 89"),
            Critere::Ins("279035121518989".into())
        );
        assert_eq!(
            parse("hél dupont"),
            Critere::Noms(vec!["DUPONT".into(), "HEL".into()], None)
        );
        assert_eq!(
            parse("Lefèvre 12/04/1938"),
            Critere::Noms(
                vec!["LEFEVRE".into()],
                Some(Quand::Jour("1938-04-12".into()))
            )
        );
        assert_eq!(parse("   "), Critere::Tous);
    }

    #[test]
    fn dates_in_any_common_form() {
        for t in [
            "12041938",
            "12/04/1938",
            "12-04-1938",
            "12.04.1938",
            "1938-04-12",
            " 12 04 1938",
        ] {
            assert_eq!(parse(t), jour_("1938-04-12"), "{t}");
        }
        let avril = Critere::Date(Quand::Periode("1938-04-00".into(), "1938-05-00".into()));
        for t in ["04/1938", "4/1938", "04-1938", "1938-04"] {
            assert_eq!(parse(t), avril, "{t}");
        }
        assert_eq!(
            parse("1938"),
            Critere::Date(Quand::Periode("1938-00-00".into(), "1939-00-00".into()))
        );
        assert_eq!(
            parse("12/1938"),
            Critere::Date(Quand::Periode("1938-12-00".into(), "1938-13-00".into()))
        );
        assert_eq!(
            parse("dupont 1938"),
            Critere::Noms(
                vec!["DUPONT".into()],
                Some(Quand::Periode("1938-00-00".into(), "1939-00-00".into()))
            )
        );
        // Not dates: a file number, an impossible date.
        assert_eq!(parse("31021938"), Critere::Numero(31021938));
        assert_eq!(parse("1700"), Critere::Numero(1700));
    }

    #[test]
    fn the_hidden_part_that_matched_is_named() {
        let prenoms = vec!["Hélène".to_string(), "Marie".to_string()];
        assert_eq!(
            correspondance(&["MAR".into()], &prenoms, None).as_deref(),
            Some("2e prénom de naissance : Marie")
        );
        assert_eq!(correspondance(&["HEL".into()], &prenoms, None), None);
        assert_eq!(
            correspondance(&["HEL".into()], &prenoms, Some("Lena")).as_deref(),
            Some("1er prénom de naissance : Hélène")
        );
        assert_eq!(correspondance(&["DUPONT".into()], &prenoms, None), None);
    }
}

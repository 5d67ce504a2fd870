//! iCalendar (RFC 5545) for agenda subscriptions and exports (issue 13, COO-4): one VEVENT
//! per occurrence, times in UTC (a recurring series is expanded in Europe/Paris before it is
//! written, so a calendar needs no time-zone definition), lines ended by CRLF and folded at
//! 75 octets, text escaped. A reader of the same subset checks what is written.

use chrono::{DateTime, Utc};

/// One event as the calendar shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvenementIcs {
    /// Unique and stable across exports (`evenement-<id>-<date>@dui`).
    pub uid: String,
    /// Start.
    pub debut: DateTime<Utc>,
    /// End.
    pub fin: DateTime<Utc>,
    /// Title (minimised: no name of a person, see the decision on agenda subscriptions).
    pub titre: String,
    /// Place.
    pub lieu: Option<String>,
    /// `CONFIRMED`, `TENTATIVE` or `CANCELLED`.
    pub statut: &'static str,
}

/// Escapes a TEXT value (backslash, semicolon, comma, newline).
pub fn echapper(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            ';' => o.push_str("\\;"),
            ',' => o.push_str("\\,"),
            '\n' => o.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
}

/// Appends one content line, folded at 75 octets (never inside a UTF-8 character), CRLF.
fn ligne(out: &mut String, l: &str) {
    let mut debut = 0;
    let mut limite = 75;
    while l.len() - debut > limite {
        let mut fin = debut + limite;
        while !l.is_char_boundary(fin) {
            fin -= 1;
        }
        out.push_str(&l[debut..fin]);
        out.push_str("\r\n ");
        debut = fin;
        limite = 74; // the leading space counts
    }
    out.push_str(&l[debut..]);
    out.push_str("\r\n");
}

fn horodatage(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A VCALENDAR named `nom` with `evenements`, stamped `maintenant`.
pub fn calendrier(nom: &str, evenements: &[EvenementIcs], maintenant: DateTime<Utc>) -> String {
    let mut o = String::new();
    ligne(&mut o, "BEGIN:VCALENDAR");
    ligne(&mut o, "VERSION:2.0");
    ligne(&mut o, "PRODID:-//DUI//Agenda//FR");
    ligne(&mut o, "CALSCALE:GREGORIAN");
    ligne(&mut o, &format!("X-WR-CALNAME:{}", echapper(nom)));
    for e in evenements {
        ligne(&mut o, "BEGIN:VEVENT");
        ligne(&mut o, &format!("UID:{}", echapper(&e.uid)));
        ligne(&mut o, &format!("DTSTAMP:{}", horodatage(maintenant)));
        ligne(&mut o, &format!("DTSTART:{}", horodatage(e.debut)));
        ligne(&mut o, &format!("DTEND:{}", horodatage(e.fin)));
        ligne(&mut o, &format!("SUMMARY:{}", echapper(&e.titre)));
        if let Some(l) = &e.lieu {
            ligne(&mut o, &format!("LOCATION:{}", echapper(l)));
        }
        ligne(&mut o, &format!("STATUS:{}", e.statut));
        ligne(&mut o, "END:VEVENT");
    }
    ligne(&mut o, "END:VCALENDAR");
    o
}

/// Reads content lines back: unfolds, splits name (parameters dropped) and value, unescapes
/// text. Refuses a line not ended by CRLF or longer than 75 octets.
pub fn lire(texte: &str) -> Result<Vec<(String, String)>, String> {
    if !texte.ends_with("\r\n") {
        return Err("le calendrier ne finit pas par CRLF".into());
    }
    let mut lignes: Vec<String> = Vec::new();
    for brute in texte.split("\r\n").filter(|l| !l.is_empty()) {
        if brute.len() > 75 {
            return Err(format!("ligne de plus de 75 octets : {brute}"));
        }
        if brute.contains('\n') || brute.contains('\r') {
            return Err("fin de ligne sans CRLF".into());
        }
        if let Some(suite) = brute.strip_prefix(' ') {
            lignes
                .last_mut()
                .ok_or("continuation sans ligne")?
                .push_str(suite);
        } else {
            lignes.push(brute.to_string());
        }
    }
    lignes
        .into_iter()
        .map(|l| {
            let (nom, valeur) = l.split_once(':').ok_or(format!("ligne sans « : » : {l}"))?;
            let nom = nom.split(';').next().unwrap_or(nom).to_string();
            let mut v = String::new();
            let mut it = valeur.chars();
            while let Some(c) = it.next() {
                if c == '\\' {
                    match it.next() {
                        Some('n') | Some('N') => v.push('\n'),
                        Some(c) => v.push(c),
                        None => return Err("échappement final".into()),
                    }
                } else {
                    v.push(c);
                }
            }
            Ok((nom, v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_is_valid_rfc_5545_and_reads_back() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let long = "Réunion de synthèse ; projet personnalisé, étape 2 — ".repeat(4);
        let e = vec![
            EvenementIcs {
                uid: "evenement-12-20261207@dui".into(),
                debut: t("2026-12-07T08:00:00Z"),
                fin: t("2026-12-07T09:00:00Z"),
                titre: long.clone(),
                lieu: Some("Salle « Tilleul »,\nrez-de-chaussée\\est".into()),
                statut: "CONFIRMED",
            },
            EvenementIcs {
                uid: "evenement-13-20261208@dui".into(),
                debut: t("2026-12-08T13:30:00Z"),
                fin: t("2026-12-08T14:00:00Z"),
                titre: "Consultation extérieure — M. D. (U000042)".into(),
                lieu: None,
                statut: "CANCELLED",
            },
        ];
        let ics = calendrier("Agenda de Marie MARTIN", &e, t("2026-12-06T10:00:00Z"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75));
        let lu = lire(&ics).unwrap();
        let valeurs = |nom: &str| -> Vec<String> {
            lu.iter()
                .filter(|(n, _)| n == nom)
                .map(|(_, v)| v.clone())
                .collect()
        };
        assert_eq!(valeurs("BEGIN"), ["VCALENDAR", "VEVENT", "VEVENT"]);
        assert_eq!(valeurs("END"), ["VEVENT", "VEVENT", "VCALENDAR"]);
        assert_eq!(valeurs("SUMMARY")[0], long);
        assert_eq!(
            valeurs("LOCATION"),
            ["Salle « Tilleul »,\nrez-de-chaussée\\est"]
        );
        assert_eq!(valeurs("DTSTART"), ["20261207T080000Z", "20261208T133000Z"]);
        assert_eq!(valeurs("DTEND"), ["20261207T090000Z", "20261208T140000Z"]);
        assert_eq!(valeurs("STATUS"), ["CONFIRMED", "CANCELLED"]);
        assert_eq!(valeurs("X-WR-CALNAME"), ["Agenda de Marie MARTIN"]);
        assert_eq!(valeurs("UID")[1], "evenement-13-20261208@dui");
        // A fold never cuts a multi-octet character.
        assert!(ics.is_char_boundary(ics.len()));
        assert!(lire("BEGIN:VCALENDAR\n").is_err());
    }
}

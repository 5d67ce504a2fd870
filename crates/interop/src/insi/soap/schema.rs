//! The structural rules of the service's schemas, checked by the simulator
//! on what it receives: element order, cardinality and namespace of an
//! `xsd:sequence`, and the types the service constrains (`xsd:dateTime`).
//! The tests validate the same envelopes with `xmllint` against the XSDs
//! themselves; this keeps the simulator as strict without a libxml2 binding.

use super::xml::Element;

/// One `xsd:element` of a sequence: local name, `minOccurs`, `maxOccurs`
/// (`usize::MAX` for `unbounded`).
pub(super) type Particule = (&'static str, usize, usize);

/// Unbounded `maxOccurs`.
pub(super) const N: usize = usize::MAX;

/// Checks that the children of `el` follow `sequence`, all in namespace `ns`.
pub(super) fn sequence(el: &Element, ns: &str, sequence: &[Particule]) -> Result<(), String> {
    let mut i = 0;
    let mut count = 0;
    for child in &el.children {
        if child.ns.as_deref() != Some(ns) {
            return Err(format!(
                "élément {} d'un espace de noms inattendu ({}) dans {}",
                child.name,
                child.ns.as_deref().unwrap_or("aucun"),
                el.name
            ));
        }
        while i < sequence.len() && sequence[i].0 != child.name {
            if count < sequence[i].1 {
                return Err(format!("élément {} absent de {}", sequence[i].0, el.name));
            }
            i += 1;
            count = 0;
        }
        let Some(&(name, _, max)) = sequence.get(i) else {
            return Err(format!(
                "élément {} inattendu (ou mal placé) dans {}",
                child.name, el.name
            ));
        };
        count += 1;
        if count > max {
            return Err(format!("élément {name} répété dans {}", el.name));
        }
    }
    for (k, &(name, min, _)) in sequence.iter().enumerate().skip(i) {
        let seen = if k == i { count } else { 0 };
        if seen < min {
            return Err(format!("élément {name} absent de {}", el.name));
        }
    }
    Ok(())
}

/// `xsd:dateTime` (the service's `Temps`), read as RFC 3339.
pub(super) fn date_time(value: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(value.trim()).is_ok()
}

/// `DateLunaire`: `\d{4}-\d{2}-\d{2}` (month and day may be `00`).
pub(super) fn date_lunaire(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insi::xml;

    fn el(x: &str) -> Element {
        xml::parse(x).unwrap()
    }

    #[test]
    fn sequence_rules() {
        let seq: &[Particule] = &[("A", 1, 1), ("B", 0, N), ("C", 0, 1)];
        assert!(sequence(&el(r#"<r xmlns="u"><A/><B/><B/><C/></r>"#), "u", seq).is_ok());
        assert!(sequence(&el(r#"<r xmlns="u"><A/></r>"#), "u", seq).is_ok());
        for bad in [
            r#"<r xmlns="u"><B/></r>"#,
            r#"<r xmlns="u"><A/><C/><B/></r>"#,
            r#"<r xmlns="u"><A/><A/></r>"#,
            r#"<r xmlns="u"><A/><D/></r>"#,
            r#"<r xmlns="u"><A/><C/><C/></r>"#,
            r#"<r xmlns="v"><A/></r>"#,
            r#"<r/>"#,
        ] {
            assert!(sequence(&el(bad), "u", seq).is_err(), "{bad}");
        }
    }

    #[test]
    fn types() {
        assert!(date_time("2026-12-06T10:00:00.000Z"));
        assert!(!date_time("06/12/2026"));
        assert!(date_lunaire("1969-02-00"));
        assert!(!date_lunaire("1969-2-01"));
        assert!(!date_lunaire("01/02/1969"));
    }
}

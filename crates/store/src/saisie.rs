//! The store's own guard on what it writes: the maxima of [`dui_domain::saisie`] checked
//! again on every input before a write, and no control character in any text bound to a
//! statement (PostgreSQL cannot store U+0000; SQLite would, silently), so that no caller, the
//! web layer or a future one, writes an unbounded or unreadable value. A refusal is
//! `StoreError::Invalid` with the French message of the domain.

use dui_domain::saisie::{self as lim, verifier_tous, Champ};

use crate::{StoreError, StoreResult};

pub(crate) fn borne<'a>(v: impl IntoIterator<Item = (Champ, Option<&'a str>)>) -> StoreResult<()> {
    verifier_tous(v).map_err(|r| StoreError::Invalid(r.to_string()))
}

pub(crate) fn l(nom: &'static str, max: usize) -> Champ {
    Champ::ligne(nom, max)
}

/// A search text: at most [`lim::RECHERCHE`] characters and [`lim::MOTS_RECHERCHE`] words.
pub(crate) fn recherche(texte: &str) -> StoreResult<()> {
    borne([(Champ::recherche("q"), Some(texte))])
}

/// A unit's name and kind.
pub(crate) fn unite(nom: &str, type_unite: &str) -> StoreResult<()> {
    borne([
        (l("nom", lim::NOM_STRUCTURE), Some(nom)),
        (l("type_unite", lim::CODE), Some(type_unite)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{sans_controle, Value};

    #[test]
    fn texts_with_control_characters_are_not_bound() {
        assert!(sans_controle(&[Value::Text("a\tb\r\nc".into()), Value::Int(1)]).is_ok());
        assert!(matches!(
            sans_controle(&[Value::Text("a\u{0}b".into())]),
            Err(StoreError::Invalid(m)) if m.contains("U+0000")
        ));
        assert!(recherche(&"a ".repeat(11)).is_err());
        assert!(recherche(&"a".repeat(201)).is_err());
        assert!(recherche("dupont marie 12/04/1938").is_ok());
    }
}

//! A tiny namespace-aware element tree built with quick-xml, enough to read
//! SOAP envelopes, plus the escaping helper used to write them.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// Maximum nesting depth accepted (SOAP envelopes of INSi are shallow).
const MAX_DEPTH: usize = 64;

/// An XML element: resolved namespace, local name, attributes (local names,
/// namespace declarations left out), child elements and concatenated text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub ns: Option<String>,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    text: String,
}

impl Element {
    /// First child element with this local name (any namespace).
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All child elements with this local name (any namespace).
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Descendant reached by following local names.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |el, name| el.child(name))
    }

    /// Trimmed text content of this element (direct text only).
    pub fn text(&self) -> &str {
        self.text.trim()
    }

    /// Trimmed text of a child, `None` when absent or empty.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(Element::text)
            .filter(|t| !t.is_empty())
    }

    /// Value of an attribute (local name).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether this element has the given namespace and local name.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.name == name
    }
}

/// Parses a whole document into its root element. Errors are French texts
/// meant to be shown (the technical detail is logged).
pub(crate) fn parse(input: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(input);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (resolve(ns)?, event),
            Err(e) => {
                tracing::debug!(error = %e, position = reader.error_position(), "XML parse error");
                return Err(format!(
                    "XML mal formé (position {})",
                    reader.error_position()
                ));
            }
        };
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err("contenu après l'élément racine".to_owned());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err("imbrication XML trop profonde".to_owned());
                }
                stack.push(element(&start, ns)?);
            }
            Event::Empty(start) => {
                if root.is_some() {
                    return Err("contenu après l'élément racine".to_owned());
                }
                let el = element(&start, ns)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                // quick-xml checks that end names match start names.
                let el = stack
                    .pop()
                    .ok_or_else(|| "balise fermante inattendue".to_owned())?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(text) => {
                let text = text
                    .unescape()
                    .map_err(|_| "entité XML inconnue ou mal formée".to_owned())?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err("texte hors de l'élément racine".to_owned()),
                }
            }
            Event::CData(cdata) => {
                let text = cdata
                    .decode()
                    .map_err(|_| "section CDATA mal encodée".to_owned())?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None => return Err("section CDATA hors de l'élément racine".to_owned()),
                }
            }
            Event::DocType(_) => return Err("les DTD ne sont pas acceptées".to_owned()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("document XML tronqué".to_owned());
    }
    root.ok_or_else(|| "document XML vide".to_owned())
}

fn resolve(ns: ResolveResult<'_>) -> Result<Option<String>, String> {
    match ns {
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.as_ref()).into_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => Err(format!(
            "préfixe d'espace de noms non déclaré : {}",
            String::from_utf8_lossy(&prefix)
        )),
    }
}

fn element(start: &BytesStart<'_>, ns: Option<String>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|_| format!("attribut mal formé dans <{name}>"))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let value = attr
            .unescape_value()
            .map_err(|_| format!("valeur d'attribut mal formée dans <{name}>"))?;
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        ns,
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Escapes a value for XML text or attribute content, dropping the
/// characters XML 1.0 forbids (control characters other than tab/CR/LF).
pub(crate) fn escape(value: &str) -> Cow<'_, str> {
    let allowed = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    if value.chars().all(allowed) {
        quick_xml::escape::escape(value)
    } else {
        let cleaned: String = value.chars().filter(|&c| allowed(c)).collect();
        Cow::Owned(quick_xml::escape::escape(cleaned.as_str()).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_text_and_entities() {
        let doc = parse(
            r#"<?xml version="1.0"?><a:root xmlns:a="urn:a" xmlns="urn:d"><b x="1&amp;2">O&apos;Brien &amp; &lt;Fils&gt;</b><c/><![CDATA[<raw>]]></a:root>"#,
        )
        .unwrap();
        assert!(doc.is("urn:a", "root"));
        let b = doc.child("b").unwrap();
        assert_eq!(b.ns.as_deref(), Some("urn:d"));
        assert_eq!(b.text(), "O'Brien & <Fils>");
        assert_eq!(b.attrs, vec![("x".to_owned(), "1&2".to_owned())]);
        assert!(doc.child("c").is_some());
        assert_eq!(doc.text(), "<raw>");
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [
            "",
            "garbage",
            "<a><b></a>",
            "<a>",
            "<a/><b/>",
            "<p:a/>",
            "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>",
            "<a>&unknown;</a>",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn escape_drops_forbidden_characters() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td"), "abc\td");
        assert_eq!(escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
    }

    #[test]
    fn depth_is_limited() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).is_err());
    }
}

//! The boundary of what is typed: every decoded string of a request is checked before a
//! handler sees it, against the limits of [`dui_domain::saisie`].
//!
//! - [`garde`], a layer on every route, checks the path parameters and the query string
//!   (control characters, maxima of [`PARAMETRES`], words of a search) and the control
//!   characters of every JSON or urlencoded body, whatever extractor the handler uses
//!   (tabs and line breaks pass here; one-line fields refuse them below).
//! - [`crate::forms::ApiJson`] and [`crate::forms::Form`] take only types that list their
//!   text fields ([`Champs`]) and check each value's maximum and lines.
//!
//! A refusal is a French 422 naming the field, or a 400 for the login (which says nothing
//! about the account). The store checks its inputs again (see `dui_store`'s writes).

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dui_domain::saisie::{self as lim, Champ, Refus};
use serde_json::Value;

use crate::AppError;

/// A request body type whose text fields have declared maxima.
pub trait Champs {
    /// Its text fields by name, with their maxima; a field not listed takes
    /// [`lim::AUTRE`] characters on one line.
    const CHAMPS: &'static [Champ];
    /// The login: a refusal is a 400, as every other refused login.
    const CONNEXION: bool = false;
}

impl Champs for std::collections::HashMap<String, String> {
    const CHAMPS: &'static [Champ] = &[];
}

/// Path and query-string parameters of every route, by name (a name not listed takes
/// [`lim::AUTRE`] characters).
pub const PARAMETRES: &[Champ] = &[
    // Path.
    Champ::ligne("id", 20),
    Champ::ligne("eid", 20),
    Champ::ligne("pid", 20),
    Champ::ligne("fid", 20),
    Champ::ligne("numero", 20),
    Champ::ligne("role", lim::CODE),
    Champ::ligne("section", lim::CODE),
    Champ::ligne("grille", lim::CODE),
    Champ::ligne("version", lim::CODE),
    Champ::ligne("mois", 20),
    Champ::ligne("corrige", 20),
    Champ::ligne("date", lim::DATE),
    Champ::ligne("file", 100),
    // Query strings.
    Champ::recherche("q"),
    Champ::ligne("etablissement", lim::NUMERO),
    Champ::ligne("limit", 20),
    // A search cursor is a name word (its key may be twice as long as the name) and an id.
    Champ::ligne("cursor", 2 * lim::NOM_PERSONNE + 100),
    Champ::ligne("avant", 20),
    Champ::ligne("utilisateur", lim::IDENTIFIANT),
    Champ::ligne("action", lim::CODE),
    Champ::ligne("usager", lim::NUMERO),
    Champ::ligne("resultat", lim::CODE),
    Champ::ligne("du", lim::DATE),
    Champ::ligne("au", lim::DATE),
    Champ::ligne("verifier", lim::CODE),
    Champ::ligne("cree", lim::CODE),
    Champ::ligne("photo", lim::CODE),
    Champ::ligne("depuis", lim::DATE + 20),
    Champ::ligne("jusqua", lim::DATE + 20),
    Champ::ligne("heures", 20),
    Champ::ligne("auteur", 20),
    Champ::ligne("cible", lim::CIBLE),
    Champ::ligne("importantes", lim::CODE),
    Champ::ligne("non_lues", lim::CODE),
    Champ::ligne("unite", 20),
    Champ::ligne("corrige", 20),
    // The waiting list's filters (applications).
    Champ::ligne("statut", lim::CODE),
    Champ::ligne("domaine", lim::CODE),
    Champ::ligne("age_min", 20),
    Champ::ligne("age_max", 20),
    Champ::ligne("gir", 20),
    Champ::ligne("orientation", lim::CODE),
    // Versions compared (`?de=&a=`), version and project shown.
    Champ::ligne("de", 20),
    Champ::ligne("a", 20),
    Champ::ligne("projet", 20),
    Champ::ligne("version", 20),
    // Only ever used through `safe_next`, which turns a page with a tab or a line break
    // into "/": those pass, other control characters do not.
    Champ::texte("suivant", lim::ADRESSE_RETOUR),
];

/// The refusal as an error: 400 for the login, 422 on the field otherwise.
pub fn refus(r: &Refus, connexion: bool) -> AppError {
    if connexion {
        AppError::BadRequest(r.to_string())
    } else {
        AppError::field(r.champ(), r.to_string())
    }
}

fn nom_de_champ(nom: &str) -> Result<(), Refus> {
    match lim::controle(nom, false) {
        Some(c) => Err(Refus::Controle {
            champ: "nom de champ".into(),
            caractere: c,
        }),
        None => Ok(()),
    }
}

/// Control characters only, tabs and line breaks allowed (the layer does not know the fields).
fn sans_controle(nom: &str, valeur: &str) -> Result<(), Refus> {
    match lim::controle(valeur, true) {
        Some(c) => Err(Refus::Controle {
            champ: nom.to_string(),
            caractere: c,
        }),
        None => Ok(()),
    }
}

/// Every string of a JSON document with the name of the member holding it (array items take
/// their array's name); member names are checked too.
fn parcourir(
    v: &Value,
    nom: &str,
    f: &mut impl FnMut(&str, &str) -> Result<(), Refus>,
) -> Result<(), Refus> {
    match v {
        Value::String(s) => f(nom, s),
        Value::Array(items) => items.iter().try_for_each(|x| parcourir(x, nom, f)),
        Value::Object(m) => m.iter().try_for_each(|(k, x)| {
            nom_de_champ(k)?;
            parcourir(x, k, f)
        }),
        _ => Ok(()),
    }
}

/// Checks a JSON body against the fields of `T`.
pub fn verifier_json<T: Champs>(v: &Value) -> Result<(), AppError> {
    parcourir(v, "corps", &mut |nom, s| {
        Champ::parmi(T::CHAMPS, nom).verifier(nom, s)
    })
    .map_err(|r| refus(&r, T::CONNEXION))
}

/// Checks the pairs of a form against `champs`.
pub fn verifier_paires(
    paires: &[(String, String)],
    champs: &[Champ],
    connexion: bool,
) -> Result<(), AppError> {
    paires
        .iter()
        .try_for_each(|(k, v)| {
            nom_de_champ(k)?;
            Champ::parmi(champs, k).verifier(k, v)
        })
        .map_err(|r| refus(&r, connexion))
}

/// A JSON body already read and checked by [`garde`], for [`crate::forms::ApiJson`].
#[derive(Clone)]
pub(crate) struct CorpsJson(pub Value);

/// Percent-decodes a path segment (invalid UTF-8 becomes U+FFFD: only checked here).
fn decoder(seg: &str) -> String {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |x: u8| (x as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (x, _, _) => {
                out.push(x);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Checks the URI and the body of a request; gives it back with its body intact.
async fn verifier(req: Request) -> Result<Request, AppError> {
    let connexion = matches!(req.uri().path(), "/connexion" | "/api/v1/session");
    let err = |r: Refus| refus(&r, connexion);
    // Path parameters: named by the route's template when it matched one.
    let segments = req.uri().path().split('/');
    match req.extensions().get::<MatchedPath>() {
        Some(m) => {
            for (modele, seg) in m.as_str().split('/').zip(segments) {
                if let Some(nom) = modele.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                    let nom = nom.trim_start_matches('*');
                    Champ::parmi(PARAMETRES, nom)
                        .verifier(nom, &decoder(seg))
                        .map_err(err)?;
                }
            }
        }
        None => {
            for seg in segments {
                Champ::ligne("chemin", usize::MAX)
                    .verifier("chemin", &decoder(seg))
                    .map_err(err)?;
            }
        }
    }
    if let Some(q) = req.uri().query() {
        let paires: Vec<(String, String)> = serde_urlencoded::from_str(q).map_err(|_| {
            AppError::BadRequest("Les paramètres de l'adresse sont mal formés.".into())
        })?;
        verifier_paires(&paires, PARAMETRES, connexion)?;
    }
    let ct = content_type(&req);
    let json = ct.starts_with("application/json");
    if !json && !ct.starts_with("application/x-www-form-urlencoded") {
        return Ok(req);
    }
    let (mut parts, body) = req.into_parts();
    let message = if json {
        "Le corps de la requête dépasse 2 Mo, la taille autorisée."
    } else {
        crate::limites::FORMULAIRE_TROP_GRAND
    };
    let bytes = axum::body::to_bytes(body, crate::limites::BODY_LIMIT)
        .await
        .map_err(|_| AppError::TooLarge(message.into()))?;
    if json {
        // Malformed JSON goes on: the extractor says where it is wrong.
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            parcourir(&v, "corps", &mut sans_controle).map_err(err)?;
            parts.extensions.insert(CorpsJson(v));
        }
    } else if let Ok(paires) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) {
        paires
            .iter()
            .try_for_each(|(k, v)| {
                nom_de_champ(k)?;
                sans_controle(k, v)
            })
            .map_err(err)?;
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The layer: refuses a request whose path, query string or body carries a control
/// character, or whose parameters exceed their maxima.
pub async fn garde(req: Request, next: Next) -> Response {
    match verifier(req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bodies are read by the crate's extractors, which check each field's maximum: a
    /// handler taking axum's `Json` or `Form` would skip them.
    #[test]
    fn no_handler_reads_a_body_with_an_unchecked_extractor() {
        fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).expect("src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    sources(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("source");
                    out.push((p.display().to_string(), text));
                }
            }
        }
        let mut all = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut all,
        );
        assert!(all.len() > 20);
        for (path, text) in all {
            let flat: String = text.split_whitespace().collect();
            // Spelt in pieces, so that this test does not find itself.
            for (a, b) in [
                ("axum::", "Form"),
                ("extract::", "Form"),
                ("extract::", "Json"),
                ("):", "Json<"),
                ("):axum::", "Json<"),
            ] {
                let bad = format!("{a}{b}");
                assert!(
                    !flat.contains(&bad),
                    "{path}: {bad} (use forms::Form / forms::ApiJson)"
                );
            }
        }
    }

    #[test]
    fn path_segments_are_percent_decoded() {
        assert_eq!(decoder("a%00b"), "a\u{0}b");
        assert_eq!(decoder("%C3%A9t%C3%A9"), "été");
        assert_eq!(decoder("100%"), "100%");
        assert_eq!(decoder("%zz"), "%zz");
    }

    #[test]
    fn json_strings_are_named_by_their_member() {
        struct T;
        impl Champs for T {
            const CHAMPS: &'static [Champ] = &[Champ::ligne("nom", 3), Champ::texte("note", 10)];
        }
        let ok = serde_json::json!({"nom": "abc", "note": "a\nb", "autres": [1, "x"]});
        assert!(verifier_json::<T>(&ok).is_ok());
        for bad in [
            serde_json::json!({"nom": "abcd"}),
            serde_json::json!({"nom": "a\nb"}),
            serde_json::json!({"liste": [{"x": "a\u{0}"}]}),
            serde_json::json!({"a\u{0}": 1}),
        ] {
            assert!(
                matches!(verifier_json::<T>(&bad), Err(AppError::Invalid { .. })),
                "{bad}"
            );
        }
    }
}

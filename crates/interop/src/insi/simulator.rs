//! A local server speaking the INSi SOAP protocol, backed by fictitious
//! fixtures, for tests and for the demo mode. Never use it in production:
//! its identities carry the INS-NIR *test* OID.
//!
//! Matching rules (approximating the teleservice, which is stricter and
//! phonetic-tolerant in ways not documented publicly):
//! - search: nom de naissance, prénoms, sexe and date compared after
//!   normalisation (upper case, accents removed, spaces collapsed); the
//!   prénoms of the query must be the first prénoms of the fixture, in order
//!   (one prénom = the first one); the birth place (COG) is compared only
//!   when the query gives one. `00` for one match, `01` for none, `02` for
//!   several;
//! - verify: matricule, key, OID and every trait must match a fixture.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::soap::{self, Fault, Operation, RequestBody};
use super::{BoxFuture, InsIdentity, Insi, InsiError, InsiOutcome, TraitsQuery, OID_INS_NIR_TEST};

const SOAP_CONTENT_TYPE: &str = "application/soap+xml; charset=utf-8";

/// In-memory INSi backed by fixtures, with the matching rules of the
/// simulator. Usable directly as an [`Insi`] (no HTTP), or served over HTTP
/// by [`router`].
#[derive(Debug, Clone, Default)]
pub struct FixtureInsi {
    fixtures: Vec<InsIdentity>,
}

impl FixtureInsi {
    /// Fixtures as given (stored upper case without accents, as INSi does).
    pub fn new(fixtures: Vec<InsIdentity>) -> Self {
        Self { fixtures }
    }

    /// The [`demo_fixtures`].
    pub fn demo() -> Self {
        Self::new(demo_fixtures())
    }

    /// The fixtures.
    pub fn fixtures(&self) -> &[InsIdentity] {
        &self.fixtures
    }

    /// Search by traits (`00` / `01` / `02`).
    pub fn search(&self, q: &TraitsQuery) -> InsiOutcome {
        let mut found = self.fixtures.iter().filter(|f| search_matches(f, q));
        match (found.next(), found.next()) {
            (None, _) => InsiOutcome::NotFound,
            (Some(one), None) => InsiOutcome::Found(one.clone()),
            (Some(_), Some(_)) => InsiOutcome::Multiple,
        }
    }

    /// Whether matricule, key, OID and all traits match a fixture.
    pub fn check(&self, id: &InsIdentity) -> bool {
        self.fixtures.iter().any(|f| verify_matches(f, id))
    }
}

impl Insi for FixtureInsi {
    fn search_by_traits<'a>(
        &'a self,
        q: &'a TraitsQuery,
    ) -> BoxFuture<'a, Result<InsiOutcome, InsiError>> {
        Box::pin(async move { Ok(self.search(q)) })
    }

    fn verify<'a>(&'a self, id: &'a InsIdentity) -> BoxFuture<'a, Result<bool, InsiError>> {
        Box::pin(async move { Ok(self.check(id)) })
    }
}

/// Normalises a trait for comparison: upper case, Latin diacritics removed
/// (precomposed or combining), typographic apostrophes and dashes mapped to
/// ASCII, whitespace collapsed.
pub fn normalize_trait(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue; // combining diacritical mark
        }
        for u in c.to_uppercase() {
            match u {
                'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => out.push('A'),
                'Ç' => out.push('C'),
                'È' | 'É' | 'Ê' | 'Ë' => out.push('E'),
                'Ì' | 'Í' | 'Î' | 'Ï' => out.push('I'),
                'Ñ' => out.push('N'),
                'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => out.push('O'),
                'Ù' | 'Ú' | 'Û' | 'Ü' => out.push('U'),
                'Ý' | 'Ÿ' => out.push('Y'),
                'Œ' => out.push_str("OE"),
                'Æ' => out.push_str("AE"),
                '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' | '´' => out.push('\''),
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => out.push('-'),
                other => out.push(other),
            }
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn normalized_prenoms(prenoms: &[String]) -> Vec<String> {
    prenoms
        .iter()
        .flat_map(|p| p.split_whitespace())
        .map(normalize_trait)
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    normalize_trait(a) == normalize_trait(b)
}

fn search_matches(f: &InsIdentity, q: &TraitsQuery) -> bool {
    let wanted = normalized_prenoms(&q.prenoms);
    !wanted.is_empty()
        && same(&f.nom_naissance, &q.nom_naissance)
        && same(&f.sexe, &q.sexe)
        && f.date_naissance.trim() == q.date_naissance.trim()
        && normalized_prenoms(&f.prenoms).starts_with(&wanted)
        && match &q.lieu_naissance {
            None => true,
            Some(lieu) => f.lieu_naissance.as_deref().is_some_and(|l| same(l, lieu)),
        }
}

fn verify_matches(f: &InsIdentity, id: &InsIdentity) -> bool {
    same(&f.matricule, &id.matricule)
        && f.cle.trim() == id.cle.trim()
        && f.oid.trim() == id.oid.trim()
        && same(&f.nom_naissance, &id.nom_naissance)
        && normalized_prenoms(&f.prenoms) == normalized_prenoms(&id.prenoms)
        && same(&f.sexe, &id.sexe)
        && f.date_naissance.trim() == id.date_naissance.trim()
        && match (&f.lieu_naissance, &id.lieu_naissance) {
            (None, None) => true,
            (Some(a), Some(b)) => same(a, b),
            _ => false,
        }
}

/// `YYYY-MM-DD` with digits (month and day may be `00`).
fn is_date_shaped(d: &str) -> bool {
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

fn check_traits(sexe: &str, date: &str) -> Result<(), Fault> {
    if !matches!(normalize_trait(sexe).as_str(), "F" | "M") {
        return Err(Fault::sender(
            "RequeteInvalide",
            format!("sexe invalide « {sexe} » : F ou M attendu"),
        ));
    }
    if !is_date_shaped(date.trim()) {
        return Err(Fault::sender(
            "RequeteInvalide",
            format!("date de naissance invalide « {date} » : format AAAA-MM-JJ attendu"),
        ));
    }
    Ok(())
}

fn soap_response(status: StatusCode, xml: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(SOAP_CONTENT_TYPE),
        )],
        xml,
    )
        .into_response()
}

/// Faults are answered with HTTP 500, as common SOAP stacks (JAX-WS, the
/// likely implementation of INSi) do for every fault.
fn fault_response(status: StatusCode, fault: &Fault) -> Response {
    soap_response(status, soap::build_fault(fault))
}

/// The `action` parameter of a `Content-Type` header, if any.
fn content_type_action(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("action")
            .then(|| value.trim().trim_matches('"'))
    })
}

async fn handle(
    State(insi): State<Arc<FixtureInsi>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, HeaderValue::from_static("POST"))],
            "Méthode non autorisée : POST attendu",
        )
            .into_response();
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("application/soap+xml")
    {
        return fault_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &Fault::sender(
                "RequeteMalFormee",
                "type de contenu invalide : application/soap+xml attendu",
            ),
        );
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return fault_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &Fault::sender("RequeteMalFormee", "requête non encodée en UTF-8"),
        );
    };
    let request = match soap::parse_request(text) {
        Ok(r) => r,
        Err(fault) => {
            tracing::debug!(reason = %fault.reason, "INSi simulator: fault");
            return fault_response(StatusCode::INTERNAL_SERVER_ERROR, &fault);
        }
    };
    let operation = request.body.operation();
    if let Some(action) = content_type_action(content_type) {
        if Operation::from_action(action) != Some(operation) {
            return fault_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &Fault::sender(
                    "RequeteInvalide",
                    "l'action du Content-Type ne correspond pas à wsa:Action",
                ),
            );
        }
    }
    let relates_to = Some(request.message_id.as_str());
    let xml = match &request.body {
        RequestBody::Search(q) => {
            if let Err(fault) = check_traits(&q.sexe, &q.date_naissance) {
                return fault_response(StatusCode::INTERNAL_SERVER_ERROR, &fault);
            }
            let outcome = insi.search(q);
            tracing::debug!(%outcome, "INSi simulator: search");
            soap::build_search_response(&outcome, relates_to)
        }
        RequestBody::Verify(id) => {
            if let Err(fault) = check_traits(&id.sexe, &id.date_naissance) {
                return fault_response(StatusCode::INTERNAL_SERVER_ERROR, &fault);
            }
            soap::build_verify_response(insi.check(id), relates_to)
        }
    };
    soap_response(StatusCode::OK, xml)
}

/// An axum router answering INSi SOAP requests on any path (`POST`).
pub fn router(fixtures: Vec<InsIdentity>) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(Arc::new(FixtureInsi::new(fixtures)))
}

/// Serves [`router`] on `127.0.0.1` with an OS-chosen port. Returns the bound
/// address (see [`endpoint_url`]) and the server task (abort it to stop).
pub async fn spawn_simulator(
    fixtures: Vec<InsIdentity>,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let app = router(fixtures);
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "INSi simulator stopped");
        }
    });
    tracing::info!(%addr, "INSi simulator listening");
    Ok((addr, handle))
}

/// The endpoint URL to configure in the client for a simulator bound to
/// `addr` (the path mimics the real `/lps`).
pub fn endpoint_url(addr: SocketAddr) -> String {
    format!("http://{addr}/lps")
}

fn fixture(
    matricule_ins: &str,
    nom: &str,
    prenoms: &str,
    sexe: &str,
    date: &str,
    lieu: &str,
) -> InsIdentity {
    let (matricule, cle) = matricule_ins.split_at(13.min(matricule_ins.len()));
    InsIdentity {
        matricule: matricule.to_owned(),
        cle: cle.to_owned(),
        oid: OID_INS_NIR_TEST.to_owned(),
        nom_naissance: nom.to_owned(),
        prenoms: prenoms.split_whitespace().map(str::to_owned).collect(),
        sexe: sexe.to_owned(),
        date_naissance: date.to_owned(),
        lieu_naissance: Some(lieu.to_owned()),
    }
}

/// Fictitious identities under the INS-NIR *test* OID, with matricules from
/// the valid test vectors of the INS notes (sex, year, month and place of
/// the matricule consistent with the traits). Traits are stored as INSi
/// returns them: upper case, without accents (« Hélène » → `HELENE`).
///
/// - `DUPONT HELENE MARIE`, F, 1979-03-12, 51215 — `279035121518989`
/// - `MARTIN JEAN-FRANCOIS PIERRE`, M, 1985-07-23, 75116 — `185077511607913`
/// - `NDIAYE AISSATOU`, F, 1969-02-00 (incomplete date), born abroad 99341
///   — `269029934173285`
/// - `SANTONI PAUL ANTOINE`, M, 1955-01-15, Corse-du-Sud 2A004 —
///   `155012A00401023`
/// - `DE LA FONTAINE GENEVIEVE ODETTE`, F, 1955-08-21, 14168 —
///   `255081416802538`
/// - homonyms `LEROY MARIE CLAIRE` (13108, `292011310811148`) and
///   `LEROY MARIE LOUISE` (13055, `292011305501288`, key computed with the
///   same rule), both F, 1992-01-08: searching `LEROY` / `MARIE` / F /
///   1992-01-08 answers `02`; adding the second prénom or the COG answers
///   `00`.
pub fn demo_fixtures() -> Vec<InsIdentity> {
    vec![
        fixture(
            "279035121518989",
            "DUPONT",
            "HELENE MARIE",
            "F",
            "1979-03-12",
            "51215",
        ),
        fixture(
            "185077511607913",
            "MARTIN",
            "JEAN-FRANCOIS PIERRE",
            "M",
            "1985-07-23",
            "75116",
        ),
        fixture(
            "269029934173285",
            "NDIAYE",
            "AISSATOU",
            "F",
            "1969-02-00",
            "99341",
        ),
        fixture(
            "155012A00401023",
            "SANTONI",
            "PAUL ANTOINE",
            "M",
            "1955-01-15",
            "2A004",
        ),
        fixture(
            "255081416802538",
            "DE LA FONTAINE",
            "GENEVIEVE ODETTE",
            "F",
            "1955-08-21",
            "14168",
        ),
        fixture(
            "292011310811148",
            "LEROY",
            "MARIE CLAIRE",
            "F",
            "1992-01-08",
            "13108",
        ),
        fixture(
            "292011305501288",
            "LEROY",
            "MARIE LOUISE",
            "F",
            "1992-01-08",
            "13055",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 97 − (N mod 97), Corsica 2A → 19, 2B → 18.
    fn key(matricule: &str) -> u64 {
        let n: u64 = matricule
            .replace("2A", "19")
            .replace("2B", "18")
            .parse()
            .unwrap();
        97 - n % 97
    }

    #[test]
    fn demo_fixture_keys_are_valid() {
        for f in demo_fixtures() {
            assert_eq!(f.matricule.len(), 13);
            assert_eq!(
                format!("{:02}", key(&f.matricule)),
                f.cle,
                "{}",
                f.matricule
            );
            assert_eq!(f.oid, OID_INS_NIR_TEST);
            assert_eq!(f.nom_naissance, normalize_trait(&f.nom_naissance));
        }
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_trait("  Hélène   Marie "), "HELENE MARIE");
        assert_eq!(normalize_trait("Jean-François"), "JEAN-FRANCOIS");
        assert_eq!(normalize_trait("Hele\u{301}ne"), "HELENE");
        assert_eq!(normalize_trait("d’Œuvre Ÿs"), "D'OEUVRE YS");
    }

    #[test]
    fn search_rules() {
        let insi = FixtureInsi::demo();
        let q = |nom: &str, prenoms: &[&str], lieu: Option<&str>| TraitsQuery {
            nom_naissance: nom.into(),
            prenoms: prenoms.iter().map(|p| (*p).to_owned()).collect(),
            sexe: "F".into(),
            date_naissance: "1992-01-08".into(),
            lieu_naissance: lieu.map(str::to_owned),
        };
        assert_eq!(
            insi.search(&q("Leroy", &["Marie"], None)),
            InsiOutcome::Multiple
        );
        assert!(
            matches!(insi.search(&q("Leroy", &["Marie", "Louise"], None)), InsiOutcome::Found(f) if f.lieu_naissance.as_deref() == Some("13055"))
        );
        assert!(
            matches!(insi.search(&q("Leroy", &["Marie Claire"], None)), InsiOutcome::Found(f) if f.cle == "48")
        );
        assert!(matches!(
            insi.search(&q("LEROY", &["MARIE"], Some("13108"))),
            InsiOutcome::Found(_)
        ));
        assert_eq!(
            insi.search(&q("Leroy", &["Claire"], None)),
            InsiOutcome::NotFound
        );
        assert_eq!(insi.search(&q("Leroy", &[], None)), InsiOutcome::NotFound);
        assert_eq!(
            insi.search(&q("Leroy", &["Marie"], Some("75056"))),
            InsiOutcome::NotFound
        );
    }

    #[test]
    fn content_type_action_param() {
        assert_eq!(
            content_type_action(r#"application/soap+xml; charset=utf-8; action="urn:x""#),
            Some("urn:x")
        );
        assert_eq!(content_type_action("application/soap+xml"), None);
    }

    #[test]
    fn date_shape() {
        assert!(is_date_shaped("1969-02-00"));
        assert!(!is_date_shaped("1969-2-01"));
        assert!(!is_date_shaped("01/02/1969"));
    }
}

//! The real `HttpInsiClient` against the INSi simulator (and a few
//! misbehaving servers) over real HTTP on 127.0.0.1.

// `allow-unwrap-in-tests` does not cover the helpers of an integration test.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::routing::post;
use axum::Router;
use dui_interop::insi::simulator::{self, endpoint_url, FixtureInsi};
use dui_interop::insi::soap::{self, ContexteLps, Fault, Operation, RequestBody};
use dui_interop::insi::{
    demo_fixtures, spawn_simulator, HttpInsiClient, InsIdentity, Insi, InsiConfig, InsiConfigError,
    InsiError, InsiOutcome, TraitsQuery, OID_INS_NIR_TEST,
};
use tokio::task::JoinHandle;

fn contexte() -> ContexteLps {
    ContexteLps {
        emetteur: "EMETTEUR-TEST".into(),
        idam: "IDAM-TEST".into(),
        version: "1.0".into(),
        instance: "00000000-0000-4000-8000-000000000000".into(),
        nom: "urn:lps:dui:1.0".into(),
    }
}

fn client_for(endpoint: String, timeout: Duration) -> HttpInsiClient {
    HttpInsiClient::new(InsiConfig {
        endpoint,
        timeout,
        client_cert_pem: None,
        contexte: contexte(),
    })
    .unwrap()
}

struct Sim {
    client: HttpInsiClient,
    addr: SocketAddr,
    handle: JoinHandle<()>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

async fn sim() -> Sim {
    let (addr, handle) = spawn_simulator(demo_fixtures()).await.unwrap();
    Sim {
        client: client_for(endpoint_url(addr), Duration::from_secs(10)),
        addr,
        handle,
    }
}

/// Serves any router on 127.0.0.1:0.
async fn serve(app: Router) -> (SocketAddr, JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, handle)
}

/// A server answering every POST with a fixed status and body.
async fn fixed_server(status: StatusCode, body: String) -> (HttpInsiClient, JoinHandle<()>) {
    let app = Router::new().route(
        "/lps",
        post(move || {
            let body = body.clone();
            async move {
                (
                    status,
                    [(header::CONTENT_TYPE, "application/soap+xml; charset=utf-8")],
                    body,
                )
            }
        }),
    );
    let (addr, handle) = serve(app).await;
    (
        client_for(endpoint_url(addr), Duration::from_secs(10)),
        handle,
    )
}

fn query(nom: &str, prenoms: &[&str], sexe: &str, date: &str, lieu: Option<&str>) -> TraitsQuery {
    TraitsQuery {
        nom_naissance: nom.into(),
        prenoms: prenoms.iter().map(|p| (*p).to_owned()).collect(),
        sexe: sexe.into(),
        date_naissance: date.into(),
        lieu_naissance: lieu.map(str::to_owned),
    }
}

fn dupont() -> InsIdentity {
    demo_fixtures()
        .into_iter()
        .find(|f| f.nom_naissance == "DUPONT")
        .unwrap()
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

#[tokio::test]
async fn search_found_returns_every_field() {
    let sim = sim().await;
    // Accents and case differ from the stored traits.
    let q = query("dupont", &["Hélène"], "F", "1979-03-12", None);
    let outcome = sim.client.search_by_traits(&q).await.unwrap();
    let InsiOutcome::Found(id) = outcome else {
        panic!("expected Found, got {outcome:?}");
    };
    assert_eq!(id.matricule, "2790351215189");
    assert_eq!(id.cle, "89");
    assert_eq!(id.matricule_ins(), "279035121518989");
    assert_eq!(id.oid, "1.2.250.1.213.1.4.10");
    assert_eq!(id.oid, OID_INS_NIR_TEST);
    assert_eq!(id.nom_naissance, "DUPONT");
    assert_eq!(id.prenoms, vec!["HELENE".to_owned(), "MARIE".to_owned()]);
    assert_eq!(id.liste_prenoms(), "HELENE MARIE");
    assert_eq!(id.sexe, "F");
    assert_eq!(id.date_naissance, "1979-03-12");
    assert_eq!(id.lieu_naissance.as_deref(), Some("51215"));
    assert_eq!(id, dupont());
}

#[tokio::test]
async fn search_found_corsica_partial_date_compound_names() {
    let sim = sim().await;
    let found = |o: InsiOutcome| match o {
        InsiOutcome::Found(id) => id,
        other => panic!("expected Found, got {other:?}"),
    };
    let id = found(
        sim.client
            .search_by_traits(&query(
                "Santoni",
                &["Paul"],
                "M",
                "1955-01-15",
                Some("2A004"),
            ))
            .await
            .unwrap(),
    );
    assert_eq!(id.matricule_ins(), "155012A00401023");
    let id = found(
        sim.client
            .search_by_traits(&query("Ndiaye", &["Aïssatou"], "F", "1969-02-00", None))
            .await
            .unwrap(),
    );
    assert_eq!(id.date_naissance, "1969-02-00");
    assert_eq!(id.lieu_naissance.as_deref(), Some("99341"));
    let id = found(
        sim.client
            .search_by_traits(&query(
                "Martin",
                &["Jean-François"],
                "M",
                "1985-07-23",
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(
        id.prenoms,
        vec!["JEAN-FRANCOIS".to_owned(), "PIERRE".to_owned()]
    );
    let id = found(
        sim.client
            .search_by_traits(&query(
                "de la  Fontaine",
                &["Geneviève"],
                "F",
                "1955-08-21",
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(id.nom_naissance, "DE LA FONTAINE");
}

#[tokio::test]
async fn search_not_found() {
    let sim = sim().await;
    for q in [
        query("Inconnu", &["Personne"], "F", "1979-03-12", None),
        query("Dupont", &["Hélène"], "M", "1979-03-12", None),
        query("Dupont", &["Hélène"], "F", "1979-03-13", None),
        query("Dupont", &["Marie"], "F", "1979-03-12", None),
        query("Dupont", &["Hélène"], "F", "1979-03-12", Some("75056")),
    ] {
        assert_eq!(
            sim.client.search_by_traits(&q).await.unwrap(),
            InsiOutcome::NotFound,
            "{q:?}"
        );
    }
}

#[tokio::test]
async fn search_several_found_then_narrowed() {
    let sim = sim().await;
    let q = query("Leroy", &["Marie"], "F", "1992-01-08", None);
    assert_eq!(
        sim.client.search_by_traits(&q).await.unwrap(),
        InsiOutcome::Multiple
    );

    // RNIV: retry with the other prénoms, then with the birth place.
    let q = query("Leroy", &["Marie", "Louise"], "F", "1992-01-08", None);
    let InsiOutcome::Found(id) = sim.client.search_by_traits(&q).await.unwrap() else {
        panic!("expected Found");
    };
    assert_eq!(id.matricule_ins(), "292011305501288");
    let q = query("Leroy", &["Marie"], "F", "1992-01-08", Some("13108"));
    let InsiOutcome::Found(id) = sim.client.search_by_traits(&q).await.unwrap() else {
        panic!("expected Found");
    };
    assert_eq!(id.matricule_ins(), "292011310811148");
    assert_eq!(id.prenoms, vec!["MARIE".to_owned(), "CLAIRE".to_owned()]);
}

// ---------------------------------------------------------------------------
// Verify
// ---------------------------------------------------------------------------

#[tokio::test]
async fn verify_ok_and_changed_traits() {
    let sim = sim().await;
    let id = dupont();
    assert!(sim.client.verify(&id).await.unwrap());

    // Same identity typed with accents and lower case: still consistent.
    let mut typed = id.clone();
    typed.prenoms = vec!["Hélène".into(), "Marie".into()];
    typed.nom_naissance = "Dupont".into();
    assert!(sim.client.verify(&typed).await.unwrap());

    type Change = Box<dyn Fn(&mut InsIdentity)>;
    let changes: Vec<Change> = vec![
        Box::new(|i| i.date_naissance = "1979-03-13".into()),
        Box::new(|i| i.nom_naissance = "DUPOND".into()),
        Box::new(|i| i.prenoms = vec!["HELENE".into()]),
        Box::new(|i| i.prenoms = vec!["MARIE".into(), "HELENE".into()]),
        Box::new(|i| i.sexe = "M".into()),
        Box::new(|i| i.lieu_naissance = Some("51216".into())),
        Box::new(|i| i.lieu_naissance = None),
        Box::new(|i| i.cle = "88".into()),
        Box::new(|i| i.matricule = "2790351215188".into()),
        Box::new(|i| i.oid = "1.2.250.1.213.1.4.8".into()),
    ];
    for (n, change) in changes.iter().enumerate() {
        let mut changed = id.clone();
        change(&mut changed);
        assert!(!sim.client.verify(&changed).await.unwrap(), "change #{n}");
    }
}

// ---------------------------------------------------------------------------
// Trait objects
// ---------------------------------------------------------------------------

#[tokio::test]
async fn usable_as_arc_dyn_insi() {
    let sim = sim().await;
    let backends: Vec<Arc<dyn Insi>> =
        vec![Arc::new(sim.client.clone()), Arc::new(FixtureInsi::demo())];
    let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
    for insi in backends {
        let task = tokio::spawn({
            let insi = Arc::clone(&insi);
            let q = q.clone();
            async move { insi.search_by_traits(&q).await }
        });
        assert_eq!(task.await.unwrap().unwrap(), InsiOutcome::Found(dupont()));
        assert!(insi.verify(&dupont()).await.unwrap());
    }
}

// ---------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------

#[tokio::test]
async fn service_down_is_unavailable_in_french() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = client_for(endpoint_url(addr), Duration::from_secs(5));
    let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
    let err = client.search_by_traits(&q).await.unwrap_err();
    assert!(matches!(err, InsiError::Unavailable(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Le téléservice INSi est indisponible : connexion au serveur impossible"
    );
    let err = client.verify(&dupont()).await.unwrap_err();
    assert!(matches!(err, InsiError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn timeout_is_unavailable() {
    let app = Router::new().route(
        "/lps",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "trop tard"
        }),
    );
    let (addr, handle) = serve(app).await;
    let client = client_for(endpoint_url(addr), Duration::from_millis(300));
    let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
    let err = client.search_by_traits(&q).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Le téléservice INSi est indisponible : aucune réponse dans le délai imparti (300 ms)"
    );
    handle.abort();
}

#[tokio::test]
async fn http_error_without_fault_is_unavailable() {
    let (client, handle) =
        fixed_server(StatusCode::SERVICE_UNAVAILABLE, "maintenance".into()).await;
    let err = client.verify(&dupont()).await.unwrap_err();
    assert_eq!(
        err,
        InsiError::Unavailable("service temporairement indisponible (HTTP 503)".into())
    );
    handle.abort();
}

#[tokio::test]
async fn malformed_answers_are_protocol_errors() {
    let answers = [
        "garbage".to_owned(),
        "<html><body>Bienvenue</body></html>".to_owned(),
        format!(r#"<s:Envelope xmlns:s="{}"><s:Body>"#, soap::NS_SOAP12),
        format!(
            r#"<s:Envelope xmlns:s="{}"><s:Body><RESULTAT><CR><CodeCR>00</CodeCR></CR></RESULTAT></s:Body></s:Envelope>"#,
            soap::NS_SOAP12
        ),
        format!(
            r#"<s:Envelope xmlns:s="{}"><s:Body><Autre/></s:Body></s:Envelope>"#,
            soap::NS_SOAP12
        ),
        // A found identity with a malformed matricule.
        soap::build_search_response(
            &InsiOutcome::Found(InsIdentity {
                matricule: "27903512X5189".into(),
                ..dupont()
            }),
            None,
        ),
    ];
    for answer in answers {
        let (client, handle) = fixed_server(StatusCode::OK, answer.clone()).await;
        let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
        let err = client.search_by_traits(&q).await.unwrap_err();
        assert!(matches!(err, InsiError::Protocol(_)), "{answer}: {err:?}");
        assert!(
            err.to_string()
                .starts_with("La réponse du téléservice INSi est incompréhensible : "),
            "{err}"
        );
        handle.abort();
    }
}

#[tokio::test]
async fn soap_fault_is_rejected() {
    let fault = Fault::sender("AccesRefuse", "Certificat non reconnu & « révoqué »");
    let (client, handle) =
        fixed_server(StatusCode::INTERNAL_SERVER_ERROR, soap::build_fault(&fault)).await;
    let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
    let err = client.search_by_traits(&q).await.unwrap_err();
    assert_eq!(
        err,
        InsiError::Rejected {
            code: "AccesRefuse".into(),
            message: "Certificat non reconnu & « révoqué »".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "Le téléservice INSi a rejeté la demande (code AccesRefuse) : Certificat non reconnu & « révoqué »"
    );
    handle.abort();
}

#[tokio::test]
async fn unexpected_cr_is_rejected() {
    let body = format!(
        r#"<s:Envelope xmlns:s="{}"><s:Body><RESULTAT xmlns="{}"><CR><CodeCR>99</CodeCR><LibelleCR>Erreur technique</LibelleCR></CR></RESULTAT></s:Body></s:Envelope>"#,
        soap::NS_SOAP12,
        soap::NS_RESULTAT
    );
    let (client, handle) = fixed_server(StatusCode::OK, body).await;
    let err = client.verify(&dupont()).await.unwrap_err();
    assert_eq!(
        err,
        InsiError::Rejected {
            code: "99".into(),
            message: "Erreur technique".into()
        }
    );
    handle.abort();
}

#[tokio::test]
async fn simulator_rejects_invalid_traits_with_fault() {
    let sim = sim().await;
    let err = sim
        .client
        .search_by_traits(&query("DUPONT", &["HELENE"], "X", "1979-03-12", None))
        .await
        .unwrap_err();
    let InsiError::Rejected { code, message } = &err else {
        panic!("expected Rejected, got {err:?}");
    };
    assert_eq!(code, "RequeteInvalide");
    assert!(message.contains("sexe invalide « X »"), "{message}");

    let err = sim
        .client
        .search_by_traits(&query("", &["HELENE"], "F", "1979-03-12", None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, InsiError::Rejected { message, .. } if message.contains("NomNaissance")),
        "{err:?}"
    );

    let err = sim
        .client
        .search_by_traits(&query("DUPONT", &["HELENE"], "F", "12/03/1979", None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, InsiError::Rejected { message, .. } if message.contains("AAAA-MM-JJ")),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// Simulator over raw HTTP
// ---------------------------------------------------------------------------

async fn raw_post(
    addr: SocketAddr,
    content_type: &str,
    body: String,
) -> (StatusCode, String, String) {
    let response = reqwest::Client::new()
        .post(endpoint_url(addr))
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let ct = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, response.text().await.unwrap())
}

#[tokio::test]
async fn simulator_answers_faults_to_bad_requests() {
    let sim = sim().await;
    let ct = Operation::Search.content_type();
    let good = soap::build_search_request(
        &query("DUPONT", &["HELENE"], "F", "1979-03-12", None),
        "http://localhost/lps",
        &contexte(),
    );

    // Malformed envelope: HTTP 500 + SOAP 1.2 fault.
    let (status, content_type, body) = raw_post(sim.addr, &ct, "<soap:Envelope".into()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(content_type.starts_with("application/soap+xml"));
    assert!(
        body.contains("<soap:Fault>") && body.contains("soap:Sender"),
        "{body}"
    );
    assert!(matches!(
        soap::parse_fault(&body),
        Some(InsiError::Rejected { code, message }) if code == "RequeteMalFormee" && message.contains("mal formée")
    ));

    // Unknown action.
    let other = good.xml.replace(
        soap::ACTION_SEARCH,
        "urn:ServiceIdentiteCertifiee:1.0.0:autre",
    );
    let (status, _, body) = raw_post(sim.addr, "application/soap+xml", other).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(matches!(
        soap::parse_fault(&body),
        Some(InsiError::Rejected { code, .. }) if code == "ActionNotSupported"
    ));

    // Action of the Content-Type inconsistent with wsa:Action.
    let (status, _, body) = raw_post(
        sim.addr,
        &Operation::Verify.content_type(),
        good.xml.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("wsa:Action"), "{body}");

    // Missing ContexteLPS.
    let start = good.xml.find("<ctxlps:ContexteLPS").unwrap();
    let end = good.xml.find("</ctxlps:ContexteLPS>").unwrap() + "</ctxlps:ContexteLPS>".len();
    let no_ctx = format!("{}{}", &good.xml[..start], &good.xml[end..]);
    let (status, _, body) = raw_post(sim.addr, &ct, no_ctx).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("ContexteLPS"), "{body}");

    // SOAP 1.1 envelope.
    let soap11 = good.xml.replace(soap::NS_SOAP12, soap::NS_SOAP11);
    let (status, _, body) = raw_post(sim.addr, &ct, soap11).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("soap:VersionMismatch"), "{body}");

    // Wrong media type.
    let (status, _, _) = raw_post(sim.addr, "text/xml", good.xml.clone()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Not a POST.
    let response = reqwest::get(endpoint_url(sim.addr)).await.unwrap();
    assert_eq!(response.status().as_u16(), 405);

    // The good request still works, and the answer relates to its MessageID.
    let (status, _, body) = raw_post(sim.addr, &ct, good.xml.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(&format!(
            "<wsa:RelatesTo>{}</wsa:RelatesTo>",
            good.message_id
        )),
        "{body}"
    );
    assert!(body.contains("rechercherInsAvecTraitsIdentiteResponse"));
}

#[tokio::test]
async fn router_can_be_mounted_by_callers() {
    let (addr, handle) = serve(simulator::router(demo_fixtures())).await;
    let client = client_for(
        format!("http://{addr}/autre/chemin"),
        Duration::from_secs(5),
    );
    assert!(client.verify(&dupont()).await.unwrap());
    handle.abort();
}

// ---------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------

#[test]
fn search_envelope_escapes_every_value() {
    let q = TraitsQuery {
        nom_naissance: "O'Brien & <Fils>".into(),
        prenoms: vec!["Jean \"Jr\"".into(), "Éloïse".into()],
        sexe: "M".into(),
        date_naissance: "1980-00-00".into(),
        lieu_naissance: Some("<99>".into()),
    };
    let ctx = ContexteLps {
        emetteur: "A&B".into(),
        ..contexte()
    };
    let req = soap::build_search_request(&q, "https://example.test/lps?a=1&b=2", &ctx);
    assert!(req
        .xml
        .contains("<rec:NomNaissance>O&apos;Brien &amp; &lt;Fils&gt;</rec:NomNaissance>"));
    assert!(req
        .xml
        .contains("<rec:Prenom>Jean &quot;Jr&quot;</rec:Prenom>"));
    assert!(req.xml.contains("<rec:Prenom>Éloïse</rec:Prenom>"));
    assert!(req
        .xml
        .contains("<rec:LieuNaissance>&lt;99&gt;</rec:LieuNaissance>"));
    assert!(req
        .xml
        .contains("<ctxlps:Emetteur>A&amp;B</ctxlps:Emetteur>"));
    assert!(req
        .xml
        .contains("<wsa:To>https://example.test/lps?a=1&amp;b=2</wsa:To>"));
    assert!(!req.xml.contains("<Fils>"));

    // The simulator side reads back the exact values.
    let parsed = soap::parse_request(&req.xml).unwrap();
    assert_eq!(parsed.body, RequestBody::Search(q));
    assert_eq!(parsed.contexte, ctx);
    assert_eq!(parsed.message_id, req.message_id);
}

#[test]
fn envelopes_carry_addressing_and_context_headers() {
    let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
    let req = soap::build_search_request(
        &q,
        "https://qualiflps.services-ps.ameli.fr/lps",
        &contexte(),
    );
    assert_eq!(req.operation, Operation::Search);
    assert!(req
        .xml
        .starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    assert!(req
        .xml
        .contains(&format!(r#"xmlns:soap="{}""#, soap::NS_SOAP12)));
    assert!(req.xml.contains(
        "<wsa:Action>urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite</wsa:Action>"
    ));
    assert!(req.message_id.starts_with("urn:uuid:") && req.message_id.len() == 45);
    assert!(req.xml.contains(&format!(
        "<wsa:MessageID>{}</wsa:MessageID>",
        req.message_id
    )));
    assert!(req
        .xml
        .contains("<wsa:To>https://qualiflps.services-ps.ameli.fr/lps</wsa:To>"));
    assert!(req
        .xml
        .contains(r#"<ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00">"#));
    assert!(req
        .xml
        .contains(r#"<ctxlps:IDAM R="4">IDAM-TEST</ctxlps:IDAM>"#));
    assert!(req
        .xml
        .contains("<ctxlps:Instance>00000000-0000-4000-8000-000000000000</ctxlps:Instance>"));
    assert!(!req.xml.contains("LieuNaissance"));
    assert_eq!(
        Operation::Search.content_type(),
        "application/soap+xml; charset=utf-8; action=\"urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite\""
    );

    let again = soap::build_search_request(&q, "x", &contexte());
    assert_ne!(again.message_id, req.message_id);

    let ver = soap::build_verify_request(&dupont(), "x", &contexte());
    assert_eq!(ver.operation, Operation::Verify);
    assert!(ver.xml.contains(
        "<wsa:Action>urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite</wsa:Action>"
    ));
    assert!(ver
        .xml
        .contains("<ver:NumIdentifiant>2790351215189</ver:NumIdentifiant>"));
    assert!(ver.xml.contains("<ver:Cle>89</ver:Cle>"));
    assert!(ver
        .xml
        .contains("<ver:ListePrenom>HELENE MARIE</ver:ListePrenom>"));
}

#[test]
fn search_response_round_trip_with_escaping() {
    let id = InsIdentity {
        nom_naissance: "D'ARTAGNAN DE L'HERAULT".into(),
        prenoms: vec!["PIERRE-ALAIN".into(), "MURIEL".into()],
        ..dupont()
    };
    let xml = soap::build_search_response(&InsiOutcome::Found(id.clone()), Some("urn:uuid:x"));
    assert!(xml.contains("D&apos;ARTAGNAN"));
    assert_eq!(
        soap::parse_search_response(&xml),
        Ok(InsiOutcome::Found(id))
    );
    for outcome in [InsiOutcome::NotFound, InsiOutcome::Multiple] {
        let xml = soap::build_search_response(&outcome, None);
        assert_eq!(soap::parse_search_response(&xml), Ok(outcome));
    }
    assert_eq!(
        soap::parse_verify_response(&soap::build_verify_response(true, None)),
        Ok(true)
    );
    assert_eq!(
        soap::parse_verify_response(&soap::build_verify_response(false, None)),
        Ok(false)
    );
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[test]
fn client_certificate_errors_are_reported_in_french() {
    let missing = std::env::temp_dir().join("dui-insi-absent-cert-3f9c.pem");
    let mut config = InsiConfig::new("https://qualiflps.services-ps.ameli.fr/lps");
    config.client_cert_pem = Some(missing);
    let err = HttpInsiClient::new(config.clone()).unwrap_err();
    assert!(matches!(err, InsiConfigError::CertificateRead { .. }));
    assert!(err
        .to_string()
        .starts_with("Impossible de lire le certificat INSi"));

    let bad = std::env::temp_dir().join(format!("dui-insi-bad-cert-{}.pem", std::process::id()));
    std::fs::write(
        &bad,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    config.client_cert_pem = Some(bad.clone());
    let err = HttpInsiClient::new(config).unwrap_err();
    std::fs::remove_file(&bad).unwrap();
    assert!(
        matches!(err, InsiConfigError::Certificate { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("est invalide"));
}

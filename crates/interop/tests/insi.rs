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
use dui_interop::insi::soap::{self, ContexteLps, Fault, Operation};
use dui_interop::insi::{
    demo_fixtures, spawn_simulator, HttpInsiClient, InsIdentity, Insi, InsiConfig, InsiConfigError,
    InsiError, InsiOutcome, TraitsQuery, Verification, OID_INS_NIR, OID_INS_NIR_TEST,
};
use tokio::task::JoinHandle;

#[path = "insi/enveloppes.rs"]
mod enveloppes;
#[path = "insi/simulateur.rs"]
mod simulateur;
#[path = "insi/strategie.rs"]
mod strategie;
#[path = "insi/tls.rs"]
mod tls;

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
        certificat: None,
        autorites: None,
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
    // The production OID, as the qualification service answers for its test people.
    assert_eq!(id.oid, "1.2.250.1.213.1.4.8");
    assert_eq!(id.oid, OID_INS_NIR);
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
    assert_eq!(
        sim.client.verify(&id).await.unwrap(),
        Verification::Confirmee
    );

    // Same identity typed with accents and lower case: still consistent.
    let mut typed = id.clone();
    typed.prenoms = vec!["Hélène".into(), "Marie".into()];
    typed.nom_naissance = "Dupont".into();
    assert_eq!(
        sim.client.verify(&typed).await.unwrap(),
        Verification::Confirmee
    );
    // No birth place in the file: the others still compared.
    typed.lieu_naissance = None;
    assert_eq!(
        sim.client.verify(&typed).await.unwrap(),
        Verification::Confirmee
    );

    type Change = Box<dyn Fn(&mut InsIdentity)>;
    let changes: Vec<Change> = vec![
        Box::new(|i| i.date_naissance = "1979-03-13".into()),
        Box::new(|i| i.nom_naissance = "DUPOND".into()),
        Box::new(|i| i.prenoms = vec!["HELENE".into()]),
        Box::new(|i| i.prenoms = vec!["MARIE".into(), "HELENE".into()]),
        Box::new(|i| i.sexe = "M".into()),
        Box::new(|i| i.lieu_naissance = Some("51216".into())),
        Box::new(|i| i.cle = "88".into()),
        Box::new(|i| i.matricule = "2790351215188".into()),
        Box::new(|i| i.oid = OID_INS_NIR_TEST.into()),
    ];
    for (n, change) in changes.iter().enumerate() {
        let mut changed = id.clone();
        change(&mut changed);
        let v = sim.client.verify(&changed).await.unwrap();
        assert!(
            matches!(v, Verification::NonConfirmee(_)),
            "change #{n}: {v:?}"
        );
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
        assert_eq!(
            insi.verify(&dupont()).await.unwrap(),
            Verification::Confirmee
        );
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
    assert!(matches!(err, InsiError::Unavailable { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("Le téléservice INSi est indisponible : connexion au serveur impossible"),
        "{err}"
    );
    let err = client.verify(&dupont()).await.unwrap_err();
    assert!(matches!(err, InsiError::Unavailable { .. }), "{err:?}");
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
        InsiError::unavailable("service temporairement indisponible (HTTP 503)")
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
        soap::build_search_response(&InsiOutcome::Found(InsIdentity {
            matricule: "27903512X5189".into(),
            ..dupont()
        })),
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
    let fault = Fault::sender(
        "siram_100",
        "desir_560",
        "Certificat non reconnu & « révoqué »",
    );
    let (client, handle) = fixed_server(
        StatusCode::INTERNAL_SERVER_ERROR,
        soap::build_fault(&fault, Some("uuid:x")),
    )
    .await;
    let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
    let err = client.search_by_traits(&q).await.unwrap_err();
    assert_eq!(
        err,
        InsiError::Rejected {
            code: "siram_100".into(),
            message: "Certificat non reconnu & « révoqué »".into(),
            detail: Some("desir_560".into()),
        }
    );
    assert_eq!(
        err.to_string(),
        "Le téléservice INSi a rejeté la demande (code siram_100) : Certificat non reconnu & « révoqué »"
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
            message: "Erreur technique".into(),
            detail: None,
        }
    );
    handle.abort();
}

#[tokio::test]
async fn siram_40_is_service_unavailable_with_its_codes() {
    let (client, handle) = fixed_server(
        StatusCode::INTERNAL_SERVER_ERROR,
        soap::build_fault(&Fault::indisponible("insi_102"), None),
    )
    .await;
    let q = query("DUPONT", &["HELENE"], "F", "1979-03-12", None);
    let err = client.search_by_traits(&q).await.unwrap_err();
    assert!(matches!(err, InsiError::Unavailable { .. }), "{err:?}");
    assert_eq!(err.codes(), (Some("siram_40"), Some("insi_102")));
    assert!(
        err.to_string()
            .starts_with("Le téléservice INSi est indisponible : "),
        "{err}"
    );
    handle.abort();
}

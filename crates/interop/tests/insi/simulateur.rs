//! The simulator is as strict as the service: what the schemas or the service refuse is
//! refused with the service's fault format, and every answer it gives over HTTP is valid
//! against the service's schemas.

use super::enveloppes::assert_valide;
use super::*;

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

fn good() -> soap::OutgoingRequest {
    soap::build_search_request(
        &query("DUPONT", &["HELENE"], "F", "1979-03-12", None),
        &contexte(),
    )
    .unwrap()
}

/// Posts a request the service would refuse: HTTP 500, a SOAP 1.2 fault valid against the
/// service's schemas, whose reason contains `attendu`.
async fn refused(addr: SocketAddr, content_type: &str, body: String, attendu: &str) -> InsiError {
    let (status, ct, answer) = raw_post(addr, content_type, body).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{answer}");
    assert!(ct.starts_with("application/soap+xml"));
    assert!(answer.contains(attendu), "{attendu}: {answer}");
    assert_valide(&answer);
    soap::parse_fault(&answer).unwrap()
}

fn without(xml: &str, start: &str, end: &str) -> String {
    let a = xml.find(start).unwrap();
    let b = xml.find(end).unwrap() + end.len();
    format!("{}{}", &xml[..a], &xml[b..])
}

#[tokio::test]
async fn simulator_answers_are_valid_against_the_service_schemas() {
    let sim = sim().await;
    let ct = Operation::Search.content_type();
    for q in [
        query("DUPONT", &["HELENE"], "F", "1979-03-12", None),
        query("NDIAYE", &["AISSATOU"], "F", "1969-02-00", None),
        query("LEROY", &["MARIE"], "F", "1992-01-08", None),
        query("INCONNU", &["PERSONNE"], "F", "1979-03-12", None),
    ] {
        let req = soap::build_search_request(&q, &contexte()).unwrap();
        let (status, _, body) = raw_post(sim.addr, &ct, req.xml).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_valide(&body);
    }
}

#[tokio::test]
async fn simulator_refuses_what_the_service_refuses() {
    let sim = sim().await;
    let ct = Operation::Search.content_type();
    let g = good().xml;

    // No ContexteBAM, no ContexteLPS, no MessageID.
    let e = refused(
        sim.addr,
        &ct,
        without(&g, "<ctxbam:ContexteBAM", "</ctxbam:ContexteBAM>"),
        "ContexteBAM",
    )
    .await;
    assert!(
        matches!(&e, InsiError::Rejected { code, .. } if code == "siram_10"),
        "{e:?}"
    );
    refused(
        sim.addr,
        &ct,
        without(&g, "<ctxlps:ContexteLPS", "</ctxlps:ContexteLPS>"),
        "ContexteLPS",
    )
    .await;
    refused(
        sim.addr,
        &ct,
        without(&g, "<wsa:MessageID>", "</wsa:MessageID>"),
        "MessageID",
    )
    .await;
    // COUVERTURE is required by the CTXBAM schema; a wrong version is refused.
    refused(
        sim.addr,
        &ct,
        g.replace("<ctxbam:COUVERTURE></ctxbam:COUVERTURE>", ""),
        "COUVERTURE",
    )
    .await;
    refused(
        sim.addr,
        &ct,
        g.replace(r#"Version="01_02""#, r#"Version="01_01""#),
        "01_02",
    )
    .await;
    // A header the WSDL does not declare.
    let to = g.replace(
        "<wsa:MessageID>",
        "<wsa:To>https://x/lps</wsa:To><wsa:MessageID>",
    );
    refused(sim.addr, &ct, to, "To").await;
    // Lower-case or accented traits, an undetermined sex, elements out of order.
    refused(sim.addr, &ct, g.replace(">DUPONT<", ">Dupont<"), "alphabet").await;
    refused(sim.addr, &ct, g.replace(">HELENE<", ">HÉLÈNE<"), "alphabet").await;
    refused(
        sim.addr,
        &ct,
        g.replace("<rec:Sexe>F</rec:Sexe>", "<rec:Sexe>I</rec:Sexe>"),
        "sexe invalide",
    )
    .await;
    let ordre = g.replace(
        "<rec:Sexe>F</rec:Sexe><rec:DateNaissance>1979-03-12</rec:DateNaissance>",
        "<rec:DateNaissance>1979-03-12</rec:DateNaissance><rec:Sexe>F</rec:Sexe>",
    );
    refused(sim.addr, &ct, ordre, "Sexe").await;
    refused(
        sim.addr,
        &ct,
        g.replace("1979-03-12", "12/03/1979"),
        "AAAA-MM-JJ",
    )
    .await;
    // An unknown action (the old verification operation, which the service does not have).
    let verif = g.replace(
        soap::ACTION_SEARCH,
        "urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite",
    );
    refused(
        sim.addr,
        "application/soap+xml",
        verif,
        "action non prise en charge",
    )
    .await;
    // Action of the Content-Type inconsistent with wsa:Action.
    let autre = "application/soap+xml; action=\"urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale\"";
    refused(sim.addr, autre, g.clone(), "wsa:Action").await;
    // No IDAM: what the service answers to an unknown software.
    let sans_idam = g.replace(r#"<ctxlps:IDAM R="4">IDAM-TEST</ctxlps:IDAM>"#, "");
    let e = refused(sim.addr, &ct, sans_idam, "autorisation du logiciel").await;
    assert_eq!(e.codes(), (Some("siram_100"), Some("desir_550")));
    // Malformed, SOAP 1.1, wrong media type.
    refused(sim.addr, &ct, "<soap:Envelope".into(), "mal formée").await;
    refused(
        sim.addr,
        &ct,
        g.replace(soap::NS_SOAP12, soap::NS_SOAP11),
        "soap:VersionMismatch",
    )
    .await;
    refused(sim.addr, "text/xml", g.clone(), "application/soap+xml").await;

    // Not a POST.
    let response = reqwest::get(endpoint_url(sim.addr)).await.unwrap();
    assert_eq!(response.status().as_u16(), 405);

    // The good request still works.
    let (status, _, body) = raw_post(sim.addr, &ct, g).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<CodeCR>00</CodeCR>"), "{body}");
}

#[tokio::test]
async fn router_can_be_mounted_by_callers() {
    let (addr, handle) = serve(simulator::router(demo_fixtures())).await;
    let client = client_for(
        format!("http://{addr}/autre/chemin"),
        Duration::from_secs(5),
    );
    assert_eq!(
        client.verify(&dupont()).await.unwrap(),
        Verification::Confirmee
    );
    handle.abort();
}

#[tokio::test]
async fn traits_outside_the_alphabet_are_not_sent() {
    let sim = sim().await;
    let err = sim
        .client
        .search_by_traits(&query("DUPONT", &["HELENE"], "I", "1979-03-12", None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, InsiError::Traits(m) if m.contains("sexe indéterminé")),
        "{err:?}"
    );
    let err = sim
        .client
        .search_by_traits(&query("Dupont 2", &["Hélène"], "F", "1979-03-12", None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, InsiError::Traits(m) if m.contains("« 2 »")),
        "{err:?}"
    );
}

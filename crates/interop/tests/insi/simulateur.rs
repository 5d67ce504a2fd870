//! The simulator's answers to invalid traits and bad requests, and its router mounted by callers.

use super::*;

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

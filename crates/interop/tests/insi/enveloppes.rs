//! SOAP envelopes: escaping, addressing and context headers, the search answer's round trip; certificate errors.

use super::*;

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

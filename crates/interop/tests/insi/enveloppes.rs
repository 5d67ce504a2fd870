//! SOAP envelopes against the service's own schemas (`xmllint --schema`, the WSDL 1.5.0 XSDs
//! in `reference/insi-cnam/`): every request the client builds, every answer and fault the
//! simulator gives. Also the headers the WSDL declares, the answer's round trip (INSHISTO
//! kept), and certificate errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use dui_interop::insi::{CertificatClient, InsHistorique};

use super::*;

fn schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference/insi-cnam/enveloppe/soap12-insi.xsd")
}

/// Validates a SOAP envelope against the service's schemas with Debian's `xmllint`
/// (libxml2-utils). `None` when xmllint is absent outside CI (the test then says so); under
/// `CI=true` its absence fails the test.
pub(crate) fn xmllint(xml: &str) -> Option<Result<(), String>> {
    if Command::new("xmllint").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "xmllint est absent : installez libxml2-utils (.ci/run le fait)"
        );
        eprintln!("xmllint absent (libxml2-utils) : validation XSD non faite");
        return None;
    }
    let mut child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema())
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

/// Asserts that `xml` is valid against the service's schemas.
pub(crate) fn assert_valide(xml: &str) {
    if let Some(Err(e)) = xmllint(xml) {
        panic!("enveloppe refusée par les schémas du service :\n{e}\n{xml}");
    }
}

fn requests() -> Vec<TraitsQuery> {
    vec![
        query("DUPONT", &["HELENE"], "F", "1979-03-12", None),
        query(
            "Lætitia-Œuvre d’Arc",
            &["Hélène", "Marie-Thérèse"],
            "F",
            "1980-00-00",
            Some("2A004"),
        ),
        query(
            "O'Brien",
            &["Jean-Pierre", "Ñico"],
            "M",
            "1955-01-15",
            Some("99341"),
        ),
    ]
}

#[test]
fn every_request_is_valid_against_the_service_schemas() {
    for q in requests() {
        let req = soap::build_search_request(&q, &contexte()).unwrap();
        assert_valide(&req.xml);
    }
}

#[test]
fn requests_carry_the_headers_the_wsdl_declares() {
    let q = query("Dupont", &["Hélène"], "F", "1979-03-12", None);
    let req = soap::build_search_request(&q, &contexte()).unwrap();
    let x = &req.xml;
    assert_eq!(req.operation, Operation::Search);
    assert!(x.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    assert!(x.contains(r#"<ctxbam:ContexteBAM Version="01_02">"#), "{x}");
    assert!(x.contains("<ctxbam:COUVERTURE></ctxbam:COUVERTURE>"), "{x}");
    assert!(
        x.contains("<ctxbam:Emetteur>EMETTEUR-TEST</ctxbam:Emetteur>"),
        "{x}"
    );
    assert!(x.contains(r#"<ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00">"#));
    assert!(x.contains(r#"<ctxlps:IDAM R="4">IDAM-TEST</ctxlps:IDAM>"#));
    assert!(x.contains("<ctxlps:Instance>00000000-0000-4000-8000-000000000000</ctxlps:Instance>"));
    assert!(x.contains(
        "<wsa:Action>urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite</wsa:Action>"
    ));
    assert!(req.message_id.starts_with("uuid:") && req.message_id.len() == 41);
    assert!(x.contains(&format!(
        "<wsa:MessageID>{}</wsa:MessageID>",
        req.message_id
    )));
    assert!(!x.contains("wsa:To"), "{x}");
    assert!(!x.contains("verifier") && !x.contains("VERIFINS"));
    // The traits in the service's alphabet.
    assert!(x.contains("<rec:NomNaissance>DUPONT</rec:NomNaissance>"));
    assert!(x.contains("<rec:Prenom>HELENE</rec:Prenom>"));
    assert!(!x.contains("LieuNaissance"));
    assert_eq!(
        Operation::Search.content_type(),
        "application/soap+xml; charset=utf-8; action=\"urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite\""
    );
    let again = soap::build_search_request(&q, &contexte()).unwrap();
    assert_ne!(again.message_id, req.message_id);
}

fn ndiaye() -> InsIdentity {
    demo_fixtures()
        .into_iter()
        .find(|f| f.nom_naissance == "NDIAYE")
        .unwrap()
}

#[test]
fn every_answer_and_fault_is_valid_against_the_service_schemas() {
    for outcome in [
        InsiOutcome::Found(dupont()),
        InsiOutcome::Found(ndiaye()),
        InsiOutcome::NotFound,
        InsiOutcome::Multiple,
    ] {
        assert_valide(&soap::build_search_response(&outcome));
    }
    for fault in [
        Fault::indisponible("insi_102"),
        Fault::sender(
            "siram_100",
            "desir_550",
            "Numéro d'autorisation du logiciel inconnu.",
        ),
        Fault::invalide("en-tête ContexteBAM absent"),
    ] {
        assert_valide(&soap::build_fault(
            &fault,
            Some("uuid:b3549edd-4ae9-472a-b26f-fd2fb4ef397f"),
        ));
        assert_valide(&soap::build_fault(&fault, None));
    }
}

#[test]
fn the_schema_check_refuses_what_the_service_refuses() {
    let Some(Ok(())) = xmllint(
        &soap::build_search_request(&requests()[0], &contexte())
            .unwrap()
            .xml,
    ) else {
        return; // xmllint absent outside CI (said above)
    };
    let good = soap::build_search_request(&requests()[0], &contexte())
        .unwrap()
        .xml;
    let to = good.replace(
        "<wsa:MessageID>",
        "<wsa:To>https://qualiflps-services-ps-tlsm.ameli.fr/lps</wsa:To><wsa:MessageID>",
    );
    let verif = good
        .replace("rec:RECSANSVITALE", "rec:VERIFINS")
        .replace(soap::NS_REC_SANS, "http://www.cnamts.fr/INSiVerif");
    let sans_couverture = good.replace("<ctxbam:COUVERTURE></ctxbam:COUVERTURE>", "");
    let ordre = good.replace(
        "<rec:Sexe>F</rec:Sexe><rec:DateNaissance>1979-03-12</rec:DateNaissance>",
        "<rec:DateNaissance>1979-03-12</rec:DateNaissance><rec:Sexe>F</rec:Sexe>",
    );
    for bad in [to, verif, sans_couverture, ordre] {
        assert!(matches!(xmllint(&bad), Some(Err(_))), "{bad}");
    }
}

#[test]
fn search_response_round_trip_with_escaping_and_history() {
    let id = InsIdentity {
        nom_naissance: "D'ARTAGNAN DE L'HERAULT".into(),
        prenoms: vec!["PIERRE-ALAIN".into(), "MURIEL".into()],
        ..dupont()
    };
    let xml = soap::build_search_response(&InsiOutcome::Found(id.clone()));
    assert!(xml.contains("D&apos;ARTAGNAN"));
    assert_eq!(
        soap::parse_search_response(&xml),
        Ok(InsiOutcome::Found(id))
    );
    for outcome in [InsiOutcome::NotFound, InsiOutcome::Multiple] {
        let xml = soap::build_search_response(&outcome);
        assert_eq!(soap::parse_search_response(&xml), Ok(outcome));
    }
    // INSHISTO is kept.
    let xml = soap::build_search_response(&InsiOutcome::Found(ndiaye()));
    let Ok(InsiOutcome::Found(back)) = soap::parse_search_response(&xml) else {
        panic!("{xml}");
    };
    assert_eq!(
        back.historique,
        vec![InsHistorique {
            matricule: "8690299341012".into(),
            cle: Some("20".into()),
            oid: "1.2.250.1.213.1.4.9".into(),
            date_debut: Some("1990-03-01".into()),
            date_fin: Some("1994-06-30".into()),
        }]
    );
    assert_eq!(back.historique[0].matricule_ins(), "869029934101220");
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[test]
fn client_certificate_errors_are_reported_in_french() {
    let missing = std::env::temp_dir().join("dui-insi-absent-cert-3f9c.pem");
    let mut config = InsiConfig::new(dui_interop::insi::ENDPOINT_QUALIFICATION);
    config.certificat = Some(CertificatClient::Pem(missing));
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
    config.certificat = Some(CertificatClient::Pem(bad.clone()));
    let err = HttpInsiClient::new(config.clone()).unwrap_err();
    assert!(
        matches!(err, InsiConfigError::Certificate { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("est invalide"));

    // A CA bundle without certificate.
    config.certificat = None;
    let vide = std::env::temp_dir().join(format!("dui-insi-ca-vide-{}.pem", std::process::id()));
    std::fs::write(&vide, "rien").unwrap();
    config.autorites = Some(vide.clone());
    let err = HttpInsiClient::new(config).unwrap_err();
    std::fs::remove_file(&vide).unwrap();
    std::fs::remove_file(&bad).unwrap();
    assert!(matches!(err, InsiConfigError::Autorites { .. }), "{err:?}");

    // A .p12 needs its passphrase.
    let err = CertificatClient::depuis_fichier("structure.p12".into(), None).unwrap_err();
    assert!(err.to_string().contains("mot de passe"), "{err}");
    assert!(matches!(
        CertificatClient::depuis_fichier("structure.pem".into(), None),
        Ok(CertificatClient::Pem(_))
    ));
    let p12 =
        CertificatClient::depuis_fichier("structure.P12".into(), Some("secret".into())).unwrap();
    assert!(!format!("{p12:?}").contains("secret"));
}

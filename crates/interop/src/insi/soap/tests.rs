//! Envelopes round trips and the parsers' refusals.

use super::*;

#[test]
fn uuid_is_v4_shaped() {
    let id = new_message_id();
    let uuid = id.strip_prefix("urn:uuid:").unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4");
    assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
    assert_ne!(new_message_id(), id);
}

#[test]
fn matricule_shape() {
    assert!(is_matricule_13("2790351215189"));
    assert!(is_matricule_13("155012A004010"));
    assert!(is_matricule_13("278012B042123"));
    assert!(!is_matricule_13("15501AA004010"));
    assert!(!is_matricule_13("155013A004010"));
    assert!(!is_matricule_13("279035121518"));
}

#[test]
fn soap11_fault_is_read() {
    let xml = format!(
        r#"<e:Envelope xmlns:e="{NS_SOAP11}"><e:Body><e:Fault><faultcode>e:Client</faultcode><faultstring>Requête refusée</faultstring></e:Fault></e:Body></e:Envelope>"#
    );
    assert_eq!(
        parse_fault(&xml),
        Some(InsiError::Rejected {
            code: "Client".into(),
            message: "Requête refusée".into()
        })
    );
}

#[test]
fn verify_request_round_trip() {
    let id = InsIdentity {
        matricule: "2790351215189".into(),
        cle: "89".into(),
        oid: "1.2.250.1.213.1.4.10".into(),
        nom_naissance: "DUPONT".into(),
        prenoms: vec!["HELENE".into(), "MARIE".into()],
        sexe: "F".into(),
        date_naissance: "1979-03-12".into(),
        lieu_naissance: None,
    };
    let req = build_verify_request(&id, "http://localhost/lps", &ContexteLps::default());
    let parsed = parse_request(&req.xml).unwrap();
    assert_eq!(parsed.body, RequestBody::Verify(id));
    assert_eq!(parsed.message_id, req.message_id);
    assert_eq!(parsed.to.as_deref(), Some("http://localhost/lps"));
}

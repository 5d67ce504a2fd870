//! Envelopes round trips and the parsers' refusals.

use super::*;

#[test]
fn message_id_is_uuid_v4_shaped() {
    let id = new_message_id();
    let uuid = id.strip_prefix("uuid:").unwrap();
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
            message: "Requête refusée".into(),
            detail: None,
        })
    );
}

#[test]
fn service_faults_are_mapped() {
    // The answer of the service when it is down (public fixture shape).
    let down = build_fault(&Fault::indisponible("insi_102"), Some("uuid:x"));
    let e = parse_fault(&down).unwrap();
    assert!(
        matches!(&e, InsiError::Unavailable { code: Some(c), detail: Some(d), .. } if c == "siram_40" && d == "insi_102"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("INSi est indisponible : service temporairement inaccessible"),
        "{e}"
    );
    // An unknown software: the detail code is kept.
    let idam = build_fault(
        &Fault::sender(
            "siram_100",
            "desir_550",
            "Numéro d'autorisation du logiciel inconnu.",
        ),
        None,
    );
    assert_eq!(
        parse_fault(&idam).unwrap().codes(),
        (Some("siram_100"), Some("desir_550"))
    );
}

#[test]
fn search_request_round_trip_in_the_alphabet() {
    let q = TraitsQuery {
        nom_naissance: "Lætitia-Œuvre d’Arc".into(),
        prenoms: vec!["Hélène".into(), "Marie-Thérèse".into()],
        sexe: "F".into(),
        date_naissance: "1979-03-12".into(),
        lieu_naissance: Some("2a004".into()),
    };
    let req = build_search_request(&q, &ContexteLps::default()).unwrap();
    let parsed = parse_request(&req.xml, None).unwrap_err();
    // No IDAM in the default context: refused as the service does.
    assert_eq!(parsed.subcode.as_deref(), Some("siram_100"));
    let ctx = ContexteLps {
        idam: "IDAM-TEST".into(),
        ..ContexteLps::default()
    };
    let req = build_search_request(&q, &ctx).unwrap();
    let parsed = parse_request(&req.xml, Some(ACTION_SEARCH)).unwrap();
    assert_eq!(parsed.message_id, req.message_id);
    assert_eq!(parsed.traits.nom_naissance, "LAETITIA-OEUVRE D'ARC");
    assert_eq!(parsed.traits.prenoms, vec!["HELENE", "MARIE-THERESE"]);
    assert_eq!(parsed.traits.lieu_naissance.as_deref(), Some("2A004"));
    assert_eq!(parsed.contexte, ctx);
}

#[test]
fn traits_outside_the_alphabet_are_not_sent() {
    let q = TraitsQuery {
        nom_naissance: "DUPONT".into(),
        prenoms: vec!["HELENE".into()],
        sexe: "I".into(),
        date_naissance: "1979-03-12".into(),
        lieu_naissance: None,
    };
    let e = build_search_request(&q, &ContexteLps::default()).unwrap_err();
    assert!(
        matches!(&e, InsiError::Traits(m) if m.contains("sexe indéterminé")),
        "{e:?}"
    );
    let q = TraitsQuery {
        nom_naissance: "Louis 14".into(),
        sexe: "M".into(),
        ..q
    };
    assert!(matches!(
        build_search_request(&q, &ContexteLps::default()),
        Err(InsiError::Traits(_))
    ));
}

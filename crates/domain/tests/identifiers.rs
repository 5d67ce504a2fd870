//! Tests of the INS identifiers (NIR/NIA, INS OID) and COG codes, with the vectors of
//! `shared/interop/01-ins.md` and property tests. FINESS, SIREN/SIRET and RPPS/ADELI are
//! tested in `src/identifiers/tests_numeros.rs`.

// Test helpers outside `#[test]` functions unwrap too (tests may).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dui_domain::identifiers::{nir_key, CodeCog, CodeCogInvalide, InsOid, Nir, NirInvalide};
use proptest::prelude::*;
use serde::de::value::{Error as DeError, StringDeserializer};
use serde::de::IntoDeserializer;
use serde::Deserialize;

/// Independent NIR key (test oracle): Corsica as `20` minus 1 000 000 / 2 000 000.
fn nir_key_oracle(corps: &str) -> u8 {
    let moins = if corps[5..7] == *"2A" {
        1_000_000
    } else if corps[5..7] == *"2B" {
        2_000_000
    } else {
        0
    };
    let n: u64 = corps
        .replace("2A", "20")
        .replace("2B", "20")
        .parse::<u64>()
        .unwrap()
        - moins;
    u8::try_from(97 - n % 97).unwrap()
}

fn de<'a, T: Deserialize<'a>>(s: &str) -> Result<T, DeError> {
    let d: StringDeserializer<DeError> = s.to_owned().into_deserializer();
    T::deserialize(d)
}

/// Replaces the digit at `pos` by a different one (`delta` in 1..=9).
fn muter(s: &str, pos: usize, delta: u32) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| match c.to_digit(10) {
            Some(d) if i == pos => char::from_digit((d + delta) % 10, 10).unwrap(),
            _ => c,
        })
        .collect()
}

// ---------- NIR ----------

const NIR_VALIDES: [&str; 13] = [
    "279035121518989",
    "255081416802538",
    "185077511607913",
    "269029934173285",
    "180087505603779",
    "292011310811148",
    "155012A00401023",
    "278012B04212345",
    "194059710501618",
    "285109913506271",
    "775039921612336",
    "801019935012345",
    "187099999900147",
];

#[test]
fn nir_valid_vectors() {
    for v in NIR_VALIDES {
        let nir = Nir::parse(v).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(nir.as_str(), v);
        assert_eq!(format!("{}{:02}", nir.body(), nir.key()), v);
        assert_eq!(nir_key(nir.body()), Ok(nir.key()));
        assert_eq!(nir.is_nia(), v.starts_with('7') || v.starts_with('8'));
    }
}

#[test]
fn nir_invalid_vectors() {
    use NirInvalide::*;
    let cas = [
        (
            "170017510112313",
            Cle {
                attendue: 88,
                saisie: 13,
            },
        ),
        (
            "279035121518988",
            Cle {
                attendue: 89,
                saisie: 88,
            },
        ),
        ("27903512151898", Longueur { saisie: 14 }),
        ("2790351215189890", Longueur { saisie: 16 }),
        (
            "155012A00401019",
            Cle {
                attendue: 23,
                saisie: 19,
            },
        ),
        (
            "155012C004010XX",
            Caractere {
                position: 7,
                caractere: 'C',
            },
        ),
        (
            "2790351215I8989",
            Caractere {
                position: 11,
                caractere: 'I',
            },
        ),
        ("379035121518989", PremierChiffre { chiffre: '3' }),
        (
            "147720425367411",
            Cle {
                attendue: 30,
                saisie: 11,
            },
        ),
        ("", Vide),
        ("   ", Vide),
        (
            "155013A00401023",
            Caractere {
                position: 7,
                caractere: 'A',
            },
        ),
        (
            "15501A200401023",
            Caractere {
                position: 6,
                caractere: 'A',
            },
        ),
        (
            "2790351215189x9",
            Caractere {
                position: 14,
                caractere: 'x',
            },
        ),
    ];
    for (entree, erreur) in cas {
        assert_eq!(Nir::parse(entree), Err(erreur), "{entree}");
    }
}

#[test]
fn nir_key_examples() {
    assert_eq!(nir_key("155012A004010"), Ok(23));
    assert_eq!(nir_key("278012B042123"), Ok(45));
    assert_eq!(nir_key("2790351215189"), Ok(89));
    assert_eq!(nir_key("1700175101123"), Ok(88));
    assert_eq!(nir_key("1477204253674"), Ok(30));
    assert_eq!(nir_key("155012a004010"), Ok(23));
    assert_eq!(
        nir_key("27903512151"),
        Err(NirInvalide::LongueurSansCle { saisie: 11 })
    );
    assert_eq!(nir_key(""), Err(NirInvalide::Vide));
}

#[test]
fn nir_normalises_spaces_and_lowercase() {
    let n = Nir::parse(" 2 79 03 51 215 189 89 ").unwrap();
    assert_eq!(n.as_str(), "279035121518989");
    assert_eq!(n.formatted(), "2 79 03 51 215 189 89");
    let c = Nir::parse("1 55 01 2a 004 010 23").unwrap();
    assert_eq!(c.as_str(), "155012A00401023");
    assert_eq!(c.body(), "155012A004010");
    assert_eq!(c.key(), 23);
    assert_eq!(
        Nir::parse("278012b04212345").unwrap().as_str(),
        "278012B04212345"
    );
    assert_eq!(
        Nir::from_parts("2790351215189", "89").unwrap().as_str(),
        "279035121518989"
    );
    assert!(Nir::parse("2\u{a0}79 03 51 215 189 89").is_ok());
}

#[test]
fn nir_messages_are_french() {
    // A key that does not match: a typo somewhere in the number, not « fix the key ».
    let e = Nir::parse("278012B04212344").unwrap_err();
    assert_eq!(
        e,
        NirInvalide::Cle {
            attendue: 45,
            saisie: 44
        }
    );
    assert!(e.to_string().starts_with(
        "Le NIR ne correspond pas à sa clé (les 2 derniers chiffres) : un chiffre a sans doute été mal tapé"
    ));
    assert!(!e.to_string().contains("attendue"));
    assert!(Nir::parse("27903512151898")
        .unwrap_err()
        .to_string()
        .contains("14 saisis"));
    assert!(Nir::parse("379035121518989")
        .unwrap_err()
        .to_string()
        .contains("« 3 »"));
}

#[test]
fn nir_serde_and_display() {
    let n: Nir = de("2 79 03 51 215 189 89").unwrap();
    assert_eq!(n.to_string(), "279035121518989");
    assert_eq!(String::from(n), "279035121518989");
    assert!(de::<Nir>("279035121518988").is_err());
}

fn corps_nir() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!['1', '2', '7', '8']),
        0u32..100,
        0u32..100,
        prop_oneof![
            (1u32..100).prop_map(|d| format!("{d:02}")),
            Just("2A".to_owned()),
            Just("2B".to_owned())
        ],
        0u32..1_000_000,
    )
        .prop_map(|(s, a, m, d, reste)| format!("{s}{a:02}{m:02}{d}{reste:06}"))
}

proptest! {
    #[test]
    fn nir_computed_key_is_accepted(corps in corps_nir()) {
        let cle = nir_key_oracle(&corps);
        prop_assert_eq!(nir_key(&corps), Ok(cle));
        let nir = Nir::parse(&format!("{corps}{cle:02}")).unwrap();
        prop_assert_eq!(nir.body(), corps.as_str());
        prop_assert_eq!(Nir::parse(&nir.formatted().to_lowercase()), Ok(nir.clone()));
    }

    #[test]
    fn nir_single_digit_change_is_refused(corps in corps_nir(), pos in 0usize..15, delta in 1u32..10) {
        let valide = format!("{corps}{:02}", nir_key_oracle(&corps));
        let mute = muter(&valide, pos, delta);
        prop_assume!(mute != valide); // position of a Corsican letter
        prop_assert!(Nir::parse(&mute).is_err(), "{} accepted", mute);
    }
}

// ---------- INS OID ----------

#[test]
fn ins_oid_parse_and_labels() {
    assert_eq!(InsOid::parse("1.2.250.1.213.1.4.8"), Ok(InsOid::Nir));
    assert_eq!(InsOid::parse("1.2.250.1.213.1.4.9"), Ok(InsOid::Nia));
    assert_eq!(
        InsOid::parse("urn:oid:1.2.250.1.213.1.4.10"),
        Ok(InsOid::NirTest)
    );
    assert_eq!(InsOid::parse(" 1.2.250.1.213.1.4.11 "), Ok(InsOid::NirDemo));
    for o in InsOid::ALL {
        assert_eq!(InsOid::parse(o.as_str()), Ok(o));
        assert_eq!(de::<InsOid>(o.as_str()).unwrap(), o);
        assert!(!o.label_fr().is_empty());
    }
    assert_eq!(InsOid::NirDemo.label_fr(), "INS-NIR de démonstration");
    assert_eq!(InsOid::NirTest.code_type_fhir(), "INS-NIR-TEST");
    assert!(InsOid::NirTest.is_fictif() && !InsOid::Nir.is_fictif());
    let e = InsOid::parse("1.2.250.1.213.1.4.12").unwrap_err();
    assert!(e
        .to_string()
        .starts_with("« 1.2.250.1.213.1.4.12 » n'est pas un OID"));
}

// ---------- COG ----------

#[test]
fn code_cog() {
    for (v, dep, etranger) in [
        ("75056", Some("75"), false),
        ("2A004", Some("2A"), false),
        ("97105", Some("971"), false),
        ("98818", Some("988"), false),
        ("20004", Some("20"), false),
        ("99134", None, true),
        ("99100", None, false),
    ] {
        let c = CodeCog::parse(v).unwrap();
        assert_eq!(
            (c.as_str(), c.departement(), c.is_etranger()),
            (v, dep, etranger),
            "{v}"
        );
    }
    assert_eq!(CodeCog::parse(" 2b 033").unwrap().as_str(), "2B033");
    assert_eq!(CodeCog::parse(""), Err(CodeCogInvalide::Vide));
    assert_eq!(
        CodeCog::parse("7505"),
        Err(CodeCogInvalide::Longueur { saisie: 4 })
    );
    assert_eq!(
        CodeCog::parse("2C004"),
        Err(CodeCogInvalide::Caractere {
            position: 2,
            caractere: 'C'
        })
    );
    assert_eq!(
        CodeCog::parse("7505A"),
        Err(CodeCogInvalide::Caractere {
            position: 5,
            caractere: 'A'
        })
    );
    assert_eq!(
        CodeCog::parse("00123"),
        Err(CodeCogInvalide::Departement {
            departement: "00".into()
        })
    );
    assert_eq!(
        CodeCog::parse("96123"),
        Err(CodeCogInvalide::Departement {
            departement: "96".into()
        })
    );
    assert!(CodeCog::parse("96123")
        .unwrap_err()
        .to_string()
        .contains("« 96 »"));
    assert_eq!(de::<CodeCog>("75056").unwrap().to_string(), "75056");
}

//! Tests of the numeric identifiers with a Luhn key or a fixed length: FINESS,
//! SIREN/SIRET, RPPS/ADELI (known numbers, errors, single-digit mutation proptests).

use proptest::prelude::*;
use serde::de::value::{Error as DeError, StringDeserializer};
use serde::de::IntoDeserializer;
use serde::Deserialize;

use super::*;

/// Independent Luhn check digit (test oracle).
fn luhn_digit(corps: &str) -> char {
    let somme: u32 = corps
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap();
            if i % 2 == 0 {
                let x = d * 2;
                x / 10 + x % 10
            } else {
                d
            }
        })
        .sum();
    char::from_digit((10 - somme % 10) % 10, 10).unwrap()
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

// ---------- FINESS ----------

#[test]
fn finess_known_numbers() {
    for v in [
        "010000016",
        "010000156",
        "010000164",
        "010780195",
        "010787190",
    ] {
        let f = Finess::parse(v).unwrap();
        assert_eq!(f.as_str(), v);
        assert_eq!(f.departement(), "01");
    }
    assert_eq!(
        Finess::parse("01 078 019 5").unwrap().formatted(),
        "01 078 019 5"
    );
    let corse = format!("2A000001{}", luhn_digit("20000001"));
    assert_eq!(
        Finess::parse(&corse.to_lowercase()).unwrap().as_str(),
        corse
    );
    assert_eq!(Finess::parse(&corse).unwrap().departement(), "2A");
}

#[test]
fn finess_errors() {
    let id = "FINESS";
    assert_eq!(
        Finess::parse(""),
        Err(NumeroInvalide::Vide { identifiant: id })
    );
    assert_eq!(
        Finess::parse("01000001"),
        Err(NumeroInvalide::Longueur {
            identifiant: id,
            attendue: 9,
            saisie: 8
        })
    );
    assert_eq!(
        Finess::parse("0100000166"),
        Err(NumeroInvalide::Longueur {
            identifiant: id,
            attendue: 9,
            saisie: 10
        })
    );
    assert_eq!(
        Finess::parse("010000017"),
        Err(NumeroInvalide::Cle {
            identifiant: id,
            attendue: 6,
            saisie: 7
        })
    );
    assert_eq!(
        Finess::parse("2C0000010"),
        Err(NumeroInvalide::Caractere {
            identifiant: id,
            position: 2,
            caractere: 'C'
        })
    );
    assert_eq!(
        Finess::parse("3A0000010"),
        Err(NumeroInvalide::Caractere {
            identifiant: id,
            position: 2,
            caractere: 'A'
        })
    );
    assert_eq!(
        Finess::parse("010000017").unwrap_err().to_string(),
        "La clé de contrôle du numéro FINESS est incorrecte : 6 attendue, 7 saisie."
    );
    assert_eq!(
        Finess::parse("01000001").unwrap_err().to_string(),
        "Le numéro FINESS doit comporter 9 caractères : 8 saisis."
    );
    assert!(de::<Finess>("010000017").is_err());
    assert_eq!(de::<Finess>("010000016").unwrap().to_string(), "010000016");
}

// ---------- SIREN / SIRET ----------

#[test]
fn siren_siret_known_numbers() {
    assert!(Siren::parse("732829320").is_ok());
    assert!(Siren::parse("552 100 554").is_ok());
    assert_eq!(
        Siren::parse("732829320").unwrap().formatted(),
        "732 829 320"
    );
    let s = Siret::parse("732 829 320 00074").unwrap();
    assert_eq!(s.as_str(), "73282932000074");
    assert_eq!(s.siren(), Siren::parse("732829320").unwrap());
    assert_eq!(s.nic(), "00074");
    assert_eq!(s.formatted(), "732 829 320 00074");
    // La Poste: head office (Luhn) and an establishment (digit sum 15).
    assert!(Siret::parse("35600000000048").is_ok());
    assert!(Siret::parse("35600000000001").is_ok());
    assert_eq!(
        Siret::parse("35600000000002"),
        Err(NumeroInvalide::SommeLaPoste { somme: 16 })
    );
}

#[test]
fn siren_siret_errors() {
    assert_eq!(
        Siren::parse("732829321"),
        Err(NumeroInvalide::Cle {
            identifiant: "SIREN",
            attendue: 0,
            saisie: 1
        })
    );
    assert_eq!(
        Siren::parse("73282932"),
        Err(NumeroInvalide::Longueur {
            identifiant: "SIREN",
            attendue: 9,
            saisie: 8
        })
    );
    assert_eq!(
        Siret::parse("7328293200007"),
        Err(NumeroInvalide::Longueur {
            identifiant: "SIRET",
            attendue: 14,
            saisie: 13
        })
    );
    assert_eq!(
        Siret::parse("7328293200007A"),
        Err(NumeroInvalide::Caractere {
            identifiant: "SIRET",
            position: 14,
            caractere: 'A'
        })
    );
    // Luhn-valid SIRET whose SIREN part is not a valid SIREN.
    let corps = "7328293210007";
    let siret = format!("{corps}{}", luhn_digit(corps));
    assert_eq!(
        Siret::parse(&siret),
        Err(NumeroInvalide::CleSirenDuSiret {
            attendue: 0,
            saisie: 1
        })
    );
    assert!(Siret::parse("35600000000002")
        .unwrap_err()
        .to_string()
        .contains("multiple de 5"));
}

fn siret_valide() -> impl Strategy<Value = String> {
    (0u32..100_000_000, 0u32..10_000).prop_map(|(s, n)| {
        let siren = format!("{s:08}");
        let siren = format!("{siren}{}", luhn_digit(&siren));
        let corps = format!("{siren}{n:04}");
        format!("{corps}{}", luhn_digit(&corps))
    })
}

proptest! {
    #[test]
    fn siren_siret_accept_generated(siret in siret_valide()) {
        prop_assume!(!siret.starts_with("356000000"));
        let s = Siret::parse(&siret).unwrap();
        prop_assert!(Siren::parse(&siret[..9]).is_ok());
        prop_assert_eq!(s.siren().to_string(), &siret[..9]);
    }

    #[test]
    fn siren_siret_single_digit_change_refused(siret in siret_valide(), pos in 0usize..14, delta in 1u32..10) {
        let mute = muter(&siret, pos, delta);
        prop_assume!(!mute.starts_with("356000000") && !siret.starts_with("356000000"));
        prop_assert!(Siret::parse(&mute).is_err());
        if pos < 9 {
            prop_assert!(Siren::parse(&mute[..9]).is_err());
        }
    }

    #[test]
    fn finess_generated_and_mutated(corps in 0u32..100_000_000, pos in 0usize..9, delta in 1u32..10) {
        let corps = format!("{corps:08}");
        let finess = format!("{corps}{}", luhn_digit(&corps));
        prop_assert!(Finess::parse(&finess).is_ok());
        prop_assert!(Finess::parse(&muter(&finess, pos, delta)).is_err());
    }

    #[test]
    fn rpps_generated_and_mutated(corps in 0u64..1_000_000_000, pos in 0usize..11, delta in 1u32..10) {
        let corps = format!("1{corps:09}");
        let rpps = format!("{corps}{}", luhn_digit(&corps));
        prop_assert!(Rpps::parse(&rpps).is_ok());
        prop_assert!(matches!(IdentifiantProfessionnel::parse(&rpps), Ok(IdentifiantProfessionnel::Rpps(_))));
        prop_assert!(Rpps::parse(&muter(&rpps, pos, delta)).is_err());
    }
}

// ---------- RPPS / ADELI ----------

#[test]
fn rpps_adeli() {
    let corps = "1000000001";
    let rpps = format!("{corps}{}", luhn_digit(corps));
    assert_eq!(Rpps::parse(&rpps).unwrap().as_str(), rpps);
    let huit = format!("8{}", &rpps[1..]);
    assert_eq!(
        Rpps::parse(&huit),
        Err(NumeroInvalide::PrefixeRpps { premier: '8' })
    );
    assert_eq!(
        Rpps::parse("1000000001"),
        Err(NumeroInvalide::Longueur {
            identifiant: "RPPS",
            attendue: 11,
            saisie: 10
        })
    );
    assert_eq!(Adeli::parse("75 1 23456 7").unwrap().as_str(), "751234567");
    assert_eq!(
        Adeli::parse("7512345"),
        Err(NumeroInvalide::Longueur {
            identifiant: "ADELI",
            attendue: 9,
            saisie: 7
        })
    );
    assert_eq!(
        Adeli::parse("75123456B"),
        Err(NumeroInvalide::Caractere {
            identifiant: "ADELI",
            position: 9,
            caractere: 'B'
        })
    );
    let ip = IdentifiantProfessionnel::parse("751234567").unwrap();
    assert_eq!((ip.repertoire(), ip.as_str()), ("ADELI", "751234567"));
    let ip = IdentifiantProfessionnel::parse(&rpps).unwrap();
    assert_eq!((ip.repertoire(), ip.to_string()), ("RPPS", rpps.clone()));
    assert_eq!(
        IdentifiantProfessionnel::parse("1234567890"),
        Err(NumeroInvalide::LongueurIdentifiantProfessionnel { saisie: 10 })
    );
    assert_eq!(
        IdentifiantProfessionnel::parse("1234567890").unwrap_err().to_string(),
        "Un identifiant professionnel comporte 11 chiffres (RPPS) ou 9 chiffres (ADELI) : 10 caractères saisis."
    );
    assert!(IdentifiantProfessionnel::parse(" ").is_err());
    assert_eq!(
        de::<IdentifiantProfessionnel>("751234567").unwrap(),
        IdentifiantProfessionnel::Adeli(Adeli::parse("751234567").unwrap())
    );
    assert_eq!(
        String::from(IdentifiantProfessionnel::parse(&rpps).unwrap()),
        rpps
    );
}

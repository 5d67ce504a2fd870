//! Tests of the identity vocabulary, partial birth dates and INS traits.

use chrono::NaiveDate;
use serde::de::value::{Error as DeError, StringDeserializer};
use serde::de::IntoDeserializer;
use serde::Deserialize;

use super::*;
use crate::identifiers::CodeCog;

fn jour(a: i32, m: u32, j: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(a, m, j).unwrap()
}

fn today() -> NaiveDate {
    jour(2025, 6, 15)
}

fn date(s: &str) -> DateNaissance {
    DateNaissance::parse(s, today()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn date_naissance_accepted_forms() {
    for (entree, iso, fr) in [
        ("1938-04-12", "1938-04-12", "12/04/1938"),
        ("1938-04-00", "1938-04-00", "??/04/1938"),
        ("1938-00-00", "1938-00-00", "??/??/1938"),
        ("12/04/1938", "1938-04-12", "12/04/1938"),
        ("1/4/1938", "1938-04-01", "01/04/1938"),
        ("00/04/1938", "1938-04-00", "??/04/1938"),
        ("??/??/1938", "1938-00-00", "??/??/1938"),
        (" 29/02/2000 ", "2000-02-29", "29/02/2000"),
        ("1880-01-01", "1880-01-01", "01/01/1880"),
        ("2025-06-15", "2025-06-15", "15/06/2025"),
        ("2025-06-00", "2025-06-00", "??/06/2025"),
        ("2025-00-00", "2025-00-00", "??/??/2025"),
    ] {
        let d = date(entree);
        assert_eq!(
            (d.to_string(), d.display_fr()),
            (iso.to_owned(), fr.to_owned()),
            "{entree}"
        );
    }
    let d = date("1938-04-00");
    assert_eq!(
        (d.annee(), d.mois(), d.jour(), d.is_complete()),
        (1938, Some(4), None, false)
    );
    assert_eq!(date("1938-04-12").to_naive_date(), Some(jour(1938, 4, 12)));
    assert_eq!(date("1938-04-00").to_naive_date(), None);
    assert_eq!(
        DateNaissance::from_parts(1938, Some(4), None, today()),
        Ok(d)
    );
}

#[test]
fn date_naissance_refused() {
    use DateNaissanceInvalide::*;
    for (entree, erreur) in [
        ("", Vide),
        (
            "31/02/1938",
            Jour {
                jour: 31,
                mois: 2,
                annee: 1938,
            },
        ),
        (
            "2001-02-29",
            Jour {
                jour: 29,
                mois: 2,
                annee: 2001,
            },
        ),
        ("1938-13-01", Mois(13)),
        ("1938-00-12", JourSansMois),
        ("12/00/1938", JourSansMois),
        ("1879-12-31", AnneeTropAncienne(1879)),
        ("2025-06-16", Future("16/06/2025".into())),
        ("2025-07-00", Future("??/07/2025".into())),
        ("2026-00-00", Future("??/??/2026".into())),
        ("12-04-1938", Format("12-04-1938".into())),
        ("1938/04/12", Format("1938/04/12".into())),
        ("1938-4-12", Format("1938-4-12".into())),
        ("12/04/38", Format("12/04/38".into())),
        ("le 12 avril", Format("le 12 avril".into())),
        ("??/??/????", Format("??/??/????".into())),
    ] {
        assert_eq!(
            DateNaissance::parse(entree, today()),
            Err(erreur),
            "{entree}"
        );
    }
    assert_eq!(
        DateNaissance::parse("31/02/1938", today())
            .unwrap_err()
            .to_string(),
        "La date du 31/02/1938 n'existe pas."
    );
    assert_eq!(
        DateNaissance::parse("2025-06-16", today())
            .unwrap_err()
            .to_string(),
        "La date de naissance 16/06/2025 est postérieure à la date du jour."
    );
}

#[test]
fn date_naissance_age() {
    let complete = date("1938-04-12");
    assert_eq!(complete.age_at(jour(2025, 4, 11)), Some(86));
    assert_eq!(complete.age_at(jour(2025, 4, 12)), Some(87));
    assert_eq!(complete.age_at(jour(1938, 4, 11)), None);
    let mois = date("1938-04-00");
    assert_eq!(mois.age_at(jour(2025, 3, 31)), Some(86));
    assert_eq!(mois.age_at(jour(2025, 5, 1)), Some(87));
    assert_eq!(mois.age_at(jour(2025, 4, 15)), Some(86)); // lower bound in the birth month
    assert_eq!(mois.age_at(jour(2025, 4, 30)), Some(87)); // last day: certainly reached
    let annee = date("1938-00-00");
    assert_eq!(annee.age_at(jour(2025, 6, 15)), None);
    assert_eq!(annee.age_at(jour(2025, 12, 31)), Some(87));
    assert_eq!(annee.age_at(jour(1938, 6, 1)), Some(0));
    assert_eq!(annee.age_at(jour(1937, 6, 1)), None);
}

#[test]
fn date_naissance_serde() {
    let d: StringDeserializer<DeError> = "1938-04-00".to_owned().into_deserializer();
    assert_eq!(DateNaissance::deserialize(d).unwrap(), date("1938-04-00"));
    let d: StringDeserializer<DeError> = "1938-02-31".to_owned().into_deserializer();
    assert!(DateNaissance::deserialize(d).is_err());
    assert_eq!(String::from(date("12/04/1938")), "1938-04-12");
}

#[test]
fn codes_and_labels() {
    assert_eq!(Sexe::I.code_ins(), "U");
    assert_eq!(Sexe::from_code("u"), Some(Sexe::I));
    assert_eq!(Sexe::from_code("X"), None);
    for s in Sexe::ALL {
        assert_eq!(Sexe::from_code(s.code()), Some(s));
    }
    assert_eq!(Sexe::F.label_fr(), "Féminin");
    for s in StatutIdentite::ALL {
        assert_eq!(StatutIdentite::from_code(s.code()), Some(s));
    }
    assert_eq!(StatutIdentite::Provisoire.label_fr(), "Identité provisoire");
    assert_eq!(StatutIdentite::Recuperee.code(), "RECUP");
    for a in AttributIdentite::ALL {
        assert_eq!(AttributIdentite::from_code(a.code()), Some(a));
    }
    let attrs = Attributs::AUCUN.avec(AttributIdentite::Homonyme, true);
    assert_eq!(attrs.liste(), vec![AttributIdentite::Homonyme]);
    assert!(!attrs.bloque_elevation());
    assert!(attrs
        .avec(AttributIdentite::Fictive, true)
        .bloque_elevation());
    assert_eq!(
        TypeJustificatif::ActeNaissance.label_fr(),
        "Extrait d'acte de naissance"
    );
}

#[test]
fn justificatifs_high_trust() {
    use TypeJustificatif::*;
    for (t, adulte, mineur) in [
        (Passeport, true, true),
        (CarteIdentite, true, true),
        (TitreSejour, true, true),
        (LivretFamille, false, true),
        (ActeNaissance, false, true),
        (CarteVitale, false, false),
        (Autre, false, false),
    ] {
        assert_eq!(
            (t.high_trust(false), t.high_trust(true)),
            (adulte, mineur),
            "{t:?}"
        );
    }
}

fn traits(nom: &str, prenoms: &[&str], d: &str, sexe: Sexe, lieu: Option<&str>) -> TraitsIns {
    TraitsIns::new(
        nom,
        prenoms,
        date(d),
        sexe,
        lieu.map(|l| CodeCog::parse(l).unwrap()),
    )
    .unwrap()
}

#[test]
fn traits_ins_normalisation() {
    let t = traits(
        " d’Artagnan-Lefèvre ",
        &[" Hélène ", "Marie  Louise"],
        "1938-04-12",
        Sexe::F,
        Some("75056"),
    );
    assert_eq!(t.nom_naissance(), "D'ARTAGNAN-LEFEVRE");
    assert_eq!(t.prenoms_naissance(), ["Hélène", "Marie Louise"]);
    assert_eq!(t.premier_prenom(), "Hélène");
    assert_eq!(t.liste_prenoms(), "Hélène Marie Louise");
    assert_eq!(t.lieu_naissance().map(CodeCog::as_str), Some("75056"));
    assert_eq!(
        (t.sexe(), t.date_naissance()),
        (Sexe::F, date("1938-04-12"))
    );
}

#[test]
fn traits_ins_errors_are_collected() {
    let long = "A".repeat(101);
    let e = TraitsIns::new(
        "Dupont3",
        &["", "Jean", &long],
        date("1938-04-12"),
        Sexe::M,
        None,
    )
    .unwrap_err();
    let champs: Vec<_> = e.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        champs,
        [
            ChampTrait::NomNaissance,
            ChampTrait::PremierPrenom,
            ChampTrait::PrenomsNaissance
        ]
    );
    assert_eq!(
        e[0].1,
        "Le nom de naissance contient un caractère non autorisé : « 3 ». Seuls les lettres, les espaces, les tirets et les apostrophes sont admis."
    );
    assert_eq!(e[1].1, "Le premier prénom de naissance est obligatoire.");
    assert_eq!(
        e[2].1,
        "Le 3e prénom de naissance ne doit pas dépasser 100 caractères (101 saisis)."
    );
    let none: [&str; 0] = [];
    let e = TraitsIns::new("  ", &none, date("1938-04-12"), Sexe::M, None).unwrap_err();
    assert_eq!(
        e[0],
        (
            ChampTrait::NomNaissance,
            "Le nom de naissance est obligatoire.".to_owned()
        )
    );
    assert_eq!(e[1].0, ChampTrait::PrenomsNaissance);
    let e = TraitsIns::new("-'", &["Jean"], date("1938-04-12"), Sexe::M, None).unwrap_err();
    assert_eq!(
        e[0].1,
        "Le nom de naissance doit contenir au moins une lettre."
    );
    assert!(TraitsIns::new("Дмитрий", &["Jean"], date("1938-04-12"), Sexe::M, None).is_err());
    assert!(TraitsIns::new("Œuvray Strauß", &["Zoë"], date("1938-04-12"), Sexe::M, None).is_ok());
}

#[test]
fn traits_concordance_with_insi() {
    let local = traits(
        "Lefèvre",
        &["Jean-Pierre", "Émile"],
        "1938-04-12",
        Sexe::M,
        None,
    );
    let insi = traits(
        "LEFEVRE",
        &["JEAN PIERRE", "EMILE"],
        "1938-04-12",
        Sexe::M,
        Some("2A004"),
    );
    assert!(traits_concordants(&local, &insi).is_empty());
    let autre = traits(
        "LEFEBVRE",
        &["JEAN PIERRE"],
        "1938-04-00",
        Sexe::F,
        Some("2A004"),
    );
    let ecarts = traits_concordants(&local, &autre);
    let champs: Vec<_> = ecarts.iter().map(|e| e.champ).collect();
    assert_eq!(
        champs,
        [
            ChampTrait::NomNaissance,
            ChampTrait::PrenomsNaissance,
            ChampTrait::DateNaissance,
            ChampTrait::Sexe
        ]
    );
    assert_eq!(
        ecarts[2].to_string(),
        "Date de naissance : « 12/04/1938 » dans le dossier, « ??/04/1938 » selon le téléservice INSi."
    );
    let ailleurs = traits(
        "LEFEVRE",
        &["JEAN-PIERRE", "EMILE"],
        "1938-04-12",
        Sexe::M,
        Some("75056"),
    );
    let avec_lieu = traits(
        "LEFEVRE",
        &["JEAN-PIERRE", "EMILE"],
        "1938-04-12",
        Sexe::M,
        Some("2A004"),
    );
    assert_eq!(
        traits_concordants(&avec_lieu, &ailleurs)[0].champ,
        ChampTrait::LieuNaissance
    );
    let prenom = traits("LEFEVRE", &["PIERRE"], "1938-04-12", Sexe::M, None);
    let champs: Vec<_> = traits_concordants(&local, &prenom)
        .iter()
        .map(|e| e.champ)
        .collect();
    assert_eq!(
        champs,
        [ChampTrait::PremierPrenom, ChampTrait::PrenomsNaissance]
    );
}

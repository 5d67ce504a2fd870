//! The grid engine: definitions as data, answers checked, scores and readings computed,
//! conditions, versions kept.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use dui_domain::grille::definition::Definition;
use dui_domain::grille::registre::{Registre, OFFICIELLES};
use serde_json::json;

fn chute(version: &str, score_oui: f64, libelle_total: &str) -> String {
    json!({
        "id": "chute", "version": version, "titre": "Risque de chute (grille maison)",
        "questions": [
            {"id": "deja_tombe", "libelle": "Chute dans les 6 derniers mois", "type": "booleen", "score": score_oui},
            {"id": "nombre_chutes", "libelle": "Combien ?", "type": "nombre", "min": 1, "max": 20,
             "si": {"question": "deja_tombe", "egal": true}},
            {"id": "marche", "libelle": "Marche", "type": "choix", "options": [
                {"valeur": "seul", "libelle": "Seul", "score": 0},
                {"valeur": "aide", "libelle": "Avec aide technique", "score": 1},
                {"valeur": "non", "libelle": "Ne marche pas", "score": 2}]},
            {"id": "remarque", "libelle": "Remarque", "type": "texte", "max": 200, "facultative": true}
        ],
        "resultats": [
            {"id": "total", "libelle": libelle_total, "interpretation": [
                {"min": 5, "libelle": "Risque élevé"}, {"min": 0, "libelle": "Risque faible"}]},
            {"id": "marche", "libelle": "Marche", "somme": ["marche"]}
        ]
    })
    .to_string()
}

#[test]
fn official_files_are_valid_and_embedded() {
    for f in OFFICIELLES {
        Definition::depuis_json(f).unwrap();
    }
    let r = Registre::officiel();
    let ids: Vec<String> = r.courantes().iter().map(|d| d.id.clone()).collect();
    assert_eq!(ids, ["aggir", "braden", "serafin-besoins"]);
    let aggir = r.version("aggir", "2008").unwrap();
    assert_eq!(aggir.questions.len(), 13 + 4 + 7);
    assert_eq!(
        aggir.questions.iter().filter(|q| !q.facultative).count(),
        17
    );
}

#[test]
fn scores_conditions_and_readings_come_from_the_data() {
    let d = Definition::depuis_json(&chute("1", 3.0, "Score")).unwrap();
    let r = d
        .evaluer(&json!({"deja_tombe": true, "nombre_chutes": 2, "marche": "aide"}))
        .unwrap();
    assert_eq!(r[0].valeur, 6.0);
    assert_eq!(r[0].interpretation.as_deref(), Some("Risque élevé"));
    assert_eq!((r[1].id.as_str(), r[1].valeur), ("marche", 1.0));
    let r = d
        .evaluer(&json!({"deja_tombe": false, "marche": "seul"}))
        .unwrap();
    assert_eq!(r[0].valeur, 0.0);
    assert_eq!(r[0].interpretation.as_deref(), Some("Risque faible"));

    // The conditional question is required when asked, refused when not.
    let e = d
        .evaluer(&json!({"deja_tombe": true, "marche": "seul"}))
        .unwrap_err();
    assert_eq!(e.keys().collect::<Vec<_>>(), ["nombre_chutes"]);
    let e = d
        .evaluer(&json!({"deja_tombe": false, "nombre_chutes": 1, "marche": "seul"}))
        .unwrap_err();
    assert_eq!(e.keys().collect::<Vec<_>>(), ["nombre_chutes"]);
    // Each answer checked against its type.
    let e = d
        .evaluer(&json!({"deja_tombe": "oui", "marche": "vite", "x": 1, "remarque": "a\u{7}"}))
        .unwrap_err();
    assert_eq!(
        e.keys().collect::<Vec<_>>(),
        ["deja_tombe", "marche", "remarque", "x"]
    );
    assert!(e["marche"].contains("seul, aide, non"));
    let e = d
        .evaluer(&json!({"deja_tombe": true, "nombre_chutes": 21, "marche": "non"}))
        .unwrap_err();
    assert!(e["nombre_chutes"].contains("entre 1 et 20"));
    assert!(d.evaluer(&json!([1])).is_err());
}

#[test]
fn braden_total_and_reading() {
    let r = Registre::officiel();
    let b = r.courante("braden").unwrap();
    let all = |n: &str| json!({"perception": n, "humidite": n, "activite": n, "mobilite": n, "nutrition": n, "friction": "3"});
    let v = b.evaluer(&all("4")).unwrap();
    assert_eq!(
        (v[0].valeur, v[0].interpretation.as_deref()),
        (23.0, Some("Pas de risque"))
    );
    let v = b.evaluer(&all("2")).unwrap();
    assert_eq!(
        (v[0].valeur, v[0].interpretation.as_deref()),
        (13.0, Some("Risque modéré"))
    );
    let v = b.evaluer(&json!({"perception": "1", "humidite": "1", "activite": "1", "mobilite": "1", "nutrition": "1", "friction": "1"})).unwrap();
    assert_eq!(
        (v[0].valeur, v[0].interpretation.as_deref()),
        (6.0, Some("Risque très élevé"))
    );
}

#[test]
fn aggir_grid_is_computed_by_the_official_algorithm() {
    let r = Registre::officiel();
    let d = r.courante("aggir").unwrap();
    let v = d
        .evaluer(
            &json!({"variables": {"coherence": "C", "orientation": "C", "toilette": "A",
            "habillage": "A", "alimentation": "A", "elimination": "A", "transferts": "A",
            "deplacements_interieurs": "A", "deplacements_exterieurs": "A", "alerter": "A"}}),
        )
        .unwrap();
    assert_eq!((v[0].id.as_str(), v[0].valeur), ("gir", 2.0));
    assert_eq!((v[1].id.as_str(), v[1].valeur), ("rang", 4.0));
    assert!(d
        .evaluer(&json!({"variables": {"coherence": "Z"}}))
        .is_err());
}

#[test]
fn versions_are_kept_and_a_published_version_never_changes() {
    let mut r = Registre::officiel();
    r.ajouter_json(&chute("1", 3.0, "Score")).unwrap();
    r.ajouter_json(&chute("2", 5.0, "Score de chute")).unwrap();
    // Same version, same content: accepted once more; other content: refused.
    r.ajouter_json(&chute("1", 3.0, "Score")).unwrap();
    let e = r.ajouter_json(&chute("1", 4.0, "Score")).unwrap_err();
    assert!(e.contains("nouvelle version"), "{e}");

    assert_eq!(r.courante("chute").unwrap().version, "2");
    let v1 = r.version("chute", "1").unwrap();
    let answers = json!({"deja_tombe": true, "nombre_chutes": 1, "marche": "seul"});
    let old = v1.evaluer(&answers).unwrap();
    let new = r.courante("chute").unwrap().evaluer(&answers).unwrap();
    assert_eq!((old[0].libelle.as_str(), old[0].valeur), ("Score", 4.0));
    assert_eq!(
        (new[0].libelle.as_str(), new[0].valeur),
        ("Score de chute", 6.0)
    );
    assert_eq!(r.versions("chute").len(), 2);
}

#[test]
fn bad_definitions_are_refused_in_french() {
    let bad = [
        (
            json!({"id": "X", "version": "1", "titre": "t"}),
            "Identifiant",
        ),
        (json!({"id": "x", "version": "", "titre": "t"}), "version"),
        (
            json!({"id": "x", "version": "1", "titre": "t", "algorithme": "magie"}),
            "algorithme",
        ),
        (
            json!({"id": "x", "version": "1", "titre": "t", "questions": [
            {"id": "a", "libelle": "A", "type": "booleen"}, {"id": "a", "libelle": "A", "type": "booleen"}]}),
            "double",
        ),
        (
            json!({"id": "x", "version": "1", "titre": "t", "questions": [
            {"id": "a", "libelle": "A", "type": "booleen", "si": {"question": "b", "egal": true}},
            {"id": "b", "libelle": "B", "type": "booleen"}]}),
            "précédente",
        ),
        (
            json!({"id": "x", "version": "1", "titre": "t", "questions": [
            {"id": "a", "libelle": "A", "type": "choix", "options": []}]}),
            "options",
        ),
        (
            json!({"id": "x", "version": "1", "titre": "t", "resultats": [
            {"id": "r", "libelle": "R", "somme": ["zz"]}]}),
            "notée",
        ),
        (
            json!({"id": "x", "version": "1", "titre": "t", "inconnu": 1}),
            "illisible",
        ),
    ];
    for (d, mot) in bad {
        let e = Definition::depuis_json(&d.to_string()).unwrap_err();
        assert!(e.contains(mot), "{d}: {e}");
    }
}

#[test]
fn two_evaluations_are_compared_answer_by_answer() {
    let r = Registre::officiel();
    let aggir = r.courante("aggir").unwrap();
    let codes = |s: &str| {
        let keys = [
            "coherence",
            "orientation",
            "toilette",
            "habillage",
            "alimentation",
            "elimination",
            "transferts",
            "deplacements_interieurs",
            "deplacements_exterieurs",
            "alerter",
        ];
        let m: serde_json::Map<String, serde_json::Value> = keys
            .iter()
            .zip(s.chars())
            .map(|(k, c)| (k.to_string(), json!(c.to_string())))
            .collect();
        json!({ "variables": m })
    };
    let e = aggir.comparer(&codes("AAAAAAAAAA"), &codes("AAAAAACBAA"));
    let shown: Vec<(&str, &str, &str)> = e
        .iter()
        .map(|x| (x.libelle.as_str(), x.avant.as_str(), x.apres.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("Transferts", "A", "C"),
            ("Déplacements à l'intérieur", "A", "B")
        ]
    );
    // The same grid answered by adverbs compares by the derived codes.
    let mut subs = serde_json::Map::new();
    for k in dui_domain::grille::saisie::cles_adverbes() {
        subs.insert(
            k.into(),
            json!({"S": true, "T": true, "C": true, "H": true}),
        );
    }
    subs.insert(
        "transferts".into(),
        json!({"S": false, "T": false, "C": false, "H": false}),
    );
    let e = aggir.comparer(&codes("AAAAAAAAAA"), &json!({ "sous_variables": subs }));
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].libelle.as_str(), e[0].apres.as_str()),
        ("Transferts", "C")
    );

    let b = r.courante("braden").unwrap();
    let a = json!({"perception": "4", "humidite": "4", "activite": "4", "mobilite": "4", "nutrition": "4", "friction": "3"});
    let mut c = a.clone();
    c["mobilite"] = json!("2");
    let e = b.comparer(&a, &c);
    assert_eq!(
        e,
        [dui_domain::grille::comparaison::Ecart {
            libelle: "Mobilité".into(),
            avant: "Aucune limitation".into(),
            apres: "Très limitée".into()
        }]
    );
    assert!(b.comparer(&a, &a).is_empty());
}

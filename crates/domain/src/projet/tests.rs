use chrono::NaiveDate;

use super::*;

fn d(s: &str) -> NaiveDate {
    date_iso(s).unwrap()
}

fn besoin(code: &str) -> CodeSerafin {
    CodeSerafin {
        systeme: serafin::SYSTEME.into(),
        code: code.into(),
    }
}

fn objectif(libelle: &str, statut: &str) -> Objectif {
    Objectif {
        libelle: libelle.into(),
        statut: statut.into(),
        serafin: vec![besoin("1.2.1.3")],
        actions: vec![ActionPlan {
            libelle: "Séance de kinésithérapie".into(),
            responsable_id: Some(7),
            echeance: Some("2027-03-01".into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[test]
fn a_valid_ppa_has_no_error_and_gets_keys() {
    let mut c = Contenu {
        attentes: Some("Je voudrais marcher jusqu'au jardin.".into()),
        objectifs: vec![objectif("Marcher seule jusqu'au jardin", "en_cours")],
        participants: vec![Participant {
            nom: "Mme Durand".into(),
            qualite: "personne".into(),
        }],
        ..Default::default()
    };
    assert_eq!(c.erreurs(TypeProjet::Ppa), vec![]);
    assert_eq!(c.erreurs_validation(TypeProjet::Ppa), vec![]);
    c.numeroter(&[]);
    c.objectifs
        .push(objectif("Participer à l'atelier mémoire", "a_engager"));
    c.numeroter(&[]);
    let cles: Vec<&str> = c.objectifs.iter().map(|o| o.cle.as_str()).collect();
    assert_eq!(cles, ["o1", "o2"]);
    assert_eq!(
        c.actions_assignees(),
        vec![
            (
                7,
                Some(d("2027-03-01")),
                "Marcher seule jusqu'au jardin",
                "Séance de kinésithérapie"
            ),
            (
                7,
                Some(d("2027-03-01")),
                "Participer à l'atelier mémoire",
                "Séance de kinésithérapie"
            ),
        ]
    );
}

#[test]
fn bad_contents_are_refused_field_by_field() {
    let mut o = objectif("", "fini");
    o.serafin = vec![
        CodeSerafin {
            systeme: String::new(),
            code: "1.1.4".into(),
        },
        besoin("2.2.1.1"),
    ];
    o.echeance = Some("31/12/2027".into());
    o.actions[0].libelle = "x".repeat(301);
    let c = Contenu {
        objectifs: vec![o],
        participants: vec![Participant {
            nom: "A".into(),
            qualite: "voisin".into(),
        }],
        ppe: Some(VoletPpe::default()),
        ..Default::default()
    };
    let e = c.erreurs(TypeProjet::Ppa);
    let champs: Vec<&str> = e.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        champs,
        [
            "objectifs[0].libelle",
            "objectifs[0].statut",
            "objectifs[0].echeance",
            "objectifs[0].serafin[0]",
            "objectifs[0].serafin[1]",
            "objectifs[0].actions[0].libelle",
            "participants[0].qualite",
            "ppe",
        ]
    );
    assert!(e[3].1.contains("système de codes"), "{}", e[3].1);
    assert!(e[4].1.contains("n'est pas un code"), "{}", e[4].1);
    assert!(e[5].1.contains("300"), "{}", e[5].1);
    let controle = Contenu {
        attentes: Some("a\u{7}b".into()),
        ..Default::default()
    };
    assert_eq!(controle.erreurs(TypeProjet::Ppa).len(), 1);
    let deux = Contenu {
        objectifs: vec![
            Objectif {
                cle: "o1".into(),
                ..objectif("A", "en_cours")
            },
            Objectif {
                cle: "o1".into(),
                ..objectif("B", "en_cours")
            },
        ],
        ..Default::default()
    };
    assert_eq!(deux.erreurs(TypeProjet::Ppa)[0].0, "objectifs");
}

#[test]
fn a_ppe_requires_its_decision_and_its_referent_to_be_validated() {
    let mut c = Contenu {
        objectifs: vec![objectif("Reprendre une scolarité régulière", "en_cours")],
        ppe: Some(VoletPpe {
            besoins_fondamentaux: vec![ObservationBesoin {
                besoin: "securite".into(),
                observation: "Suivi pédiatrique à reprendre.".into(),
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(c.erreurs(TypeProjet::Ppe), vec![]);
    let v: Vec<String> = c
        .erreurs_validation(TypeProjet::Ppe)
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(v, ["ppe.decision_nature", "ppe.referent_ase"]);
    if let Some(p) = c.ppe.as_mut() {
        p.decision_nature = "judiciaire".into();
        p.referent_ase = Some("M. Bernard, ASE Nord".into());
    }
    assert_eq!(c.erreurs_validation(TypeProjet::Ppe), vec![]);
    assert_eq!(
        Contenu::default().erreurs_validation(TypeProjet::Ppa)[0].0,
        "objectifs"
    );
}

#[test]
fn reviews_are_yearly_and_every_six_months_under_two() {
    // An adult, and no date of birth: a year.
    assert_eq!(
        prochaine_revision(Some(d("1950-01-01")), d("2026-12-06")),
        d("2027-12-06")
    );
    assert_eq!(prochaine_revision(None, d("2026-02-28")), d("2027-02-28"));
    // A child of 18 months: 6 months; the day before their second birthday still is.
    assert_eq!(
        prochaine_revision(Some(d("2025-06-01")), d("2026-12-06")),
        d("2027-06-06")
    );
    assert_eq!(
        prochaine_revision(Some(d("2024-12-07")), d("2026-12-06")),
        d("2027-06-06")
    );
    // Two years old that day: a year.
    assert_eq!(
        prochaine_revision(Some(d("2024-12-06")), d("2026-12-06")),
        d("2027-12-06")
    );
    // Month ends are clamped.
    assert_eq!(
        prochaine_revision(Some(d("2026-01-01")), d("2026-08-31")),
        d("2027-02-28")
    );
    assert_eq!(
        alerte_revision(d("2026-12-05"), d("2026-12-06")),
        Some(EtatEcheance::EnRetard)
    );
    assert_eq!(
        alerte_revision(d("2027-01-05"), d("2026-12-06")),
        Some(EtatEcheance::Proche)
    );
    assert_eq!(alerte_revision(d("2027-01-06"), d("2026-12-06")), None);
}

#[test]
fn diff_matches_objectives_by_key() {
    let mut a = Contenu {
        attentes: Some("Rester chez moi.".into()),
        objectifs: vec![
            objectif("Marcher seule", "en_cours"),
            objectif("Voir ma fille", "a_engager"),
        ],
        ..Default::default()
    };
    a.numeroter(&[]);
    let mut b = a.clone();
    b.objectifs[0].statut = "atteint".into();
    b.objectifs.remove(1);
    b.objectifs.push(Objectif {
        serafin: vec![besoin("2.2.2")],
        ..objectif("Aller au marché", "en_revision")
    });
    b.numeroter(&[&a]);
    assert_eq!(b.objectifs[1].cle, "o3");
    let d = diff(&a, &b);
    let vues: Vec<(&str, Option<&str>, Option<&str>)> = d
        .iter()
        .map(|x| (x.cle.as_str(), x.avant.as_deref(), x.apres.as_deref()))
        .collect();
    assert_eq!(
        vues[0],
        ("objectifs.o1.statut", Some("En cours"), Some("Atteint"))
    );
    assert!(vues.contains(&("objectifs.o3.statut", None, Some("À revoir"))));
    assert!(vues.contains(&("objectifs.o2", Some("Voir ma fille"), None)));
    assert!(d.iter().any(|x| x.cle == "objectifs.o3.serafin"
        && x.apres.as_deref()
            == Some("2.2.2 Accompagnements pour la communication et les relations avec autrui")));
    assert!(!vues.iter().any(|v| v.0 == "attentes"));
    assert_eq!(diff(&a, &a), vec![]);
}

#[test]
fn changes_apply_to_the_named_objective() {
    let mut c = Contenu::default();
    c.appliquer(Modification::AjoutObjectif(objectif("Marcher", "en_cours")))
        .unwrap();
    c.numeroter(&[]);
    c.appliquer(Modification::StatutObjectif {
        cle: "o1".into(),
        statut: "atteint".into(),
    })
    .unwrap();
    c.appliquer(Modification::AjoutAction {
        cle: "o1".into(),
        action: ActionPlan {
            libelle: "Bilan kiné".into(),
            ..Default::default()
        },
    })
    .unwrap();
    assert_eq!(c.objectifs[0].statut, "atteint");
    assert_eq!(c.objectifs[0].actions.len(), 2);
    assert!(c
        .appliquer(Modification::StatutObjectif {
            cle: "o9".into(),
            statut: "atteint".into()
        })
        .is_err());
}

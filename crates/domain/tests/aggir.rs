//! AGGIR: the engine against an independent implementation typed from the legal text, the
//! worked examples, the adverb rule, the combination tables and the GMP arithmetic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use dui_domain::grille::aggir::{
    Adverbes, Codes, Gir, Gmp, Illustrative, Modalite, SousVariable, Variable,
};
use dui_domain::grille::saisie::{cles_adverbes, SaisieAggir};

/// CASF annexe 2-2, typed by hand as printed: per group, the weights of modality C, then of
/// modality B, for cohérence, orientation, toilette, habillage, alimentation, élimination,
/// transfert, déplacement intérieur (déplacement extérieur and communication weigh 0).
mod annexe_2_2 {
    const C: [[i32; 8]; 8] = [
        [2000, 1200, 40, 40, 60, 100, 800, 200],
        [1500, 1200, 40, 40, 60, 100, 800, -80],
        [0, 0, 40, 40, 60, 160, 1000, 400],
        [0, 0, 0, 0, 2000, 400, 2000, 200],
        [400, 400, 400, 400, 400, 800, 800, 200],
        [200, 200, 500, 500, 500, 500, 500, 200],
        [150, 150, 300, 300, 500, 500, 400, 200],
        [0, 0, 3000, 3000, 3000, 3000, 1000, 1000],
    ];
    const B: [[i32; 8]; 8] = [
        [0, 0, 16, 16, 20, 16, 120, 32],
        [320, 120, 16, 16, 0, 16, 120, -40],
        [0, 0, 16, 16, 20, 20, 200, 40],
        [0, 0, 0, 0, 200, 200, 200, 0],
        [0, 0, 100, 100, 100, 100, 100, 0],
        [100, 100, 100, 100, 100, 100, 100, 0],
        [0, 0, 200, 200, 200, 200, 200, 100],
        [0, 0, 2000, 2000, 2000, 2000, 2000, 1000],
    ];

    /// `codes`: 'A', 'B' or 'C' for the ten variables. Returns (rank, GIR).
    pub fn gir(codes: &[char; 10]) -> (u8, u8) {
        let somme = |g: usize| -> i32 {
            (0..8)
                .map(|v| match codes[v] {
                    'C' => C[g][v],
                    'B' => B[g][v],
                    _ => 0,
                })
                .sum()
        };
        let rang = {
            let a = somme(0);
            if a >= 4380 {
                1
            } else if a >= 4140 {
                2
            } else if a >= 3390 {
                3
            } else if somme(1) >= 2016 {
                4
            } else {
                let c = somme(2);
                if c >= 1700 {
                    5
                } else if c >= 1432 {
                    6
                } else if somme(3) >= 2400 {
                    7
                } else if somme(4) >= 1200 {
                    8
                } else if somme(5) >= 800 {
                    9
                } else if somme(6) >= 650 {
                    10
                } else {
                    let h = somme(7);
                    if h >= 4000 {
                        11
                    } else if h >= 2000 {
                        12
                    } else {
                        13
                    }
                }
            }
        };
        let gir = match rang {
            1 => 1,
            2..=7 => 2,
            8 | 9 => 3,
            10 | 11 => 4,
            12 => 5,
            _ => 6,
        };
        (rang, gir)
    }
}

fn letter(m: Modalite) -> char {
    match m {
        Modalite::A => 'A',
        Modalite::B => 'B',
        Modalite::C => 'C',
    }
}

fn codes_of(s: &str) -> Codes {
    let v: Vec<Modalite> = s
        .chars()
        .map(|c| Modalite::from_code(&c.to_string()).unwrap())
        .collect();
    Codes(v.try_into().unwrap())
}

#[test]
fn every_one_of_the_59049_code_combinations_matches_the_legal_text() {
    let mut n = 0;
    for i in 0..3usize.pow(10) {
        let mut rest = i;
        let mut m = [Modalite::A; 10];
        for slot in m.iter_mut() {
            *slot = Modalite::ALL[rest % 3];
            rest /= 3;
        }
        let chars: [char; 10] = m.map(letter);
        let (rang, gir) = annexe_2_2::gir(&chars);
        let r = Codes(m).resultat();
        assert_eq!((r.rang, r.gir.numero()), (rang, gir), "codes {chars:?}");
        n += 1;
    }
    assert_eq!(n, 59_049);
}

#[test]
fn distribution_over_the_6561_weighed_combinations_is_the_published_one() {
    let mut count = [0u32; 6];
    for i in 0..3usize.pow(8) {
        let mut rest = i;
        let mut m = [Modalite::A; 10];
        for slot in m.iter_mut().take(8) {
            *slot = Modalite::ALL[rest % 3];
            rest /= 3;
        }
        count[usize::from(Codes(m).resultat().gir.numero()) - 1] += 1;
    }
    assert_eq!(count, [8, 3208, 2400, 760, 157, 28]);
}

#[test]
fn worked_examples() {
    // order: coh ori toi hab ali eli tra dpi dpe ale
    let cases = [
        ("AAAAAAAAAA", 13, 6), // autonomous: every group below its thresholds
        ("CCCCCCCCCC", 1, 1),  // group A: 4440 ≥ 4380
        ("CCCCCCCCAA", 1, 1),  // déplacements extérieurs and alerter do not count
        ("CCAAAAAAAA", 4, 2),  // group A 3200 < 3390; group B 2700 ≥ 2016
        ("AACCBCCCAA", 6, 2),  // group C: 1660 (≥ 1432, < 1700)
        ("AABBAAAAAA", 11, 4), // groups A–G below; group H 4000
        ("AABAAAAAAA", 12, 5), // group H 2000
        ("AAAAAAAACC", 13, 6), // only the unweighed variables are C
        ("AAAABAAACC", 12, 5), // alimentation B: group H 2000
        ("AABBBBBBAA", 10, 4), // D 600, E 500, F 500 below; group G 1100
        ("AACCACAAAA", 8, 3),  // group D 400; group E 1600
        ("AAAACACAAA", 7, 2),  // group C 1060; group D 4000
        ("AACCAAAAAA", 9, 3),  // group E 800; group F 1000
        ("CCCCCCCAAA", 2, 2),  // group A 4240
        ("CCAAAABCAA", 3, 2),  // group A 3520
        ("AACCCCCCAA", 5, 2),  // group A 1240, B 960; group C 1700
    ];
    for (codes, rang, gir) in cases {
        let chars: [char; 10] = codes.chars().collect::<Vec<_>>().try_into().unwrap();
        // The independent implementation agrees with the hand-worked figure…
        assert_eq!(annexe_2_2::gir(&chars), (rang, gir), "{codes} (legal text)");
        // …and so does the engine.
        let r = codes_of(codes).resultat();
        assert_eq!((r.rang, r.gir.numero()), (rang, gir), "{codes}");
    }
}

#[test]
fn rank_to_gir() {
    let expected = [1, 2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 5, 6];
    for (i, g) in expected.iter().enumerate() {
        assert_eq!(Gir::du_rang(i as u8 + 1).numero(), *g);
    }
}

fn all_adverbs() -> impl Iterator<Item = Adverbes> {
    (0..16u8).map(|b| Adverbes {
        spontanement: b & 1 != 0,
        totalement: b & 2 != 0,
        correctement: b & 4 != 0,
        habituellement: b & 8 != 0,
    })
}

#[test]
fn adverbs_give_a_when_all_four_c_when_none_b_otherwise() {
    for a in all_adverbs() {
        let n = [
            a.spontanement,
            a.totalement,
            a.correctement,
            a.habituellement,
        ]
        .iter()
        .filter(|b| **b)
        .count();
        let expected = if n == 4 {
            Modalite::A
        } else if n == 0 {
            Modalite::C
        } else {
            Modalite::B
        };
        assert_eq!(a.modalite(), expected, "{a:?}");
    }
}

/// Combination tables typed from the filling guide (reference/aggir/combination_rules.csv).
fn combination_table(v: Variable) -> &'static str {
    match v {
        Variable::Coherence | Variable::Orientation | Variable::Elimination => {
            "AA=A AB=B AC=C BA=B BB=B BC=C CA=C CB=C CC=C"
        }
        Variable::Toilette => "AA=A AB=B AC=B BA=B BB=B BC=B CA=B CB=B CC=C",
        Variable::Alimentation => "AA=A AB=B AC=B BA=B BB=B BC=C CA=B CB=C CC=C",
        Variable::Habillage => {
            "AAA=A AAB=B AAC=B ABA=B ABB=B ABC=B ACA=B ACB=B ACC=B BAA=B BAB=B BAC=B BBA=B \
             BBB=B BBC=B BCA=B BCB=B BCC=B CAA=B CAB=B CAC=B CBA=B CBB=B CBC=B CCA=B CCB=B CCC=C"
        }
        _ => "",
    }
}

fn adverbs_for(m: Modalite) -> BTreeMap<String, bool> {
    let (s, t) = match m {
        Modalite::A => (true, true),
        Modalite::B => (true, false),
        Modalite::C => (false, false),
    };
    [("S", s), ("T", t), ("C", s), ("H", s)]
        .into_iter()
        .map(|(k, b)| (k.to_string(), b))
        .collect()
}

fn adverb_input(entries: &BTreeMap<&str, BTreeMap<String, bool>>) -> SaisieAggir {
    let json = serde_json::json!({ "sous_variables": entries });
    serde_json::from_value(json).unwrap()
}

fn all_a_adverbs() -> BTreeMap<&'static str, BTreeMap<String, bool>> {
    cles_adverbes()
        .map(|k| (k, adverbs_for(Modalite::A)))
        .collect()
}

#[test]
fn combination_tables_are_exhaustive_and_match_the_guide_through_the_adverbs() {
    let mut checked = 0;
    for v in Variable::ALL {
        let table = combination_table(*v);
        if v.sous_variables().is_empty() {
            assert!(v.regle().is_none());
            continue;
        }
        let rows: Vec<&str> = table.split_whitespace().collect();
        assert_eq!(
            rows.len(),
            3usize.pow(v.sous_variables().len() as u32),
            "{v}"
        );
        for row in rows {
            let (subs, code) = row.split_once('=').unwrap();
            let sub_codes: Vec<Modalite> = subs
                .chars()
                .map(|c| Modalite::from_code(&c.to_string()).unwrap())
                .collect();
            let expected = Modalite::from_code(code).unwrap();
            assert_eq!(
                v.regle().unwrap().combiner(&sub_codes),
                expected,
                "{v} {subs}"
            );
            // The same through the whole input path: adverbs of the sub-variables.
            let mut entries = all_a_adverbs();
            for (s, m) in v.sous_variables().iter().zip(&sub_codes) {
                entries.insert(s.code(), adverbs_for(*m));
            }
            let g = adverb_input(&entries).evaluer().unwrap();
            assert_eq!(g.variables[v.code()], expected, "{v} {subs} (adverbs)");
            checked += 1;
        }
    }
    assert_eq!(checked, 9 * 5 + 27);
}

#[test]
fn every_sub_variable_and_direct_variable_is_coded_from_its_own_adverbs() {
    let keys: Vec<&str> = cles_adverbes().collect();
    assert_eq!(keys.len(), 13 + 4);
    for k in &keys {
        for a in all_adverbs() {
            let mut entries = all_a_adverbs();
            let map: BTreeMap<String, bool> = [
                ("S", a.spontanement),
                ("T", a.totalement),
                ("C", a.correctement),
                ("H", a.habituellement),
            ]
            .into_iter()
            .map(|(l, b)| (l.to_string(), b))
            .collect();
            entries.insert(k, map);
            let g = adverb_input(&entries).evaluer().unwrap();
            let subs = g.sous_variables.as_ref().unwrap();
            assert_eq!(subs[k].1, a.modalite(), "{k} {a:?}");
            assert_eq!(subs[k].0, a);
            // Every other key stays A.
            assert!(subs
                .iter()
                .filter(|(x, _)| *x != k)
                .all(|(_, s)| s.1 == Modalite::A));
            // The variable's code follows: with the others A, C only where one C suffices
            // or there is nothing to combine.
            let parent = SousVariable::from_code(k)
                .map_or_else(|| Variable::from_code(k).unwrap(), |s| s.parent());
            let expected = match (a.modalite(), parent.sous_variables().is_empty()) {
                (Modalite::C, false)
                    if !matches!(
                        parent,
                        Variable::Coherence | Variable::Orientation | Variable::Elimination
                    ) =>
                {
                    Modalite::B
                }
                (m, _) => m,
            };
            assert_eq!(g.variables[parent.code()], expected, "{k} {a:?}");
        }
    }
}

#[test]
fn gmp_is_the_sum_of_gir_points_over_the_number_of_persons() {
    let g = |n| Gir::new(n).unwrap();
    let points: Vec<u32> = (1..=6).map(|n| g(n).points_gmp()).collect();
    assert_eq!(points, [1000, 840, 660, 420, 250, 70]);
    let gmp = Gmp::de([g(1), g(2), g(2), g(6)]);
    assert_eq!((gmp.points, gmp.personnes), (2750, 4));
    assert_eq!(gmp.valeur(), Some(687.5));
    assert_eq!(gmp.arrondi(), Some(688));
    let gmp = Gmp::de([g(4), g(4), g(5)]);
    assert_eq!(gmp.points, 1090);
    assert_eq!(gmp.arrondi(), Some(363)); // 363.33
    assert_eq!(Gmp::de([]).valeur(), None);
    assert_eq!(Gmp::de([]).arrondi(), None);
    assert!(Gir::new(0).is_none() && Gir::new(7).is_none());
}

fn code_input(json: serde_json::Value) -> SaisieAggir {
    serde_json::from_value(serde_json::json!({ "variables": json })).unwrap()
}

#[test]
fn codes_input_reports_each_faulty_variable_by_name() {
    let ok = serde_json::json!({"coherence": "A", "orientation": "B", "toilette": "C",
        "habillage": "C", "alimentation": "B", "elimination": "C", "transferts": "C",
        "deplacements_interieurs": "C", "deplacements_exterieurs": "C", "alerter": "C",
        "gestion": "C"});
    let g = code_input(ok.clone()).evaluer().unwrap();
    assert_eq!(g.variables["gestion"], Modalite::C);
    assert_eq!(g.resultat, codes_of("ABCCBCCCCC").resultat());

    let mut bad = ok.clone();
    bad["toilette"] = "D".into();
    bad["habillage"] = 3.into();
    bad.as_object_mut().unwrap().remove("alerter");
    bad["inconnue"] = "A".into();
    bad["toilette.haut"] = "A".into();
    let e = code_input(bad).evaluer().unwrap_err();
    let keys: Vec<&str> = e.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "alerter",
            "habillage",
            "inconnue",
            "toilette",
            "toilette.haut"
        ]
    );
    assert!(e["toilette"].contains("A, B ou C"));

    let lower = serde_json::json!({"coherence": "a"});
    assert!(code_input(lower)
        .evaluer()
        .unwrap_err()
        .contains_key("coherence"));
}

#[test]
fn adverb_input_reports_missing_and_malformed_adverbs() {
    let mut entries = serde_json::to_value(all_a_adverbs()).unwrap();
    let obj = entries.as_object_mut().unwrap();
    obj.remove("transferts");
    obj.insert(
        "toilette.haut".into(),
        serde_json::json!({"S": true, "T": true, "C": true}),
    );
    obj.insert(
        "habillage.bas".into(),
        serde_json::json!({"S": "oui", "T": true, "C": true, "H": true}),
    );
    obj.insert(
        "coherence".into(),
        serde_json::json!({"S": true, "T": true, "C": true, "H": true}),
    );
    obj.insert(
        "alerter".into(),
        serde_json::json!({"S": true, "T": true, "C": true, "H": true, "X": true}),
    );
    obj.insert("orientation.temps".into(), serde_json::json!("A"));
    let s: SaisieAggir =
        serde_json::from_value(serde_json::json!({"sous_variables": entries})).unwrap();
    let e = s.evaluer().unwrap_err();
    let keys: Vec<&str> = e.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "alerter",
            "coherence",
            "habillage.bas",
            "orientation.temps",
            "toilette.haut",
            "transferts"
        ]
    );
    assert!(e["toilette.haut"].contains("Habituellement"));

    let neither = SaisieAggir::default().evaluer().unwrap_err();
    assert!(neither.contains_key("variables"));
}

#[test]
fn variables_of_the_grid() {
    assert_eq!(Variable::ALL.len(), 10);
    assert_eq!(SousVariable::ALL.len(), 13);
    assert_eq!(Illustrative::ALL.len(), 7);
    for s in SousVariable::ALL {
        assert!(s.code().starts_with(&format!("{}.", s.parent().code())));
    }
    let weighed: Vec<&str> = Variable::ALL
        .iter()
        .filter(|v| v.utilisee_par_algorithme())
        .map(|v| v.code())
        .collect();
    assert_eq!(weighed.len(), 8);
    assert!(!weighed.contains(&"alerter"));
}

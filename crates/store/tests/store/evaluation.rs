//! Evaluations: results computed from the grid version used, drafts and validation,
//! validated evaluations frozen, corrections, versions of a grid kept, audit.

use chrono::NaiveDate;
use dui_domain::grille::registre::Registre;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::Capability;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{NouvelleEvaluation, BROUILLON, VALIDEE};
use dui_store::{Store, StoreError};
use serde_json::{json, Value};

use crate::common::{
    at, audit_by_action, check, create_usager, create_user, ident, refus, seed_org,
};

fn codes(s: &str) -> Value {
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
    let m: serde_json::Map<String, Value> = keys
        .iter()
        .zip(s.chars())
        .map(|(k, c)| (k.to_string(), json!(c.to_string())))
        .collect();
    json!({ "variables": m })
}

fn nouvelle(reponses: Value, valider: bool) -> NouvelleEvaluation {
    NouvelleEvaluation {
        date_evaluation: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        reponses,
        commentaire: Some("Évaluation d'entrée.".into()),
        valider,
        corrige_id: None,
    }
}

async fn acc(s: &Store, who: &Utilisateur, usager: i64, action: Action) -> Capability {
    check(s, who, usager, Section::Accompagnement, action, at(5))
        .await
        .unwrap()
}

struct World {
    db: TestDb,
    org_a: i64,
    org_b: i64,
    educ: Utilisateur,
    cadre: Utilisateur,
    usager: i64,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
    let educ = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
    let cadre = create_user(s, "cadre.a", Role::Cadre, &[org.a]).await;
    let usager = create_usager(
        s,
        &secr,
        &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
        org.a,
    )
    .await;
    World {
        org_a: org.a,
        org_b: org.b,
        db,
        educ,
        cadre,
        usager,
    }
}

#[tokio::test]
async fn draft_then_validated_then_frozen_and_corrected_by_a_new_evaluation() {
    let reg = Registre::officiel();
    let aggir = reg.courante("aggir").unwrap();
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let ecrire = acc(s, &w.educ, w.usager, Action::Ecrire).await;

        // A draft: the GIR is computed here from the answers (group B: rank 4, GIR 2).
        let e = s
            .ajouter_evaluation(&ecrire, &aggir, &nouvelle(codes("CCAAAAAAAA"), false))
            .await
            .unwrap();
        assert_eq!((e.statut.as_str(), e.gir), (BROUILLON, Some(2)), "{engine}");
        assert_eq!(
            (e.grille.as_str(), e.grille_version.as_str()),
            ("aggir", "2008")
        );
        assert_eq!(e.auteur, "educ.a");
        assert_eq!(e.resultats[1].valeur, 4.0);

        // Invalid answers never reach the table.
        let bad = s
            .ajouter_evaluation(
                &ecrire,
                &aggir,
                &nouvelle(json!({"variables": {"coherence": "Z"}}), false),
            )
            .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");

        // The draft changes with its version; a stale version changes nothing.
        let v = s
            .modifier_evaluation(
                &ecrire,
                &aggir,
                e.id,
                e.version,
                &nouvelle(codes("AAAAAAAAAA"), false),
            )
            .await
            .unwrap();
        assert_eq!(v, e.version + 1);
        let stale = s
            .modifier_evaluation(
                &ecrire,
                &aggir,
                e.id,
                e.version,
                &nouvelle(codes("CCCCCCCCCC"), false),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::StaleVersion)), "{stale:?}");
        assert_eq!(
            s.evaluation(&ecrire, e.id).await.unwrap().unwrap().gir,
            Some(6)
        );

        // The educator may not validate (default matrix); the cadre may.
        assert_eq!(
            refus(
                check(
                    s,
                    &w.educ,
                    w.usager,
                    Section::Accompagnement,
                    Action::Valider,
                    at(5)
                )
                .await
            ),
            Refus::NonPermisParLeRole
        );
        assert!(matches!(
            s.valider_evaluation(&ecrire, e.id, v).await,
            Err(StoreError::Denied(_))
        ));
        let valider = acc(s, &w.cadre, w.usager, Action::Valider).await;
        let v2 = s.valider_evaluation(&valider, e.id, v).await.unwrap();
        let validated = s.evaluation(&valider, e.id).await.unwrap().unwrap();
        assert_eq!(
            (validated.statut.as_str(), validated.valide_par.as_deref()),
            (VALIDEE, Some("cadre.a"))
        );

        // Frozen: no change, no second validation, whatever the version.
        for version in [v, v2] {
            let r = s
                .modifier_evaluation(
                    &ecrire,
                    &aggir,
                    e.id,
                    version,
                    &nouvelle(codes("CCCCCCCCCC"), false),
                )
                .await;
            assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
            let r = s.valider_evaluation(&valider, e.id, version).await;
            assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
        }
        assert_eq!(
            s.evaluation(&valider, e.id).await.unwrap().unwrap().gir,
            Some(6)
        );

        // A correction is a new evaluation naming the validated one; both stay.
        let mut corr = nouvelle(codes("CCCCCCCCCC"), true);
        corr.corrige_id = Some(e.id);
        let c = s.ajouter_evaluation(&valider, &aggir, &corr).await.unwrap();
        assert_eq!(
            (c.statut.as_str(), c.gir, c.corrige_id),
            (VALIDEE, Some(1), Some(e.id))
        );
        // Only a validated evaluation of the same grid is corrected.
        let draft = s
            .ajouter_evaluation(&ecrire, &aggir, &nouvelle(codes("AAAAAAAAAA"), false))
            .await
            .unwrap();
        let mut corr = nouvelle(codes("AAAAAAAAAA"), false);
        corr.corrige_id = Some(draft.id);
        assert!(matches!(
            s.ajouter_evaluation(&ecrire, &aggir, &corr).await,
            Err(StoreError::Invalid(_))
        ));
        // The educator cannot record a validated evaluation directly either.
        assert!(matches!(
            s.ajouter_evaluation(&ecrire, &aggir, &nouvelle(codes("AAAAAAAAAA"), true))
                .await,
            Err(StoreError::Denied(_))
        ));

        // Newest first, keyset pages.
        let lire = acc(s, &w.educ, w.usager, Action::Lire).await;
        let all = s.evaluations(&lire, None, None, 10).await.unwrap();
        let ids: Vec<i64> = all.iter().map(|x| x.id).collect();
        assert_eq!(ids, [draft.id, c.id, e.id]);
        let page = s
            .evaluations(&lire, Some("aggir"), Some(c.id), 10)
            .await
            .unwrap();
        assert_eq!(page.iter().map(|x| x.id).collect::<Vec<_>>(), [e.id]);
        assert!(s
            .evaluations(&lire, Some("braden"), None, 10)
            .await
            .unwrap()
            .is_empty());

        // Audited: three records, one change, one validation.
        assert_eq!(audit_by_action(s, "usager.evaluation.ajout").await.len(), 3);
        assert_eq!(
            audit_by_action(s, "usager.evaluation.modification")
                .await
                .len(),
            1
        );
        assert_eq!(
            audit_by_action(s, "usager.evaluation.validation")
                .await
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn an_old_evaluation_keeps_the_grid_version_it_used() {
    let v1 = json!({"id": "chute", "version": "1", "titre": "Risque de chute",
        "questions": [{"id": "tombe", "libelle": "Déjà tombé", "type": "booleen", "score": 3}],
        "resultats": [{"id": "total", "libelle": "Score", "interpretation": [{"min": 3, "libelle": "Risque"}, {"min": 0, "libelle": "Pas de risque"}]}]});
    let mut v2 = v1.clone();
    v2["version"] = json!("2");
    v2["questions"][0]["score"] = json!(5);
    v2["resultats"][0]["libelle"] = json!("Score de chute");
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let mut reg = Registre::officiel();
        let d1 = reg.ajouter_json(&v1.to_string()).unwrap();
        let ecrire = acc(s, &w.educ, w.usager, Action::Ecrire).await;
        let old = s
            .ajouter_evaluation(&ecrire, &d1, &nouvelle(json!({"tombe": true}), false))
            .await
            .unwrap();
        // The grid gets a new version; new evaluations use it.
        let d2 = reg.ajouter_json(&v2.to_string()).unwrap();
        let new = s
            .ajouter_evaluation(
                &ecrire,
                &reg.courante("chute").unwrap(),
                &nouvelle(json!({"tombe": true}), false),
            )
            .await
            .unwrap();
        assert_eq!(d2.version, "2");

        let old = s.evaluation(&ecrire, old.id).await.unwrap().unwrap();
        assert_eq!(old.grille_version, "1", "{engine}");
        assert_eq!(
            (old.resultats[0].libelle.as_str(), old.resultats[0].valeur),
            ("Score", 3.0)
        );
        // Its definition is still the one it used, for display.
        let def = reg.version(&old.grille, &old.grille_version).unwrap();
        assert_eq!(def.questions[0].reponse, d1.questions[0].reponse);
        let new = s.evaluation(&ecrire, new.id).await.unwrap().unwrap();
        assert_eq!(
            (
                new.grille_version.as_str(),
                new.resultats[0].libelle.as_str(),
                new.resultats[0].valeur
            ),
            ("2", "Score de chute", 5.0)
        );
        assert_eq!(new.gir, None);
    }
}

#[tokio::test]
async fn gmp_of_an_etablissement_from_the_latest_validated_gir_of_each_person_present() {
    use crate::common::principal;
    use dui_store::policy::load_matrix;
    let reg = Registre::officiel();
    let aggir = reg.courante("aggir").unwrap();
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let secr = create_user(s, "secr.gmp", Role::Secretariat, &[w.org_a]).await;
        let second = create_usager(
            s,
            &secr,
            &ident("MARTIN", &["Paul"], "1935-02-03", "M"),
            w.org_a,
        )
        .await;
        let third = create_usager(
            s,
            &secr,
            &ident("PETIT", &["Rose"], "1940-06-07", "F"),
            w.org_a,
        )
        .await;
        let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let eval = |usager: i64, codes_: &'static str, date: NaiveDate, valider: bool| {
            let (s, cadre, aggir) = (s, &w.cadre, aggir.clone());
            async move {
                let action = if valider {
                    Action::Valider
                } else {
                    Action::Ecrire
                };
                let c = check(s, cadre, usager, Section::Accompagnement, action, at(5))
                    .await
                    .unwrap();
                let mut n = nouvelle(codes(codes_), valider);
                n.date_evaluation = date;
                s.ajouter_evaluation(&c, &aggir, &n).await.unwrap();
            }
        };
        // First person: GIR 4 in January, GIR 2 from March. Second: GIR 1 in February, and a
        // draft GIR 6 in March that does not count. Third: never evaluated.
        eval(w.usager, "AABBAAAAAA", on(2026, 1, 10), true).await;
        eval(w.usager, "CCAAAAAAAA", on(2026, 3, 5), true).await;
        eval(second, "CCCCCCCCCC", on(2026, 2, 20), true).await;
        eval(second, "AAAAAAAAAA", on(2026, 3, 6), false).await;
        let m = load_matrix(s).await.unwrap();
        let direction = create_user(s, "direction.gmp", Role::Direction, &[w.org_a]).await;
        let g = s
            .gmp_etablissement(&m, &principal(&direction), w.org_a, on(2026, 3, 15), 3)
            .await
            .unwrap();
        let months: Vec<&str> = g.iter().map(|x| x.mois.as_str()).collect();
        assert_eq!(months, ["2026-01", "2026-02", "2026-03"], "{engine}");
        assert_eq!(g[0].date, on(2026, 1, 31));
        // January: 420 / 1. February: (420 + 1000) / 2. March 15th: (840 + 1000) / 2.
        assert_eq!(
            (g[0].gmp.points, g[0].gmp.personnes, g[0].sans_gir),
            (420, 1, 2)
        );
        assert_eq!(
            (g[1].gmp.points, g[1].gmp.personnes, g[1].sans_gir),
            (1420, 2, 1)
        );
        assert_eq!(
            (g[2].gmp.points, g[2].gmp.personnes, g[2].sans_gir),
            (1840, 2, 1)
        );
        assert_eq!(g[2].gmp.arrondi(), Some(920));
        let _ = third;
        // Neither an educator nor the direction of another établissement.
        let r = s
            .gmp_etablissement(&m, &principal(&w.educ), w.org_a, on(2026, 3, 15), 3)
            .await;
        assert!(
            matches!(r, Err(StoreError::Denied(Refus::NonPermisParLeRole))),
            "{r:?}"
        );
        let other = create_user(s, "direction.b", Role::Direction, &[w.org_b]).await;
        let r = s
            .gmp_etablissement(&m, &principal(&other), w.org_a, on(2026, 3, 15), 3)
            .await;
        assert!(
            matches!(r, Err(StoreError::Denied(Refus::HorsPerimetre))),
            "{r:?}"
        );
    }
}

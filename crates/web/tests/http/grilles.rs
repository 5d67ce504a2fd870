//! The public AGGIR calculator: codes or adverbs in, rank and GIR out; each mistake named.

use dui_store::testing::engines;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app};

const CALCUL: &str = "/api/v1/grilles/aggir/calcul";

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

fn adverbs(all: bool) -> Value {
    json!({"S": all, "T": all, "C": all, "H": all})
}

fn all_adverbs_a() -> serde_json::Map<String, Value> {
    [
        "coherence.communication",
        "coherence.comportement",
        "orientation.temps",
        "orientation.espace",
        "toilette.haut",
        "toilette.bas",
        "habillage.haut",
        "habillage.moyen",
        "habillage.bas",
        "alimentation.se_servir",
        "alimentation.manger",
        "elimination.urinaire",
        "elimination.fecale",
        "transferts",
        "deplacements_interieurs",
        "deplacements_exterieurs",
        "alerter",
    ]
    .iter()
    .map(|k| (k.to_string(), adverbs(true)))
    .collect()
}

#[tokio::test]
async fn aggir_calculator_from_codes_and_from_adverbs_without_login() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = Client::new();
        let post = |body: Value| c.post(app.url(CALCUL)).json(&body).send();

        // Codes: cohérence and orientation C → group B, rank 4, GIR 2.
        let r = post(codes("CCAAAAAAAA")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let v: Value = r.json().await.unwrap();
        assert_eq!((v["gir"].as_u64(), v["rang"].as_u64()), (Some(2), Some(4)));
        assert!(v.get("variables").is_none(), "{v}");
        let v: Value = post(codes("AAAAAAAAAA"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!((v["gir"].as_u64(), v["rang"].as_u64()), (Some(6), Some(13)));
        let v: Value = post(codes("CCCCCCCCCC"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!((v["gir"].as_u64(), v["rang"].as_u64()), (Some(1), Some(1)));

        // Adverbs: toilette du haut done but not spontaneously (B) and toilette du bas not
        // at all (C) → toilette B; alimentation AC → B (the guide's rule); the rest A.
        let mut subs = all_adverbs_a();
        subs.insert(
            "toilette.haut".into(),
            json!({"S": false, "T": true, "C": true, "H": true}),
        );
        subs.insert("toilette.bas".into(), adverbs(false));
        subs.insert("alimentation.manger".into(), adverbs(false));
        let r = post(json!({ "sous_variables": subs })).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["variables"]["toilette"], "B");
        assert_eq!(v["variables"]["alimentation"], "B");
        assert_eq!(v["variables"]["coherence"], "A");
        assert_eq!(v["variables"].as_object().unwrap().len(), 10);
        assert_eq!(v["sous_variables"]["toilette.haut"], "B");
        assert_eq!(v["sous_variables"]["toilette.bas"], "C");
        // toilette B, alimentation B: group H 4000 → rank 11, GIR 4.
        assert_eq!((v["gir"].as_u64(), v["rang"].as_u64()), (Some(4), Some(11)));
        app.stop().await;
    }
}

#[tokio::test]
async fn aggir_calculator_names_the_variable_at_fault() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = Client::new();
        let post = |body: Value| c.post(app.url(CALCUL)).json(&body).send();

        let mut body = codes("AAAAAAAAAA");
        body["variables"]["toilette"] = json!("D");
        body["variables"]["habillage"] = json!(2);
        body["variables"].as_object_mut().unwrap().remove("alerter");
        let err = error_body(
            post(body).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        let fields = err["fields"].as_object().unwrap();
        let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["alerter", "habillage", "toilette"], "{engine}");

        let mut subs = all_adverbs_a();
        subs.insert("habillage.moyen".into(), json!({"S": true}));
        subs.remove("transferts");
        let err = error_body(
            post(json!({ "sous_variables": subs })).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(err["fields"]["habillage.moyen"].is_string(), "{err}");
        assert!(err["fields"]["transferts"].is_string(), "{err}");

        // Neither form, or both.
        for body in [json!({}), json!({"variables": {}, "sous_variables": {}})] {
            let err = error_body(
                post(body).await.unwrap(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "contenu_invalide",
            )
            .await;
            assert!(err["fields"]["variables"].is_string(), "{err}");
        }
        // Not JSON at all.
        let r = c
            .post(app.url(CALCUL))
            .body("coherence=A")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        app.stop().await;
    }
}

#[tokio::test]
async fn evaluations_of_a_person_through_the_api() {
    use dui_domain::policy::Role;
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (_, secr) = app.account("secr", Role::Secretariat, &[e]).await;
        let (_, educ) = app.account("educ", Role::Educateur, &[e]).await;
        let (_, cadre) = app.account("cadre", Role::Cadre, &[e]).await;
        let id = app
            .create_usager(&secr, &crate::helpers::dupont(&app.etablissement_finess))
            .await;
        let path = format!("/api/v1/usagers/{id}/evaluations");

        // 201 with id and gir; the grid version used is recorded.
        let r = app
            .post_json(
                &educ,
                &path,
                &json!({"grille": "aggir", "reponses": codes("CCAAAAAAAA"),
                "date_evaluation": "2026-03-02"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let created: Value = r.json().await.unwrap();
        assert_eq!(created["gir"], 2);
        assert_eq!(created["grille_version"], "2008");
        assert_eq!(created["statut"], "brouillon");
        let eid = created["id"].as_i64().unwrap();

        // A faulty variable is named.
        let mut bad = codes("CCAAAAAAAA");
        bad["variables"]["transferts"] = json!("X");
        let r = app
            .post_json(&educ, &path, &json!({"grille": "aggir", "reponses": bad}))
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(err["fields"]["transferts"].is_string(), "{err}");
        let r = app
            .post_json(&educ, &path, &json!({"grille": "inconnue", "reponses": {}}))
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(err["fields"]["grille"].is_string(), "{err}");

        // The educator may not validate; the cadre may; then it is frozen (409).
        let validation = format!("{path}/{eid}/validation");
        let r = app
            .post_json(&educ, &validation, &json!({"version": 1}))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app
            .post_json(&cadre, &validation, &json!({"version": 1}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["statut"], "validee");
        let r = app
            .put_json(
                &educ,
                &format!("{path}/{eid}"),
                &json!({"grille": "aggir",
                "reponses": codes("AAAAAAAAAA"), "version": v["version"]}),
            )
            .await;
        error_body(r, StatusCode::CONFLICT, "conflit").await;

        // A correction refers to it; both are listed, newest first.
        let r = app
            .post_json(
                &cadre,
                &path,
                &json!({"grille": "aggir", "reponses": codes("CCCCCCCCCC"),
                "valider": true, "corrige": eid}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let corr: Value = r.json().await.unwrap();
        assert_eq!(
            (corr["gir"].as_i64(), corr["corrige_id"].as_i64()),
            (Some(1), Some(eid))
        );
        let list = app.get_json(&educ, &path).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["id"], corr["id"]);
        assert_eq!(
            items[1]["grille_titre"],
            "Grille AGGIR (autonomie gérontologique, groupes iso-ressources)"
        );
        let page = app.get_json(&educ, &format!("{path}?limit=1")).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["next_cursor"], corr["id"].to_string());

        // Grids are listed with their versions, and each definition is served.
        let grilles: Value = Client::new()
            .get(app.url("/api/v1/grilles"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<&str> = grilles["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["aggir", "braden", "serafin-besoins"]);
        let d: Value = Client::new()
            .get(app.url("/api/v1/grilles/braden?version=1987"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(d["questions"].as_array().unwrap().len(), 6);
        let r = Client::new()
            .get(app.url("/api/v1/grilles/braden?version=1900"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        app.stop().await;
    }
}

#[tokio::test]
async fn fill_an_aggir_grid_in_the_file_and_see_the_gir() {
    use crate::helpers::{csrf_from, html};
    use dui_domain::policy::Role;
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (_, secr) = app.account("secr", Role::Secretariat, &[e]).await;
        app.create_user("cadre", Role::Cadre, &[e]).await;
        let id = app
            .create_usager(&secr, &crate::helpers::dupont(&app.etablissement_finess))
            .await;
        let web = app.browser("cadre").await;
        let page = format!("/usagers/{id}/evaluations");
        let before = html(&app, &web, &page).await;
        assert!(
            before.contains("Aucune évaluation enregistrée."),
            "{engine}"
        );
        assert!(before.contains("Habillage — Habillage moyen"));
        assert!(before.contains(&format!("href=\"/usagers/{id}/evaluations\"")));
        let csrf = csrf_from(&app, &web, &page).await;

        // Every adverb satisfied except for cohérence and orientation (none): C, C → GIR 2.
        let mut form: Vec<(String, String)> = vec![
            ("_csrf".into(), csrf.clone()),
            ("grille".into(), "aggir".into()),
            ("date_evaluation".into(), "2026-01-15".into()),
            ("valider".into(), "oui".into()),
        ];
        for k in all_adverbs_a().keys() {
            if k.starts_with("coherence") || k.starts_with("orientation") {
                continue;
            }
            for l in ["S", "T", "C", "H"] {
                form.push((format!("q:{k}:{l}"), "oui".into()));
            }
        }
        let r = web.post(app.url(&page)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let after = html(&app, &web, &page).await;
        assert!(after.contains("<strong>GIR 2</strong>"), "{after}");
        assert!(after.contains("Validée par cadre"));

        // A second one, all satisfied (GIR 6): the change is shown and charted.
        let mut form2: Vec<(String, String)> = form
            .iter()
            .filter(|(k, _)| !k.starts_with("date"))
            .cloned()
            .collect();
        form2.push(("date_evaluation".into(), "2026-03-01".into()));
        for k in all_adverbs_a()
            .keys()
            .filter(|k| k.starts_with("coherence") || k.starts_with("orientation"))
        {
            for l in ["S", "T", "C", "H"] {
                form2.push((format!("q:{k}:{l}"), "oui".into()));
            }
        }
        let r = web.post(app.url(&page)).form(&form2).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let after = html(&app, &web, &page).await;
        assert!(after.contains("<strong>GIR 6</strong>"), "{after}");
        assert!(
            after.contains("GIR : 2 → 6 (+4) depuis le 15/01/2026"),
            "{after}"
        );
        assert!(after.contains("<svg"), "{after}");
        app.stop().await;
    }
}

#[tokio::test]
async fn gmp_of_the_etablissement_for_direction_and_cadre() {
    use crate::helpers::{html, person};
    use dui_domain::policy::Role;
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let f = app.etablissement_finess.clone();
        let (_, secr) = app.account("secr", Role::Secretariat, &[e]).await;
        let (_, cadre) = app.account("cadre", Role::Cadre, &[e]).await;
        let (_, educ) = app.account("educ", Role::Educateur, &[e]).await;
        let a = app
            .create_usager(&secr, &person("ALPHA", &["Anne"], "1930-01-02", "F", &f))
            .await;
        let b = app
            .create_usager(&secr, &person("BETA", &["Bruno"], "1931-03-04", "M", &f))
            .await;
        app.create_usager(&secr, &person("GAMMA", &["Guy"], "1932-05-06", "M", &f))
            .await;
        for (u, c) in [(a, "CCCCCCCCCC"), (b, "AABBAAAAAA")] {
            let r = app
                .post_json(
                    &cadre,
                    &format!("/api/v1/usagers/{u}/evaluations"),
                    &json!({"grille": "aggir", "reponses": codes(c), "valider": true}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        }
        let v = app
            .get_json(&cadre, &format!("/api/v1/etablissements/{e}/gmp?mois=2"))
            .await;
        let mois = v["mois"].as_array().unwrap();
        assert_eq!(mois.len(), 2, "{v}");
        // (1000 + 420) / 2 = 710; the third person has no GIR yet.
        assert_eq!(mois[1]["gmp"], 710, "{v}");
        assert_eq!(
            (mois[1]["personnes"].as_i64(), mois[1]["sans_gir"].as_i64()),
            (Some(2), Some(1))
        );
        let r = app
            .get(&educ, &format!("/api/v1/etablissements/{e}/gmp"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app
            .get(&cadre, &format!("/api/v1/etablissements/{e}/gmp?mois=99"))
            .await;
        error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        let web = app.browser("cadre").await;
        let page = html(&app, &web, &format!("/etablissements/{e}/gmp")).await;
        assert!(page.contains("<strong>710</strong>"), "{page}");
        app.stop().await;
    }
}

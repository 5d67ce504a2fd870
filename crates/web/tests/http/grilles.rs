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

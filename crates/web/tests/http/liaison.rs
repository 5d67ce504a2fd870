//! The liaison book over HTTP (issue 13, COO-6): the cadre invites an outside partner (an
//! account limited to that person's book), the partner reaches nothing but the book (every
//! GET of the API, the main pages, other files), writes an entry that the home-care worker
//! sees as new, no route changes or deletes an entry, and the end of the participation
//! closes the book to the partner.

use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::hash_password;
use dui_store::audit::Actor;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{client, spawn_app, TestApp, PASSWORD};

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let r = Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let r = Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn person(app: &TestApp, token: &str, nom: &str) -> i64 {
    let (s, b) = post(
        app,
        token,
        "/api/v1/usagers",
        json!({"nom_naissance": nom, "prenoms": ["Hélène"], "date_naissance": "1938-04-12",
               "sexe": "F", "etablissement": app.etablissement_finess}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_partner_reaches_only_the_liaison_book_of_its_person() {
    for engine in dui_store::testing::engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("cadre", Role::Cadre, &[a]).await;
        let interv_id = app
            .create_user("interv", Role::IntervenantDomicile, &[a])
            .await;
        let cadre = app.token("cadre").await;
        let u = person(&app, &cadre, "Dupont").await;
        let autre = person(&app, &cadre, "Martin").await;
        let (s, _) = post(
            &app,
            &cadre,
            &format!("/api/v1/usagers/{u}/affectations"),
            json!({"utilisateur_id": interv_id}),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{engine}");

        // The cadre invites the physiotherapist: an account and a temporary password.
        let (s, inv) = post(
            &app,
            &cadre,
            &format!("/api/v1/usagers/{u}/liaison/partenaires"),
            json!({"username": "kine.martin", "prenom": "Karim", "nom": "Martin", "qualite": "kinesitherapeute"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{engine}: {inv}");
        let temp = inv["mot_de_passe_temporaire"].as_str().unwrap();
        assert!(temp.len() >= 12);
        let kine_id = inv["id"].as_i64().unwrap();
        // The temporary password works, and must be changed first.
        let r = app.login(&client(), "kine.martin", temp).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let actor = Actor {
            utilisateur_id: None,
            username: "test".into(),
            ip: None,
        };
        app.db
            .store
            .set_password(
                &actor,
                kine_id,
                &hash_password(PASSWORD).unwrap(),
                false,
                Utc::now(),
            )
            .await
            .unwrap();
        let kine = app.token("kine.martin").await;

        // Every GET of the API but its book and its account: refused.
        let doc: Value = Client::new()
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut vus = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            if item.get("get").is_none() {
                continue;
            }
            let p = path.strip_prefix("/api/v1").unwrap_or(path);
            if ["/moi", "/openapi.json"].contains(&p) {
                continue;
            }
            let concret = p.replace("{id}", &u.to_string());
            let concret: String = concret
                .split('/')
                .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            let (s, b) = get(&app, &kine, &format!("/api/v1{concret}")).await;
            vus += 1;
            if p == "/usagers/{id}/liaison" {
                assert_eq!(s, StatusCode::OK, "{engine}: {p}");
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{engine}: GET {p} : {b}");
            }
        }
        assert!(vus > 40, "{vus}");
        // Another person's book, the file itself, creating a file, the pages of the service.
        let (s, _) = get(&app, &kine, &format!("/api/v1/usagers/{autre}/liaison")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = post(&app, &kine, "/api/v1/usagers", json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        for page in [
            "/usagers".to_string(),
            format!("/usagers/{u}"),
            format!("/usagers/{u}/soins"),
            format!("/usagers/{u}/entourage"),
            format!("/usagers/{u}/section/liaison"),
            "/releve".into(),
            "/presences".into(),
            "/admin/utilisateurs".into(),
            "/candidatures".into(),
        ] {
            let r = Client::new()
                .get(app.url(&page))
                .bearer_auth(&kine)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}: {page}");
        }
        let r = Client::new()
            .get(app.url(&format!("/usagers/{u}/liaison")))
            .bearer_auth(&kine)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("Cahier de liaison de Hélène"), "{engine}");
        assert!(
            !html.contains("1938"),
            "{engine}: la date de naissance affichée"
        );

        // The partner writes; the worker sees it as new (home page and list), once.
        let (s, e) = post(
            &app,
            &kine,
            &format!("/api/v1/usagers/{u}/liaison"),
            json!({"texte": "Séance : marche 20 m avec déambulateur, à encourager."}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{engine}: {e}");
        let eid = e["id"].as_i64().unwrap();
        let interv = app.token("interv").await;
        let accueil = Client::new()
            .get(app.url("/"))
            .bearer_auth(&interv)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            accueil.contains("Cahier de liaison : 1 nouvelle entrée"),
            "{engine}"
        );
        let (s, l) = get(&app, &interv, &format!("/api/v1/usagers/{u}/liaison")).await;
        assert_eq!(s, StatusCode::OK);
        let item = &l["items"][0];
        assert_eq!(
            (
                item["id"].as_i64(),
                item["qualite"].as_str(),
                item["nouvelle"].as_bool()
            ),
            (Some(eid), Some("kinesitherapeute"), Some(true)),
            "{engine}"
        );
        let (_, l) = get(&app, &interv, &format!("/api/v1/usagers/{u}/liaison")).await;
        assert_eq!(l["items"][0]["nouvelle"], json!(false), "{engine}");

        // Append-only: no route changes or deletes an entry.
        for m in ["PUT", "PATCH", "DELETE"] {
            for p in [
                format!("/api/v1/usagers/{u}/liaison"),
                format!("/api/v1/usagers/{u}/liaison/{eid}"),
                format!("/usagers/{u}/liaison/{eid}"),
            ] {
                let r = Client::new()
                    .request(m.parse().unwrap(), app.url(&p))
                    .bearer_auth(&cadre)
                    .json(&json!({"texte": "modifié"}))
                    .send()
                    .await
                    .unwrap();
                assert!(!r.status().is_success(), "{engine}: {m} {p}");
            }
        }

        // The end of the participation closes the book to the partner.
        let (s, _) = post(
            &app,
            &cadre,
            &format!("/api/v1/usagers/{u}/liaison/fin"),
            json!({"utilisateur_id": kine_id}),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{engine}");
        let (s, _) = get(&app, &kine, &format!("/api/v1/usagers/{u}/liaison")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{engine}");
        app.stop().await;
    }
}

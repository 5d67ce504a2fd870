//! Transmissions through the real application: written and read through the API and the
//! file's tab, append-only (no route answers 2xx to PUT, PATCH or DELETE), psychology notes
//! invisible to every other role through every route, a targeted transmission found in a
//! colleague's relève and marked read, the French search.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, html, spawn_app, TestApp};

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
    let r = Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let r = Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn append_only_no_route_answers_2xx_to_put_patch_or_delete() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("secr", Role::Secretariat, &[a]).await;
        app.create_user("cadre", Role::Cadre, &[a]).await;
        let (secr, cadre) = (app.token("secr").await, app.token("cadre").await);
        let id = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let (st, v) = post(
            &app,
            &cadre,
            &format!("/api/v1/usagers/{id}/transmissions"),
            &json!({"texte": "Nuit calme."}),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{engine}: {v}");
        let tid = v["id"].as_i64().unwrap();
        let c = Client::new();
        for path in [
            format!("/api/v1/usagers/{id}/transmissions"),
            format!("/api/v1/usagers/{id}/transmissions/{tid}"),
            "/api/v1/transmissions".to_string(),
            format!("/api/v1/transmissions/{tid}"),
            "/api/v1/transmissions/lues".to_string(),
        ] {
            for m in [
                reqwest::Method::PUT,
                reqwest::Method::PATCH,
                reqwest::Method::DELETE,
            ] {
                let r = c
                    .request(m.clone(), app.url(&path))
                    .bearer_auth(&cadre)
                    .json(&json!({"texte": "Réécrit."}))
                    .send()
                    .await
                    .unwrap();
                assert!(
                    !r.status().is_success(),
                    "{engine}: {m} {path} → {}",
                    r.status()
                );
                assert!(
                    [StatusCode::METHOD_NOT_ALLOWED, StatusCode::NOT_FOUND].contains(&r.status()),
                    "{engine}: {m} {path} → {}",
                    r.status()
                );
            }
        }
        let (_, list) = get(&app, &cadre, &format!("/api/v1/usagers/{id}/transmissions")).await;
        assert_eq!(list["items"][0]["texte"], "Nuit calme.");
        // Bad input: a 422 naming the field, never a 500.
        for (body, field) in [
            (json!({}), "texte"),
            (json!({"cible": "Chute"}), "donnees"),
            (json!({"texte": "x", "section": "administratif"}), "section"),
            (json!({"texte": "x", "categorie": "inconnue"}), "categorie"),
            (json!({"texte": "x", "date_fait": "hier"}), "date_fait"),
            (
                json!({"texte": "x", "date_fait": "2999-01-01T10:00"}),
                "date_fait",
            ),
            (json!({"texte": "x".repeat(8001)}), "texte"),
        ] {
            let (st, v) = post(
                &app,
                &cadre,
                &format!("/api/v1/usagers/{id}/transmissions"),
                &body,
            )
            .await;
            assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {body} {v}");
            assert!(
                v["error"]["fields"][field].is_string(),
                "{engine}: {body} {v}"
            );
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn psychology_notes_are_invisible_to_every_other_role_through_every_route() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("secr", Role::Secretariat, &[a]).await;
        app.create_user("psy", Role::Psychologue, &[a]).await;
        let secr = app.token("secr").await;
        let psy = app.token("psy").await;
        let id = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let note = json!({"section": "psychologie", "texte": "Entretien : angoisses nocturnes évoquées.", "importante": true});
        let (st, v) = post(
            &app,
            &psy,
            &format!("/api/v1/usagers/{id}/transmissions"),
            &note,
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{engine}: {v}");
        let nid = v["id"].as_i64().unwrap();
        let (_, mine) = get(&app, &psy, "/api/v1/transmissions?q=angoisse").await;
        assert_eq!(ids(&mine), vec![nid], "{engine}");
        for role in Role::ALL
            .iter()
            .copied()
            .filter(|r| *r != Role::Psychologue && *r != Role::Administrateur)
        {
            let name = format!("autre.{}", role.code());
            let etabs: &[i64] = if role.est_professionnel() { &[a] } else { &[] };
            app.create_user(&name, role, etabs).await;
            let t = app.token(&name).await;
            for path in [
                format!("/api/v1/usagers/{id}/transmissions"),
                "/api/v1/transmissions".to_string(),
                "/api/v1/transmissions?q=angoisses".to_string(),
                format!("/api/v1/transmissions?usager={id}"),
                "/api/v1/transmissions?importantes=oui&heures=48".to_string(),
            ] {
                let (st, v) = get(&app, &t, &path).await;
                assert!(!ids(&v).contains(&nid), "{engine}: {role:?} {path} {v}");
                assert!(
                    st == StatusCode::OK || st == StatusCode::FORBIDDEN,
                    "{engine}: {role:?} {path} {st}"
                );
            }
            let (st, _) = post(
                &app,
                &t,
                &format!("/api/v1/usagers/{id}/transmissions"),
                &json!({"section": "psychologie", "texte": "x"}),
            )
            .await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{engine}: {role:?}");
            let (_, v) = post(
                &app,
                &t,
                "/api/v1/transmissions/lues",
                &json!({"ids": [nid]}),
            )
            .await;
            assert_ne!(v["marquees"], 1, "{engine}: {role:?}");
        }
        // The file's tab does not show it either (the cadre reads the accompaniment).
        let c = crate::helpers::client();
        app.login(&c, "autre.cadre", crate::helpers::PASSWORD).await;
        let page = html(&app, &c, &format!("/usagers/{id}/section/accompagnement")).await;
        assert!(!page.contains("angoisses nocturnes"), "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_targeted_transmission_is_found_in_a_colleagues_releve_and_marked_read() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("secr", Role::Secretariat, &[a]).await;
        app.create_user("as.jour", Role::AideSoignant, &[a]).await;
        app.create_user("as.nuit", Role::AideSoignant, &[a]).await;
        let secr = app.token("secr").await;
        let id = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        // Written through the file's tab.
        let c = crate::helpers::client();
        app.login(&c, "as.jour", crate::helpers::PASSWORD).await;
        let tab = format!("/usagers/{id}/section/accompagnement");
        let csrf = csrf_from(&app, &c, &tab).await;
        let r = c
            .post(app.url(&tab))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("section", "soins"),
                ("categorie", "sante"),
                ("cible", "Chute"),
                (
                    "donnees",
                    "Retrouvée assise au sol près du lit, pas de douleur.",
                ),
                ("actions", "Relevée à deux, constantes prises."),
                ("importante", "oui"),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_redirection() || r.status().is_success(),
            "{engine}: {}",
            r.status()
        );
        let page = html(&app, &c, &tab).await;
        assert!(page.contains("Cible : Chute"), "{engine}");
        assert!(page.contains("Relevée à deux"), "{engine}");

        // The night colleague's relève.
        let nuit = app.token("as.nuit").await;
        let (st, v) = get(&app, &nuit, "/api/v1/transmissions?non_lues=oui").await;
        assert_eq!(st, StatusCode::OK, "{engine}: {v}");
        assert_eq!(v["items"].as_array().unwrap().len(), 1, "{engine}: {v}");
        let t = &v["items"][0];
        assert_eq!(t["cible"], "Chute");
        assert_eq!(t["lue"], false);
        assert_eq!(t["importante"], true);
        assert_eq!(t["usager_id"], id);
        let tid = t["id"].as_i64().unwrap();
        let (_, found) = get(&app, &nuit, "/api/v1/transmissions?q=chutes").await;
        assert_eq!(ids(&found), vec![tid], "{engine}");
        let (_, found) = get(
            &app,
            &nuit,
            "/api/v1/transmissions?cible=Chute&importantes=oui",
        )
        .await;
        assert_eq!(ids(&found), vec![tid], "{engine}");
        let (st, v) = post(
            &app,
            &nuit,
            "/api/v1/transmissions/lues",
            &json!({"ids": [tid]}),
        )
        .await;
        assert_eq!(
            (st, v["marquees"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{engine}"
        );
        let (_, v) = get(&app, &nuit, "/api/v1/transmissions?non_lues=oui").await;
        assert!(ids(&v).is_empty(), "{engine}: {v}");
        let (_, v) = get(&app, &nuit, "/api/v1/transmissions").await;
        assert_eq!(v["items"][0]["lue"], true);
        // Still unread for the author's other colleague view: marks are per professional.
        let jour = app.token("as.jour").await;
        let (_, v) = get(&app, &jour, "/api/v1/transmissions?non_lues=oui").await;
        assert_eq!(ids(&v), vec![tid], "{engine}");
        // The relève page, reachable from the home page.
        let c2 = crate::helpers::client();
        app.login(&c2, "as.nuit", crate::helpers::PASSWORD).await;
        assert!(html(&app, &c2, "/").await.contains("href=\"/releve\""));
        let page = html(&app, &c2, "/releve?heures=24").await;
        assert!(page.contains("Cible : Chute"), "{engine}");
        app.stop().await;
    }
}

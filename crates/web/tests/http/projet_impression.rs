//! Pages added around the accompaniment (issue 17 follow-up), on every engine: the print view
//! of a validated project version (a draft is not printed), the relève « since my last
//! relève » and its filters through the API and the page, the home page's unread count.

use dui_domain::serafin;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_body, html, spawn_app};
use crate::projet::world;

#[tokio::test]
async fn a_validated_project_version_prints_with_its_objectives_actions_and_signatures() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (id, edu, educ, cadre) = world(&app).await;
        let base = format!("/api/v1/usagers/{id}/projets");
        let objectif = json!({"libelle": "Marcher seule jusqu'au jardin", "statut": "en_cours",
            "serafin": [{"systeme": serafin::SYSTEME, "code": "1.2.1.3"}],
            "actions": [{"libelle": "Marche accompagnée", "responsable_id": edu, "echeance": "2030-01-15", "duree": "3 fois par semaine"}]});
        let r = app
            .post_json(
                &educ,
                &base,
                &json!({"type": "ppa", "contenu": {"objectifs": [objectif],
                "participants": [{"nom": "Hélène Dupont", "qualite": "personne"}]}}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let pid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let c = app.browser("cadre").await;
        let imprimer = format!("/usagers/{id}/projet/{pid}/versions/1/impression");
        // A draft is not printed.
        let r = app.get_with(&c, &imprimer).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let sig = json!({"signataire": "Hélène Dupont", "qualite": "personne", "decision": "signe", "version": 1});
        let r = app
            .post_json(&cadre, &format!("{base}/{pid}/versions/1/signatures"), &sig)
            .await;
        assert!(r.status().is_success(), "{engine}: {}", r.status());
        let r = app
            .post_json(
                &cadre,
                &format!("{base}/{pid}/validation"),
                &json!({"version": 2}),
            )
            .await;
        assert!(r.status().is_success(), "{engine}: {}", r.status());
        let page = html(&app, &c, &imprimer).await;
        for attendu in [
            "Projet personnalisé d",
            "accompagnement (PPA)",
            "Marcher seule jusqu",
            "1.2.1.3 — Besoins pour la mobilité",
            "Marche accompagnée",
            "15/01/2030",
            "3 fois par semaine",
            "Hélène Dupont",
            "A signé",
            "data-imprimer",
        ] {
            assert!(page.contains(attendu), "{engine}: « {attendu} » absent");
        }
        assert!(
            !page.contains(">vous<"),
            "{engine}: on paper the reader is never « vous »"
        );
        // The tab links to it.
        let tab = html(&app, &c, &format!("/usagers/{id}/projet")).await;
        assert!(tab.contains(&imprimer), "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_releve_since_my_last_releve_and_the_home_count() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (id, _, educ, _) = world(&app).await;
        for texte in ["Nuit calme.", "Repas pris en entier."] {
            let r = app
                .post_json(
                    &educ,
                    &format!("/api/v1/usagers/{id}/transmissions"),
                    &json!({"texte": texte}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        }
        let cadre = app.browser("cadre").await;
        let home = html(&app, &cadre, "/").await;
        assert!(
            home.contains("2 transmissions non lues depuis votre dernière relève"),
            "{engine}"
        );
        let page = html(&app, &cadre, "/releve?heures=releve&non_lues=oui").await;
        assert!(page.contains("Repas pris en entier."), "{engine}");
        assert!(page.contains("Depuis ma dernière relève"), "{engine}");
        // The API: same parameters; a bad period is named.
        let token = app.token("cadre").await;
        let v = app
            .get_json(&token, "/api/v1/transmissions?heures=releve")
            .await;
        let ids: Vec<i64> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 2, "{engine}: {v}");
        let r = app.get(&token, "/api/v1/transmissions?heures=hier").await;
        let e = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(e["fields"]["heures"].is_string(), "{e}");
        // Read: the relève now starts at that mark, and the home page counts none.
        let r = app
            .post_json(&token, "/api/v1/transmissions/lues", &json!({"ids": ids}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v = app
            .get_json(&token, "/api/v1/transmissions?heures=releve")
            .await;
        assert_eq!(v["items"].as_array().unwrap().len(), 0, "{engine}: {v}");
        let home = html(&app, &cadre, "/").await;
        assert!(
            home.contains("Aucune transmission non lue depuis votre dernière relève"),
            "{engine}"
        );
        // The author filter lists the team; a period in Paris time is read.
        let page = html(
            &app,
            &cadre,
            "/releve?depuis=2020-01-01T08%3A00&jusqua=2099-01-01T08%3A00",
        )
        .await;
        assert!(
            page.contains("Écrites du 01/01/2020 à 08:00 au 01/01/2099 à 08:00"),
            "{engine}"
        );
        assert!(page.contains("Tous les professionnels"), "{engine}");
        app.stop().await;
    }
}

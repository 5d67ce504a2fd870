//! The audit trail seen through the API: search, and chain verification after tampering.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{client, error_body, finess, spawn_app, PASSWORD};

#[tokio::test]
async fn audit_search_and_verification() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let api = Client::new();
        // Some activity: a failed and two successful logins, a creation.
        assert_eq!(
            app.login(&client(), "admin", "Mauvais-mot-de-passe-1")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        let token = app.admin_token().await;
        let body = json!({"nom": "Organisme audité", "finess_juridique": finess(42, 1)});
        assert_eq!(
            api.post(app.url("/api/v1/organismes"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::CREATED
        );
        app.create_user("educ", Role::Educateur, &[app.etablissement_id])
            .await;
        let educ = app.token("educ").await;

        app.seal_all().await;
        let v = app.db.store.audit_verify().await.unwrap();
        assert!(v.first_broken.is_none(), "{engine}: {:?}", v.first_broken);
        assert!(v.checked >= 7, "{v:?}");

        let r = api
            .get(app.url("/api/v1/audit/verification"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let report: Value = r.json().await.unwrap();
        assert!(report["first_broken"].is_null(), "{report}");
        assert_eq!(report["checked"], v.checked);
        assert_eq!(report["head"], json!(v.head));

        // Search by account: the administrator's logins, newest first.
        let r = api
            .get(app.url("/api/v1/audit?utilisateur=admin"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let found: Value = r.json().await.unwrap();
        let items = found["items"].as_array().unwrap();
        assert!(items.iter().all(|e| e["username"] == "admin"), "{found}");
        let logins: Vec<&Value> = items
            .iter()
            .filter(|e| e["action"] == "connexion")
            .collect();
        assert_eq!(logins.len(), 2, "{engine}: {found}");
        assert_eq!(
            (logins[0]["outcome"].as_str(), logins[1]["outcome"].as_str()),
            (Some("succes"), Some("echec"))
        );
        assert_eq!(logins[0]["ip"], "127.0.0.1");
        assert!(
            logins[0]["seq"].is_i64() && logins[0]["hash"].is_string(),
            "entrées scellées : {}",
            logins[0]
        );
        assert!(items
            .iter()
            .any(|e| e["action"] == "admin.organisme.creation"));
        let ids: Vec<i64> = items.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(
            ids.windows(2).all(|w| w[0] > w[1]),
            "du plus récent au plus ancien : {ids:?}"
        );

        // Filters and pagination.
        let r: Value = api
            .get(app.url("/api/v1/audit?utilisateur=ADMIN&action=connexion&resultat=echec"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["items"].as_array().unwrap().len(), 1, "{r}");
        let page1: Value = api
            .get(app.url("/api/v1/audit?action=connexion&limit=2"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page1["items"].as_array().unwrap().len(), 2);
        let cursor = page1["next_cursor"].as_str().expect("curseur").to_string();
        let page2: Value = api
            .get(app.url(&format!(
                "/api/v1/audit?action=connexion&limit=2&cursor={cursor}"
            )))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let rest = page2["items"].as_array().unwrap();
        assert_eq!(rest.len(), 1, "{engine}: 3 connexions en tout");
        assert!(rest[0]["id"].as_i64().unwrap() < cursor.parse::<i64>().unwrap());
        assert!(page2["next_cursor"].is_null());

        // Only administrators read the audit.
        error_body(
            api.get(app.url("/api/v1/audit"))
                .bearer_auth(&educ)
                .send()
                .await
                .unwrap(),
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        error_body(
            api.get(app.url("/api/v1/audit/verification"))
                .bearer_auth(&educ)
                .send()
                .await
                .unwrap(),
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;

        // Someone edits a sealed row in the database: the API reports where.
        let second = app
            .db
            .store
            .audit_search(&Default::default(), 1000)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.seq == Some(2))
            .unwrap();
        assert_eq!(
            app.db
                .exec("UPDATE audit SET username = 'personne' WHERE seq = 2")
                .await
                .unwrap(),
            1
        );
        let report: Value = api
            .get(app.url("/api/v1/audit/verification"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let broken = &report["first_broken"];
        assert_eq!(broken["seq"], 2, "{engine}: {report}");
        assert_eq!(broken["id"], second.id);
        assert!(
            broken["reason"].as_str().unwrap().contains("modifié"),
            "{report}"
        );

        // The HTML page shows it too, in French.
        let c = client();
        app.login(&c, "admin", PASSWORD).await;
        let html = c
            .get(app.url("/admin/audit"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("lang=\"fr\"") && html.contains("Journal d'audit"));
        app.stop().await;
    }
}

//! Probes, metrics, request ids, the OpenAPI document.

use dui_store::testing::engines;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{client, spawn_app, PASSWORD};

fn request_id(r: &Response) -> String {
    let id = r
        .headers()
        .get("x-request-id")
        .unwrap_or_else(|| panic!("pas de x-request-id sur {} {}", r.status(), r.url()));
    let id = id.to_str().unwrap().to_string();
    assert!(!id.is_empty());
    id
}

#[tokio::test]
async fn probes_and_metrics() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = Client::new();
        let r = app.get_with(&c, "/healthz").await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert_eq!(r.text().await.unwrap(), "ok");
        let r = app.get_with(&c, "/readyz").await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");

        let token = app.admin_token().await;
        let path = format!("/api/v1/etablissements/{}", app.etablissement_id);
        assert_eq!(
            c.get(app.url(&path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            app.get_with(&c, "/api/v1/inconnu").await.status(),
            StatusCode::NOT_FOUND
        );

        let r = app.get_with(&c, "/metrics").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        let text = r.text().await.unwrap();
        assert!(
            text.contains("# TYPE dui_http_requests_total counter"),
            "{text}"
        );
        assert!(
            text.contains(
                "dui_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("dui_http_requests_total{method=\"POST\",route=\"/api/v1/session\",status=\"200\"} 1"), "{text}");
        // Routes are labelled by their pattern, never by ids (bounded label values).
        assert!(text.contains("dui_http_requests_total{method=\"GET\",route=\"/api/v1/etablissements/{id}\",status=\"200\"} 1"), "{text}");
        assert!(!text.contains(&format!("route=\"{path}\"")), "{text}");
        assert!(text.contains("dui_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"} 1"), "{text}");
        app.stop().await;
    }
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = client();
        let mut ids = Vec::new();
        let responses = vec![
            app.get_with(&c, "/healthz").await,
            app.get_with(&c, "/metrics").await,
            app.get_with(&c, "/static/app.css").await,
            app.get_with(&c, "/connexion").await,
            app.get_with(&c, "/").await,
            app.get_with(&c, "/nulle-part").await,
            app.get_with(&c, "/api/v1/moi").await,
            app.get_with(&c, "/api/v1/openapi.json").await,
            app.login(&c, "admin", "Mauvais-mot-de-passe-1").await,
            app.login(&c, "admin", PASSWORD).await,
            app.post_form(&c, "/admin/organismes", &[("nom", "X")])
                .await,
            c.post(app.url("/api/v1/organismes"))
                .header("content-type", "application/json")
                .body("{")
                .send()
                .await
                .unwrap(),
        ];
        let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
        assert_eq!(
            statuses,
            [200, 200, 200, 200, 303, 404, 401, 200, 401, 200, 403, 403],
            "{engine}"
        );
        for r in &responses {
            ids.push(request_id(r));
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), responses.len(), "un identifiant par requête");
        app.stop().await;
    }
}

#[tokio::test]
async fn openapi_document_is_served() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let r = Client::new()
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let doc: Value = r.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
        assert!(doc["paths"].is_object(), "{doc}");
        assert!(doc["info"]["title"].is_string());
        app.stop().await;
    }
}

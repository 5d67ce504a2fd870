//! Anti-CSRF: state-changing requests carried by the session cookie need the session's token,
//! as a `_csrf` form field or an `X-CSRF-Token` header; bearer-token requests do not.

use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{client, csrf_from, error_body, finess, message, spawn_app, PASSWORD};

#[tokio::test]
async fn cookie_requests_need_the_session_token() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = app.browser("admin").await;
        let csrf = csrf_from(&app, &c, "/admin/organisation").await;
        assert_eq!(csrf.len(), 64);
        // Every page of the session carries the same token.
        assert_eq!(csrf_from(&app, &c, "/admin/utilisateurs").await, csrf);

        let fields = |n: u32| {
            vec![
                ("nom".to_string(), format!("Organisme {n}")),
                ("finess_juridique".to_string(), finess(38, n)),
                ("siren".to_string(), String::new()),
            ]
        };

        // No token: refused, nothing written.
        let r = app.post_form(&c, "/admin/organismes", &fields(1)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("lang=\"fr\"") && html.contains("Accès refusé"),
            "{html}"
        );
        assert!(html.contains("jeton de sécurité"), "{html}");

        // Another token: refused.
        let mut wrong = fields(2);
        wrong.push(("_csrf".into(), "0".repeat(64)));
        assert_eq!(
            app.post_form(&c, "/admin/organismes", &wrong)
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let r = c
            .post(app.url("/admin/organismes"))
            .header("x-csrf-token", "nimporte")
            .form(&fields(2))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            app.db.store.organismes().await.unwrap().len(),
            1,
            "{engine}: rien n'a été créé"
        );

        // The form field…
        let mut ok = fields(3);
        ok.push(("_csrf".into(), csrf.clone()));
        let r = app.post_form(&c, "/admin/organismes", &ok).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(
            r.headers()["location"],
            "/admin/organisation?fait=organisme_cree"
        );
        // …or the header (what htmx sends from `hx-headers`).
        let r = c
            .post(app.url("/admin/organismes"))
            .header("X-CSRF-Token", &csrf)
            .form(&fields(4))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // With htmx, success is an `HX-Redirect`.
        let r = c
            .post(app.url("/admin/organismes"))
            .header("X-CSRF-Token", &csrf)
            .header("HX-Request", "true")
            .form(&fields(5))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            r.headers()["hx-redirect"],
            "/admin/organisation?fait=organisme_cree"
        );
        // An htmx request without the token gets a fragment for the alert region.
        let r = c
            .post(app.url("/admin/organismes"))
            .header("HX-Request", "true")
            .form(&fields(6))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(r.headers()["hx-retarget"], "#messages");
        assert!(r.text().await.unwrap().contains("jeton de sécurité"));
        assert_eq!(app.db.store.organismes().await.unwrap().len(), 4);

        // JSON through the cookie: same rule, JSON error.
        let body = json!({"nom": "Organisme API", "finess_juridique": finess(38, 7)});
        let r = c
            .post(app.url("/api/v1/organismes"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let err = error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        assert!(message(&err).contains("jeton de sécurité"), "{err}");
        let r = c
            .post(app.url("/api/v1/organismes"))
            .header("X-CSRF-Token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");

        // A bearer token is not sent by browsers on their own: no CSRF token needed.
        let token = app.admin_token().await;
        let body = json!({"nom": "Organisme jeton", "finess_juridique": finess(38, 8)});
        let r = app.post_json(&token, "/api/v1/organismes", &body).await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // Safe methods never need it; logging out through the cookie does.
        assert_eq!(
            app.get_with(&c, "/api/v1/organismes").await.status(),
            StatusCode::OK
        );
        let r = c.delete(app.url("/api/v1/session")).send().await.unwrap();
        error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        let r = c
            .delete(app.url("/api/v1/session"))
            .header("X-CSRF-Token", &csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_new_session_gets_a_new_token() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (c1, c2) = (client(), client());
        app.login(&c1, "admin", PASSWORD).await;
        app.login(&c2, "admin", PASSWORD).await;
        let t1 = csrf_from(&app, &c1, "/compte").await;
        let t2 = csrf_from(&app, &c2, "/compte").await;
        assert_ne!(t1, t2, "{engine}");
        // One session's token does not work for the other.
        let form = [
            ("nom", "Organisme croisé".to_string()),
            ("finess_juridique", finess(38, 9)),
            ("_csrf", t1),
        ];
        assert_eq!(
            app.post_form(&c2, "/admin/organismes", &form)
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        app.stop().await;
    }
}

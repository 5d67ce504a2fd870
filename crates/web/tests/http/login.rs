//! Login and logout: API and HTML form, lockout, throttling, second factor, bearer tokens.

use chrono::{Duration, Utc};
use dui_domain::policy::Role;
use dui_store::testing::engines;
use dui_web::auth::compte::totp_code;
use dui_web::WebConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    client, cookie_value, csrf_of, error_body, message, set_cookies, spawn_app, spawn_app_with,
    PASSWORD,
};

mod formulaire;
mod totp;

#[tokio::test]
async fn api_login_returns_token_user_and_a_safe_cookie() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = client();
        let r = app.login(&c, "Admin", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let cookies = set_cookies(r.headers());
        let body: Value = r.json().await.unwrap();
        let token = body["token"].as_str().unwrap().to_string();
        assert_eq!(token.len(), 64);
        assert_eq!(body["user"]["username"], "admin");
        assert_eq!(body["user"]["role"], "administrateur");
        assert_eq!(body["user"]["id"], app.admin_id);
        assert_eq!(body["user"]["doit_changer_mdp"], false);
        assert!(
            body["user"].get("password_hash").is_none() && !body.to_string().contains("argon2")
        );

        let session = cookies
            .iter()
            .find(|c| c.starts_with("dui_session="))
            .expect("cookie de session");
        assert!(
            session.starts_with(&format!("dui_session={token};")),
            "{session}"
        );
        assert!(session.contains("HttpOnly"), "{session}");
        assert!(
            session.contains("SameSite=Lax") || session.contains("SameSite=Strict"),
            "{session}"
        );
        assert!(session.contains("Path=/"), "{session}");

        // The cookie alone opens the session…
        let me: Value = app.get_with(&c, "/api/v1/moi").await.json().await.unwrap();
        assert_eq!(me["username"], "admin");
        // …and the successful login is audited with the client address.
        let entries = app.audit_of("connexion", 10).await;
        assert_eq!(entries.len(), 1);
        assert_eq!(
            (entries[0].outcome.as_str(), entries[0].ip.as_deref()),
            ("succes", Some("127.0.0.1"))
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn bad_password_and_unknown_account_get_the_same_401() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let bad = app.login(&client(), "admin", "Pas-le-bon-mot-2026").await;
        assert!(cookie_value(bad.headers(), "dui_session").is_none());
        let err = error_body(bad, StatusCode::UNAUTHORIZED, "identifiants_invalides").await;
        assert_eq!(
            message(&err),
            "Identifiant, mot de passe ou code incorrect, ou compte verrouillé pour quinze minutes après cinq échecs.",
            "{engine}"
        );

        let unknown = error_body(
            app.login(&client(), "personne", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "identifiants_invalides",
        )
        .await;
        assert_eq!(
            unknown, err,
            "{engine}: rien ne distingue un compte inconnu"
        );

        let empty = app.login(&client(), "", "").await;
        assert_eq!(empty.status(), StatusCode::UNAUTHORIZED);
        // A body without the password is a 422 naming the field, in French.
        let r = client()
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "admin"}))
            .send()
            .await
            .unwrap();
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["password"]
                .as_str()
                .unwrap()
                .contains("obligatoire"),
            "{err}"
        );

        let failures = app
            .audit(
                &dui_store::audit::Filter {
                    outcome: Some("echec".into()),
                    ..Default::default()
                },
                10,
            )
            .await;
        assert_eq!(failures.len(), 3, "{engine}");
        assert!(failures.iter().any(|e| e.username == "personne"
            && e.utilisateur_id.is_none()
            && e.detail.contains("compte_inconnu")));
        app.stop().await;
    }
}

#[tokio::test]
async fn five_failures_lock_the_account() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // The failure that locks answers like the others, and so does any attempt while
        // locked, the right password included (see lockout.rs): the lockout tells neither
        // which names exist nor whether a password is right.
        for i in 1..=6 {
            let r = app
                .login(&client(), "admin", "Mauvais-mot-de-passe-1")
                .await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{engine}: échec {i}");
        }
        let err = error_body(
            app.login(&client(), "admin", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "identifiants_invalides",
        )
        .await;
        assert!(message(&err).contains("verrouillé"), "{err}");
        let u = app
            .db
            .store
            .utilisateur(app.admin_id)
            .await
            .unwrap()
            .unwrap();
        assert!(u.verrouille_jusqua.is_some());

        // Unknown names are never locked (nothing to lock) and still get 401.
        for _ in 0..6 {
            assert_eq!(
                app.login(&client(), "inconnu", PASSWORD).await.status(),
                StatusCode::UNAUTHORIZED
            );
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn too_many_attempts_from_one_address_get_429() {
    for engine in engines() {
        let config = WebConfig {
            login_failures_per_minute: 3,
            ..WebConfig::default()
        };
        let app = spawn_app_with(engine, config).await;
        for _ in 0..3 {
            assert_eq!(
                app.login(&client(), "admin", "Mauvais-mot-de-passe-1")
                    .await
                    .status(),
                StatusCode::UNAUTHORIZED
            );
        }
        let err = error_body(
            app.login(&client(), "admin", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS,
            "trop_de_tentatives",
        )
        .await;
        assert!(
            message(&err).contains("Trop de tentatives"),
            "{engine}: {err}"
        );

        // The HTML form is throttled the same way, with a French page.
        let c = client();
        let page = app.get_with(&c, "/connexion").await;
        let csrf = csrf_of(&page.text().await.unwrap());
        let r = app
            .post_form(
                &c,
                "/connexion",
                &[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("_csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Trop de tentatives") && html.contains("lang=\"fr\""),
            "{html}"
        );
        // Throttling is not a failed password: the account is not locked by it.
        assert_eq!(
            app.db
                .store
                .credentials("admin")
                .await
                .unwrap()
                .unwrap()
                .echecs,
            3
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn bearer_token_until_logout() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let token = app.admin_token().await;
        // A client without cookies: only the bearer token counts.
        let r = app.get(&token, "/api/v1/moi").await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let me: Value = r.json().await.unwrap();
        assert_eq!(
            (me["username"].as_str(), me["role"].as_str()),
            (Some("admin"), Some("administrateur"))
        );

        let r = app.get("0".repeat(64), "/api/v1/moi").await;
        error_body(r, StatusCode::UNAUTHORIZED, "non_connecte").await;

        let r = app.delete(&token, "/api/v1/session").await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = app.get(&token, "/api/v1/moi").await;
        let err = error_body(r, StatusCode::UNAUTHORIZED, "non_connecte").await;
        assert!(message(&err).contains("connecter"), "{err}");
        let r = app.delete(&token, "/api/v1/session").await;
        error_body(r, StatusCode::UNAUTHORIZED, "non_connecte").await;

        let logouts = app.audit_of("deconnexion", 10).await;
        assert_eq!(logouts.len(), 1, "{engine}");
        assert_eq!(logouts[0].utilisateur_id, Some(app.admin_id));
        app.stop().await;
    }
}

#[tokio::test]
async fn inactive_account_cannot_log_in() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let id = app
            .create_user("ancien", Role::Educateur, &[app.etablissement_id])
            .await;
        let token = app.token("ancien").await;
        let mut input =
            crate::helpers::user_input("ancien", Role::Educateur, &[app.etablissement_id]);
        input.actif = false;
        let actor = app.admin_actor();
        app.db
            .store
            .update_utilisateur(&actor, id, 1, &input, Utc::now())
            .await
            .unwrap();
        let r = app.get(&token, "/api/v1/moi").await;
        error_body(r, StatusCode::UNAUTHORIZED, "non_connecte").await;
        error_body(
            app.login(&client(), "ancien", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "identifiants_invalides",
        )
        .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn behind_a_proxy_the_address_is_the_one_the_proxy_saw() {
    for engine in engines() {
        let config = WebConfig {
            trust_proxy: true,
            login_failures_per_minute: 3,
            ..WebConfig::default()
        };
        let app = spawn_app_with(engine, config).await;
        // The proxy appends the address it saw to whatever the client sent.
        let login = |forged: &str| {
            let header = format!("{forged}, 198.51.100.7");
            client()
                .post(app.url("/api/v1/session"))
                .header("x-forwarded-for", header)
                .json(&json!({"username": "admin", "password": "Mauvais-mot-de-passe-1"}))
                .send()
        };
        for forged in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            assert_eq!(
                login(forged).await.unwrap().status(),
                StatusCode::UNAUTHORIZED
            );
        }
        // Changing the forged part does not escape throttling…
        let r = login("10.0.0.4").await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{engine}: limitation contournée par X-Forwarded-For"
        );
        // …and the audit records the real client, not what it claimed.
        let failures = app
            .audit(
                &dui_store::audit::Filter {
                    outcome: Some("echec".into()),
                    ..Default::default()
                },
                10,
            )
            .await;
        assert_eq!(failures.len(), 3);
        assert!(
            failures
                .iter()
                .all(|e| e.ip.as_deref() == Some("198.51.100.7")),
            "{engine}: {:?}",
            failures.iter().map(|e| &e.ip).collect::<Vec<_>>()
        );
        // A single proxy address is used as is.
        let r = client()
            .get(app.url("/api/v1/moi"))
            .header("x-forwarded-for", "203.0.113.9")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        app.stop().await;
    }
}

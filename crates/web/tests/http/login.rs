//! Login and logout: API and HTML form, lockout, throttling, second factor, bearer tokens.

use chrono::{Duration, Utc};
use dui_domain::policy::Role;
use dui_store::audit::Actor;
use dui_store::testing::engines;
use dui_web::auth::compte::totp_code;
use dui_web::WebConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    client, cookie_value, csrf_of, error_body, message, set_cookies, spawn_app, spawn_app_with,
    PASSWORD,
};

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
        let me: Value = c
            .get(app.url("/api/v1/moi"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["username"], "admin");
        // …and the successful login is audited with the client address.
        let entries = app
            .db
            .store
            .audit_search(
                &dui_store::audit::Filter {
                    action: Some("connexion".into()),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
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
            .db
            .store
            .audit_search(
                &dui_store::audit::Filter {
                    outcome: Some("echec".into()),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
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
        let page = c.get(app.url("/connexion")).send().await.unwrap();
        let csrf = csrf_of(&page.text().await.unwrap());
        let r = c
            .post(app.url("/connexion"))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("_csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
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

/// A code that is wrong now, a step before and a step after.
fn wrong_code(secret: &str, account: &str) -> String {
    let now = Utc::now();
    let valid: Vec<String> = [-60, -30, 0, 30, 60]
        .iter()
        .filter_map(|s| totp_code(secret, account, now + Duration::seconds(*s)))
        .collect();
    (0..10)
        .map(|d| d.to_string().repeat(6))
        .find(|c| !valid.contains(c))
        .unwrap()
}

#[tokio::test]
async fn totp_is_required_once_enabled() {
    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    for engine in engines() {
        let app = spawn_app(engine).await;
        let actor = Actor {
            utilisateur_id: Some(app.admin_id),
            username: "admin".into(),
            ip: None,
        };
        app.db
            .store
            .set_totp(&actor, app.admin_id, Some(SECRET), Utc::now())
            .await
            .unwrap();

        let r = app.login(&client(), "admin", PASSWORD).await;
        assert!(cookie_value(r.headers(), "dui_session").is_none());
        let err = error_body(r, StatusCode::UNAUTHORIZED, "totp_requis").await;
        assert!(
            message(&err).contains("code à usage unique"),
            "{engine}: {err}"
        );

        let session = |password: &str, code: String| {
            client()
                .post(app.url("/api/v1/session"))
                .json(&json!({"username": "admin", "password": password, "totp": code}))
                .send()
        };
        let wrong = wrong_code(SECRET, "admin");
        let r = session(PASSWORD, wrong).await.unwrap();
        error_body(r, StatusCode::UNAUTHORIZED, "identifiants_invalides").await;
        // The second factor is checked only after the password.
        let code = totp_code(SECRET, "admin", Utc::now()).unwrap();
        let r = session("Pas-le-bon-2026", code).await.unwrap();
        error_body(r, StatusCode::UNAUTHORIZED, "identifiants_invalides").await;

        let code = totp_code(SECRET, "admin", Utc::now()).unwrap();
        let r = session(PASSWORD, code.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["user"]["totp_actif"], true);

        // The same code again, within its 30 seconds: refused (single use, RFC 6238 §5.2),
        // and counted as a failed attempt.
        let r = session(PASSWORD, code).await.unwrap();
        error_body(r, StatusCode::UNAUTHORIZED, "identifiants_invalides").await;
        let failures = app
            .db
            .store
            .audit_search(&Default::default(), 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "connexion" && e.outcome == "echec")
            .filter(|e| e.detail.contains("code_totp"))
            .count();
        assert!(failures >= 2, "{engine}: {failures}");
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

        let logouts = app
            .db
            .store
            .audit_search(
                &dui_store::audit::Filter {
                    action: Some("deconnexion".into()),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(logouts.len(), 1, "{engine}");
        assert_eq!(logouts[0].utilisateur_id, Some(app.admin_id));
        app.stop().await;
    }
}

#[tokio::test]
async fn html_login_form_with_its_anti_csrf_cookie() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = client();
        let r = c.get(app.url("/connexion")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let pre = cookie_value(r.headers(), "dui_connexion").expect("cookie dui_connexion");
        assert_eq!(pre.len(), 64);
        let raw = set_cookies(r.headers())
            .into_iter()
            .find(|c| c.starts_with("dui_connexion="))
            .unwrap();
        assert!(
            raw.contains("HttpOnly") && raw.contains("SameSite"),
            "{raw}"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("lang=\"fr\"") && html.contains("Connexion"));
        assert_eq!(
            csrf_of(&html),
            pre,
            "{engine}: le formulaire porte la valeur du cookie"
        );

        // Without the token (or with another one): refused with a French page.
        let r = c
            .post(app.url("/connexion"))
            .form(&[("username", "admin"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(cookie_value(r.headers(), "dui_session").is_none());
        let html = r.text().await.unwrap();
        assert!(
            html.contains("La page de connexion a expiré") && html.contains("lang=\"fr\""),
            "{html}"
        );
        let r = c
            .post(app.url("/connexion"))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("_csrf", &"f".repeat(64)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // A client without the cookie cannot replay someone's token.
        let r = client()
            .post(app.url("/connexion"))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("_csrf", &pre),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // A wrong password shows the form again, in French.
        let r = c
            .post(app.url("/connexion"))
            .form(&[
                ("username", "admin"),
                ("password", "Mauvais-mdp-2026"),
                ("_csrf", &pre),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("Identifiant, mot de passe ou code incorrect, ou compte verrouillé"));

        let r = c
            .post(app.url("/connexion"))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("_csrf", &pre),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(r.headers()["location"], "/");
        let session = set_cookies(r.headers())
            .into_iter()
            .find(|c| c.starts_with("dui_session="))
            .expect("cookie de session");
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite"),
            "{session}"
        );

        let home = c.get(app.url("/")).send().await.unwrap();
        assert_eq!(home.status(), StatusCode::OK);
        let html = home.text().await.unwrap();
        assert!(html.contains("Se déconnecter"));
        // Logged in, the login page sends home.
        assert_eq!(
            c.get(app.url("/connexion")).send().await.unwrap().status(),
            StatusCode::SEE_OTHER
        );

        // `suivant` only accepts local paths.
        let c2 = client();
        let csrf2 = csrf_of(
            &c2.get(app.url("/connexion?suivant=/admin/audit"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        let r = c2
            .post(app.url("/connexion"))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("_csrf", &csrf2),
                ("suivant", "//evil.example/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/");

        // Logging out through the form ends the session.
        let csrf = csrf_of(&html);
        let r = c
            .post(app.url("/deconnexion"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/connexion");
        let r = c.get(app.url("/")).send().await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{engine}: déconnecté, renvoyé vers la connexion"
        );
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/connexion"));
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
        let actor = Actor {
            utilisateur_id: Some(app.admin_id),
            username: "admin".into(),
            ip: None,
        };
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
async fn after_login_only_local_pages() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let cases = [
            (
                "/admin/audit?utilisateur=admin",
                "/admin/audit?utilisateur=admin",
            ),
            ("https://evil.example/", "/"),
            ("//evil.example/", "/"),
            ("/\\evil.example/", "/"),
            // Browsers drop tabs and line breaks from URLs: "/\t/x" would be "//x".
            ("/\t/evil.example/", "/"),
            ("/\n/evil.example/", "/"),
            ("/compte\r\nSet-Cookie: x=y", "/"),
        ];
        for (suivant, expected) in cases {
            let c = client();
            let csrf = csrf_of(
                &c.get(app.url("/connexion"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap(),
            );
            let r = c
                .post(app.url("/connexion"))
                .form(&[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("_csrf", &csrf),
                    ("suivant", suivant),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "{engine}: suivant = {suivant:?}"
            );
            assert_eq!(
                r.headers()["location"],
                expected,
                "{engine}: suivant = {suivant:?}"
            );
        }
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
            .db
            .store
            .audit_search(
                &dui_store::audit::Filter {
                    outcome: Some("echec".into()),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
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

#[tokio::test]
async fn required_second_factor_is_enrolled_from_the_account_page() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = Actor {
            utilisateur_id: Some(app.admin_id),
            username: "admin".into(),
            ip: None,
        };
        app.db
            .store
            .set_totp_required_roles(&admin, &[Role::Medecin], Utc::now())
            .await
            .unwrap();
        app.create_user("medecin", Role::Medecin, &[app.etablissement_id])
            .await;

        let c = client();
        let body: Value = app
            .login(&c, "medecin", PASSWORD)
            .await
            .json()
            .await
            .unwrap();
        let token = body["token"].as_str().unwrap().to_string();
        let err = error_body(
            app.get(&token, "/api/v1/etablissements").await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        assert!(message(&err).contains("/compte/totp"), "{engine}: {err}");
        let r = c.get(app.url("/")).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/compte/totp");

        let html = c
            .get(app.url("/compte/totp"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Votre profil impose la double authentification"),
            "{html}"
        );
        let csrf = csrf_of(&html);
        let marker = "name=\"secret\" value=\"";
        let i = html.find(marker).unwrap() + marker.len();
        let secret = html[i..].split('"').next().unwrap().to_string();
        assert!(secret.len() >= 26, "{secret}");

        let wrong = wrong_code(&secret, "medecin");
        let r = c
            .post(app.url("/compte/totp"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("secret", &secret),
                ("code", &wrong),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("Le code saisi ne correspond pas"));
        let enrol_code = totp_code(&secret, "medecin", Utc::now()).unwrap();
        let r = c
            .post(app.url("/compte/totp"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("secret", &secret),
                ("code", &enrol_code),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(r.headers()["location"], "/compte?fait=totp-active");
        assert_eq!(
            app.get(&token, "/api/v1/etablissements").await.status(),
            StatusCode::OK
        );

        // Required by the profile: it cannot be turned off.
        let code = totp_code(&secret, "medecin", Utc::now()).unwrap();
        let r = c
            .post(app.url("/compte/totp"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("desactiver", "1"),
                ("code", &code),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("ne peut être désactivée"));

        // From now on the code is asked at login.
        error_body(
            app.login(&client(), "medecin", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "totp_requis",
        )
        .await;
        // The code typed to enrol was used: it cannot open a session. The next one (its
        // phone a little ahead: one step of drift is accepted) can.
        let login = |code: String| {
            client()
                .post(app.url("/api/v1/session"))
                .json(&json!({"username": "medecin", "password": PASSWORD, "totp": code}))
                .send()
        };
        error_body(
            login(enrol_code).await.unwrap(),
            StatusCode::UNAUTHORIZED,
            "identifiants_invalides",
        )
        .await;
        let next = totp_code(&secret, "medecin", Utc::now() + Duration::seconds(30)).unwrap();
        assert_eq!(
            login(next).await.unwrap().status(),
            StatusCode::OK,
            "{engine}"
        );
        app.stop().await;
    }
}

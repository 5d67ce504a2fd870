//! The second factor: required once enabled, enrolled from the account page when the role requires it.

use super::*;

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
        let actor = app.admin_actor();
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
async fn required_second_factor_is_enrolled_from_the_account_page() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.admin_actor();
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
        let r = app.get_with(&c, "/").await;
        assert_eq!(r.headers()["location"], "/compte/totp");

        let html = app.get_with(&c, "/compte/totp").await.text().await.unwrap();
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
        let r = app
            .post_form(
                &c,
                "/compte/totp",
                &[
                    ("_csrf", csrf.as_str()),
                    ("secret", &secret),
                    ("code", &wrong),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("Le code saisi ne correspond pas"));
        let enrol_code = totp_code(&secret, "medecin", Utc::now()).unwrap();
        let r = app
            .post_form(
                &c,
                "/compte/totp",
                &[
                    ("_csrf", csrf.as_str()),
                    ("secret", &secret),
                    ("code", &enrol_code),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(r.headers()["location"], "/compte?fait=totp-active");
        assert_eq!(
            app.get(&token, "/api/v1/etablissements").await.status(),
            StatusCode::OK
        );

        // Required by the profile: it cannot be turned off.
        let code = totp_code(&secret, "medecin", Utc::now()).unwrap();
        let r = app
            .post_form(
                &c,
                "/compte/totp",
                &[
                    ("_csrf", csrf.as_str()),
                    ("desactiver", "1"),
                    ("code", &code),
                ],
            )
            .await;
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

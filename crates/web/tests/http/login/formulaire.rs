//! The HTML login form, its anti-CSRF cookie, and the local pages a login may lead to.

use super::*;

#[tokio::test]
async fn html_login_form_with_its_anti_csrf_cookie() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = client();
        let r = app.get_with(&c, "/connexion").await;
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
        let r = app
            .post_form(
                &c,
                "/connexion",
                &[("username", "admin"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(cookie_value(r.headers(), "dui_session").is_none());
        let html = r.text().await.unwrap();
        assert!(
            html.contains("La page de connexion a expiré") && html.contains("lang=\"fr\""),
            "{html}"
        );
        let r = app
            .post_form(
                &c,
                "/connexion",
                &[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("_csrf", &"f".repeat(64)),
                ],
            )
            .await;
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
        let r = app
            .post_form(
                &c,
                "/connexion",
                &[
                    ("username", "admin"),
                    ("password", "Mauvais-mdp-2026"),
                    ("_csrf", &pre),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("Identifiant, mot de passe ou code incorrect, ou compte verrouillé"));

        let r = app
            .post_form(
                &c,
                "/connexion",
                &[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("_csrf", &pre),
                ],
            )
            .await;
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

        let home = app.get_with(&c, "/").await;
        assert_eq!(home.status(), StatusCode::OK);
        let html = home.text().await.unwrap();
        assert!(html.contains("Se déconnecter"));
        // Logged in, the login page sends home.
        assert_eq!(
            app.get_with(&c, "/connexion").await.status(),
            StatusCode::SEE_OTHER
        );

        // `suivant` only accepts local paths.
        let c2 = client();
        let csrf2 = csrf_of(
            &app.get_with(&c2, "/connexion?suivant=/admin/audit")
                .await
                .text()
                .await
                .unwrap(),
        );
        let r = app
            .post_form(
                &c2,
                "/connexion",
                &[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("_csrf", &csrf2),
                    ("suivant", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(r.headers()["location"], "/");

        // Logging out through the form ends the session.
        let csrf = csrf_of(&html);
        let r = app
            .post_form(&c, "/deconnexion", &[("_csrf", csrf.as_str())])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/connexion");
        let r = app.get_with(&c, "/").await;
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
            let csrf = csrf_of(&app.get_with(&c, "/connexion").await.text().await.unwrap());
            let r = app
                .post_form(
                    &c,
                    "/connexion",
                    &[
                        ("username", "admin"),
                        ("password", PASSWORD),
                        ("_csrf", &csrf),
                        ("suivant", suivant),
                    ],
                )
                .await;
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

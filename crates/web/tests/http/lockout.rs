//! Lockout, throttling and bounded password checks under parallel and repeated logins.

use std::time::Duration;

use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::hash_password;
use dui_store::audit::Filter;
use dui_store::testing::engines;
use dui_web::WebConfig;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    client, csrf_of, error_body, message, spawn_app_with, user_input, TestApp, PASSWORD,
};

const WRONG: &str = "Mauvais-mot-de-passe-1";

/// A generous wait for a password-check slot: the test machine may be slow.
fn patient() -> WebConfig {
    WebConfig {
        password_wait: Duration::from_secs(60),
        ..WebConfig::default()
    }
}

/// The failed logins of the audit, by reason.
async fn failures(app: &TestApp, reason: &str) -> usize {
    app.audit(
        &Filter {
            outcome: Some("echec".into()),
            ..Default::default()
        },
        1000,
    )
    .await
    .iter()
    .filter(|e| e.action == "connexion")
    .filter(|e| e.detail.contains(&format!("\"{reason}\"")))
    .count()
}

/// Status and body of an API login.
async fn attempt(app: &TestApp, username: &str, password: &str) -> (StatusCode, Value) {
    let r = app.login(&client(), username, password).await;
    (r.status(), r.json().await.unwrap())
}

#[tokio::test]
async fn parallel_wrong_passwords_check_five_at_most() {
    for engine in engines() {
        let app = spawn_app_with(engine, patient()).await;
        let tries = (0..20).map(|_| attempt(&app, "admin", WRONG));
        let answers = futures_join_all(tries).await;
        let first = answers[0].clone();
        assert_eq!(first.0, StatusCode::UNAUTHORIZED, "{engine}");
        assert!(
            answers.iter().all(|a| *a == first),
            "{engine}: toutes les réponses sont identiques"
        );
        // Five passwords hashed and counted, the other fifteen refused unchecked.
        assert_eq!(failures(&app, "mot_de_passe").await, 5, "{engine}");
        let unchecked = failures(&app, "compte_verrouille").await
            + failures(&app, "tentatives_simultanees").await;
        assert_eq!(unchecked, 15, "{engine}");
        let u = app.db.store.credentials("admin").await.unwrap().unwrap();
        assert!(u.user.verrouille_jusqua.is_some(), "{engine}: verrouillé");
        app.stop().await;
    }
}

/// Runs the futures concurrently on this task.
async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in fs {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.unwrap()).collect()
}

#[tokio::test]
async fn during_the_lock_the_right_password_is_answered_like_a_wrong_one() {
    for engine in engines() {
        let app = spawn_app_with(engine, patient()).await;
        for _ in 0..5 {
            assert_eq!(
                attempt(&app, "admin", WRONG).await.0,
                StatusCode::UNAUTHORIZED
            );
        }
        let wrong = attempt(&app, "admin", WRONG).await;
        let right = attempt(&app, "admin", PASSWORD).await;
        let unknown = attempt(&app, "personne", PASSWORD).await;
        assert_eq!(
            right, wrong,
            "{engine}: le bon mot de passe ne se distingue pas"
        );
        assert_eq!(unknown, wrong, "{engine}: ni d'un nom inconnu");
        assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.1["error"]["code"], "identifiants_invalides");
        let text = wrong.1["error"]["message"].as_str().unwrap();
        assert!(
            text.contains("incorrect") && text.contains("verrouillé"),
            "{text}"
        );
        // Nothing was hashed during the lock.
        assert_eq!(failures(&app, "mot_de_passe").await, 5, "{engine}");
        assert_eq!(failures(&app, "compte_verrouille").await, 2, "{engine}");

        // The HTML form says the same, with the same status.
        let c = client();
        let page = app.get_with(&c, "/connexion").await;
        let csrf = csrf_of(&page.text().await.unwrap());
        let form = |password: &'static str| {
            c.post(app.url("/connexion"))
                .form(&[
                    ("username", "admin"),
                    ("password", password),
                    ("_csrf", &csrf),
                ])
                .send()
        };
        let (r_right, r_wrong) = (form(PASSWORD).await.unwrap(), form(WRONG).await.unwrap());
        assert_eq!(r_right.status(), StatusCode::UNAUTHORIZED, "{engine}");
        assert_eq!(r_wrong.status(), StatusCode::UNAUTHORIZED);
        let (h_right, h_wrong) = (r_right.text().await.unwrap(), r_wrong.text().await.unwrap());
        assert!(
            h_right.contains(text) && h_wrong.contains(text),
            "{h_right}"
        );

        // Once the lock is over, the right password opens a session.
        app.db
            .exec("UPDATE utilisateur SET verrouille_jusqua = '2000-01-01T00:00:00.000000Z' WHERE username = 'admin'")
            .await
            .unwrap();
        let (status, body) = attempt(&app, "admin", PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        assert_eq!(body["user"]["username"], "admin");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_shift_logs_in_from_one_address_while_guessing_is_throttled() {
    for engine in engines() {
        let app = spawn_app_with(engine, patient()).await;
        let seed = app.admin_actor();
        let hash = hash_password(PASSWORD).unwrap();
        for k in 0..40 {
            let input = user_input(
                &format!("soignant{k}"),
                Role::AideSoignant,
                &[app.etablissement_id],
            );
            app.db
                .store
                .create_utilisateur(&seed, &input, &hash, false, Utc::now())
                .await
                .unwrap();
        }
        // Forty staff logging in from the same address within a minute all get in.
        let names: Vec<String> = (0..40).map(|k| format!("soignant{k}")).collect();
        let logins = names.iter().map(|n| attempt(&app, n, PASSWORD));
        for (k, (status, body)) in futures_join_all(logins).await.into_iter().enumerate() {
            assert_eq!(status, StatusCode::OK, "{engine}: soignant{k}: {body}");
        }
        // Failures from that address are counted, and past thirty a minute refused, in
        // French, with the time to wait.
        for k in 0..30 {
            let (status, _) = attempt(&app, &format!("inconnu{k}"), WRONG).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{engine}: échec {k}");
        }
        let r = app.login(&client(), "soignant1", PASSWORD).await;
        assert_eq!(r.headers()["retry-after"], "60");
        let err = error_body(r, StatusCode::TOO_MANY_REQUESTS, "trop_de_tentatives").await;
        assert!(message(&err).contains("Trop de tentatives"), "{err}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_login_storm_waits_in_line_then_gets_a_french_503() {
    for engine in engines() {
        let config = WebConfig {
            password_checks: 1,
            password_wait: Duration::from_millis(1),
            ..WebConfig::default()
        };
        let app = spawn_app_with(engine, config).await;
        let storm = (0..20).map(|_| async {
            let c = client();
            app.login(&c, "admin", PASSWORD).await
        });
        let mut busy = 0;
        for r in futures_join_all(storm).await {
            match r.status() {
                StatusCode::OK => {}
                StatusCode::SERVICE_UNAVAILABLE => {
                    busy += 1;
                    assert_eq!(r.headers()["retry-after"], "5");
                    let err =
                        error_body(r, StatusCode::SERVICE_UNAVAILABLE, "service_indisponible")
                            .await;
                    assert!(message(&err).contains("réessayez"), "{err}");
                }
                other => panic!("{engine}: statut {other}"),
            }
        }
        assert!(busy > 0, "{engine}: une seule vérification à la fois");
        // A refusal for load is not a failed password.
        let c = app.db.store.credentials("admin").await.unwrap().unwrap();
        assert_eq!(c.echecs, 0, "{engine}");
        app.stop().await;
    }
}

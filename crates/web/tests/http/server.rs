//! The server against slow clients (headers, bodies, idle connections, connection cap) and
//! the security headers of every answer.

use std::time::{Duration, Instant};

use dui_domain::policy::Role;
use dui_store::testing::engines;
use dui_web::WebConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{client, spawn_app, spawn_app_with, TestApp, PASSWORD};

/// Reads until the server closes the connection (at most `limit`); what it sent.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read_all).await.ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

#[tokio::test]
async fn partial_headers_and_idle_connections_are_cut_off() {
    for engine in engines() {
        let config = WebConfig {
            header_read_timeout: Duration::from_millis(500),
            ..WebConfig::default()
        };
        let app = spawn_app_with(engine, config).await;
        let started = Instant::now();
        let mut partial = connect(&app).await;
        partial
            .write_all(b"GET /connexion HTTP/1.1\r\nHost: dui\r\nX-Lent: 1")
            .await
            .unwrap();
        let mut idle = connect(&app).await;
        assert!(
            read_until_closed(&mut partial, Duration::from_secs(10))
                .await
                .is_some(),
            "{engine}: en-têtes partiels, connexion gardée ouverte"
        );
        assert!(
            read_until_closed(&mut idle, Duration::from_secs(10))
                .await
                .is_some(),
            "{engine}: connexion muette gardée ouverte"
        );
        assert!(started.elapsed() >= Duration::from_millis(400));
        // A kept-alive connection is served, then cut once idle.
        let mut kept = connect(&app).await;
        kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: dui\r\n\r\n")
            .await
            .unwrap();
        let served = read_until_closed(&mut kept, Duration::from_secs(10))
            .await
            .expect("fermée après inactivité");
        assert!(served.starts_with("HTTP/1.1 200"), "{served}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_slow_body_gets_a_french_408_and_the_connection_is_closed() {
    for engine in engines() {
        let config = WebConfig {
            body_timeout: Duration::from_secs(1),
            ..WebConfig::default()
        };
        let app = spawn_app_with(engine, config).await;
        let mut slow = connect(&app).await;
        slow.write_all(
            b"POST /api/v1/session HTTP/1.1\r\nHost: dui\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"username\": \"ad",
        )
        .await
        .unwrap();
        // A byte now and then does not keep the request alive.
        let started = Instant::now();
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        while started.elapsed() < Duration::from_secs(10) {
            tokio::select! {
                n = slow.read(&mut buf) => match n {
                    Ok(0) | Err(_) => break,
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                },
                _ = tick.tick(), if answer.is_empty() => {
                    let _ = slow.write_all(b" ").await;
                }
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{engine}: connexion gardée ouverte"
        );
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 408"), "{engine}: {answer}");
        assert!(answer.contains("envoi_trop_lent"), "{answer}");
        assert!(answer.contains("trop lentement"), "{answer}");
        // An ordinary body is unaffected.
        let r = app.login(&client(), "admin", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_one() {
    for engine in engines() {
        let config = WebConfig {
            max_connections: 2,
            header_read_timeout: Duration::from_secs(1),
            ..WebConfig::default()
        };
        let app = spawn_app_with(engine, config).await;
        let _a = connect(&app).await;
        let _b = connect(&app).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = Instant::now();
        let r = reqwest::Client::new()
            .get(app.url("/healthz"))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        // Served only once an idle connection was cut.
        assert!(
            started.elapsed() >= Duration::from_millis(700),
            "{engine}: {:?}",
            started.elapsed()
        );
        app.stop().await;
    }
}

/// Checks the security headers of `r`; returns its `Cache-Control`.
fn secured(r: &reqwest::Response, what: &str) -> String {
    let h = r.headers();
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let csp = get("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    get("cache-control")
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        app.create_user("secr", Role::Secretariat, &[app.etablissement_id])
            .await;
        let token = app.token("secr").await;
        let r = client()
            .post(app.url("/api/v1/usagers"))
            .bearer_auth(&token)
            .json(&json!({
                "nom_naissance": "Dupont",
                "prenoms": ["Hélène"],
                "date_naissance": "1938-04-12",
                "sexe": "F",
                "etablissement": app.etablissement_finess,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(secured(&r, "création"), "no-store");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

        let r = client().get(app.url("/connexion")).send().await.unwrap();
        assert_eq!(secured(&r, "connexion"), "no-store", "{engine}");

        let c = app.browser("secr").await;
        let r = app.get_with(&c, &format!("/usagers/{id}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(secured(&r, "dossier"), "no-store", "{engine}");

        let r = client()
            .get(app.url(&format!("/api/v1/usagers/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(secured(&r, "API"), "no-store", "{engine}");

        let r = client()
            .get(app.url("/api/v1/usagers/999999"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(secured(&r, "erreur"), "no-store");

        // Assets stay cacheable (they carry no person data).
        let r = client()
            .get(app.url("/static/app.css"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(secured(&r, "feuille de style"), "public, max-age=3600");
        app.stop().await;
    }
}

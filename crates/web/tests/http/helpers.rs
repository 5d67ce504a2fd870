//! `spawn_app()`: a real server on a free port over a fresh database, a seeded organisation
//! and administrator, and clients that keep cookies and never follow redirects.

use chrono::Utc;
use dui_domain::identifiers::Finess;
use dui_domain::policy::Role;
use dui_store::admin::organisation::{EtablissementInput, OrganismeInput};
use dui_store::admin::utilisateur::{hash_password, UtilisateurInput};
use dui_store::testing::TestDb;
use dui_web::{App, WebConfig};
use reqwest::header::HeaderMap;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod fixtures;
mod requests;

pub use fixtures::{dupont, installer, person};

/// Password of the seeded administrator (and of accounts made by [`TestApp::create_user`]).
pub const PASSWORD: &str = "Mot-de-passe-Test-2026";

/// A running application.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The database behind it.
    pub db: TestDb,
    /// Seeded organisme.
    pub organisme_id: i64,
    /// Seeded établissement.
    pub etablissement_id: i64,
    /// Its FINESS.
    pub etablissement_finess: String,
    /// The administrator account `admin`.
    pub admin_id: i64,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

/// Starts the application with the default settings.
pub async fn spawn_app(engine: &str) -> TestApp {
    spawn_app_with(engine, WebConfig::default()).await
}

/// Starts the application with `config`.
pub async fn spawn_app_with(engine: &str, config: WebConfig) -> TestApp {
    spawn(engine, config, None).await
}

/// Starts the application with the default settings and an INSi client.
pub async fn spawn_app_with_insi(
    engine: &str,
    insi: std::sync::Arc<dyn dui_interop::insi::Insi>,
) -> TestApp {
    spawn(engine, WebConfig::default(), Some(insi)).await
}

async fn spawn(
    engine: &str,
    config: WebConfig,
    insi: Option<std::sync::Arc<dyn dui_interop::insi::Insi>>,
) -> TestApp {
    let db = TestDb::new(engine).await.expect("base de test");
    let store = db.store.clone();
    let now = Utc::now();
    let seed = installer();
    let organisme_id = store
        .create_organisme(
            &seed,
            &OrganismeInput {
                nom: "Association Test".into(),
                finess_juridique: finess(69, 1),
                siren: None,
                adresse: None,
            },
            now,
        )
        .await
        .expect("organisme");
    let etablissement_finess = finess(69, 100);
    let etablissement_id = store
        .create_etablissement(
            &seed,
            &EtablissementInput {
                organisme_id,
                nom: "EHPAD Les Tilleuls".into(),
                finess: etablissement_finess.clone(),
                siret: None,
                categorie: "500".into(),
                domaine: dui_domain::organisation::Domaine::Pa,
                capacite: Some(80),
                adresse: None,
                actif: true,
            },
            now,
        )
        .await
        .expect("établissement");
    let hash = hash_password(PASSWORD).expect("hash");
    let admin_id = store
        .create_utilisateur(
            &seed,
            &user_input("admin", Role::Administrateur, &[]),
            &hash,
            false,
            now,
        )
        .await
        .expect("admin");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (shutdown, rx) = oneshot::channel::<()>();
    let app = match insi {
        Some(insi) => App::new(store, config).with_insi(insi),
        None => App::new(store, config),
    };
    let server = tokio::spawn(dui_web::serve(listener, app, async {
        let _ = rx.await;
    }));
    TestApp {
        base,
        db,
        organisme_id,
        etablissement_id,
        etablissement_finess,
        admin_id,
        shutdown,
        server,
    }
}

/// An account input.
pub fn user_input(username: &str, role: Role, etablissements: &[i64]) -> UtilisateurInput {
    UtilisateurInput {
        username: username.into(),
        nom: "Durand".into(),
        prenom: "Dominique".into(),
        email: None,
        role,
        identifiant_pro: None,
        actif: true,
        etablissements: etablissements.to_vec(),
        usager_id: None,
    }
}

/// A client with a cookie jar that does not follow redirects.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A valid FINESS number from a département and a serial.
pub fn finess(dept: u32, serial: u32) -> String {
    (0..10)
        .map(|k| format!("{dept:02}{serial:06}{k}"))
        .find(|s| Finess::parse(s).is_ok())
        .expect("clé FINESS")
}

/// The same FINESS with a wrong key.
pub fn bad_finess(dept: u32, serial: u32) -> String {
    let good = finess(dept, serial);
    let key = good.as_bytes()[8] - b'0';
    format!("{}{}", &good[..8], (key + 1) % 10)
}

impl TestApp {
    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates an account through the store (no password change pending).
    pub async fn create_user(&self, username: &str, role: Role, etablissements: &[i64]) -> i64 {
        let hash = hash_password(PASSWORD).expect("hash");
        let seed = self.admin_actor();
        self.db
            .store
            .create_utilisateur(
                &seed,
                &user_input(username, role, etablissements),
                &hash,
                false,
                Utc::now(),
            )
            .await
            .expect("compte")
    }

    /// `POST /api/v1/session` with `client`.
    pub async fn login(&self, client: &Client, username: &str, password: &str) -> Response {
        client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("requête")
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let r = self.login(&client(), username, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "connexion de {username}");
        let body: Value = r.json().await.expect("json");
        body["token"].as_str().expect("token").to_string()
    }

    /// The administrator's bearer token.
    pub async fn admin_token(&self) -> String {
        self.token("admin").await
    }

    /// Seals every pending audit entry (the background sealer may be running too).
    pub async fn seal_all(&self) {
        for _ in 0..200 {
            self.db
                .store
                .audit_seal(Utc::now())
                .await
                .expect("scellement");
            if self
                .db
                .store
                .audit_verify()
                .await
                .expect("vérification")
                .unsealed
                == 0
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("des entrées du journal restent non scellées");
    }

    /// Stops the server and drops the database.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        match tokio::time::timeout(std::time::Duration::from_secs(15), self.server).await {
            Ok(joined) => joined.expect("tâche serveur").expect("serveur"),
            Err(_) => panic!("le serveur ne s'arrête pas"),
        }
        self.db.cleanup().await;
    }
}

/// Reads the JSON error body `{"error": {"code", "message", "fields"?}}`, checking its shape.
pub async fn error_body(r: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(r.status(), status, "statut pour {code}");
    assert!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "{code}: corps JSON attendu"
    );
    let body: Value = r.json().await.expect("json");
    let err = &body["error"];
    assert_eq!(err["code"], code, "{body}");
    let message = err["message"].as_str().expect("message");
    assert!(!message.is_empty());
    err.clone()
}

/// The `message` of an error object.
pub fn message(err: &Value) -> &str {
    err["message"].as_str().unwrap_or_default()
}

/// Every `Set-Cookie` value.
pub fn set_cookies(h: &HeaderMap) -> Vec<String> {
    h.get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect()
}

/// The value of cookie `name` set by a response.
pub fn cookie_value(h: &HeaderMap, name: &str) -> Option<String> {
    set_cookies(h).iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .map(|rest| rest.split(';').next().unwrap_or("").to_string())
    })
}

/// The anti-CSRF token of a page: the hidden `_csrf` field, which must match `hx-headers`.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let i = html.find(marker).expect("champ _csrf") + marker.len();
    let token = html[i..].split('"').next().expect("valeur").to_string();
    assert!(
        html.contains(&format!("hx-headers='{{\"X-CSRF-Token\": \"{token}\"}}'")),
        "hx-headers porte le même jeton"
    );
    token
}

/// Fetches a page with `client` (expects 200) and returns its HTML.
pub async fn html(app: &TestApp, client: &Client, path: &str) -> String {
    let r = app.get_with(client, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.expect("html")
}

/// Fetches a page with `client` and returns its anti-CSRF token.
pub async fn csrf_from(app: &TestApp, client: &Client, path: &str) -> String {
    csrf_of(&html(app, client, path).await)
}

//! What is typed, at the boundary: for every text input of every operation of the OpenAPI
//! document (request bodies walked from their schemas, path and query parameters), a value
//! with a NUL byte, a value one character over its `maxLength` and a search with one word too
//! many get a French 4xx naming the field (400 for the login, 422 otherwise), never a 500, and
//! nothing is written. The same for the HTML forms (login, circle, search, photo).

mod corps;

use dui_domain::policy::Role;
use dui_store::audit::Filter;
use dui_store::testing::engines;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use corps::base_body;

use crate::helpers::{client, csrf_from, csrf_of, html, TestApp, PASSWORD};

/// One step into a request body.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Item,
}

/// Every text leaf of a schema: where it is, its `maxLength`.
fn text_leaves(doc: &Value, schema: &Value, at: Vec<Step>, out: &mut Vec<(Vec<Step>, u64)>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return text_leaves(doc, &doc["components"]["schemas"][name], at, out);
    }
    let text = schema["type"] == "string"
        || schema["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x == "string"));
    if text {
        let max = schema["maxLength"]
            .as_u64()
            .unwrap_or_else(|| panic!("{at:?}: a text without maxLength"));
        out.push((at.clone(), max));
    }
    if let Some(props) = schema["properties"].as_object() {
        for (k, v) in props {
            let mut next = at.clone();
            next.push(Step::Key(k.clone()));
            text_leaves(doc, v, next, out);
        }
    }
    if schema["items"].is_object() {
        let mut next = at.clone();
        next.push(Step::Item);
        text_leaves(doc, &schema["items"], next, out);
    }
    // A flattened type (`allOf`) or a nullable reference (`oneOf`).
    for key in ["allOf", "oneOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            text_leaves(doc, part, at.clone(), out);
        }
    }
}

/// `body` with `v` at `at` (an array gets one item, an object member is added).
fn with(body: &Value, at: &[Step], v: Value) -> Value {
    let mut out = body.clone();
    let mut cur = &mut out;
    for (i, step) in at.iter().enumerate() {
        let last = i + 1 == at.len();
        match step {
            Step::Key(k) => {
                if !cur.is_object() {
                    *cur = json!({});
                }
                let slot = cur
                    .as_object_mut()
                    .unwrap()
                    .entry(k.clone())
                    .or_insert(Value::Null);
                cur = slot;
            }
            Step::Item => {
                if cur.as_array().is_none_or(|a| a.is_empty()) {
                    *cur = json!([Value::Null]);
                }
                cur = &mut cur.as_array_mut().unwrap()[0];
            }
        }
        if last {
            *cur = v.clone();
        }
    }
    out
}

fn field_of(at: &[Step]) -> String {
    at.iter()
        .rev()
        .find_map(|s| match s {
            Step::Key(k) => Some(k.clone()),
            Step::Item => None,
        })
        .unwrap_or_default()
}

/// What the bad value is, and what the French message must say.
#[derive(Clone, Copy, Debug)]
enum Bad {
    Nul,
    TooLong(u64),
    TooManyWords(u64),
}

impl Bad {
    fn text(self) -> String {
        match self {
            Bad::Nul => "a\u{0}b".into(),
            Bad::TooLong(max) => "a".repeat(max as usize + 1),
            Bad::TooManyWords(max) => vec!["mot"; max as usize + 1].join(" "),
        }
    }

    fn says(self) -> String {
        match self {
            Bad::Nul => "caractère de contrôle (U+0000)".into(),
            Bad::TooLong(max) => format!("ne peut dépasser {max} caractères"),
            Bad::TooManyWords(max) => format!("plus de {max} mots"),
        }
    }
}

/// Percent-encodes a value for a path or a query string.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Ids behind the path parameters.
struct Ids {
    usager: i64,
    entourage: i64,
    professionnel: i64,
    utilisateur: i64,
}

fn concrete(app: &TestApp, ids: &Ids, path: &str, bad: Option<(&str, &str)>) -> String {
    let first = path
        .trim_start_matches("/api/v1/")
        .split('/')
        .next()
        .unwrap_or_default();
    path.split('/')
        .map(|seg| {
            let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                return seg.to_string();
            };
            if let Some((n, v)) = bad {
                if n == name {
                    return enc(v);
                }
            }
            match (name, first) {
                ("id", "organismes") => app.organisme_id.to_string(),
                ("id", "etablissements") => app.etablissement_id.to_string(),
                ("id", "utilisateurs") => ids.utilisateur.to_string(),
                ("id", _) => ids.usager.to_string(),
                ("eid", _) => ids.entourage.to_string(),
                ("pid", _) => ids.professionnel.to_string(),
                ("role", _) => "medecin_traitant".into(),
                ("date", _) => "2026-02-02".into(),
                _ => "1".into(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What the database holds: rows of every table a request may write, and the audit.
async fn fingerprint(app: &TestApp) -> Vec<usize> {
    let s = &app.db.store;
    vec![
        s.usager_count().await.unwrap() as usize,
        s.organismes().await.unwrap().len(),
        s.etablissements(None).await.unwrap().len(),
        s.unites(app.etablissement_id).await.unwrap().len(),
        s.utilisateurs().await.unwrap().len(),
        s.professionnels("", 200).await.unwrap().len(),
        s.audit_search(&Filter::default(), 100_000)
            .await
            .unwrap()
            .len(),
    ]
}

async fn send(
    api: &Client,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut rb = api.request(
        Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
        url,
    );
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(b);
    }
    rb.send().await.unwrap()
}

/// Checks a refusal: the status, a JSON error whose French message says why and names the
/// field (in `fields` for a 422).
async fn refused(r: reqwest::Response, login: bool, field: &str, bad: Bad, what: &str) {
    let status = r.status();
    let body: Value = r.json().await.unwrap_or_default();
    let expected = if login {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    assert_eq!(status, expected, "{what}: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&bad.says()), "{what}: {message}");
    assert!(
        message.contains(&format!("« {field} »")),
        "{what}: {message}"
    );
    if !login {
        assert!(body["error"]["fields"][field].is_string(), "{what}: {body}");
    }
}

#[tokio::test]
async fn every_text_input_of_the_api_refuses_control_characters_and_overlong_values() {
    for engine in engines() {
        let app = crate::helpers::spawn_app(engine).await;
        let api = Client::new();
        let admin = app.admin_token().await;
        let utilisateur = app
            .create_user("saisie.dir", Role::Direction, &[app.etablissement_id])
            .await;
        let dir = app.token("saisie.dir").await;
        let post = |path: &str, body: Value| {
            let (api, dir, url) = (api.clone(), dir.clone(), app.url(path));
            async move {
                let r = send(&api, "post", &url, Some(&dir), Some(&body)).await;
                assert!(r.status().is_success(), "{url}: {}", r.status());
                r.json::<Value>().await.unwrap_or_default()
            }
        };
        let usager = post("/api/v1/usagers", base_body(&app, "IdentiteFields")).await["id"]
            .as_i64()
            .unwrap();
        let entourage = post(
            &format!("/api/v1/usagers/{usager}/entourage"),
            base_body(&app, "EntourageFields"),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let professionnel = post(
            "/api/v1/professionnels",
            base_body(&app, "ProfessionnelFields"),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let ids = Ids {
            usager,
            entourage,
            professionnel,
            utilisateur,
        };
        let doc: Value = app
            .get_with(&api, "/api/v1/openapi.json")
            .await
            .json()
            .await
            .unwrap();
        let before = fingerprint(&app).await;

        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let login = path == "/api/v1/session";
                let tag = op["tags"][0].as_str().unwrap_or_default();
                let token = match tag {
                    "Session" if login => None,
                    "Organisation" | "Comptes" | "Habilitations" | "Audit" => Some(admin.as_str()),
                    _ => Some(dir.as_str()),
                };
                let schema = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                    .as_str()
                    .map(|r| r.trim_start_matches("#/components/schemas/").to_string());
                let base = schema.as_deref().map(|s| base_body(&app, s));
                let what = |detail: &str| format!("{engine}: {method} {path} {detail}");

                for p in op["parameters"].as_array().unwrap() {
                    let name = p["name"].as_str().unwrap();
                    let mut bads = vec![Bad::Nul];
                    if let Some(max) = p["schema"]["maxLength"].as_u64() {
                        bads.push(Bad::TooLong(max));
                    }
                    if let Some(max) = p["schema"]["x-mots-max"].as_u64() {
                        bads.push(Bad::TooManyWords(max));
                    }
                    for bad in bads {
                        let url = if p["in"] == "path" {
                            app.url(&concrete(&app, &ids, path, Some((name, &bad.text()))))
                        } else {
                            format!(
                                "{}?{name}={}",
                                app.url(&concrete(&app, &ids, path, None)),
                                enc(&bad.text())
                            )
                        };
                        let r = send(&api, method, &url, token, base.as_ref()).await;
                        refused(r, login, name, bad, &what(&format!("{name} {bad:?}"))).await;
                        checked += 1;
                    }
                }

                if let Some(base) = &base {
                    let mut leaves = Vec::new();
                    text_leaves(
                        &doc,
                        &op["requestBody"]["content"]["application/json"]["schema"],
                        Vec::new(),
                        &mut leaves,
                    );
                    for (at, max) in leaves {
                        let field = field_of(&at);
                        for bad in [Bad::Nul, Bad::TooLong(max)] {
                            let body = with(base, &at, Value::String(bad.text()));
                            let url = app.url(&concrete(&app, &ids, path, None));
                            let r = send(&api, method, &url, token, Some(&body)).await;
                            refused(r, login, &field, bad, &what(&format!("{at:?} {bad:?}"))).await;
                            checked += 1;
                        }
                    }
                }
            }
        }
        eprintln!("{engine}: {checked} refusals checked");
        assert!(checked > 150, "{engine}: {checked} cases only");
        assert_eq!(
            fingerprint(&app).await,
            before,
            "{engine}: something was written"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn html_forms_refuse_control_characters_and_overlong_values() {
    for engine in engines() {
        let app = crate::helpers::spawn_app(engine).await;
        app.create_user("saisie.secr", Role::Direction, &[app.etablissement_id])
            .await;
        let token = app.token("saisie.secr").await;
        let r = app
            .post_json(
                &token,
                "/api/v1/usagers",
                &base_body(&app, "IdentiteFields"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let before = fingerprint(&app).await;

        // The login form: 400, whatever the field.
        let c = client();
        let csrf = csrf_from(&app, &c, "/connexion").await;
        for (field, value) in [
            ("username", "a\u{0}b".to_string()),
            ("password", "x".repeat(129)),
        ] {
            let mut form = vec![
                ("username", "admin".to_string()),
                ("password", PASSWORD.to_string()),
                ("_csrf", csrf.clone()),
            ];
            form.retain(|(k, _)| *k != field);
            form.push((field, value));
            let r = app.post_form(&c, "/connexion", &form).await;
            assert_eq!(
                r.status(),
                StatusCode::BAD_REQUEST,
                "{engine}: connexion {field}"
            );
            let html = r.text().await.unwrap();
            assert!(
                html.contains(&format!("« {field} »")) && html.contains("lang=\"fr\""),
                "{engine}: {html}"
            );
        }

        // Logged in: the circle form, the search page, the photo form.
        let c = app.browser("saisie.secr").await;
        let page = html(&app, &c, &format!("/usagers/{id}/entourage")).await;
        // Browsers stop typing at the maxima (from the same constants).
        assert!(page.contains(r#"name="nom" maxlength="100""#), "{engine}");
        let csrf = csrf_of(&page);
        for (field, value, says) in [
            ("nom", "Mar\u{0}tin".to_string(), "caractère de contrôle"),
            ("nom", "M".repeat(101), "ne peut dépasser 100 caractères"),
            (
                "prenom",
                "Paul\nJean".to_string(),
                "caractère de contrôle (U+000A)",
            ),
            (
                "commentaire",
                "c".repeat(4001),
                "ne peut dépasser 4000 caractères",
            ),
        ] {
            let mut form = vec![
                ("nom", "Martin".to_string()),
                ("prenom", "Paul".to_string()),
                ("relation", "enfant".to_string()),
                ("_csrf", csrf.clone()),
            ];
            form.retain(|(k, _)| *k != field);
            form.push((field, value));
            let r = app
                .post_form(&c, &format!("/usagers/{id}/entourage"), &form)
                .await;
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: entourage {field}"
            );
            let html = r.text().await.unwrap();
            assert!(html.contains(says), "{engine}: {field}: {html}");
        }
        // A multi-line comment keeps its line breaks.
        let form = [
            ("nom", "Martin"),
            ("prenom", "Paul"),
            ("relation", "enfant"),
            ("commentaire", "Ligne 1\r\nLigne 2\tfin"),
            ("_csrf", csrf.as_str()),
        ];
        let r = app
            .post_form(&c, &format!("/usagers/{id}/entourage"), &form)
            .await;
        assert!(
            r.status().is_redirection() || r.status().is_success(),
            "{engine}: {}",
            r.status()
        );

        for (q, says) in [
            ("dupont%00".to_string(), "caractère de contrôle".to_string()),
            (["a"; 11].join("+"), "plus de 10 mots".to_string()),
            (
                "a".repeat(201),
                "ne peut dépasser 200 caractères".to_string(),
            ),
        ] {
            let r = app.get_with(&c, &format!("/usagers?q={q}")).await;
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: q={q}"
            );
            assert!(r.text().await.unwrap().contains(&says), "{engine}: q={q}");
        }

        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("legende", "a\u{0}b");
        let r = c
            .post(app.url(&format!("/usagers/{id}/photo")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: photo"
        );
        assert!(r.text().await.unwrap().contains("caractère de contrôle"));

        let mut after = fingerprint(&app).await;
        // The one valid circle form above wrote one audited entry or more; nothing else did.
        assert!(after[6] > before[6]);
        after[6] = before[6];
        assert_eq!(after, before, "{engine}");
        app.stop().await;
    }
}

//! Every list of `/api/v1` walked page by page with a small `limit` (each item exactly once,
//! `next_cursor` null at the end), the table checked against the lists the server documents
//! and answers; bad `limit` and `cursor` values get a French 422. The GET→PUT round trips
//! are in `aller_retour`.

mod activites;
mod interventions;
mod jeu;
mod plan_prescriptions;
mod projet;
mod soins;

use std::collections::BTreeSet;

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub(crate) use jeu::{peupler, Jeu};

use crate::helpers::{error_body, spawn_app, TestApp};

pub(crate) async fn send(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Response {
    let c = Client::new();
    let url = app.url(path);
    let r = match method {
        "post" => c.post(url),
        "put" => c.put(url),
        _ => c.get(url),
    };
    let r = r.bearer_auth(token);
    let r = match body {
        Some(b) => r.json(b),
        None => r,
    };
    r.send().await.unwrap()
}

/// POSTs `body` and answers the created id (201 expected).
pub(crate) async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = send(app, token, "post", path, Some(&body)).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "POST {path}: {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    v["id"].as_i64().unwrap_or_default()
}

pub(crate) async fn get_ok(app: &TestApp, token: &str, path: &str) -> Value {
    let r = send(app, token, "get", path, None).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "GET {path}: {v}");
    v
}

/// What identifies an item of a list.
fn key(item: &Value) -> String {
    match (&item["id"], &item["role"], &item["version"], &item["code"]) {
        (Value::Number(id), Value::String(role), _, _) => format!("{id}:{role}"),
        (Value::Number(id), _, _, _) => id.to_string(),
        (_, _, Value::Number(v), _) => format!("v{v}"),
        (_, _, _, Value::String(c)) => c.clone(),
        _ => item.to_string(),
    }
}

fn with_query(path: &str, q: &str) -> String {
    if path.contains('?') {
        format!("{path}&{q}")
    } else {
        format!("{path}?{q}")
    }
}

/// Walks `path` with `limit=1`; answers the keys in order and the number of pages.
async fn walk(app: &TestApp, token: &str, path: &str) -> (Vec<String>, usize) {
    let mut keys = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut p = with_query(path, "limit=1");
        if let Some(c) = &cursor {
            p = with_query(&p, &format!("cursor={}", urlencode(c)));
        }
        let page = get_ok(app, token, &p).await;
        pages += 1;
        let items = page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{p}: {page}"));
        assert!(items.len() <= 1, "{p}: {page}");
        keys.extend(items.iter().map(key));
        match &page["next_cursor"] {
            Value::Null => break,
            Value::String(c) => cursor = Some(c.clone()),
            other => panic!("{p}: next_cursor {other}"),
        }
        assert!(pages < 500, "{path}: no end");
    }
    (keys, pages)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Who reads a list.
#[derive(Clone, Copy, Debug)]
enum Lecteur {
    Admin,
    Secretariat,
    Direction,
    Psychologue,
}

/// The lists of `/api/v1`: (path as documented, reader, query, grows while read — its reads
/// are audited in itself).
const LISTES: &[(&str, Lecteur, &str, bool)] = &[
    ("/usagers", Lecteur::Secretariat, "q=Dupont", false),
    ("/usagers/{id}/audit", Lecteur::Direction, "", true),
    ("/usagers/{id}/sejours", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/versions", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/doublons", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/fusions", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/entourage", Lecteur::Secretariat, "", false),
    (
        "/usagers/{id}/professionnels",
        Lecteur::Secretariat,
        "",
        false,
    ),
    ("/professionnels", Lecteur::Secretariat, "", false),
    ("/organismes", Lecteur::Admin, "", false),
    ("/etablissements", Lecteur::Admin, "", false),
    ("/etablissements/{id}/unites", Lecteur::Admin, "", false),
    ("/categories", Lecteur::Admin, "", false),
    ("/utilisateurs", Lecteur::Admin, "", false),
    ("/audit", Lecteur::Direction, "", true),
    ("/acces-exceptionnels", Lecteur::Direction, "", false),
    ("/usagers/{id}/evaluations", Lecteur::Direction, "", false),
    ("/grilles", Lecteur::Admin, "", false),
    ("/usagers/{id}/presences", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/transmissions", Lecteur::Direction, "", false),
    ("/transmissions", Lecteur::Direction, "heures=24", false),
    ("/usagers/{id}/projets", Lecteur::Direction, "", false),
    (
        "/usagers/{id}/projets/{pid}/versions",
        Lecteur::Direction,
        "",
        false,
    ),
    ("/lieux-naissance", Lecteur::Secretariat, "q=Reims", false),
    // Applications (the waiting list).
    ("/candidatures", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/prestations", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/mesures", Lecteur::Secretariat, "", false),
    ("/usagers/{id}/suivis", Lecteur::Secretariat, "", false),
    // Care (issue 12).
    (
        "/usagers/{id}/soins/synthese/entrees",
        Lecteur::Direction,
        "",
        false,
    ),
    (
        "/usagers/{id}/soins/observations",
        Lecteur::Direction,
        "",
        false,
    ),
    (
        "/usagers/{id}/soins/dlu/retours",
        Lecteur::Direction,
        "",
        false,
    ),
    ("/usagers/{id}/psychologie", Lecteur::Psychologue, "", false),
    ("/usagers/{id}/soins/plan", Lecteur::Direction, "", false),
    (
        "/usagers/{id}/soins/constantes",
        Lecteur::Direction,
        "",
        false,
    ),
    (
        "/usagers/{id}/soins/prescriptions",
        Lecteur::Direction,
        "",
        false,
    ),
    // Home-care planning (h13b).
    ("/usagers/{id}/interventions", Lecteur::Direction, "", false),
    (
        "/interventions",
        Lecteur::Direction,
        "du=2026-03-02&au=2026-03-08",
        false,
    ),
    // The liaison book (h13c): the direction reads it.
    ("/usagers/{id}/liaison", Lecteur::Direction, "", false),
    // Activities (hact).
    ("/activites", Lecteur::Direction, "", false),
    ("/activites/{id}/seances", Lecteur::Direction, "", false),
    (
        "/activites/{id}/inscriptions",
        Lecteur::Direction,
        "",
        false,
    ),
    ("/usagers/{id}/activites", Lecteur::Direction, "", false),
    // Messages to professionals (hteam): the direction receives them.
    ("/messages", Lecteur::Direction, "", false),
];

impl Jeu {
    fn token(&self, l: Lecteur) -> &str {
        match l {
            Lecteur::Admin => &self.admin,
            Lecteur::Secretariat => &self.secr,
            Lecteur::Direction => &self.direction,
            Lecteur::Psychologue => &self.psy,
        }
    }
}

fn concret(app: &TestApp, jeu: &Jeu, path: &str) -> String {
    let id = if path.starts_with("/usagers/") {
        jeu.usager
    } else if path.starts_with("/etablissements/") {
        app.etablissement_id
    } else if path.starts_with("/activites/") {
        jeu.activite
    } else if path.starts_with("/organismes/") {
        app.organisme_id
    } else {
        app.admin_id
    };
    format!(
        "/api/v1{}",
        path.replace("{id}", &id.to_string())
            .replace("{pid}", &jeu.projet.to_string())
    )
}

#[tokio::test]
async fn every_list_walks_page_by_page_each_item_once_to_a_null_cursor() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let jeu = peupler(&app).await;
        for (path, lecteur, query, grows) in LISTES {
            let url = with_query(&concret(&app, &jeu, path), query);
            let token = jeu.token(*lecteur);
            let (keys, pages) = walk(&app, token, &url).await;
            let unique: BTreeSet<&String> = keys.iter().collect();
            assert_eq!(
                unique.len(),
                keys.len(),
                "{engine} {path}: an item came twice: {keys:?}"
            );
            assert!(keys.len() >= 2 && pages >= 2, "{engine} {path}: {keys:?}");
            // One page as large as allowed holds the same items.
            let whole = get_ok(&app, token, &with_query(&url, "limit=1000")).await;
            assert!(whole["next_cursor"].is_null(), "{engine} {path}: {whole}");
            let all: Vec<String> = whole["items"].as_array().unwrap().iter().map(key).collect();
            // Newest first for a list that grows: reading it added entries after those walked.
            let newest: i64 = if *grows {
                keys[0].parse().unwrap()
            } else {
                i64::MAX
            };
            let all: Vec<String> = all
                .into_iter()
                .filter(|k| !*grows || k.parse::<i64>().unwrap() <= newest)
                .collect();
            // The same items in the same order.
            assert_eq!(all, keys, "{engine} {path}");
        }
        app.stop().await;
    }
}

/// The table above is every list: the documented GETs with `limit`, and no other GET
/// answers a page.
#[tokio::test]
async fn the_table_names_every_list_of_the_api() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let jeu = peupler(&app).await;
        let doc = get_ok(&app, &jeu.admin, "/api/v1/openapi.json").await;
        let table: BTreeSet<&str> = LISTES.iter().map(|l| l.0).collect();
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let Some(op) = item.get("get") else { continue };
            let path = path.trim_start_matches("/api/v1").to_string();
            let params: Vec<&str> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p["name"].as_str())
                .collect();
            if params.contains(&"limit") {
                assert!(params.contains(&"cursor"), "{path}");
                documented.insert(path);
                continue;
            }
            // Not a list: its answer is no page.
            let token = if path.starts_with("/usagers") {
                &jeu.secr
            } else {
                &jeu.admin
            };
            let r = send(&app, token, "get", &concret(&app, &jeu, &path), None).await;
            let text = r.text().await.unwrap();
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            assert!(
                v.get("next_cursor").is_none(),
                "{engine} {path} answers a list missing from the table: {text}"
            );
        }
        let documented: BTreeSet<&str> = documented.iter().map(String::as_str).collect();
        assert_eq!(documented, table, "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_bad_limit_or_cursor_is_a_french_422() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.admin_token().await;
        for q in [
            "limit=abc",
            "limit=0",
            "limit=-3",
            "cursor=abc",
            "limit=2&cursor=1.5",
        ] {
            let r = send(
                &app,
                &admin,
                "get",
                &format!("/api/v1/utilisateurs?{q}"),
                None,
            )
            .await;
            let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
            let field = if q.starts_with("limit=2") || q.starts_with("cursor") {
                "cursor"
            } else {
                "limit"
            };
            assert!(
                err["fields"][field]
                    .as_str()
                    .is_some_and(|m| m.contains("page")),
                "{engine} {q}: {err}"
            );
        }
        // The search's cursor too.
        app.create_user("secr", Role::Secretariat, &[app.etablissement_id])
            .await;
        let secr = app.token("secr").await;
        for q in ["q=Dupont&cursor=abc", "q=Dupont&limit=x"] {
            let r = send(&app, &secr, "get", &format!("/api/v1/usagers?{q}"), None).await;
            error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        }
        // The box of the messages: blank is the received ones, an unknown one is a 422.
        for q in ["boite=", "boite=recus", "boite=envoyes"] {
            let v = get_ok(&app, &secr, &format!("/api/v1/messages?{q}")).await;
            assert!(v["items"].is_array(), "{engine} {q}: {v}");
        }
        let r = send(&app, &secr, "get", "/api/v1/messages?boite=tous", None).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert_eq!(
            err["fields"]["boite"], "La boîte est « recus » ou « envoyes ».",
            "{engine}: {err}"
        );
        // Too large a limit is lowered to the maximum.
        let v = get_ok(&app, &admin, "/api/v1/categories?limit=100000").await;
        assert!(v["items"].as_array().unwrap().len() <= 200, "{engine}");
        app.stop().await;
    }
}

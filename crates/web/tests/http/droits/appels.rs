//! The requests of the policy-route table: the world (two établissements, a file in each,
//! one account per role) and one call of a route with a body that succeeds when allowed.

mod api;
mod pages;

use std::sync::Arc;

use chrono::Utc;
use dui_domain::policy::Role;
use dui_interop::insi::simulator::FixtureInsi;
use dui_store::admin::utilisateur::hash_password;
use dui_store::audit::Actor;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::Route;
use crate::helpers::{
    client, csrf_from, finess, spawn_app_with_insi, user_input, TestApp, PASSWORD,
};

/// The world: établissement A (the accounts') and B, a file in A (in every account's scope:
/// the home-care worker and the relative are assigned to it, the `usager` account is its
/// own) and one in B (in nobody's), and one account per role.
pub(super) struct World {
    pub(super) app: TestApp,
    pub(super) a: i64,
    pub(super) fb: String,
    pub(super) inside: i64,
    pub(super) outside: i64,
    pub(super) directions: [String; 2],
}

pub(super) struct Who {
    pub(super) role: Role,
    pub(super) username: String,
    pub(super) token: String,
    pub(super) web: Client,
    pub(super) csrf: String,
}

const MOTIF: &str = "Remplacement de nuit : consultation des consignes de l'usager.";
const NOWHERE: &str = "999999";

fn jpeg() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43];
    j.extend_from_slice(&[0; 65]);
    j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0]);
    j.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
    j
}

async fn account(
    app: &TestApp,
    username: &str,
    role: Role,
    etabs: &[i64],
    usager: Option<i64>,
) -> i64 {
    let mut input = user_input(username, role, etabs);
    input.usager_id = usager;
    let actor = Actor {
        utilisateur_id: Some(app.admin_id),
        username: "admin".into(),
        ip: None,
    };
    app.db
        .store
        .create_utilisateur(
            &actor,
            &input,
            &hash_password(PASSWORD).unwrap(),
            false,
            Utc::now(),
        )
        .await
        .unwrap()
}

async fn send(c: &Client, method: &str, url: &str) -> reqwest::RequestBuilder {
    match method {
        "get" => c.get(url),
        "post" => c.post(url),
        "put" => c.put(url),
        "delete" => c.delete(url),
        other => panic!("méthode {other}"),
    }
}

pub(super) async fn world(engine: &str) -> World {
    let app = spawn_app_with_insi(engine, Arc::new(FixtureInsi::new(vec![]))).await;
    let a = app.etablissement_id;
    let fa = app.etablissement_finess.clone();
    let fb = finess(69, 200);
    let b = app
        .db
        .store
        .create_etablissement(
            &Actor {
                utilisateur_id: None,
                username: "installation".into(),
                ip: None,
            },
            &dui_store::admin::organisation::EtablissementInput {
                organisme_id: app.organisme_id,
                nom: "Foyer Les Cèdres".into(),
                finess: fb.clone(),
                siret: None,
                categorie: "500".into(),
                domaine: dui_domain::organisation::Domaine::Pa,
                capacite: None,
                adresse: None,
                actif: true,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    account(&app, "dir.a", Role::Direction, &[a], None).await;
    account(&app, "dir.b", Role::Direction, &[b], None).await;
    let directions = [app.token("dir.a").await, app.token("dir.b").await];
    let mut ids = vec![];
    let people = [
        json!({"nom_naissance": "Dupont", "prenoms": ["Hélène"], "date_naissance": "1938-04-12", "sexe": "F", "etablissement": fa}),
        json!({"nom_naissance": "Bernard", "prenoms": ["Paul"], "date_naissance": "1945-02-03", "sexe": "M", "etablissement": fb}),
    ];
    for (token, person) in directions.iter().zip(&people) {
        let r = Client::new()
            .post(app.url("/api/v1/usagers"))
            .bearer_auth(token)
            .json(person)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = Client::new()
            .put(app.url(&format!("/api/v1/usagers/{id}/photo")))
            .bearer_auth(token)
            .header("content-type", "image/jpeg")
            .body(jpeg())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        ids.push(id);
    }
    World {
        fb,
        inside: ids[0],
        outside: ids[1],
        directions,
        a,
        app,
    }
}

pub(super) async fn who(w: &World, role: Role) -> Who {
    let username = format!("r.{}", role.code());
    let (etabs, usager) = match role {
        Role::Usager => (vec![], Some(w.inside)),
        Role::Proche | Role::Administrateur => (vec![], None),
        Role::Partenaire => (vec![w.a], None),
        _ => (vec![w.a], None),
    };
    let id = account(&w.app, &username, role, &etabs, usager).await;
    if matches!(role, Role::IntervenantDomicile | Role::Proche) {
        let r = Client::new()
            .post(
                w.app
                    .url(&format!("/api/v1/usagers/{}/affectations", w.inside)),
            )
            .bearer_auth(&w.directions[0])
            .json(&json!({"utilisateur_id": id}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    if matches!(role, Role::Proche | Role::Partenaire) {
        super::liaison::participation(w, id, role).await;
    }
    let web = client();
    assert_eq!(
        w.app.login(&web, &username, PASSWORD).await.status(),
        StatusCode::OK
    );
    let csrf = csrf_from(&w.app, &web, "/").await;
    Who {
        role,
        token: w.app.token(&username).await,
        username,
        web,
        csrf,
    }
}

/// The identity of the file in scope or of the other one.
fn identity(inside: bool) -> Value {
    if inside {
        json!({"nom_naissance": "Dupont", "prenoms": ["Hélène"], "date_naissance": "1938-04-12", "sexe": "F"})
    } else {
        json!({"nom_naissance": "Bernard", "prenoms": ["Paul"], "date_naissance": "1945-02-03", "sexe": "M"})
    }
}

/// One call of the table: who calls which route on the file in scope or the other one, its
/// number (`n`), and the person a creation sends.
pub(super) struct Appel<'a> {
    w: &'a World,
    who: &'a Who,
    r: &'a Route,
    inside: bool,
    n: usize,
    /// The établissement of the file called (its FINESS).
    finess: String,
    /// The birth date of the person a creation sends.
    naissance: String,
    person: Value,
}

impl Appel<'_> {
    /// The file called.
    fn id(&self) -> i64 {
        if self.inside {
            self.w.inside
        } else {
            self.w.outside
        }
    }

    /// The version of the file called, as its établissement's direction reads it.
    async fn version(&self) -> i64 {
        let r = Client::new()
            .get(self.w.app.url(&format!("/api/v1/usagers/{}", self.id())))
            .bearer_auth(&self.w.directions[usize::from(!self.inside)])
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()["version"]
            .as_i64()
            .unwrap()
    }
}

/// Calls the route as `who` on the file; returns the status and the body's start.
pub(super) async fn call(
    w: &World,
    who: &Who,
    r: &Route,
    inside: bool,
    n: usize,
) -> (StatusCode, String) {
    let id = if inside { w.inside } else { w.outside };
    let finess = if inside {
        w.app.etablissement_finess.clone()
    } else {
        w.fb.clone()
    };
    let path = r
        .path
        .replace("{id}", &id.to_string())
        .replace("{section}", r.arg)
        .replace("{role}", "medecin_traitant")
        .replace("{eid}", NOWHERE)
        .replace("{fid}", NOWHERE)
        .replace("{pid}", NOWHERE)
        .replace("{sid}", NOWHERE)
        .replace("{uid}", NOWHERE)
        .replace("{mid}", NOWHERE)
        .replace("{tid}", NOWHERE)
        .replace("{aid}", NOWHERE)
        .replace("{iid}", NOWHERE)
        .replace("{mesure}", "temperature")
        .replace("{numero}", "1");
    let path = if r.method == "get" && path == "/usagers" {
        "/usagers?q=dupont".to_string()
    } else if path.ends_with("/diff") {
        format!("{path}?de=1&a=2")
    } else {
        path
    };
    // A new person per creation (no duplicate of an earlier one), each with a birth date
    // of its own; the call's number in letters (base 26: names have no digits, and stay
    // short however many routes the table has).
    let prenom: String = {
        let (mut k, mut s) = (n, String::from("Essai"));
        loop {
            s.push((b'a' + (k % 26) as u8) as char);
            k /= 26;
            if k == 0 {
                break s;
            }
        }
    };
    let naissance = format!(
        "{}-{:02}-{:02}",
        1920 + n % 70,
        1 + (n / 70) % 12,
        1 + (n / 840) % 28
    );
    let person = json!({"nom_naissance": format!("Creation {prenom}"), "prenoms": [prenom], "date_naissance": naissance, "sexe": "M", "etablissement": finess});
    let a = Appel {
        w,
        who,
        r,
        inside,
        n,
        finess,
        naissance,
        person,
    };
    let rb = if r.api {
        let url = w.app.url(&format!("/api/v1{path}"));
        let rb = send(&Client::new(), r.method, &url)
            .await
            .bearer_auth(&who.token);
        api::corps(&a, rb).await
    } else {
        let url = w.app.url(&path);
        pages::formulaire(&a, send(&who.web, r.method, &url).await).await
    };
    let resp = rb.send().await.unwrap();
    let status = resp.status();
    let text: String = resp
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(160)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    (status, text)
}

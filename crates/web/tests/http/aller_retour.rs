//! For every editable resource, the body that GET returns is accepted by PUT (read, change one
//! field, write back: 200, and the change is read back), and every documented JSON PUT has its
//! round trip here. The data set is the lists' (`listes::peupler`).

use std::collections::BTreeSet;

use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::listes::{get_ok, peupler, send};

/// GET, change one field, PUT the same body: 200, and the change is read back.
async fn read_change_write(
    app: &TestApp,
    token: &str,
    get: &str,
    put: &str,
    change: impl Fn(&mut Value),
    check: impl Fn(&Value) -> bool,
) {
    let mut body = get_ok(app, token, get).await;
    change(&mut body);
    let r = send(app, token, "put", put, Some(&body)).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(
        status,
        StatusCode::OK,
        "PUT {put} with the body of GET {get}: {text}"
    );
    let after = get_ok(app, token, get).await;
    assert!(check(&after), "{put}: the change is not read back: {after}");
}

#[tokio::test]
async fn the_body_that_get_returns_is_accepted_by_put() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let jeu = peupler(&app).await;
        let (admin, secr, x) = (&jeu.admin, &jeu.secr, jeu.usager);
        // The usager's identity.
        let path = format!("/api/v1/usagers/{x}");
        read_change_write(
            &app,
            secr,
            &path,
            &path,
            |b| b["nom_utilise"] = json!("Martin"),
            |a| a["nom_utilise"] == "Martin",
        )
        .await;
        // An entry of the circle, as its list gives it.
        let list = get_ok(&app, secr, &format!("/api/v1/usagers/{x}/entourage")).await;
        let eid = list["items"][0]["id"].as_i64().unwrap();
        let entry = format!("/api/v1/usagers/{x}/entourage/{eid}");
        read_change_write(
            &app,
            secr,
            &entry,
            &entry,
            |b| b["telephone"] = json!("0601020304"),
            |a| a["telephone"] == "0601020304",
        )
        .await;
        // A project's draft, with its objectives, actions and codes as read.
        let pr = format!("/api/v1/usagers/{x}/projets/{}", jeu.projet);
        read_change_write(
            &app,
            &jeu.direction,
            &pr,
            &pr,
            |b| b["contenu"]["objectifs"][0]["statut"] = json!("atteint"),
            |a| a["contenu"]["objectifs"][0]["statut"] == "atteint",
        )
        .await;
        // The organisation.
        let o = format!("/api/v1/organismes/{}", app.organisme_id);
        read_change_write(
            &app,
            admin,
            &o,
            &o,
            |b| b["adresse"] = json!("1 rue de la Paix, Lyon"),
            |a| a["adresse"] == "1 rue de la Paix, Lyon",
        )
        .await;
        let e = format!("/api/v1/etablissements/{}", app.etablissement_id);
        read_change_write(
            &app,
            admin,
            &e,
            &e,
            |b| b["capacite"] = json!(77),
            |a| a["capacite"] == 77,
        )
        .await;
        // An account.
        let direction = get_ok(&app, admin, "/api/v1/utilisateurs?limit=200").await;
        let d = direction["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "direction")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let u = format!("/api/v1/utilisateurs/{d}");
        read_change_write(
            &app,
            admin,
            &u,
            &u,
            |b| b["email"] = json!("direction@example.org"),
            |a| a["email"] == "direction@example.org",
        )
        .await;
        // The permissions.
        let p = "/api/v1/permissions";
        read_change_write(
            &app,
            admin,
            p,
            p,
            |b| {
                let all = b["permissions"].as_array_mut().unwrap();
                all.retain(|g| {
                    !(g["role"] == "secretariat"
                        && g["section"] == "administratif"
                        && g["action"] == "valider")
                });
            },
            |a| {
                !a["permissions"].as_array().unwrap().iter().any(|g| {
                    g["role"] == "secretariat"
                        && g["section"] == "administratif"
                        && g["action"] == "valider"
                })
            },
        )
        .await;
        // A draft evaluation, as its list gives it.
        let dir = jeu.direction.as_str();
        let list = get_ok(&app, dir, &format!("/api/v1/usagers/{x}/evaluations")).await;
        let eid = list["items"][0]["id"].as_i64().unwrap();
        let ev = format!("/api/v1/usagers/{x}/evaluations/{eid}");
        read_change_write(
            &app,
            dir,
            &ev,
            &ev,
            |b| b["commentaire"] = json!("Revue en équipe."),
            |a| a["commentaire"] == "Revue en équipe.",
        )
        .await;
        // A stay, as its list gives it.
        let list = get_ok(&app, secr, &format!("/api/v1/usagers/{x}/sejours")).await;
        let sid = list["items"][0]["id"].as_i64().unwrap();
        let st = format!("/api/v1/usagers/{x}/sejours/{sid}");
        read_change_write(
            &app,
            secr,
            &st,
            &st,
            |b| b["numero_usager"] = json!("A-2026-12"),
            |a| a["numero_usager"] == "A-2026-12",
        )
        .await;
        // The presences of a day (the day-care stay of the lists' data set).
        let etab = app.etablissement_id;
        read_change_write(
            &app,
            secr,
            &format!("/api/v1/presences?etablissement_id={etab}&jour=2026-02-10"),
            "/api/v1/presences",
            |b| {
                for p in b["personnes"].as_array_mut().unwrap() {
                    p["absence"] = json!("retour_famille");
                }
            },
            |a| {
                let p = a["personnes"].as_array().unwrap();
                !p.is_empty() && p.iter().all(|p| p["absence"] == "retour_famille")
            },
        )
        .await;
        // An application (its documents and établissements as read).
        let c = format!("/api/v1/candidatures/{}", jeu.candidature);
        read_change_write(
            &app,
            secr,
            &c,
            &c,
            |b| b["pieces"][0]["recue_le"] = json!("2026-11-30"),
            |a| a["pieces"][0]["recue_le"] == "2026-11-30",
        )
        .await;
        // A benefit (h11d), as its list gives it: renewed, its previous state kept.
        let list = get_ok(&app, secr, &format!("/api/v1/usagers/{x}/prestations")).await;
        let pid = list["items"][0]["id"].as_i64().unwrap();
        let pr = format!("/api/v1/usagers/{x}/prestations/{pid}");
        read_change_write(
            &app,
            secr,
            &pr,
            &pr,
            |b| b["date_fin"] = json!("2029-12-31"),
            |a| a["date_fin"] == "2029-12-31",
        )
        .await;
        // A care act of the plan, an alert threshold, a prescription (a change stops it: the
        // one read back is stopped and replaced).
        let ide = &jeu.ide;
        let list = get_ok(&app, ide, &format!("/api/v1/usagers/{x}/soins/plan")).await;
        let aid = list["items"][0]["id"].as_i64().unwrap();
        let acte = format!("/api/v1/usagers/{x}/soins/plan/{aid}");
        read_change_write(
            &app,
            ide,
            &acte,
            &acte,
            |b| b["horaires"] = json!("08:15"),
            |a| a["horaires"] == "08:15",
        )
        .await;
        let seuils = format!("/api/v1/usagers/{x}/soins/constantes/seuils/temperature");
        read_change_write(
            &app,
            ide,
            &seuils,
            &seuils,
            |b| {
                b["haut"] = json!(37.5);
                b["personnalises"] = json!(true);
            },
            |a| a["haut"] == 37.5 && a["personnalises"] == true,
        )
        .await;
        let list = get_ok(
            &app,
            ide,
            &format!("/api/v1/usagers/{x}/soins/prescriptions"),
        )
        .await;
        let pid = list["items"][0]["id"].as_i64().unwrap();
        let p = format!("/api/v1/usagers/{x}/soins/prescriptions/{pid}");
        read_change_write(
            &app,
            ide,
            &p,
            &p,
            |b| b["libelle"] = json!("Bilan sanguin complet"),
            |a| a["arret_a"].is_string(),
        )
        .await;
        // A planned home-care intervention (h13b), ended.
        let list = get_ok(
            &app,
            &jeu.direction,
            &format!("/api/v1/usagers/{x}/interventions"),
        )
        .await;
        let iid = list["items"][0]["id"].as_i64().unwrap();
        let i = format!("/api/v1/usagers/{x}/interventions/{iid}");
        read_change_write(
            &app,
            &jeu.direction,
            &i,
            &i,
            |b| b["date_fin"] = json!("2026-12-31"),
            |a| a["date_fin"] == "2026-12-31",
        )
        .await;
        // An event of the agenda (h13a), its subject changed.
        let r = send(
            &app,
            &jeu.direction,
            "post",
            "/api/v1/agenda",
            Some(&json!({"type_rdv": "reunion", "objet": "Réunion d'équipe",
                "debut": "2027-01-12T13:00:00Z", "fin": "2027-01-12T14:00:00Z",
                "etablissement_id": app.etablissement_id, "psychologie": false, "participants": []})),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let eid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let e = format!("/api/v1/agenda/{eid}");
        read_change_write(
            &app,
            &jeu.direction,
            &e,
            &e,
            |b| b["objet"] = json!("Réunion de synthèse"),
            |a| a["objet"] == "Réunion de synthèse",
        )
        .await;
        // An activity (hact), its place changed; a session's attendance as read, one noted.
        let a = format!("/api/v1/activites/{}", jeu.activite);
        read_change_write(
            &app,
            &jeu.direction,
            &a,
            &a,
            |b| b["lieu"] = json!("Jardin d'hiver"),
            |a| a["lieu"] == "Jardin d'hiver",
        )
        .await;
        let seances = get_ok(&app, &jeu.direction, &format!("{a}/seances")).await;
        let sid = seances["items"][0]["id"].as_i64().unwrap();
        let f = format!("/api/v1/seances/{sid}/presences");
        read_change_write(
            &app,
            &jeu.direction,
            &f,
            &f,
            |b| b["personnes"][0]["observation"] = json!("Très participatif"),
            |a| a["personnes"][0]["observation"] == "Très participatif",
        )
        .await;
        // A membership of the team (hteam), ended.
        let list = get_ok(&app, secr, &format!("/api/v1/usagers/{x}/equipe")).await;
        let mid = list["membres"][0]["id"].as_i64().unwrap();
        let m = format!("/api/v1/usagers/{x}/equipe/{mid}");
        read_change_write(
            &app,
            secr,
            &m,
            &m,
            |b| b["fin"] = json!("2026-03-01"),
            |a| a["fin"] == "2026-03-01",
        )
        .await;
        // Those are every editable resource: each PUT of the document taking JSON.
        let doc = get_ok(&app, admin, "/api/v1/openapi.json").await;
        let puts: BTreeSet<&str> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, i)| i["put"]["requestBody"]["content"]["application/json"].is_object())
            .map(|(p, _)| p.as_str())
            .collect();
        let tested = BTreeSet::from([
            "/api/v1/usagers/{id}",
            "/api/v1/usagers/{id}/entourage/{eid}",
            "/api/v1/usagers/{id}/projets/{pid}",
            "/api/v1/usagers/{id}/evaluations/{eid}",
            "/api/v1/organismes/{id}",
            "/api/v1/etablissements/{id}",
            "/api/v1/utilisateurs/{id}",
            "/api/v1/permissions",
            "/api/v1/usagers/{id}/sejours/{sid}",
            "/api/v1/presences",
            "/api/v1/candidatures/{id}",
            "/api/v1/usagers/{id}/prestations/{pid}",
            "/api/v1/usagers/{id}/soins/plan/{aid}",
            "/api/v1/usagers/{id}/soins/constantes/seuils/{mesure}",
            "/api/v1/usagers/{id}/soins/prescriptions/{pid}",
            "/api/v1/usagers/{id}/interventions/{iid}",
            "/api/v1/agenda/{id}",
            "/api/v1/activites/{id}",
            "/api/v1/seances/{id}/presences",
            "/api/v1/usagers/{id}/equipe/{mid}",
        ]);
        assert_eq!(puts, tested, "{engine}: a PUT without its round trip here");
        app.stop().await;
    }
}

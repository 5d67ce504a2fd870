//! The personalised project over HTTP, on every engine: the API round trip (the GET body sent
//! back by PUT, a stale save refused with 409, validation, signature, versions, diff), field
//! errors, and the *Projet* tab built through its forms, with the home-page alert.

use chrono::{Duration, Utc};
use dui_domain::policy::Role;
use dui_domain::serafin;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_of, dupont, error_body, html, spawn_app, TestApp};

/// A usager created by a secretary, and the tokens of an educator and a cadre.
pub(crate) async fn world(app: &TestApp) -> (i64, i64, String, String) {
    let e = app.etablissement_id;
    app.create_user("secretariat", Role::Secretariat, &[e])
        .await;
    let edu = app.create_user("educ", Role::Educateur, &[e]).await;
    app.create_user("cadre", Role::Cadre, &[e]).await;
    let secr = app.token("secretariat").await;
    let id = app
        .create_usager(&secr, &dupont(&app.etablissement_finess))
        .await;
    (id, edu, app.token("educ").await, app.token("cadre").await)
}

#[tokio::test]
async fn the_api_versions_a_project_and_refuses_a_stale_save() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (id, edu, educ, cadre) = world(&app).await;
        let base = format!("/api/v1/usagers/{id}/projets");
        let echeance = (Utc::now() + Duration::days(10)).date_naive().to_string();
        let objectif = json!({"libelle": "Marcher seule jusqu'au jardin", "statut": "en_cours",
            "serafin": [{"systeme": serafin::SYSTEME, "code": "1.2.1.3"}],
            "actions": [{"libelle": "Marche accompagnée", "responsable_id": edu, "echeance": echeance}]});

        // A code without its code system: 422 on the field, nothing created.
        let sans = json!({"type": "ppa", "contenu": {"objectifs": [{"libelle": "X", "statut": "en_cours", "serafin": [{"code": "2.2.1"}]}]}});
        let r = app.post_json(&educ, &base, &sans).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["contenu.objectifs[0].serafin[0]"]
                .as_str()
                .is_some_and(|m| m.contains("système de codes")),
            "{err}"
        );
        let r = app.post_json(&educ, &base, &json!({"type": "ppx"})).await;
        error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;

        let r = app
            .post_json(
                &educ,
                &base,
                &json!({"type": "ppa", "contenu": {"objectifs": [objectif]}}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let pid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = app.post_json(&educ, &base, &json!({"type": "ppa"})).await;
        error_body(r, StatusCode::CONFLICT, "conflit").await;

        // The GET body, changed, is accepted by PUT; sent again from the old version: 409.
        let url = format!("{base}/{pid}");
        let mut body = app.get_json(&educ, &url).await;
        assert_eq!(body["version"], 1);
        assert_eq!(body["statut"], "brouillon");
        assert_eq!(body["contenu"]["objectifs"][0]["cle"], "o1");
        body["contenu"]["attentes"] = json!("Aller au jardin seule.\nEt voir les poules.");
        let r = app.put_json(&educ, &url, &body).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert_eq!(r.json::<Value>().await.unwrap()["version"], 2);
        let r = app.put_json(&educ, &url, &body).await;
        error_body(r, StatusCode::CONFLICT, "version_perimee").await;

        // Validation: the cadre may, the educator may not; a stale version is refused.
        let val = format!("{url}/validation");
        let r = app.post_json(&educ, &val, &json!({"version": 2})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app.post_json(&cadre, &val, &json!({"version": 1})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r = app.post_json(&cadre, &val, &json!({"version": 2})).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            (v["numero"].as_i64(), v["version"].as_i64()),
            (Some(1), Some(3))
        );

        // The person signs version 1 (traced: who, as whom, when, recorded by whom).
        let r = app
            .post_json(
                &cadre,
                &format!("{url}/versions/1/signatures"),
                &json!({"signataire": "Hélène Dupont", "qualite": "personne", "decision": "signe", "version": 3}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let v1 = app.get_json(&educ, &format!("{url}/versions/1")).await;
        assert_eq!(v1["statut"], "valide");
        assert_eq!(v1["signatures"][0]["qualite"], "personne");
        assert_eq!(v1["prochaine_revision"].as_str().map(str::len), Some(10));

        // The next save opens version 2; the diff names the change.
        let mut body = app.get_json(&educ, &url).await;
        body["contenu"]["objectifs"][0]["statut"] = json!("atteint");
        let r = app.put_json(&educ, &url, &body).await;
        assert_eq!(r.status(), StatusCode::OK);
        let cur: Value = r.json().await.unwrap();
        assert_eq!(
            (cur["numero"].as_i64(), cur["statut"].as_str()),
            (Some(2), Some("brouillon"))
        );
        let d = app.get_json(&educ, &format!("{url}/diff?de=1&a=2")).await;
        assert_eq!(d["differences"][0]["cle"], "objectifs.o1.statut");
        assert_eq!(d["differences"][0]["avant"], "En cours");
        assert_eq!(d["differences"][0]["apres"], "Atteint");
        let r = app.get(&educ, &format!("{url}/diff?de=1")).await;
        error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        let list = app
            .get_json(&educ, &format!("{url}/versions?limit=1"))
            .await;
        assert_eq!(list["items"][0]["numero"], 2);
        assert_eq!(list["next_cursor"], json!("2"));
        let list = app
            .get_json(&educ, &format!("{url}/versions?limit=1&cursor=2"))
            .await;
        assert_eq!(list["items"][0]["numero"], 1);
        assert_eq!(app.get_json(&educ, &base).await["items"][0]["id"], pid);
        assert_eq!(
            app.get(&educ, &format!("{base}/999999")).await.status(),
            StatusCode::NOT_FOUND
        );

        // The educator's home page shows the action assigned to them, due in 10 days.
        let c = app.browser("educ").await;
        let home = html(&app, &c, "/").await;
        assert!(home.contains("Projets personnalisés à revoir"), "{engine}");
        assert!(home.contains("Marche accompagnée"), "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_tab_builds_signs_and_validates_a_ppe_through_its_forms() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (id, edu, _, cadre) = world(&app).await;
        let ailleurs = app
            .create_user("admin.bis", Role::Administrateur, &[])
            .await;
        let c = app.browser("cadre").await;
        let page = format!("/usagers/{id}/projet");
        let h = html(&app, &c, &page).await;
        assert!(h.contains("Aucun projet personnalisé"), "{engine}");
        let csrf = csrf_of(&h);
        let post = |path: String, form: Vec<(&'static str, String)>| {
            let c = c.clone();
            let csrf = csrf.clone();
            let url = app.url(&path);
            async move {
                let mut f = form;
                f.push(("_csrf", csrf));
                c.post(url).form(&f).send().await.unwrap()
            }
        };
        let r = post(page.clone(), vec![("type", "ppe".into())]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let pid = app
            .get_json(&cadre, &format!("/api/v1/usagers/{id}/projets"))
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let brouillon = format!("/usagers/{id}/projet/{pid}/brouillon");
        let r = post(
            brouillon.clone(),
            vec![
                ("version", "1".into()),
                ("operation", "objectif".into()),
                ("libelle", "Reprendre une scolarité régulière".into()),
                ("serafin", "1.3.3.1".into()),
                ("statut", "en_cours".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // An action for a professional of the team; none for an account outside it.
        let action = |v: &str, qui: i64| {
            vec![
                ("version", v.to_string()),
                ("operation", "action".into()),
                ("cle", "o1".into()),
                ("libelle", "Rencontre avec l'équipe enseignante".into()),
                ("responsable", qui.to_string()),
                ("echeance", "2027-01-15".into()),
            ]
        };
        let r = post(brouillon.clone(), action("2", ailleurs)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let r = post(brouillon.clone(), action("2", edu)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        // The same version again: the project changed meanwhile.
        let r = post(
            brouillon.clone(),
            vec![("version", "1".into()), ("operation", "textes".into())],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r = post(
            brouillon.clone(),
            vec![
                ("version", "3".into()),
                ("operation", "ppe".into()),
                ("decision_nature", "judiciaire".into()),
                ("referent_ase", "Mme Roux, ASE".into()),
                ("besoin_securite", "Suivi pédiatrique à reprendre.".into()),
                ("avis_enfant", "Veut rester dans son école.".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = post(
            format!("/usagers/{id}/projet/{pid}/signature"),
            vec![
                ("version", "4".into()),
                ("numero", "1".into()),
                ("signataire", "Paul Dupont".into()),
                ("qualite", "parent".into()),
                ("decision", "signe".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = post(
            format!("/usagers/{id}/projet/{pid}/validation"),
            vec![("version", "5".into())],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let h = html(&app, &c, &format!("{page}?projet={pid}")).await;
        for attendu in [
            "Projet pour l&#39;enfant (PPE)",
            "Validée",
            "Reprendre une scolarité régulière",
            "1.3.3.1 — ",
            "Mme Roux, ASE",
            "Rencontre avec l&#39;équipe enseignante — Dominique Durand, pour le 15/01/2027",
            "Suivi pédiatrique à reprendre.",
            "Paul Dupont (Titulaire de l&#39;autorité parentale) : A signé",
        ] {
            assert!(h.contains(attendu), "{engine}: {attendu} absent");
        }
        app.stop().await;
    }
}

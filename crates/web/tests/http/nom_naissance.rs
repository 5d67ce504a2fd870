//! Identity forms (issue 16): the birth name kept as typed beside its INS form and shown as
//! typed; the creation form answers every error at once, the établissement's among them.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, html, person, spawn_app};

#[tokio::test]
async fn the_birth_name_is_kept_and_shown_as_typed_beside_its_ins_form() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr", Role::Secretariat, &[a]).await;
        let body = person(
            "Dupônt-Lefèvre",
            &["Zoé"],
            "1939-02-03",
            "F",
            &app.etablissement_finess,
        );
        let id = app.create_usager(&secr, &body).await;
        let v = app.get_json(&secr, &format!("/api/v1/usagers/{id}")).await;
        assert_eq!(v["nom_naissance"], "DUPONT-LEFEVRE", "{engine}: {v}");
        assert_eq!(v["nom_naissance_saisi"], "Dupônt-Lefèvre");
        let c = app.browser("secr").await;
        let page = html(&app, &c, &format!("/usagers/{id}")).await;
        assert!(
            page.contains("DUPÔNT-LEFÈVRE Zoé") && page.contains("forme INS : DUPONT-LEFEVRE"),
            "{engine}"
        );
        // The edit form starts from the name as typed.
        let edit = html(&app, &c, &format!("/usagers/{id}/identite")).await;
        assert!(edit.contains("value=\"Dupônt-Lefèvre\""), "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_creation_form_reports_every_error_at_once() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr", Role::Secretariat, &[a]).await;
        // The API: an unknown FINESS and a bad identity, all named in one answer.
        let mut body = person("Mart1n", &["Paul"], "1950-13-01", "X", "123");
        body["date_entree"] = json!("demain");
        let r = app.post_json(&secr, "/api/v1/usagers", &body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let v: Value = r.json().await.unwrap();
        for f in [
            "etablissement",
            "nom_naissance",
            "date_naissance",
            "sexe",
            "date_entree",
        ] {
            assert!(
                v["error"]["fields"][f].is_string(),
                "{engine}: {f} dans {v}"
            );
        }
        // The form: every message in place in one page.
        let c = app.browser("secr").await;
        let csrf = csrf_from(&app, &c, "/usagers/nouveau").await;
        let r = app
            .post_form(
                &c,
                "/usagers",
                &[
                    ("_csrf", csrf.as_str()),
                    ("nom_naissance", "Martin"),
                    ("prenoms", "Paul"),
                    ("date_naissance", "31/02/1950"),
                    ("sexe", "M"),
                    ("etablissement", "999999999"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Le formulaire contient 2 erreurs"),
            "{engine}: {page}"
        );
        assert!(page.contains("FINESS"), "{engine}");
        assert_eq!(app.db.store.usager_count().await.unwrap(), 0);
        app.stop().await;
    }
}

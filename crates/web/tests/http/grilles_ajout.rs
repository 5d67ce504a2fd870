//! Custom grids published by an administrator without code nor restart: the API and the admin
//! page (file upload), French errors naming the line or the place, versions that never change
//! (an old evaluation keeps its definition), stored in the database (seen by another server),
//! audited; only administrators publish.

use dui_domain::grille::definition::Definition;
use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, error_body, html, message, spawn_app};

fn douleur(version: &str, titre: &str) -> Value {
    json!({"id": "douleur", "version": version, "titre": titre, "source": "Établissement",
        "questions": [{"id": "eva", "libelle": "Intensité (EVA)", "type": "nombre", "min": 0, "max": 10}],
        "resultats": [{"id": "eva", "libelle": "EVA", "interpretation": [{"min": 7, "libelle": "intense"}, {"min": 0, "libelle": "modérée"}]}]})
}

#[tokio::test]
async fn an_administrator_publishes_a_grid_that_evaluations_use_at_once_and_versions_never_change()
{
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.admin_token().await;
        let (_, edu) = app
            .account("grille.edu", Role::Educateur, &[app.etablissement_id])
            .await;
        let (_, dir) = app
            .account("grille.dir", Role::Direction, &[app.etablissement_id])
            .await;

        // Only administrators publish.
        let r = app
            .post_json(&dir, "/api/v1/grilles", &douleur("1", "Douleur"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");

        let r = app
            .post_json(&admin, "/api/v1/grilles", &douleur("1", "Douleur"))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["versions"], json!(["1"]));
        // The same version again, even identical: 409, nothing changes.
        let r = app
            .post_json(&admin, "/api/v1/grilles", &douleur("1", "Autre"))
            .await;
        let e = error_body(r, StatusCode::CONFLICT, "conflit").await;
        assert!(message(&e).contains("nouvelle version"), "{e}");
        // An official algorithm is not for custom grids.
        let mut a = douleur("2", "Douleur");
        a["algorithme"] = json!("aggir");
        let r = app.post_json(&admin, "/api/v1/grilles", &a).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        // A rule broken: 422 naming the question.
        let mut bad = douleur("2", "Douleur");
        bad["questions"][0]["max"] = json!(-1);
        let r = app.post_json(&admin, "/api/v1/grilles", &bad).await;
        let e = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(e.to_string().contains("« eva »"), "{e}");

        // An educator evaluates with it at once (no restart).
        let (_, secr) = app
            .account("grille.secr", Role::Secretariat, &[app.etablissement_id])
            .await;
        let u = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let r = app
            .post_json(
                &edu,
                &format!("/api/v1/usagers/{u}/evaluations"),
                &json!({"grille": "douleur", "reponses": {"eva": 8}}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let ev: Value = r.json().await.unwrap();
        assert_eq!(ev["grille_version"], "1");
        assert_eq!(ev["resultats"][0]["interpretation"], "intense");

        // Version 2 (another title): new evaluations take it, the old one keeps version 1.
        let r = app
            .post_json(&admin, "/api/v1/grilles", &douleur("2", "Douleur (EVA)"))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let old = app
            .get_json(
                &edu,
                &format!("/api/v1/usagers/{u}/evaluations/{}", ev["id"]),
            )
            .await;
        assert_eq!(
            (old["grille_version"].as_str(), old["grille_titre"].as_str()),
            (Some("1"), Some("Douleur"))
        );
        let d = app.get_json(&edu, "/api/v1/grilles/douleur").await;
        assert_eq!(d["version"], "2");
        let d = app
            .get_json(&edu, "/api/v1/grilles/douleur?version=1")
            .await;
        assert_eq!(d["titre"], "Douleur");

        // Stored in the database: a version added by another server (straight into the
        // store) is seen without restart.
        let autre: Definition = serde_json::from_value(douleur("3", "Douleur v3")).unwrap();
        app.db
            .store
            .ajouter_grille(&app.admin_actor(), &autre, chrono::Utc::now())
            .await
            .unwrap();
        let d = app.get_json(&edu, "/api/v1/grilles/douleur").await;
        assert_eq!(d["version"], "3", "{engine}");

        // Audited, with the grid and version only.
        let entries = app.audit_of("admin.grille.ajout", 10).await;
        assert_eq!(entries.len(), 3, "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_admin_page_publishes_an_uploaded_file_and_names_the_line_at_fault() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = app.browser("admin").await;
        let csrf = csrf_from(&app, &c, "/admin/grilles").await;
        let page = html(&app, &c, "/admin/grilles").await;
        assert!(page.contains("Échelle de Braden"), "{engine}");
        assert!(
            page.contains("Évaluation des besoins SERAFIN-PH"),
            "{engine}"
        );
        let send = |texte: String| {
            let f = Form::new().text("_csrf", csrf.clone()).part(
                "fichier",
                Part::bytes(texte.into_bytes())
                    .file_name("grille.json")
                    .mime_str("application/json")
                    .unwrap(),
            );
            c.post(app.url("/admin/grilles")).multipart(f).send()
        };
        // A syntax error: the line is named, nothing stored.
        let r = send(
            "{\n \"id\": \"chutes\",\n \"version\": \"1\"\n \"titre\": \"Risque de chute\"\n}"
                .into(),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let t = r.text().await.unwrap();
        assert!(t.contains("ligne 4"), "{engine}: {t}");
        assert!(app.db.store.grilles_ajoutees().await.unwrap().is_empty());
        let grille = serde_json::to_string_pretty(&json!({"id": "chutes", "version": "2026", "titre": "Risque de chute",
            "questions": [{"id": "antecedent", "libelle": "Chute dans l'année", "type": "booleen", "score": 2}],
            "resultats": [{"id": "score", "libelle": "Score"}]}))
        .unwrap();
        let r = send(grille).await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(
            r.headers()["location"],
            "/admin/grilles?publiee=chutes#grille-chutes"
        );
        let page = html(&app, &c, "/admin/grilles?publiee=chutes").await;
        assert!(
            page.contains("« Risque de chute » est publiée en version 2026"),
            "{engine}"
        );
        assert!(page.contains("par admin"), "{engine}");
        // Not for others.
        let (_, _) = app
            .account("grille.cadre", Role::Cadre, &[app.etablissement_id])
            .await;
        let cadre = app.browser("grille.cadre").await;
        let r = app.get_with(&cadre, "/admin/grilles").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        app.stop().await;
    }
}

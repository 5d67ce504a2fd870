//! Error bodies: status, stable code, French message (and fields) for the API; French pages
//! for people.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{bad_finess, client, error_body, finess, message, spawn_app};

#[tokio::test]
async fn api_errors_are_json_with_french_messages() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let api = reqwest::Client::new();
        let token = app.admin_token().await;

        // 401: no token.
        let err = error_body(
            app.get_with(&api, "/api/v1/moi").await,
            StatusCode::UNAUTHORIZED,
            "non_connecte",
        )
        .await;
        assert_eq!(
            message(&err),
            "Vous devez vous connecter pour accéder à cette page.",
            "{engine}"
        );
        assert!(err.get("fields").is_none());

        // 403: an éducateur may not create établissements.
        app.create_user("educ", Role::Educateur, &[app.etablissement_id])
            .await;
        let educ = app.token("educ").await;
        let body = json!({"organisme_id": app.organisme_id, "nom": "EHPAD Interdit", "finess": finess(69, 300), "categorie": "500"});
        let r = app.post_json(&educ, "/api/v1/etablissements", &body).await;
        let err = error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        assert!(
            message(&err).contains("réservée aux administrateurs"),
            "{err}"
        );
        assert!(app
            .db
            .store
            .etablissement_by_finess(&finess(69, 300))
            .await
            .unwrap()
            .is_none());

        // 404: a missing record, an unknown API path.
        let r = app.get(&token, "/api/v1/etablissements/999999").await;
        let err = error_body(r, StatusCode::NOT_FOUND, "introuvable").await;
        assert!(message(&err).contains("introuvable"), "{err}");
        let r = app.get(&token, "/api/v1/nexiste-pas").await;
        error_body(r, StatusCode::NOT_FOUND, "introuvable").await;
        let r = app.get_with(&api, "/api/v1/nexiste-pas").await;
        error_body(r, StatusCode::NOT_FOUND, "introuvable").await;
        // One's own établissement is visible to an éducateur.
        let r = app
            .get(
                &educ,
                &format!("/api/v1/etablissements/{}", app.etablissement_id),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);

        // 422: invalid FINESS key, empty name, each on its field.
        let body = json!({"organisme_id": app.organisme_id, "nom": "  ", "finess": bad_finess(69, 300), "categorie": "500"});
        let r = app.post_json(&token, "/api/v1/etablissements", &body).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        let f = &err["fields"];
        assert!(
            f["finess"].as_str().unwrap().contains("clé de contrôle"),
            "{err}"
        );
        assert_eq!(f["nom"], "Le champ « Nom » est obligatoire.", "{err}");
        assert!(message(&err).contains("champs sont à corriger"), "{err}");
        let body = json!({"organisme_id": app.organisme_id, "nom": "EHPAD", "finess": "12345", "categorie": "999"});
        let r = app.post_json(&token, "/api/v1/etablissements", &body).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["finess"]
                .as_str()
                .unwrap()
                .contains("9 caractères"),
            "{err}"
        );
        assert!(
            err["fields"]["categorie"]
                .as_str()
                .unwrap()
                .contains("catégorie FINESS"),
            "{err}"
        );
        // A missing field and a wrong type are 422 too.
        let r = app
            .post_json(&token, "/api/v1/etablissements", &json!({"nom": "X"}))
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&err).contains("obligatoire"), "{err}");
        let r = app
            .post_json(
                &token,
                "/api/v1/etablissements",
                &json!({"organisme_id": "un", "nom": "X", "finess": "x", "categorie": "500"}),
            )
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&err).contains("type"), "{err}");

        // A missing organisme is invalid content, not a server error.
        let body = json!({"organisme_id": 999999, "nom": "EHPAD orphelin", "finess": finess(69, 301), "categorie": "500"});
        let r = app.post_json(&token, "/api/v1/etablissements", &body).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&err).contains("inexistant"), "{engine}: {err}");

        // 400: malformed JSON, or not JSON at all.
        let r = api
            .post(app.url("/api/v1/etablissements"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{\"nom\": ")
            .send()
            .await
            .unwrap();
        let err = error_body(r, StatusCode::BAD_REQUEST, "requete_invalide").await;
        assert!(message(&err).contains("JSON envoyé est mal formé"), "{err}");
        let r = api
            .post(app.url("/api/v1/etablissements"))
            .bearer_auth(&token)
            .body("nom=X")
            .send()
            .await
            .unwrap();
        let err = error_body(r, StatusCode::BAD_REQUEST, "requete_invalide").await;
        assert!(message(&err).contains("doit être du JSON"), "{err}");
        let r = api
            .post(app.url("/api/v1/session"))
            .header("content-type", "application/json")
            .body("[")
            .send()
            .await
            .unwrap();
        error_body(r, StatusCode::BAD_REQUEST, "requete_invalide").await;

        // 409: stale version, duplicate FINESS.
        let body = json!({"organisme_id": app.organisme_id, "nom": "SSIAD du Rhône", "finess": finess(69, 400), "categorie": "354"});
        let r = app.post_json(&token, "/api/v1/etablissements", &body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let created: Value = r.json().await.unwrap();
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["version"], 1);
        let path = format!("/api/v1/etablissements/{id}");
        // Another établissement is not revealed to the éducateur.
        let r = app.get(&educ, &path).await;
        error_body(r, StatusCode::NOT_FOUND, "introuvable").await;
        let mut update = body.clone();
        update["capacite"] = json!(40);
        let r = app.put_json_if(&token, &path, "\"1\"", &update).await;
        assert_eq!(r.status(), StatusCode::OK);
        let updated: Value = r.json().await.unwrap();
        assert_eq!(
            (updated["version"].as_i64(), updated["capacite"].as_i64()),
            (Some(2), Some(40))
        );
        update["capacite"] = json!(1);
        let r = app.put_json_if(&token, &path, "\"1\"", &update).await;
        let err = error_body(r, StatusCode::CONFLICT, "version_perimee").await;
        assert!(message(&err).contains("modifié entre-temps"), "{err}");
        assert!(message(&err).contains("Rien n'a été écrasé"), "{err}");
        let now: Value = app.get(&token, &path).await.json().await.unwrap();
        assert_eq!(
            (now["version"].as_i64(), now["capacite"].as_i64()),
            (Some(2), Some(40)),
            "{engine}: rien n'a changé"
        );
        // The version may come in the body too; a missing one is asked for.
        update["version"] = json!(1);
        let r = app.put_json(&token, &path, &update).await;
        error_body(r, StatusCode::CONFLICT, "version_perimee").await;
        update.as_object_mut().unwrap().remove("version");
        let r = app.put_json(&token, &path, &update).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["version"]
                .as_str()
                .unwrap()
                .contains("version"),
            "{err}"
        );
        let r = app.put_json_if(&token, &path, "trois", &update).await;
        let err = error_body(r, StatusCode::BAD_REQUEST, "requete_invalide").await;
        assert!(message(&err).contains("If-Match"), "{err}");
        let r = app
            .put_json_if(&token, "/api/v1/etablissements/999999", "\"1\"", &update)
            .await;
        error_body(r, StatusCode::NOT_FOUND, "introuvable").await;

        let mut dup = body.clone();
        dup["nom"] = json!("Doublon");
        let r = app.post_json(&token, "/api/v1/etablissements", &dup).await;
        let err = error_body(r, StatusCode::CONFLICT, "conflit").await;
        assert_eq!(
            message(&err),
            "Un établissement avec ce numéro FINESS existe déjà.",
            "{engine}"
        );
        let mut onto = body.clone();
        onto["finess"] = json!(app.etablissement_finess);
        let r = app.put_json_if(&token, &path, "\"2\"", &onto).await;
        let err = error_body(r, StatusCode::CONFLICT, "conflit").await;
        assert!(message(&err).contains("FINESS existe déjà"), "{err}");

        // 405 on a known path with the wrong method, still JSON and French.
        let r = app.delete(&token, &path).await;
        let err = error_body(r, StatusCode::METHOD_NOT_ALLOWED, "methode_non_permise").await;
        assert!(message(&err).contains("n'est pas permise"), "{err}");
        app.stop().await;
    }
}

#[tokio::test]
async fn html_errors_are_french_pages() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = client();
        let r = app.get_with(&c, "/page-qui-nexiste-pas").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{engine}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"fr\">"), "{html}");
        assert!(html.contains("Page introuvable"), "{html}");
        assert!(html.contains("retourner à l'accueil"), "{html}");

        // Not logged in: pages send to the login form, remembering where to come back.
        let r = app.get_with(&c, "/admin/audit?utilisateur=admin").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()["location"],
            "/connexion?suivant=/admin/audit%3Futilisateur%3Dadmin"
        );

        // Logged in without the right: a French 403 page.
        app.create_user("educ", Role::Educateur, &[app.etablissement_id])
            .await;
        app.login(&c, "educ", crate::helpers::PASSWORD).await;
        let r = app.get_with(&c, "/admin/utilisateurs").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Accès refusé")
                && html.contains("réservée aux administrateurs")
                && html.contains("lang=\"fr\""),
            "{html}"
        );
        let r = app.get_with(&c, "/acces-exceptionnels").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("réservée à la direction"));
        app.stop().await;
    }
}

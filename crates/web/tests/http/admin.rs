//! Administration through the API: organisation, accounts, password reset, permission matrix.

use dui_domain::policy::{Matrice, Role};
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{client, csrf_from, error_body, finess, message, spawn_app, PASSWORD};

mod permissions;

#[tokio::test]
async fn organisation_through_the_api() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let token = app.admin_token().await;

        let r = app.post_json(&token, "/api/v1/organismes", &json!({"nom": "Fondation Alpes", "finess_juridique": finess(38, 1), "siren": "732 829 320"})).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let og: Value = r.json().await.unwrap();
        let og_id = og["id"].as_i64().unwrap();
        assert_eq!(
            (og["version"].as_i64(), og["siren"].as_str()),
            (Some(1), Some("732829320"))
        );
        let r = app
            .put_json_if(
                &token,
                &format!("/api/v1/organismes/{og_id}"),
                "\"1\"",
                &json!({"nom": "Fondation des Alpes", "finess_juridique": finess(38, 1)}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let og: Value = r.json().await.unwrap();
        assert_eq!(
            (og["nom"].as_str(), og["version"].as_i64()),
            (Some("Fondation des Alpes"), Some(2))
        );
        let list = app.get_json(&token, "/api/v1/organismes").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        assert!(list.get("next_cursor").is_some());

        let r = app.post_json(&token, "/api/v1/etablissements", &json!({"organisme_id": og_id, "nom": "IME Les Sources", "finess": finess(38, 10), "categorie": "183", "capacite": 60})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let e: Value = r.json().await.unwrap();
        let e_id = e["id"].as_i64().unwrap();
        assert_eq!(
            (
                e["domaine"].as_str(),
                e["categorie"].as_str(),
                e["actif"].as_bool()
            ),
            (Some("PH"), Some("183"), Some(true))
        );

        let units = format!("/api/v1/etablissements/{e_id}/unites");
        let r = app
            .post_json(
                &token,
                &units,
                &json!({"nom": "Internat", "type_unite": "unite", "capacite": 24}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let r = app
            .post_json(
                &token,
                &units,
                &json!({"nom": "Internat", "type_unite": "pole"}),
            )
            .await;
        let err = error_body(r, StatusCode::CONFLICT, "conflit").await;
        assert!(
            message(&err).contains("Une unité de ce nom existe déjà"),
            "{err}"
        );
        let r = app
            .post_json(
                &token,
                &units,
                &json!({"nom": "Externat", "type_unite": "chambre"}),
            )
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["type_unite"]
                .as_str()
                .unwrap()
                .contains("unité, pôle ou places"),
            "{err}"
        );
        let r = app
            .post_json(
                &token,
                "/api/v1/etablissements/999999/unites",
                &json!({"nom": "X", "type_unite": "unite"}),
            )
            .await;
        error_body(r, StatusCode::NOT_FOUND, "introuvable").await;
        let list = app.get_json(&token, &units).await;
        assert_eq!(list["items"][0]["nom"], "Internat");
        assert_eq!(list["items"][0]["capacite"], 24);

        let cats = app.get_json(&token, "/api/v1/categories").await;
        assert!(cats["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "500" && c["sigle"] == "EHPAD"));
        assert!(app.db.store.etablissements(None).await.unwrap().len() == 2);
        app.stop().await;
    }
}

#[tokio::test]
async fn accounts_through_the_api() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let token = app.admin_token().await;
        let new_user = |password: &str| json!({"username": "Infirmiere.Dupuis", "nom": "Dupuis", "prenom": "Élodie", "role": "infirmier", "etablissements": [app.etablissement_id], "password": password});

        // Password policy.
        let r = app
            .post_json(&token, "/api/v1/utilisateurs", &new_user("court"))
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["password"]
                .as_str()
                .unwrap()
                .contains("au moins 12 caractères"),
            "{engine}: {err}"
        );
        let r = app
            .post_json(
                &token,
                "/api/v1/utilisateurs",
                &new_user("seulementdesminuscules"),
            )
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["password"]
                .as_str()
                .unwrap()
                .contains("trois types"),
            "{err}"
        );
        // Other checks, each on its field.
        let r = app.post_json(&token, "/api/v1/utilisateurs", &json!({"username": "é", "nom": "", "prenom": "A", "role": "sorcier", "etablissements": [999999], "password": PASSWORD})).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        for f in ["username", "nom", "role"] {
            assert!(err["fields"][f].is_string(), "{f}: {err}");
        }
        let mut unknown_etab = new_user(PASSWORD);
        unknown_etab["etablissements"] = json!([999999]);
        let r = app
            .post_json(&token, "/api/v1/utilisateurs", &unknown_etab)
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["etablissements"]
                .as_str()
                .unwrap()
                .contains("n'existe pas"),
            "{err}"
        );

        let r = app
            .post_json(&token, "/api/v1/utilisateurs", &new_user(PASSWORD))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let u: Value = r.json().await.unwrap();
        let id = u["id"].as_i64().unwrap();
        assert_eq!(
            (
                u["username"].as_str(),
                u["role"].as_str(),
                u["doit_changer_mdp"].as_bool()
            ),
            (Some("infirmiere.dupuis"), Some("infirmier"), Some(true))
        );
        assert_eq!(u["etablissements"], json!([app.etablissement_id]));
        assert!(u.get("password_hash").is_none());
        let r = app
            .post_json(&token, "/api/v1/utilisateurs", &new_user(PASSWORD))
            .await;
        let err = error_body(r, StatusCode::CONFLICT, "conflit").await;
        assert_eq!(message(&err), "Ce nom d'utilisateur est déjà pris.");

        // Update with the version; a stale one changes nothing.
        let path = format!("/api/v1/utilisateurs/{id}");
        let change = json!({"nom": "Dupuis", "prenom": "Élodie", "role": "cadre", "etablissements": [app.etablissement_id]});
        let r = app.put_json_if(&token, &path, "\"1\"", &change).await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = app
            .put_json_if(
                &token,
                &path,
                "\"1\"",
                &json!({"nom": "X", "prenom": "Y", "role": "medecin"}),
            )
            .await;
        error_body(r, StatusCode::CONFLICT, "version_perimee").await;
        let u = app.get_json(&token, &path).await;
        assert_eq!(
            (u["role"].as_str(), u["nom"].as_str(), u["version"].as_i64()),
            (Some("cadre"), Some("Dupuis"), Some(2)),
            "{engine}"
        );
        assert_eq!(
            app.get_json(&token, "/api/v1/utilisateurs").await["items"]
                .as_array()
                .unwrap()
                .len(),
            2
        );

        // An account created by an administrator must change its password before anything.
        let r = app.login(&client(), "infirmiere.dupuis", PASSWORD).await;
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["user"]["doit_changer_mdp"], true);
        let own = body["token"].as_str().unwrap();
        let r = app.get(own, "/api/v1/etablissements").await;
        let err = error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        assert!(message(&err).contains("/compte/mot-de-passe"), "{err}");

        // Only administrators manage accounts.
        let other = app
            .create_user("cadre2", Role::Cadre, &[app.etablissement_id])
            .await;
        let cadre = app.token("cadre2").await;
        let r = app.get(&cadre, "/api/v1/utilisateurs").await;
        error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        let r = app
            .post(
                &cadre,
                &format!("/api/v1/utilisateurs/{other}/mot-de-passe"),
            )
            .await;
        error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn password_reset_blocks_the_api_until_changed_through_the_form() {
    const NEW: &str = "Nouveau-Secret-2026!";
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.admin_token().await;
        let id = app
            .create_user("educ", Role::Educateur, &[app.etablissement_id])
            .await;
        let before = app.token("educ").await;
        assert_eq!(
            app.get(&before, "/api/v1/etablissements").await.status(),
            StatusCode::OK
        );

        let r = app
            .post(&admin, &format!("/api/v1/utilisateurs/{id}/mot-de-passe"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let reset: Value = r.json().await.unwrap();
        assert_eq!(reset["doit_changer_mdp"], true);
        let temp = reset["mot_de_passe_temporaire"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(temp.len() >= 12);
        let r = app
            .post(&admin, "/api/v1/utilisateurs/999999/mot-de-passe")
            .await;
        error_body(r, StatusCode::NOT_FOUND, "introuvable").await;

        // The reset ended the running session; the old password no longer works.
        let r = app.get(&before, "/api/v1/moi").await;
        error_body(r, StatusCode::UNAUTHORIZED, "non_connecte").await;
        error_body(
            app.login(&client(), "educ", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "identifiants_invalides",
        )
        .await;

        let c = client();
        let r = app.login(&c, "educ", &temp).await;
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["user"]["doit_changer_mdp"], true);
        let token = body["token"].as_str().unwrap().to_string();

        // Everything but /api/v1/moi and /api/v1/session is refused meanwhile.
        for path in [
            "/api/v1/etablissements",
            "/api/v1/organismes",
            "/api/v1/categories",
        ] {
            let r = app.get(&token, path).await;
            let err = error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
            assert!(message(&err).contains("Action requise"), "{path}: {err}");
        }
        let me = app.get_json(&token, "/api/v1/moi").await;
        assert_eq!(me["doit_changer_mdp"], true);
        // Pages send to the form.
        let r = app.get_with(&c, "/").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/compte/mot-de-passe");

        let r = app.get_with(&c, "/compte/mot-de-passe").await;
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Votre mot de passe a été réinitialisé"),
            "{html}"
        );
        let csrf = csrf_from(&app, &c, "/compte/mot-de-passe").await;

        // Mistakes are shown in French, nothing changes.
        let r = app
            .post_form(
                &c,
                "/compte/mot-de-passe",
                &[
                    ("_csrf", csrf.as_str()),
                    ("actuel", "faux"),
                    ("nouveau", "court"),
                    ("confirmation", "autre"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        for m in [
            "Le mot de passe actuel est incorrect.",
            "au moins 12 caractères",
            "La confirmation ne correspond pas",
        ] {
            assert!(html.contains(m), "{m}: {html}");
        }
        let r = app
            .post_form(
                &c,
                "/compte/mot-de-passe",
                &[
                    ("_csrf", csrf.as_str()),
                    ("actuel", temp.as_str()),
                    ("nouveau", temp.as_str()),
                    ("confirmation", temp.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("doit être différent"));
        // Without the anti-CSRF token, refused.
        let r = app
            .post_form(
                &c,
                "/compte/mot-de-passe",
                &[
                    ("actuel", temp.as_str()),
                    ("nouveau", NEW),
                    ("confirmation", NEW),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let r = app
            .post_form(
                &c,
                "/compte/mot-de-passe",
                &[
                    ("_csrf", csrf.as_str()),
                    ("actuel", temp.as_str()),
                    ("nouveau", NEW),
                    ("confirmation", NEW),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(r.headers()["location"], "/compte?fait=mot-de-passe");

        // The same session may now use the API.
        assert_eq!(
            app.get(&token, "/api/v1/etablissements").await.status(),
            StatusCode::OK
        );
        assert_eq!(
            app.get_json(&token, "/api/v1/moi").await["doit_changer_mdp"],
            false
        );
        assert_eq!(app.get_with(&c, "/").await.status(), StatusCode::OK);
        error_body(
            app.login(&client(), "educ", &temp).await,
            StatusCode::UNAUTHORIZED,
            "identifiants_invalides",
        )
        .await;
        assert_eq!(
            app.login(&client(), "educ", NEW).await.status(),
            StatusCode::OK
        );

        let resets = app
            .audit_of("admin.utilisateur.reinitialisation_mdp", 10)
            .await;
        assert_eq!(resets.len(), 1);
        let changes = app.audit_of("compte.changement_mdp", 10).await;
        assert_eq!((changes.len(), changes[0].username.as_str()), (1, "educ"));
        app.stop().await;
    }
}

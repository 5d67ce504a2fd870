//! The permission matrix through the API, and the administration forms.

use super::*;

#[tokio::test]
async fn permission_matrix_round_trip() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let token = app.admin_token().await;
        let doc = app.get_json(&token, "/api/v1/permissions").await;
        let grants = doc["permissions"].as_array().unwrap();
        assert_eq!(
            grants.len(),
            Matrice::par_defaut().grants().count(),
            "{engine}"
        );
        assert!(grants
            .contains(&json!({"role": "psychologue", "section": "psychologie", "action": "lire"})));
        assert_eq!(doc["totp_obligatoire"], json!([]));

        // Remove a grant, add one, require a second factor for doctors.
        let mut changed: Vec<Value> = grants
            .iter()
            .filter(|g| {
                **g != json!({"role": "educateur", "section": "documents", "action": "ecrire"})
            })
            .cloned()
            .collect();
        changed.push(json!({"role": "educateur", "section": "soins", "action": "lire"}));
        let put = json!({"permissions": changed, "totp_obligatoire": ["medecin"]});
        let r = app.put_json(&token, "/api/v1/permissions", &put).await;
        assert_eq!(r.status(), StatusCode::OK);
        let returned: Value = r.json().await.unwrap();
        let again = app.get_json(&token, "/api/v1/permissions").await;
        assert_eq!(returned, again);
        let mut got: Vec<String> = again["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect();
        let mut sent: Vec<String> = changed.iter().map(Value::to_string).collect();
        got.sort();
        sent.sort();
        assert_eq!(got, sent, "{engine}");
        assert_eq!(again["totp_obligatoire"], json!(["medecin"]));
        let m = dui_store::policy::load_matrix(&app.db.store).await.unwrap();
        assert!(m.permet(
            Role::Educateur,
            dui_domain::policy::Section::Soins,
            dui_domain::policy::Action::Lire
        ));
        assert!(!m.permet(
            Role::Educateur,
            dui_domain::policy::Section::Documents,
            dui_domain::policy::Action::Ecrire
        ));

        // A doctor without a second factor is sent to enrol first.
        app.create_user("medecin", Role::Medecin, &[app.etablissement_id])
            .await;
        let doc_token = app.token("medecin").await;
        let r = app.get(&doc_token, "/api/v1/etablissements").await;
        let err = error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        assert!(message(&err).contains("/compte/totp"), "{err}");

        // Unknown codes are refused and change nothing.
        let bad =
            json!({"permissions": [{"role": "sorcier", "section": "soins", "action": "lire"}]});
        let r = app.put_json(&token, "/api/v1/permissions", &bad).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["permissions[0]"]
                .as_str()
                .unwrap()
                .contains("Droit inconnu"),
            "{err}"
        );
        let bad = json!({"permissions": [], "totp_obligatoire": ["sorcier"]});
        let r = app.put_json(&token, "/api/v1/permissions", &bad).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(
            err["fields"]["totp_obligatoire"]
                .as_str()
                .unwrap()
                .contains("Profil inconnu"),
            "{err}"
        );
        assert_eq!(
            app.get_json(&token, "/api/v1/permissions").await,
            again,
            "{engine}"
        );

        // Only administrators see or change it.
        app.create_user("cadre", Role::Cadre, &[app.etablissement_id])
            .await;
        let cadre = app.token("cadre").await;
        error_body(
            app.get(&cadre, "/api/v1/permissions").await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        let r = app.put_json(&cadre, "/api/v1/permissions", &put).await;
        error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn administration_forms() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let c = app.browser("admin").await;
        let csrf = csrf_from(&app, &c, "/admin/utilisateurs/nouveau").await;
        let token = app.admin_token().await;
        let r = app.post_json(&token, "/api/v1/etablissements", &json!({"organisme_id": app.organisme_id, "nom": "SAD Rhône", "finess": finess(69, 500), "categorie": "209"})).await;
        let second = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

        // Creation with repeated établissement boxes.
        let (e1, e2) = (app.etablissement_id.to_string(), second.to_string());
        let form = [
            ("_csrf", csrf.as_str()),
            ("username", "aide.soignante"),
            ("nom", "Morel"),
            ("prenom", "Inès"),
            ("email", ""),
            ("role", "aide_soignant"),
            ("identifiant_pro", ""),
            ("etablissements", e1.as_str()),
            ("etablissements", e2.as_str()),
            ("usager_id", ""),
            ("password", PASSWORD),
        ];
        let r = app.post_form(&c, "/admin/utilisateurs", &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let confirme = r.headers()["location"].to_str().unwrap().to_string();
        let location = confirme.trim_end_matches("?fait=compte").to_string();
        assert_ne!(location, confirme, "the creation is confirmed");
        let id: i64 = location
            .trim_start_matches("/admin/utilisateurs/")
            .parse()
            .unwrap();
        let u = app.db.store.utilisateur(id).await.unwrap().unwrap();
        assert_eq!(
            (
                u.role,
                u.etablissements.len(),
                u.doit_changer_mdp,
                u.fields.email
            ),
            (Role::AideSoignant, 2, true, None)
        );
        let page = app.get_with(&c, &confirme).await.text().await.unwrap();
        assert!(
            page.contains("Inès")
                && page.contains("name=\"version\" value=\"1\"")
                && page.contains("Le compte a été enregistré."),
            "{page}"
        );

        // Update: role, one établissement, deactivated.
        let update = |version: &'static str, nom: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("version", version.into()),
                ("nom", nom.into()),
                ("prenom", "Inès".into()),
                ("role", "cadre".into()),
                ("etablissements", e2.clone()),
                ("actif", "non".into()),
            ]
        };
        let r = app.post_form(&c, &location, &update("1", "Morel")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let u = app.db.store.utilisateur(id).await.unwrap().unwrap();
        assert_eq!(
            (u.role, u.etablissements.clone(), u.actif, u.version),
            (Role::Cadre, vec![second], false, 2)
        );
        // Someone else saved in between: the form again with a French conflict, what was
        // typed and the version read kept, nothing changed.
        let r = app.post_form(&c, &location, &update("1", "Écrasé")).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("id=\"erreurs-resume\"")
                && html.contains("modifié entre-temps")
                && html.contains("value=\"Écrasé\"")
                && html.contains("name=\"version\" value=\"1\"")
                && !html.contains("Code : "),
            "{html}"
        );
        assert_eq!(
            app.db.store.utilisateur(id).await.unwrap().unwrap().nom,
            "Morel"
        );
        // Invalid input: the message by its field, in place.
        let r = app.post_form(&c, &location, &update("2", " ")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("<a href=\"#nom\">Le champ « Nom » est obligatoire.</a>")
                && html.contains("id=\"nom-err\"")
                && !html.contains("Saisie à corriger"),
            "{html}"
        );

        // Password reset shows a temporary password once.
        let r = app
            .post_form(
                &c,
                &format!("{location}/mot-de-passe"),
                &[("_csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("Mot de passe temporaire"), "{html}");
        assert!(
            app.db
                .store
                .utilisateur(id)
                .await
                .unwrap()
                .unwrap()
                .doit_changer_mdp
        );

        // Établissement and unit forms.
        let r = app
            .post_form(
                &c,
                "/admin/etablissements",
                &[
                    ("_csrf", csrf.as_str()),
                    ("organisme_id", &app.organisme_id.to_string()),
                    ("nom", "MECS"),
                    ("finess", "690000000"),
                    ("categorie", "177"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("clé de contrôle"));
        let r = app
            .post_form(
                &c,
                &format!("/admin/etablissements/{second}/unites"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("nom", "Secteur nord"),
                    ("type_unite", "places"),
                    ("capacite", "30"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app
            .get_with(&c, &format!("/admin/etablissements/{second}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Secteur nord"), "{engine}");
        app.stop().await;
    }
}

//! Creation through the API: fields checked, probable duplicates, INS conflicts.

use super::*;

#[tokio::test]
async fn creation_checks_fields_and_probable_duplicates() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let etab = app.etablissement_id;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[etab]).await;
        let (_, educ) = app.account("educ", Role::Educateur, &[etab]).await;

        let id = app.create_usager(&secr, &dupont(&fa)).await;
        let u = app.get_json(&secr, &format!("/api/v1/usagers/{id}")).await;
        assert_eq!(
            (
                u["nom_naissance"].as_str(),
                u["premier_prenom"].as_str(),
                u["statut_identite"].as_str(),
                u["numero"].as_str()
            ),
            (
                Some("DUPONT"),
                Some("Hélène"),
                Some("PROV"),
                Some("U0000001")
            ),
            "{engine}: {u}"
        );
        assert_eq!(u["attributs_identite"], "");
        assert_eq!(u["sejours"][0]["etablissement"], "EHPAD Les Tilleuls");
        // Every stay, newest first, as read with the permission facts.
        app.db
            .exec(&format!(
                "INSERT INTO sejour (usager_id, etablissement_id, date_entree, date_sortie, created_at, updated_at) \
                 VALUES ({id}, {}, '2001-02-03', '2002-03-04', 't', 't')",
                app.etablissement_id
            ))
            .await
            .unwrap();
        let u = app.get_json(&secr, &format!("/api/v1/usagers/{id}")).await;
        let stays = u["sejours"].as_array().unwrap();
        assert_eq!(stays.len(), 2, "{engine}: {u}");
        let attendu = json!({"etablissement_id": app.etablissement_id, "etablissement": "EHPAD Les Tilleuls",
                   "unite_id": null, "date_entree": "2001-02-03", "date_sortie": "2002-03-04",
                   "type_accompagnement": "hebergement_permanent"});
        for (k, v) in attendu.as_object().unwrap() {
            assert_eq!(&stays[1][k], v, "{engine}: {k} in {}", stays[1]);
        }
        assert!(stays[0]["date_sortie"].is_null() && stays[0]["id"].as_i64() > Some(0));

        // Invalid content: 422 per field, in French; nothing created.
        let mut bad_nir = person("Martin", &["Paul"], "1950-01-01", "M", &fa);
        bad_nir["nir"] = json!("2380475056123 45");
        let err = error_body(
            app.post_json(&secr, "/api/v1/usagers", &bad_nir).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        let nir = err["fields"]["nir"].as_str().unwrap();
        assert!(
            nir.contains("un chiffre a sans doute été mal tapé"),
            "{engine}: {nir}"
        );
        let bad_date = person("Martin", &["Paul"], "31/02/1950", "M", &fa);
        let err = error_body(
            app.post_json(&secr, "/api/v1/usagers", &bad_date).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(
            err["fields"]["date_naissance"]
                .as_str()
                .unwrap()
                .contains("n'existe pas"),
            "{err}"
        );
        let mut several = person("Mart1n", &["Paul"], "1950-13-01", "X", &fa);
        several["nir"] = json!("123");
        let err = error_body(
            app.post_json(&secr, "/api/v1/usagers", &several).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        for f in ["nom_naissance", "date_naissance", "sexe", "nir"] {
            assert!(err["fields"][f].is_string(), "{engine}: {f} dans {err}");
        }
        assert_eq!(app.db.store.usager_count().await.unwrap(), 1);

        // Probable duplicate: 409 with the candidates, nothing created.
        let mut same = person("DUPONT", &["Helene"], "12/04/1938", "F", &fa);
        same["nir"] = json!(NIR_VALIDE);
        let err = error_body(
            app.post_json(&secr, "/api/v1/usagers", &same).await,
            StatusCode::CONFLICT,
            "doublon_probable",
        )
        .await;
        let candidats = err["candidats"].as_array().unwrap();
        assert_eq!(candidats.len(), 1, "{engine}: {err}");
        assert_eq!(candidats[0]["id"], id);
        assert_eq!(candidats[0]["visible"], true);
        assert_eq!(candidats[0]["nom_naissance"], "DUPONT");
        assert!(message(&err).contains("ressemble"), "{err}");
        assert_eq!(app.db.store.usager_count().await.unwrap(), 1);

        // An educateur may not create files at all (default matrix).
        let mut confirmed = same.clone();
        confirmed["confirmer_doublon"] = json!(true);
        for body in [&same, &confirmed] {
            error_body(
                app.post_json(&educ, "/api/v1/usagers", body).await,
                StatusCode::FORBIDDEN,
                "acces_refuse",
            )
            .await;
        }
        // Even allowed to write, confirming a duplicate needs the validation right.
        let grants: Vec<Value> = Matrice::par_defaut()
            .grants()
            .copied()
            .chain([(Role::Educateur, Section::Administratif, Action::Ecrire)])
            .map(|(r, s, a)| json!({"role": r.code(), "section": s.code(), "action": a.code()}))
            .collect();
        let r = app
            .put_json(
                app.admin_token().await,
                "/api/v1/permissions",
                &json!({"permissions": grants}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        error_body(
            app.post_json(&educ, "/api/v1/usagers", &same).await,
            StatusCode::CONFLICT,
            "doublon_probable",
        )
        .await;
        let err = error_body(
            app.post_json(&educ, "/api/v1/usagers", &confirmed).await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        assert!(message(&err).contains("valider"), "{engine}: {err}");
        assert_eq!(app.db.store.usager_count().await.unwrap(), 1);

        // The secretariat confirms: created as a watched homonym (HOMA).
        let other = app.create_usager(&secr, &confirmed).await;
        let u = app
            .get_json(&secr, &format!("/api/v1/usagers/{other}"))
            .await;
        assert!(
            u["attributs_identite"].as_str().unwrap().contains("HOMA"),
            "{engine}: {u}"
        );
        assert_eq!(u["matricule_ins"], "238047505612394");
        // Same INS (a woman born in April 1938, as the NIR says): never "another person".
        let mut same_ins = person("Bernard", &["Paule"], "1938-04-20", "F", &fa);
        same_ins["nir"] = json!(NIR_VALIDE);
        let err = error_body(
            app.post_json(&secr, "/api/v1/usagers", &same_ins).await,
            StatusCode::CONFLICT,
            "doublon_probable",
        )
        .await;
        assert!(
            err["candidats"][0]["motif"]
                .as_str()
                .unwrap()
                .contains("INS"),
            "{err}"
        );
        same_ins["confirmer_doublon"] = json!(true);
        error_body(
            app.post_json(&secr, "/api/v1/usagers", &same_ins).await,
            StatusCode::CONFLICT,
            "ins_deja_attribuee",
        )
        .await;
        assert_eq!(app.db.store.usager_count().await.unwrap(), 2);

        // A NIR that contradicts the identity: refused, the parts named.
        let mut contraire = person("Bernard", &["Paul"], "1950-01-01", "M", &fa);
        contraire["nir"] = json!(NIR_VALIDE);
        let err = error_body(
            app.post_json(&secr, "/api/v1/usagers", &contraire).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        let nir = err["fields"]["nir"].as_str().unwrap();
        for part in [
            "1er chiffre (2)",
            "chiffres 2 et 3 (38)",
            "chiffres 4 et 5 (04)",
        ] {
            assert!(nir.contains(part), "{engine}: {part} dans {nir}");
        }
        assert_eq!(app.db.store.usager_count().await.unwrap(), 2);
        app.stop().await;
    }
}

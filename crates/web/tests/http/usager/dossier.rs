//! The file itself: who opened it, the circle, the synthesis sheet and the file page.

use super::*;

#[tokio::test]
async fn who_opened_my_file() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let fa = app.etablissement_finess.clone();
        let (b, _) = app.etablissement_b().await;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[a]).await;
        let (_, direction) = app.account("direction", Role::Direction, &[a]).await;
        let (_, educ) = app.account("educ", Role::Educateur, &[a]).await;
        let (referent_id, referent) = app.account("referent", Role::Educateur, &[a]).await;
        let (_, educ_b) = app.account("educ.b", Role::Educateur, &[b]).await;

        let mut body = dupont(&fa);
        body["referent_id"] = json!(referent_id);
        let id = app.create_usager(&secr, &body).await;
        let other = app
            .create_usager(&secr, &person("Martin", &["Paul"], "1940-01-01", "M", &fa))
            .await;
        let file = format!("/api/v1/usagers/{id}");
        let audit = format!("{file}/audit");
        app.get_json(&educ, &file).await;
        let r = app
            .post_json(
                &educ_b,
                &format!("{file}/acces-exceptionnel"),
                &json!({"motif": MOTIF}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        app.get_json(&educ_b, &file).await;

        let v = app.get_json(&direction, &audit).await;
        let items = v["items"].as_array().unwrap();
        assert!(items.iter().all(|e| e["usager_id"] == id), "{engine}: {v}");
        let reads_by = |user: &str| {
            items
                .iter()
                .filter(|e| e["action"] == "usager.lecture" && e["username"] == user)
                .collect::<Vec<_>>()
        };
        assert_eq!(reads_by("educ").len(), 1, "{engine}: {v}");
        assert!(!reads_by("educ")[0]["detail"]
            .as_str()
            .unwrap()
            .contains("acces_exceptionnel"));
        let glass = reads_by("educ.b");
        assert_eq!(glass.len(), 1, "{engine}: {v}");
        assert!(
            glass[0]["detail"]
                .as_str()
                .unwrap()
                .contains("\"acces_exceptionnel\":true"),
            "{v}"
        );
        assert!(items
            .iter()
            .any(|e| e["action"] == "usager.acces_exceptionnel" && e["username"] == "educ.b"));
        assert!(items
            .iter()
            .any(|e| e["action"] == "usager.creation" && e["username"] == "secretariat"));
        let ids: Vec<i64> = items.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(
            ids.windows(2).all(|w| w[0] > w[1]),
            "du plus récent au plus ancien"
        );
        // Pages.
        let p1 = app.get_json(&direction, &format!("{audit}?limit=2")).await;
        let cursor = p1["next_cursor"].as_str().expect("curseur").to_string();
        let p2 = app
            .get_json(&direction, &format!("{audit}?limit=2&cursor={cursor}"))
            .await;
        let first_of_p2 = p2["items"][0]["id"].as_i64().unwrap();
        assert!(first_of_p2 < cursor.parse::<i64>().unwrap(), "{engine}");

        // An educateur who is not the referent: 403; the referent: 200.
        let err = error_body(
            app.get(&educ, &audit).await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        assert!(message(&err).contains("traçabilité"), "{err}");
        app.get_json(&referent, &audit).await;
        // The usager themself, on their own file only.
        let portal = app.portal_token("mme.dupont", id).await;
        let mine = app.get_json(&portal, &audit).await;
        assert!(
            mine["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["username"] == "educ.b"),
            "{engine}: {mine}"
        );
        error_body(
            app.get(&portal, &format!("/api/v1/usagers/{other}/audit"))
                .await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        let r = app.get(&portal, "/api/v1/usagers?q=martin").await;
        let v: Value = r.json().await.unwrap();
        assert!(v["items"].as_array().unwrap().is_empty(), "{engine}: {v}");
        app.stop().await;
    }
}

#[tokio::test]
async fn circle_synthesis_sheet_and_file_page() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[a]).await;
        let (_, educ) = app.account("educ", Role::Educateur, &[a]).await;
        app.create_user("aide", Role::AideSoignant, &[a]).await;
        let (b, _) = app.etablissement_b().await;
        app.create_user("educ.b", Role::Educateur, &[b]).await;
        let id = app.create_usager(&secr, &dupont(&fa)).await;
        let circle = format!("/api/v1/usagers/{id}/entourage");

        // A legal representative needs the measure.
        let tuteur = json!({"nom": "Mandataire", "prenom": "Jeanne", "relation": "tuteur"});
        let err = error_body(
            app.post_json(&secr, &circle, &tuteur).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(
            err["fields"]["mesure_protection"]
                .as_str()
                .unwrap()
                .contains("mesure de protection"),
            "{engine}: {err}"
        );
        let mut with_measure = tuteur.clone();
        with_measure["mesure_protection"] = json!("TUTELLE");
        with_measure["mesure_debut"] = json!("01/05/2024");
        let r = app.post_json(&secr, &circle, &with_measure).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let created: Value = r.json().await.unwrap();
        assert_eq!(created["version"], 1);
        let tid = created["id"].as_i64().unwrap();
        // A personne de confiance needs the designation date.
        let fille = json!({"nom": "Dupont", "prenom": "Claire", "relation": "enfant", "personne_confiance": true});
        let err = error_body(
            app.post_json(&secr, &circle, &fille).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(err["fields"]["date_designation"].is_string(), "{err}");
        let mut fille = fille;
        fille["date_designation"] = json!("2025-01-06");
        fille["telephone"] = json!("06 12 34 56 78");
        assert_eq!(
            app.post_json(&secr, &circle, &fille).await.status(),
            StatusCode::CREATED
        );
        error_body(
            app.post_json(&educ, &circle, &fille).await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        let list = app.get_json(&educ, &circle).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{engine}: {list}");
        assert_eq!(
            items[0]["prenom"], "Claire",
            "la personne de confiance d'abord"
        );
        assert_eq!(items[0]["personne_confiance"], true);
        let t = items.iter().find(|e| e["id"] == tid).unwrap();
        assert_eq!(
            (t["mesure_protection"].as_str(), t["mesure_debut"].as_str()),
            (Some("TUTELLE"), Some("2024-05-01"))
        );
        // Stale update of a person: 409.
        let r = app
            .put_json_if(&secr, &format!("{circle}/{tid}"), "\"7\"", &with_measure)
            .await;
        error_body(r, StatusCode::CONFLICT, "version_perimee").await;
        // A médecin traitant, added to the directory on the way.
        let pros = format!("/api/v1/usagers/{id}/professionnels");
        let r = app.post_json(&secr,
            &pros,
            &json!({"role": "medecin_traitant", "nom": "Lambert", "prenom": "Luc", "fonction": "Médecin généraliste"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let linked = app.get_json(&secr, &pros).await;
        assert_eq!(linked["items"][0]["role"], "medecin_traitant", "{linked}");

        // HTML: the synthesis sheet, with a cookie session.
        let c = app.browser("educ").await;
        let r = app.get_with(&c, &format!("/usagers/{id}/synthese")).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let html = r.text().await.unwrap();
        for expected in [
            "Fiche de synthèse",
            "DUPONT Hélène",
            "Tutelle",
            "MANDATAIRE Jeanne",
            "Médecin traitant : LAMBERT Luc",
            "personne de confiance",
        ] {
            assert!(
                html.contains(expected),
                "{engine}: « {expected} » absent de la fiche"
            );
        }
        // The header loops over the visible tabs and marks the active one.
        assert!(
            html.contains(&format!(
                "<a href=\"/usagers/{id}/synthese\" aria-current=\"page\">Fiche de synthèse</a>"
            )),
            "{engine}: onglet actif"
        );
        assert!(html.contains(&format!(
            "<a href=\"/usagers/{id}/entourage\" aria-current=\"false\">Entourage</a>"
        )));
        // The file page: status badge, and tabs only for readable sections.
        let r = app.get_with(&c, &format!("/usagers/{id}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("badge badge-provisoire\">Identité provisoire"),
            "{engine}: badge"
        );
        assert!(html.contains(&format!("/usagers/{id}/section/accompagnement")));
        assert!(html.contains(&format!("/usagers/{id}/section/documents")));
        assert!(
            !html.contains(&format!("/usagers/{id}/section/soins")),
            "{engine}: pas d'onglet Soins pour un éducateur"
        );
        assert!(!html.contains(">Soins<"));
        assert!(!html.contains(&format!("/usagers/{id}/psychologie")));
        assert!(!html.contains(&format!("/usagers/{id}/soins")));
        assert!(
            !html.contains(&format!("/usagers/{id}/tracabilite")),
            "pas de traçabilité pour un éducateur non référent"
        );
        let r = app
            .get_with(&c, &format!("/usagers/{id}/section/soins"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");

        let aide = app.browser("aide").await;
        let html = app
            .get_with(&aide, &format!("/usagers/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!(
                "/usagers/{id}/soins\" aria-current=\"false\">Soins<"
            )),
            "{engine}: onglet Soins"
        );
        assert!(html.contains(&format!("/usagers/{id}/section/accompagnement")));
        assert!(!html.contains(&format!("/usagers/{id}/section/documents")));
        // The care tab has a page of its own; the generic address leads there.
        let r = app
            .get_with(&aide, &format!("/usagers/{id}/section/soins"))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = app.get_with(&aide, &format!("/usagers/{id}/soins")).await;
        assert_eq!(r.status(), StatusCode::OK);

        // A validated identity shows its badge.
        let doc = format!("/api/v1/usagers/{id}/identite/justificatif");
        app.post_json(&secr, &doc, &json!({"type_justificatif": "passeport"}))
            .await;
        let html = app
            .get_with(&aide, &format!("/usagers/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("badge badge-validee\">Identité validée"),
            "{engine}"
        );

        // Out of scope: 403 page offering break-the-glass.
        let other = app.browser("educ.b").await;
        let r = app
            .get_with(&other, &format!("/usagers/{id}/synthese"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("acces-exceptionnel"),
            "{engine}: formulaire d'accès exceptionnel"
        );
        assert!(
            !html.contains("Tutelle") && !html.contains("Hélène"),
            "{engine}: rien du dossier"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_corrupt_stored_code_answers_a_clean_error_not_a_default() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[a]).await;
        let id = app.create_usager(&secr, &dupont(&fa)).await;
        let file = format!("/api/v1/usagers/{id}");
        let v = app.get_json(&secr, &file).await;
        assert_eq!(
            (&v["statut_identite"], &v["sexe"], &v["attributs_identite"]),
            (&json!("PROV"), &json!("F"), &json!("")),
            "{engine}: {v}"
        );
        app.db
            .exec(&format!(
                "UPDATE usager SET statut_identite = 'ZZZ' WHERE id = {id}"
            ))
            .await
            .unwrap();
        for path in [file.clone(), format!("{file}/doublons")] {
            let r = app.get(&secr, &path).await;
            let err = error_body(r, StatusCode::INTERNAL_SERVER_ERROR, "erreur_interne").await;
            assert!(!err.to_string().contains("PROV"), "{engine} {path}: {err}");
        }
        app.stop().await;
    }
}

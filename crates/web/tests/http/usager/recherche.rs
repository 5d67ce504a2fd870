//! Search, scope, assignment and break-the-glass through the API and the search page.

use super::*;

#[tokio::test]
async fn search_scope_assignment_and_break_the_glass() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let fa = app.etablissement_finess.clone();
        let (b, fb) = app.etablissement_b().await;
        let (_, secr_a) = app.account("secretariat.a", Role::Secretariat, &[a]).await;
        let (_, secr_b) = app.account("secretariat.b", Role::Secretariat, &[b]).await;
        let (intervenant_id, intervenant) = app
            .account("intervenant", Role::IntervenantDomicile, &[a])
            .await;
        let (educ_id, _) = app.account("educ", Role::Educateur, &[a]).await;

        let u_a = app.create_usager(&secr_a, &dupont(&fa)).await;
        let u_a2 = app
            .create_usager(
                &secr_a,
                &person("Dupont", &["Marcel"], "1936-01-01", "M", &fa),
            )
            .await;
        // Creating in an établissement where one does not work: refused.
        error_body(
            app.post_json(&secr_a, "/api/v1/usagers", &dupont(&fb))
                .await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        // The same person in B: B's secretariat is told that a duplicate exists elsewhere,
        // without its id, number or names.
        let err = error_body(
            app.post_json(&secr_b, "/api/v1/usagers", &dupont(&fb))
                .await,
            StatusCode::CONFLICT,
            "doublon_probable",
        )
        .await;
        let c = &err["candidats"][0];
        assert_eq!(
            (&c["id"], &c["numero"], &c["visible"]),
            (&Value::Null, &Value::Null, &json!(false)),
            "{engine}: {err}"
        );
        assert!(
            c["nom_naissance"].is_null() && c["date_naissance"].is_null(),
            "{err}"
        );
        let mut confirmed = dupont(&fb);
        confirmed["confirmer_doublon"] = json!(true);
        let u_b = app.create_usager(&secr_b, &confirmed).await;

        assert_eq!(
            search(&app, &secr_a, "dupont").await,
            vec![u_a, u_a2],
            "{engine}"
        );
        assert_eq!(search(&app, &secr_a, "hél dup").await, vec![u_a]);
        assert_eq!(search(&app, &secr_b, "dupont").await, vec![u_b]);
        assert_eq!(search(&app, &secr_b, "12/04/1938").await, vec![u_b]);
        assert!(search(&app, &secr_a, &format!("U{u_b:07}"))
            .await
            .is_empty());
        let err = error_body(
            app.get(&secr_a, &format!("/api/v1/usagers/{u_b}")).await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        assert_eq!(
            message(&err),
            "Ce dossier ne fait pas partie de votre périmètre."
        );

        // Pagination through the API.
        let page: Value = app
            .get(&secr_a, "/api/v1/usagers?q=dupont&limit=1")
            .await
            .json()
            .await
            .unwrap();
        let cursor = page["next_cursor"].as_str().expect("curseur").to_string();
        let next: Value = Client::new()
            .get(app.url("/api/v1/usagers"))
            .query(&[("q", "dupont"), ("limit", "1"), ("cursor", cursor.as_str())])
            .bearer_auth(&secr_a)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_ne!(page["items"][0]["id"], next["items"][0]["id"], "{engine}");
        assert!(next["next_cursor"].is_null(), "{next}");

        // The home-care worker sees nobody until assigned.
        assert!(
            search(&app, &intervenant, "dupont").await.is_empty(),
            "{engine}"
        );
        let err = error_body(
            app.get(&intervenant, &format!("/api/v1/usagers/{u_a}"))
                .await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        assert!(message(&err).contains("périmètre"), "{err}");
        let assign = format!("/api/v1/usagers/{u_a}/affectations");
        error_body(
            app.post_json(
                &intervenant,
                &assign,
                &json!({"utilisateur_id": intervenant_id}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        let err = error_body(
            app.post_json(&secr_a, &assign, &json!({"utilisateur_id": educ_id}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(err["fields"]["utilisateur_id"].is_string(), "{err}");
        let r = app
            .post_json(&secr_a, &assign, &json!({"utilisateur_id": intervenant_id}))
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        assert_eq!(
            search(&app, &intervenant, "dupont").await,
            vec![u_a],
            "{engine}"
        );
        let u = app
            .get_json(&intervenant, &format!("/api/v1/usagers/{u_a}"))
            .await;
        assert_eq!(
            u["sections"],
            json!(["administratif", "accompagnement", "liaison"]),
            "{u}"
        );
        error_body(
            app.get(&intervenant, &format!("/api/v1/usagers/{u_a2}"))
                .await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;

        // Break-the-glass: a reason of 15 characters at least, then the file opens.
        let bris = format!("/api/v1/usagers/{u_b}/acces-exceptionnel");
        let err = error_body(
            app.post_json(&secr_a, &bris, &json!({"motif": "urgence !"}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(
            err["fields"]["motif"]
                .as_str()
                .unwrap()
                .contains("15 caractères"),
            "{engine}: {err}"
        );
        error_body(
            app.get(&secr_a, &format!("/api/v1/usagers/{u_b}")).await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        let r = app
            .post_json(&secr_a, &bris, &json!({"motif": MOTIF, "heures": 2}))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["heures"], 2);
        let u = app
            .get_json(&secr_a, &format!("/api/v1/usagers/{u_b}"))
            .await;
        assert_eq!(u["id"], u_b);
        // While it runs, the search shows the file too.
        assert_eq!(
            search(&app, &secr_a, "dupont").await,
            vec![u_a, u_a2, u_b],
            "{engine}"
        );
        let reads = app
            .audit(
                &Filter {
                    usager_id: Some(u_b),
                    action: Some("usager.lecture".into()),
                    username: Some("secretariat.a".into()),
                    ..Filter::default()
                },
                100,
            )
            .await;
        assert_eq!(reads.len(), 1, "{engine}");
        assert!(
            reads[0].detail.contains("\"acces_exceptionnel\":true"),
            "{}",
            reads[0].detail
        );
        // Not for the portal accounts.
        let portal = app.portal_token("usager.a", u_a).await;
        error_body(
            app.post_json(&portal, &bris, &json!({"motif": MOTIF}))
                .await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn search_page_lists_the_usagers_of_an_etablissement() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let fa = app.etablissement_finess.clone();
        let (b, fb) = app.etablissement_b().await;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[a, b]).await;
        let (_, secr_b) = app.account("secretariat.b", Role::Secretariat, &[b]).await;
        app.create_usager(&secr, &dupont(&fa)).await;
        app.create_usager(&secr, &person("Abadie", &["Louis"], "1941-05-05", "M", &fa))
            .await;
        app.create_usager(
            &secr_b,
            &person("Zidane", &["Yves"], "1942-06-06", "M", &fb),
        )
        .await;

        let c = app.browser("secretariat").await;
        let html = app
            .get_with(&c, &format!("/usagers?q=&etablissement={a}"))
            .await
            .text()
            .await
            .unwrap();
        for expected in ["DUPONT", "ABADIE"] {
            assert!(
                html.contains(expected),
                "{engine}: {expected} absent de la liste de l'établissement"
            );
        }
        assert!(
            !html.contains("ZIDANE"),
            "{engine}: usager d'un autre établissement"
        );
        let html = app
            .get_with(&c, &format!("/usagers?q=&etablissement={b}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("ZIDANE") && !html.contains("DUPONT"),
            "{engine}"
        );
        // By name, within the chosen établissement.
        let html = app
            .get_with(&c, &format!("/usagers?q=dup&etablissement={a}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("DUPONT") && !html.contains("ABADIE"),
            "{engine}"
        );
        app.stop().await;
    }
}

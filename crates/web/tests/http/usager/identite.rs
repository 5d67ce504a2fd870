//! Identity edits, RNIV statuses and INSi retrieval (with the simulator).

use super::*;

#[tokio::test]
async fn identity_edits_and_rniv_statuses() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app
            .account("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
        let (_, educ) = app
            .account("educ", Role::Educateur, &[app.etablissement_id])
            .await;
        let id = app.create_usager(&secr, &dupont(&fa)).await;
        let path = format!("/api/v1/usagers/{id}");
        let doc = format!("/api/v1/usagers/{id}/identite/justificatif");

        // Document checks.
        let err = error_body(
            app.post_json(&secr, &doc, &json!({"type_justificatif": "carte_vitale"}))
                .await,
            StatusCode::CONFLICT,
            "transition_refusee",
        )
        .await;
        assert!(message(&err).contains("Carte Vitale"), "{engine}: {err}");
        error_body(
            app.post_json(
                &secr,
                &doc,
                &json!({"type_justificatif": "ticket_de_metro"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        error_body(
            app.post_json(&educ, &doc, &json!({"type_justificatif": "passeport"}))
                .await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        let r = app
            .post_json(&secr, &doc, &json!({"type_justificatif": "passeport"}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let s: Value = r.json().await.unwrap();
        assert_eq!(
            (s["statut_identite"].as_str(), s["version"].as_i64()),
            (Some("VALI"), Some(2)),
            "{s}"
        );
        let u = app.get_json(&secr, &path).await;
        assert_eq!(u["justificatif_type"], "passeport");

        // Stale If-Match: 409, nothing changed.
        let mut edit = dupont(&fa);
        edit["nom_naissance"] = json!("Durand");
        let put = |body: Value, if_match: Option<&str>, token: &str| {
            let mut rb = Client::new()
                .put(app.url(&path))
                .bearer_auth(token)
                .json(&body);
            if let Some(v) = if_match {
                rb = rb.header("If-Match", v);
            }
            rb.send()
        };
        error_body(
            put(edit.clone(), Some("\"1\""), &secr).await.unwrap(),
            StatusCode::CONFLICT,
            "version_perimee",
        )
        .await;
        let u = app.get_json(&secr, &path).await;
        assert_eq!(
            (
                u["nom_naissance"].as_str(),
                u["statut_identite"].as_str(),
                u["version"].as_i64()
            ),
            (Some("DUPONT"), Some("VALI"), Some(2)),
            "{engine}: {u}"
        );
        assert!(search(&app, &secr, "durand").await.is_empty());
        let err = error_body(
            put(edit.clone(), None, &secr).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(err["fields"]["version"].is_string(), "{err}");
        error_body(
            put(edit.clone(), Some("\"2\""), &educ).await.unwrap(),
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;

        // A used name is not a strict trait: the status stays.
        let mut used = dupont(&fa);
        used["nom_utilise"] = json!("Martin");
        let r = put(used, Some("\"2\""), &secr).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let u: Value = r.json().await.unwrap();
        assert_eq!(
            (u["statut_identite"].as_str(), u["version"].as_i64()),
            (Some("VALI"), Some(3)),
            "{u}"
        );
        assert_eq!(search(&app, &secr, "martin").await, vec![id]);

        // The birth name edited by hand: back to PROV.
        let r = put(edit.clone(), Some("3"), &secr).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let u: Value = r.json().await.unwrap();
        assert_eq!(
            (
                u["nom_naissance"].as_str(),
                u["statut_identite"].as_str(),
                u["version"].as_i64()
            ),
            (Some("DURAND"), Some("PROV"), Some(4)),
            "{engine}: {u}"
        );
        assert_eq!(search(&app, &secr, "durand").await, vec![id]);
        assert!(search(&app, &secr, "dupont").await.is_empty());
        let versions = app.get_json(&secr, &format!("{path}/versions")).await;
        let v: Vec<i64> = versions["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["version"].as_i64().unwrap())
            .collect();
        assert_eq!(v, vec![3, 2, 1], "{engine}");
        assert_eq!(versions["items"][2]["donnees"]["nom_naissance"], "DUPONT");

        // Doubt: the identity can no longer be validated until the doubt is cleared.
        let attrs = format!("{path}/identite/attributs");
        // Every attribute says why: without a reason, 422 and nothing changes.
        let err = error_body(
            app.post_json(&secr, &attrs, &json!({"douteuse": true}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "contenu_invalide",
        )
        .await;
        assert!(err["fields"]["motif"].is_string(), "{engine}: {err}");
        let r = app
            .post_json(
                &secr,
                &attrs,
                &json!({"douteuse": true, "motif": "Deux dates de naissance différentes."}),
            )
            .await;
        let s: Value = r.json().await.unwrap();
        assert_eq!(s["attributs_identite"], "DOUT", "{s}");
        let err = error_body(
            app.post_json(&secr, &doc, &json!({"type_justificatif": "passeport"}))
                .await,
            StatusCode::CONFLICT,
            "transition_refusee",
        )
        .await;
        assert!(message(&err).contains("douteuse"), "{err}");
        let r = app
            .post_json(
                &secr,
                &attrs,
                &json!({"douteuse": false, "motif": "Acte de naissance vérifié."}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = app
            .post_json(&secr, &doc, &json!({"type_justificatif": "carte_identite"}))
            .await;
        let s: Value = r.json().await.unwrap();
        assert_eq!(
            (
                s["statut_identite"].as_str(),
                s["attributs_identite"].as_str()
            ),
            (Some("VALI"), Some("")),
            "{s}"
        );
        // INSi is not configured on this server.
        error_body(
            app.post_json(&secr, &format!("{path}/identite/insi"), &json!({}))
                .await,
            StatusCode::SERVICE_UNAVAILABLE,
            "service_indisponible",
        )
        .await;
        app.stop().await;
    }
}

/// A client of the local simulator, with a software identity (the simulator, as the service,
/// refuses a request without IDAM).
pub(super) fn insi_client(endpoint: String) -> Arc<dyn dui_interop::insi::Insi> {
    let mut config = InsiConfig::new(endpoint);
    config.contexte.emetteur = "EMETTEUR-TEST".into();
    config.contexte.idam = "IDAM-TEST".into();
    Arc::new(HttpInsiClient::new(config).expect("client INSi"))
}

pub(super) fn dupont_insi(finess: &str) -> Value {
    json!({
        "nom_naissance": "DUPONT",
        "prenoms": ["Hélène", "Marie"],
        "date_naissance": "1979-03-12",
        "sexe": "F",
        "lieu_naissance": "51215",
        "etablissement": finess,
    })
}

pub(super) async fn status_of(app: &TestApp, token: &str, id: i64) -> (String, i64, Value) {
    let u = app.get_json(token, &format!("/api/v1/usagers/{id}")).await;
    (
        u["statut_identite"].as_str().unwrap().to_string(),
        u["version"].as_i64().unwrap(),
        u["matricule_ins"].clone(),
    )
}

#[tokio::test]
async fn insi_retrieval_through_the_simulator() {
    for engine in engines() {
        let (app, sim, secr) = super::insi::avec_simulateur(engine).await;
        let fa = app.etablissement_finess.clone();
        let (_, educ) = app
            .account("educ", Role::Educateur, &[app.etablissement_id])
            .await;

        let id = app.create_usager(&secr, &dupont_insi(&fa)).await;
        let insi = format!("/api/v1/usagers/{id}/identite/insi");
        error_body(
            app.post_json(&educ, &insi, &json!({})).await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        // No body at all is accepted.
        let r = app.post(&secr, &insi).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let s: Value = r.json().await.unwrap();
        assert_eq!(
            (
                s["statut_identite"].as_str(),
                s["matricule_ins"].as_str(),
                s["oid_ins"].as_str(),
                s["version"].as_i64()
            ),
            (
                Some("RECUP"),
                Some("279035121518989"),
                Some("1.2.250.1.213.1.4.8"),
                Some(2)
            ),
            "{engine}: {s}"
        );
        let doc = format!("/api/v1/usagers/{id}/identite/justificatif");
        let r = app
            .post_json(&secr, &doc, &json!({"type_justificatif": "passeport"}))
            .await;
        let s: Value = r.json().await.unwrap();
        assert_eq!(s["statut_identite"], "QUAL", "{engine}: {s}");
        assert_eq!(s["matricule_ins"], "279035121518989");
        let r = app
            .post_json(&secr, &format!("{insi}/verification"), &json!({}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let s: Value = r.json().await.unwrap();
        assert_eq!(s["statut_identite"], "QUAL", "{s}");
        assert_eq!(search(&app, &secr, "279035121518989").await, vec![id]);

        // Nobody with these traits: 409, nothing changed.
        let unknown = app
            .create_usager(
                &secr,
                &person("Inconnu", &["Pierre"], "1960-01-01", "M", &fa),
            )
            .await;
        error_body(
            app.post_json(
                &secr,
                &format!("/api/v1/usagers/{unknown}/identite/insi"),
                &json!({}),
            )
            .await,
            StatusCode::CONFLICT,
            "insi_aucune_identite",
        )
        .await;
        assert_eq!(
            status_of(&app, &secr, unknown).await,
            ("PROV".into(), 1, Value::Null),
            "{engine}"
        );

        // Homonyms in the fixtures: INSi answers several identities.
        let leroy = app
            .create_usager(&secr, &person("LEROY", &["Marie"], "1992-01-08", "F", &fa))
            .await;
        let err = error_body(
            app.post_json(
                &secr,
                &format!("/api/v1/usagers/{leroy}/identite/insi"),
                &json!({}),
            )
            .await,
            StatusCode::CONFLICT,
            "insi_plusieurs_identites",
        )
        .await;
        assert!(message(&err).contains("prénoms"), "{err}");
        assert_eq!(
            status_of(&app, &secr, leroy).await,
            ("PROV".into(), 1, Value::Null),
            "{engine}"
        );
        app.stop().await;
        sim.abort();

        // INSi unreachable: 503, nothing changed.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let app = spawn_app_with_insi(engine, insi_client(simulator::endpoint_url(closed))).await;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app
            .account("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
        let id = app.create_usager(&secr, &dupont_insi(&fa)).await;
        let err = error_body(
            app.post_json(
                &secr,
                &format!("/api/v1/usagers/{id}/identite/insi"),
                &json!({}),
            )
            .await,
            StatusCode::SERVICE_UNAVAILABLE,
            "service_indisponible",
        )
        .await;
        assert!(
            message(&err).contains("Rien n'a été modifié"),
            "{engine}: {err}"
        );
        assert_eq!(
            status_of(&app, &secr, id).await,
            ("PROV".into(), 1, Value::Null),
            "{engine}"
        );
        app.stop().await;
    }
}

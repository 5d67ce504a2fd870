//! The usager file through the real application: creation and duplicates, search and scope,
//! assignment and break-the-glass, identity edits and RNIV statuses (with the INSi
//! simulator), "who opened my file", the circle, the synthesis sheet and the file page.

use std::sync::Arc;

use dui_domain::policy::{Action, Matrice, Role, Section};
use dui_interop::insi::{simulator, spawn_simulator, HttpInsiClient, InsiConfig};
use dui_store::audit::Filter;
use dui_store::testing::engines;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    client, error_body, message, spawn_app, spawn_app_with_insi, TestApp, PASSWORD,
};
use crate::helpers::{dupont, person};

const MOTIF: &str = "Appel de nuit du SAMU : consultation des traitements en cours.";
const NIR_VALIDE: &str = "2380475056123 94";

/// Ids found by `GET /api/v1/usagers?q=`, sorted.
async fn search(app: &TestApp, token: &str, q: &str) -> Vec<i64> {
    let mut ids = app.search(token, q).await;
    ids.sort_unstable();
    ids
}

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
        assert_eq!(
            stays[1],
            json!({"id": stays[1]["id"], "etablissement_id": app.etablissement_id, "etablissement": "EHPAD Les Tilleuls",
                   "unite_id": null, "date_entree": "2001-02-03", "date_sortie": "2002-03-04"}),
            "{engine}"
        );
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
        assert!(nir.contains("clé du NIR est incorrecte"), "{engine}: {nir}");
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
        // Same INS: never "another person".
        let mut same_ins = person("Bernard", &["Paul"], "1950-01-01", "M", &fa);
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
        app.stop().await;
    }
}

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
            json!(["administratif", "accompagnement"]),
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
            .db
            .store
            .audit_search(
                &Filter {
                    usager_id: Some(u_b),
                    action: Some("usager.lecture".into()),
                    username: Some("secretariat.a".into()),
                    ..Filter::default()
                },
                100,
            )
            .await
            .unwrap();
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
        let r = app
            .post_json(&secr, &attrs, &json!({"douteuse": true}))
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
            .post_json(&secr, &attrs, &json!({"douteuse": false}))
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

fn insi_client(endpoint: String) -> Arc<dyn dui_interop::insi::Insi> {
    Arc::new(HttpInsiClient::new(InsiConfig::new(endpoint)).expect("client INSi"))
}

fn dupont_insi(finess: &str) -> Value {
    json!({
        "nom_naissance": "DUPONT",
        "prenoms": ["Hélène", "Marie"],
        "date_naissance": "1979-03-12",
        "sexe": "F",
        "lieu_naissance": "51215",
        "etablissement": finess,
    })
}

async fn status_of(app: &TestApp, token: &str, id: i64) -> (String, i64, Value) {
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
        let (addr, sim) = spawn_simulator(dui_interop::insi::demo_fixtures())
            .await
            .unwrap();
        let app = spawn_app_with_insi(engine, insi_client(simulator::endpoint_url(addr))).await;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app
            .account("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
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
                Some("1.2.250.1.213.1.4.10"),
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
        let c = client();
        assert_eq!(
            app.login(&c, "educ", PASSWORD).await.status(),
            StatusCode::OK
        );
        let r = c
            .get(app.url(&format!("/usagers/{id}/synthese")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let html = r.text().await.unwrap();
        for expected in [
            "Fiche de synthèse",
            "DUPONT Hélène",
            "Tutelle",
            "Jeanne Mandataire",
            "Médecin traitant : Luc Lambert",
            "personne de confiance",
        ] {
            assert!(
                html.contains(expected),
                "{engine}: « {expected} » absent de la fiche"
            );
        }
        // The file page: status badge, and tabs only for readable sections.
        let r = c
            .get(app.url(&format!("/usagers/{id}")))
            .send()
            .await
            .unwrap();
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
        assert!(!html.contains(&format!("/usagers/{id}/section/psychologie")));
        assert!(
            !html.contains(&format!("/usagers/{id}/tracabilite")),
            "pas de traçabilité pour un éducateur non référent"
        );
        let r = c
            .get(app.url(&format!("/usagers/{id}/section/soins")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");

        let aide = client();
        assert_eq!(
            app.login(&aide, "aide", PASSWORD).await.status(),
            StatusCode::OK
        );
        let html = aide
            .get(app.url(&format!("/usagers/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!(
                "/usagers/{id}/section/soins\" aria-current=\"false\">Soins<"
            )),
            "{engine}: onglet Soins"
        );
        assert!(html.contains(&format!("/usagers/{id}/section/accompagnement")));
        assert!(!html.contains(&format!("/usagers/{id}/section/documents")));
        let r = aide
            .get(app.url(&format!("/usagers/{id}/section/soins")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);

        // A validated identity shows its badge.
        let doc = format!("/api/v1/usagers/{id}/identite/justificatif");
        app.post_json(&secr, &doc, &json!({"type_justificatif": "passeport"}))
            .await;
        let html = aide
            .get(app.url(&format!("/usagers/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("badge badge-validee\">Identité validée"),
            "{engine}"
        );

        // Out of scope: 403 page offering break-the-glass.
        let other = client();
        assert_eq!(
            app.login(&other, "educ.b", PASSWORD).await.status(),
            StatusCode::OK
        );
        let r = other
            .get(app.url(&format!("/usagers/{id}/synthese")))
            .send()
            .await
            .unwrap();
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

        let c = client();
        assert_eq!(
            app.login(&c, "secretariat", PASSWORD).await.status(),
            StatusCode::OK
        );
        let html = c
            .get(app.url(&format!("/usagers?q=&etablissement={a}")))
            .send()
            .await
            .unwrap()
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
        let html = c
            .get(app.url(&format!("/usagers?q=&etablissement={b}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("ZIDANE") && !html.contains("DUPONT"),
            "{engine}"
        );
        // By name, within the chosen établissement.
        let html = c
            .get(app.url(&format!("/usagers?q=dup&etablissement={a}")))
            .send()
            .await
            .unwrap()
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

//! Applications through the API and the pages (ADM-1, ADM-2): every role gets on the
//! applications what `peut_candidatures` says (`droits_candidatures`), a secretary of B sees
//! neither A's applications nor their candidates, the flow refuses in French (422) and a stale
//! change gets 409, the interview lands on the professional's home page, and the file created
//! from the application goes through the duplicate check.

use dui_domain::candidature::peut_candidatures;
use dui_domain::policy::{Action, Matrice, Role};
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, error_body, html, message, spawn_app, TestApp};

fn candidature(etabs: &[i64], nom: &str) -> Value {
    json!({"etablissements": etabs, "nom_naissance": nom, "prenoms": "Hélène Marie", "date_naissance": "1938-04-12",
        "sexe": "F", "origine": "via_trajectoire", "numero_decision": "VT-2026-001", "orientation": "hebergement_permanent",
        "priorite": "urgente", "criteres": "Aidant épuisé.", "pieces": [{"libelle": "Certificat médical", "recue_le": "2026-11-20"},
        {"libelle": "Avis d'imposition"}], "date_reception": "2026-11-20"})
}

async fn cree(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    let r = app.post_json(token, path, body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "POST {path}: {v}");
    v
}

#[tokio::test]
async fn droits_candidatures_every_role_as_the_policy_says() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.a", Role::Secretariat, &[a]).await;
        let id = cree(
            &app,
            &secr,
            "/api/v1/candidatures",
            &candidature(&[a], "DROITS"),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let m = Matrice::par_defaut();
        let mut ecarts = Vec::new();
        for (n, role) in Role::ALL.iter().enumerate() {
            let etabs: &[i64] = if matches!(role, Role::Usager | Role::Proche) {
                &[]
            } else {
                &[a]
            };
            let (_, t) = app.account(&format!("r{n}"), *role, etabs).await;
            let lit = peut_candidatures(&m, *role, Action::Lire).is_ok();
            let ecrit = peut_candidatures(&m, *role, Action::Ecrire).is_ok();
            let appels = [
                (
                    app.get(&t, "/api/v1/candidatures").await.status(),
                    lit,
                    StatusCode::OK,
                ),
                (
                    app.get(&t, &format!("/api/v1/candidatures/{id}"))
                        .await
                        .status(),
                    lit,
                    StatusCode::OK,
                ),
                (
                    app.post_json(&t, "/api/v1/candidatures", &candidature(&[a], "ROLE"))
                        .await
                        .status(),
                    ecrit,
                    StatusCode::CREATED,
                ),
                (
                    app.post_json(
                        &t,
                        &format!("/api/v1/candidatures/{id}/statut"),
                        &json!({"statut": "desistement", "version": 999}),
                    )
                    .await
                    .status(),
                    ecrit,
                    StatusCode::CONFLICT,
                ),
            ];
            for (k, (got, permis, attendu)) in appels.iter().enumerate() {
                let voulu = if *permis {
                    *attendu
                } else {
                    StatusCode::FORBIDDEN
                };
                if *got != voulu {
                    ecarts.push(format!(
                        "{engine} {role:?} appel {k}: {got} au lieu de {voulu}"
                    ));
                }
            }
        }
        assert!(ecarts.is_empty(), "{}", ecarts.join("\n"));
        // Refusals are audited.
        assert!(!app.audit_of("usager.lire", 100).await.is_empty());
        app.stop().await;
    }
}

#[tokio::test]
async fn a_secretary_of_b_sees_neither_the_applications_of_a_nor_their_candidates() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (b, _) = app.etablissement_b().await;
        let (_, secr_a) = app.account("secr.a", Role::Secretariat, &[a]).await;
        let (_, secr_b) = app.account("secr.b", Role::Secretariat, &[b]).await;
        let id = cree(
            &app,
            &secr_a,
            "/api/v1/candidatures",
            &candidature(&[a], "SECRETE"),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let r = app
            .get(&secr_b, &format!("/api/v1/candidatures/{id}"))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{engine}");
        let liste = app.get_json(&secr_b, "/api/v1/candidatures").await;
        assert_eq!(
            liste["items"].as_array().unwrap().len(),
            0,
            "{engine}: {liste}"
        );
        assert!(!liste.to_string().contains("SECRETE"));
        // Nor can B record one for A alone, nor change A's.
        let r = app
            .post_json(&secr_b, "/api/v1/candidatures", &candidature(&[a], "X"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        let r = app
            .post_json(
                &secr_b,
                &format!("/api/v1/candidatures/{id}/statut"),
                &json!({"statut": "a_l_etude", "version": 1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{engine}");
        // Aimed at both, both see it.
        cree(
            &app,
            &secr_b,
            "/api/v1/candidatures",
            &candidature(&[a, b], "COMMUNE"),
        )
        .await;
        let liste = app.get_json(&secr_a, "/api/v1/candidatures").await;
        assert_eq!(
            liste["items"].as_array().unwrap().len(),
            2,
            "{engine}: {liste}"
        );
        let r = app.get(&secr_a, "/api/v1/candidatures?gir=9").await;
        let e = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&e).contains("GIR"), "{e}");
        app.stop().await;
    }
}

#[tokio::test]
async fn from_the_application_to_the_interview_and_the_file() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.a", Role::Secretariat, &[a]).await;
        let (cadre_id, _) = app.account("cadre.a", Role::Cadre, &[a]).await;
        let id = cree(
            &app,
            &secr,
            "/api/v1/candidatures",
            &candidature(&[a], "DUPONT"),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let url = format!("/api/v1/candidatures/{id}");
        // Forbidden moves, in French; a refusal without motive.
        let r = app
            .post_json(
                &secr,
                &format!("{url}/statut"),
                &json!({"statut": "acceptee", "version": 1}),
            )
            .await;
        let e = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&e).contains("ne peut pas passer"), "{engine}: {e}");
        let r = app
            .post_json(
                &secr,
                &format!("{url}/statut"),
                &json!({"statut": "refusee", "version": 1}),
            )
            .await;
        let e = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&e).contains("motif"), "{e}");
        let r = app
            .post_json(
                &secr,
                &format!("{url}/statut"),
                &json!({"statut": "a_l_etude", "version": 1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        // The same move sent twice: the second is stale.
        let r = app
            .post_json(
                &secr,
                &format!("{url}/statut"),
                &json!({"statut": "a_l_etude", "version": 1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let debut = (chrono::Utc::now() + chrono::Duration::days(1))
            .format("%Y-%m-%dT10:00")
            .to_string();
        let v = cree(&app, &secr, &format!("{url}/entretien"),
            &json!({"utilisateur_id": cadre_id, "debut": debut, "duree": 45, "lieu": "Bureau 2", "version": 2})).await;
        assert_eq!(v["version"], 3);
        let got = app.get_json(&secr, &url).await;
        assert_eq!(got["statut"], "entretien_planifie");
        // On the cadre's home page.
        let cadre = app.browser("cadre.a").await;
        let accueil = html(&app, &cadre, "/").await;
        assert!(accueil.contains("Mes prochains rendez-vous"), "{engine}");
        assert!(
            accueil.contains("Entretien de préadmission — Hélène DUPONT"),
            "{engine}"
        );
        // The application's page shows the history and the appointment.
        let b = app.browser("secr.a").await;
        let page = html(&app, &b, &format!("/candidatures/{id}")).await;
        assert!(
            page.contains("Entretien planifié") && page.contains("Bureau 2"),
            "{engine}"
        );
        let liste = html(&app, &b, "/candidatures").await;
        assert!(
            liste.contains("DUPONT") && liste.contains("Places libres"),
            "{engine}"
        );
        // Accepted, then the file: a probable duplicate of an existing Hélène Dupont → 409.
        let r = app
            .post_json(
                &secr,
                &format!("{url}/statut"),
                &json!({"statut": "acceptee", "version": 3}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        app.create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let r = app
            .post_json(
                &secr,
                &format!("{url}/dossier"),
                &json!({"etablissement_id": a, "version": 4}),
            )
            .await;
        let e = error_body(r, StatusCode::CONFLICT, "doublon_probable").await;
        assert!(
            e["candidats"].as_array().is_some_and(|c| !c.is_empty()),
            "{e}"
        );
        let v = cree(
            &app,
            &secr,
            &format!("{url}/dossier"),
            &json!({"etablissement_id": a, "confirmer_doublon": true, "version": 4}),
        )
        .await;
        let usager = v["usager_id"].as_i64().unwrap();
        let got = app.get_json(&secr, &url).await;
        assert_eq!(got["usager_id"], usager, "{engine}");
        let dossier = app
            .get_json(&secr, &format!("/api/v1/usagers/{usager}"))
            .await;
        assert_eq!(dossier["nom_naissance"], "DUPONT");
        // Once linked, a second file is refused.
        let r = app
            .post_json(
                &secr,
                &format!("{url}/dossier"),
                &json!({"etablissement_id": a, "version": 5}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(app.audit_of("candidature.dossier", 10).await.len(), 1);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_form_records_an_application_for_several_etablissements() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (b, _) = app.etablissement_b().await;
        app.account("secr.ab", Role::Secretariat, &[a, b]).await;
        let c = app.browser("secr.ab").await;
        let csrf = csrf_from(&app, &c, "/candidatures/nouvelle").await;
        let (a, b) = (a.to_string(), b.to_string());
        let form = [
            ("_csrf", csrf.as_str()),
            ("etablissements", a.as_str()),
            ("etablissements", b.as_str()),
            ("nom_naissance", "Leroy"),
            ("prenoms", "Jean"),
            ("date_naissance", "2012-05-06"),
            ("sexe", "M"),
            ("origine", "mdph"),
            ("numero_decision", "CDAPH-69-42"),
            ("orientation", "internat"),
            ("priorite", "haute"),
            ("criteres", ""),
            ("date_reception", "2026-11-30"),
            ("piece_libelle", "Notification MDPH"),
            ("piece_recue_le", "2026-11-30"),
            ("piece_libelle", "Certificat médical"),
            ("piece_recue_le", ""),
            ("piece_libelle", ""),
            ("piece_recue_le", ""),
        ];
        let r = app.post_form(&c, "/candidatures", &form).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{engine}: {}",
            r.text().await.unwrap()
        );
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        let page = html(&app, &c, &lieu).await;
        assert!(
            page.contains("Jean LEROY") && page.contains("CDAPH-69-42"),
            "{engine}"
        );
        assert!(
            page.contains("Notification MDPH") && page.contains("attendue"),
            "{engine}"
        );
        // A form without établissement: a French message, nothing recorded.
        let r = app
            .post_form(
                &c,
                "/candidatures",
                &[
                    ("_csrf", csrf.as_str()),
                    ("nom_naissance", "X"),
                    ("prenoms", "Y"),
                    ("date_naissance", "2012-05-06"),
                    ("sexe", "M"),
                    ("origine", "mdph"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("au moins un établissement"));
        app.stop().await;
    }
}

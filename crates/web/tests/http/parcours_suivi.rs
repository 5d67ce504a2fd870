//! Benefits, freedom-of-movement measures and discharge follow-up through the API and the
//! pages: a benefit about to end on the secretariat's home page, a measure's review (409 on a
//! stale version), a child-protection discharge giving its follow-up tasks to an educator
//! (on their home page), the file then read-mostly, and the task done by the educator.

use chrono::{Duration, Utc};
use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{dupont, error_body, html, message, spawn_app, TestApp};

/// A benefit's body (APA ending on 2026-12-31).
pub(crate) fn prestation() -> Value {
    json!({"type_prestation": "apa", "payeur": "Conseil départemental du Rhône", "reference": "APA-69-0042",
        "montant_centimes": 45000, "date_debut": "2026-01-01", "date_fin": "2026-12-31",
        "notes": "Renouvellement à demander en octobre.", "version": 1})
}

/// A measure's body.
pub(crate) fn mesure() -> Value {
    json!({"nature": "unite_protegee", "description": "Vie en unité protégée", "motif": "Désorientation",
        "avis_medical_par": "Dr Bernard, médecin coordonnateur", "avis_medical_date": "2026-01-02",
        "consentement": "representant", "consentement_par": "M. Martin, tuteur",
        "date_debut": "2026-01-05", "prochaine_revision": "2026-04-05"})
}

/// Three benefits, three measures and three follow-up tasks of file `x` (the lists' data).
pub(crate) async fn peupler(app: &TestApp, secr: &str, x: i64) {
    use crate::listes::created;
    for fin in ["2026-12-31", "2027-06-30", "2028-01-31"] {
        let mut b = prestation();
        b["date_fin"] = json!(fin);
        created(app, secr, &format!("/api/v1/usagers/{x}/prestations"), b).await;
    }
    for _ in 0..3 {
        created(app, secr, &format!("/api/v1/usagers/{x}/mesures"), mesure()).await;
    }
    let assigne = app.get_json(secr, "/api/v1/moi").await["id"]
        .as_i64()
        .unwrap();
    for (n, echeance) in ["2026-06-01", "2026-09-01", "2027-03-01"]
        .iter()
        .enumerate()
    {
        let b = json!({"libelle": format!("Nouvelles {n}"), "echeance": echeance, "assigne_a": assigne});
        created(app, secr, &format!("/api/v1/usagers/{x}/suivis"), b).await;
    }
}

#[tokio::test]
async fn benefits_measures_and_follow_ups_from_the_api_to_the_home_pages() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("secr.a", Role::Secretariat, &[a]).await;
        let educ_id = app.create_user("educ.a", Role::Educateur, &[a]).await;
        app.create_user("educ.a2", Role::Educateur, &[a]).await;
        let (secr, educ, educ2) = (
            app.token("secr.a").await,
            app.token("educ.a").await,
            app.token("educ.a2").await,
        );
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        // A benefit ending in 20 days: on the secretariat's home page.
        let today = dui_domain::feuille_soins::jour_local(Utc::now());
        let mut b = prestation();
        b["date_fin"] = json!((today + Duration::days(20)).to_string());
        b["montant_centimes"] = Value::Null;
        b["montant"] = json!("1 234,56");
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{x}/prestations"), &b)
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let pid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let p = app
            .get_json(&secr, &format!("/api/v1/usagers/{x}/prestations/{pid}"))
            .await;
        assert_eq!(p["montant_centimes"], 123_456, "{engine}: {p}");
        let home = html(&app, &app.browser("secr.a").await, "/").await;
        assert!(
            home.contains("Droits à renouveler") && home.contains("à renouveler"),
            "{engine}"
        );
        // Bad input: French 422; the educator may not write it (403).
        let mut bad = prestation();
        bad["date_fin"] = json!("2025-01-01");
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{x}/prestations"), &bad)
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&err).contains("postérieure"), "{err}");
        let r = app
            .post_json(
                &educ,
                &format!("/api/v1/usagers/{x}/prestations"),
                &prestation(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        // A measure overdue for review, reviewed (then stale: 409).
        let mut m = mesure();
        m["date_debut"] = json!((today - Duration::days(40)).to_string());
        m["avis_medical_date"] = json!((today - Duration::days(41)).to_string());
        m["prochaine_revision"] = json!((today - Duration::days(1)).to_string());
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{x}/mesures"), &m)
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let mid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let home = html(&app, &app.browser("secr.a").await, "/").await;
        assert!(home.contains("révision en retard"), "{engine}");
        let page = html(
            &app,
            &app.browser("secr.a").await,
            &format!("/usagers/{x}/droits"),
        )
        .await;
        assert!(
            page.contains("révision en retard") && page.contains("APA"),
            "{engine}"
        );
        let rev = json!({"date_revision": today.to_string(), "revise_par": "Dr Bernard", "decision": "maintenue",
            "prochaine_revision": (today + Duration::days(90)).to_string(), "version": 1});
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/mesures/{mid}/revisions"),
                &rev,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/mesures/{mid}/revisions"),
                &rev,
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let mm = app
            .get_json(&secr, &format!("/api/v1/usagers/{x}/mesures/{mid}"))
            .await;
        assert_eq!(
            mm["revisions"].as_array().unwrap().len(),
            1,
            "{engine}: {mm}"
        );
        // A discharge with a follow-up given to the educator (a task added by hand: the
        // établissement is an EHPAD, nothing is proposed by itself).
        let st = app
            .get_json(&secr, &format!("/api/v1/usagers/{x}/sejours"))
            .await;
        let sid = st["items"][0]["id"].as_i64().unwrap();
        // The file was created today: its stay is moved back two months, then ends today.
        let mut stay = st["items"][0].clone();
        stay["date_entree"] = json!((today - Duration::days(60)).to_string());
        let r = app
            .put_json(&secr, &format!("/api/v1/usagers/{x}/sejours/{sid}"), &stay)
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/sejours/{sid}/sortie"),
                &json!({"date": today.to_string(), "mode_sortie": "retour_domicile", "version": 2}),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{engine}: {}",
            r.text().await.unwrap()
        );
        let tache = json!({"libelle": "Appeler la famille", "echeance": (today + Duration::days(7)).to_string(), "assigne_a": educ_id, "sejour_id": sid});
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{x}/suivis"), &tache)
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let tid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let home = html(&app, &app.browser("educ.a").await, "/").await;
        assert!(
            home.contains("Suivis à faire") && home.contains("Appeler la famille"),
            "{engine}"
        );
        // The file is read-mostly: the educator's transmission is refused, in French.
        let r = app
            .post_json(
                &educ,
                &format!("/api/v1/usagers/{x}/transmissions"),
                &json!({"texte": "Nouvelles."}),
            )
            .await;
        let err = error_body(r, StatusCode::FORBIDDEN, "acces_refuse").await;
        assert!(message(&err).contains("lecture seule"), "{err}");
        // Another educator may not mark the task; its assignee does.
        let fait = json!({"note": "La famille va bien.", "version": 1});
        let r = app
            .post_json(
                &educ2,
                &format!("/api/v1/usagers/{x}/suivis/{tid}/fait"),
                &fait,
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        let r = app
            .post_json(
                &educ,
                &format!("/api/v1/usagers/{x}/suivis/{tid}/fait"),
                &fait,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let l = app
            .get_json(&educ, &format!("/api/v1/usagers/{x}/suivis"))
            .await;
        assert_eq!(
            l["items"][0]["note"], "La famille va bien.",
            "{engine}: {l}"
        );
        app.stop().await;
    }
}

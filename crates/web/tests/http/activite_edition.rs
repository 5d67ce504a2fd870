//! An activity changed from its page (h13d, issue 13 item 2): the title and the capacity
//! refused in place (empty title, a capacity that is no number, below the persons
//! registered), confirmed, 409 in place on a stale version; closed (the sessions' form then
//! gone and a new session refused) and reopened; sessions led by animators of their own;
//! the administrator gets 403; each change audited.

use dui_domain::policy::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{csrf_from, html, spawn_app};
use crate::listes::{created, get_ok, send};

#[tokio::test]
async fn an_activity_is_changed_closed_and_given_session_animators_from_its_page() {
    for engine in dui_store::testing::engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("educ.ed", Role::Educateur, &[a]).await;
        let autre = app.create_user("educ.ed2", Role::Educateur, &[a]).await;
        let educ = app.token("educ.ed").await;
        let body = json!({"etablissement_id": a, "type_activite": "atelier", "titre": "Atelier terre",
            "capacite": 6, "lieu": "Atelier", "debut": "2020-01-01"});
        let id = created(&app, &educ, "/api/v1/activites", body).await;
        let c = app.browser("educ.ed").await;
        let page = format!("/activites/{id}");
        let csrf = csrf_from(&app, &c, &page).await;
        let avant = html(&app, &c, &page).await;
        assert!(avant.contains("Modifier l'activité"), "{engine}");
        assert!(avant.contains("Clore l'activité"), "{engine}");
        let modif = format!("{page}/modification");

        // Refused in place: a capacity that is no number, an empty title.
        let refus = |capacite: &'static str| {
            let f = [
                ("_csrf", csrf.clone()),
                ("version", "1".into()),
                ("titre", String::new()),
                ("capacite", capacite.into()),
                ("lieu", "Jardin".into()),
            ];
            let (app, c, modif) = (&app, &c, modif.clone());
            async move {
                let r = app.post_form(c, &modif, &f).await;
                assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
                r.text().await.unwrap()
            }
        };
        let p = refus("beaucoup").await;
        assert!(p.contains("data-resume-erreurs"), "{engine}: {p}");
        assert!(p.contains("href=\"#m-capacite\""), "{engine}: {p}");
        assert!(p.contains("value=\"Jardin\""), "typed kept: {engine}");
        assert!(!p.contains("Code :"), "{engine}");
        assert!(refus("8").await.contains("href=\"#m-titre\""), "{engine}");

        // Confirmed; the same version again is a 409 in place.
        let ok = [
            ("_csrf", csrf.as_str()),
            ("version", "1"),
            ("titre", "Atelier poterie"),
            ("capacite", "8"),
            ("lieu", "Jardin"),
        ];
        let r = app.post_form(&c, &modif, &ok).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert!(lieu.contains("fait=activite_modifiee"), "{engine}: {lieu}");
        assert!(html(&app, &c, &lieu).await.contains("a été modifiée."));
        let r = app.post_form(&c, &modif, &ok).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        assert!(r.text().await.unwrap().contains("modifié entre-temps"));
        let lu = get_ok(&app, &educ, &format!("/api/v1/activites/{id}")).await;
        assert_eq!(lu["titre"], "Atelier poterie", "{engine}: {lu}");
        assert_eq!(lu["capacite"], 8);
        assert_eq!(lu["type_activite"], "atelier", "the rest kept");

        // Sessions led by the other educator alone.
        let autre_id = autre.to_string();
        let demain = (dui_domain::feuille_soins::jour_local(chrono::Utc::now())
            + chrono::Duration::days(1))
        .to_string();
        let r = app
            .post_form(
                &c,
                &format!("{page}/seances"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("jour", demain.as_str()),
                    ("heure_debut", "10:00"),
                    ("heure_fin", "11:00"),
                    ("animateurs", autre_id.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let s = get_ok(&app, &educ, &format!("/api/v1/activites/{id}/seances")).await;
        let noms = &s["items"][0]["animateurs"];
        assert_eq!(noms.as_array().unwrap().len(), 1, "{engine}: {s}");

        // Closed: confirmed, the sessions' form gone, a new session refused; reopened.
        let v = lu["version"].as_i64().unwrap().to_string();
        let clore = [
            ("_csrf", csrf.as_str()),
            ("version", v.as_str()),
            ("active", "non"),
        ];
        let r = app.post_form(&c, &format!("{page}/cloture"), &clore).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert!(lieu.contains("fait=activite_close"), "{engine}: {lieu}");
        let p = html(&app, &c, &lieu).await;
        assert!(
            p.contains("(close)") && p.contains("Rouvrir l'activité"),
            "{engine}"
        );
        assert!(!p.contains("Ajouter des séances"), "{engine}");
        let r = app.post_form(&c, &format!("{page}/cloture"), &clore).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "stale: {engine}");
        let v2 = (lu["version"].as_i64().unwrap() + 1).to_string();
        let r = app
            .post_form(
                &c,
                &format!("{page}/cloture"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("version", v2.as_str()),
                    ("active", "oui"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("fait=activite_rouverte"));

        // The administrator: 403 (audited as a refusal); each change audited.
        let admin = app.admin_token().await;
        let r = send(
            &app,
            &admin,
            "put",
            &format!("/api/v1/activites/{id}"),
            Some(&lu),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        assert!(app
            .audit_of("usager.ecrire", 100)
            .await
            .iter()
            .any(|e| e.username == "admin" && e.outcome == "refus"));
        assert_eq!(
            app.audit_of("activite.modification", 100).await.len(),
            3,
            "{engine}"
        );
        app.stop().await;
    }
}

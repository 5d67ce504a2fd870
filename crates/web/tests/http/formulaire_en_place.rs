//! Forms refused in place (issue 11, issue 16): a benefit, an act of the care plan and a
//! person of the circle refused with 422 show their page again, the summary first, each
//! message by its field, what was typed kept; a success redirects with its confirmation.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{csrf_from, dupont, html, spawn_app};

#[tokio::test]
async fn a_refused_form_shows_its_errors_in_place_and_a_success_is_confirmed() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("secr.fp", Role::Secretariat, &[a]).await;
        app.create_user("ide.fp", Role::Infirmier, &[a]).await;
        let secr = app.token("secr.fp").await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;

        // A benefit with a wrong date: 422, the tab again, the form as typed.
        let c = app.browser("secr.fp").await;
        let csrf = csrf_from(&app, &c, &format!("/usagers/{x}/droits")).await;
        let refus = [
            ("_csrf", csrf.as_str()),
            ("type_prestation", "apa"),
            ("payeur", "Conseil départemental témoin"),
            ("date_debut", "32/13/2026"),
        ];
        let r = app
            .post_form(&c, &format!("/usagers/{x}/prestations"), &refus)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"id="erreurs-resume""#), "{engine}: {page}");
        assert!(page.contains(r##"href="#p-date_debut""##), "{page}");
        assert!(
            page.contains(r#"aria-describedby="p-date_debut-err""#),
            "{page}"
        );
        assert!(page.contains(r#"id="p-date_debut-err""#), "{page}");
        assert!(page.contains("Conseil départemental témoin"), "{page}");
        assert!(page.contains("Droits et mesures"), "{page}");
        assert!(!page.contains("Code : 422"), "{page}");
        // The measure's form of the same page shows no error.
        assert!(!page.contains(r#"aria-describedby="m-"#), "{page}");

        // Corrected: saved, back to the tab with the confirmation.
        let ok = [
            ("_csrf", csrf.as_str()),
            ("type_prestation", "apa"),
            ("payeur", "Conseil départemental témoin"),
            ("date_debut", "2026-01-01"),
        ];
        let r = app
            .post_form(&c, &format!("/usagers/{x}/prestations"), &ok)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(lieu, format!("/usagers/{x}/droits?fait=prestation"));
        assert!(html(&app, &c, &lieu)
            .await
            .contains("Le droit a été enregistré."));

        // An act of the care plan without its label: 422 by the field, typed values kept.
        let n = app.browser("ide.fp").await;
        let csrf = csrf_from(&app, &n, &format!("/usagers/{x}/soins/plan")).await;
        let acte = [
            ("_csrf", csrf.as_str()),
            ("type_acte", "soin_infirmier"),
            ("intervenant", "infirmier"),
            ("type_frequence", "quotidien"),
            ("horaires", "08:00"),
            ("consignes", "Consigne témoin"),
        ];
        let r = app
            .post_form(&n, &format!("/usagers/{x}/soins/plan"), &acte)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"id="a-libelle-err""#), "{engine}: {page}");
        assert!(page.contains("Consigne témoin"), "{page}");

        // A person of the circle saved with a stale version: 409 in place, reload said.
        let e = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/entourage"),
                &json!({"nom": "Durand", "prenom": "Marie", "relation": "enfant"}),
            )
            .await;
        assert_eq!(e.status(), StatusCode::CREATED, "{engine}");
        let eid = e.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        let csrf = csrf_from(&app, &c, &format!("/usagers/{x}/entourage/{eid}")).await;
        let perime = [
            ("_csrf", csrf.as_str()),
            ("version", "7"),
            ("nom", "Durand"),
            ("prenom", "Marie-Témoin"),
            ("relation", "enfant"),
        ];
        let r = app
            .post_form(&c, &format!("/usagers/{x}/entourage/{eid}"), &perime)
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"id="erreurs-resume""#), "{engine}: {page}");
        assert!(page.contains("Rechargez la page"), "{page}");
        assert!(page.contains("Marie-Témoin"), "{page}");
        app.stop().await;
    }
}

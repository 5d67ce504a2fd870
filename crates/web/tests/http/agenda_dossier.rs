//! The person file's Agenda tab and an event's page over HTTP (issue 13, hagenda): an event
//! planned for the person from the tab (a weekly series without its end refused in place),
//! one occurrence postponed with its motive (refused in place without it), a stale change of
//! the event refused in place (409) with the page of now, an exchange noted (refused in place
//! when incomplete), the timeline showing both, and the invited educator's home page listing
//! the coming occurrence.

use chrono::Duration;
use dui_domain::agenda_recurrence::local_paris;
use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{csrf_from, dupont, html, spawn_app};

#[tokio::test]
async fn the_agenda_tab_plans_postpones_and_notes_with_refusals_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("cadre.ag", Role::Cadre, &[a]).await;
        let educ = app.create_user("educ.ag", Role::Educateur, &[a]).await;
        let jeton = app.token("cadre.ag").await;
        let x = app
            .create_usager(&jeton, &dupont(&app.etablissement_finess))
            .await;
        let c = app.browser("cadre.ag").await;
        let tab = format!("/usagers/{x}/agenda");
        let csrf = csrf_from(&app, &c, &tab).await;
        let page = html(&app, &c, &tab).await;
        assert!(page.contains("Rendez-vous et échanges"), "{engine}: {page}");
        assert!(page.contains(r#"aria-current="page">Agenda<"#), "{engine}");

        // A weekly series without its end: refused in place, what was typed kept.
        let aujourdhui = local_paris(chrono::Utc::now()).date();
        let demain = (aujourdhui + Duration::days(1)).to_string();
        let suivante = (aujourdhui + Duration::days(8)).to_string();
        let educ_id = educ.to_string();
        let eid = a.to_string();
        let mut f = vec![
            ("_csrf", csrf.as_str()),
            ("type_rdv", "reunion_synthese"),
            ("objet", "Synthèse du mardi"),
            ("etablissement_id", eid.as_str()),
            ("jour", demain.as_str()),
            ("heure_debut", "09:00"),
            ("heure_fin", "10:00"),
            ("repetition", "hebdomadaire"),
            ("professionnels", educ_id.as_str()),
            ("externes", "Mme Martin, mère"),
        ];
        let r = app.post_form(&c, &format!("{tab}/evenements"), &f).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"id="n-jusqua-err""#), "{engine}: {page}");
        assert!(page.contains("Synthèse du mardi"), "{engine}");
        let fin = (aujourdhui + Duration::days(40)).to_string();
        f.push(("jusqua", fin.as_str()));
        let r = app.post_form(&c, &format!("{tab}/evenements"), &f).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert!(lieu.contains("fait=evenement"), "{engine}: {lieu}");
        let page = html(&app, &c, &lieu).await;
        assert!(page.contains("Synthèse du mardi"), "{engine}");
        assert!(page.contains("Mme Martin, mère (Attendu)"), "{engine}");

        // The event, through the file's API.
        let v: Value = app
            .get_json(&jeton, &format!("/api/v1/usagers/{x}/agenda?de={demain}"))
            .await;
        let id = v["evenements"][0]["id"].as_i64().unwrap();
        let version = v["evenements"][0]["version"].as_i64().unwrap();
        let ev = format!("/agenda/evenements/{id}");

        // One date postponed: its motive is required, then kept.
        let v1 = version.to_string();
        let mut o = vec![
            ("_csrf", csrf.as_str()),
            ("version", v1.as_str()),
            ("date", suivante.as_str()),
            ("action", "reporter"),
            ("jour", suivante.as_str()),
            ("heure_debut", "14:00"),
            ("heure_fin", "15:00"),
        ];
        let r = app.post_form(&c, &format!("{ev}/occurrence"), &o).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(r.text().await.unwrap().contains(r#"id="o-motif-err""#));
        o.push(("motif", "Salle prise par la commission"));
        let r = app.post_form(&c, &format!("{ev}/occurrence"), &o).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lu: Value = app.get_json(&jeton, &format!("/api/v1/agenda/{id}")).await;
        assert_eq!(
            lu["exceptions"][0]["motif"], "Salle prise par la commission",
            "{engine}"
        );

        // A change read before the postponement: 409 in place, the page of now.
        let m = [
            ("_csrf", csrf.as_str()),
            ("version", v1.as_str()),
            ("objet", "Synthèse du mardi"),
            ("jour", demain.as_str()),
            ("heure_debut", "09:30"),
            ("heure_fin", "10:30"),
            ("lieu", "Salle du conseil"),
        ];
        let r = app.post_form(&c, &format!("{ev}/modification"), &m).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains("modifié entre-temps"), "{engine}: {page}");
        assert!(page.contains("Reportée au"), "{engine}");
        assert!(page.contains("Salle du conseil"), "typed kept: {engine}");

        // The tab: the postponed date with its motive.
        let page = html(&app, &c, &format!("{tab}?periode=avenir")).await;
        assert!(
            page.contains("motif : Salle prise par la commission"),
            "{engine}: {page}"
        );

        // An exchange: incomplete refused in place, then noted and listed.
        let mut e = vec![
            ("_csrf", csrf.as_str()),
            ("jour", "2026-01-05"),
            ("heure", "10:00"),
            ("type_echange", "appel"),
            ("sens", "entrant"),
            ("interlocuteur", "Mme Martin, mère"),
            ("objet", "Retour de week-end"),
        ];
        let r = app.post_form(&c, &format!("{tab}/echanges"), &e).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(r.text().await.unwrap().contains(r#"id="x-resume-err""#));
        e.push(("resume", "Week-end calme."));
        let r = app.post_form(&c, &format!("{tab}/echanges"), &e).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let v: Value = app
            .get_json(&jeton, &format!("/api/v1/usagers/{x}/echanges"))
            .await;
        assert_eq!(v["echanges"][0]["objet"], "Retour de week-end", "{engine}");

        // The invited educator's home page lists tomorrow's occurrence.
        let b = app.browser("educ.ag").await;
        let accueil = html(&app, &b, "/").await;
        assert!(accueil.contains("Mes prochains rendez-vous"), "{engine}");
        assert!(accueil.contains("Synthèse du mardi"), "{engine}");
        app.stop().await;
    }
}

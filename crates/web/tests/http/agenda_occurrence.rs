//! Presence per occurrence of a recurring event over HTTP (h13d, decision 0059): the
//! occurrence page's form refused in place (present at a date to come: 422, the summary and
//! the typed choice), confirmed, 409 in place on a stale version; the API's write (version
//! 0 first, then the one read; 409), read back by the event's GET and shown by the event's
//! page and the day view; the administrator gets 403 and the refusal is audited; every
//! presence written is audited.

use chrono::{Datelike, Duration};
use dui_domain::agenda_recurrence::local_paris;
use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, html, spawn_app};

#[tokio::test]
async fn each_occurrence_takes_its_presences_on_its_page_and_through_the_api() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("cadre.oc", Role::Cadre, &[a]).await;
        let educ = app.create_user("educ.oc", Role::Educateur, &[a]).await;
        let jeton = app.token("cadre.oc").await;
        let x = app
            .create_usager(&jeton, &dupont(&app.etablissement_finess))
            .await;
        // Weekly on the weekday of two weeks ago, 08:00 Paris, six times.
        let aujourdhui = local_paris(chrono::Utc::now()).date();
        let premiere = aujourdhui - Duration::days(14);
        let jour = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            [premiere.weekday().num_days_from_monday() as usize];
        let debut =
            dui_domain::agenda_recurrence::instant_paris(premiere.and_hms_opt(8, 0, 0).unwrap());
        let corps = json!({
            "type_rdv": "reunion", "objet": "Réunion de coordination",
            "debut": debut.to_rfc3339(), "fin": (debut + Duration::hours(1)).to_rfc3339(),
            "etablissement_id": a, "rrule": format!("FREQ=WEEKLY;BYDAY={jour};COUNT=6"),
            "participants": [
                {"type_participant": "professionnel", "utilisateur_id": educ},
                {"type_participant": "usager", "usager_id": x}
            ]
        });
        let r = app.post_json(&jeton, "/api/v1/agenda", &corps).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let lu: Value = app.get_json(&jeton, &format!("/api/v1/agenda/{id}")).await;
        let pid = lu["participants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["utilisateur_id"] == json!(educ))
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (passee, a_venir) = (
            premiere.to_string(),
            (premiere + Duration::days(21)).to_string(),
        );

        // The page of a date to come: present refused in place, the choice kept.
        let c = app.browser("cadre.oc").await;
        let occ = format!("/agenda/evenements/{id}/occurrences/{a_venir}");
        let csrf = csrf_from(&app, &c, &occ).await;
        let f = [
            ("_csrf", csrf.as_str()),
            ("version", "0"),
            ("presence", "present"),
        ];
        let r = app
            .post_form(&c, &format!("{occ}/participants/{pid}"), &f)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains("data-resume-erreurs"), "{engine}: {page}");
        assert!(page.contains("occurrence commencée"), "{engine}");
        assert!(page.contains(r#"id="pr-presence""#), "{engine}");
        assert!(
            page.contains(r#"<option value="present" selected>"#),
            "{engine}"
        );
        assert!(!page.contains("Code :"), "{engine}");

        // The first date: present, confirmed; the same version again is a 409 in place.
        let occ = format!("/agenda/evenements/{id}/occurrences/{passee}");
        let r = app
            .post_form(&c, &format!("{occ}/participants/{pid}"), &f)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert!(lieu.contains("fait=presence"), "{engine}: {lieu}");
        let page = html(&app, &c, &lieu).await;
        assert!(page.contains("1 présent"), "{engine}: {page}");
        let r = app
            .post_form(&c, &format!("{occ}/participants/{pid}"), &f)
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        assert!(r.text().await.unwrap().contains("modifié entre-temps"));

        // The API: the second date absent (version 0), then a stale write is a 409.
        let seconde = (premiere + Duration::days(7)).to_string();
        let url = format!("/api/v1/agenda/{id}/occurrences/{seconde}/participants/{pid}/presence");
        let r = app
            .post_json(&jeton, &url, &json!({"presence": "absent", "version": 0}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert_eq!(r.json::<Value>().await.unwrap()["version"], 1);
        let r = app
            .post_json(&jeton, &url, &json!({"presence": "present", "version": 0}))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        // Not a date of the series: 422; the event-level presence of a series: 422.
        let r = app
            .post_json(
                &jeton,
                &format!(
                    "/api/v1/agenda/{id}/occurrences/{}/participants/{pid}/presence",
                    premiere + Duration::days(1)
                ),
                &json!({"presence": "present", "version": 0}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let r = app
            .post_json(
                &jeton,
                &format!("/api/v1/agenda/{id}/participants/{pid}/presence"),
                &json!({"presence": "present", "version": 1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");

        // Read back: the event's GET, its page, the day view of the first date.
        let lu: Value = app.get_json(&jeton, &format!("/api/v1/agenda/{id}")).await;
        let notes = lu["presences_occurrences"].as_array().unwrap();
        assert_eq!(notes.len(), 2, "{engine}: {lu}");
        assert!(notes
            .iter()
            .any(|p| p["date"] == json!(seconde) && p["presence"] == "absent"));
        let page = html(&app, &c, &format!("/agenda/evenements/{id}")).await;
        assert!(page.contains("Présences par date"), "{engine}");
        assert!(page.contains("1 absent"), "{engine}: {page}");
        let jour = html(&app, &c, &format!("/agenda?vue=jour&de={passee}")).await;
        assert!(jour.contains("Présences : 1 présent"), "{engine}: {jour}");
        assert!(jour.contains(&format!("/agenda/evenements/{id}/occurrences/{passee}")));

        // The administrator: 403, audited as a refusal; each presence written is audited.
        let admin = app.admin_token().await;
        let r = app
            .post_json(&admin, &url, &json!({"presence": "present", "version": 1}))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        let refus = app.audit_of("usager.ecrire", 100).await;
        assert!(
            refus
                .iter()
                .any(|e| e.username == "admin" && e.outcome == "refus"),
            "{engine}: {refus:?}"
        );
        let notees = app.audit_details("agenda.presence").await;
        assert_eq!(notees.len(), 2, "{engine}: {notees:?}");
        assert!(notees.iter().any(|d| d["date"] == json!(seconde)));
        app.stop().await;
    }
}

//! The medication round's « si besoin » medicines (issue 12): listed with « Donner », given
//! with a reason from the page or the API, refused over the prescribed maximum in French;
//! the vital-sign alerts in the file's header, for those who read the care section; and one
//! opening of the file, one authorization and one read entry naming the sections read.

use dui_domain::policy::Role;
use dui_store::audit::Filter;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, html, spawn_app};

#[tokio::test]
async fn si_besoin_doses_are_given_from_the_round_and_refused_over_the_maximum() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr", Role::Secretariat, &[a]).await;
        let (_, ide) = app.account("ide", Role::Infirmier, &[a]).await;
        let id = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let presc = format!("/api/v1/usagers/{id}/soins/prescriptions");
        let body = |max: Value, si_besoin: bool| {
            json!({"type_prescription": "medicament", "libelle": "Paracétamol 1 g (si douleur)",
                "si_besoin": si_besoin, "horaires": if si_besoin { "" } else { "08:00" },
                "max_par_24h": max, "prescripteur_nom": "Dr Durand", "prescripteur_rpps": "10000000009"})
        };
        // A maximum is for « si besoin » only.
        let r = app.post_json(&ide, &presc, &body(json!(2), false)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let r = app.post_json(&ide, &presc, &body(json!("1"), true)).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let pid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        // The round lists it, in the API and on the page, with its action.
        let t = app
            .get_json(&ide, &format!("/api/v1/soins/tour?etablissement_id={a}"))
            .await;
        assert_eq!(t["si_besoin"][0]["prescription_id"], pid, "{engine}: {t}");
        assert_eq!(t["si_besoin"][0]["max_par_24h"], 1);
        let c = app.browser("ide").await;
        let tour = format!("/soins/tour?etablissement_id={a}");
        let page = html(&app, &c, &tour).await;
        assert!(
            page.contains("Si besoin (1)") && page.contains(">Donner</button>"),
            "{engine}"
        );
        let csrf = csrf_from(&app, &c, &tour).await;
        let pid_s = pid.to_string();
        let a_s = a.to_string();
        let form = |motif: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("etablissement_id", a_s.clone()),
                ("prescription_id", pid_s.clone()),
                ("motif", motif.to_string()),
            ]
        };
        // Without its reason: refused in French, nothing recorded.
        // The round again, the message next to that line's field (not the error page).
        let r = app.post_form(&c, "/soins/tour/si-besoin", &form("")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains("pourquoi"), "{engine}: {page}");
        assert!(
            page.contains(&format!(r#"id="sb-{pid}-motif-err""#)) && page.contains("Si besoin (1)"),
            "{engine}: {page}"
        );
        assert!(!page.contains("Code : "), "{engine}: {page}");
        let r = app
            .post_form(&c, "/soins/tour/si-besoin", &form("Douleur 6/10"))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert!(lieu.contains("fait=si_besoin"), "{lieu}");
        // The maximum reached: the page says so and offers no dose; the API refuses one.
        let page = html(&app, &c, &tour).await;
        assert!(page.contains("Maximum atteint"), "{engine}");
        // A dose given from a page read before: the round again, the refusal on the line.
        let r = app
            .post_form(&c, "/soins/tour/si-besoin", &form("Douleur 7/10"))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("maximum prescrit est de 1")
                && page.contains(r#"id="erreurs-resume""#)
                && page.contains("Maximum atteint"),
            "{engine}: {page}"
        );
        assert!(!page.contains("Code : "), "{engine}: {page}");
        let r = app
            .post_json(
                &ide,
                "/api/v1/soins/tour",
                &json!({"etablissement_id": a, "doses": [{"prescription_id": pid,
                    "prevu_a": dui_store::ts(chrono::Utc::now()), "statut": "donne", "motif": "Douleur"}]}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let v: Value = r.json().await.unwrap();
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("maximum prescrit est de 1"),
            "{engine}: {v}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_header_shows_vital_sign_alerts_to_care_readers_read_once_per_opening() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr", Role::Secretariat, &[a]).await;
        let (_, ide) = app.account("ide", Role::Infirmier, &[a]).await;
        app.create_user("educ", Role::Educateur, &[a]).await;
        let id = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let r = app
            .post_json(
                &ide,
                &format!("/api/v1/usagers/{id}/soins/constantes"),
                &json!({"type_mesure": "temperature", "valeur": 39.1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let c = app.browser("ide").await;
        let avant = lectures(&app, id, "ide").await;
        let page = html(&app, &c, &format!("/usagers/{id}")).await;
        assert!(
            page.contains("alerte-constante") && page.contains("39,1 °C"),
            "{engine}"
        );
        // One opening: one read entry, naming the care section read with the file.
        let apres = lectures(&app, id, "ide").await;
        assert_eq!(apres.len(), avant.len() + 1, "{engine}: {apres:?}");
        let detail: Value = serde_json::from_str(&apres[0].detail).unwrap();
        assert_eq!(
            detail["sections"],
            json!(["administratif", "soins"]),
            "{engine}"
        );
        // The educator reads no care section: no alert, and the entry names none.
        let e = app.browser("educ").await;
        let page = html(&app, &e, &format!("/usagers/{id}")).await;
        assert!(!page.contains("39,1"), "{engine}");
        let l = lectures(&app, id, "educ").await;
        let detail: Value = serde_json::from_str(&l[0].detail).unwrap();
        assert_eq!(detail["sections"], json!(["administratif"]), "{engine}");
        // Back within the thresholds: the alert ends.
        app.post_json(
            &ide,
            &format!("/api/v1/usagers/{id}/soins/constantes"),
            &json!({"type_mesure": "temperature", "valeur": 37.0}),
        )
        .await;
        let page = html(&app, &c, &format!("/usagers/{id}")).await;
        assert!(!page.contains("alerte-constante"), "{engine}");
        app.stop().await;
    }
}

/// The read entries of `who` on file `id`, newest first.
async fn lectures(
    app: &crate::helpers::TestApp,
    id: i64,
    who: &str,
) -> Vec<dui_store::audit::Entry> {
    app.audit(
        &Filter {
            usager_id: Some(id),
            username: Some(who.into()),
            action: Some("usager.lecture".into()),
            ..Filter::default()
        },
        100,
    )
    .await
}

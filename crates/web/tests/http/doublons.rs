//! Probable duplicates and names through the real application (issue 14, defects 8 and 12):
//! a duplicate outside the caller's scope is told without id, number or names, in the API
//! and on the page, every check is audited; names are found and compared whether their
//! apostrophe, hyphen or space is typed, dropped or glued.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use dui_store::usager::{DOUBLON_CONTACT, DOUBLON_HORS_PERIMETRE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    client, csrf_from, error_body, finess, message, spawn_app, TestApp, PASSWORD,
};

/// A CHRS in the seeded organisme; returns its id.
async fn chrs(app: &TestApp) -> i64 {
    app.add_etablissement("CHRS Le Relais", &finess(69, 300), "214", "AHI", 40)
        .await
}

fn person(nom: &str, prenoms: &[&str], date: &str) -> Value {
    json!({"nom_naissance": nom, "prenoms": prenoms, "date_naissance": date, "sexe": "M"})
}

/// The details of the `usager.doublons` entries, oldest first.
async fn checks(app: &TestApp) -> Vec<Value> {
    app.audit_details("usager.doublons").await
}

#[tokio::test]
async fn a_duplicate_in_another_establishment_is_told_without_id_or_number() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let ehpad = app.etablissement_id;
        let chrs = chrs(&app).await;
        app.create_user("secretariat.ehpad", Role::Secretariat, &[ehpad])
            .await;
        app.create_user("secretariat.chrs", Role::Secretariat, &[chrs])
            .await;
        let t_ehpad = app.token("secretariat.ehpad").await;
        let t_chrs = app.token("secretariat.chrs").await;
        let lambert = person("LAMBERT", &["Julien"], "1980-05-17");
        let in_chrs = app.create_usager(&t_chrs, &lambert).await;
        let morel = person("MOREL", &["Simone"], "1935-02-03");
        let in_ehpad = app.create_usager(&t_ehpad, &morel).await;
        let numero_chrs = format!("U{in_chrs:07}");

        // API: the EHPAD creating the person the CHRS accompanies.
        let r = app.post_json(&t_ehpad, "/api/v1/usagers", &lambert).await;
        let err = error_body(r, StatusCode::CONFLICT, "doublon_probable").await;
        assert_eq!(
            err["candidats"],
            json!([{"visible": false, "meme_ins": false, "message": DOUBLON_HORS_PERIMETRE, "contact": DOUBLON_CONTACT}]),
            "{engine}: {err}"
        );
        assert!(message(&err).contains(DOUBLON_HORS_PERIMETRE), "{err}");
        let text = err.to_string();
        for leak in [numero_chrs.as_str(), "CHRS", "1980", "Julien"] {
            assert!(!text.contains(leak), "{engine}: {leak} dans {text}");
        }
        // In scope: the candidate in full, with its id for the link.
        let err = error_body(
            app.post_json(&t_ehpad, "/api/v1/usagers", &morel).await,
            StatusCode::CONFLICT,
            "doublon_probable",
        )
        .await;
        let c = &err["candidats"][0];
        assert_eq!(
            (&c["id"], &c["numero"], &c["visible"], &c["nom_naissance"]),
            (
                &json!(in_ehpad),
                &json!(format!("U{in_ehpad:07}")),
                &json!(true),
                &json!("MOREL")
            ),
            "{engine}: {err}"
        );

        // The page: the same, with a link only to the file in scope.
        let browser = client();
        assert_eq!(
            app.login(&browser, "secretariat.ehpad", PASSWORD)
                .await
                .status(),
            StatusCode::OK
        );
        let csrf = csrf_from(&app, &browser, "/usagers/nouveau").await;
        let form = |nom: &'static str, prenom: &'static str, date: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("nom_naissance", nom.to_string()),
                ("prenoms", prenom.to_string()),
                ("date_naissance", date.to_string()),
                ("sexe", "M".to_string()),
            ]
        };
        let r = app
            .post_form(
                &browser,
                "/usagers",
                &form("LAMBERT", "Julien", "17/05/1980"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Un doublon probable existe dans un autre établissement de"),
            "{engine}: {page}"
        );
        assert!(page.contains("direction de"), "{page}");
        assert!(!page.contains(&numero_chrs) && !page.contains(&format!("/usagers/{in_chrs}\"")));
        assert!(!page.contains("CHRS"), "{page}");
        let r = app
            .post_form(&browser, "/usagers", &form("MOREL", "Simone", "03/02/1935"))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&format!("href=\"/usagers/{in_ehpad}\"")),
            "{engine}: {page}"
        );
        assert!(page.contains(&format!("U{in_ehpad:07}")));

        // Every check audited with the candidates' ids, those out of scope apart.
        let out = json!({"candidats": [], "hors_perimetre": [in_chrs]});
        let inside = json!({"candidats": [in_ehpad], "hors_perimetre": []});
        assert_eq!(
            checks(&app).await,
            vec![out.clone(), inside.clone(), out, inside],
            "{engine}"
        );

        // Confirmed as another person (the secretariat may validate): created, and the pair
        // recorded against the file it was not shown.
        let mut confirmed = lambert.clone();
        confirmed["confirmer_doublon"] = json!(true);
        let homonyme = app.create_usager(&t_ehpad, &confirmed).await;
        let u: Value = app
            .get(&t_ehpad, &format!("/api/v1/usagers/{homonyme}"))
            .await
            .json()
            .await
            .unwrap();
        assert!(
            u["attributs_identite"].as_str().unwrap().contains("HOMA"),
            "{engine}: {u}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn names_are_found_and_compared_with_separators_typed_dropped_or_glued() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        app.create_user("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
        let t = app.token("secretariat").await;
        let hermite = app
            .create_usager(&t, &person("L'Hermite", &["Gaston"], "1931-01-01"))
            .await;
        let jp = app
            .create_usager(&t, &person("Dubois", &["Jean-Pierre"], "1941-02-02"))
            .await;
        for q in [
            "lhermite",
            "gaston lhermite",
            "l'hermite",
            "l hermite",
            "hermite",
            "L’HERMITE gaston",
        ] {
            assert_eq!(app.recherche(&t, q).await, vec![hermite], "{engine}: {q}");
        }
        for q in [
            "jeanpierre",
            "jean pierre",
            "jean-pierre",
            "dubois jeanpierre",
        ] {
            assert_eq!(app.recherche(&t, q).await, vec![jp], "{engine}: {q}");
        }
        for (nom, prenom, id) in [
            ("LHERMITE", "Gaston", hermite),
            ("L HERMITE", "Gaston", hermite),
            ("Dubois", "Jeanpierre", jp),
        ] {
            let date = if id == hermite {
                "1931-01-01"
            } else {
                "1941-02-02"
            };
            let r = app
                .post_json(&t, "/api/v1/usagers", &person(nom, &[prenom], date))
                .await;
            let err = error_body(r, StatusCode::CONFLICT, "doublon_probable").await;
            assert_eq!(err["candidats"][0]["id"], id, "{engine}: {nom} {prenom}");
        }
        // « Jean Pierre » typed as two first names meets JEAN-PIERRE.
        let r = app
            .post_json(
                &t,
                "/api/v1/usagers",
                &person("Dubois", &["Jean", "Pierre"], "1941-02-02"),
            )
            .await;
        let err = error_body(r, StatusCode::CONFLICT, "doublon_probable").await;
        assert_eq!(err["candidats"][0]["id"], jp, "{engine}: {err}");
        app.stop().await;
    }
}

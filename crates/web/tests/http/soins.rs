//! The care tab and the psychology section through the real application (issue 12): the
//! medical summary in the header of those who read the care section, its entries ended with a
//! version (409), observations (a medical one is a doctor's or received with its source), the
//! DLU with its missing items, and the psychology section sealed through every route for every
//! other role (pages, API, search, exports, the file's audit), break-the-glass included.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, html, spawn_app};

/// A word found nowhere else: the psychology note's title and text carry it.
const SECRET: &str = "Xylophaze";

#[tokio::test]
async fn the_summary_shows_in_the_header_ends_with_a_version_and_feeds_the_dlu() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr", Role::Secretariat, &[a]).await;
        let (_, ide) = app.account("ide", Role::Infirmier, &[a]).await;
        app.create_user("educ", Role::Educateur, &[a]).await;
        let id = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let base = format!("/api/v1/usagers/{id}/soins");
        let r = app
            .post_json(
                &ide,
                &format!("{base}/synthese/entrees"),
                &json!({"rubrique": "allergie", "libelle": "Pénicilline"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let eid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = app
            .post_json(
                &ide,
                &format!("{base}/synthese/entrees"),
                &json!({"rubrique": "probleme", "libelle": "Diabète", "code_cim10": "diabete"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let v: Value = r.json().await.unwrap();
        assert!(
            v["error"]["fields"]["code_cim10"]
                .as_str()
                .unwrap()
                .contains("CIM-10"),
            "{v}"
        );
        let s = app.get_json(&ide, &format!("{base}/synthese")).await;
        assert_eq!(s["entrees"][0]["libelle"], "Pénicilline", "{engine}: {s}");
        // The header: the nurse sees the allergy, the educator (no care section) does not.
        let c = app.browser("ide").await;
        assert!(
            html(&app, &c, &format!("/usagers/{id}"))
                .await
                .contains("Pénicilline"),
            "{engine}"
        );
        let e = app.browser("educ").await;
        let page = html(&app, &e, &format!("/usagers/{id}")).await;
        assert!(
            !page.contains("Pénicilline") && !page.contains("/soins"),
            "{engine}"
        );
        // Ended with the version read (If-Match); a stale one is a conflict.
        let fin = format!("{base}/synthese/entrees/{eid}/fin");
        let r = app
            .post_json(
                &ide,
                &fin,
                &json!({"version": 1, "motif": "Erreur de saisie"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert_eq!(r.json::<Value>().await.unwrap()["version"], 2);
        let r = app.post_json(&ide, &fin, &json!({"version": 1})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let hist = app
            .get_json(&ide, &format!("{base}/synthese/entrees"))
            .await;
        assert_eq!(
            hist["items"][0]["fin_motif"], "Erreur de saisie",
            "{engine}"
        );
        assert!(!html(&app, &c, &format!("/usagers/{id}"))
            .await
            .contains("Pénicilline"));
        // Observations: a medical one is a doctor's, unless received with its source.
        let obs = format!("{base}/observations");
        let r = app
            .post_json(
                &ide,
                &obs,
                &json!({"type_observation": "medicale", "texte": "Examen."}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let r = app
            .post_json(&ide, &obs, &json!({"type_observation": "medicale", "texte": "Compte rendu.", "source": "CH Lyon Sud"}))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let l = app.get_json(&ide, &obs).await;
        assert_eq!(l["items"][0]["source"], "CH Lyon Sud", "{engine}");
        // The DLU says what is missing, in the API and on the page.
        let d = app.get_json(&ide, &format!("{base}/dlu")).await;
        let manquants: Vec<&str> = d["manquants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert!(
            manquants.contains(&"allergies") && manquants.contains(&"medecin_traitant"),
            "{engine}: {d}"
        );
        let page = html(&app, &c, &format!("/usagers/{id}/soins/dlu")).await;
        assert!(
            page.contains("obligatoire(s) manquant(s)") && page.contains("Médecin traitant"),
            "{engine}"
        );
        // The landing page, its form, and the old address of the tab.
        let landing = format!("/usagers/{id}/soins");
        assert!(html(&app, &c, &landing).await.contains("Synthèse médicale"));
        let csrf = csrf_from(&app, &c, &landing).await;
        let r = app
            .post_form(
                &c,
                &format!("{landing}/synthese"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("rubrique", "risque"),
                    ("libelle", "Risque de chute"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert!(html(&app, &c, &format!("/usagers/{id}"))
            .await
            .contains("Risque de chute"));
        let r = app
            .get_with(&c, &format!("/usagers/{id}/section/soins"))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // The identity no longer takes alerts: it says where they go.
        let v = app.get_json(&secr, &format!("/api/v1/usagers/{id}")).await;
        let mut body = v.clone();
        body["alertes"] = json!("Allergie à l'iode");
        let r = app
            .put_json(&secr, &format!("/api/v1/usagers/{id}"), &body)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_psychology_section_is_sealed_through_every_route_for_every_other_role() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (b, _) = app.etablissement_b().await;
        let (_, secr) = app.account("secr", Role::Secretariat, &[a]).await;
        let (_, psy) = app.account("psy", Role::Psychologue, &[a]).await;
        let (_, collegue) = app.account("psy.collegue", Role::Psychologue, &[a]).await;
        let (_, psy_b) = app.account("psy.b", Role::Psychologue, &[b]).await;
        let id = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let note = json!({"type_note": "bilan", "titre": format!("Bilan {SECRET}"), "texte": format!("Angoisses de séparation {SECRET}.")});
        let path = format!("/api/v1/usagers/{id}/psychologie");
        let r = app.post_json(&psy, &path, &note).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        // The author's fellow psychologist of the same établissement reads it.
        let v = app.get_json(&collegue, &path).await;
        assert_eq!(
            v["items"][0]["titre"],
            format!("Bilan {SECRET}"),
            "{engine}"
        );
        // A psychologist of another établissement, even through break-the-glass: refused.
        let r = app
            .post_json(
                &psy_b,
                &format!("/api/v1/usagers/{id}/acces-exceptionnel"),
                &json!({"motif": "Appel de nuit : crise d'angoisse signalée."}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        assert_eq!(
            app.get(&psy_b, &path).await.status(),
            StatusCode::FORBIDDEN,
            "{engine}"
        );
        assert_eq!(
            app.post_json(&psy_b, &path, &note).await.status(),
            StatusCode::FORBIDDEN
        );
        let c = app.browser("psy.b").await;
        assert_eq!(
            app.get_with(&c, &format!("/usagers/{id}/psychologie"))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        // Never in an export or a printed sheet, not even the psychologist's own.
        let c = app.browser("psy").await;
        for page in [
            format!("/usagers/{id}/synthese"),
            format!("/usagers/{id}/soins/dlu"),
        ] {
            let r = app.get_with(&c, &page).await;
            let text = r.text().await.unwrap();
            assert!(!text.contains(SECRET), "{engine}: {page}");
        }
        // Every other role, in scope: no route shows it, counts it or lets it be searched.
        for role in Role::ALL
            .iter()
            .copied()
            .filter(|r| *r != Role::Psychologue)
        {
            let name = format!("autre.{}", role.code());
            let etabs: &[i64] = if role.est_professionnel() { &[a] } else { &[] };
            // The administrator of the set-up (a second factor is required of new ones).
            let t = if role == Role::Administrateur {
                app.admin_token().await
            } else {
                app.account(&name, role, etabs).await.1
            };
            assert_eq!(
                app.get(&t, &path).await.status(),
                StatusCode::FORBIDDEN,
                "{engine} {role:?}"
            );
            assert_eq!(
                app.post_json(&t, &path, &note).await.status(),
                StatusCode::FORBIDDEN,
                "{engine} {role:?}"
            );
            for p in [
                format!("/api/v1/usagers/{id}"),
                format!("/api/v1/usagers/{id}/audit"),
                format!("/api/v1/usagers/{id}/transmissions"),
                format!("/api/v1/usagers/{id}/soins/dlu"),
                format!("/api/v1/usagers/{id}/soins/synthese"),
                // A word of the note (the journal keeps search texts: not the secret itself).
                "/api/v1/transmissions?q=separation".to_string(),
                "/api/v1/usagers?q=separation".to_string(),
                "/api/v1/audit?limit=1000".to_string(),
            ] {
                let r = app.get(&t, &p).await;
                let st = r.status();
                let text = r.text().await.unwrap();
                assert!(!text.contains(SECRET), "{engine} {role:?} {p}");
                assert!(
                    st == StatusCode::OK
                        || st == StatusCode::FORBIDDEN
                        || st == StatusCode::UNPROCESSABLE_ENTITY,
                    "{engine} {role:?} {p} {st}"
                );
                if st == StatusCode::OK && p.contains("audit") {
                    // The audit of the file shows that notes were written, not what.
                    let v: Value = serde_json::from_str(&text).unwrap();
                    for e in v["items"].as_array().unwrap() {
                        if e["section"] != "psychologie" {
                            continue;
                        }
                        if role == Role::Administrateur {
                            // The technical view: no file, only technical keys (a refusal code).
                            assert!(e["usager_id"].is_null(), "{engine} {p} {e}");
                            assert!(
                                !e["detail"].as_str().unwrap().contains("\"id\""),
                                "{engine} {p} {e}"
                            );
                        } else {
                            assert_eq!(e["detail"], "{}", "{engine} {role:?} {p} {e}");
                        }
                    }
                }
                if st == StatusCode::OK && p.contains("?q=") {
                    let v: Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(
                        v["items"].as_array().map(Vec::len),
                        Some(0),
                        "{engine} {role:?} {p}"
                    );
                }
            }
            if role.est_professionnel() && role != Role::Administrateur {
                let c = app.browser(&name).await;
                for p in [
                    format!("/usagers/{id}"),
                    format!("/usagers/{id}/psychologie"),
                    format!("/usagers/{id}/synthese"),
                    format!("/usagers/{id}/soins"),
                    format!("/usagers/{id}/soins/dlu"),
                    format!("/usagers/{id}/tracabilite"),
                    format!("/usagers/{id}/section/psychologie"),
                ] {
                    let r = app.get_with(&c, &p).await;
                    let st = r.status();
                    let text = r.text().await.unwrap();
                    assert!(!text.contains(SECRET), "{engine} {role:?} {p}");
                    assert!(
                        !text.contains(&format!("/usagers/{id}/psychologie\"")),
                        "{engine} {role:?} {p}: lien vers la psychologie"
                    );
                    if p.ends_with("psychologie") {
                        assert_eq!(st, StatusCode::FORBIDDEN, "{engine} {role:?} {p}");
                    }
                }
            }
        }
        app.stop().await;
    }
}

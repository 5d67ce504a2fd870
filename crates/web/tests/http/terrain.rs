//! Field staff (issue 16): "my people" on the home page, names written one way, the
//! break-the-glass offered by an exact search, the merge chosen by name and undone,
//! assignments and circle entries edited in the file, the printed synthesis sheet.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, html, person, spawn_app};

/// Where a form answered: its status and `Location`.
fn redirige(r: &reqwest::Response) -> (StatusCode, String) {
    let to = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string();
    (r.status(), to)
}

#[tokio::test]
async fn the_home_page_lists_the_people_of_the_scope_one_tap_away() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (b, fb) = app.etablissement_b().await;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[e, b]).await;
        app.create_user("aide", Role::AideSoignant, &[e]).await;
        let mut helene = dupont(&app.etablissement_finess);
        helene["nom_utilise"] = json!("martin-bérard");
        let h = app.create_usager(&secr, &helene).await;
        let m = app
            .create_usager(
                &secr,
                &person(
                    "Lefèvre",
                    &["Marcel"],
                    "1941-07-02",
                    "M",
                    &app.etablissement_finess,
                ),
            )
            .await;
        let ailleurs = app
            .create_usager(&secr, &person("Bernard", &["Paul"], "1950-01-01", "M", &fb))
            .await;
        let c = app.browser("aide").await;
        let page = html(&app, &c, "/").await;
        assert!(
            page.contains("Les personnes accompagnées aujourd"),
            "{engine}: {page}"
        );
        assert!(
            page.contains(r#"id="q-accueil" name="q" autofocus"#),
            "{engine}"
        );
        assert!(page.contains("MARTIN-BÉRARD Hélène"), "{engine}: {page}");
        assert!(page.contains("nom d&#39;usage, née DUPONT"), "{engine}");
        assert!(
            page.contains("LEFÈVRE Marcel") || page.contains("LEFEVRE Marcel"),
            "{engine}"
        );
        for id in [h, m] {
            assert!(
                page.contains(&format!(r#"href="/usagers/{id}""#)),
                "{engine}: {id}"
            );
        }
        assert!(
            !page.contains(&format!(r#"href="/usagers/{ailleurs}""#)),
            "{engine}"
        );
        assert!(
            !page.contains("Mes établissements et services")
                || page.find("Mes établissements") > page.find("accompagnées"),
            "{engine}"
        );
        // The list is audited as a search listing the files shown.
        app.seal_all().await;
        let details = app.audit_details("usager.recherche").await;
        assert!(
            details.iter().any(|d| d["liste"] == "accueil"
                && d["resultats"]
                    .as_array()
                    .is_some_and(|r| r.contains(&json!(h)))),
            "{engine}: {details:?}"
        );
        // The file's header: the name as written, « Née le », the details folded.
        let page = html(&app, &c, &format!("/usagers/{h}")).await;
        assert!(
            page.contains("<h1 id=\"dossier-titre\">MARTIN-BÉRARD Hélène</h1>"),
            "{engine}: {page}"
        );
        assert!(page.contains("Née le 12/04/1938"), "{engine}");
        assert!(
            !page.contains("Né(e)") && !page.contains("né·e"),
            "{engine}"
        );
        assert!(
            page.contains("<summary>Identité complète</summary>"),
            "{engine}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_exact_identity_outside_the_scope_offers_the_exceptional_access() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (b, _) = app.etablissement_b().await;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[e]).await;
        app.create_user("educ", Role::Educateur, &[b]).await;
        app.create_user("direction", Role::Direction, &[e]).await;
        let h = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let c = app.browser("educ").await;
        let offre = format!(r#"href="/usagers/{h}">Demander un accès exceptionnel"#);
        for (q, offert) in [
            ("Dupont Hélène 12/04/1938", true),
            (&format!("U{h:07}") as &str, true),
            ("dupont", false),
            ("Dup Hél 12/04/1938", false),
            (&h.to_string() as &str, false),
        ] {
            let page = html(&app, &c, &format!("/usagers?q={}", urlencoding(q))).await;
            assert_eq!(page.contains(&offre), offert, "{engine}: {q}: {page}");
            assert!(
                !page.contains("Marie"),
                "{engine}: nothing of the file is shown"
            );
            if offert {
                assert!(
                    page.contains(
                        "Un dossier correspond à cette identité, hors de votre périmètre"
                    ),
                    "{engine}"
                );
            }
        }
        // The access opened, the direction reads the person's name, the reason and the end.
        let csrf = csrf_from(&app, &c, "/").await;
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{h}/acces-exceptionnel"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("motif", "Remplacement de nuit au pied levé"),
                    ("heures", "4"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let d = app.browser("direction").await;
        let page = html(&app, &d, "/").await;
        assert!(page.contains("DUPONT Hélène</a>"), "{engine}: {page}");
        assert!(!page.contains("Dossier n°"), "{engine}");
        assert!(page.contains("Remplacement de nuit"), "{engine}");
        assert!(
            page.contains("(Éducateur"),
            "{engine}: the professional's role"
        );
        // The traceability page names people, not accounts.
        let page = html(&app, &d, &format!("/usagers/{h}/tracabilite")).await;
        assert!(page.contains("(Éducateur"), "{engine}: {page}");
        app.stop().await;
    }
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_duplicate_is_chosen_by_name_compared_side_by_side_merged_and_undone() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[e]).await;
        let a = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let mut autre = person(
            "Dupond",
            &["Hélène"],
            "1938-04-12",
            "F",
            &app.etablissement_finess,
        );
        autre["confirmer_doublon"] = json!(true);
        let r = app.post_json(&secr, "/api/v1/usagers", &autre).await;
        let v: Value = r.json().await.expect("json");
        let b = v["id"].as_i64().unwrap_or_else(|| panic!("{engine}: {v}"));
        let c = app.browser("secretariat").await;
        let page = html(&app, &c, &format!("/usagers/{a}/fusion?q=dupond")).await;
        assert!(page.contains(&format!("autre={b}")), "{engine}: {page}");
        assert!(
            !page.contains(&format!("autre={a}")),
            "{engine}: not the file itself"
        );
        let page = html(&app, &c, &format!("/usagers/{a}/fusion?autre={b}")).await;
        assert!(page.contains(r#"<tr class="ecart">"#), "{engine}: {page}");
        assert!(
            page.contains("DUPOND") && page.contains("DUPONT"),
            "{engine}"
        );
        let csrf = csrf_from(&app, &c, "/").await;
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{a}/fusion"),
                &[("_csrf", csrf.as_str()), ("autre_id", &format!("U{b:07}"))],
            )
            .await;
        assert_eq!(
            redirige(&r),
            (
                StatusCode::SEE_OTHER,
                format!("/usagers/{a}/fusion?fait=fusion")
            ),
            "{engine}"
        );
        let page = html(&app, &c, &format!("/usagers/{a}/fusion")).await;
        let fid = page
            .split(r#"name="fusion_id" value=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{engine}: {page}"))
            .to_string();
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{a}/fusion/annulation"),
                &[("_csrf", csrf.as_str()), ("fusion_id", fid.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let page = html(&app, &c, &format!("/usagers/{a}/fusion")).await;
        assert!(page.contains("fusion annulée le"), "{engine}: {page}");
        let r = app.get_with(&c, &format!("/usagers/{b}")).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{engine}: the absorbed file is back"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn assignments_are_listed_added_and_ended_in_the_file() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[e]).await;
        let iv = app
            .create_user("intervenant", Role::IntervenantDomicile, &[e])
            .await;
        let h = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let c = app.browser("secretariat").await;
        let path = format!("/usagers/{h}/entourage");
        let page = html(&app, &c, &path).await;
        assert!(
            page.contains("Aucun compte n'est affecté"),
            "{engine}: {page}"
        );
        assert!(
            page.contains(&format!(r#"<option value="{iv}" "#)),
            "{engine}: {page}"
        );
        let csrf = csrf_from(&app, &c, "/").await;
        let id = iv.to_string();
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{h}/affectations"),
                &[("_csrf", csrf.as_str()), ("utilisateur_id", id.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let page = html(&app, &c, &path).await;
        assert!(
            page.contains("Mettre fin à l'affectation"),
            "{engine}: {page}"
        );
        assert!(
            !page.contains(&format!(r#"<option value="{iv}" "#)),
            "{engine}: not offered twice"
        );
        let iv_c = app.browser("intervenant").await;
        assert_eq!(
            app.get_with(&iv_c, &format!("/usagers/{h}")).await.status(),
            StatusCode::OK,
            "{engine}"
        );
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{h}/affectations/fin"),
                &[("_csrf", csrf.as_str()), ("utilisateur_id", id.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(
            app.get_with(&iv_c, &format!("/usagers/{h}")).await.status(),
            StatusCode::FORBIDDEN,
            "{engine}"
        );
        let r = app
            .delete(&secr, &format!("/api/v1/usagers/{h}/affectations/{iv}"))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{engine}: already ended");
        // A professional of the établissement is no assignment.
        let (cadre, _) = app.account("cadre", Role::Cadre, &[e]).await;
        let cadre = cadre.to_string();
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{h}/affectations"),
                &[("_csrf", csrf.as_str()), ("utilisateur_id", cadre.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        app.seal_all().await;
        assert_eq!(
            app.audit_of("usager.affectation.fin", 10).await.len(),
            1,
            "{engine}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_circle_entry_is_edited_with_its_history_and_a_stale_version_refused() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[e]).await;
        let h = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{h}/entourage"), &json!({"nom": "dupont", "prenom": "paul",
                "relation": "enfant", "personne_a_prevenir": true, "telephone": "06 11 22 33 44", "adresse": "3 rue des Lilas"}))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let eid = r.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        let c = app.browser("secretariat").await;
        // The header offers the person to call.
        let page = html(&app, &c, &format!("/usagers/{h}")).await;
        assert!(
            page.contains(r#"href="tel:0611223344""#),
            "{engine}: {page}"
        );
        assert!(page.contains("DUPONT Paul"), "{engine}");
        let csrf = csrf_from(&app, &c, "/").await;
        let form = |tel: &'static str, version: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("nom", "Dupont".into()),
                ("prenom", "Paul".into()),
                ("relation", "enfant".into()),
                ("personne_a_prevenir", "oui".into()),
                ("telephone", tel.into()),
                ("adresse", "3 rue des Lilas".into()),
                ("version", version.into()),
            ]
        };
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{h}/entourage/{eid}"),
                &form("07 99 88 77 66", "1"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{h}/entourage/{eid}"),
                &form("07 00 00 00 00", "1"),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CONFLICT,
            "{engine}: a stale version"
        );
        let page = html(&app, &c, &format!("/usagers/{h}/entourage/{eid}")).await;
        assert!(
            page.contains(r#"value="07 99 88 77 66""#),
            "{engine}: {page}"
        );
        assert!(page.contains("Version 1, remplacée le"), "{engine}: {page}");
        assert!(page.contains("téléphone 06 11 22 33 44"), "{engine}");
        assert!(
            page.contains(r#"value="3 rue des Lilas""#),
            "{engine}: every field kept"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_referent_is_chosen_by_name_and_the_synthesis_prints_once() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        let (_, secr) = app.account("secretariat", Role::Secretariat, &[e]).await;
        let (educ, _) = app.account("educ", Role::Educateur, &[e]).await;
        let h = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let c = app.browser("secretariat").await;
        let page = html(&app, &c, &format!("/usagers/{h}/identite")).await;
        assert!(
            page.contains(&format!(r#"<option value="{educ}">"#)),
            "{engine}: {page}"
        );
        assert!(page.contains("(Éducateur"), "{engine}");
        assert!(!page.contains("N° du compte"), "{engine}");
        let page = html(&app, &c, &format!("/usagers/{h}/synthese")).await;
        assert!(page.contains("Imprimé par"), "{engine}: {page}");
        assert!(page.contains("FINESS"), "{engine}");
        assert!(!page.contains("))"), "{engine}");
        app.stop().await;
    }
}

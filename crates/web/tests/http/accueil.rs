//! Home pages: the people of a scope made of a few files (a relative, a home-care worker,
//! the portal usager) a link away, and no menu entry a role cannot follow.

use dui_domain::policy::Role;
use dui_store::audit::Filter;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{html, spawn_app};

/// The ids of the people listed on the home page.
fn people(page: &str) -> Vec<i64> {
    // The portal usager's own file, or the people a professional or relative accompanies.
    // (« Les personnes que vous accompagnez » first: the liaison panel lists books too.)
    let Some(start) = page
        .find("class=\"personnes\"")
        .or_else(|| page.find("class=\"liste-personnes\""))
    else {
        return Vec::new();
    };
    let list = &page[start
        ..page[start..]
            .find("</ul>")
            .map_or(page.len(), |e| start + e)];
    list.split("href=\"/usagers/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn portal_and_assignment_homes_list_their_people() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let e = app.etablissement_id;
        app.create_user("secretariat", Role::Secretariat, &[e])
            .await;
        let proche_id = app.create_user("proche", Role::Proche, &[]).await;
        app.create_user("intervenant", Role::IntervenantDomicile, &[e])
            .await;
        let secr = app.token("secretariat").await;
        let mut ids = Vec::new();
        for (nom, prenom, date) in [
            ("Dupont", "Hélène", "1938-04-12"),
            ("Lefèvre", "Marcel", "1941-07-02"),
        ] {
            let r = app
                .post_json(
                    &secr,
                    "/api/v1/usagers",
                    &json!({"nom_naissance": nom, "prenoms": [prenom], "date_naissance": date,
                        "sexe": if prenom == "Hélène" { "F" } else { "M" },
                        "etablissement": app.etablissement_finess}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
            let v: Value = r.json().await.expect("json");
            ids.push(v["id"].as_i64().expect("id"));
        }
        let helene = ids[0];

        // Nothing assigned yet: the relative's home says so and how it changes, without
        // sending them to an administrator about établissements.
        let c = app.browser("proche").await;
        let page = html(&app, &c, "/").await;
        assert!(
            page.contains("Les personnes que vous accompagnez"),
            "{engine}"
        );
        assert!(
            page.contains("Aucun dossier ne vous est encore ouvert"),
            "{engine}"
        );
        assert!(!page.contains("Aucun établissement"), "{engine}: {page}");

        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{helene}/affectations"),
                &json!({"utilisateur_id": proche_id}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        let page = html(&app, &c, "/").await;
        assert_eq!(people(&page), vec![helene], "{engine}: {page}");
        assert!(page.contains("DUPONT Hélène"), "{engine}");
        assert!(
            page.contains("88 ans") || page.contains("87 ans"),
            "{engine}"
        );
        assert!(page.contains(">Mes proches</a>"), "{engine}: menu");
        // The link is one the relative can follow.
        let r = app.get_with(&c, &format!("/usagers/{helene}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        // The list is an audited read of person data.
        app.seal_all().await;
        let entries = app
            .audit(
                &Filter {
                    action: Some("usager.recherche".into()),
                    username: Some("proche".into()),
                    ..Filter::default()
                },
                10,
            )
            .await;
        assert!(
            entries
                .iter()
                .any(|x| x.detail.contains(&helene.to_string())),
            "{engine}: {entries:?}"
        );
        // The people page with nothing typed lists the same scope (API too).
        let token = app.token("proche").await;
        let v: Value = app
            .get(&token, "/api/v1/usagers")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(v["items"][0]["id"], helene, "{engine}: {v}");
        assert_eq!(v["items"].as_array().map(Vec::len), Some(1), "{engine}");

        // A home-care worker sees the people assigned, not the établissement table.
        let iv = app.browser("intervenant").await;
        let page = html(&app, &iv, "/").await;
        assert!(
            page.contains("Les personnes que j&#39;accompagne"),
            "{engine}: {page}"
        );
        assert!(people(&page).is_empty(), "{engine}");

        // A direction account keeps its établissements.
        app.create_user("direction", Role::Direction, &[e]).await;
        let d = app.browser("direction").await;
        let page = html(&app, &d, "/").await;
        assert!(page.contains("Mes établissements et services"), "{engine}");
        assert!(page.contains(">Usagers</a>"), "{engine}");

        // The portal usager sees their own file, and only it.
        let lefevre = ids[1];
        let seed = app.admin_actor();
        let uid = app.create_user("portail", Role::Usager, &[]).await;
        let mut input = crate::helpers::user_input("portail", Role::Usager, &[]);
        input.usager_id = Some(lefevre);
        let version = app
            .db
            .store
            .utilisateur(uid)
            .await
            .expect("compte")
            .expect("présent")
            .version;
        app.db
            .store
            .update_utilisateur(&seed, uid, version, &input, chrono::Utc::now())
            .await
            .expect("lien au dossier");
        let p = app.browser("portail").await;
        let page = html(&app, &p, "/").await;
        assert!(page.contains("Mon dossier"), "{engine}");
        assert_eq!(people(&page), vec![lefevre], "{engine}: {page}");
        assert!(page.contains("né le 02/07/1941"), "{engine}");

        // The administrator is offered no people menu (it would answer 403).
        let a = app.browser("admin").await;
        let page = html(&app, &a, "/").await;
        assert!(!page.contains("href=\"/usagers\""), "{engine}: {page}");
        let r = app.get_with(&a, "/usagers").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        app.stop().await;
    }
}

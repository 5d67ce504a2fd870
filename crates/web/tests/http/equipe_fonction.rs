//! A team member's function changed from the Équipe tab and the API (issue 13, COO-2): a
//! refusal (no function, a day in the future, a stale version) comes back in the page next
//! to its field; a success is confirmed, the API answers the current membership.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::formulaire_ligne::{cree, Formulaires, CONFLIT, INVALIDE};
use crate::helpers::{dupont, spawn_app};

#[tokio::test]
async fn a_members_function_is_changed_in_place_and_through_the_api() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.ef", Role::Secretariat, &[a]).await;
        let (educ, _) = app.account("educ.ef", Role::Educateur, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let today = dui_domain::feuille_soins::jour_local(chrono::Utc::now());
        let body = json!({"utilisateur_id": educ, "fonction": "educateur", "place": "membre",
            "debut": (today - chrono::Duration::days(10)).to_string()});
        let mid = cree(&app, &secr, &format!("/api/v1/usagers/{x}/equipe"), body).await;
        let f = Formulaires::de(&app, "secr.ef", &format!("/usagers/{x}/equipe")).await;
        let path = format!("/usagers/{x}/equipe/{mid}/fonction");
        let demain = (today + chrono::Duration::days(1)).to_string();
        f.refuse(
            &path,
            &[("version", "1"), ("fonction", ""), ("depuis", "")],
            INVALIDE,
            &[
                r##"href="#c-fonction""##,
                "Choisissez la fonction dans la liste.",
            ],
        )
        .await;
        f.refuse(
            &path,
            &[
                ("version", "1"),
                ("fonction", "infirmier"),
                ("depuis", &demain),
            ],
            INVALIDE,
            &[
                r##"href="#c-depuis""##,
                r#"aria-describedby="c-depuis-err""#,
                "dans le futur",
            ],
        )
        .await;
        f.refuse(
            &path,
            &[("version", "5"), ("fonction", "infirmier"), ("depuis", "")],
            CONFLIT,
            &["Changer de fonction"],
        )
        .await;
        f.confirme(
            &path,
            &[("version", "1"), ("fonction", "infirmier"), ("depuis", "")],
            "equipe_fonction",
        )
        .await;
        // The former membership ended yesterday; the API changes the current one.
        let equipe = app
            .get_json(&secr, &format!("/api/v1/usagers/{x}/equipe"))
            .await;
        let membres = equipe["membres"].as_array().unwrap();
        assert_eq!(membres.len(), 2, "{engine}");
        let courant = membres.iter().find(|m| m["fin"].is_null()).unwrap();
        assert_eq!(courant["fonction"], "infirmier", "{engine}");
        let n = courant["id"].as_i64().unwrap();
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/equipe/{n}/fonction"),
                &json!({"version": courant["version"], "fonction": "medecin"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let m: Value = r.json().await.unwrap();
        assert_eq!(
            (m["id"].as_i64(), &m["fonction"]),
            (Some(n), &json!("medecin"))
        );
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/equipe/{n}/fonction"),
                &json!({"version": courant["version"], "fonction": "cadre"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
    }
}

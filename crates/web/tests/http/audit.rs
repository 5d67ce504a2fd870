//! The audit trail seen through the API: search, and chain verification after tampering.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{client, error_body, finess, html, spawn_app, TestApp};

#[tokio::test]
async fn audit_search_and_verification() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // Some activity: a failed and two successful logins, a creation.
        assert_eq!(
            app.login(&client(), "admin", "Mauvais-mot-de-passe-1")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        let token = app.admin_token().await;
        let body = json!({"nom": "Organisme audité", "finess_juridique": finess(42, 1)});
        assert_eq!(
            app.post_json(&token, "/api/v1/organismes", &body)
                .await
                .status(),
            StatusCode::CREATED
        );
        app.create_user("educ", Role::Educateur, &[app.etablissement_id])
            .await;
        let educ = app.token("educ").await;

        app.seal_all().await;
        let v = app.db.store.audit_verify().await.unwrap();
        assert!(v.first_broken.is_none(), "{engine}: {:?}", v.first_broken);
        assert!(v.checked >= 7, "{v:?}");

        let r = app.get(&token, "/api/v1/audit/verification").await;
        assert_eq!(r.status(), StatusCode::OK);
        let report: Value = r.json().await.unwrap();
        assert!(report["first_broken"].is_null(), "{report}");
        assert_eq!(report["checked"], v.checked);
        // No head hash for the administrator (it would help guess hidden fields).
        assert!(v.head.is_some() && report["head"].is_null(), "{report}");

        // Search by account: the administrator's logins, newest first.
        let r = app.get(&token, "/api/v1/audit?utilisateur=admin").await;
        assert_eq!(r.status(), StatusCode::OK);
        let found: Value = r.json().await.unwrap();
        let items = found["items"].as_array().unwrap();
        assert!(items.iter().all(|e| e["username"] == "admin"), "{found}");
        let logins: Vec<&Value> = items
            .iter()
            .filter(|e| e["action"] == "connexion")
            .collect();
        assert_eq!(logins.len(), 2, "{engine}: {found}");
        assert_eq!(
            (logins[0]["outcome"].as_str(), logins[1]["outcome"].as_str()),
            (Some("succes"), Some("echec"))
        );
        assert_eq!(logins[0]["ip"], "127.0.0.1");
        // Sealed; the administrator's technical view leaves the hashes out (a hash would let
        // one test guesses of the hidden fields).
        assert!(
            logins[0]["seq"].is_i64() && logins[0]["hash"].is_null(),
            "entrées scellées : {}",
            logins[0]
        );
        assert!(items
            .iter()
            .any(|e| e["action"] == "admin.organisme.creation"));
        let ids: Vec<i64> = items.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(
            ids.windows(2).all(|w| w[0] > w[1]),
            "du plus récent au plus ancien : {ids:?}"
        );

        // Filters and pagination.
        let r: Value = app
            .get(
                &token,
                "/api/v1/audit?utilisateur=ADMIN&action=connexion&resultat=echec",
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(r["items"].as_array().unwrap().len(), 1, "{r}");
        let page1: Value = app
            .get(&token, "/api/v1/audit?action=connexion&limit=2")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page1["items"].as_array().unwrap().len(), 2);
        let cursor = page1["next_cursor"].as_str().expect("curseur").to_string();
        let page2: Value = app
            .get(
                &token,
                &format!("/api/v1/audit?action=connexion&limit=2&cursor={cursor}"),
            )
            .await
            .json()
            .await
            .unwrap();
        let rest = page2["items"].as_array().unwrap();
        assert_eq!(rest.len(), 1, "{engine}: 3 connexions en tout");
        assert!(rest[0]["id"].as_i64().unwrap() < cursor.parse::<i64>().unwrap());
        assert!(page2["next_cursor"].is_null());

        // Only administrators read the audit.
        error_body(
            app.get(&educ, "/api/v1/audit").await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        error_body(
            app.get(&educ, "/api/v1/audit/verification").await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;

        // Someone edits a sealed row in the database: the API reports where.
        let second = app
            .db
            .store
            .audit_search(&Default::default(), 1000)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.seq == Some(2))
            .unwrap();
        assert_eq!(
            app.db
                .exec("UPDATE audit SET username = 'personne' WHERE seq = 2")
                .await
                .unwrap(),
            1
        );
        let report: Value = app
            .get(&token, "/api/v1/audit/verification")
            .await
            .json()
            .await
            .unwrap();
        let broken = &report["first_broken"];
        assert_eq!(broken["seq"], 2, "{engine}: {report}");
        assert_eq!(broken["id"], second.id);
        assert!(
            broken["reason"].as_str().unwrap().contains("modifié"),
            "{report}"
        );

        // The HTML page shows it too, in French.
        let c = app.browser("admin").await;
        let html = app.get_with(&c, "/admin/audit").await.text().await.unwrap();
        assert!(html.contains("lang=\"fr\"") && html.contains("Journal d'audit"));
        app.stop().await;
    }
}

async fn journal(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let r = app
        .get(token, &format!("/api/v1/audit?limit=1000{query}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    v["items"].as_array().unwrap().clone()
}

/// The administrator reads no one's file, so the global journal shows them no person data:
/// no search text, no file id, no result ids, no break-the-glass reason, no hash; and no
/// filter on a file to learn who opened it. The direction sees all of it for the accounts
/// of its établissements.
#[tokio::test]
async fn administrator_journal_shows_no_person_data_the_direction_sees_it() {
    const MOTIF: &str = "Appel de nuit du SAMU : consultation des traitements en cours.";
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (b, _) = app.etablissement_b().await;
        app.create_user("secr", Role::Secretariat, &[a]).await;
        app.create_user("direction", Role::Direction, &[a]).await;
        app.create_user("direction.b", Role::Direction, &[b]).await;
        let educ_b_id = app.create_user("educ.b", Role::Educateur, &[b]).await;
        let (secr, direction, direction_b, educ_b, admin) = (
            app.token("secr").await,
            app.token("direction").await,
            app.token("direction.b").await,
            app.token("educ.b").await,
            app.admin_token().await,
        );
        let r = app
            .post_json(
                &secr,
                "/api/v1/usagers",
                &json!({
                    "nom_naissance": "Zebulonne",
                    "prenoms": ["Hélène"],
                    "date_naissance": "1938-04-12",
                    "sexe": "F",
                    "etablissement": app.etablissement_finess,
                }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        for q in ["zebulonne 12/04/1938", "2380475056123"] {
            let r = Client::new()
                .get(app.url("/api/v1/usagers"))
                .query(&[("q", q)])
                .bearer_auth(&secr)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{engine}: {q}");
        }
        let r = app
            .post_json(
                &educ_b,
                &format!("/api/v1/usagers/{id}/acces-exceptionnel"),
                &json!({"motif": MOTIF}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        assert_eq!(
            app.get(&educ_b, &format!("/api/v1/usagers/{id}"))
                .await
                .status(),
            StatusCode::OK
        );
        app.seal_all().await;

        // The administrator: actions, accounts, times and outcomes, nothing of the person.
        let items = journal(&app, &admin, "").await;
        let text = serde_json::to_string(&items).unwrap().to_lowercase();
        // The birth date in its typed and stored forms: a bare « 1938 » can occur in the
        // microseconds of a timestamp.
        for secret in [
            "zebulonne",
            "12/04/1938",
            "1938-04-12",
            "2380475056123",
            "samu",
            "motif",
        ] {
            assert!(
                !text.contains(secret),
                "{engine}: « {secret} » visible : {text}"
            );
        }
        assert!(items
            .iter()
            .all(|e| e["usager_id"].is_null() && e["hash"].is_null()));
        let recherche = items
            .iter()
            .find(|e| e["action"] == "usager.recherche")
            .expect("recherche journalisée");
        assert_eq!(recherche["detail"], "{}", "{engine}: {recherche}");
        assert_eq!(recherche["username"], "secr");
        let bris = items
            .iter()
            .find(|e| e["action"] == "usager.acces_exceptionnel")
            .expect("bris de glace journalisé");
        let detail: Value = serde_json::from_str(bris["detail"].as_str().unwrap()).unwrap();
        assert_eq!(
            detail,
            json!({"heures": 4, "acces_exceptionnel": true}),
            "{engine}"
        );
        assert!(items.iter().any(|e| e["action"] == "usager.lecture"
            && e["username"] == "educ.b"
            && e["section"] == "administratif"));
        // No filter on a file: it would tell which accounts opened it.
        error_body(
            app.get(&admin, &format!("/api/v1/audit?usager={id}")).await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        let c = app.browser("admin").await;
        let page = html(&app, &c, "/admin/audit").await.to_lowercase();
        assert!(page.contains("vue technique"), "{engine}");
        for secret in [
            "zebulonne",
            "12/04/1938",
            "1938-04-12",
            "2380475056123",
            "samu",
            &format!("/usagers/{id}\""),
        ] {
            assert!(!page.contains(secret), "{engine}: « {secret} » sur la page");
        }
        assert!(
            !page.contains("name=\"usager\""),
            "{engine}: filtre par dossier"
        );
        let r = app.get_with(&c, &format!("/admin/audit?usager={id}")).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");

        // Nor through the break-the-glass report or the home page: who and when only.
        let r = app.get(&admin, "/api/v1/acces-exceptionnels").await;
        assert_eq!(r.status(), StatusCode::OK);
        let report: Value = r.json().await.unwrap();
        let acces = report["items"].as_array().unwrap();
        assert_eq!(acces.len(), 1, "{engine}: {report}");
        assert_eq!(
            (
                &acces[0]["utilisateur_id"],
                &acces[0]["usager_id"],
                &acces[0]["motif"]
            ),
            (&json!(educ_b_id), &json!(0), &json!("")),
            "{engine}"
        );
        for path in ["/acces-exceptionnels", "/"] {
            let page = html(&app, &c, path).await;
            assert!(page.contains("réservé à la direction"), "{engine}: {path}");
            assert!(!page.contains("SAMU") && !page.contains(&format!("/usagers/{id}\"")));
        }

        // The direction of A: every field of the entries of A's accounts.
        let items = journal(&app, &direction, "").await;
        let search = items
            .iter()
            .find(|e| e["action"] == "usager.recherche")
            .expect("recherche visible de la direction");
        let detail: Value = serde_json::from_str(search["detail"].as_str().unwrap()).unwrap();
        assert!(detail["texte"].as_str().is_some(), "{engine}: {detail}");
        let texts = serde_json::to_string(&items).unwrap().to_lowercase();
        assert!(
            texts.contains("zebulonne") && texts.contains("2380475056123"),
            "{engine}"
        );
        assert!(texts.contains(&format!("{id}")));
        assert!(items
            .iter()
            .any(|e| e["usager_id"] == id && e["hash"].is_string()));
        // …but not those of B's accounts.
        assert!(items.iter().all(|e| e["username"] != "educ.b"), "{engine}");
        assert!(!texts.contains("samu"));
        let filtered = journal(&app, &direction, &format!("&usager={id}")).await;
        assert!(!filtered.is_empty() && filtered.iter().all(|e| e["usager_id"] == id));
        let c = app.browser("direction").await;
        let page = html(&app, &c, "/admin/audit").await.to_lowercase();
        assert!(
            page.contains("zebulonne") && page.contains("name=\"usager\""),
            "{engine}"
        );
        // The direction of B sees the reason its educator gave.
        let items = journal(&app, &direction_b, "").await;
        let bris = items
            .iter()
            .find(|e| e["action"] == "usager.acces_exceptionnel")
            .expect("bris de glace visible de la direction de B");
        assert!(
            bris["detail"].as_str().unwrap().contains("SAMU"),
            "{engine}"
        );
        assert_eq!(bris["usager_id"], id);
        // The report of break-the-glass accesses goes by the file's établissement: A's.
        let report: Value = app
            .get(&direction, "/api/v1/acces-exceptionnels")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(report["items"][0]["motif"], MOTIF, "{engine}");
        assert_eq!(report["items"][0]["usager_id"], id);
        // Other roles: no journal.
        error_body(
            app.get(&secr, "/api/v1/audit").await,
            StatusCode::FORBIDDEN,
            "acces_refuse",
        )
        .await;
        app.stop().await;
    }
}

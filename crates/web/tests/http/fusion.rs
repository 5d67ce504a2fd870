//! Merges through the application: concurrent merges and undos answer one success and one
//! French 409; break-the-glass reads and writes a file but never validates or merges it.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{client, error_body, message, person, spawn_app, TestApp};

const MOTIF: &str = "Appel de nuit du SAMU : consultation des traitements en cours.";

/// Creates a file in the seeded établissement (201) and returns its id.
async fn create(app: &TestApp, token: &str, nom: &str, date: &str) -> i64 {
    let body = person(nom, &["Hélène"], date, "F", &app.etablissement_finess);
    app.create_usager(token, &body).await
}

/// Status and error message (empty on success) of an answer.
async fn outcome(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let body = if status == StatusCode::NO_CONTENT {
        Value::Null
    } else {
        r.json().await.unwrap()
    };
    (status, body)
}

/// One of two answers is `ok`, the other a 409 `conflit` whose message contains `says`;
/// returns the body of the success and whether it was the first.
fn one_success(
    engine: &str,
    ok: StatusCode,
    says: &str,
    a: (StatusCode, Value),
    b: (StatusCode, Value),
) -> (Value, bool) {
    let (won, lost, first) = match (a.0, b.0) {
        (x, StatusCode::CONFLICT) if x == ok => (a.1, b.1, true),
        (StatusCode::CONFLICT, x) if x == ok => (b.1, a.1, false),
        other => panic!("{engine}: un succès et un 409 attendus, obtenu {other:?}: {a:?} {b:?}"),
    };
    assert_eq!(lost["error"]["code"], "conflit", "{engine}: {lost}");
    let m = lost["error"]["message"].as_str().unwrap();
    assert!(m.contains(says), "{engine}: {m}");
    (won, first)
}

#[tokio::test]
async fn concurrent_merges_and_undos_answer_one_success_and_one_french_409() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (_, secr) = app
            .account("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
        let x = create(&app, &secr, "Dupont", "1938-04-12").await;
        let y = create(&app, &secr, "Martin", "1940-01-01").await;
        for _ in 0..5 {
            let (to_x, to_y) = (json!({"autre_id": y}), json!({"autre_id": x}));
            let (px, py) = (
                format!("/api/v1/usagers/{x}/fusions"),
                format!("/api/v1/usagers/{y}/fusions"),
            );
            let (a, b) = tokio::join!(
                app.post_json(&secr, &px, &to_x),
                app.post_json(&secr, &py, &to_y),
            );
            let (a, b) = tokio::join!(outcome(a), outcome(b));
            let (won, _) = one_success(engine, StatusCode::CREATED, "déjà été fusionné", a, b);
            let (keep, fid) = (
                won["conserve_id"].as_i64().unwrap(),
                won["id"].as_i64().unwrap(),
            );
            let gone = if keep == x { y } else { x };
            // Only the kept file is found; the absorbed one leads to it.
            let r = client()
                .get(app.url(&format!("/api/v1/usagers/{keep}/fusions")))
                .bearer_auth(&secr)
                .send()
                .await
                .unwrap();
            let list: Value = r.json().await.unwrap();
            let running: Vec<&Value> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["annule_at"].is_null())
                .collect();
            assert_eq!(running.len(), 1, "{engine}: {list}");
            assert_eq!(running[0]["absorbe_id"], gone);

            let undo = format!("/api/v1/usagers/{keep}/fusions/{fid}/annulation");
            let empty = json!({});
            let (a, b) = tokio::join!(
                app.post_json(&secr, &undo, &empty),
                app.post_json(&secr, &undo, &empty),
            );
            let (a, b) = tokio::join!(outcome(a), outcome(b));
            one_success(engine, StatusCode::NO_CONTENT, "déjà été annulée", a, b);
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn break_the_glass_reads_and_writes_but_never_validates_nor_merges() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (_, secr) = app
            .account("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
        let (b, _) = app.etablissement_b().await;
        let (_, secr_b) = app.account("secretariat.b", Role::Secretariat, &[b]).await;
        let x = create(&app, &secr, "Dupont", "1938-04-12").await;
        let y = create(&app, &secr, "Martin", "1940-01-01").await;
        for id in [x, y] {
            let r = app
                .post_json(
                    &secr_b,
                    &format!("/api/v1/usagers/{id}/acces-exceptionnel"),
                    &json!({"motif": MOTIF}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        }

        // Reading and writing within the role's rights are open.
        let r = client()
            .get(app.url(&format!("/api/v1/usagers/{x}")))
            .bearer_auth(&secr_b)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let circle = json!({"nom": "Dupont", "prenom": "Paul", "relation": "enfant"});
        let r = app
            .post_json(&secr_b, &format!("/api/v1/usagers/{x}/entourage"), &circle)
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");

        // Validation is not: neither a merge nor an identity status, each refused and audited.
        let merge = app
            .post_json(
                &secr_b,
                &format!("/api/v1/usagers/{x}/fusions"),
                &json!({"autre_id": y}),
            )
            .await;
        let err = error_body(merge, StatusCode::FORBIDDEN, "acces_refuse").await;
        assert!(
            message(&err).contains("accès exceptionnel"),
            "{engine}: {err}"
        );
        let doubt = app
            .post_json(
                &secr_b,
                &format!("/api/v1/usagers/{x}/identite/attributs"),
                &json!({"douteuse": true, "motif": "Deux dossiers semblent décrire la même personne."}),
            )
            .await;
        let err = error_body(doubt, StatusCode::FORBIDDEN, "acces_refuse").await;
        assert!(message(&err).contains("pas de valider"), "{engine}: {err}");
        let refusals = app.audit_of("usager.valider", 100).await;
        assert!(
            refusals
                .iter()
                .filter(|e| e.username == "secretariat.b")
                .count()
                >= 2
                && refusals
                    .iter()
                    .all(|e| e.detail.contains("validation_hors_perimetre")),
            "{engine}: {refusals:?}"
        );
        let merges = client()
            .get(app.url(&format!("/api/v1/usagers/{x}/fusions")))
            .bearer_auth(&secr)
            .send()
            .await
            .unwrap();
        let merges: Value = merges.json().await.unwrap();
        assert_eq!(merges["items"], json!([]), "{engine}: {merges}");

        // The file page offers no validation form under break-the-glass, but does to the
        // secretary of the file's établissement.
        let page = |who: &'static str| {
            let app = &app;
            async move {
                let c = app.browser(who).await;
                crate::helpers::html(app, &c, &format!("/usagers/{x}")).await
            }
        };
        assert!(
            !page("secretariat.b").await.contains("/fusion\""),
            "{engine}"
        );
        assert!(page("secretariat").await.contains("/fusion\""), "{engine}");
        app.stop().await;
    }
}

//! INSi from the file: one INS never on two files (the user told which file holds it, with a
//! link and the merge; the database refuses it on every path), the search strategy recorded in
//! the audit, and the service's faults (siram_40 → 503 « service indisponible », the codes in
//! the audit detail).

use axum::http::header;
use axum::routing::post;
use axum::Router;
use dui_interop::insi::soap::{self, Fault};

use super::identite::{dupont_insi, insi_client, status_of};
use super::*;

/// An application whose INSi is the local simulator, and the token of a secretariat account
/// of établissement A (the simulator stops with the returned task).
pub(super) async fn avec_simulateur(
    engine: &str,
) -> (TestApp, tokio::task::JoinHandle<()>, String) {
    let (addr, sim) = spawn_simulator(dui_interop::insi::demo_fixtures())
        .await
        .unwrap();
    let app = spawn_app_with_insi(engine, insi_client(simulator::endpoint_url(addr))).await;
    let (_, secr) = app
        .account("secretariat", Role::Secretariat, &[app.etablissement_id])
        .await;
    (app, sim, secr)
}

/// [`avec_simulateur`], and a file DUPONT Hélène Marie whose INS was retrieved (its id).
async fn avec_dupont_recupere(engine: &str) -> (TestApp, tokio::task::JoinHandle<()>, String, i64) {
    let (app, sim, secr) = avec_simulateur(engine).await;
    let a = app
        .create_usager(&secr, &dupont_insi(&app.etablissement_finess))
        .await;
    let r = app
        .post(&secr, &format!("/api/v1/usagers/{a}/identite/insi"))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{engine}");
    (app, sim, secr, a)
}

#[tokio::test]
async fn one_ins_is_never_attached_to_two_files() {
    for engine in engines() {
        let (app, sim, secr, a) = avec_dupont_recupere(engine).await;
        let fa = app.etablissement_finess.clone();
        // The retrieval records the step of the strategy and the INS history.
        let statut = app.audit_details("usager.identite.statut").await;
        let last = statut.last().unwrap();
        assert_eq!(last["etape"], "premier_prenom", "{engine}: {last}");
        assert_eq!(last["appels"], 1);
        assert_eq!(last["ins_historique"], json!([]));

        // Another file for the same traits, created as « another person » after the warning.
        let mut b_body = dupont_insi(&fa);
        b_body["confirmer_doublon"] = json!(true);
        let r = app.post_json(&secr, "/api/v1/usagers", &b_body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let b = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let err = error_body(
            app.post(&secr, &format!("/api/v1/usagers/{b}/identite/insi"))
                .await,
            StatusCode::CONFLICT,
            "ins_deja_attribuee",
        )
        .await;
        let numero_a = format!("U{a:07}");
        assert!(message(&err).contains(&numero_a), "{engine}: {err}");
        assert!(message(&err).contains("fusionnez"), "{err}");
        assert_eq!(err["dossier"], format!("/usagers/{a}"));
        assert_eq!(err["candidats"][0]["id"], a);
        assert_eq!(err["candidats"][0]["visible"], true);
        // Nothing stored; searching the INS finds one file.
        assert_eq!(
            status_of(&app, &secr, b).await,
            ("PROV".into(), 1, Value::Null),
            "{engine}"
        );
        assert_eq!(search(&app, &secr, "279035121518989").await, vec![a]);
        // The check is audited on the file, as duplicate checks are.
        let checks = app.audit_details("usager.doublons").await;
        assert!(
            checks
                .iter()
                .any(|d| d["ins"] == true && d["candidats"] == json!([a])),
            "{engine}: {checks:?}"
        );

        // The page: a link to the file that holds the INS and the merge into it.
        let c = app.browser("secretariat").await;
        let csrf = crate::helpers::csrf_from(&app, &c, &format!("/usagers/{b}")).await;
        let r = app
            .post_form(
                &c,
                &format!("/usagers/{b}/identite/insi"),
                &[("_csrf", csrf.as_str()), ("version", "1")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let page = r.text().await.unwrap();
        assert!(page.contains(&format!(r#"href="/usagers/{a}""#)), "{page}");
        assert!(
            page.contains(&format!(r#"action="/usagers/{a}/fusion""#)),
            "{page}"
        );
        // In place on the file page: the error summary, no « Conflit » page.
        assert!(page.contains(r#"id="erreurs-resume""#), "{page}");
        assert!(page.contains("déjà celle du dossier"), "{page}");
        assert!(!page.contains("Code : 409"), "{page}");
        app.stop().await;
        sim.abort();
    }
}

#[tokio::test]
async fn an_ins_held_out_of_scope_is_told_without_details() {
    for engine in engines() {
        let (app, sim, _, a) = avec_dupont_recupere(engine).await;
        // A second établissement, whose secretariat cannot open file A.
        let (autre, finess_b) = app.etablissement_b().await;
        let (_, secr_b) = app
            .account("secretariat_b", Role::Secretariat, &[autre])
            .await;
        let mut b_body = dupont_insi(&finess_b);
        b_body["confirmer_doublon"] = json!(true);
        let r = app.post_json(&secr_b, "/api/v1/usagers", &b_body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let b = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let err = error_body(
            app.post(&secr_b, &format!("/api/v1/usagers/{b}/identite/insi"))
                .await,
            StatusCode::CONFLICT,
            "ins_deja_attribuee",
        )
        .await;
        let text = err.to_string();
        assert!(
            message(&err).contains("autre établissement"),
            "{engine}: {err}"
        );
        assert!(
            !text.contains(&format!("U{a:07}")) && !text.contains("DUPONT"),
            "{text}"
        );
        assert_eq!(err["candidats"][0]["visible"], false);
        app.stop().await;
        sim.abort();
    }
}

#[tokio::test]
async fn the_database_refuses_one_ins_on_two_live_files() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app
            .account("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
        let a = app.create_usager(&secr, &dupont_insi(&fa)).await;
        let b = app
            .create_usager(&secr, &person("MARTIN", &["Paul"], "1950-02-03", "M", &fa))
            .await;
        app.db
            .exec(&format!(
                "UPDATE usager SET matricule_ins = '279035121518989' WHERE id = {a}"
            ))
            .await
            .unwrap();
        let err = app
            .db
            .exec(&format!(
                "UPDATE usager SET matricule_ins = '279035121518989' WHERE id = {b}"
            ))
            .await
            .unwrap_err();
        assert!(
            matches!(err, dui_store::StoreError::Conflict(_)),
            "{engine}: {err:?}"
        );
        // A merged file keeps its own INS for the history: the index covers live files only.
        app.db
            .exec(&format!(
                "UPDATE usager SET fusionne_dans = {b} WHERE id = {a}"
            ))
            .await
            .unwrap();
        app.db
            .exec(&format!(
                "UPDATE usager SET matricule_ins = '279035121518989' WHERE id = {b}"
            ))
            .await
            .unwrap();
        app.stop().await;
    }
}

/// A server answering every request with the service's `siram_40` fault.
async fn service_en_panne() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let body = soap::build_fault(&Fault::indisponible("insi_102"), None);
    let app = Router::new().route(
        "/lps",
        post(move || {
            let body = body.clone();
            async move {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(header::CONTENT_TYPE, "application/soap+xml; charset=utf-8")],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let h = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, h)
}

#[tokio::test]
async fn siram_40_is_service_unavailable_and_its_codes_are_audited() {
    for engine in engines() {
        let (addr, server) = service_en_panne().await;
        let app = spawn_app_with_insi(engine, insi_client(simulator::endpoint_url(addr))).await;
        let fa = app.etablissement_finess.clone();
        let (_, secr) = app
            .account("secretariat", Role::Secretariat, &[app.etablissement_id])
            .await;
        let id = app.create_usager(&secr, &dupont_insi(&fa)).await;
        let err = error_body(
            app.post(&secr, &format!("/api/v1/usagers/{id}/identite/insi"))
                .await,
            StatusCode::SERVICE_UNAVAILABLE,
            "service_indisponible",
        )
        .await;
        assert!(
            message(&err).contains("temporairement inaccessible"),
            "{engine}: {err}"
        );
        assert!(message(&err).contains("Rien n'a été modifié"), "{err}");
        let audit = app.audit_details("usager.insi").await;
        assert_eq!(
            audit
                .last()
                .map(|d| (d["erreur"].clone(), d["detail"].clone())),
            Some((json!("siram_40"), json!("insi_102"))),
            "{engine}: {audit:?}"
        );
        assert_eq!(status_of(&app, &secr, id).await.0, "PROV");
        app.stop().await;
        server.abort();
    }
}

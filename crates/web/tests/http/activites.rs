//! Activities over HTTP (issue 13, COO-1): the educator of the établissement organises an
//! activity (create, sessions in a series, registration, the group's attendance with its
//! version: 409 on a stale one), bad input is a French 422 (never a 500), the administrator
//! and the educator of another établissement get 403, and the session page takes the
//! attendance in one form with its refusals in place.

use dui_domain::policy::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, error_body, spawn_app};
use crate::listes::{created, get_ok, send};

#[tokio::test]
async fn an_educator_organises_an_activity_and_takes_attendance() {
    for engine in dui_store::testing::engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("secr", Role::Secretariat, &[a]).await;
        app.create_user("educ", Role::Educateur, &[a]).await;
        app.create_user("educ.b", Role::Educateur, &[]).await;
        let (secr, educ, educ_b, admin) = (
            app.token("secr").await,
            app.token("educ").await,
            app.token("educ.b").await,
            app.admin_token().await,
        );
        let body = json!({"nom_naissance": "Durand", "prenoms": ["Léa"], "date_naissance": "2012-05-06",
            "sexe": "F", "etablissement": app.etablissement_finess});
        let x = created(&app, &secr, "/api/v1/usagers", body).await;
        let body = json!({"etablissement_id": a, "type_activite": "therapie", "titre": "Équithérapie",
            "capacite": 4, "debut": "2020-01-01"});
        let id = created(&app, &educ, "/api/v1/activites", body.clone()).await;
        // The administrator and another établissement's educator: 403.
        for t in [&admin, &educ_b] {
            let r = send(&app, t, "get", &format!("/api/v1/activites/{id}"), None).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
            let r = send(&app, t, "post", "/api/v1/activites", Some(&body)).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        }
        // Bad input: French 422, never a 500.
        for bad in [
            json!({"etablissement_id": a, "type_activite": "atelier", "titre": "x".repeat(400), "debut": "2026-01-01"}),
            json!({"etablissement_id": a, "type_activite": "inconnu", "titre": "Atelier", "debut": "2026-01-01"}),
            json!({"etablissement_id": a, "type_activite": "atelier", "titre": "Ate\u{0}lier", "debut": "2026-01-01"}),
            json!({"etablissement_id": a, "type_activite": "atelier", "titre": "Atelier", "debut": "2026-02-01", "fin": "2026-01-01"}),
        ] {
            let r = send(&app, &educ, "post", "/api/v1/activites", Some(&bad)).await;
            assert!(
                matches!(
                    r.status(),
                    StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
                ),
                "{engine}: {bad} → {}",
                r.status()
            );
        }
        // A series of sessions yesterday and the days before, a registration.
        let today = dui_domain::feuille_soins::jour_local(chrono::Utc::now());
        let debut = today - chrono::Duration::days(20);
        let hier = today - chrono::Duration::days(1);
        let body = json!({"jour": debut.to_string(), "heure_debut": "14:00", "heure_fin": "15:30",
            "jusqu_au": hier.to_string(), "jours": ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]});
        let r = send(
            &app,
            &educ,
            "post",
            &format!("/api/v1/activites/{id}/seances"),
            Some(&body),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let ids: Value = r.json().await.unwrap();
        assert_eq!(ids["ids"].as_array().unwrap().len(), 20);
        let body = json!({"usager_id": x, "debut": debut.to_string()});
        let r = send(
            &app,
            &educ,
            "post",
            &format!("/api/v1/activites/{id}/inscriptions"),
            Some(&body),
        )
        .await;
        // The creation's stay starts today: not yet in the établissement on that day.
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let body = json!({"usager_id": x, "debut": today.to_string()});
        created(
            &app,
            &educ,
            &format!("/api/v1/activites/{id}/inscriptions"),
            body,
        )
        .await;
        let tomorrow = today + chrono::Duration::days(1);
        let body =
            json!({"jour": tomorrow.to_string(), "heure_debut": "14:00", "heure_fin": "15:30"});
        let r = send(
            &app,
            &educ,
            "post",
            &format!("/api/v1/activites/{id}/seances"),
            Some(&body),
        )
        .await;
        let sid = r.json::<Value>().await.unwrap()["ids"][0].as_i64().unwrap();
        let f = get_ok(&app, &educ, &format!("/api/v1/seances/{sid}/presences")).await;
        assert_eq!(f["personnes"].as_array().unwrap().len(), 1, "{engine}: {f}");
        // Tomorrow: present refused, excused accepted; the version read again → 409.
        let put = |a: &str, v: i64| json!({"version": v, "personnes": [{"usager_id": x, "assiduite": a}]});
        let chemin = format!("/api/v1/seances/{sid}/presences");
        let r = send(&app, &educ, "put", &chemin, Some(&put("present", 1))).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let r = send(&app, &educ, "put", &chemin, Some(&put("excuse", 1))).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let r = send(&app, &educ, "put", &chemin, Some(&put("excuse", 1))).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let r = send(&app, &educ, "put", &chemin, Some(&put("peut-etre", 2))).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        // The session's status through the API: an unknown code is a 422 naming the codes.
        let corps = json!({"version": 2, "statut": "finie"});
        let statut = format!("/api/v1/seances/{sid}/statut");
        let r = send(&app, &educ, "post", &statut, Some(&corps)).await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert_eq!(
            err["fields"]["statut"], "Le statut est « prevue », « realisee » ou « annulee ».",
            "{engine}: {err}"
        );
        // The history of the person names it; the administrator reads nothing.
        let h = get_ok(&app, &educ, &format!("/api/v1/usagers/{x}/activites")).await;
        assert_eq!(h["items"][0]["titre"], "Équithérapie", "{engine}: {h}");
        assert_eq!(h["items"][0]["assiduite"], "Excusé");
        let r = send(
            &app,
            &admin,
            "get",
            &format!("/api/v1/usagers/{x}/activites"),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = send(
            &app,
            &educ,
            "get",
            &format!("/api/v1/usagers/{x}/activites?du=2026-13-01"),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The session page: the form refused in place (present tomorrow), then cancelled.
        let c = app.browser("educ").await;
        let page = format!("/seances/{sid}");
        let csrf = csrf_from(&app, &c, &page).await;
        let r = c
            .post(app.url(&page))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", "2"),
                (&format!("assiduite_{x}"), "present"),
                (&format!("observation_{x}"), ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("seules les absences excusées")
                || html.contains("ne peut recevoir que des absences excusées"),
            "{engine}"
        );
        assert!(
            html.contains("erreurs-resume"),
            "{engine}: the refusal is in the page"
        );
        let r = c
            .post(app.url(&format!("{page}/statut")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", "2"),
                ("statut", "annulee"),
                ("motif", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: a motive is required"
        );
        let r = c
            .post(app.url(&format!("{page}/statut")))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", "2"),
                ("statut", "annulee"),
                ("motif", "Centre équestre fermé"),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_redirection() || r.status() == StatusCode::OK,
            "{engine}: {}",
            r.status()
        );
        let html = crate::helpers::html(&app, &c, &format!("{page}?fait=statut_seance")).await;
        assert!(html.contains("Centre équestre fermé"), "{engine}");
        app.stop().await;
    }
}

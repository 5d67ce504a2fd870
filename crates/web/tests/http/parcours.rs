//! The person's path through the API: admission (capacity refused in French, then forced),
//! transfer and discharge, the day's presences saved in one request (409 on a stale version),
//! the presences of établissement B closed to A's professionals, and the monthly statement
//! as JSON, CSV and a spreadsheet that opens and holds the figures.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{dupont, error_body, message, person, spawn_app};

#[tokio::test]
async fn a_path_from_admission_to_the_monthly_spreadsheet() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (b, _) = app.etablissement_b().await;
        app.create_user("secr.a", Role::Secretariat, &[a]).await;
        app.create_user("educ.a", Role::Educateur, &[a]).await;
        app.create_user("educ.b", Role::Educateur, &[b]).await;
        let (secr, educ, educ_b) = (
            app.token("secr.a").await,
            app.token("educ.a").await,
            app.token("educ.b").await,
        );
        let unite = app
            .db
            .store
            .create_unite(
                &app.admin_actor(),
                a,
                "Les Glycines",
                "unite",
                Some(1),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let y = app
            .create_usager(
                &secr,
                &person(
                    "Martin",
                    &["Paul"],
                    "1941-03-02",
                    "M",
                    &app.etablissement_finess,
                ),
            )
            .await;
        // Both in day care in the one-place unit: the second is refused, in French, then forced.
        let admit = |force: bool| {
            json!({"etablissement_id": a, "unite_id": unite, "type_accompagnement": "accueil_jour",
                "date_entree": "2028-02-01", "financement": "apa", "depasser_capacite": force})
        };
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/sejours"),
                &admit(false),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let sx = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{y}/sejours"),
                &admit(false),
            )
            .await;
        let err = error_body(r, StatusCode::CONFLICT, "conflit").await;
        assert!(message(&err).contains("Capacité atteinte"), "{err}");
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{y}/sejours"), &admit(true))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        // An educator of A may not admit; a bad code is a French 422.
        let r = app
            .post_json(&educ, &format!("/api/v1/usagers/{x}/sejours"), &admit(true))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let mut bad = admit(true);
        bad["type_accompagnement"] = json!("croisiere");
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{x}/sejours"), &bad)
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&err).contains("inconnu"), "{err}");
        // The educator marks the day: x absent (hospital), in one request.
        let day =
            format!("/api/v1/presences?etablissement_id={a}&unite_id={unite}&jour=2028-02-10");
        let mut j = app.get_json(&educ, &day).await;
        assert_eq!(j["personnes"].as_array().unwrap().len(), 2, "{engine}: {j}");
        assert!(j["personnes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["absence"].is_null()));
        for p in j["personnes"].as_array_mut().unwrap() {
            if p["sejour_id"] == sx {
                p["absence"] = json!("hospitalisation");
            }
        }
        let r = app.put_json(&educ, "/api/v1/presences", &j).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        // The same body again: stale.
        let r = app.put_json(&educ, "/api/v1/presences", &j).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        // B's educator sees neither A's day nor its statement; A's nothing of B's.
        let r = app.get(&educ_b, &day).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app
            .get(
                &educ_b,
                &format!("/api/v1/presences/etat?etablissement_id={a}&mois=2028-02"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app
            .get(&educ, &format!("/api/v1/presences?etablissement_id={b}"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Discharge of y on 2028-02-20.
        let st = app
            .get_json(&secr, &format!("/api/v1/usagers/{y}/sejours"))
            .await;
        let sy = st["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["type_accompagnement"] == "accueil_jour")
            .unwrap()
            .clone();
        assert_eq!(sy["depassement_capacite"], true);
        let r = app
            .post_json(&secr, &format!("/api/v1/usagers/{y}/sejours/{}/sortie", sy["id"]),
                &json!({"date": "2028-02-20", "mode_sortie": "retour_domicile", "version": sy["version"]}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        // The statement: x 29 days (one absent), y 19 days; every stay of the month listed.
        let e = app
            .get_json(
                &secr,
                &format!("/api/v1/presences/etat?etablissement_id={a}&mois=2028-02"),
            )
            .await;
        let apa = e["par_financeur"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["financement"] == "apa")
            .unwrap();
        assert_eq!(
            (apa["jours_prevus"].as_i64(), apa["jours_presence"].as_i64()),
            (Some(48), Some(47)),
            "{engine}: {e}"
        );
        let csv = app
            .get(
                &secr,
                &format!("/api/v1/presences/etat.csv?etablissement_id={a}&mois=2028-02"),
            )
            .await;
        assert_eq!(csv.status(), StatusCode::OK);
        let csv = csv.text().await.unwrap();
        assert!(
            csv.contains("Total APA;2 séjour(s);;;;;;48;47;1;0"),
            "{csv}"
        );
        let r = app
            .get(
                &secr,
                &format!("/api/v1/presences/etat.xlsx?etablissement_id={a}&mois=2028-02"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap().to_vec();
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("the spreadsheet opens");
        let sheet = wb.worksheet_range("Présences 2028-02").expect("its sheet");
        let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
        let total = rows
            .iter()
            .find(|r| r.first() == Some(&Data::String("Total APA".into())))
            .expect("the APA total");
        assert_eq!(
            (&total[7], &total[8], &total[9]),
            (&Data::Float(48.0), &Data::Float(47.0), &Data::Float(1.0))
        );
        assert!(rows
            .iter()
            .any(|r| matches!(r.first(), Some(Data::String(s)) if s.starts_with("DUPONT"))));
        // A month that is no month: French 422.
        let r = app
            .get(
                &secr,
                &format!("/api/v1/presences/etat?etablissement_id={a}&mois=2028-13"),
            )
            .await;
        let err = error_body(r, StatusCode::UNPROCESSABLE_ENTITY, "contenu_invalide").await;
        assert!(message(&err).contains("AAAA-MM"), "{err}");
        app.stop().await;
    }
}

//! The last expected refusals shown in place (issue 16, item 2, decision 0063): the photo
//! (sent and removed), « deux personnes différentes », a visit reassigned from the planning,
//! a person removed from the circle, the relève's « marquer comme lu », the accounts and the
//! établissement's page of the administration. Each answers a refusal with its page (422,
//! 409, 413, 415), the summary, the message next to its field, what was typed kept, never the
//! error page; a success is confirmed. A form over the body limit is a French 413 page with
//! the way back to the form.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::json;

use crate::formulaire_ligne::{Formulaires, CONFLIT, INVALIDE};
use crate::helpers::{dupont, html, person, spawn_app, TestApp};
use crate::photo::jpeg_with_gps;

/// The message under the input of id `id` and that input pointing at it.
fn au_champ(id: &str) -> [String; 2] {
    [
        format!(r#"id="{id}-err""#),
        format!(r#"aria-describedby="{id}-err""#),
    ]
}

/// A file of the établissement created by `secr.ff` (a secretary), with a cadre `cadre.ff`:
/// the file, the secretary's and the cadre's tokens.
async fn dossier(app: &TestApp) -> (i64, String, String) {
    let a = app.etablissement_id;
    let (_, secr) = app.account("secr.ff", Role::Secretariat, &[a]).await;
    let (_, cadre) = app.account("cadre.ff", Role::Cadre, &[a]).await;
    let x = app
        .create_usager(&secr, &dupont(&app.etablissement_finess))
        .await;
    (x, secr, cadre)
}

/// The photo form of file `x` sent by `f`'s browser with `photo` as the file.
async fn envoyer_photo(
    app: &TestApp,
    f: &Formulaires<'_>,
    csrf: &str,
    x: i64,
    photo: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new().text("_csrf", csrf.to_string()).part(
        "photo",
        Part::bytes(photo)
            .file_name("portrait.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let url = app.url(&format!("/usagers/{x}/photo"));
    f.c.post(url).multipart(form).send().await.unwrap()
}

/// `r` is the file page with the photo's refusal `status` saying `dit` by the photo field.
async fn photo_refusee(r: reqwest::Response, status: StatusCode, dit: &str) {
    assert_eq!(r.status(), status);
    let page = r.text().await.unwrap();
    let [err, aria] = au_champ("photo");
    for v in [r#"id="erreurs-resume""#, err.as_str(), dit] {
        assert!(page.contains(v), "« {v} » absent de {page}");
    }
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"photo-aide photo-err\""));
    assert!(!page.contains("Code : ") && !aria.is_empty(), "{page}");
}

#[tokio::test]
async fn the_photo_is_refused_next_to_its_field_and_confirmed() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, _) = dossier(&app).await;
        let page = format!("/usagers/{x}");
        let f = Formulaires::de(&app, "secr.ff", &page).await;
        let csrf = crate::helpers::csrf_from(&app, &f.c, &page).await;
        // Not an image, damaged, empty, over 2 Mo (read, then too large to read): each by
        // the photo field, with the status the API gives it.
        let r = envoyer_photo(&app, &f, &csrf, x, b"GIF89a\x01\x00".to_vec()).await;
        photo_refusee(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "JPEG et PNG").await;
        let r = envoyer_photo(&app, &f, &csrf, x, jpeg_with_gps()[..30].to_vec()).await;
        photo_refusee(r, INVALIDE, "endommagé").await;
        let r = envoyer_photo(&app, &f, &csrf, x, Vec::new()).await;
        photo_refusee(r, INVALIDE, "Choisissez une photo").await;
        let mut grande = jpeg_with_gps();
        grande.resize(2 * 1024 * 1024 + 1, 0);
        let r = envoyer_photo(&app, &f, &csrf, x, grande).await;
        photo_refusee(r, StatusCode::PAYLOAD_TOO_LARGE, "2 Mo").await;
        let r = envoyer_photo(&app, &f, &csrf, x, vec![0xFF; 3 * 1024 * 1024]).await;
        photo_refusee(
            r,
            StatusCode::PAYLOAD_TOO_LARGE,
            "2 Mo, la taille autorisée",
        )
        .await;
        // No photo to remove (removed from another screen): said on the page.
        let retrait = format!("/usagers/{x}/photo/suppression");
        let voir = ["n&#39;a plus de photo"];
        f.refuse(&retrait, &[], CONFLIT, &voir).await;
        // Sent, then removed: each confirmed.
        let r = envoyer_photo(&app, &f, &csrf, x, jpeg_with_gps()).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(lieu, format!("/usagers/{x}?fait=photo"));
        assert!(html(&app, &f.c, &lieu)
            .await
            .contains("La photo a été enregistrée."));
        f.confirme(&retrait, &[], "photo_retiree").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn two_different_people_are_refused_in_place_then_confirmed() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, secr, _) = dossier(&app).await;
        let autre = person(
            "Bernard",
            &["Paul"],
            "1950-02-03",
            "M",
            &app.etablissement_finess,
        );
        let y = app.create_usager(&secr, &autre).await;
        let f = Formulaires::de(&app, "cadre.ff", &format!("/usagers/{x}")).await;
        let path = format!("/usagers/{x}/non-doublon");
        let [err, aria] = au_champ("nd-autre_id");
        // A number that is none, this file's, a file nobody may open: by the field, kept.
        for (typed, dit) in [
            ("U00xx", "par exemple U0000042"),
            (&*format!("U{x:07}"), "celui du dossier ouvert"),
            ("U0999999", "Aucun dossier de ce numéro"),
        ] {
            let kept = format!(r#"value="{typed}""#);
            let voir = [err.as_str(), aria.as_str(), dit, kept.as_str(), "1 erreur<"];
            f.refuse(&path, &[("autre_id", typed)], INVALIDE, &voir)
                .await;
        }
        let numero = format!("U{y:07}");
        f.confirme(&path, &[("autre_id", &numero)], "non_doublon")
            .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_visit_reassigned_from_the_planning_is_refused_on_its_row() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, cadre) = dossier(&app).await;
        let e = app.etablissement_id;
        let (w, _) = app
            .account("aide.ff", Role::IntervenantDomicile, &[e])
            .await;
        let (secr, _) = app.account("secr2.ff", Role::Secretariat, &[e]).await;
        let body = json!({"etablissement_id": e, "taches": "repas", "jours_semaine": "1,2,3,4,5,6,7",
            "heure_debut": "12:00", "heure_fin": "13:00", "duree_minutes": 45,
            "date_debut": "2026-01-05"});
        let r = app
            .post_json(&cadre, &format!("/api/v1/usagers/{x}/interventions"), &body)
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let jour = "2026-01-06";
        let liste = app
            .get_json(
                &cadre,
                &format!("/api/v1/interventions?du={jour}&au={jour}"),
            )
            .await;
        let v = &liste["items"][0];
        let (vid, version) = (v["id"].as_i64().unwrap(), v["version"].as_i64().unwrap());
        let page = format!("/planning?etablissement={e}&jour={jour}&vue=jour");
        let f = Formulaires::de(&app, "cadre.ff", &page).await;
        let path = format!("/planning/visites/{vid}/reaffectation");
        let (e, version, w, secr) = (
            e.to_string(),
            version.to_string(),
            w.to_string(),
            secr.to_string(),
        );
        let mut champs = [
            ("intervenant", secr.as_str()),
            ("version", version.as_str()),
            ("etablissement", e.as_str()),
            ("jour", jour),
            ("vue", "jour"),
        ];
        // A worker who is none of the service's: on the visit's row, that day's page.
        let [err, aria] = au_champ(&format!("r-{vid}-intervenant"));
        let voir = [
            err.as_str(),
            aria.as_str(),
            "intervenant à domicile du service",
            "Le 06/01/2026",
        ];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[0].1 = &w;
        let r = f.poster(&path, &champs).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        let attendu =
            format!("/planning?etablissement={e}&jour={jour}&vue=jour&fait=reaffectation");
        assert_eq!(lieu, attendu);
        assert!(html(&app, &f.c, &lieu)
            .await
            .contains("La visite a été réaffectée"));
        // From the page read before: the visit changed meanwhile, said on its row.
        f.refuse(&path, &champs, CONFLIT, &["modifié entre-temps"])
            .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_removal_from_the_circle_and_the_releve_marks_are_confirmed_or_said() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, secr, cadre) = dossier(&app).await;
        let r = app
            .post_json(
                &secr,
                &format!("/api/v1/usagers/{x}/entourage"),
                &json!({"nom": "Durand", "prenom": "Marie", "relation": "enfant"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let eid = r.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        let f = Formulaires::de(&app, "secr.ff", &format!("/usagers/{x}/entourage")).await;
        let path = format!("/usagers/{x}/entourage/{eid}/retrait");
        f.confirme(&path, &[], "entourage_retrait").await;
        // Removed again (from a page read before): said at the top of the circle.
        f.refuse(&path, &[], CONFLIT, &["retirée entre-temps"])
            .await;

        // The relève: a list that names no transmission, then one marked and counted.
        let r = app
            .post_json(
                &cadre,
                &format!("/api/v1/usagers/{x}/transmissions"),
                &json!({"texte": "Nuit calme."}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let t = r.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let (_, _) = app
            .account("as.ff", Role::AideSoignant, &[app.etablissement_id])
            .await;
        let f = Formulaires::de(&app, "as.ff", "/releve?heures=24").await;
        let retour = ("retour", "/releve?heures=24");
        let voir = ["« abc » n&#39;est pas un numéro", "Nuit calme."];
        f.refuse("/releve/lues", &[("ids", "abc"), retour], INVALIDE, &voir)
            .await;
        let voir = ["Aucune transmission n&#39;était indiquée"];
        f.refuse("/releve/lues", &[("ids", ""), retour], INVALIDE, &voir)
            .await;
        let r = f.poster("/releve/lues", &[("ids", &t), retour]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(lieu, "/releve?heures=24&fait=lues&n=1");
        let page = html(&app, &f.c, &lieu).await;
        assert!(
            page.contains("1 transmission marquée comme lue."),
            "{engine}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_administrations_forms_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        app.create_user("deja.pris", Role::Secretariat, &[]).await;
        let f = Formulaires::de(&app, "admin", "/admin/utilisateurs/nouveau").await;
        let e = app.etablissement_id.to_string();
        let mut champs = [
            ("username", "deja.pris"),
            ("nom", "Martin"),
            ("prenom", ""),
            ("role", "secretariat"),
            ("etablissements", e.as_str()),
            ("password", "un mot de passe assez long 42"),
        ];
        // A missing first name: by its field, the rest kept (the password never).
        let [err, aria] = au_champ("prenom");
        let voir = [
            err.as_str(),
            aria.as_str(),
            r#"value="Martin""#,
            "1 erreur<",
        ];
        f.refuse("/admin/utilisateurs", &champs, INVALIDE, &voir)
            .await;
        // A login already taken: by the login.
        champs[2].1 = "Paul";
        let [err, aria] = au_champ("username");
        let voir = [err.as_str(), aria.as_str(), "déjà pris", r#"value="Paul""#];
        f.refuse("/admin/utilisateurs", &champs, INVALIDE, &voir)
            .await;
        champs[0].1 = "paul.martin";
        f.confirme("/admin/utilisateurs", &champs, "compte").await;
        let id = app
            .db
            .store
            .utilisateurs()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "paul.martin")
            .unwrap()
            .id;
        // A change from a page read before another: 409, with the way to reload.
        let path = format!("/admin/utilisateurs/{id}");
        let mut champs = [
            ("nom", "Martin"),
            ("prenom", "Paula"),
            ("role", "secretariat"),
            ("version", "1"),
        ];
        f.confirme(&path, &champs, "compte").await;
        champs[1].1 = "Pauline";
        let voir = [
            "modifié entre-temps",
            "Recharger le compte à jour",
            r#"value="Pauline""#,
        ];
        f.refuse(&path, &champs, CONFLIT, &voir).await;

        // The établissement's page: a unit without its name, a record with a bad FINESS.
        let path = format!("/admin/etablissements/{e}/unites");
        let [err, aria] = au_champ("u-nom");
        let voir = [err.as_str(), aria.as_str(), r#"value="12""#];
        let champs = [("nom", ""), ("type_unite", "unite"), ("capacite", "12")];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        let champs = [
            ("nom", "Les Tilleuls"),
            ("type_unite", "unite"),
            ("capacite", "12"),
        ];
        f.confirme(&path, &champs, "unite").await;
        let fiche = app
            .get_json(
                &app.admin_token().await,
                &format!("/api/v1/etablissements/{e}"),
            )
            .await;
        let path = format!("/admin/etablissements/{e}");
        let (og, v) = (
            fiche["organisme_id"].to_string(),
            fiche["version"].to_string(),
        );
        let cat = fiche["categorie"].as_str().unwrap().to_string();
        let mut champs = [
            ("organisme_id", og.as_str()),
            ("nom", "Résidence témoin"),
            ("finess", "123"),
            ("categorie", cat.as_str()),
            ("version", v.as_str()),
        ];
        let [err, aria] = au_champ("et-finess");
        let voir = [err.as_str(), aria.as_str(), "Résidence témoin"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[2].1 = &app.etablissement_finess;
        f.confirme(&path, &champs, "etablissement").await;

        // The organisation page's creations: an organisme's FINESS, an établissement's
        // category, each by its field, what was typed kept.
        let [err, _] = au_champ("og-finess_juridique");
        let aria =
            r#"aria-describedby="og-finess-aide og-finess_juridique-err" aria-invalid="true""#;
        let voir = [err.as_str(), aria, r#"value="Association témoin""#];
        let champs = [("nom", "Association témoin"), ("finess_juridique", "12")];
        f.refuse("/admin/organismes", &champs, INVALIDE, &voir)
            .await;
        let [err, aria] = au_champ("et-categorie");
        let voir = [err.as_str(), aria.as_str(), r#"value="Foyer témoin""#];
        let champs = [
            ("organisme_id", og.as_str()),
            ("nom", "Foyer témoin"),
            ("finess", "690000000"),
            ("categorie", ""),
        ];
        f.refuse("/admin/etablissements", &champs, INVALIDE, &voir)
            .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn an_over_long_form_is_a_french_413_with_the_way_back() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, _) = dossier(&app).await;
        let page = format!("/usagers/{x}/entourage");
        let f = Formulaires::de(&app, "secr.ff", &page).await;
        let csrf = crate::helpers::csrf_from(&app, &f.c, &page).await;
        let url = app.url(&format!("/usagers/{x}/entourage"));
        let long = "a".repeat(3 * 1024 * 1024);
        let corps = format!("_csrf={csrf}&nom={long}");
        let poster = |referer: String| {
            f.c.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("referer", referer)
                .body(corps.clone())
                .send()
        };
        // From this server's page: the way back to it.
        let r = poster(app.url(&page)).await.unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{engine}");
        let texte = r.text().await.unwrap();
        assert!(
            texte.contains("dépasse 2 Mo, la taille autorisée"),
            "{texte}"
        );
        assert!(texte.contains(&format!(r#"<a href="{page}">Revenir au formulaire</a>"#)));
        // From elsewhere: no link there, the home.
        let r = poster("https://ailleurs.example/piege".into())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{engine}");
        let texte = r.text().await.unwrap();
        assert!(!texte.contains("ailleurs.example") && texte.contains(r#"<a href="/">"#));
        // A NUL byte and a text over its maximum: still 422, said in French.
        let path = format!("/usagers/{x}/entourage");
        let r = f.poster(&path, &[("nom", "Du\u{0}rand")]).await;
        assert_eq!(r.status(), INVALIDE, "{engine}");
        assert!(r.text().await.unwrap().contains("caractère de contrôle"));
        let trop = "b".repeat(5000);
        let r = f.poster(&path, &[("nom", trop.as_str())]).await;
        assert_eq!(r.status(), INVALIDE, "{engine}");
        assert!(r.text().await.unwrap().contains("ne peut dépasser"));
        app.stop().await;
    }
}

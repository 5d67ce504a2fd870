//! The forms of one row of a file's page refused in place (issue 16, item 2): a benefit's
//! change, a measure's review, a stay's transfer and discharge, a follow-up given and done, an
//! act withdrawn from the care plan and a prescription stopped each answer a refusal (422,
//! 409) with their page, that row's summary and each message next to its field, what was
//! typed kept, never the error page; a success is confirmed.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, html, person, spawn_app, TestApp};
use crate::parcours_suivi::{mesure, prestation};

/// Posts `form` to `path`: `status`, the page with its summary (no error page) containing
/// each of `voir`.
async fn refuse(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, String)],
    status: StatusCode,
    voir: &[&str],
) {
    let r = app.post_form(c, path, form).await;
    assert_eq!(r.status(), status, "{path}");
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"id="erreurs-resume""#), "{path}: {page}");
    assert!(!page.contains("Code : "), "{path}: {page}");
    for v in voir {
        assert!(page.contains(v), "{path}: « {v} » absent de {page}");
    }
}

/// Posts `form` to `path`: a redirect to `page` confirming `fait`.
async fn confirme(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, String)],
    fait: &str,
) {
    let r = app.post_form(c, path, form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    let lieu = r.headers()["location"].to_str().unwrap().to_string();
    assert!(lieu.contains(&format!("fait={fait}")), "{lieu}");
    assert!(
        html(app, c, &lieu).await.contains("alerte-succes"),
        "{lieu}"
    );
}

fn id_de(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

async fn cree(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = app.post_json(token, path, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{path}");
    id_de(&r.json::<Value>().await.unwrap())
}

fn avec(csrf: &str, champs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut v = vec![("_csrf", csrf.to_string())];
    v.extend(champs.iter().map(|(k, x)| (*k, x.to_string())));
    v
}

#[tokio::test]
async fn the_rows_of_the_rights_and_stays_tabs_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (sid_secr, secr) = app.account("secr.fl", Role::Secretariat, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let pid = cree(
            &app,
            &secr,
            &format!("/api/v1/usagers/{x}/prestations"),
            prestation(),
        )
        .await;
        let mid = cree(
            &app,
            &secr,
            &format!("/api/v1/usagers/{x}/mesures"),
            mesure(),
        )
        .await;
        let c = app.browser("secr.fl").await;
        let csrf = csrf_from(&app, &c, &format!("/usagers/{x}/droits")).await;

        // A benefit changed with a wrong date: its own form, as typed, the message by the field.
        let path = format!("/usagers/{x}/prestations/{pid}");
        let champs = [
            ("type_prestation", "apa"),
            ("payeur", "Département témoin"),
            ("date_debut", "32/13/2026"),
            ("version", "1"),
        ];
        let err = format!(r#"id="pm-{pid}-date_debut-err""#);
        let lien = format!(r##"href="#pm-{pid}-date_debut""##);
        let voir = [
            err.as_str(),
            lien.as_str(),
            "Département témoin",
            "1 erreur<",
        ];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &voir,
        )
        .await;
        // Read by someone else meanwhile: a conflict in place, nothing overwritten.
        let champs = [
            ("type_prestation", "apa"),
            ("date_debut", "2026-01-01"),
            ("version", "7"),
        ];
        let voir = ["modifié entre-temps"];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::CONFLICT,
            &voir,
        )
        .await;
        let champs = [
            ("type_prestation", "apa"),
            ("date_debut", "2026-01-01"),
            ("version", "1"),
        ];
        confirme(&app, &c, &path, &avec(&csrf, &champs), "prestation").await;

        // A measure's review without its reviewer.
        let path = format!("/usagers/{x}/mesures/{mid}/revision");
        let champs = [
            ("date_revision", "2026-03-01"),
            ("decision", "maintenue"),
            ("commentaire", "Commentaire témoin"),
            ("prochaine_revision", "2026-06-01"),
            ("version", "1"),
        ];
        let err = format!(r#"id="r-{mid}-revise_par-err""#);
        let voir = [err.as_str(), "Commentaire témoin"];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &voir,
        )
        .await;
        let mut ok = champs.to_vec();
        ok.push(("revise_par", "Dr Bernard"));
        confirme(&app, &c, &path, &avec(&csrf, &ok), "revision").await;

        // A running stay: its discharge without a mode, its transfer with a wrong date.
        let admission = json!({"etablissement_id": a, "type_accompagnement": "accueil_jour",
            "date_entree": "2026-01-05"});
        let sid = cree(
            &app,
            &secr,
            &format!("/api/v1/usagers/{x}/sejours"),
            admission,
        )
        .await;
        let path = format!("/usagers/{x}/sejours/{sid}/sortie");
        let champs = [
            ("date", "2026-02-01"),
            ("destination", "Domicile témoin"),
            ("version", "1"),
        ];
        let err = format!(r#"id="o-{sid}-mode_sortie-err""#);
        let voir = [err.as_str(), "Domicile témoin"];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &voir,
        )
        .await;
        let path = format!("/usagers/{x}/sejours/{sid}/transfert");
        let a_s = a.to_string();
        let champs = [
            ("date", "demain"),
            ("etablissement_id", a_s.as_str()),
            ("version", "1"),
        ];
        let err = format!(r#"id="t-{sid}-date-err""#);
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[&err],
        )
        .await;

        // A follow-up given without what to do, then done without its note.
        let secr_s = sid_secr.to_string();
        let champs = [("echeance", "2026-06-01"), ("assigne_a", secr_s.as_str())];
        let voir = [r#"id="n-libelle-err""#];
        let path = format!("/usagers/{x}/suivis");
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &voir,
        )
        .await;
        let mut ok = champs.to_vec();
        ok.push(("libelle", "Nouvelles à 3 mois"));
        confirme(&app, &c, &path, &avec(&csrf, &ok), "suivi").await;
        let suivis = app
            .get_json(&secr, &format!("/api/v1/usagers/{x}/suivis"))
            .await;
        let tid = id_de(&suivis["items"][0]);
        let path = format!("/usagers/{x}/suivis/{tid}/fait");
        let champs = [("date", "2026-06-02"), ("version", "1")];
        let err = format!(r#"id="f-{tid}-note-err""#);
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[&err],
        )
        .await;
        let champs = [
            ("date", "2026-06-02"),
            ("note", "Appel à la famille"),
            ("version", "1"),
        ];
        confirme(&app, &c, &path, &avec(&csrf, &champs), "suivi_fait").await;

        // The discharge as typed correctly is confirmed.
        let path = format!("/usagers/{x}/sejours/{sid}/sortie");
        let champs = [
            ("date", "2026-02-01"),
            ("mode_sortie", "retour_domicile"),
            ("version", "1"),
        ];
        confirme(&app, &c, &path, &avec(&csrf, &champs), "sortie").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn an_act_withdrawn_or_a_prescription_stopped_meanwhile_is_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fl", Role::Secretariat, &[a]).await;
        let (_, ide) = app.account("ide.fl", Role::Infirmier, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let acte = json!({"type_acte": "hygiene", "libelle": "Aide à la toilette",
            "intervenant": "aide_soignant", "type_frequence": "quotidien", "horaires": "07:30"});
        let aid = cree(&app, &ide, &format!("/api/v1/usagers/{x}/soins/plan"), acte).await;
        let presc = json!({"type_prescription": "examen", "libelle": "Bilan sanguin",
            "prescripteur_nom": "Dr Durand", "prescripteur_rpps": "10000000009"});
        let pid = cree(
            &app,
            &ide,
            &format!("/api/v1/usagers/{x}/soins/prescriptions"),
            presc,
        )
        .await;
        let c = app.browser("ide.fl").await;
        let csrf = csrf_from(&app, &c, &format!("/usagers/{x}/soins/plan")).await;

        let path = format!("/usagers/{x}/soins/plan/{aid}/retrait");
        let voir = ["modifié entre-temps", "Plan de soins"];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &[("version", "9")]),
            StatusCode::CONFLICT,
            &voir,
        )
        .await;
        confirme(
            &app,
            &c,
            &path,
            &avec(&csrf, &[("version", "1")]),
            "acte_retire",
        )
        .await;

        let path = format!("/usagers/{x}/soins/prescriptions/{pid}/arret");
        let champs = [("motif", "Motif témoin"), ("version", "9")];
        let voir = ["modifié entre-temps", "Motif témoin"];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::CONFLICT,
            &voir,
        )
        .await;
        let champs = [("motif", "Résultats reçus"), ("version", "1")];
        confirme(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            "prescription_arretee",
        )
        .await;

        // A vital sign that is no number, thresholds that are no numbers: the page again.
        let path = format!("/usagers/{x}/soins/constantes");
        let champs = [
            ("type_mesure", "pouls"),
            ("valeur", "vite"),
            ("commentaire", "Après effort"),
        ];
        let voir = [r#"id="c-valeur-err""#, "Après effort"];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &voir,
        )
        .await;
        let champs = [("type_mesure", "pouls"), ("valeur", "72")];
        confirme(&app, &c, &path, &avec(&csrf, &champs), "constante").await;
        let path = format!("/usagers/{x}/soins/constantes/seuils");
        let champs = [
            ("type_mesure", "pouls"),
            ("bas", "beaucoup"),
            ("haut", "120"),
            ("version", "0"),
        ];
        let voir = [
            "Seuils propres à la personne : Pouls",
            "beaucoup",
            r#"id="s-bas-err""#,
        ];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &champs),
            StatusCode::UNPROCESSABLE_ENTITY,
            &voir,
        )
        .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_refused_merge_is_shown_on_the_merge_page_and_a_merge_is_confirmed() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fu", Role::Secretariat, &[a]).await;
        let finess = app.etablissement_finess.clone();
        let x = app.create_usager(&secr, &dupont(&finess)).await;
        let autre = person("Martin", &["Paul"], "1941-03-02", "M", &finess);
        let y = app.create_usager(&secr, &autre).await;
        let c = app.browser("secr.fu").await;
        let page = format!("/usagers/{x}/fusion?autre={y}");
        let vue = html(&app, &c, &page).await;
        assert!(vue.contains("différent"), "{engine}: {vue}");
        let csrf = crate::helpers::csrf_of(&vue);
        let path = format!("/usagers/{x}/fusion");
        let numero = dui_store::usager::numero(y);
        // A number that names no file: the merge page again, in French.
        let voir = [
            "Indiquez le numéro du dossier à fusionner",
            "Fusionner un doublon",
        ];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &[("autre_id", "n° 12")]),
            StatusCode::UNPROCESSABLE_ENTITY,
            &voir,
        )
        .await;
        confirme(
            &app,
            &c,
            &path,
            &avec(&csrf, &[("autre_id", numero.as_str())]),
            "fusion",
        )
        .await;
        // Merged twice (a second tab): a conflict shown on the page, the undo offered.
        let voir = ["déjà été fusionné", "Annuler la fusion"];
        refuse(
            &app,
            &c,
            &path,
            &avec(&csrf, &[("autre_id", numero.as_str())]),
            StatusCode::CONFLICT,
            &voir,
        )
        .await;
        app.stop().await;
    }
}

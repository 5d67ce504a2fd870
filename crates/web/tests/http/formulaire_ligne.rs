//! The forms of one row of a file's page refused in place (issue 16, item 2): a benefit's
//! change, a measure's review, a stay's transfer and discharge, a follow-up given and done, an
//! act withdrawn from the care plan, a prescription stopped, a vital sign, the thresholds and
//! a merge each answer a refusal (422, 409) with their page, that form's summary and each
//! message next to its field, what was typed kept, never the error page; a success is
//! confirmed.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{csrf_from, dupont, html, person, spawn_app, TestApp};
use crate::parcours_suivi::{mesure, prestation};

pub(crate) const INVALIDE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
pub(crate) const CONFLIT: StatusCode = StatusCode::CONFLICT;

/// A logged-in browser posting the forms of the pages.
pub(crate) struct Formulaires<'a> {
    app: &'a TestApp,
    pub(crate) c: reqwest::Client,
    csrf: String,
}

impl<'a> Formulaires<'a> {
    /// `username`'s browser, its form token read on `page`.
    pub(crate) async fn de(app: &'a TestApp, username: &str, page: &str) -> Self {
        let c = app.browser(username).await;
        let csrf = csrf_from(app, &c, page).await;
        Self { app, c, csrf }
    }

    pub(crate) async fn poster(&self, path: &str, champs: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("_csrf", self.csrf.as_str())];
        form.extend_from_slice(champs);
        self.app.post_form(&self.c, path, &form).await
    }

    /// `champs` posted to `path`: `status`, the page with its summary (no error page)
    /// containing each of `voir`.
    pub(crate) async fn refuse(
        &self,
        path: &str,
        champs: &[(&str, &str)],
        status: StatusCode,
        voir: &[&str],
    ) {
        let r = self.poster(path, champs).await;
        assert_eq!(r.status(), status, "{path}");
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"id="erreurs-resume""#), "{path}: {page}");
        assert!(!page.contains("Code : "), "{path}: {page}");
        for v in voir {
            assert!(page.contains(v), "{path}: « {v} » absent de {page}");
        }
    }

    /// `champs` posted to `path`: a redirect to a page confirming `fait`.
    pub(crate) async fn confirme(&self, path: &str, champs: &[(&str, &str)], fait: &str) {
        let r = self.poster(path, champs).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        let lieu = r.headers()["location"].to_str().unwrap().to_string();
        assert!(lieu.contains(&format!("fait={fait}")), "{lieu}");
        let page = html(self.app, &self.c, &lieu).await;
        assert!(page.contains("alerte-succes"), "{lieu}");
    }
}

/// `body` posted to the API `path` (201): the new record's id.
pub(crate) async fn cree(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = app.post_json(token, path, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{path}");
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
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
        let api = format!("/api/v1/usagers/{x}");
        let pid = cree(&app, &secr, &format!("{api}/prestations"), prestation()).await;
        let mid = cree(&app, &secr, &format!("{api}/mesures"), mesure()).await;
        let f = Formulaires::de(&app, "secr.fl", &format!("/usagers/{x}/droits")).await;

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
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        // Changed by someone else meanwhile: a conflict in place, nothing overwritten.
        let mut champs = [
            ("type_prestation", "apa"),
            ("date_debut", "2026-01-01"),
            ("version", "7"),
        ];
        f.refuse(&path, &champs, CONFLIT, &["modifié entre-temps"])
            .await;
        champs[2].1 = "1";
        f.confirme(&path, &champs, "prestation").await;

        // A measure's review without its reviewer.
        let path = format!("/usagers/{x}/mesures/{mid}/revision");
        let mut champs = vec![
            ("date_revision", "2026-03-01"),
            ("decision", "maintenue"),
            ("commentaire", "Commentaire témoin"),
            ("prochaine_revision", "2026-06-01"),
            ("version", "1"),
        ];
        let err = format!(r#"id="r-{mid}-revise_par-err""#);
        f.refuse(
            &path,
            &champs,
            INVALIDE,
            &[err.as_str(), "Commentaire témoin"],
        )
        .await;
        champs.push(("revise_par", "Dr Bernard"));
        f.confirme(&path, &champs, "revision").await;

        // A running stay: its discharge without a mode, its transfer with a wrong date.
        let admission = json!({"etablissement_id": a, "type_accompagnement": "accueil_jour",
            "date_entree": "2026-01-05"});
        let sid = cree(&app, &secr, &format!("{api}/sejours"), admission).await;
        let sortie = format!("/usagers/{x}/sejours/{sid}/sortie");
        let champs = [
            ("date", "2026-02-01"),
            ("destination", "Domicile témoin"),
            ("version", "1"),
        ];
        let err = format!(r#"id="o-{sid}-mode_sortie-err""#);
        f.refuse(
            &sortie,
            &champs,
            INVALIDE,
            &[err.as_str(), "Domicile témoin"],
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
        f.refuse(&path, &champs, INVALIDE, &[err.as_str()]).await;

        // A follow-up given without what to do, then done without its note.
        let secr_s = sid_secr.to_string();
        let mut champs = vec![("echeance", "2026-06-01"), ("assigne_a", secr_s.as_str())];
        let path = format!("/usagers/{x}/suivis");
        f.refuse(&path, &champs, INVALIDE, &[r#"id="n-libelle-err""#])
            .await;
        champs.push(("libelle", "Nouvelles à 3 mois"));
        f.confirme(&path, &champs, "suivi").await;
        let suivis = app.get_json(&secr, &format!("{api}/suivis")).await;
        let tid = suivis["items"][0]["id"].as_i64().unwrap();
        let path = format!("/usagers/{x}/suivis/{tid}/fait");
        let mut champs = vec![("date", "2026-06-02"), ("version", "1")];
        let err = format!(r#"id="f-{tid}-note-err""#);
        f.refuse(&path, &champs, INVALIDE, &[err.as_str()]).await;
        champs.push(("note", "Appel à la famille"));
        f.confirme(&path, &champs, "suivi_fait").await;

        // The discharge as typed correctly is confirmed.
        let champs = [
            ("date", "2026-02-01"),
            ("mode_sortie", "retour_domicile"),
            ("version", "1"),
        ];
        f.confirme(&sortie, &champs, "sortie").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn care_forms_changed_meanwhile_or_mistyped_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fl", Role::Secretariat, &[a]).await;
        let (_, ide) = app.account("ide.fl", Role::Infirmier, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let api = format!("/api/v1/usagers/{x}");
        let acte = json!({"type_acte": "hygiene", "libelle": "Aide à la toilette",
            "intervenant": "aide_soignant", "type_frequence": "quotidien", "horaires": "07:30"});
        let aid = cree(&app, &ide, &format!("{api}/soins/plan"), acte).await;
        let presc = json!({"type_prescription": "examen", "libelle": "Bilan sanguin",
            "prescripteur_nom": "Dr Durand", "prescripteur_rpps": "10000000009"});
        let pid = cree(&app, &ide, &format!("{api}/soins/prescriptions"), presc).await;
        let f = Formulaires::de(&app, "ide.fl", &format!("/usagers/{x}/soins/plan")).await;

        // An act withdrawn from a plan read before a change: the plan again, the conflict.
        let path = format!("/usagers/{x}/soins/plan/{aid}/retrait");
        let voir = ["modifié entre-temps", "Plan de soins"];
        f.refuse(&path, &[("version", "9")], CONFLIT, &voir).await;
        f.confirme(&path, &[("version", "1")], "acte_retire").await;

        // A prescription stopped likewise: its reason kept.
        let path = format!("/usagers/{x}/soins/prescriptions/{pid}/arret");
        let mut champs = [("motif", "Motif témoin"), ("version", "9")];
        f.refuse(
            &path,
            &champs,
            CONFLIT,
            &["modifié entre-temps", "Motif témoin"],
        )
        .await;
        champs[1].1 = "1";
        f.confirme(&path, &champs, "prescription_arretee").await;

        // A vital sign that is no number, thresholds that are no numbers: the page again.
        let path = format!("/usagers/{x}/soins/constantes");
        let champs = [
            ("type_mesure", "pouls"),
            ("valeur", "vite"),
            ("commentaire", "Après effort"),
        ];
        f.refuse(
            &path,
            &champs,
            INVALIDE,
            &[r#"id="c-valeur-err""#, "Après effort"],
        )
        .await;
        f.confirme(
            &path,
            &[("type_mesure", "pouls"), ("valeur", "72")],
            "constante",
        )
        .await;
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
        f.refuse(&path, &champs, INVALIDE, &voir).await;
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
        let page = format!("/usagers/{x}/fusion?autre={y}");
        let f = Formulaires::de(&app, "secr.fu", &page).await;
        let vue = html(&app, &f.c, &page).await;
        assert!(vue.contains("différent"), "{engine}: {vue}");
        let path = format!("/usagers/{x}/fusion");
        let numero = dui_store::usager::numero(y);
        // A number that names no file: the merge page again, in French.
        let voir = [
            "Indiquez le numéro du dossier à fusionner",
            "Fusionner un doublon",
        ];
        f.refuse(&path, &[("autre_id", "n° 12")], INVALIDE, &voir)
            .await;
        f.confirme(&path, &[("autre_id", numero.as_str())], "fusion")
            .await;
        // Merged twice (a second tab): a conflict shown on the page, the undo offered.
        let voir = ["déjà été fusionné", "Annuler la fusion"];
        f.refuse(&path, &[("autre_id", numero.as_str())], CONFLIT, &voir)
            .await;
        app.stop().await;
    }
}

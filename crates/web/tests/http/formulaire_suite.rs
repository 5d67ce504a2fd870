//! The last forms refused in place (issue 16, item 2): an objective's status and action and the
//! child's part of a project, a grid's evaluation and a draft's validation, a new application
//! and its file (the probable duplicates in the page, with their way out), the liaison book's
//! relatives and end of a participation, the agenda's subscription. Each answers a refusal
//! with its page (422, 409), the summary, each message by its field, what was typed kept,
//! never the error page; a success is confirmed.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use reqwest::StatusCode;
use serde_json::json;

use crate::formulaire_ligne::{Formulaires, CONFLIT, INVALIDE};
use crate::helpers::{dupont, spawn_app, TestApp};

/// A file of établissement A created by its secretary `secr.fs`, with its cadre `cadre.fs`:
/// the file, the secretary's and the cadre's tokens.
async fn dossier(app: &TestApp) -> (i64, String, String) {
    let a = app.etablissement_id;
    let (_, secr) = app.account("secr.fs", Role::Secretariat, &[a]).await;
    let (_, cadre) = app.account("cadre.fs", Role::Cadre, &[a]).await;
    let x = app
        .create_usager(&secr, &dupont(&app.etablissement_finess))
        .await;
    (x, secr, cadre)
}

/// The message under the input of id `id` and that input pointing at it.
fn au_champ(id: &str) -> [String; 2] {
    [
        format!(r#"id="{id}-err""#),
        format!(r#"aria-describedby="{id}-err""#),
    ]
}

#[tokio::test]
async fn an_objectives_forms_and_the_childs_part_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, cadre) = dossier(&app).await;
        let page = format!("/usagers/{x}/projet");
        let f = Formulaires::de(&app, "cadre.fs", &page).await;
        f.confirme(&page, &[("type", "ppe")], "projet_cree").await;
        let pid = app
            .get_json(&cadre, &format!("/api/v1/usagers/{x}/projets"))
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let path = format!("/usagers/{x}/projet/{pid}/brouillon");
        let champs = [
            ("operation", "objectif"),
            ("libelle", "Objectif témoin"),
            ("statut", "en_cours"),
            ("version", "1"),
        ];
        f.confirme(&path, &champs, "projet").await;

        // The objective's status with a code that is none: that objective's form, open.
        let champs = [
            ("operation", "statut"),
            ("cle", "o1"),
            ("statut", "fini"),
            ("version", "2"),
        ];
        let [err, aria] = au_champ("st-o1-statut");
        let voir = [err.as_str(), aria.as_str(), "statut d&#39;objectif"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        // An action with a date that is none: the label typed kept, the message by the date.
        let mut champs = [
            ("operation", "action"),
            ("cle", "o1"),
            ("libelle", "Action témoin"),
            ("echeance", "demain"),
            ("version", "2"),
        ];
        let [err, aria] = au_champ("ac-o1-echeance");
        let voir = [err.as_str(), aria.as_str(), "Action témoin", "1 erreur<"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[3].1 = "2027-01-15";
        f.confirme(&path, &champs, "projet").await;
        // From a page read before that change: a conflict on the same form.
        let voir = ["modifié entre-temps", "Action témoin"];
        f.refuse(&path, &champs, CONFLIT, &voir).await;

        // The child's part with a decision date that is none: every text typed kept.
        let mut champs = [
            ("operation", "ppe"),
            ("decision_nature", "judiciaire"),
            ("decision_date", "hier"),
            ("avis_enfant", "Avis témoin"),
            ("besoin_securite", "Observation témoin"),
            ("version", "3"),
        ];
        let [err, aria] = au_champ("pe-decision_date");
        let voir = [
            err.as_str(),
            aria.as_str(),
            "Avis témoin",
            "Observation témoin",
            "1 erreur<",
        ];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[2].1 = "2026-09-01";
        f.confirme(&path, &champs, "projet").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn an_evaluation_and_its_validation_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, cadre) = dossier(&app).await;
        let page = format!("/usagers/{x}/evaluations");
        let f = Formulaires::de(&app, "cadre.fs", &page).await;
        // A Braden grid with an answer missing and a date that is none: both by their field,
        // the answers and the comment as typed.
        let mut champs = vec![
            ("grille", "braden"),
            ("date_evaluation", "32/13/2026"),
            ("q:perception", "3"),
            ("q:humidite", "2"),
            ("q:activite", "4"),
            ("q:mobilite", "3"),
            ("q:nutrition", "2"),
            ("commentaire", "Commentaire\ntémoin"),
        ];
        let [err, aria] = au_champ("braden-friction");
        let [date, _] = au_champ("braden-date_evaluation");
        let voir = [
            err.as_str(),
            aria.as_str(),
            date.as_str(),
            "Réponse manquante",
            r#"value="4" selected"#,
            "Commentaire\ntémoin",
            "2 erreurs<",
        ];
        f.refuse(&page, &champs, INVALIDE, &voir).await;
        champs[1].1 = "2026-02-01";
        champs.push(("q:friction", "2"));
        f.confirme(&page, &champs, "evaluation").await;

        // The draft's validation from a stale page: a conflict on its row.
        let liste = app
            .get_json(&cadre, &format!("/api/v1/usagers/{x}/evaluations"))
            .await;
        let e = &liste["items"][0];
        let (eid, version) = (e["id"].as_i64().unwrap(), e["version"].as_i64().unwrap());
        let path = format!("{page}/{eid}/validation");
        let stale = (version + 5).to_string();
        f.refuse(&path, &[("version", &stale)], CONFLIT, &["entre-temps"])
            .await;
        let v = version.to_string();
        f.confirme(&path, &[("version", &v)], "evaluation_validee")
            .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_new_application_and_its_file_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fs", Role::Secretariat, &[a]).await;
        let f = Formulaires::de(&app, "secr.fs", "/candidatures/nouvelle").await;
        let a_s = a.to_string();
        // A birth date in the future: the form again, every value kept.
        let mut champs = vec![
            ("etablissements", a_s.as_str()),
            ("nom_naissance", "Dupont"),
            ("prenoms", "Hélène"),
            ("date_naissance", "2999-04-12"),
            ("sexe", "F"),
            ("origine", "via_trajectoire"),
            ("criteres", "Critères témoins"),
            ("date_reception", "2026-11-20"),
            ("piece_libelle", "Pièce témoin"),
            ("piece_recue_le", ""),
        ];
        let [err, aria] = au_champ("c-date_naissance");
        let coche = format!(r#"value="{a}" checked"#);
        let voir = [
            err.as_str(),
            aria.as_str(),
            "Critères témoins",
            "Pièce témoin",
            coche.as_str(),
            r#"value="F" selected"#,
        ];
        f.refuse("/candidatures", &champs, INVALIDE, &voir).await;
        champs[3].1 = "1938-04-12";
        f.confirme("/candidatures", &champs, "candidature").await;

        // Its file, while a Hélène Dupont already has one: the duplicates in the page, the
        // way out (open it, link it, another person).
        let existant = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let id = app.get_json(&secr, "/api/v1/candidatures").await["items"][0]["id"]
            .as_i64()
            .unwrap();
        let path = format!("/candidatures/{id}/dossier");
        let mut champs = vec![
            ("etablissement_id", a_s.as_str()),
            ("date_entree", "2026-12-01"),
            ("version", "1"),
        ];
        let ouvrir = format!(r#"href="/usagers/{existant}""#);
        let rattacher = format!(r#"name="usager_id" value="{existant}""#);
        let voir = [
            "Doublon probable",
            "Un dossier existant ressemble",
            ouvrir.as_str(),
            rattacher.as_str(),
            "autre personne",
            r#"value="2026-12-01""#,
        ];
        f.refuse(&path, &champs, CONFLIT, &voir).await;
        champs.push(("confirmer_doublon", "oui"));
        f.confirme(&path, &champs, "dossier_candidature").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn the_books_relatives_and_the_subscription_are_confirmed_or_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, cadre) = dossier(&app).await;
        let proche = app.create_user("proche.fs", Role::Proche, &[]).await;
        let r = app
            .post_json(
                &cadre,
                &format!("/api/v1/usagers/{x}/affectations"),
                &json!({ "utilisateur_id": proche }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        let livre = format!("/usagers/{x}/liaison");
        let f = Formulaires::de(&app, "cadre.fs", &livre).await;

        // A relative that is none of the file's: the book again, the choice as typed.
        let path = format!("{livre}/proches");
        let mut champs = [("utilisateur_id", "abc")];
        let [err, aria] = au_champ("pr-utilisateur_id");
        let voir = [err.as_str(), aria.as_str(), "Choisissez un compte"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        f.refuse(
            &path,
            &[("utilisateur_id", "999999")],
            INVALIDE,
            &["onglet Entourage"],
        )
        .await;
        let p = proche.to_string();
        champs[0].1 = p.as_str();
        f.confirme(&path, &champs, "proche").await;

        // Their access ended, then ended again from the same page: said on the book (409).
        let path = format!("{livre}/fin");
        f.confirme(&path, &champs, "participation_finie").await;
        f.refuse(&path, &champs, CONFLIT, &["déjà pris fin"]).await;

        // The agenda's subscription: created, then revoked, each confirmed.
        f.confirme("/agenda/abonnement", &[], "abonnement").await;
        f.confirme("/agenda/abonnement/revocation", &[], "abonnement_revoque")
            .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn the_circle_and_a_transmission_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, _) = dossier(&app).await;
        let f = Formulaires::de(&app, "secr.fs", &format!("/usagers/{x}/entourage")).await;

        // A person of the circle without a relation and a measure ending on no date: both by
        // their field in French (never `mesure_fin`), the rest kept.
        let path = format!("/usagers/{x}/entourage");
        let mut champs = vec![
            ("nom", "Martin"),
            ("prenom", "Paulette"),
            ("relation", ""),
            ("mesure_fin", "bientôt"),
            ("telephone", "06 12 34 56 78"),
        ];
        let [relation, aria] = au_champ("e-relation");
        let [fin, _] = au_champ("e-mesure_fin");
        let voir = [
            relation.as_str(),
            aria.as_str(),
            fin.as_str(),
            "06 12 34 56 78",
            "2 erreurs<",
        ];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[2].1 = "enfant";
        champs[3].1 = "";
        f.confirme(&path, &champs, "entourage_ajout").await;

        // A professional neither chosen nor described: the role kept, each field named.
        let path = format!("/usagers/{x}/professionnels");
        let mut champs = vec![
            ("role", "medecin_traitant"),
            ("professionnel_id", ""),
            ("structure", "Cabinet témoin"),
        ];
        let [nom, aria] = au_champ("p-nom");
        let voir = [nom.as_str(), aria.as_str(), "Cabinet témoin"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs.extend([
            ("nom", "Durand"),
            ("prenom", "Paul"),
            ("fonction", "Médecin généraliste"),
        ]);
        f.confirme(&path, &champs, "professionnel").await;

        // A transmission dated with no date: the tab again, the text kept.
        let f = Formulaires::de(&app, "cadre.fs", &format!("/usagers/{x}")).await;
        let path = format!("/usagers/{x}/section/accompagnement");
        let mut champs = [("texte", "Texte témoin"), ("date_fait", "hier")];
        let [date, aria] = au_champ("t-date_fait");
        let voir = [date.as_str(), aria.as_str(), "Texte témoin"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[1].1 = "";
        f.confirme(&path, &champs, "transmission").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_break_the_glass_without_its_reason_is_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, _) = dossier(&app).await;
        let (b, _) = app.etablissement_b().await;
        app.account("educ.fs", Role::Educateur, &[b]).await;
        let f = Formulaires::de(&app, "educ.fs", "/").await;
        let path = format!("/usagers/{x}/acces-exceptionnel");
        let mut champs = [("motif", "Urgence"), ("heures", "12")];
        let [err, aria] = au_champ("motif");
        let voir = [
            err.as_str(),
            aria.as_str(),
            ">Urgence</textarea>",
            r#"value="12" selected"#,
            "Accès exceptionnel",
        ];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[0].1 = "Remplacement de nuit : chute signalée par l'équipe";
        f.confirme(&path, &champs, "acces_exceptionnel").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_home_care_intervention_is_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (x, _, _) = dossier(&app).await;
        let page = format!("/usagers/{x}/interventions");
        let f = Formulaires::de(&app, "cadre.fs", &page).await;
        let a_s = app.etablissement_id.to_string();
        // A day of the week that is none: the days by their field, the tasks ticked kept.
        let mut champs = [
            ("etablissement_id", a_s.as_str()),
            ("t_toilette", "1"),
            ("adresse", "3 rue témoin"),
            ("jours_semaine", "8"),
            ("heure_debut", "08:00"),
            ("heure_fin", "09:00"),
            ("duree_minutes", "45"),
        ];
        let [err, aria] = au_champ("i-jours_semaine");
        let voir = [
            err.as_str(),
            aria.as_str(),
            "3 rue témoin",
            r#"name="t_toilette" value="1" checked"#,
        ];
        f.refuse(&page, &champs, INVALIDE, &voir).await;
        champs[3].1 = "1,4";
        f.confirme(&page, &champs, "intervention").await;
        app.stop().await;
    }
}

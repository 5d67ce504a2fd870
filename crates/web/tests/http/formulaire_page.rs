//! The forms of pages holding several rows at once or of no file refused in place (issue
//! 16, item 2): the medication round's and the worksheet's group forms (each row's reason by
//! its row, the rows as chosen, a row recorded meanwhile a conflict), the agenda's planning
//! form, an application's status and interview, the liaison book's invitation. Each answers
//! a refusal with its page, never the error page; a success is confirmed.

use chrono::DateTime;
use dui_domain::policy::Role;
use dui_store::testing::engines;
use serde_json::{json, Value};

use crate::formulaire_ligne::{cree, Formulaires, CONFLIT, INVALIDE};
use crate::helpers::{dupont, spawn_app};

#[tokio::test]
async fn the_round_and_the_worksheet_are_refused_in_place_row_by_row() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fp", Role::Secretariat, &[a]).await;
        let (_, ide) = app.account("ide.fp", Role::Infirmier, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let api = format!("/api/v1/usagers/{x}/soins");
        // Due at the hour running now (a dose is recorded 2 hours before it at the most).
        let paris = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris);
        let heure = paris.format("%H:00").to_string();
        let presc = json!({"type_prescription": "medicament", "libelle": "Paracétamol 1 g",
            "horaires": heure, "date_debut": "2026-01-01", "prescripteur_nom": "Dr Durand", "prescripteur_rpps": "10000000009"});
        let pid = cree(&app, &ide, &format!("{api}/prescriptions"), presc).await;
        let acte = json!({"type_acte": "hygiene", "libelle": "Aide à la toilette",
            "intervenant": "aide_soignant", "type_frequence": "quotidien", "horaires": "07:30",
            "date_debut": "2026-01-01"});
        cree(&app, &ide, &format!("{api}/plan"), acte).await;
        let f = Formulaires::de(&app, "ide.fp", &format!("/soins/tour?etablissement_id={a}")).await;

        // The round: a dose not given without its reason, by its own row.
        let tour = app
            .get_json(
                &ide,
                &format!("/api/v1/soins/tour?etablissement_id={a}&heure={heure}"),
            )
            .await;
        let dose = &tour["doses"][0];
        assert_eq!(dose["prescription_id"], pid, "{engine}: {tour}");
        let (a_s, jour) = (a.to_string(), tour["jour"].as_str().unwrap().to_string());
        let prevu = dose["prevu_a"].as_str().unwrap().to_string();
        let (statut, motif) = (format!("statut_{pid}"), format!("motif_{pid}"));
        let mut champs = vec![
            ("etablissement_id", a_s.as_str()),
            ("unite_id", ""),
            ("jour", jour.as_str()),
            ("heure", heure.as_str()),
            ("prevu_a", prevu.as_str()),
            (statut.as_str(), "non_donne"),
            (motif.as_str(), " "),
        ];
        let err = format!(r#"id="g-motif_{pid}-err""#);
        let aria = format!(r#"aria-describedby="g-motif_{pid}-err""#);
        let coche = r#"value="non_donne" checked"#;
        let voir = [err.as_str(), aria.as_str(), coche, "pas été donné"];
        f.refuse("/soins/tour", &champs, INVALIDE, &voir).await;
        champs[6].1 = "Endormie";
        f.confirme("/soins/tour", &champs, "prises").await;
        // Sent again from the same page: recorded meanwhile, a conflict on the round.
        let voir = ["déjà enregistrée", "Tour de médicaments"];
        f.refuse("/soins/tour", &champs, CONFLIT, &voir).await;

        // The worksheet: an act not done without its reason, by its row.
        let chemin = format!("/api/v1/soins/feuille?etablissement_id={a}&jour={jour}&poste=matin");
        let feuille: Value = app.get_json(&ide, &chemin).await;
        let acte = &feuille["actes"][0];
        let epoch = DateTime::parse_from_rfc3339(acte["prevu_a"].as_str().unwrap())
            .unwrap()
            .timestamp();
        let cle = format!("{}_{epoch}", acte["acte_id"]);
        let (statut, motif) = (format!("statut_{cle}"), format!("motif_{cle}"));
        let mut champs = vec![
            ("etablissement_id", a_s.as_str()),
            ("unite_id", ""),
            ("jour", jour.as_str()),
            ("poste", "matin"),
            (statut.as_str(), "non_fait"),
            (motif.as_str(), ""),
        ];
        let err = format!(r#"id="g-motif_{cle}-err""#);
        let voir = [err.as_str(), "pas été fait", "Feuille de soins"];
        f.refuse("/soins/feuille", &champs, INVALIDE, &voir).await;
        champs[5].1 = "Refus de la personne";
        f.confirme("/soins/feuille", &champs, "actes").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn the_planning_form_an_application_and_an_invitation_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fp", Role::Secretariat, &[a]).await;
        let (cadre_id, _) = app.account("cadre.fp", Role::Cadre, &[a]).await;

        // The agenda's planning form with a time that is none: the form again, as typed.
        let f = Formulaires::de(&app, "cadre.fp", "/agenda/nouveau").await;
        let mut champs = vec![
            ("type_rdv", "reunion"),
            ("objet", "Réunion témoin"),
            ("jour", "2026-12-15"),
            ("heure_debut", "midi"),
            ("heure_fin", "11:00"),
        ];
        let voir = [
            r#"id="n-heure_debut-err""#,
            r##"href="#n-heure_debut""##,
            "Réunion témoin",
            "Planifier un événement",
        ];
        f.refuse("/agenda/nouveau", &champs, INVALIDE, &voir).await;
        champs[3].1 = "10:00";
        f.confirme("/agenda/nouveau", &champs, "evenement").await;

        // The liaison book's invitation without a name: the book again, the rest kept.
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let path = format!("/usagers/{x}/liaison/partenaires");
        let mut champs = vec![
            ("prenom", "Paulette"),
            ("username", "partenaire.fp"),
            ("qualite", "autre_partenaire"),
        ];
        let voir = [r#"id="i-nom-err""#, "Paulette", "partenaire.fp"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs.push(("nom", "Martin"));
        let r = f.poster(&path, &champs).await;
        assert_eq!(r.status(), reqwest::StatusCode::OK, "{engine}");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("Compte du partenaire créé"));

        // An application moved where it cannot go, then from a stale page, then planned.
        let body = json!({"etablissements": [a], "nom_naissance": "DUPONT", "prenoms": "Hélène",
            "date_naissance": "1938-04-12", "sexe": "F", "origine": "via_trajectoire",
            "orientation": "hebergement_permanent", "date_reception": "2026-11-20"});
        let id = cree(&app, &secr, "/api/v1/candidatures", body).await;
        let f = Formulaires::de(&app, "secr.fp", &format!("/candidatures/{id}")).await;
        let path = format!("/candidatures/{id}/statut");
        let mut champs = [
            ("statut", "acceptee"),
            ("motif", "Motif témoin"),
            ("version", "1"),
        ];
        f.refuse(
            &path,
            &champs,
            INVALIDE,
            &["ne peut pas passer", "Motif témoin"],
        )
        .await;
        champs[0].1 = "a_l_etude";
        champs[2].1 = "7";
        f.refuse(&path, &champs, CONFLIT, &["modifié entre-temps"])
            .await;
        champs[2].1 = "1";
        f.confirme(&path, &champs, "statut_candidature").await;
        let path = format!("/candidatures/{id}/entretien");
        let cadre_s = cadre_id.to_string();
        let mut champs = [
            ("utilisateur_id", cadre_s.as_str()),
            ("debut", "bientôt"),
            ("lieu", "Bureau témoin"),
            ("version", "2"),
        ];
        let voir = [r#"id="e-debut-err""#, "Bureau témoin"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        champs[1].1 = "2026-12-20T10:00";
        f.confirme(&path, &champs, "entretien").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn the_project_forms_are_refused_in_place_and_confirmed() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fp", Role::Secretariat, &[a]).await;
        let (_, cadre) = app.account("cadre.fp", Role::Cadre, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let page = format!("/usagers/{x}/projet");
        let f = Formulaires::de(&app, "cadre.fp", &page).await;
        f.confirme(&page, &[("type", "ppa")], "projet_cree").await;
        let pid = app
            .get_json(&cadre, &format!("/api/v1/usagers/{x}/projets"))
            .await["items"][0]["id"]
            .as_i64()
            .unwrap();
        // An objective from a page read before a change: the page again, the label kept.
        let path = format!("/usagers/{x}/projet/{pid}/brouillon");
        let mut champs = [
            ("operation", "objectif"),
            ("libelle", "Objectif témoin"),
            ("statut", "en_cours"),
            ("version", "9"),
        ];
        let voir = ["Objectif témoin", "Ajouter un objectif"];
        f.refuse(&path, &champs, CONFLIT, &voir).await;
        champs[3].1 = "1";
        f.confirme(&path, &champs, "projet").await;
        // A participant without a name.
        let champs = [
            ("operation", "participant"),
            ("qualite", "personne"),
            ("version", "2"),
        ];
        f.refuse(&path, &champs, INVALIDE, &["Ajouter un participant"])
            .await;
        // A signature dated with no date.
        let path = format!("/usagers/{x}/projet/{pid}/signature");
        let champs = [
            ("signataire", "Signataire témoin"),
            ("qualite", "personne"),
            ("decision", "signe"),
            ("signe_le", "hier"),
            ("numero", "1"),
            ("version", "2"),
        ];
        let voir = ["Signataire témoin", "Enregistrer une signature"];
        f.refuse(&path, &champs, INVALIDE, &voir).await;
        // The validation of a stale page.
        let path = format!("/usagers/{x}/projet/{pid}/validation");
        f.refuse(&path, &[("version", "9")], CONFLIT, &["Valider la version"])
            .await;
        f.confirme(&path, &[("version", "2")], "projet_valide")
            .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn the_day_screen_of_presences_is_refused_in_place_row_by_row() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fp", Role::Secretariat, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let admission = json!({"etablissement_id": a, "type_accompagnement": "accueil_jour",
            "date_entree": "2026-01-05"});
        cree(
            &app,
            &secr,
            &format!("/api/v1/usagers/{x}/sejours"),
            admission,
        )
        .await;
        let jour: Value = app
            .get_json(&secr, &format!("/api/v1/presences?etablissement_id={a}"))
            .await;
        let sid = jour["personnes"][0]["sejour_id"].as_i64().unwrap();
        let f = Formulaires::de(&app, "secr.fp", &format!("/presences?etablissement_id={a}")).await;
        let (a_s, date) = (a.to_string(), jour["jour"].as_str().unwrap().to_string());
        let (absence, commentaire) = (format!("absence_{sid}"), format!("commentaire_{sid}"));
        let mut champs = vec![
            ("etablissement_id", a_s.as_str()),
            ("unite_id", ""),
            ("jour", date.as_str()),
            ("version", "99"),
            (absence.as_str(), "ailleurs"),
            (commentaire.as_str(), "Commentaire témoin"),
        ];
        // A kind of absence that is none: the day again, the comment kept.
        let voir = ["Type d&#39;absence inconnu", "Commentaire témoin"];
        f.refuse("/presences", &champs, INVALIDE, &voir).await;
        champs[4].1 = "vacances";
        // Saved by someone else meanwhile: a conflict, the comment as typed.
        let voir = ["Commentaire témoin", r#"value="vacances" selected"#];
        f.refuse("/presences", &champs, CONFLIT, &voir).await;
        let version = jour["version"].to_string();
        champs[3].1 = version.as_str();
        f.confirme("/presences", &champs, "presences").await;
        app.stop().await;
    }
}

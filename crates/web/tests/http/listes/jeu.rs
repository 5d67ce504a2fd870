//! The data behind every list of `/api/v1`: organisation, a file with its duplicates,
//! versions, circle, evaluations, stays, care, projects, applications, activities, the
//! liaison book and messages, each list with at least two items (`peupler`).

use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::admin::organisation::EtablissementInput;
use dui_store::audit::Actor;
use dui_store::usager::IdentiteInput;
use reqwest::StatusCode;
use serde_json::json;

use super::{activites, created, interventions, plan_prescriptions, projet, send, soins};
use crate::helpers::{finess, TestApp};

const MOTIF: &str = "Appel de nuit du SAMU : consultation des traitements en cours.";

fn installer() -> Actor {
    Actor {
        utilisateur_id: None,
        username: "installation".into(),
        ip: None,
    }
}

/// The data behind every list: answers the tokens and the usager whose lists are walked.
pub(crate) struct Jeu {
    pub(crate) admin: String,
    pub(crate) secr: String,
    pub(crate) direction: String,
    pub(crate) usager: i64,
    pub(crate) projet: i64,
    pub(crate) candidature: i64,
    pub(crate) psy: String,
    /// A nurse of the établissement (the care of the file).
    pub(crate) ide: String,
    /// An activity of the établissement (hact).
    pub(crate) activite: i64,
}

pub(crate) async fn peupler(app: &TestApp) -> Jeu {
    let a = app.etablissement_id;
    app.create_user("secr", Role::Secretariat, &[a]).await;
    app.create_user("direction", Role::Direction, &[a]).await;
    let b = app
        .db
        .store
        .create_etablissement(
            &installer(),
            &EtablissementInput {
                organisme_id: app.organisme_id,
                nom: "EHPAD Les Marronniers".into(),
                finess: finess(69, 200),
                siret: None,
                categorie: "500".into(),
                domaine: dui_domain::organisation::Domaine::Pa,
                capacite: Some(60),
                adresse: None,
                actif: true,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    app.create_user("secr.b", Role::Secretariat, &[b]).await;
    let (admin, secr, direction, secr_b) = (
        app.admin_token().await,
        app.token("secr").await,
        app.token("direction").await,
        app.token("secr.b").await,
    );
    // Organisation: organismes, an establishment, units.
    for n in 2..4 {
        let body =
            json!({"nom": format!("Association {n}"), "finess_juridique": finess(69, 300 + n)});
        created(app, &admin, "/api/v1/organismes", body).await;
    }
    let body = json!({"organisme_id": app.organisme_id, "nom": "SSIAD du Val", "finess": finess(69, 400), "categorie": "354"});
    created(app, &admin, "/api/v1/etablissements", body).await;
    for n in 1..4 {
        let body = json!({"nom": format!("Unité {n}"), "type_unite": "unite"});
        created(
            app,
            &admin,
            &format!("/api/v1/etablissements/{a}/unites"),
            body,
        )
        .await;
    }
    // A file, three probable duplicates of it and two merged into it (three stays).
    let usager = || {
        json!({"nom_naissance": "Dupont", "prenoms": ["Hélène"], "date_naissance": "1938-04-12",
               "sexe": "F", "etablissement": app.etablissement_finess})
    };
    let x = created(app, &secr, "/api/v1/usagers", usager()).await;
    // Made in the store: a confirmation through the API would mark them as not duplicates.
    let mut doubles = Vec::new();
    for _ in 0..5 {
        let i = IdentiteInput::new(
            "DUPONT".into(),
            vec!["HELENE".into()],
            "1938-04-12".into(),
            "F".into(),
        );
        let (store, seed) = (&app.db.store, installer());
        let id = store.create_usager_unchecked(&seed, &i, None, a, "2024-01-01", &[], Utc::now());
        doubles.push(id.await.unwrap().get());
    }
    for d in &doubles[3..] {
        let body = json!({"autre_id": d});
        created(app, &secr, &format!("/api/v1/usagers/{x}/fusions"), body).await;
    }
    // Two earlier versions of the identity.
    for (v, nom_utilise) in [(1, "Martin"), (2, "Bernard")] {
        let body = json!({"nom_naissance": "Dupont", "prenoms": ["Hélène"], "date_naissance": "1938-04-12",
                          "sexe": "F", "nom_utilise": nom_utilise, "version": v});
        let r = send(
            app,
            &secr,
            "put",
            &format!("/api/v1/usagers/{x}"),
            Some(&body),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    // The circle and the professionals.
    for (nom, relation) in [
        ("Durand", "enfant"),
        ("Petit", "conjoint"),
        ("Moreau", "ami"),
    ] {
        let body = json!({"nom": nom, "prenom": "Anne", "relation": relation});
        created(app, &secr, &format!("/api/v1/usagers/{x}/entourage"), body).await;
    }
    for (nom, role) in [
        ("Lambert", "medecin_traitant"),
        ("Girard", "specialiste"),
        ("Roux", "autre"),
    ] {
        let body = json!({"role": role, "nom": nom, "prenom": "Luc", "fonction": "Médecin"});
        created(
            app,
            &secr,
            &format!("/api/v1/usagers/{x}/professionnels"),
            body,
        )
        .await;
    }
    // Three evaluations (Braden).
    for n in ["2", "3", "4"] {
        let body = json!({"grille": "braden", "reponses": {"perception": n, "humidite": n,
            "activite": n, "mobilite": n, "nutrition": n, "friction": "3"}});
        created(
            app,
            &direction,
            &format!("/api/v1/usagers/{x}/evaluations"),
            body,
        )
        .await;
    }
    // A day-care stay beside the first one, and three days of absence in it.
    let body = json!({"etablissement_id": app.etablissement_id, "type_accompagnement": "accueil_jour",
        "date_entree": "2026-01-05", "financement": "apa"});
    let sid = created(app, &secr, &format!("/api/v1/usagers/{x}/sejours"), body).await;
    let body = json!({"sejour_id": sid, "debut": "2026-02-02", "fin": "2026-02-04", "type_absence": "hospitalisation"});
    created(app, &secr, &format!("/api/v1/usagers/{x}/presences"), body).await;
    // Benefits, measures and follow-up tasks (h11d): three of each.
    crate::parcours_suivi::peupler(app, &secr, x).await;
    // Three transmissions (the direction reads and writes the accompaniment).
    for texte in ["Bonne nuit.", "Repas pris en salle.", "Visite de sa fille."] {
        let body = json!({"texte": texte});
        created(
            app,
            &direction,
            &format!("/api/v1/usagers/{x}/transmissions"),
            body,
        )
        .await;
    }
    // Two break-the-glass accesses from the other establishment.
    for u in [x, doubles[0]] {
        let body = json!({"motif": MOTIF, "heures": 1});
        created(
            app,
            &secr_b,
            &format!("/api/v1/usagers/{u}/acces-exceptionnel"),
            body,
        )
        .await;
    }
    let projet = projet::peupler(app, &direction, x).await;
    // Three applications aimed at A.
    let mut candidature = 0;
    for nom in ["LEGRAND", "LEPETIT", "LEBRUN"] {
        let body = json!({"etablissements": [a], "nom_naissance": nom, "prenoms": "Anne", "date_naissance": "1942-03-04",
            "sexe": "F", "origine": "via_trajectoire", "priorite": "normale", "pieces": [{"libelle": "Certificat médical", "recue_le": null}]});
        candidature = created(app, &secr, "/api/v1/candidatures", body).await;
    }
    let psy = soins::peupler(app, x).await;
    let ide = plan_prescriptions::peupler(app, x).await;
    interventions::peupler(app, &direction, x).await;
    let activite = activites::peupler(app, &direction, x).await;
    // The liaison book: three entries by the nurse (h13c).
    for k in 1..4 {
        let body = json!({"texte": format!("Passage n° {k} : rien à signaler.")});
        created(app, &ide, &format!("/api/v1/usagers/{x}/liaison"), body).await;
    }
    // The team (hteam): the direction is the referent; three messages to the direction.
    let dir = app
        .db
        .store
        .credentials("direction")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let body = json!({"utilisateur_id": dir, "fonction": "cadre", "place": "referent", "debut": "2026-01-05"});
    created(app, &secr, &format!("/api/v1/usagers/{x}/equipe"), body).await;
    for k in 1..4 {
        let body = json!({"destinataires": [dir], "objet": format!("Information n° {k}"), "texte": "Rien à signaler."});
        created(app, &secr, "/api/v1/messages", body).await;
    }
    app.seal_all().await;
    Jeu {
        admin,
        secr,
        direction,
        usager: x,
        projet,
        candidature,
        psy,
        ide,
        activite,
    }
}

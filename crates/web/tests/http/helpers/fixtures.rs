//! Fixtures: the people and établissements the tests create, in one place.

use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::admin::organisation::EtablissementInput;
use dui_store::admin::utilisateur::hash_password;
use dui_store::audit::Actor;
use serde_json::{json, Value};

use super::{finess, user_input, TestApp, PASSWORD};

/// The actor of set-up writes made outside any session.
pub fn installer() -> Actor {
    Actor {
        utilisateur_id: None,
        username: "installation".into(),
        ip: None,
    }
}

/// Hélène Marie DUPONT, born 1938-04-12 in Paris, for the établissement `finess`.
pub fn dupont(finess: &str) -> Value {
    json!({
        "nom_naissance": "Dupont",
        "prenoms": ["Hélène", "Marie"],
        "date_naissance": "1938-04-12",
        "sexe": "F",
        "lieu_naissance": "75056",
        "etablissement": finess,
    })
}

/// A creation body for the établissement `finess`.
pub fn person(nom: &str, prenoms: &[&str], date: &str, sexe: &str, finess: &str) -> Value {
    json!({
        "nom_naissance": nom,
        "prenoms": prenoms,
        "date_naissance": date,
        "sexe": sexe,
        "etablissement": finess,
    })
}

impl TestApp {
    /// The seeded administrator as the actor of a write made through the store.
    pub fn admin_actor(&self) -> Actor {
        Actor {
            utilisateur_id: Some(self.admin_id),
            username: "admin".into(),
            ip: None,
        }
    }

    /// Creates an établissement in the seeded organisme through the store; returns its id.
    pub async fn add_etablissement(
        &self,
        nom: &str,
        finess: &str,
        categorie: &str,
        domaine: &str,
        capacite: i64,
    ) -> i64 {
        let input = EtablissementInput {
            organisme_id: self.organisme_id,
            nom: nom.into(),
            finess: finess.into(),
            siret: None,
            categorie: categorie.into(),
            domaine: dui_domain::organisation::Domaine::from_code(domaine).expect("secteur"),
            capacite: Some(capacite),
            adresse: None,
            actif: true,
        };
        self.db
            .store
            .create_etablissement(&installer(), &input, Utc::now())
            .await
            .expect("établissement")
    }

    /// A second établissement B (EHPAD Les Marronniers) in the seeded organisme; returns
    /// (id, FINESS).
    pub async fn etablissement_b(&self) -> (i64, String) {
        let f = finess(69, 200);
        let id = self
            .add_etablissement("EHPAD Les Marronniers", &f, "500", "PA", 60)
            .await;
        (id, f)
    }

    /// An account of role `usager` for the file `usager_id`; returns its bearer token.
    pub async fn portal_token(&self, username: &str, usager_id: i64) -> String {
        let mut input = user_input(username, Role::Usager, &[]);
        input.usager_id = Some(usager_id);
        self.db
            .store
            .create_utilisateur(
                &installer(),
                &input,
                &hash_password(PASSWORD).expect("hash"),
                false,
                Utc::now(),
            )
            .await
            .expect("compte");
        self.token(username).await
    }
}

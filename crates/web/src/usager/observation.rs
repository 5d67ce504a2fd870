//! Observations (SOI-2): the page `/usagers/{id}/soins/observations` (the last observations
//! and the form to write or correct one) and the API `/api/v1/usagers/{id}/soins/observations`.
//! There is no update nor delete.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use chrono::Utc;
use dui_domain::observation::TypeObservation;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim};
use dui_store::policy::Capability;
use dui_store::usager::{Observation, ObservationInput, Usager};

use super::ajout_seul::{ajout_seul, saisie_corrigeable, Ecrit, Feuillet, PageAjoutSeul, PageSeul};
use super::entete::{Dossier, Header as _, PageDossier, Tabs};
use super::extracteurs::Demande;
use super::matrix;
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors};
use crate::time::{paris_local_input, parse_instant, DatesFr};
use crate::{App, EnPlace, Fait, Formulaire, Layout, WebResult};

saisie_corrigeable! {
    /// An observation as typed (form or JSON).
    ObservationFields {
        type_observation: ligne(lim::CODE),
        texte: texte(lim::TRANSMISSION),
        date_observation: ligne(lim::DATE + 20),
        source: ligne(lim::NOM_STRUCTURE),
    }
}

impl ObservationFields {
    /// The input, or 422 naming every field to correct (the rules of the author's role too).
    fn validate(&self, me: &CurrentUser) -> WebResult<ObservationInput> {
        let mut e = Errors::default();
        let type_observation =
            match opt(&self.type_observation).map(|c| TypeObservation::from_code(&c)) {
                Some(Some(t)) => t,
                _ => {
                    e.add("type_observation", "Choisissez le type d'observation.");
                    TypeObservation::Autre
                }
            };
        let date_observation = opt(&self.date_observation).and_then(|d| {
            let t = parse_instant(&d);
            if t.is_none() {
                e.add(
                    "date_observation",
                    "La date doit être au format AAAA-MM-JJTHH:MM.",
                );
            }
            t
        });
        let input = ObservationInput {
            type_observation,
            texte: opt(&self.texte).unwrap_or_default(),
            date_observation,
            source: opt(&self.source),
            corrige_id: self.correction.id(&mut e, "Observation corrigée inconnue."),
        };
        let regles = input.erreurs(me.user.role, Utc::now());
        e.finir_avec(regles, input)
    }
}

ajout_seul!(ObservationFields, Section::Soins, OBSERVATIONS, ObservationsPage, observations_page -> Observation);

impl Ecrit for ObservationFields {
    async fn ecrire(&self, app: &App, me: &CurrentUser, cap: &Capability) -> WebResult<i64> {
        Ok(app.store.add_observation(cap, &self.validate(me)?).await?)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/observations.html")]
pub(crate) struct ObservationsPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    soins_actif: &'static str,
    liste: Feuillet<Observation>,
    peut_ecrire: bool,
    maintenant: String,
    /// The form refused in place, if any.
    en_place: EnPlace,
}

/// GET /usagers/{id}/soins/observations (`ajout_seul::page`), and the page again with a
/// refused observation.
impl PageSeul for ObservationsPage {
    const ADRESSE: &'static str = "/soins/observations";
    const FORMULAIRE: Formulaire =
        Formulaire::new("observation", "o-", Fait::ObservationEnregistree);

    async fn rendre(d: Demande<'_, PageAjoutSeul>, en_place: EnPlace) -> PageDossier {
        let (dossier, cap) = d.soins().await?;
        let Demande { app, me, q, .. } = d;
        let liste = q.lire::<ObservationFields>(app, &cap).await?;
        let m = matrix(app).await?;
        let Dossier { tabs, u, .. } = dossier;
        Ok(ObservationsPage {
            layout: Layout::new(me, format!("Observations — {}", u.nom_naissance), "usagers"),
            u,
            tabs,
            soins_actif: "observations",
            liste,
            peut_ecrire: m.permet(me.user.role, Section::Soins, Action::Ecrire),
            maintenant: paris_local_input(Utc::now()),
            en_place,
        }
        .into_response())
    }
}

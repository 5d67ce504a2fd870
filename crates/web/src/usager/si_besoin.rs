//! « Si besoin » (PRN) doses given from the medication round: the form of each line of the
//! round's « Si besoin » list (`templates/soins/_si_besoin.html`) posts here; the API records
//! them through `POST /api/v1/soins/tour` (the instant given as `prevu_a`). The store checks
//! the prescription, the reason and the maximum of doses per 24 hours (French 422).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use chrono::{NaiveTime, Utc};
use dui_domain::feuille_soins::{instant_local, jour_local};
use dui_domain::policy::Action;
use dui_domain::prescription::StatutAdministration;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::Administration;
use serde::{Deserialize, Serialize};

use super::feuille_soins::capacite;
use super::formulaire_ligne::{champs, page_refusee};
use super::tour_medicaments::{rendre, TourQuery};
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors, Form};
use crate::reponses::done;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Saisie, WebResult};

/// A « si besoin » dose given: the round it was given from (to come back to it), the
/// prescription, why, and when (`HH:MM` today in Paris; empty: now).
#[derive(Deserialize, Serialize, Default)]
pub struct SiBesoinForm {
    #[serde(flatten)]
    tour: TourQuery,
    #[serde(default)]
    prescription_id: Option<String>,
    #[serde(default)]
    motif: Option<String>,
    #[serde(default)]
    heure_prise: Option<String>,
}

impl crate::saisie::Champs for SiBesoinForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("etablissement_id", 20),
        Champ::ligne("unite_id", 20),
        Champ::ligne("jour", lim::DATE),
        Champ::ligne("heure", lim::CODE),
        Champ::ligne("prescription_id", 20),
        Champ::ligne("motif", lim::LIBELLE),
        Champ::ligne("heure_prise", lim::CODE),
    ];
}

impl SiBesoinForm {
    /// The dose to record, given at `heure_prise` today (Paris) or now.
    fn dose(&self) -> WebResult<Administration> {
        let mut e = Errors::default();
        let prescription_id = crate::forms::opt_int(
            &mut e,
            "prescription_id",
            "Prescription",
            &self.prescription_id,
        );
        let motif = opt(&self.motif);
        if motif.is_none() {
            e.add(
                "motif",
                "Indiquez pourquoi le médicament « si besoin » est donné.",
            );
        }
        let now = Utc::now();
        let donne_a = match opt(&self.heure_prise) {
            None => Some(now),
            Some(h) => match NaiveTime::parse_from_str(&h, "%H:%M") {
                Ok(h) => Some(instant_local(jour_local(now), h)),
                Err(_) => {
                    e.add(
                        "heure_prise",
                        "L'heure de la prise doit être au format HH:MM.",
                    );
                    None
                }
            },
        };
        e.finish()?;
        match (prescription_id, donne_a) {
            (Some(prescription_id), Some(prevu_a)) => Ok(Administration {
                cible: prescription_id,
                prevu_a,
                statut: StatutAdministration::Donne,
                motif,
            }),
            _ => Err(AppError::field(
                "prescription_id",
                "Choisissez le médicament « si besoin » donné.",
            )),
        }
    }
}

/// The form of each « si besoin » line of the round, its input ids `sb-<prescription>-<field>`.
const DONNER: Formulaire = Formulaire::new("si_besoin", "sb-", Fait::PriseSiBesoinEnregistree);

/// POST /soins/tour/si-besoin: a « si besoin » dose given, back to the round confirming it;
/// a refusal (no reason, the maximum per 24 hours reached) is the round again with the
/// message on that line, what was typed kept.
pub async fn donner(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(f): Form<SiBesoinForm>,
) -> WebResult<Response> {
    let (etab, unite, jour) = f.tour.choix(&me)?;
    let issue = async {
        let dose = f.dose()?;
        let cap = capacite(&app, &me, etab, Action::Valider).await?;
        Ok::<_, AppError>(app.store.administrer(&cap, &[dose]).await?)
    }
    .await;
    match issue {
        Ok(_) => {
            let unite = unite.map(|u| u.to_string()).unwrap_or_default();
            let heure = f.tour.heure_saisie();
            Ok(done(
                &headers,
                &format!(
                    "/soins/tour?etablissement_id={etab}&unite_id={unite}&jour={jour}&heure={heure}&fait={}#si-besoin",
                    DONNER.fait.code()
                ),
            ))
        }
        Err(e) => {
            // The line refused is its prescription's; a form naming none has no line.
            let Some(ligne) = f
                .prescription_id
                .as_deref()
                .and_then(|p| p.trim().parse().ok())
            else {
                return Err(e);
            };
            let placer = |erreurs| EnPlace::refus_ligne(&DONNER, ligne, Saisie::de(&f), erreurs);
            page_refusee(e, &champs::<SiBesoinForm>(), placer, |en_place| {
                rendre(&app, &me, &f.tour, en_place)
            })
            .await
        }
    }
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new().route("/soins/tour/si-besoin", post(donner))
}

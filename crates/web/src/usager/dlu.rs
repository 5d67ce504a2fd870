//! The emergency liaison file (DLU, SOI-6): the page `/usagers/{id}/soins/dlu` (assembled
//! live, the missing mandatory items flagged, printable on one or two A4 sheets) with the form
//! of the emergency service's return sheet, and the API `/api/v1/usagers/{id}/soins/dlu` and
//! `…/dlu/retours`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::soins::Rubrique;
use dui_domain::usager::entourage::Relation;
use dui_store::policy::Capability;
use dui_store::usager::{Dlu, EntreeSoins, RetourUrgences, RetourUrgencesInput, Usager};
use serde::{Deserialize, Serialize};

use super::ajout_seul::{ajout_seul, Ecrit, PageAjoutSeul, PageSeul};
use super::capability;
use super::entete::{Dossier, Header as _, PageDossier, Tabs};
use super::extracteurs::Demande;
use super::soins::date_opt;
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors};
use crate::time::DatesFr as _;
use crate::time::{fr_instant, paris_today};
use crate::{App, EnPlace, Fait, Formulaire, Layout, WebResult};

/// A return sheet of the emergency service as typed (form or JSON).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct RetourFields {
    date_retour: Option<String>,
    service: Option<String>,
    diagnostic: Option<String>,
    examens: Option<String>,
    traitement: Option<String>,
    surveillance: Option<String>,
    suivi: Option<String>,
}

impl crate::saisie::Champs for RetourFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("date_retour", lim::DATE),
        Champ::ligne("service", lim::NOM_STRUCTURE),
        Champ::texte("diagnostic", lim::COMMENTAIRE),
        Champ::texte("examens", lim::COMMENTAIRE),
        Champ::texte("traitement", lim::COMMENTAIRE),
        Champ::texte("surveillance", lim::COMMENTAIRE),
        Champ::texte("suivi", lim::COMMENTAIRE),
    ];
}

impl RetourFields {
    fn validate(&self) -> WebResult<RetourUrgencesInput> {
        let mut e = Errors::default();
        let aujourdhui = paris_today(Utc::now());
        let input = RetourUrgencesInput {
            date_retour: date_opt(&mut e, "date_retour", &self.date_retour).unwrap_or(aujourdhui),
            service: opt(&self.service),
            diagnostic: opt(&self.diagnostic).unwrap_or_default(),
            examens: opt(&self.examens),
            traitement: opt(&self.traitement),
            surveillance: opt(&self.surveillance),
            suivi: opt(&self.suivi),
        };
        for (champ, m) in
            dui_domain::dlu::erreurs_retour(input.date_retour, &input.diagnostic, aujourdhui)
        {
            e.add(champ, m);
        }
        e.finish()?;
        Ok(input)
    }
}

ajout_seul!(RetourFields, Section::Soins, DLU_RETOURS, DluPage, retours_urgences_page -> RetourUrgences);

impl Ecrit for RetourFields {
    async fn ecrire(&self, app: &App, _: &CurrentUser, cap: &Capability) -> WebResult<i64> {
        Ok(app
            .store
            .add_retour_urgences(cap, &self.validate()?)
            .await?)
    }
}

/// GET /api/v1/usagers/{id}/soins/dlu: the DLU assembled now.
pub async fn api_dlu(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<Json<Dlu>> {
    let adm = capability(&app, &me, id, Section::Administratif, Action::Lire).await?;
    let soins = capability(&app, &me, id, Section::Soins, Action::Lire).await?;
    Ok(Json(app.store.dlu(&adm, &soins).await?))
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/dlu.html")]
pub(crate) struct DluPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    soins_actif: &'static str,
    dlu: Dlu,
    peut_ecrire: bool,
    aujourdhui: String,
    genere: String,
    /// The return sheet's form refused in place, if any.
    en_place: EnPlace,
}

impl DluPage {
    fn entrees(&self, code: &str) -> Vec<&EntreeSoins> {
        Rubrique::from_code(code)
            .map(|r| self.dlu.rubrique(r))
            .unwrap_or_default()
    }
    fn relation(&self, r: &Relation) -> &'static str {
        r.label_fr()
    }
}

/// GET /usagers/{id}/soins/dlu (`ajout_seul::page`), and the page again with a refused
/// return sheet.
impl PageSeul for DluPage {
    const ADRESSE: &'static str = "/soins/dlu";
    const FORMULAIRE: Formulaire = Formulaire::new("retour", "r-", Fait::RetourUrgencesEnregistre);

    async fn rendre(d: Demande<'_, PageAjoutSeul>, en_place: EnPlace) -> PageDossier {
        let (dossier, soins) = d.soins().await?;
        let Demande { app, me, .. } = d;
        let dlu = app.store.dlu(&dossier.cap, &soins).await?;
        let m = super::matrix(app).await?;
        let Dossier { tabs, u, .. } = dossier;
        Ok(DluPage {
            layout: Layout::new(
                me,
                format!("Dossier de liaison d'urgence — {}", u.nom_naissance),
                "usagers",
            ),
            u,
            tabs,
            soins_actif: "dlu",
            dlu,
            peut_ecrire: m.permet(me.user.role, Section::Soins, Action::Ecrire),
            aujourdhui: paris_today(Utc::now()).to_string(),
            genere: fr_instant(Utc::now()),
            en_place,
        }
        .into_response())
    }
}

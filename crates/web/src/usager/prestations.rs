//! Social benefits (GA-3): the forms of the *Droits et mesures* tab and
//! `/api/v1/usagers/{id}/prestations…`. The rules are the store's and the domain's.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::prestation::{montant_centimes, TypePrestation};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::Capability;
use dui_store::usager::{Prestation, PrestationInput};
use serde::{Deserialize, Serialize};

use super::droits::DroitsPage;
use super::extracteurs::ListeDossier;
use super::formulaire_ligne::repondre;
use super::sejours::{code, jour};
use super::versionne::{enregistrement, AjoutDossier, Cle, Versionne};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, Errors, Form};
use crate::reponses::expected_version;
use crate::{pagination, App, AppError, Fait, Formulaire, WebResult};

/// A benefit as typed (the body a benefit's GET returns is accepted by its PUT).
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct PrestationFields {
    /// Kind (code: apa, pch, aah, ash, aeeh, allocation_logement, css, orientation_mdph…).
    type_prestation: Option<String>,
    /// Who pays or decides.
    payeur: Option<String>,
    /// Decision or file number.
    reference: Option<String>,
    /// Amount in euros as typed in a form (`1 234,56`).
    montant: Option<String>,
    /// Amount in cents (API).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    montant_centimes: Option<String>,
    /// First valid day, `AAAA-MM-JJ`.
    date_debut: Option<String>,
    /// Last valid day, `AAAA-MM-JJ`.
    date_fin: Option<String>,
    /// Notes.
    notes: Option<String>,
    /// The benefit's version (change; or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for PrestationFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("type_prestation", lim::CODE),
        Champ::ligne("payeur", lim::NOM_STRUCTURE),
        Champ::ligne("reference", lim::REFERENCE),
        Champ::ligne("montant", 30),
        Champ::ligne("montant_centimes", 20),
        Champ::ligne("date_debut", lim::DATE),
        Champ::ligne("date_fin", lim::DATE),
        Champ::texte("notes", lim::COMMENTAIRE),
        Champ::ligne("version", 20),
    ];
}

impl PrestationFields {
    /// The benefit typed, or 422 with the fields.
    fn input(&self) -> WebResult<PrestationInput> {
        let mut e = Errors::default();
        let t = code(
            &mut e,
            "type_prestation",
            "Type de droit",
            &self.type_prestation,
            TypePrestation::from_code,
        );
        if opt(&self.type_prestation).is_none() {
            e.add("type_prestation", "Choisissez le type de droit.");
        }
        let debut = jour(&mut e, "date_debut", "La date de début", &self.date_debut);
        if opt(&self.date_debut).is_none() {
            e.add("date_debut", "La date de début est obligatoire.");
        }
        let fin = jour(&mut e, "date_fin", "La date de fin", &self.date_fin);
        let montant = match (opt(&self.montant), opt(&self.montant_centimes)) {
            (Some(m), _) => montant_centimes(&m).map_err(|m| e.add("montant", m)).ok(),
            (None, Some(c)) => match c.parse::<i64>() {
                Ok(c) if c >= 0 => Some(c),
                _ => {
                    e.add(
                        "montant_centimes",
                        "Le montant en centimes doit être un nombre entier positif.",
                    );
                    None
                }
            },
            (None, None) => None,
        };
        e.finish()?;
        let (Some(type_prestation), Some(date_debut)) = (t, debut) else {
            return Err(AppError::BadRequest("Droit incomplet.".into()));
        };
        Ok(PrestationInput {
            type_prestation,
            payeur: opt(&self.payeur),
            reference: opt(&self.reference),
            montant_centimes: montant,
            date_debut,
            date_fin: fin,
            notes: opt(&self.notes),
        })
    }
}

impl AjoutDossier for PrestationFields {
    type Page = DroitsPage;
    const FORMULAIRE: Formulaire = Formulaire::new("prestation", "p-", Fait::PrestationEnregistree);

    async fn ajouter(&self, app: &App, cap: &Capability) -> WebResult<i64> {
        Ok(app.store.ajouter_prestation(cap, &self.input()?).await?)
    }
}

enregistrement!(
    PrestationFields,
    (UsagerId, i64),
    Section::Administratif,
    Action::Ecrire,
    prestation -> Prestation
);

/// A change (a renewal): the previous state is kept in the history.
impl Versionne for PrestationFields {
    async fn modifier(&self, app: &App, cap: &Capability, id: i64, v: i64) -> WebResult<Cree> {
        let version = app
            .store
            .modifier_prestation(cap, id, v, &self.input()?)
            .await?;
        Ok(Cree { id, version })
    }
}

/// The form changing a benefit (one per benefit), its input ids `pm-<id>-<field>`.
pub(crate) const MODIFICATION: Formulaire =
    Formulaire::new("prestation_modif", "pm-", Fait::PrestationEnregistree);

/// POST /usagers/{id}/prestations/{pid}: a benefit changed (renewed), back to the tab; a
/// refusal is the tab again with that benefit's form as typed and its errors.
pub async fn modification_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(cle @ (id, pid)): Path<(UsagerId, i64)>,
    Form(f): Form<PrestationFields>,
) -> WebResult<Response> {
    let issue = async {
        let version = expected_version(&headers, f.version)?;
        let cap = cle
            .capacite(&app, &me, Section::Administratif, Action::Ecrire)
            .await?;
        f.modifier(&app, &cap, pid, version).await
    }
    .await;
    repondre::<DroitsPage, _, _>(&app, &me, &headers, (id, pid), &MODIFICATION, &f, issue).await
}

/// GET /api/v1/usagers/{id}/prestations
pub async fn api_liste(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.prestations_page(&l.cap, page).await?;
    Ok(pagination::repondre(page, items, |p| p.id))
}

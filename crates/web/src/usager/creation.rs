//! The new-usager page and its form (creation with the duplicate check).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use dui_domain::usager::creation::{peut_confirmer_doublon, peut_creer, RefusCreation};
use dui_store::admin::organisation::Etablissement;
use dui_store::usager::{Candidat, NouvelUsager};
use std::collections::BTreeMap;

use super::fields::{IdentiteFields, CHAMPS_CREATION};
use super::{create, matrix, Creation};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::time::DatesFr as _;
use crate::{App, AppError, ErreursFormulaire, Fait, Layout, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "usager/nouveau.html")]
struct NewPage {
    layout: Layout,
    f: IdentiteFields,
    etablissements: Vec<Etablissement>,
    erreurs: ErreursFormulaire,
    doublons: Doublons,
    avec_nir: bool,
}

/// The probable duplicates of a file about to be created (`usager/_doublons.html`): those the
/// user may open, each with its way out, the others as « a probable duplicate exists
/// elsewhere »; whether the user may confirm another person.
#[derive(Default)]
pub(crate) struct Doublons {
    pub(crate) candidats: Vec<Candidat>,
    pub(crate) peut_confirmer: bool,
    /// Where the existing file is linked instead (an application: its address and version).
    pub(crate) rattacher: Option<(String, i64)>,
}

impl Doublons {
    /// The candidates of `candidats` as shown to the user.
    pub(crate) fn de(candidats: &[Candidat], peut_confirmer: bool) -> Self {
        Self {
            candidats: dui_store::usager::candidats_montres(candidats),
            peut_confirmer,
            rattacher: None,
        }
    }
    pub(crate) fn lieu(&self, code: &str) -> String {
        dui_domain::lieux::libelle(code)
    }
    /// A candidate carries the same INS: « another person » is never offered.
    pub(crate) fn meme_ins(&self) -> bool {
        self.candidats.iter().any(|c| c.meme_ins)
    }
    /// Whether « it is another person » is offered.
    pub(crate) fn confirmable(&self) -> bool {
        !self.candidats.is_empty() && self.peut_confirmer && !self.meme_ins()
    }
}

/// The new file read from the form or body: every error of the identity, the NIR and the
/// entry date together (422 naming each field), or what to create.
pub(super) fn valider(f: &IdentiteFields, today: NaiveDate) -> WebResult<NouvelUsager> {
    let identite = f.validate(today);
    let date_entree = match f
        .date_entree
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => crate::time::date_saisie(d)
            .map(|d| d.to_string())
            .ok_or("La date d'entrée doit être une date (JJ/MM/AAAA)."),
        None => Ok(today.to_string()),
    };
    match (identite, date_entree) {
        (Ok(id), Ok(date_entree)) => Ok(NouvelUsager {
            identite: id.input,
            nir: id.nir,
            date_entree,
        }),
        (identite, date_entree) => {
            let mut fields = match identite {
                Err(AppError::Invalid { fields, .. }) => fields,
                Err(e) => return Err(e),
                Ok(_) => BTreeMap::new(),
            };
            if let Err(m) = date_entree {
                fields.insert("date_entree".into(), m.into());
            }
            Err(AppError::fields(fields))
        }
    }
}

/// The refusal of `champ` (the établissement) with every error the rest of the form has.
pub(super) fn avec_erreurs_identite(
    f: &IdentiteFields,
    today: NaiveDate,
    champ: &str,
    message: String,
) -> AppError {
    let mut fields = match valider(f, today) {
        Err(AppError::Invalid { fields, .. }) => fields,
        _ => BTreeMap::new(),
    };
    fields.insert(champ.into(), message);
    AppError::fields(fields)
}

/// GET /usagers/nouveau
pub async fn new_page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    let m = matrix(&app).await?;
    if !peut_creer(&m, me.user.role) {
        return Err(AppError::Forbidden(RefusCreation::Profil.message_fr()));
    }
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    Ok(NewPage {
        layout: Layout::new(&me, "Nouvel usager", "usagers"),
        f: IdentiteFields::default(),
        etablissements,
        erreurs: ErreursFormulaire::default(),
        doublons: Doublons::default(),
        avec_nir: true,
    })
}

/// The refusal of a NIR already held by another file: in the form, with the link to that
/// file when the user may open it.
fn ins_deja_attribuee(candidats: &[Candidat]) -> ErreursFormulaire {
    let e = ErreursFormulaire::champ(
        "nir",
        "Ce numéro est déjà celui d'un autre dossier : il ne peut pas s'agir d'une autre personne. Ouvrez le dossier existant plutôt que d'en créer un second.",
    );
    match candidats.iter().find(|c| c.meme_ins && c.visible) {
        Some(c) => e.avec_lien(
            format!(
                "Ouvrir le dossier existant {}",
                c.numero.as_deref().unwrap_or_default()
            ),
            format!("/usagers/{}", c.id),
        ),
        None => ErreursFormulaire {
            general: Some(format!(
                "{} {}",
                dui_store::usager::DOUBLON_HORS_PERIMETRE,
                dui_store::usager::DOUBLON_CONTACT
            )),
            ..e
        },
    }
}

/// POST /usagers: creates, or shows the form again with the errors or the duplicates.
pub async fn create_form(
    State(app): State<App>,
    me: CurrentUser,
    Form(f): Form<IdentiteFields>,
) -> WebResult<Response> {
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    let m = matrix(&app).await?;
    let peut_confirmer = peut_confirmer_doublon(&m, me.user.role);
    let page = |f: IdentiteFields, erreurs: ErreursFormulaire, candidats: Vec<Candidat>| NewPage {
        layout: Layout::new(&me, "Nouvel usager", "usagers"),
        f,
        etablissements: etablissements.clone(),
        erreurs,
        doublons: Doublons::de(&candidats, peut_confirmer),
        avec_nir: true,
    };
    match create(&app, &me, &f, Utc::now()).await {
        Ok(Creation::Created(id)) => Ok(axum::response::Redirect::to(
            &Fait::DossierCree.adresse(&format!("/usagers/{id}")),
        )
        .into_response()),
        Ok(Creation::Doublons(c)) => Ok((
            StatusCode::CONFLICT,
            page(f, ErreursFormulaire::default(), c),
        )
            .into_response()),
        Ok(Creation::InsDejaAttribuee(c)) => Ok((
            StatusCode::CONFLICT,
            page(f, ins_deja_attribuee(&c), vec![]),
        )
            .into_response()),
        Err(e) => {
            let (status, erreurs) = ErreursFormulaire::depuis(e, CHAMPS_CREATION)?;
            Ok((status, page(f, erreurs, vec![])).into_response())
        }
    }
}

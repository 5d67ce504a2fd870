//! Organisme gestionnaire, établissements and units: pages and API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use dui_domain::identifiers::{Finess, Siren, Siret};
use dui_domain::organisation::{categorie, categories, Categorie, Domaine, TypeUnite};
use dui_domain::policy::Role;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::organisation::{
    Etablissement, EtablissementInput, Fiche, Organisme, OrganismeInput, Unite,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::Future;

use super::{done, expected_version};
use crate::auth::CurrentUser;
use crate::forms::{opt, opt_int, ApiJson, Errors, Form};
use crate::saisie::Champs;
use crate::usager::formulaire_ligne::{page_refusee, repondre_page};
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// Organisme fields as typed (form or JSON).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct OrganismeFields {
    nom: String,
    finess_juridique: String,
    siren: Option<String>,
    adresse: Option<String>,
    version: Option<i64>,
}

impl Champs for OrganismeFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("nom", lim::NOM_STRUCTURE),
        Champ::ligne("finess_juridique", lim::NUMERO),
        Champ::ligne("siren", lim::NUMERO),
        Champ::ligne("adresse", lim::ADRESSE),
    ];
}

/// The form of an organisation record (organisme or establishment), as the page and the API
/// send it: validated into the store's input, with the version it was read at. Its page and
/// API handlers are generic over it (`create_form::<OrganismeFields>`…).
pub(crate) trait FicheForm:
    DeserializeOwned + Serialize + Champs + Send + Sync + 'static
{
    /// Its creation form on the organisation page, refused in place.
    const CREATION: Formulaire;
    /// The store's input.
    type Input: Fiche + Send + Sync;
    /// The record as read back.
    type Record: Serialize + Send;
    /// The fields, checked and normalised (422 with the fields at fault).
    fn validate(&self) -> Result<Self::Input, AppError>;
    /// The version the record was read at.
    fn version(&self) -> Option<i64>;
    /// Record `id`, or `NotFound`.
    fn lire(app: &App, id: i64) -> impl Future<Output = WebResult<Self::Record>> + Send;
    /// The page a form returns to once record `id` is written.
    fn retour(id: i64) -> String;
}

/// Creates the record of form `f` (administrators only); its id.
async fn creer<F: FicheForm>(app: &App, me: &CurrentUser, f: &F) -> WebResult<i64> {
    me.require_admin()?;
    let input = f.validate()?;
    let now = Utc::now();
    Ok(app
        .store
        .create_fiche(&me.principal.actor(), &input, now)
        .await?)
}

/// Updates record `id` from form `f` at the version of `headers` (If-Match) or of the form.
async fn modifier<F: FicheForm>(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    id: i64,
    f: &F,
) -> WebResult<()> {
    me.require_admin()?;
    let input = f.validate()?;
    let version = expected_version(headers, f.version())?;
    let now = Utc::now();
    app.store
        .update_fiche(&me.principal.actor(), id, version, &input, now)
        .await?;
    Ok(())
}

/// POST /admin/organismes, /admin/etablissements: creates a record from the organisation
/// page's form, confirmed where the record is shown; refused in place on that page, what was
/// typed kept.
pub(crate) async fn create_form<F: FicheForm>(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(f): Form<F>,
) -> WebResult<Response> {
    match creer(&app, &me, &f).await {
        Ok(id) => Ok(crate::reponses::confirme(
            &headers,
            &F::retour(id),
            F::CREATION.fait,
        )),
        Err(e) => {
            let placer = |erreurs| EnPlace::refus(&F::CREATION, crate::Saisie::de(&f), erreurs);
            let champs: Vec<&str> = F::CHAMPS.iter().map(|c| c.nom).collect();
            let champs = [&["organisme_id"][..], &champs].concat();
            page_refusee(e, &champs, placer, |en_place| {
                rendre_organisation(&app, &me, en_place)
            })
            .await
        }
    }
}

/// POST /admin/organismes/{id}, /admin/etablissements/{id}: changes a record from the page's
/// form (at the version the form carries).
pub(crate) async fn update_form<F: FicheForm>(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<F>,
) -> WebResult<Response> {
    modifier(&app, &me, &HeaderMap::new(), id, &f).await?;
    Ok(done(&headers, &F::retour(id)))
}

/// POST /api/v1/organismes, /api/v1/etablissements: the record created.
pub(crate) async fn api_create<F: FicheForm>(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(f): ApiJson<F>,
) -> WebResult<(StatusCode, Json<F::Record>)> {
    let id = creer(&app, &me, &f).await?;
    Ok((StatusCode::CREATED, Json(F::lire(&app, id).await?)))
}

/// PUT /api/v1/organismes/{id}, /api/v1/etablissements/{id}: the record changed (If-Match or
/// the body's `version`).
pub(crate) async fn api_update<F: FicheForm>(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<F>,
) -> WebResult<Json<F::Record>> {
    modifier(&app, &me, &headers, id, &f).await?;
    Ok(Json(F::lire(&app, id).await?))
}

/// Organisme `id`, or `NotFound`.
async fn organisme(app: &App, id: i64) -> WebResult<Organisme> {
    app.store.organisme(id).await?.ok_or(AppError::NotFound)
}

/// Establishment `id`, or `NotFound`.
async fn etablissement(app: &App, id: i64) -> WebResult<Etablissement> {
    app.store.etablissement(id).await?.ok_or(AppError::NotFound)
}

impl FicheForm for OrganismeFields {
    const CREATION: Formulaire = Formulaire::new("organisme", "og-", Fait::OrganismeCree);
    type Input = OrganismeInput;
    type Record = Organisme;
    async fn lire(app: &App, id: i64) -> WebResult<Organisme> {
        organisme(app, id).await
    }
    fn retour(_: i64) -> String {
        "/admin/organisation".into()
    }
    fn version(&self) -> Option<i64> {
        self.version
    }
    fn validate(&self) -> Result<OrganismeInput, AppError> {
        let mut e = Errors::default();
        let nom = e.required("nom", "Nom", &self.nom, 200);
        let finess = e.parsed("finess_juridique", &self.finess_juridique, Finess::parse);
        let siren = e.parsed_opt("siren", &self.siren, Siren::parse);
        e.finish()?;
        Ok(OrganismeInput {
            nom,
            finess_juridique: finess,
            siren,
            adresse: opt(&self.adresse),
        })
    }
}

/// Établissement fields as typed (form or JSON).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct EtablissementFields {
    organisme_id: i64,
    nom: String,
    finess: String,
    siret: Option<String>,
    categorie: String,
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    capacite: Option<String>,
    adresse: Option<String>,
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    actif: Option<String>,
    version: Option<i64>,
}

impl Champs for EtablissementFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("nom", lim::NOM_STRUCTURE),
        Champ::ligne("finess", lim::NUMERO),
        Champ::ligne("siret", lim::NUMERO),
        Champ::ligne("categorie", lim::CODE),
        Champ::ligne("capacite", 20),
        Champ::ligne("adresse", lim::ADRESSE),
        Champ::ligne("actif", lim::CODE),
    ];
}

impl FicheForm for EtablissementFields {
    const CREATION: Formulaire = Formulaire::new("etablissement", "et-", Fait::EtablissementCree);
    type Input = EtablissementInput;
    type Record = Etablissement;
    async fn lire(app: &App, id: i64) -> WebResult<Etablissement> {
        etablissement(app, id).await
    }
    fn retour(id: i64) -> String {
        format!("/admin/etablissements/{id}")
    }
    fn version(&self) -> Option<i64> {
        self.version
    }
    fn validate(&self) -> Result<EtablissementInput, AppError> {
        let mut e = Errors::default();
        let nom = e.required("nom", "Nom", &self.nom, 200);
        let finess = e.parsed("finess", &self.finess, Finess::parse);
        let siret = e.parsed_opt("siret", &self.siret, Siret::parse);
        let cat = categorie(self.categorie.trim());
        match cat {
            None => e.add("categorie", "Choisissez une catégorie FINESS dans la liste."),
            Some(c) if !c.active => e.add("categorie", format!("La catégorie « {} » est fermée depuis la réforme : choisissez la catégorie qui la remplace.", c.libelle)),
            _ => {}
        }
        let capacite = opt_int(&mut e, "capacite", "Capacité", &self.capacite);
        e.finish()?;
        let cat = cat.ok_or(AppError::NotFound)?;
        Ok(EtablissementInput {
            organisme_id: self.organisme_id,
            nom,
            finess,
            siret,
            categorie: cat.code.to_string(),
            domaine: cat.domaine,
            capacite,
            adresse: opt(&self.adresse),
            actif: !matches!(self.actif.as_deref(), Some("non" | "false" | "0")),
        })
    }
}

/// Unit fields.
#[derive(Deserialize, Serialize, Clone, utoipa::ToSchema)]
pub struct UniteFields {
    nom: String,
    type_unite: String,
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    capacite: Option<String>,
}

impl Champs for UniteFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("nom", lim::NOM_STRUCTURE),
        Champ::ligne("type_unite", lim::CODE),
        Champ::ligne("capacite", 20),
    ];
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/organisation.html")]
struct OrganisationPage {
    layout: Layout,
    organismes: Vec<Organisme>,
    etablissements: Vec<Etablissement>,
    categories: Vec<&'static Categorie>,
    /// The creation form refused in place, if any.
    en_place: EnPlace,
}

impl OrganisationPage {
    fn cat(&self, code: &str) -> String {
        categorie(code)
            .map(|c| {
                format!(
                    "{} ({})",
                    if c.sigle.is_empty() {
                        c.libelle
                    } else {
                        c.sigle
                    },
                    c.code
                )
            })
            .unwrap_or_else(|| code.into())
    }
    fn domaine(&self, d: &Domaine) -> &'static str {
        d.label_fr()
    }
    fn organisme(&self, id: &i64) -> String {
        self.organismes
            .iter()
            .find(|o| o.id == *id)
            .map(|o| o.nom.clone())
            .unwrap_or_default()
    }
}

fn active_categories() -> Vec<&'static Categorie> {
    categories().iter().filter(|c| c.active).collect()
}

/// GET /admin/organisation
pub async fn page(State(app): State<App>, me: CurrentUser) -> WebResult<Response> {
    rendre_organisation(&app, &me, EnPlace::default()).await
}

/// The organisation page, with a creation form refused in place (or not).
async fn rendre_organisation(
    app: &App,
    me: &CurrentUser,
    en_place: EnPlace,
) -> WebResult<Response> {
    me.require_admin()?;
    Ok(OrganisationPage {
        layout: Layout::new(me, "Organisation", "organisation"),
        organismes: app.store.organismes().await?,
        etablissements: app.store.etablissements(None).await?,
        categories: active_categories(),
        en_place,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/etablissement.html")]
struct EtablissementPage {
    layout: Layout,
    e: Etablissement,
    organismes: Vec<Organisme>,
    unites: Vec<Unite>,
    categories: Vec<&'static Categorie>,
    types: &'static [TypeUnite],
    /// The form refused in place (its record, a unit), if any.
    en_place: EnPlace,
}

impl EtablissementPage {
    fn type_label(&self, t: &TypeUnite) -> &'static str {
        t.label_fr()
    }
    /// The capacity as stored (empty when none).
    fn capacite(&self) -> String {
        self.e.capacite.map(|c| c.to_string()).unwrap_or_default()
    }
}

/// The forms of the établissement page refused in place: its record (`et-<field>`) and a
/// unit added (`u-<field>`).
const FICHE: Formulaire = Formulaire::new("fiche", "et-", Fait::EtablissementEnregistre);
const UNITE: Formulaire = Formulaire::new("unite", "u-", Fait::UniteCreee);

/// GET /admin/etablissements/{id}
pub async fn etablissement_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    rendre_etablissement(&app, &me, id, EnPlace::default()).await
}

/// The page of établissement `id`, with a form refused in place (or not).
async fn rendre_etablissement(
    app: &App,
    me: &CurrentUser,
    id: i64,
    en_place: EnPlace,
) -> WebResult<Response> {
    me.require_admin()?;
    let e = etablissement(app, id).await?;
    Ok(EtablissementPage {
        layout: Layout::new(me, e.nom.clone(), "organisation"),
        unites: app.store.unites(id).await?,
        organismes: app.store.organismes().await?,
        e,
        categories: active_categories(),
        types: &TypeUnite::ALL,
        en_place,
    }
    .into_response())
}

/// POST /admin/etablissements/{id}: the record changed (at the version the form carries),
/// confirmed on its page; refused in place (a change made meanwhile: 409).
pub async fn update_etablissement_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<EtablissementFields>,
) -> WebResult<Response> {
    let issue = modifier(&app, &me, &HeaderMap::new(), id, &f).await;
    let adresse = EtablissementFields::retour(id);
    repondre_page(&headers, &adresse, (&FICHE, None, &f), issue, |en_place| {
        rendre_etablissement(&app, &me, id, en_place)
    })
    .await
}

fn validate_unite(f: &UniteFields) -> Result<(String, TypeUnite, Option<i64>), AppError> {
    let mut e = Errors::default();
    let nom = e.required("nom", "Nom de l'unité", &f.nom, 200);
    let t = TypeUnite::from_code(f.type_unite.trim());
    if t.is_none() {
        e.add("type_unite", "Choisissez le type : unité, pôle ou places.");
    }
    let capacite = opt_int(&mut e, "capacite", "Capacité", &f.capacite);
    e.finish()?;
    Ok((nom, t.unwrap_or(TypeUnite::Unite), capacite))
}

/// Creates a unit of establishment `id` (administrators only); its id.
async fn creer_unite(app: &App, me: &CurrentUser, id: i64, f: &UniteFields) -> WebResult<i64> {
    me.require_admin()?;
    let (nom, t, capacite) = validate_unite(f)?;
    etablissement(app, id).await?;
    let actor = me.principal.actor();
    let now = Utc::now();
    Ok(app
        .store
        .create_unite(&actor, id, &nom, t.code(), capacite, now)
        .await?)
}

/// POST /admin/etablissements/{id}/unites: the unit added, confirmed on the établissement's
/// page; refused in place, what was typed kept.
pub async fn create_unite_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<UniteFields>,
) -> WebResult<Response> {
    let issue = creer_unite(&app, &me, id, &f).await;
    let adresse = EtablissementFields::retour(id);
    repondre_page(&headers, &adresse, (&UNITE, None, &f), issue, |en_place| {
        rendre_etablissement(&app, &me, id, en_place)
    })
    .await
}

// ---- API ----

/// GET /api/v1/organismes
pub async fn api_list_organismes(
    State(app): State<App>,
    _me: CurrentUser,
    Query(p): Query<crate::pagination::Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let page = p.page(&crate::pagination::ORGANISMES)?;
    let items = app.store.organismes_page(page).await?;
    Ok(crate::pagination::repondre(page, items, |o| o.id))
}

/// GET /api/v1/organismes/{id}
pub async fn api_get_organisme(
    State(app): State<App>,
    _me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<Organisme>> {
    Ok(Json(organisme(&app, id).await?))
}

fn visible(me: &CurrentUser) -> Option<&[i64]> {
    if me.user.role == Role::Administrateur {
        None
    } else {
        Some(&me.user.etablissements)
    }
}

/// GET /api/v1/etablissements: all for administrators, one's own for others.
pub async fn api_list_etablissements(
    State(app): State<App>,
    me: CurrentUser,
    Query(p): Query<crate::pagination::Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let page = p.page(&crate::pagination::ETABLISSEMENTS)?;
    let items = app.store.etablissements_page(visible(&me), page).await?;
    Ok(crate::pagination::repondre(page, items, |e| e.id))
}

/// GET /api/v1/etablissements/{id}
pub async fn api_get_etablissement(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<Etablissement>> {
    let e = etablissement(&app, id).await?;
    if visible(&me).is_some_and(|v| !v.contains(&id)) {
        return Err(AppError::NotFound);
    }
    Ok(Json(e))
}

/// GET /api/v1/etablissements/{id}/unites
pub async fn api_list_unites(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(p): Query<crate::pagination::Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    if visible(&me).is_some_and(|v| !v.contains(&id)) {
        return Err(AppError::NotFound);
    }
    let page = p.page(&crate::pagination::UNITES)?;
    let items = app.store.unites_page(id, page).await?;
    Ok(crate::pagination::repondre(page, items, |u| u.id))
}

/// POST /api/v1/etablissements/{id}/unites
pub async fn api_create_unite(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<UniteFields>,
) -> WebResult<(StatusCode, Json<crate::corps::Cree>)> {
    let uid = creer_unite(&app, &me, id, &f).await?;
    let cree = crate::corps::Cree {
        id: uid,
        version: 1,
    };
    Ok((StatusCode::CREATED, Json(cree)))
}

/// GET /api/v1/categories: FINESS categories usable for new establishments.
pub async fn api_categories(
    _me: CurrentUser,
    Query(p): Query<crate::pagination::Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let liste = &crate::pagination::CATEGORIES;
    crate::pagination::en_memoire(&p, liste, active_categories())
}

//! The team around the person (issue 13, COO-2): the tab `/usagers/{id}/equipe` (current
//! members by place with their since-dates, the history of former members and referents,
//! the outside partners of the circle; for those who write the administrative section, a
//! member added by choosing an account by name, a membership ended, the referent changed,
//! refusals in place, successes confirmed) and the API `/api/v1/usagers/{id}/equipe`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use dui_domain::equipe::{FonctionEquipe, PlaceEquipe, INCONNUE_FONCTION, INCONNUE_PLACE};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::annuaire::CompteNomme;
use dui_store::usager::{Equipier, EquipierInput, ProfessionnelLie, Usager};
use serde::{Deserialize, Serialize};

use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::FormulaireDossier;
use super::{capability, matrix};
use crate::auth::CurrentUser;
use crate::corps::Ecrite;
use crate::forms::{opt, ApiJson, Errors};
use crate::formulaire::{ErreursFormulaire, Formulaire, Saisie};
use crate::reponses::expected_version;
use crate::time::fr_date;
use crate::time::DatesFr as _;
use crate::{App, AppError, EnPlace, Fait, Layout, WebResult};

/// A member to add, as typed (form or JSON).
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct MembreFields {
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    utilisateur_id: Option<String>,
    fonction: Option<String>,
    place: Option<String>,
    /// First day (AAAA-MM-JJ or JJ/MM/AAAA; today when empty).
    debut: Option<String>,
}

impl crate::saisie::Champs for MembreFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("utilisateur_id", lim::NUMERO),
        Champ::ligne("fonction", lim::CODE),
        Champ::ligne("place", lim::CODE),
        Champ::ligne("debut", lim::DATE),
    ];
}

/// The end of a membership, as typed.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct FinMembreFields {
    /// The version read (or `If-Match`).
    version: Option<i64>,
    /// Last day (AAAA-MM-JJ or JJ/MM/AAAA; today when empty).
    fin: Option<String>,
}

impl crate::saisie::Champs for FinMembreFields {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("version", 20), Champ::ligne("fin", lim::DATE)];
}

/// A member's new function, as typed.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct FonctionMembreFields {
    /// The version read (or `If-Match`).
    version: Option<i64>,
    /// The new function (code).
    fonction: Option<String>,
    /// Its first day (AAAA-MM-JJ or JJ/MM/AAAA; today when empty).
    depuis: Option<String>,
}

impl crate::saisie::Champs for FonctionMembreFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("version", 20),
        Champ::ligne("fonction", lim::CODE),
        Champ::ligne("depuis", lim::DATE),
    ];
}

/// A date typed in either form, today when empty.
fn jour(e: &mut Errors, champ: &str, libelle: &str, v: &Option<String>) -> NaiveDate {
    match opt(v) {
        None => crate::time::paris_today(chrono::Utc::now()),
        Some(t) => NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&t, "%d/%m/%Y"))
            .unwrap_or_else(|_| {
                e.add(champ, format!("{libelle} doit être une date (JJ/MM/AAAA)."));
                crate::time::paris_today(chrono::Utc::now())
            }),
    }
}

impl MembreFields {
    fn validate(&self) -> WebResult<EquipierInput> {
        let mut e = Errors::default();
        let utilisateur_id = opt(&self.utilisateur_id).and_then(|u| u.parse::<i64>().ok());
        if utilisateur_id.is_none() {
            e.add(
                "utilisateur_id",
                "Choisissez un professionnel dans la liste.",
            );
        }
        let fonction = opt(&self.fonction).and_then(|f| FonctionEquipe::from_code(&f));
        if fonction.is_none() {
            e.add("fonction", INCONNUE_FONCTION);
        }
        let place = opt(&self.place).and_then(|p| PlaceEquipe::from_code(&p));
        if place.is_none() {
            e.add("place", INCONNUE_PLACE);
        }
        let debut = jour(&mut e, "debut", "La date de début", &self.debut);
        e.finish()?;
        Ok(EquipierInput {
            utilisateur_id: utilisateur_id.unwrap_or_default(),
            fonction: fonction.unwrap_or(FonctionEquipe::Autre),
            place: place.unwrap_or(PlaceEquipe::Membre),
            debut,
        })
    }
}

/// Adds the member typed to the team of `id`.
async fn ajouter(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    f: &MembreFields,
) -> WebResult<(i64, PlaceEquipe)> {
    let input = f.validate()?;
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    match app.store.ajouter_membre(&cap, &input).await? {
        Ok(n) => Ok((n, input.place)),
        Err(r) => Err(AppError::field(r.champ, r.message)),
    }
}

/// Ends membership `mid` of the team of `id`, read at `version`.
async fn finir(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    mid: i64,
    version: i64,
    f: &FinMembreFields,
) -> WebResult<i64> {
    let mut e = Errors::default();
    let fin = jour(&mut e, "fin", "La date de fin", &f.fin);
    e.finish()?;
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    match app.store.finir_membre(&cap, mid, version, fin).await? {
        Ok(v) => Ok(v),
        Err(r) => Err(AppError::field(r.champ, r.message)),
    }
}

/// Gives membership `mid` of the team of `id`, read at `version`, the function typed: the
/// current membership's id.
async fn changer_fonction(
    app: &App,
    me: &CurrentUser,
    (id, mid, version): (UsagerId, i64, i64),
    f: &FonctionMembreFields,
) -> WebResult<i64> {
    let mut e = Errors::default();
    let fonction = opt(&f.fonction).and_then(|c| FonctionEquipe::from_code(&c));
    if fonction.is_none() {
        e.add("fonction", INCONNUE_FONCTION);
    }
    let depuis = jour(&mut e, "depuis", "La date", &f.depuis);
    e.finish()?;
    let fonction = fonction.unwrap_or(FonctionEquipe::Autre);
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    let change = app
        .store
        .changer_fonction(&cap, (mid, version), fonction, depuis);
    match change.await? {
        Ok(n) => Ok(n),
        Err(r) => Err(AppError::field(r.champ, r.message)),
    }
}

/// The team of a file, as the API answers it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EquipeCorps {
    /// Current members first (referent, co-referents, members), then former ones.
    pub membres: Vec<Equipier>,
}

/// GET /api/v1/usagers/{id}/equipe
pub async fn api_liste(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<Json<EquipeCorps>> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Lire).await?;
    Ok(Json(EquipeCorps {
        membres: app.store.equipe_du_dossier(&cap).await?,
    }))
}

/// POST /api/v1/usagers/{id}/equipe → 201 with `id`.
pub async fn api_ajout(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<MembreFields>,
) -> WebResult<(StatusCode, Json<Ecrite>)> {
    let (id, _) = ajouter(&app, &me, id, &f).await?;
    Ok((StatusCode::CREATED, Json(Ecrite { id })))
}

/// GET /api/v1/usagers/{id}/equipe/{mid}
pub async fn api_membre(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, mid)): Path<(UsagerId, i64)>,
) -> WebResult<Json<Equipier>> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Lire).await?;
    Ok(Json(app.store.equipe_membre(&cap, mid).await?))
}

/// PUT /api/v1/usagers/{id}/equipe/{mid}: ends the membership (`fin`, today when absent)
/// read at `version` (409 when it changed).
pub async fn api_fin(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, mid)): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<FinMembreFields>,
) -> WebResult<Json<Equipier>> {
    let version = expected_version(&headers, f.version)?;
    finir(&app, &me, id, mid, version, &f).await?;
    let cap = capability(&app, &me, id, Section::Administratif, Action::Lire).await?;
    Ok(Json(app.store.equipe_membre(&cap, mid).await?))
}

/// POST /api/v1/usagers/{id}/equipe/{mid}/fonction: the member's new function from
/// `depuis` (today when absent), read at `version` (409 when it changed); answers the
/// current membership (a new one, the former ended the day before, unless it began that day).
pub async fn api_fonction(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, mid)): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<FonctionMembreFields>,
) -> WebResult<Json<Equipier>> {
    let version = expected_version(&headers, f.version)?;
    let n = changer_fonction(&app, &me, (id, mid, version), &f).await?;
    let cap = capability(&app, &me, id, Section::Administratif, Action::Lire).await?;
    Ok(Json(app.store.equipe_membre(&cap, n).await?))
}

const AJOUT: Formulaire = Formulaire::new("ajout", "m-", Fait::EquipeMembreAjoute);
const FIN: Formulaire = Formulaire::new("fin", "f-", Fait::EquipeMembreSorti);
const CHAMPS_AJOUT: [&str; 4] = ["utilisateur_id", "fonction", "place", "debut"];
const CHAMPS_FIN: [&str; 1] = ["fin"];
const FONCTION: Formulaire = Formulaire::new("fonction", "c-", Fait::FonctionChangee);
const CHAMPS_FONCTION: [&str; 2] = ["fonction", "depuis"];

#[derive(Template, WebTemplate)]
#[template(path = "usager/equipe.html")]
struct EquipePage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    actuels: Vec<Equipier>,
    anciens: Vec<Equipier>,
    pros: Vec<ProfessionnelLie>,
    peut_ecrire: bool,
    possibles: Vec<CompteNomme>,
    recherche: String,
    /// The membership whose form was refused, and which (its form opened).
    refusee: Option<(i64, &'static str)>,
    en_place: EnPlace,
}

impl EquipePage {
    fn date_opt(&self, d: &Option<String>) -> String {
        d.as_deref().map(fr_date).unwrap_or_default()
    }
    fn aujourdhui(&self) -> String {
        crate::time::paris_today(chrono::Utc::now()).to_string()
    }
    fn est_refusee(&self, id: &i64) -> bool {
        self.refusee == Some((*id, FIN.nom))
    }
    fn fonction_refusee(&self, id: &i64) -> bool {
        self.refusee == Some((*id, FONCTION.nom))
    }
    fn referent(&self) -> Option<&Equipier> {
        self.actuels
            .iter()
            .find(|m| m.place == PlaceEquipe::Referent)
    }
    fn anciens_referents(&self) -> usize {
        self.anciens
            .iter()
            .filter(|m| m.place == PlaceEquipe::Referent)
            .count()
    }
}

/// `?q=` (the account search) of the page.
#[derive(Deserialize, Default)]
pub struct EquipeQuery {
    q: Option<String>,
}

async fn rendre(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    q: &str,
    en_place: EnPlace,
    refusee: Option<(i64, &'static str)>,
) -> PageDossier {
    let Dossier {
        cap,
        tabs,
        u,
        sejours,
        ..
    } = Dossier::ouvrir(app, me, id, Onglet::Equipe).await?;
    let membres = app.store.equipe_du_dossier(&cap).await?;
    let pros = app.store.professionnels_usager(&cap).await?;
    let peut_ecrire =
        matrix(app)
            .await?
            .permet(me.user.role, Section::Administratif, Action::Ecrire);
    let possibles = if peut_ecrire {
        let etabs = super::affectations::etablissements_du_dossier(me, &sejours);
        app.store
            .comptes_des_etablissements(q, &etabs, &[], 100)
            .await?
            .into_iter()
            .filter(|c| {
                !membres
                    .iter()
                    .any(|m| m.en_cours() && m.utilisateur_id == c.id)
            })
            .collect()
    } else {
        Vec::new()
    };
    let (actuels, anciens) = membres.into_iter().partition(|m| m.en_cours());
    Ok(EquipePage {
        layout: Layout::new(me, format!("Équipe — {}", u.nom_affiche()), "usagers"),
        u,
        tabs,
        actuels,
        anciens,
        pros,
        peut_ecrire,
        possibles,
        recherche: q.to_string(),
        refusee,
        en_place,
    }
    .into_response())
}

/// GET /usagers/{id}/equipe
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(q): Query<EquipeQuery>,
) -> PageDossier {
    let q = q.q.unwrap_or_default();
    if q.chars().count() > lim::RECHERCHE {
        return Err(AppError::field("q", "La recherche est trop longue.").into());
    }
    rendre(&app, &me, id, q.trim(), EnPlace::default(), None).await
}

/// Renders the page with the refusal `e` of form `f` in place (or the error page).
async fn refus(
    p: &FormulaireDossier<impl Serialize>,
    f: &Formulaire,
    champs: &[&str],
    e: AppError,
    ligne: Option<i64>,
) -> WebResult<Response> {
    let refusee = ligne.map(|l| (l, f.nom));
    let (status, erreurs): (StatusCode, ErreursFormulaire) = ErreursFormulaire::depuis(e, champs)?;
    let en_place = EnPlace::refus(f, Saisie::de(&p.f), erreurs);
    Ok(
        match rendre(&p.app, &p.me, p.id, "", en_place, refusee).await {
            Ok(r) => (status, r).into_response(),
            Err(e) => e.into_response(),
        },
    )
}

/// POST /usagers/{id}/equipe: adds a member (a referent ends the former one the day before).
pub async fn ajout_form(p: FormulaireDossier<MembreFields>) -> WebResult<Response> {
    match ajouter(&p.app, &p.me, p.id, &p.f).await {
        Ok((_, PlaceEquipe::Referent)) => Ok(p.confirme("/equipe", Fait::ReferentChange)),
        Ok(_) => Ok(p.confirme("/equipe", AJOUT.fait)),
        Err(e) => refus(&p, &AJOUT, &CHAMPS_AJOUT, e, None).await,
    }
}

/// POST /usagers/{id}/equipe/{mid}/fin: ends a membership.
pub async fn fin_form(
    Path((_, mid)): Path<(UsagerId, i64)>,
    p: FormulaireDossier<FinMembreFields>,
) -> WebResult<Response> {
    let version = p.f.version.unwrap_or_default();
    match finir(&p.app, &p.me, p.id, mid, version, &p.f).await {
        Ok(_) => Ok(p.confirme("/equipe", FIN.fait)),
        Err(e) => refus(&p, &FIN, &CHAMPS_FIN, e, Some(mid)).await,
    }
}

/// POST /usagers/{id}/equipe/{mid}/fonction: a member's new function.
pub async fn fonction_form(
    Path((_, mid)): Path<(UsagerId, i64)>,
    p: FormulaireDossier<FonctionMembreFields>,
) -> WebResult<Response> {
    let version = p.f.version.unwrap_or_default();
    match changer_fonction(&p.app, &p.me, (p.id, mid, version), &p.f).await {
        Ok(_) => Ok(p.confirme("/equipe", FONCTION.fait)),
        Err(e) => refus(&p, &FONCTION, &CHAMPS_FONCTION, e, Some(mid)).await,
    }
}

/// The team's pages.
pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/usagers/{id}/equipe", get(page).post(ajout_form))
        .route("/usagers/{id}/equipe/{mid}/fin", post(fin_form))
        .route("/usagers/{id}/equipe/{mid}/fonction", post(fonction_form))
}

/// The team's API.
pub fn api_routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/usagers/{id}/equipe", get(api_liste).post(api_ajout))
        .route("/usagers/{id}/equipe/{mid}", get(api_membre).put(api_fin))
        .route("/usagers/{id}/equipe/{mid}/fonction", post(api_fonction))
}

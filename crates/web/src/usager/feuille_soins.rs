//! The daily care worksheet of a unit and shift (SOI-1): the page `/soins/feuille` (the acts
//! due, validated by several at once: done, or not done with a reason; the vital-sign
//! alerts of the unit) and `/api/v1/soins/feuille`. The unit's capability
//! ([`CapaciteSoins`]) is decided once for the établissement and audited by the store.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::feuille_soins::{poste_de, Poste, StatutActe};
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::{authorize_soins_unite, CapaciteSoins};
use dui_store::usager::{Feuille, Places, Realisation};
use serde::{Deserialize, Serialize};

use super::presences::choix;
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson, Errors, Form};
use crate::reponses::done;
use crate::time::{fr_date, fr_datetime};
use crate::{App, AppError, Layout, WebResult};

/// The authorization of the care of `etablissement`'s units for `action` (audited refusal).
pub(crate) async fn capacite(
    app: &App,
    me: &CurrentUser,
    etablissement: i64,
    action: Action,
) -> WebResult<CapaciteSoins> {
    let m = super::matrix(app).await?;
    Ok(authorize_soins_unite(
        &app.store,
        &m,
        &me.principal,
        etablissement,
        action,
        Utc::now(),
    )
    .await?)
}

/// Whether the account may `action` the care of the units (the page's buttons).
pub(crate) async fn permis(app: &App, me: &CurrentUser, action: Action) -> WebResult<bool> {
    let m = super::matrix(app).await?;
    Ok(m.permet(me.user.role, Section::Soins, action))
}

/// `?etablissement_id=&unite_id=&jour=&poste=` (default: the account's first
/// établissement, all of it, today in Paris, the shift running now).
#[derive(Deserialize, Default)]
pub struct FeuilleQuery {
    #[serde(default)]
    etablissement_id: Option<String>,
    #[serde(default)]
    unite_id: Option<String>,
    #[serde(default)]
    jour: Option<String>,
    #[serde(default)]
    poste: Option<String>,
    #[serde(default)]
    enregistre: Option<String>,
}

fn poste(v: &Option<String>) -> WebResult<Option<Poste>> {
    match opt(v) {
        None => Ok(None),
        Some(c) => Poste::from_code(&c).map(Some).ok_or_else(|| {
            AppError::field("poste", "Le poste doit être matin, apres_midi ou nuit.")
        }),
    }
}

/// The établissement, unit, day and shift asked (defaults filled).
fn lieu(me: &CurrentUser, q: &FeuilleQuery) -> WebResult<(i64, Option<i64>, NaiveDate, Poste)> {
    let p = poste(&q.poste)?;
    let (etab, unite, jour) = choix(me, &q.etablissement_id, &q.unite_id, &q.jour)?;
    let (jour_courant, courant) = poste_de(Utc::now());
    let poste = p.unwrap_or(if q.jour.is_none() {
        courant
    } else {
        Poste::Matin
    });
    let jour = if q.jour.is_none() && p.is_none() {
        jour_courant
    } else {
        jour
    };
    Ok((etab, unite, jour, poste))
}

/// GET /api/v1/soins/feuille
pub async fn api_feuille(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<FeuilleQuery>,
) -> WebResult<Json<Feuille>> {
    let (etab, unite, jour, poste) = lieu(&me, &q)?;
    let cap = capacite(&app, &me, etab, Action::Lire).await?;
    Ok(Json(
        app.store.feuille_soins(&cap, unite, jour, poste).await?,
    ))
}

/// An act validated, as the API takes it (the worksheet's `acte_id` and `prevu_a`).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ActeValide {
    /// The act of the plan.
    acte_id: i64,
    /// The instant due, as the worksheet gave it.
    prevu_a: String,
    /// `fait` or `non_fait`.
    statut: String,
    /// Why not done.
    motif: Option<String>,
}

/// Acts validated at once.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ValidationBody {
    /// Établissement.
    etablissement_id: i64,
    /// The acts.
    #[schema(max_items = 500)]
    actes: Vec<ActeValide>,
}

impl crate::saisie::Champs for ValidationBody {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("prevu_a", lim::DATE + 20),
        Champ::ligne("statut", lim::CODE),
        Champ::ligne("motif", lim::LIBELLE),
    ];
}

/// `{"enregistres": n}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Enregistres {
    /// How many were recorded.
    pub enregistres: usize,
}

/// An instant sent back by a client (French 422 otherwise).
pub(crate) fn instant(champ: &str, v: &str) -> WebResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AppError::field(
                champ,
                "L'heure prévue doit être celle que la liste a donnée (AAAA-MM-JJTHH:MM:SSZ).",
            )
        })
}

fn realisations(actes: &[ActeValide]) -> WebResult<Vec<Realisation>> {
    if actes.len() > 500 {
        return Err(AppError::field("actes", "500 actes au plus à la fois."));
    }
    let mut e = Errors::default();
    let mut v = Vec::new();
    for a in actes {
        let statut = StatutActe::from_code(&a.statut);
        if statut.is_none() {
            e.add("statut", "Le statut doit être fait ou non_fait.");
        }
        if let (Some(statut), Ok(prevu_a)) = (statut, instant("prevu_a", &a.prevu_a)) {
            v.push(Realisation {
                acte_id: a.acte_id,
                prevu_a,
                statut,
                motif: opt(&a.motif),
            });
        } else {
            instant("prevu_a", &a.prevu_a)?;
        }
    }
    e.finish()?;
    Ok(v)
}

/// POST /api/v1/soins/feuille: acts validated (409 when one already was).
pub async fn api_valider(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(b): ApiJson<ValidationBody>,
) -> WebResult<Json<Enregistres>> {
    let r = realisations(&b.actes)?;
    let cap = capacite(&app, &me, b.etablissement_id, Action::Ecrire).await?;
    let enregistres = app.store.valider_actes(&cap, &r).await?;
    Ok(Json(Enregistres { enregistres }))
}

#[derive(Template, WebTemplate)]
#[template(path = "soins/feuille.html")]
struct FeuillePage {
    layout: Layout,
    feuille: Feuille,
    places: Vec<Places>,
    postes: &'static [Poste],
    peut_ecrire: bool,
    enregistre: bool,
}

impl FeuillePage {
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn heure(&self, t: &str) -> String {
        fr_datetime(t)
    }
    fn cle(&self, acte_id: &i64, prevu_a: &str) -> String {
        let s = dui_store::parse_ts(prevu_a)
            .map(|t| t.timestamp())
            .unwrap_or_default();
        format!("{acte_id}_{s}")
    }
    fn etab(&self) -> i64 {
        self.feuille.etablissement_id
    }
    fn unite_choisie(&self, u: &Option<i64>) -> bool {
        self.feuille.unite_id.is_some() && self.feuille.unite_id == *u
    }
    fn faits(&self) -> usize {
        self.feuille
            .actes
            .iter()
            .filter(|a| a.statut.is_some())
            .count()
    }
}

/// GET /soins/feuille: the worksheet.
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<FeuilleQuery>,
) -> WebResult<Response> {
    let (etab, unite, jour, poste) = lieu(&me, &q)?;
    let cap = capacite(&app, &me, etab, Action::Lire).await?;
    let feuille = app.store.feuille_soins(&cap, unite, jour, poste).await?;
    Ok(FeuillePage {
        layout: Layout::new(&me, "Feuille de soins", "soins"),
        places: app.store.places(&me.principal.etablissements, jour).await?,
        feuille,
        postes: Poste::ALL,
        peut_ecrire: permis(&app, &me, Action::Ecrire).await?,
        enregistre: q.enregistre.is_some(),
    }
    .into_response())
}

/// The worksheet's form: `etablissement_id`, `unite_id`, `jour`, `poste`, then for each act
/// `statut_<acte>_<epoch>` (`fait`, `non_fait` or empty) and `motif_<acte>_<epoch>`.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct FeuilleForm(std::collections::BTreeMap<String, String>);

impl crate::saisie::Champs for FeuilleForm {
    const CHAMPS: &'static [Champ] = &[];
}

/// POST /soins/feuille
pub async fn form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(FeuilleForm(f)): Form<FeuilleForm>,
) -> WebResult<Response> {
    let get = |k: &str| f.get(k).cloned();
    let q = FeuilleQuery {
        etablissement_id: get("etablissement_id"),
        unite_id: get("unite_id"),
        jour: get("jour"),
        poste: get("poste"),
        enregistre: None,
    };
    let (etab, unite, jour, poste) = lieu(&me, &q)?;
    let mut actes = Vec::new();
    for (k, statut) in &f {
        let Some(cle) = k.strip_prefix("statut_") else {
            continue;
        };
        if statut.is_empty() {
            continue;
        }
        let (acte, epoch) = cle
            .split_once('_')
            .and_then(|(a, s)| Some((a.parse::<i64>().ok()?, s.parse::<i64>().ok()?)))
            .ok_or_else(|| AppError::BadRequest("Formulaire illisible.".into()))?;
        let prevu = DateTime::from_timestamp(epoch, 0)
            .ok_or_else(|| AppError::BadRequest("Formulaire illisible.".into()))?;
        let motif = get(&format!("motif_{cle}"));
        if let Some(m) = &motif {
            Champ::ligne("motif", lim::LIBELLE)
                .verifier("motif", m)
                .map_err(|r| AppError::field("motif", r.to_string()))?;
        }
        actes.push(ActeValide {
            acte_id: acte,
            prevu_a: dui_store::ts(prevu),
            statut: statut.clone(),
            motif,
        });
    }
    let r = realisations(&actes)?;
    let cap = capacite(&app, &me, etab, Action::Ecrire).await?;
    app.store.valider_actes(&cap, &r).await?;
    let unite = unite.map(|u| u.to_string()).unwrap_or_default();
    Ok(done(
        &headers,
        &format!("/soins/feuille?etablissement_id={etab}&unite_id={unite}&jour={jour}&poste={}&enregistre=1", poste.code()),
    ))
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new().route("/soins/feuille", get(page).post(form))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new().route("/soins/feuille", get(api_feuille).post(api_valider))
}

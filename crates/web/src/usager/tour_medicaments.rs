//! The medication round of a unit (SOI-3): the page `/soins/tour` (the doses due at a round
//! time, each recorded given, refused or not given with a reason) and `/api/v1/soins/tour`.
//! Recording needs to validate the care section (nurses, doctors; care aides only when
//! granted); the store refuses a dose without a prescription active at that time.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{NaiveTime, Utc};
use dui_domain::feuille_soins::jour_local;
use dui_domain::policy::Action;
use dui_domain::prescription::StatutAdministration;
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{Administration, Places, Tour};
use serde::Deserialize;

use super::feuille_soins::{capacite, instant, permis, Enregistres};
use super::presences::choix;
use crate::auth::CurrentUser;
use crate::forms::{opt, ApiJson, Errors, Form};
use crate::reponses::done;
use crate::time::fr_date;
use crate::{App, AppError, EnPlace, Layout, WebResult};

/// `?etablissement_id=&unite_id=&jour=&heure=` (default heure: 08:00); the « si besoin »
/// form carries it to come back to its round.
#[derive(Deserialize, serde::Serialize, Default)]
pub struct TourQuery {
    #[serde(default)]
    etablissement_id: Option<String>,
    #[serde(default)]
    unite_id: Option<String>,
    #[serde(default)]
    jour: Option<String>,
    #[serde(default)]
    heure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enregistre: Option<String>,
}

impl TourQuery {
    /// The round's établissement, unit and day as chosen (`choix`).
    pub(super) fn choix(
        &self,
        me: &CurrentUser,
    ) -> WebResult<(i64, Option<i64>, chrono::NaiveDate)> {
        choix(me, &self.etablissement_id, &self.unite_id, &self.jour)
    }

    /// The round's time as typed, `HH:MM` (empty when none or unreadable).
    pub(super) fn heure_saisie(&self) -> String {
        heure(&self.heure)
            .ok()
            .filter(|_| opt(&self.heure).is_some())
            .map(|h| h.format("%H:%M").to_string())
            .unwrap_or_default()
    }
}

fn heure(v: &Option<String>) -> WebResult<NaiveTime> {
    match opt(v) {
        None => Ok(NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN)),
        Some(h) => NaiveTime::parse_from_str(&h, "%H:%M")
            .map_err(|_| AppError::field("heure", "L'heure du tour doit être au format HH:MM.")),
    }
}

/// GET /api/v1/soins/tour
pub async fn api_tour(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<TourQuery>,
) -> WebResult<Json<Tour>> {
    let h = heure(&q.heure)?;
    let (etab, unite, jour) = choix(&me, &q.etablissement_id, &q.unite_id, &q.jour)?;
    let cap = capacite(&app, &me, etab, Action::Lire).await?;
    Ok(Json(
        app.store.tour_medicaments(&cap, unite, jour, h).await?,
    ))
}

/// A dose recorded, as the API takes it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DoseBody {
    /// The prescription.
    prescription_id: i64,
    /// The instant due, as the round gave it (for « si besoin »: when given).
    prevu_a: String,
    /// `donne`, `refuse` or `non_donne`.
    statut: String,
    /// Why not given (or refused).
    motif: Option<String>,
}

/// Doses recorded at once.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TourBody {
    /// Établissement.
    etablissement_id: i64,
    /// The doses.
    #[schema(max_items = 500)]
    doses: Vec<DoseBody>,
}

impl crate::saisie::Champs for TourBody {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("prevu_a", lim::DATE + 20),
        Champ::ligne("statut", lim::CODE),
        Champ::ligne("motif", lim::LIBELLE),
    ];
}

fn administrations(doses: &[DoseBody]) -> WebResult<Vec<Administration>> {
    if doses.len() > 500 {
        return Err(AppError::field("doses", "500 prises au plus à la fois."));
    }
    let mut e = Errors::default();
    let mut v = Vec::new();
    for d in doses {
        let prevu_a = instant("prevu_a", &d.prevu_a)?;
        match StatutAdministration::from_code(&d.statut) {
            Some(statut) => v.push(Administration {
                prescription_id: d.prescription_id,
                prevu_a,
                statut,
                motif: opt(&d.motif),
            }),
            None => e.add("statut", "Le statut doit être donne, refuse ou non_donne."),
        }
    }
    e.finish()?;
    Ok(v)
}

/// POST /api/v1/soins/tour: doses recorded (409 when one already was).
pub async fn api_administrer(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(b): ApiJson<TourBody>,
) -> WebResult<Json<Enregistres>> {
    let a = administrations(&b.doses)?;
    let cap = capacite(&app, &me, b.etablissement_id, Action::Valider).await?;
    let enregistres = app.store.administrer(&cap, &a).await?;
    Ok(Json(Enregistres { enregistres }))
}

#[derive(Template, WebTemplate)]
#[template(path = "soins/tour.html")]
struct TourPage {
    layout: Layout,
    tour: Tour,
    places: Vec<Places>,
    statuts: &'static [StatutAdministration],
    peut_donner: bool,
    enregistre: bool,
    /// A « si besoin » line's form refused (`si_besoin`, by prescription).
    en_place: EnPlace,
}

impl TourPage {
    fn date(&self, d: &str) -> String {
        fr_date(d)
    }
    fn etab(&self) -> i64 {
        self.tour.etablissement_id
    }
    fn unite_choisie(&self, u: &Option<i64>) -> bool {
        self.tour.unite_id.is_some() && self.tour.unite_id == *u
    }
    /// « 05/12/2026 à 14:00 » (Paris) of a stored instant (the « si besoin » list).
    fn moment(&self, t: &str) -> String {
        crate::time::fr_datetime(t)
    }
}

/// GET /soins/tour
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<TourQuery>,
) -> WebResult<Response> {
    rendre(&app, &me, &q, EnPlace::default()).await
}

/// The round of `q`, with a « si besoin » line's form refused in place (or none).
pub(super) async fn rendre(
    app: &App,
    me: &CurrentUser,
    q: &TourQuery,
    en_place: EnPlace,
) -> WebResult<Response> {
    let h = heure(&q.heure)?;
    let (etab, unite, jour) = q.choix(me)?;
    let cap = capacite(app, me, etab, Action::Lire).await?;
    let tour = app.store.tour_medicaments(&cap, unite, jour, h).await?;
    Ok(TourPage {
        layout: Layout::new(me, "Tour de médicaments", "soins"),
        places: app
            .store
            .places(&me.principal.etablissements, jour_local(Utc::now()))
            .await?,
        tour,
        statuts: StatutAdministration::ALL,
        peut_donner: permis(app, me, Action::Valider).await?,
        enregistre: q.enregistre.is_some(),
        en_place,
    }
    .into_response())
}

/// The round's form: `etablissement_id`, `unite_id`, `jour`, `heure`, `prevu_a`, then for
/// each dose `statut_<prescription>` and `motif_<prescription>`.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct TourForm(std::collections::BTreeMap<String, String>);

impl crate::saisie::Champs for TourForm {
    const CHAMPS: &'static [Champ] = &[];
}

/// POST /soins/tour
pub async fn form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Form(TourForm(f)): Form<TourForm>,
) -> WebResult<Response> {
    let get = |k: &str| f.get(k).cloned();
    let (etab, unite, jour) = choix(
        &me,
        &get("etablissement_id"),
        &get("unite_id"),
        &get("jour"),
    )?;
    let h = heure(&get("heure"))?;
    let prevu_a = get("prevu_a").unwrap_or_default();
    let mut doses = Vec::new();
    for (k, statut) in &f {
        let Some(pid) = k.strip_prefix("statut_") else {
            continue;
        };
        if statut.is_empty() {
            continue;
        }
        let motif = get(&format!("motif_{pid}"));
        if let Some(m) = &motif {
            Champ::ligne("motif", lim::LIBELLE)
                .verifier("motif", m)
                .map_err(|r| AppError::field("motif", r.to_string()))?;
        }
        doses.push(DoseBody {
            prescription_id: pid
                .parse()
                .map_err(|_| AppError::BadRequest("Formulaire illisible.".into()))?,
            prevu_a: prevu_a.clone(),
            statut: statut.clone(),
            motif,
        });
    }
    let a = administrations(&doses)?;
    let cap = capacite(&app, &me, etab, Action::Valider).await?;
    app.store.administrer(&cap, &a).await?;
    let unite = unite.map(|u| u.to_string()).unwrap_or_default();
    Ok(done(
        &headers,
        &format!("/soins/tour?etablissement_id={etab}&unite_id={unite}&jour={jour}&heure={}&enregistre=1", h.format("%H:%M")),
    ))
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new().route("/soins/tour", get(page).post(form))
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new().route("/soins/tour", get(api_tour).post(api_administrer))
}

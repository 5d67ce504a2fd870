//! The medication round of a unit (SOI-3): the page `/soins/tour` (the doses due at a round
//! time, each recorded given, refused or not given with a reason) and `/api/v1/soins/tour`.
//! Recording needs to validate the care section (nurses, doctors; care aides only when
//! granted); the store refuses a dose without a prescription active at that time.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{NaiveTime, Utc};
use dui_domain::feuille_soins::jour_local;
use dui_domain::policy::Action;
use dui_domain::prescription::StatutAdministration;
use dui_domain::saisie::Champ;
use dui_store::policy::CapaciteSoins;
use dui_store::usager::{Administration, Places, Tour};
use serde::Deserialize;

use super::collectif::{api_lire, api_lot, capacite, form_lot, illisible, lot, page_lot};
use super::collectif::{FormulaireGroupe, Lieu, LieuQuery, CHAMPS_LOT};
use super::feuille_soins::{convertir_statuts, permis};
use crate::auth::CurrentUser;
use crate::forms::opt;
use crate::time::DatesFr;
use crate::{App, AppError, EnPlace, Fait, Formulaire, Layout, WebResult};

/// `?etablissement_id=&unite_id=&jour=&heure=` (default heure: 08:00); the « si besoin »
/// form carries it to come back to its round.
#[derive(Deserialize, serde::Serialize, Default)]
pub struct TourQuery {
    #[serde(flatten)]
    lieu: LieuQuery,
    #[serde(default)]
    heure: Option<String>,
}

impl TourQuery {
    /// The round's établissement, unit and day as chosen (`choix`).
    pub(super) fn choix(
        &self,
        me: &CurrentUser,
    ) -> WebResult<(i64, Option<i64>, chrono::NaiveDate)> {
        let l = Lieu::de(me, &self.lieu)?;
        Ok((l.etablissement_id, l.unite_id, l.jour))
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

/// The round of `q` (GET /api/v1/soins/tour, and the page).
async fn lire(app: &App, me: &CurrentUser, q: &TourQuery) -> WebResult<(Lieu, Tour)> {
    let h = heure(&q.heure)?;
    let l = Lieu::de(me, &q.lieu)?;
    let cap = capacite(app, me, l.etablissement_id, Action::Lire).await?;
    let tour = (app.store)
        .tour_medicaments(&cap, l.unite_id, l.jour, h)
        .await?;
    Ok((l, tour))
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
    const CHAMPS: &'static [Champ] = CHAMPS_LOT;
}

fn administrations(doses: &[DoseBody]) -> WebResult<Vec<Administration>> {
    convertir_statuts(
        doses,
        (500, "doses", "500 prises au plus à la fois."),
        (
            StatutAdministration::from_code,
            "Le statut doit être donne, refuse ou non_donne.",
        ),
        |d| (d.prescription_id, &d.prevu_a, &d.statut, &d.motif),
    )
}

/// The round's form, its rows' input ids `g-statut_<prescription>`, `g-motif_<…>`.
const PRISES: Formulaire = Formulaire::new("prises", "g-", Fait::PrisesEnregistrees);

lot!(
    TourBody, doses -> administrations -> Administration,
    CapaciteSoins, Action::Valider, administrer,
    "/soins/tour", formulaire, PRISES,
    TourQuery = requete, lire -> Tour, rendre
);

#[derive(Template, WebTemplate)]
#[template(path = "soins/tour.html")]
struct TourPage {
    layout: Layout,
    tour: Tour,
    lieu: Lieu,
    places: Vec<Places>,
    peut_donner: bool,
    /// The round's form refused (`prises`), or a « si besoin » line's (`si_besoin`, by
    /// prescription).
    en_place: EnPlace,
}

impl TourPage {
    /// « 05/12/2026 à 14:00 » (Paris) of a stored instant (the « si besoin » list).
    fn moment(&self, t: &str) -> String {
        crate::time::fr_datetime(t)
    }
}

/// GET /soins/tour (`collectif::page_lot`): the round of `q`, with its form or a « si
/// besoin » line's refused in place (or none).
pub(super) async fn rendre(
    app: &App,
    me: &CurrentUser,
    q: &TourQuery,
    en_place: EnPlace,
) -> WebResult<Response> {
    let (lieu, tour) = lire(app, me, q).await?;
    Ok(TourPage {
        lieu,
        layout: Layout::new(me, "Tour de médicaments", "soins"),
        places: app
            .store
            .places(&me.principal.etablissements, jour_local(Utc::now()))
            .await?,
        tour,
        peut_donner: permis(app, me, Action::Valider).await?,
        en_place,
    }
    .into_response())
}

/// The place and time the round's form `f` was sent from.
fn requete(f: &FormulaireGroupe) -> TourQuery {
    TourQuery {
        lieu: f.lieu(),
        heure: f.get("heure"),
    }
}

/// The round's form (`etablissement_id`, `unite_id`, `jour`, `heure`, `prevu_a`, then for
/// each dose `statut_<prescription>` and `motif_<prescription>`).
fn formulaire(me: &CurrentUser, f: &FormulaireGroupe) -> WebResult<(TourBody, Lieu, String)> {
    let lieu = Lieu::de(me, &f.lieu())?;
    let h = heure(&f.get("heure"))?;
    let prevu_a = f.get("prevu_a").unwrap_or_default();
    let mut doses = Vec::new();
    let motif = "Indiquez pourquoi le médicament n'a pas été donné.";
    for l in f.lignes(("statut", "motif"), &["non_donne"], motif)? {
        doses.push(DoseBody {
            prescription_id: l.cle.parse().map_err(|_| illisible())?,
            prevu_a: prevu_a.clone(),
            statut: l.code,
            motif: l.texte,
        });
    }
    let b = TourBody {
        etablissement_id: lieu.etablissement_id,
        doses,
    };
    Ok((b, lieu, format!("&heure={}", h.format("%H:%M"))))
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new().route(
        "/soins/tour",
        get(page_lot::<TourBody>).post(form_lot::<TourBody>),
    )
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new().route(
        "/soins/tour",
        get(api_lire::<TourBody>).post(api_lot::<TourBody>),
    )
}

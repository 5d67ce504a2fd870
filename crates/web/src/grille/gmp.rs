//! The GMP of an établissement and its evolution by month: a page for the direction and the
//! cadre, and `GET /api/v1/etablissements/{id}/gmp`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use dui_store::usager::GmpMois;
use serde::{Deserialize, Serialize};

use super::graphique::graphique;
use crate::auth::CurrentUser;
use crate::{App, AppError, Layout, WebResult};

/// `?mois=` (months shown, 12 by default, 36 at most) and `?date=` (last date, today).
#[derive(Deserialize)]
pub struct GmpQuery {
    mois: Option<String>,
    date: Option<String>,
}

async fn calculer(app: &App, me: &CurrentUser, id: i64, q: &GmpQuery) -> WebResult<Vec<GmpMois>> {
    let mois = match q.mois.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => m
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=36).contains(m))
            .ok_or_else(|| AppError::field("mois", "Nombre de mois invalide : de 1 à 36."))?,
        None => 12,
    };
    let date = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| AppError::field("date", "Date invalide : AAAA-MM-JJ attendu."))?,
        None => crate::time::paris_today(Utc::now()),
    };
    let m = app.caches.matrix(&app.store).await?;
    Ok(app
        .store
        .gmp_etablissement(&m, &me.principal, id, date, mois)
        .await?)
}

/// One month of the GMP in the API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GmpLigne {
    /// `AAAA-MM`.
    pub mois: String,
    /// Date computed at.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// GMP rounded (null: nobody evaluated).
    pub gmp: Option<u64>,
    /// GMP exact.
    pub valeur: Option<f64>,
    /// Sum of GIR points.
    pub points: u64,
    /// Persons with a validated GIR.
    pub personnes: u64,
    /// Persons present without one.
    pub sans_gir: u64,
}

/// The answer of `GET /api/v1/etablissements/{id}/gmp`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GmpReponse {
    /// The établissement.
    pub etablissement: i64,
    /// Oldest month first.
    pub mois: Vec<GmpLigne>,
}

fn ligne(g: &GmpMois) -> GmpLigne {
    GmpLigne {
        mois: g.mois.clone(),
        date: g.date,
        gmp: g.gmp.arrondi(),
        valeur: g.gmp.valeur(),
        points: g.gmp.points,
        personnes: g.gmp.personnes,
        sans_gir: g.sans_gir,
    }
}

/// GET /api/v1/etablissements/{id}/gmp
pub async fn api(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<GmpQuery>,
) -> WebResult<Json<GmpReponse>> {
    let g = calculer(&app, &me, id, &q).await?;
    Ok(Json(GmpReponse {
        etablissement: id,
        mois: g.iter().map(ligne).collect(),
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "gmp.html")]
struct GmpPage {
    layout: Layout,
    lignes: Vec<GmpMois>,
    svg: String,
}

impl GmpPage {
    fn gmp(&self, g: &GmpMois) -> String {
        g.gmp
            .arrondi()
            .map_or_else(|| "—".into(), |v| v.to_string())
    }
}

/// GET /etablissements/{id}/gmp
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<GmpQuery>,
) -> WebResult<Response> {
    let lignes = calculer(&app, &me, id, &q).await?;
    let points: Vec<(NaiveDate, f64)> = lignes
        .iter()
        .filter_map(|l| l.gmp.valeur().map(|v| (l.date, v.round())))
        .collect();
    Ok(GmpPage {
        layout: Layout::new(&me, "GMP de l'établissement", ""),
        svg: graphique(&points, "GMP par mois"),
        lignes,
    }
    .into_response())
}

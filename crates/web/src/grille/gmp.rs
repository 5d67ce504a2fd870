//! The GMP of an établissement and its evolution by month: a page for the direction and the
//! cadre, and `GET /api/v1/etablissements/{id}/gmp`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use dui_store::usager::GmpMois;
use serde::Deserialize;
use serde_json::{json, Value};

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

fn ligne_json(g: &GmpMois) -> Value {
    json!({"mois": g.mois, "date": g.date, "gmp": g.gmp.arrondi(), "valeur": g.gmp.valeur(),
           "points": g.gmp.points, "personnes": g.gmp.personnes, "sans_gir": g.sans_gir})
}

/// GET /api/v1/etablissements/{id}/gmp
pub async fn api(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<GmpQuery>,
) -> WebResult<Json<Value>> {
    let g = calculer(&app, &me, id, &q).await?;
    Ok(Json(
        json!({"etablissement": id, "mois": g.iter().map(ligne_json).collect::<Vec<_>>()}),
    ))
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

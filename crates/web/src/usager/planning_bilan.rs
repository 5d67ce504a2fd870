//! The planned vs done report of a home-care service (issue 13, COO-5): `/planning/bilan`
//! (per person and per worker, a month), its CSV, and `/api/v1/interventions/bilan`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use dui_domain::policy::Action;
use dui_domain::presence::Mois;
use dui_store::usager::BilanMois;

use super::planning::{capacite, etab_de, retard_minutes, service, ServiceQuery};
use crate::auth::CurrentUser;
use crate::time::paris_today;
use crate::{App, AppError, Layout, WebResult};

async fn bilan(app: &App, me: &CurrentUser, q: &ServiceQuery) -> WebResult<BilanMois> {
    let mois = match q.mois.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => Mois::de(paris_today(Utc::now())),
        Some(m) => Mois::parse(m).map_err(|x| AppError::field("mois", x))?,
    };
    let e = service(app, me, etab_de(q)?).await?;
    let cap = capacite(app, me, Some(e), Action::Lire).await?;
    Ok(app
        .store
        .bilan_planning(&cap, mois, retard_minutes())
        .await?)
}

/// GET /api/v1/interventions/bilan?mois=AAAA-MM: planned vs done of the service.
pub async fn api_bilan(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<ServiceQuery>,
) -> WebResult<Json<BilanMois>> {
    Ok(Json(bilan(&app, &me, &q).await?))
}

/// The report as CSV (`;`-separated, French headers), one line per person then per worker.
fn csv(b: &BilanMois) -> String {
    let mut s = String::from("\u{feff}type;nom;visites prévues;minutes prévues;visites faites;minutes faites;visites manquées;écart (minutes)\r\n");
    let ligne = |s: &mut String, t: &str, nom: &str, x: &dui_domain::intervention::Bilan| {
        s.push_str(&format!(
            "{t};{};{};{};{};{};{};{}\r\n",
            nom.replace([';', '\r', '\n'], " "),
            x.visites_prevues,
            x.minutes_prevues,
            x.visites_faites,
            x.minutes_faites,
            x.visites_manquees,
            x.ecart_minutes
        ));
    };
    for l in &b.par_usager {
        ligne(&mut s, "usager", &l.nom, &l.bilan);
    }
    for l in &b.par_intervenant {
        ligne(&mut s, "intervenant", &l.nom, &l.bilan);
    }
    ligne(&mut s, "total", "Service", &b.total);
    s
}

/// GET /api/v1/interventions/bilan.csv and /planning/bilan.csv
pub async fn api_bilan_csv(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<ServiceQuery>,
) -> WebResult<Response> {
    let b = bilan(&app, &me, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bilan-domicile-{}.csv\"", b.mois),
            ),
        ],
        csv(&b),
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "planning_bilan.html")]
struct BilanPage {
    layout: Layout,
    b: BilanMois,
    sections: Vec<(&'static str, Vec<dui_store::usager::LigneBilan>)>,
}

/// GET /planning/bilan?mois=: planned vs done of the month.
pub async fn bilan_page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<ServiceQuery>,
) -> WebResult<Response> {
    let b = bilan(&app, &me, &q).await?;
    Ok(BilanPage {
        layout: Layout::new(&me, format!("Prévu / réalisé — {}", b.mois), "planning"),
        sections: vec![
            ("Par personne", b.par_usager.clone()),
            ("Par intervenant", b.par_intervenant.clone()),
        ],
        b,
    }
    .into_response())
}

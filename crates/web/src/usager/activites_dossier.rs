//! The *Activités* tab of the person file: the participation history (activity sessions with
//! the attendance noted, agenda events the person takes part in), most recent first,
//! filterable by kind and period, for the project review. Support section, audited.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use dui_domain::policy::{Action, Section};
use dui_store::page::Page;
use dui_store::usager::{Participation, Usager};
use serde::Deserialize;

use super::activites::HistoriqueQuery;
use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::PageDemandee;
use crate::Layout;

/// Lines per page of the tab.
const PAR_PAGE: i64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "activites/dossier.html")]
struct HistoriquePage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    lignes: Vec<Participation>,
    q: HistoriqueQuery,
    presents: usize,
    suivante: Option<String>,
}

impl HistoriquePage {
    fn date(&self, l: &Participation) -> String {
        l.jour.format("%d/%m/%Y").to_string()
    }
    fn type_choisi(&self, c: &str) -> bool {
        self.q.type_activite.as_deref() == Some(c)
    }
}

/// `?type=&du=&au=&cursor=`.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(flatten)]
    q: HistoriqueQuery,
    #[serde(default)]
    cursor: Option<String>,
}

/// GET /usagers/{id}/activites
pub async fn page(p: PageDemandee<PageQuery>) -> PageDossier {
    let PageDemandee { app, me, id, q: pq } = p;
    let Dossier { tabs, u, .. } = Dossier::ouvrir(&app, &me, id, Onglet::Activites).await?;
    let (filtre, periode) = pq.q.filtre()?;
    let after = match pq.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| crate::pagination::bad_cursor())?,
        ),
    };
    let page = Page {
        after,
        limit: PAR_PAGE,
    };
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let lignes = app
        .store
        .participations_page(&cap, filtre, periode, page)
        .await?;
    let (lignes, next) = page.split(lignes, |p| p.cle);
    let suivante = next.map(|c| {
        let mut q = vec![format!("cursor={c}")];
        for (k, v) in [
            ("type", &pq.q.type_activite),
            ("du", &pq.q.du),
            ("au", &pq.q.au),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.push(format!("{k}={}", crate::error::urlencode(v)));
            }
        }
        format!("/usagers/{id}/activites?{}", q.join("&"))
    });
    Ok(HistoriquePage {
        layout: Layout::new(&me, format!("Activités — {}", u.nom_naissance), "usagers"),
        presents: lignes.iter().filter(|l| l.present).count(),
        u,
        tabs,
        lignes,
        q: pq.q,
        suivante,
    }
    .into_response())
}

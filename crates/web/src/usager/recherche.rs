//! The search page and its results partial (htmx).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::usager::StatutIdentite;
use dui_store::admin::organisation::Etablissement;
use dui_store::policy::authorize_recherche;
use dui_store::usager::{Recherche, ResultatRecherche};
use serde::Deserialize;

use super::hors_perimetre::Offre;
use super::matrix;
use crate::auth::CurrentUser;
use crate::error::urlencode;
use crate::noms::Nomme as _;
use crate::time::DatesFr as _;
use crate::{App, Layout, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "usager/recherche.html")]
struct RecherchePage {
    layout: Layout,
    q: String,
    etablissement: Option<i64>,
    etablissements: Vec<Etablissement>,
    resultats: Vec<ResultatRecherche>,
    suivant: Option<String>,
    peut_creer: bool,
    hors_perimetre: Option<Offre>,
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/resultats.html")]
struct ResultsPartial {
    q: String,
    etablissement: Option<i64>,
    resultats: Vec<ResultatRecherche>,
    suivant: Option<String>,
    hors_perimetre: Option<Offre>,
}

impl RecherchePage {
    fn selected(&self, id: &i64) -> bool {
        self.etablissement == Some(*id)
    }
}

/// What the results table (the page and its htmx partial alike) shows of each row.
trait Resultats {
    fn criteres(&self) -> (&str, Option<i64>);
    fn statut(&self, s: &StatutIdentite) -> &'static str {
        s.label_fr()
    }
    fn next_url(&self, cursor: &str) -> String {
        let (q, etablissement) = self.criteres();
        next_url(q, etablissement, cursor)
    }
    /// What the polite live region says: « 4 usagers trouvés », and whether more follow.
    fn annonce(&self) -> String {
        let (q, _) = self.criteres();
        let (n, plus) = self.compte();
        match (n, plus) {
            (0, _) if q.trim().is_empty() => "Aucun usager dans votre périmètre.".to_string(),
            (0, _) => "Aucun usager trouvé.".to_string(),
            (1, false) => "1 usager trouvé.".to_string(),
            (n, false) => format!("{n} usagers trouvés."),
            (n, true) => format!("{n} premiers usagers trouvés ; d'autres suivent."),
        }
    }
    fn compte(&self) -> (usize, bool);
}

impl Resultats for RecherchePage {
    fn criteres(&self) -> (&str, Option<i64>) {
        (&self.q, self.etablissement)
    }
    fn compte(&self) -> (usize, bool) {
        (self.resultats.len(), self.suivant.is_some())
    }
}

impl Resultats for ResultsPartial {
    fn criteres(&self) -> (&str, Option<i64>) {
        (&self.q, self.etablissement)
    }
    fn compte(&self) -> (usize, bool) {
        (self.resultats.len(), self.suivant.is_some())
    }
}

fn next_url(q: &str, etab: Option<i64>, cursor: &str) -> String {
    let e = etab
        .map(|e| format!("&etablissement={e}"))
        .unwrap_or_default();
    format!(
        "/usagers?q={}{e}&cursor={}",
        urlencode(q),
        urlencode(cursor)
    )
}

/// Search query string.
#[derive(Deserialize)]
pub struct RechercheQuery {
    q: Option<String>,
    /// A string: the form sends `etablissement=` for "all".
    etablissement: Option<String>,
    cursor: Option<String>,
}

/// GET /usagers: search (htmx updates the results as one types).
pub async fn recherche_page(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Query(q): Query<RechercheQuery>,
) -> WebResult<Response> {
    let m = matrix(&app).await?;
    let cap = authorize_recherche(&app.store, &m, &me.principal, Utc::now()).await?;
    if me.user.role == Role::Usager {
        if let Some(id) = me.user.usager_id {
            return Ok(axum::response::Redirect::to(&format!("/usagers/{id}")).into_response());
        }
    }
    let texte = q.q.clone().unwrap_or_default();
    let etablissement = q
        .etablissement
        .as_deref()
        .and_then(|e| e.trim().parse::<i64>().ok());
    // Nothing typed lists everyone of the scope (in the établissement chosen), by name.
    let r = Recherche {
        texte: texte.clone(),
        etablissement,
        limit: 25,
        cursor: q.cursor.clone(),
    };
    let (resultats, suivant) = app.store.rechercher_usagers(&cap, &r, Utc::now()).await?;
    // Nobody in scope: an exact identity may match a file outside it (break-the-glass).
    let hors_perimetre = if resultats.is_empty() && q.cursor.is_none() {
        Offre::pour(&app, &cap, &texte).await?
    } else {
        None
    };
    if headers.contains_key("hx-request") && !headers.contains_key("hx-boosted") {
        return Ok(ResultsPartial {
            q: texte,
            etablissement,
            resultats,
            suivant,
            hors_perimetre,
        }
        .into_response());
    }
    let etablissements = app
        .store
        .etablissements(Some(&me.user.etablissements))
        .await?;
    let peut_creer = m.permet(me.user.role, Section::Administratif, Action::Ecrire)
        && me.user.role.est_professionnel();
    Ok(RecherchePage {
        layout: Layout::new(&me, "Usagers", "usagers"),
        q: texte,
        etablissement,
        etablissements,
        resultats,
        suivant,
        peut_creer,
        hors_perimetre,
    }
    .into_response())
}

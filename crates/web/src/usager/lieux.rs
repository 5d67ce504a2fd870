//! The birthplace lookup of the identity forms (issue 16, item 4): a name typed, the places of
//! the Code officiel géographique that match, each with the label the form takes back
//! (« Reims (51) »). Reference data, no person's: any account may read it.

use axum::extract::Query;
use dui_domain::lieux::{chercher, GenreLieu, Lieu};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::pagination::{self, Pagination};
use crate::WebResult;

/// The most places one search returns (over its pages).
const MAX: usize = 50;

/// A place proposed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LieuPropose {
    /// COG code (5 characters; `99` + INSEE code for a country).
    pub code: &'static str,
    /// What the form shows and takes back: « Reims (51) », « Espagne ».
    pub libelle: String,
    /// Département (`99` abroad).
    pub departement: &'static str,
    /// Commune, arrondissement, commune déléguée, former code or country.
    pub genre: GenreLieu,
}

impl From<Lieu> for LieuPropose {
    fn from(l: Lieu) -> Self {
        Self {
            code: l.code,
            libelle: l.libelle(),
            departement: l.departement,
            genre: l.genre,
        }
    }
}

/// `?q=&limit=&cursor=`.
#[derive(Deserialize)]
pub struct LieuxQuery {
    q: Option<String>,
    #[serde(flatten)]
    page: Pagination,
}

/// GET /api/v1/lieux-naissance?q=reims: the birthplaces whose name (or code) matches.
pub async fn api_lieux(
    _me: CurrentUser,
    Query(q): Query<LieuxQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let items: Vec<LieuPropose> = chercher(q.q.as_deref().unwrap_or(""), MAX)
        .into_iter()
        .map(LieuPropose::from)
        .collect();
    pagination::en_memoire(&q.page, &pagination::LIEUX_NAISSANCE, items)
}

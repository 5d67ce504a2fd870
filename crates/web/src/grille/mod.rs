//! Evaluation grids: the public AGGIR calculator (no person data: nothing is stored, nothing
//! about anyone is read, so no login is needed).

use axum::routing::post;
use axum::{Json, Router};
use dui_domain::grille::saisie::{GrilleAggir, SaisieAggir};
use dui_domain::saisie::Champ;
use serde_json::{json, Value};

use crate::forms::ApiJson;
use crate::saisie::Champs;
use crate::{App, AppError, WebResult};

impl Champs for SaisieAggir {
    /// Only codes and adverb letters: no free text.
    const CHAMPS: &'static [Champ] = &[];
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new().route("/grilles/aggir/calcul", post(calcul))
}

/// The JSON answer of an evaluated AGGIR grid: `gir` and `rang`, and, when the adverbs were
/// sent, the derived `variables` and each sub-variable's code.
pub fn resultat_json(g: &GrilleAggir) -> Value {
    let mut v = json!({"gir": g.resultat.gir.numero(), "rang": g.resultat.rang});
    if let Some(subs) = &g.sous_variables {
        v["variables"] = json!(g
            .variables
            .iter()
            .map(|(k, m)| (k.to_string(), m.lettre()))
            .collect::<std::collections::BTreeMap<_, _>>());
        v["sous_variables"] = json!(subs
            .iter()
            .map(|(k, (_, m))| (k.to_string(), m.lettre()))
            .collect::<std::collections::BTreeMap<_, _>>());
    }
    v
}

/// POST /api/v1/grilles/aggir/calcul
pub async fn calcul(ApiJson(saisie): ApiJson<SaisieAggir>) -> WebResult<Json<Value>> {
    let g = saisie.evaluer().map_err(AppError::fields)?;
    Ok(Json(resultat_json(&g)))
}

//! Evaluation grids: the public AGGIR calculator (no person data: nothing is stored, nothing
//! about anyone is read, so no login is needed).

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use dui_domain::grille::saisie::{GrilleAggir, SaisieAggir};
use dui_domain::saisie::{self as lim, Champ};
use std::collections::BTreeMap;

use dui_domain::grille::definition::Definition;
use serde::Serialize;

pub mod gmp;
pub mod graphique;

use crate::auth::CurrentUser;
use crate::forms::ApiJson;
use crate::saisie::Champs;
use crate::{App, AppError, WebResult};

/// A modality is one letter.
const MODALITE: usize = 1;

impl Champs for SaisieAggir {
    /// Only codes (one letter) and adverbs (booleans): no free text.
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("coherence", MODALITE),
        Champ::ligne("orientation", MODALITE),
        Champ::ligne("toilette", MODALITE),
        Champ::ligne("habillage", MODALITE),
        Champ::ligne("alimentation", MODALITE),
        Champ::ligne("elimination", MODALITE),
        Champ::ligne("transferts", MODALITE),
        Champ::ligne("deplacements_interieurs", MODALITE),
        Champ::ligne("deplacements_exterieurs", MODALITE),
        Champ::ligne("alerter", MODALITE),
        Champ::ligne("gestion", MODALITE),
        Champ::ligne("cuisine", MODALITE),
        Champ::ligne("menage", MODALITE),
        Champ::ligne("transports", MODALITE),
        Champ::ligne("achats", MODALITE),
        Champ::ligne("suivi_traitement", MODALITE),
        Champ::ligne("activites_temps_libre", MODALITE),
    ];
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/grilles", get(liste).post(ajouter))
        .route("/grilles/{grille}", get(une))
        .route("/grilles/aggir/calcul", post(calcul))
        .route("/etablissements/{id}/gmp", get(gmp::api))
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new().route("/etablissements/{id}/gmp", get(gmp::page))
}

impl Champs for Definition {
    /// The texts of a grid definition, by key at any depth (`id` of the grid, a question, a
    /// result; `libelle` of a question, an option, a result, a reading).
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("id", lim::CODE),
        Champ::ligne("version", 20),
        Champ::ligne("titre", lim::LIBELLE),
        Champ::texte("source", lim::COMMENTAIRE),
        Champ::ligne("algorithme", lim::CODE),
        Champ::ligne("libelle", lim::LIBELLE),
        Champ::texte("aide", lim::MOTIF),
        Champ::ligne("type", lim::CODE),
        Champ::ligne("valeur", lim::CODE),
        Champ::ligne("question", lim::CODE),
        Champ::ligne("egal", lim::CODE),
        Champ::ligne("somme", lim::CODE),
    ];
}

/// POST /api/v1/grilles (administrators): publishes a custom grid version, the body being its
/// definition (format of `reference/grilles/`); 201 with the grid as listed, 409 when that
/// version exists, 422 naming the place at fault. Usable in evaluations at once.
pub async fn ajouter(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(d): ApiJson<Definition>,
) -> WebResult<(axum::http::StatusCode, Json<GrilleResume>)> {
    me.require_admin()?;
    d.verifier().map_err(|m| AppError::field("definition", m))?;
    let id = d.id.clone();
    app.grilles
        .ajouter(&app.store, &me.principal.actor(), d, chrono::Utc::now())
        .await?;
    let d = app.grilles.courante(&id).ok_or(AppError::NotFound)?;
    Ok((axum::http::StatusCode::CREATED, Json(resume(&app, &d))))
}

/// A grid as listed.
fn resume(app: &App, d: &Definition) -> GrilleResume {
    GrilleResume {
        id: d.id.clone(),
        version: d.version.clone(),
        titre: d.titre.clone(),
        source: d.source.clone(),
        algorithme: d.algorithme.clone(),
        versions: app
            .grilles
            .versions(&d.id)
            .iter()
            .map(|v| v.version.clone())
            .collect(),
    }
}

/// GET /api/v1/grilles: the current version of every grid, with the versions known (by id;
/// the cursor is the last id of the page).
pub async fn liste(
    State(app): State<App>,
    Query(p): Query<crate::pagination::Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let limit = crate::pagination::limit(p.limit.as_deref(), &crate::pagination::GRILLES)?;
    app.grilles.a_jour(&app.store).await?;
    let after = p.cursor.unwrap_or_default();
    let mut page: Vec<_> = app
        .grilles
        .courantes()
        .into_iter()
        .filter(|d| d.id > after)
        .take(limit as usize + 1)
        .collect();
    let next = (page.len() as i64 > limit).then(|| {
        page.truncate(limit as usize);
        page.last().map(|d| d.id.clone())
    });
    let items: Vec<GrilleResume> = page.iter().map(|d| resume(&app, d)).collect();
    Ok(crate::reponses::liste(items, next.flatten()))
}

/// `?version=`.
#[derive(serde::Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// GET /api/v1/grilles/{grille}?version=: a definition (the current one by default).
pub async fn une(
    State(app): State<App>,
    Path(grille): Path<String>,
    Query(q): Query<VersionQuery>,
) -> WebResult<Json<Definition>> {
    app.grilles.a_jour(&app.store).await?;
    let d = match q.version.as_deref() {
        Some(v) => app.grilles.version(&grille, v),
        None => app.grilles.courante(&grille),
    };
    let d = d.ok_or(AppError::NotFound)?;
    Ok(Json(Definition::clone(&d)))
}

/// The answer of the AGGIR calculator: `gir` and `rang`, and, when the adverbs were sent, the
/// derived `variables` and each sub-variable's code.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CalculAggir {
    /// GIR 1..=6.
    pub gir: u8,
    /// Rank 1..=13.
    pub rang: u8,
    /// Codes of the variables (adverbs sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<BTreeMap<String, String>>,
    /// Codes of the sub-variables (adverbs sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sous_variables: Option<BTreeMap<String, String>>,
}

impl CalculAggir {
    /// From an evaluated grid.
    pub fn de(g: &GrilleAggir) -> CalculAggir {
        let adverbes = g.sous_variables.as_ref();
        CalculAggir {
            gir: g.resultat.gir.numero(),
            rang: g.resultat.rang,
            variables: adverbes.map(|_| {
                g.variables
                    .iter()
                    .map(|(k, m)| (k.to_string(), m.code().to_string()))
                    .collect()
            }),
            sous_variables: adverbes.map(|subs| {
                subs.iter()
                    .map(|(k, (_, m))| (k.to_string(), m.code().to_string()))
                    .collect()
            }),
        }
    }
}

/// A grid in the list: its current version and every version known.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GrilleResume {
    /// Id.
    pub id: String,
    /// Current version.
    pub version: String,
    /// Title.
    pub titre: String,
    /// Source.
    pub source: String,
    /// Official algorithm, if any.
    pub algorithme: Option<String>,
    /// Every version, oldest first.
    pub versions: Vec<String>,
}

/// POST /api/v1/grilles/aggir/calcul
pub async fn calcul(ApiJson(saisie): ApiJson<SaisieAggir>) -> WebResult<Json<CalculAggir>> {
    let g = saisie.evaluer().map_err(AppError::fields)?;
    Ok(Json(CalculAggir::de(&g)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dui_domain::grille::aggir::{Illustrative, Variable};

    #[test]
    fn every_variable_is_bounded_to_one_letter() {
        let keys: Vec<&str> = SaisieAggir::CHAMPS.iter().map(|c| c.nom).collect();
        let expected: Vec<&str> = Variable::ALL
            .iter()
            .map(|v| v.code())
            .chain(Illustrative::ALL.iter().map(|v| v.code()))
            .collect();
        assert_eq!(keys, expected);
        assert!(SaisieAggir::CHAMPS.iter().all(|c| c.max == 1));
    }
}

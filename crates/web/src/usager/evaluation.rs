//! `/api/v1/usagers/{id}/evaluations`: evaluations of a person with a grid (section
//! *Accompagnement*). The answers are checked against the grid's current version (422 naming
//! each question or variable at fault), the store computes the results again and keeps the
//! version used.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{NaiveDate, Utc};
use dui_domain::grille::definition::Definition;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::Capability;
use dui_store::usager::{Evaluation, NouvelleEvaluation};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

use super::capability;
use crate::auth::CurrentUser;
use crate::forms::ApiJson;
use crate::pagination;
use crate::reponses::expected_version;
use crate::saisie::Champs;
use crate::{App, AppError, WebResult};

/// The body of a new evaluation or of a draft's change.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EvaluationBody {
    /// Grid id (`aggir`, `braden`…).
    grille: String,
    /// For a draft's change: the grid version (default: the draft's own).
    #[serde(default)]
    grille_version: Option<String>,
    /// The answers (for AGGIR: the body of `POST /api/v1/grilles/aggir/calcul`).
    #[schema(value_type = Object)]
    reponses: Value,
    /// `AAAA-MM-JJ` (default: today, Paris time).
    #[serde(default)]
    date_evaluation: Option<String>,
    /// Comment.
    #[serde(default)]
    commentaire: Option<String>,
    /// Validate at once (needs the right to validate).
    #[serde(default)]
    valider: bool,
    /// The validated evaluation this one corrects.
    #[serde(default)]
    corrige: Option<i64>,
    /// The draft's version (or `If-Match`).
    #[serde(default)]
    version: Option<i64>,
}

impl Champs for EvaluationBody {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("grille", lim::CODE),
        Champ::ligne("grille_version", lim::CODE),
        Champ::ligne("date_evaluation", lim::DATE),
        Champ::texte("commentaire", lim::COMMENTAIRE),
    ];
}

/// `{"version": n}` (validation).
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct VersionSeule {
    #[serde(default)]
    version: Option<i64>,
}

impl Champs for VersionSeule {
    const CHAMPS: &'static [Champ] = &[];
}

/// `?grille=&limit=&cursor=`.
#[derive(Deserialize)]
pub struct ListeQuery {
    grille: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

fn inconnue(id: &str) -> AppError {
    AppError::field("grille", format!("Grille inconnue : « {id} »."))
}

/// The definition: the given version, or the current one.
fn definition(app: &App, id: &str, version: Option<&str>) -> WebResult<Arc<Definition>> {
    match version {
        Some(v) => app.grilles.version(id, v).ok_or_else(|| {
            AppError::field(
                "grille_version",
                format!("Version « {v} » inconnue pour la grille « {id} »."),
            )
        }),
        None => app.grilles.courante(id).ok_or_else(|| inconnue(id)),
    }
}

/// Checks the body's answers and builds what the store takes.
fn parse(
    app: &App,
    b: &EvaluationBody,
    version: Option<&str>,
) -> WebResult<(Arc<Definition>, NouvelleEvaluation)> {
    let def = definition(app, &b.grille, version)?;
    def.evaluer(&b.reponses).map_err(AppError::fields)?;
    let date_evaluation = match b
        .date_evaluation
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            AppError::field("date_evaluation", "Date invalide : AAAA-MM-JJ attendu.")
        })?,
        None => crate::time::paris_today(Utc::now()),
    };
    let commentaire = b
        .commentaire
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    Ok((
        def,
        NouvelleEvaluation {
            date_evaluation,
            reponses: b.reponses.clone(),
            commentaire,
            valider: b.valider,
            corrige_id: b.corrige,
        },
    ))
}

/// An evaluation as the API shows it: with its grid's title in the version used.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EvaluationVue {
    /// The stored evaluation.
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// Title of the grid in the version used.
    pub grille_titre: Option<String>,
}

pub(crate) fn evaluation_vue(app: &App, e: Evaluation) -> EvaluationVue {
    EvaluationVue {
        grille_titre: app
            .grilles
            .version(&e.grille, &e.grille_version)
            .map(|d| d.titre.clone()),
        evaluation: e,
    }
}

/// GET /api/v1/usagers/{id}/evaluations
pub async fn api_liste(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(q): Query<ListeQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let limit = pagination::limit(q.limit.as_deref(), &pagination::EVALUATIONS)?;
    app.grilles.a_jour(&app.store).await?;
    let avant = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(c.parse::<i64>().map_err(|_| pagination::bad_cursor())?),
        None => None,
    };
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let grille = q.grille.as_deref().filter(|g| !g.is_empty());
    let mut items = app
        .store
        .evaluations(&cap, grille, avant, limit + 1)
        .await?;
    let next = (items.len() as i64 > limit).then(|| {
        items.truncate(limit as usize);
        items.last().map(|e| e.id.to_string())
    });
    let items: Vec<EvaluationVue> = items.into_iter().map(|e| evaluation_vue(&app, e)).collect();
    Ok(crate::reponses::liste(items, next.flatten()))
}

/// Evaluation `eid` of the capability's file as the API answers it (404 if absent).
async fn relire(app: &App, cap: &Capability, eid: i64) -> WebResult<Json<EvaluationVue>> {
    let e = app.store.evaluation(cap, eid).await?;
    Ok(Json(evaluation_vue(app, e.ok_or(AppError::NotFound)?)))
}

/// GET /api/v1/usagers/{id}/evaluations/{eid}
pub async fn api_get(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, eid)): Path<(UsagerId, i64)>,
) -> WebResult<Json<EvaluationVue>> {
    app.grilles.a_jour(&app.store).await?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    relire(&app, &cap, eid).await
}

/// POST /api/v1/usagers/{id}/evaluations → 201 with `id` (and `gir` for AGGIR).
pub async fn api_create(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<EvaluationBody>,
) -> WebResult<(StatusCode, Json<EvaluationVue>)> {
    app.grilles.a_jour(&app.store).await?;
    let (def, n) = parse(&app, &b, None)?;
    let action = if n.valider {
        Action::Valider
    } else {
        Action::Ecrire
    };
    let cap = capability(&app, &me, id, Section::Accompagnement, action).await?;
    let e = app.store.ajouter_evaluation(&cap, &def, &n).await?;
    Ok((StatusCode::CREATED, Json(evaluation_vue(&app, e))))
}

/// PUT /api/v1/usagers/{id}/evaluations/{eid}: changes a draft (If-Match or `version`).
pub async fn api_update(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, eid)): Path<(UsagerId, i64)>,
    ApiJson(b): ApiJson<EvaluationBody>,
) -> WebResult<Json<EvaluationVue>> {
    let version = expected_version(&headers, b.version)?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Ecrire).await?;
    app.grilles.a_jour(&app.store).await?;
    let (def, n) = parse(&app, &b, b.grille_version.as_deref())?;
    app.store
        .modifier_evaluation(&cap, &def, eid, version, &n)
        .await?;
    relire(&app, &cap, eid).await
}

/// POST /api/v1/usagers/{id}/evaluations/{eid}/validation (If-Match or `version`).
pub async fn api_valider(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, eid)): Path<(UsagerId, i64)>,
    ApiJson(b): ApiJson<VersionSeule>,
) -> WebResult<Json<EvaluationVue>> {
    let version = expected_version(&headers, b.version)?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
    app.store.valider_evaluation(&cap, eid, version).await?;
    relire(&app, &cap, eid).await
}

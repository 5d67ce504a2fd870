//! `/api/v1/usagers…` JSON endpoints.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::{authorize_recherche, open_file};
use dui_store::usager::Recherche;
use serde::Deserialize;

use super::extracteurs::ListeDossier;
use super::fields::{stored_traits, IdentiteFields};
use super::{capability, create as create_usager, doublons_error, matrix, Creation};
use crate::auth::CurrentUser;
use crate::corps::{AccesOuvert, Dossier, UsagerCree, VersionIdentite};
use crate::forms::ApiJson;
use crate::pagination;
use crate::reponses::expected_version;
use crate::{App, AppError, WebResult};

/// Search query.
#[derive(Deserialize)]
pub struct RechercheQuery {
    q: Option<String>,
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    etablissement: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// GET /api/v1/usagers?q=
pub async fn recherche(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<RechercheQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    let m = matrix(&app).await?;
    let cap = authorize_recherche(&app.store, &m, &me.principal, Utc::now()).await?;
    // The search's cursor is its sort key and an id: `KEY|ID`.
    let bad = |c: &str| {
        c.rsplit_once('|')
            .is_none_or(|(_, id)| id.parse::<i64>().is_err())
    };
    if q.cursor.as_deref().is_some_and(|c| !c.is_empty() && bad(c)) {
        return Err(pagination::bad_cursor());
    }
    let r = Recherche {
        texte: q.q.unwrap_or_default(),
        etablissement: q
            .etablissement
            .as_deref()
            .and_then(|e| e.trim().parse().ok()),
        limit: pagination::limit(q.limit.as_deref(), &pagination::USAGERS)?,
        cursor: q.cursor,
    };
    let (items, next) = app.store.rechercher_usagers(&cap, &r, Utc::now()).await?;
    Ok(crate::reponses::liste(items, next))
}

/// Creates and answers 201, or 409 with the candidates.
async fn create_api(
    app: &App,
    me: &CurrentUser,
    f: &IdentiteFields,
) -> WebResult<(StatusCode, Json<UsagerCree>)> {
    match create_usager(app, me, f, Utc::now()).await? {
        Creation::Created(id) => Ok((
            StatusCode::CREATED,
            Json(UsagerCree {
                id,
                numero: dui_store::usager::numero(id.get()),
                version: 1,
            }),
        )),
        Creation::Doublons(c) => Err(doublons_error(c)),
        Creation::InsDejaAttribuee(c) => Err(super::ins_deja_attribuee_error(c)),
    }
}

/// POST /api/v1/usagers
pub async fn create(
    State(app): State<App>,
    me: CurrentUser,
    ApiJson(f): ApiJson<IdentiteFields>,
) -> WebResult<(StatusCode, Json<UsagerCree>)> {
    create_api(&app, &me, &f).await
}

/// GET /api/v1/usagers/{id}: identity, stays and the sections the user may read.
pub async fn get(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<Json<Dossier>> {
    let m = matrix(&app).await?;
    let f = open_file(&app.store, &m, &me.principal, id, Utc::now()).await?;
    Ok(Json(Dossier {
        usager: f.usager,
        sejours: f.sejours,
        sections: f.sections.iter().map(|s| s.code().to_string()).collect(),
    }))
}

/// Saves an identity edit (shared by the API and the form).
pub(crate) async fn save_identity(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    version: i64,
    f: &IdentiteFields,
) -> WebResult<i64> {
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    let current = app.store.usager(&cap).await?.ok_or(AppError::NotFound)?;
    let new = f.validate(crate::time::paris_today(Utc::now()))?;
    let old_traits = stored_traits(&current);
    let strict_changed = old_traits.as_ref() != Some(&new.traits);
    if let Some(r) = new.input.referent_id {
        let ok = app
            .store
            .utilisateur(r)
            .await?
            .is_some_and(|u| u.actif && u.role.est_professionnel());
        if !ok {
            return Err(AppError::field(
                "referent_id",
                "Le référent doit être un compte professionnel actif.",
            ));
        }
    }
    Ok(app
        .store
        .update_identite_editee(
            &cap,
            version,
            &current,
            &new.input,
            strict_changed,
            f.nir.as_ref().map(|_| new.nir.as_deref()),
        )
        .await?)
}

/// PUT /api/v1/usagers/{id} (If-Match or `version`); a strict trait edited by hand lowers
/// the RNIV status.
pub async fn update(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<IdentiteFields>,
) -> WebResult<Json<Dossier>> {
    let version = expected_version(&headers, f.version)?;
    save_identity(&app, &me, id, version, &f).await?;
    get(State(app), me, Path(id)).await
}

/// GET /api/v1/usagers/{id}/audit: who read or changed the file.
pub async fn file_audit(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.usager_audit(&l.cap, page.after, page.limit + 1);
    Ok(pagination::repondre(page, items.await?, |e| e.id))
}

/// GET /api/v1/usagers/{id}/sejours
pub async fn sejours(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.sejours_page(&l.cap, page).await?;
    Ok(pagination::repondre(page, items, |s| s.id))
}

/// GET /api/v1/usagers/{id}/versions: earlier identity versions.
pub async fn versions(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let mut items = Vec::new();
    for (version, data, modifie_par, modifie_at) in
        l.app.store.identite_versions_page(&l.cap, page).await?
    {
        // A stored version that is not JSON is an error, never an empty one.
        let donnees = serde_json::from_str(&data)
            .map_err(|e| AppError::Internal(format!("version {version} illisible : {e}")))?;
        items.push(VersionIdentite {
            version,
            donnees,
            modifie_par,
            modifie_at,
        });
    }
    Ok(pagination::repondre(page, items, |v| v.version))
}

/// Body of an assignment.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Assign {
    utilisateur_id: i64,
}

impl crate::saisie::Champs for Assign {
    const CHAMPS: &'static [Champ] = &[];
}

/// POST /api/v1/usagers/{id}/affectations: assigns a home-care worker or a relative.
pub async fn assign(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<Assign>,
) -> WebResult<StatusCode> {
    super::affectations::affecter(&app, &me, id, b.utilisateur_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of a break-the-glass request.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DemandeAccesExceptionnel {
    motif: String,
    heures: Option<i64>,
}

impl crate::saisie::Champs for DemandeAccesExceptionnel {
    const CHAMPS: &'static [Champ] = &[Champ::texte("motif", lim::MOTIF)];
}

/// POST /api/v1/usagers/{id}/acces-exceptionnel: opens a time-limited access outside one's
/// scope, for a stated reason; shown to the referent and the direction.
pub async fn acces_exceptionnel(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<DemandeAccesExceptionnel>,
) -> WebResult<(StatusCode, Json<AccesOuvert>)> {
    let hours = b.heures.unwrap_or(4);
    let aid = app
        .store
        .ouvrir_acces_exceptionnel(&me.principal, id, &b.motif, hours, Utc::now())
        .await
        .map_err(|e| match e {
            dui_store::StoreError::Invalid(m) => AppError::field("motif", m),
            other => other.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(AccesOuvert {
            id: aid,
            heures: hours.clamp(1, dui_domain::policy::ACCES_EXCEPTIONNEL_DUREE_MAX_HEURES),
        }),
    ))
}

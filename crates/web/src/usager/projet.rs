//! `/api/v1/usagers/{id}/projets`: the personalised project (PPA, PPE) — its versions, the
//! draft (read, changed and sent back whole with its `version`), validation, signatures and
//! the differences between two versions. The page is in `projet_page`.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::projet::{Contenu, TypeProjet, CHAMPS};
use dui_domain::saisie::Champ;
use dui_store::usager::{Projet, SignatureInput, VersionProjet};
use serde::Deserialize;

use super::capability;
use super::extracteurs::ListeDemandee;
use crate::auth::CurrentUser;
use crate::corps::{DiffProjet, ProjetCourant, ProjetFait};
use crate::forms::ApiJson;
use crate::pagination::{self, Pagination};
use crate::reponses::expected_version;
use crate::{App, AppError, WebResult};

/// The errors of a content as a 422 naming each field (`contenu.objectifs[0].libelle`).
pub(crate) fn erreurs_contenu(e: Vec<(String, String)>, prefixe: &str) -> WebResult<()> {
    if e.is_empty() {
        return Ok(());
    }
    let mut m = BTreeMap::new();
    for (champ, message) in e {
        m.entry(format!("{prefixe}{champ}")).or_insert(message);
    }
    Err(AppError::fields(m))
}

/// Body of a creation: the type and the first draft.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NouveauProjet {
    #[serde(rename = "type", default)]
    #[schema(value_type = TypeProjet)]
    type_projet: String,
    #[serde(default)]
    contenu: Contenu,
}

impl crate::saisie::Champs for NouveauProjet {
    const CHAMPS: &'static [Champ] = CHAMPS;
}

/// Body of a save (the GET body is accepted: other fields are ignored).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Brouillon {
    version: Option<i64>,
    #[serde(default)]
    contenu: Contenu,
}

impl crate::saisie::Champs for Brouillon {
    const CHAMPS: &'static [Champ] = CHAMPS;
}

/// Body of a validation.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Validation {
    version: Option<i64>,
}

impl crate::saisie::Champs for Validation {
    const CHAMPS: &'static [Champ] = &[];
}

/// Body of a signature.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct SignatureBody {
    #[serde(default)]
    pub(crate) signataire: String,
    #[serde(default)]
    pub(crate) qualite: String,
    #[serde(default)]
    pub(crate) decision: String,
    pub(crate) signe_le: Option<String>,
    pub(crate) commentaire: Option<String>,
    pub(crate) version: Option<i64>,
}

impl crate::saisie::Champs for SignatureBody {
    const CHAMPS: &'static [Champ] = CHAMPS;
}

impl SignatureBody {
    /// The signature, dated today (Paris) when no date is given; 422 on a bad one.
    pub(crate) fn valider(&self) -> WebResult<SignatureInput> {
        let today = crate::time::paris_today(Utc::now()).to_string();
        let s = SignatureInput {
            signataire: self.signataire.trim().to_string(),
            qualite: self.qualite.trim().to_string(),
            decision: self.decision.trim().to_string(),
            signe_le: crate::forms::opt(&self.signe_le).unwrap_or(today),
            commentaire: crate::forms::opt(&self.commentaire),
        };
        let e = s.erreurs();
        if !e.is_empty() {
            return Err(AppError::fields(
                e.into_iter().map(|(c, m)| (c.to_string(), m)).collect(),
            ));
        }
        Ok(s)
    }
}

/// Query of a diff.
#[derive(Deserialize)]
pub struct DiffQuery {
    de: Option<String>,
    a: Option<String>,
}

/// A project with its current version (the draft if one is open, else the last validated
/// one): the body its PUT accepts.
fn projet_courant(p: Projet, v: Option<VersionProjet>) -> ProjetCourant {
    match v {
        Some(v) => ProjetCourant {
            projet: p,
            numero: Some(v.numero),
            statut: Some(v.statut),
            contenu: Some(v.contenu),
            signatures: v.signatures,
            modifie_at: Some(v.modifie_at),
            valide_at: v.valide_at,
        },
        None => ProjetCourant {
            projet: p,
            numero: None,
            statut: None,
            contenu: None,
            signatures: Vec::new(),
            modifie_at: None,
            valide_at: None,
        },
    }
}

/// GET /api/v1/usagers/{id}/projets
pub async fn api_list(l: ListeDemandee) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let cap = l.lecture(Section::Accompagnement).await?;
    let items = l.app.store.projets_page(&cap, page).await?;
    Ok(pagination::repondre(page, items, |p| p.id))
}

/// POST /api/v1/usagers/{id}/projets
pub async fn api_create(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<NouveauProjet>,
) -> WebResult<(StatusCode, Json<ProjetFait>)> {
    let t = TypeProjet::from_code(b.type_projet.trim()).ok_or_else(|| {
        AppError::field(
            "type",
            "Le type de projet est « ppa » (projet personnalisé) ou « ppe » (projet pour l'enfant).",
        )
    })?;
    erreurs_contenu(b.contenu.erreurs(t), "contenu.")?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Ecrire).await?;
    let pid = app.store.create_projet(&cap, t, &b.contenu).await?;
    Ok((
        StatusCode::CREATED,
        Json(ProjetFait {
            id: pid,
            numero: 1,
            version: 1,
        }),
    ))
}

/// The project and its current version.
async fn courant(
    app: &App,
    cap: &dui_store::policy::Capability,
    pid: i64,
) -> WebResult<(Projet, Option<VersionProjet>)> {
    let p = app
        .store
        .projet(cap, pid)
        .await?
        .ok_or(AppError::NotFound)?;
    let n = p.brouillon.or(p.derniere_validee);
    let v = match n {
        Some(n) => app.store.projet_version(cap, pid, n).await?,
        None => None,
    };
    Ok((p, v))
}

/// GET /api/v1/usagers/{id}/projets/{pid}: the project and its current version.
pub async fn api_get(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, pid)): Path<(UsagerId, i64)>,
) -> WebResult<Json<ProjetCourant>> {
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let (p, v) = courant(&app, &cap, pid).await?;
    Ok(Json(projet_courant(p, v)))
}

/// PUT /api/v1/usagers/{id}/projets/{pid}: saves the draft (If-Match or `version`).
pub async fn api_update(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(UsagerId, i64)>,
    ApiJson(b): ApiJson<Brouillon>,
) -> WebResult<Json<ProjetCourant>> {
    let version = expected_version(&headers, b.version)?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Ecrire).await?;
    let v = app
        .store
        .save_brouillon(&cap, pid, version, &b.contenu)
        .await?;
    let (p, cur) = courant(&app, &cap, pid).await?;
    debug_assert_eq!(p.version, v);
    Ok(Json(projet_courant(p, cur)))
}

/// POST /api/v1/usagers/{id}/projets/{pid}/validation
pub async fn api_validate(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(UsagerId, i64)>,
    ApiJson(b): ApiJson<Validation>,
) -> WebResult<Json<ProjetFait>> {
    let version = expected_version(&headers, b.version)?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
    let today = crate::time::paris_today(Utc::now());
    let numero = app.store.valider_projet(&cap, pid, version, today).await?;
    Ok(Json(ProjetFait {
        id: pid,
        numero,
        version: version + 1,
    }))
}

/// GET /api/v1/usagers/{id}/projets/{pid}/versions
pub async fn api_versions(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, pid)): Path<(UsagerId, i64)>,
    Query(p): Query<Pagination>,
) -> WebResult<crate::reponses::JsonListe> {
    let page = p.page(&pagination::PROJET_VERSIONS)?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let items = app.store.projet_versions_page(&cap, pid, page).await?;
    Ok(pagination::repondre(page, items, |v| v.numero))
}

/// GET /api/v1/usagers/{id}/projets/{pid}/versions/{numero}
pub async fn api_version(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, pid, numero)): Path<(UsagerId, i64, i64)>,
) -> WebResult<Json<VersionProjet>> {
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let v = app
        .store
        .projet_version(&cap, pid, numero)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(v))
}

/// POST /api/v1/usagers/{id}/projets/{pid}/versions/{numero}/signatures
pub async fn api_sign(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, pid, numero)): Path<(UsagerId, i64, i64)>,
    ApiJson(b): ApiJson<SignatureBody>,
) -> WebResult<(StatusCode, Json<ProjetFait>)> {
    let version = expected_version(&headers, b.version)?;
    let s = b.valider()?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Valider).await?;
    let v = app
        .store
        .signer_projet(&cap, pid, numero, version, &s)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ProjetFait {
            id: pid,
            numero,
            version: v,
        }),
    ))
}

/// A version number of a query (`?de=`, `?a=`).
pub(crate) fn numero(champ: &str, v: Option<&str>) -> WebResult<i64> {
    v.map(str::trim)
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            AppError::field(
                champ,
                "Indiquez le numéro d'une version du projet (entier positif).",
            )
        })
}

/// GET /api/v1/usagers/{id}/projets/{pid}/diff?de=1&a=2
pub async fn api_diff(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, pid)): Path<(UsagerId, i64)>,
    Query(q): Query<DiffQuery>,
) -> WebResult<Json<DiffProjet>> {
    let de = numero("de", q.de.as_deref())?;
    let a = numero("a", q.a.as_deref())?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let d = app.store.projet_diff(&cap, pid, de, a).await?;
    Ok(Json(DiffProjet {
        de,
        a,
        differences: d,
    }))
}

//! The file's lists in `/api/v1` (duplicates, merges, circle, professionals, stays, identity
//! versions, the file's audit) and the shared directory, each a page (`?limit=&cursor=`, see
//! `crate::pagination`); and one entry of the circle, whose body its PUT accepts.

use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_store::usager::{candidats_montres, DroitDoublons, Entourage, TraitsCompares};
use serde::Deserialize;

use super::capability;
use super::extracteurs::ListeDossier;
use crate::auth::CurrentUser;
use crate::pagination::{self, Pagination};
use crate::{App, AppError, WebResult};

/// GET /api/v1/usagers/{id}/doublons: probable duplicates of an existing file.
pub async fn api_doublons(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let u = l
        .app
        .store
        .usager(&l.cap)
        .await?
        .ok_or(AppError::NotFound)?;
    let date_naissance = u.date_naissance.to_string();
    let t = TraitsCompares {
        nom_naissance: &u.nom_naissance,
        nom_utilise: u.nom_utilise.as_deref(),
        premier_prenom: &u.premier_prenom,
        date_naissance: &date_naissance,
        ins: u.matricule_ins.as_deref(),
        prenoms: &u.prenoms_naissance,
    };
    let m = super::matrix(&l.app).await?;
    let droit = DroitDoublons::Dossier(&l.cap, &l.me.principal);
    let items = l
        .app
        .store
        .doublons_probables(droit, &m, &t, Utc::now())
        .await?;
    // The detection finds the candidates whole (a few): the page is cut from them.
    pagination::en_memoire(&l.p, l.liste, candidats_montres(&items))
}

/// GET /api/v1/usagers/{id}/fusions
pub async fn api_fusions(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.fusions_page(&l.cap, page).await?;
    Ok(pagination::repondre(page, items, |f| f.id))
}

/// GET /api/v1/usagers/{id}/entourage
pub async fn api_entourage(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.entourage_page(&l.cap, page).await?;
    Ok(pagination::repondre(page, items, |e| e.id))
}

/// GET /api/v1/usagers/{id}/entourage/{eid}: one person of the circle, as its PUT takes it.
pub async fn api_entourage_entry(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, eid)): Path<(UsagerId, i64)>,
) -> WebResult<Json<Entourage>> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Lire).await?;
    let e = app.store.entourage_entry(&cap, eid).await?;
    Ok(Json(e.ok_or(AppError::NotFound)?))
}

/// GET /api/v1/usagers/{id}/professionnels
pub async fn api_professionnels(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    pagination::pros_page(&l.app, &l.cap, &l.p).await
}

/// Directory query.
#[derive(Deserialize)]
pub struct DirectoryQuery {
    q: Option<String>,
    #[serde(flatten)]
    page: Pagination,
}

/// GET /api/v1/professionnels?q=: the organisation's shared directory.
pub async fn api_directory(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<DirectoryQuery>,
) -> WebResult<crate::reponses::JsonListe> {
    if !me.user.role.est_professionnel() {
        return Err(AppError::Forbidden(
            "L'annuaire est réservé aux professionnels.".into(),
        ));
    }
    let page = q.page.page(&pagination::ANNUAIRE)?;
    let texte = q.q.as_deref().unwrap_or("");
    let items = app.store.professionnels_page(texte, page).await?;
    Ok(pagination::repondre(page, items, |p| p.id))
}

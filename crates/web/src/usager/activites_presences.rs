//! Activities (issue 13, COO-1): a session's attendance and status, and the person's
//! participation history (API). The activities and their sessions are in `activites`.

use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::NaiveDate;
use dui_domain::activite::{Assiduite, StatutSeance, TypeActivite};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::policy::CapaciteActivites;
use dui_store::usager::{FeuillePresence, FiltreParticipation, PresenceSaisie};
use serde::{Deserialize, Serialize};

use super::capability;
use super::sejours::{code_parmi, jour};
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors};
use crate::pagination::{self, Pagination};
use crate::reponses::expected_version;
use crate::{App, AppError, WebResult};

use super::activites::capacite_seance;
use super::extracteurs::CorpsApi;

/// A line of the attendance as the PUT takes it (the GET's `personnes`).
#[derive(Deserialize, Serialize, Clone, utoipa::ToSchema)]
pub struct PresenceLigne {
    /// The person.
    #[schema(value_type = i64)]
    pub usager_id: UsagerId,
    /// `present`, `absent`, `excuse` (`null`: not noted).
    #[serde(default)]
    pub assiduite: Option<String>,
    /// Short observation.
    #[serde(default)]
    pub observation: Option<String>,
}

/// A session's attendance as the PUT takes it: the body of the GET (lines not noted are
/// cleared).
#[derive(Deserialize, Serialize, Clone, utoipa::ToSchema)]
pub struct FeuilleCorps {
    /// The version read (or `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// The persons and their attendance.
    #[schema(max_items = 500)]
    pub personnes: Vec<PresenceLigne>,
}

impl crate::saisie::Champs for FeuilleCorps {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("assiduite", lim::CODE),
        Champ::ligne("observation", lim::AUTRE),
        Champ::ligne("nom", lim::LIBELLE),
        Champ::ligne("titre", lim::LIBELLE),
        Champ::ligne("lieu", lim::LIBELLE),
        Champ::ligne("motif", lim::MOTIF),
    ];
}

/// The attendance typed, or the refusals (by field `assiduite_<id>` for the page).
pub(crate) fn saisies(personnes: &[PresenceLigne]) -> WebResult<Vec<PresenceSaisie>> {
    if personnes.len() > 500 {
        return Err(AppError::field(
            "personnes",
            "500 personnes au plus à la fois.",
        ));
    }
    let mut e = Errors::default();
    let mut v = Vec::new();
    for p in personnes {
        let Some(c) = opt(&p.assiduite) else { continue };
        match Assiduite::from_code(&c) {
            Some(assiduite) => v.push(PresenceSaisie {
                usager_id: p.usager_id,
                assiduite,
                observation: opt(&p.observation),
            }),
            None => e.add(
                &format!("assiduite_{}", p.usager_id),
                format!("Présence inconnue : « {c} » (present, absent ou excuse)."),
            ),
        }
    }
    e.finish()?;
    Ok(v)
}

/// `{"version": n}`: the session's new version.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionSeance {
    /// The new version.
    pub version: i64,
}

/// GET /api/v1/seances/{id}/presences
pub async fn api_feuille(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Json<FeuillePresence>> {
    let cap = capacite_seance(&app, &me, id, Action::Lire).await?;
    Ok(Json(app.store.feuille_presence(&cap, id).await?))
}

/// PUT /api/v1/seances/{id}/presences
pub async fn api_presences(e: CorpsApi<i64, FeuilleCorps>) -> WebResult<Json<VersionSeance>> {
    let v = saisies(&e.f.personnes)?;
    let (cap, version) = ecriture(&e, e.f.version).await?;
    let version = e
        .app
        .store
        .enregistrer_presences_seance(&cap, e.id, version, &v)
        .await?;
    Ok(Json(VersionSeance { version }))
}

/// The writing on session `e.id` of a body read as `version` (or `If-Match`): its
/// capability and the version expected (428 without one, 403 out of scope).
async fn ecriture<B>(
    e: &CorpsApi<i64, B>,
    version: Option<i64>,
) -> WebResult<(CapaciteActivites, i64)> {
    let version = expected_version(&e.headers, version)?;
    let cap = capacite_seance(&e.app, &e.me, e.id, Action::Ecrire).await?;
    Ok((cap, version))
}

/// A session's status change.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::ToSchema)]
pub struct StatutSeanceCorps {
    /// `prevue`, `realisee`, `annulee`.
    #[serde(default)]
    pub statut: Option<String>,
    /// Motive (a cancellation).
    #[serde(default)]
    pub motif: Option<String>,
    /// The version read (or `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
}

impl crate::saisie::Champs for StatutSeanceCorps {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("statut", lim::CODE),
        Champ::texte("motif", lim::MOTIF),
    ];
}

impl StatutSeanceCorps {
    pub(crate) fn statut(&self) -> WebResult<StatutSeance> {
        code_parmi(
            "statut",
            opt(&self.statut).as_deref(),
            None,
            StatutSeance::from_code,
            "Le statut est « prevue », « realisee » ou « annulee ».",
        )
    }
}

/// POST /api/v1/seances/{id}/statut
pub async fn api_statut(e: CorpsApi<i64, StatutSeanceCorps>) -> WebResult<Json<VersionSeance>> {
    let statut = e.f.statut()?;
    let (cap, version) = ecriture(&e, e.f.version).await?;
    let motif = opt(&e.f.motif);
    let version = e
        .app
        .store
        .changer_statut_seance(&cap, e.id, version, statut, motif.as_deref())
        .await?;
    Ok(Json(VersionSeance { version }))
}

/// `?type=&du=&au=` of the history (`type`: a kind of activity, or `agenda`).
#[derive(Deserialize, Default, Serialize)]
pub struct HistoriqueQuery {
    #[serde(default, rename = "type")]
    pub type_activite: Option<String>,
    #[serde(default)]
    pub du: Option<String>,
    #[serde(default)]
    pub au: Option<String>,
}

/// A period asked: from, to (each optional).
pub(crate) type Periode = (Option<NaiveDate>, Option<NaiveDate>);

impl HistoriqueQuery {
    /// The filter and the period asked.
    pub(crate) fn filtre(&self) -> WebResult<(FiltreParticipation, Periode)> {
        let filtre = match opt(&self.type_activite).as_deref() {
            None => FiltreParticipation::Tout,
            Some("agenda") => FiltreParticipation::Agenda,
            Some(c) => {
                FiltreParticipation::Activite(TypeActivite::from_code(c).ok_or_else(|| {
                    AppError::field(
                        "type",
                        format!("Type inconnu : « {c} » (un type d'activité ou « agenda »)."),
                    )
                })?)
            }
        };
        let mut e = Errors::default();
        let du = jour(&mut e, "du", "Le début de la période", &self.du);
        let au = jour(&mut e, "au", "La fin de la période", &self.au);
        if let (Some(d), Some(a)) = (du, au) {
            if a < d {
                e.add("au", "La fin de la période doit suivre son début.");
            }
        }
        e.finish()?;
        Ok((filtre, (du, au)))
    }
}

/// `?type=&du=&au=&limit=&cursor=`.
#[derive(Deserialize, Default)]
pub struct HistoriqueListe {
    #[serde(flatten)]
    q: HistoriqueQuery,
    #[serde(flatten)]
    p: Pagination,
}

/// GET /api/v1/usagers/{id}/activites: the participation history, most recent first.
pub async fn api_historique(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    Query(l): Query<HistoriqueListe>,
) -> WebResult<crate::reponses::JsonListe> {
    let (filtre, periode) = l.q.filtre()?;
    let page = l.p.page(&pagination::HISTORIQUE_ACTIVITES)?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let items = app
        .store
        .participations_page(&cap, filtre, periode, page)
        .await?;
    Ok(pagination::repondre(page, items, |p| p.cle))
}

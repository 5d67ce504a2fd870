//! Follow-up after a discharge (GA-5): the tasks of the *Séjours* tab (given to a
//! professional of the person's team, marked done with a note) and
//! `/api/v1/usagers/{id}/suivis…`. The assignee marks their task done with the file's read,
//! even once the file is closed; anyone else needs the administrative write.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::SuiviInput;
use serde::{Deserialize, Serialize};

use super::capability;
use super::extracteurs::{FormulaireDossier, ListeDossier};
use super::formulaire_ligne::repondre;
use super::sejours::{id, jour, SejoursPage};
use crate::auth::CurrentUser;
use crate::corps::Cree;
use crate::forms::{opt, ApiJson, Errors, Form};
use crate::reponses::expected_version;
use crate::time::paris_today;
use crate::{pagination, App, AppError, Fait, Formulaire, WebResult};

/// A follow-up task as typed.
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct SuiviFields {
    /// What to do.
    libelle: Option<String>,
    /// When, `AAAA-MM-JJ`.
    echeance: Option<String>,
    /// The professional account given the task.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    assigne_a: Option<String>,
    /// The stay whose discharge it follows.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    sejour_id: Option<String>,
}

impl crate::saisie::Champs for SuiviFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("libelle", lim::LIBELLE),
        Champ::ligne("echeance", lim::DATE),
        Champ::ligne("assigne_a", 20),
        Champ::ligne("sejour_id", 20),
    ];
}

/// A task done, as typed.
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct SuiviFaitFields {
    /// What the follow-up found.
    note: Option<String>,
    /// The day it was done (default: today), `AAAA-MM-JJ`.
    date: Option<String>,
    /// The task's version (or `If-Match`).
    version: Option<i64>,
}

impl crate::saisie::Champs for SuiviFaitFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::texte("note", lim::COMMENTAIRE),
        Champ::ligne("date", lim::DATE),
        Champ::ligne("version", 20),
    ];
}

impl SuiviFields {
    fn input(&self) -> WebResult<SuiviInput> {
        let mut e = Errors::default();
        let libelle = e.required(
            "libelle",
            "À faire",
            self.libelle.as_deref().unwrap_or(""),
            lim::LIBELLE,
        );
        let echeance = jour(&mut e, "echeance", "L'échéance", &self.echeance);
        if opt(&self.echeance).is_none() {
            e.add("echeance", "L'échéance est obligatoire.");
        }
        let assigne = id(&mut e, "assigne_a", "Confié à", &self.assigne_a);
        if assigne.is_none() {
            e.add(
                "assigne_a",
                "Choisissez le professionnel à qui confier le suivi.",
            );
        }
        let sejour_id = id(&mut e, "sejour_id", "Séjour", &self.sejour_id);
        e.finish()?;
        match (echeance, assigne) {
            (Some(echeance), Some(assigne_a)) => Ok(SuiviInput {
                libelle,
                echeance,
                assigne_a,
                sejour_id,
            }),
            _ => Err(AppError::BadRequest("Suivi incomplet.".into())),
        }
    }
}

/// The form giving a follow-up task, its input ids `n-<field>`.
const CONFIER: Formulaire = Formulaire::new("suivi", "n-", Fait::SuiviConfie);
/// The form of a task done (one per task), its input ids `f-<id>-<field>`.
const FAIT: Formulaire = Formulaire::new("suivi_fait", "f-", Fait::SuiviFait);

/// POST /usagers/{id}/suivis: a task given, back to the stays confirming it; a refusal is
/// the stays again with the form as typed and its errors.
pub async fn ajout_form(p: FormulaireDossier<SuiviFields>) -> WebResult<Response> {
    let issue = async {
        let input = p.f.input()?;
        let cap = capability(&p.app, &p.me, p.id, Section::Administratif, Action::Ecrire).await?;
        Ok(p.app.store.ajouter_suivi(&cap, &input).await?)
    }
    .await;
    repondre::<SejoursPage, _, _>(&p.app, &p.me, &p.headers, p.id, &CONFIER, &p.f, issue).await
}

/// Marks task `tid` done: the assignee with the file's read, anyone else with the write.
async fn fait(
    app: &App,
    me: &CurrentUser,
    headers: &HeaderMap,
    (id, tid): (UsagerId, i64),
    f: &SuiviFaitFields,
) -> WebResult<i64> {
    let version = expected_version(headers, f.version)?;
    let mut e = Errors::default();
    let date = jour(&mut e, "date", "La date", &f.date).unwrap_or_else(|| paris_today(Utc::now()));
    let note = e.required(
        "note",
        "Note du suivi",
        f.note.as_deref().unwrap_or(""),
        lim::COMMENTAIRE,
    );
    e.finish()?;
    let lire = capability(app, me, id, Section::Administratif, Action::Lire).await?;
    let tache = app
        .store
        .suivis(&lire)
        .await?
        .into_iter()
        .find(|t| t.id == tid)
        .ok_or(AppError::NotFound)?;
    let cap = if tache.assigne_a == me.user.id {
        lire
    } else {
        capability(app, me, id, Section::Administratif, Action::Ecrire).await?
    };
    Ok(app
        .store
        .suivi_fait(&cap, tid, version, date, &note)
        .await?)
}

/// POST /usagers/{id}/suivis/{tid}/fait: back to the stays confirming it; a refusal is the
/// stays again with that task's form as typed and its errors.
pub async fn fait_form(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    Form(f): Form<SuiviFaitFields>,
) -> WebResult<Response> {
    let issue = fait(&app, &me, &headers, ids, &f).await;
    repondre::<SejoursPage, _, _>(&app, &me, &headers, ids, &FAIT, &f, issue).await
}

/// GET /api/v1/usagers/{id}/suivis
pub async fn api_liste(l: ListeDossier) -> WebResult<crate::reponses::JsonListe> {
    let page = l.page()?;
    let items = l.app.store.suivis_page(&l.cap, page).await?;
    Ok(pagination::repondre(page, items, |t| t.id))
}

/// POST /api/v1/usagers/{id}/suivis → 201.
pub async fn api_ajout(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(f): ApiJson<SuiviFields>,
) -> WebResult<(StatusCode, Json<Cree>)> {
    let input = f.input()?;
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    let tid = app.store.ajouter_suivi(&cap, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Cree {
            id: tid,
            version: 1,
        }),
    ))
}

/// POST /api/v1/usagers/{id}/suivis/{tid}/fait: the task's new version.
pub async fn api_fait(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(ids): Path<(UsagerId, i64)>,
    ApiJson(f): ApiJson<SuiviFaitFields>,
) -> WebResult<Json<Cree>> {
    let version = fait(&app, &me, &headers, ids, &f).await?;
    Ok(Json(Cree { id: ids.1, version }))
}

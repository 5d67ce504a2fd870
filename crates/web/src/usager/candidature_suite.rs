//! The moves of an application through `/api/v1/candidatures/{id}/…` (ADM-1, ADM-2): a
//! change of status, the first interview planned in a professional's agenda, and the
//! person's file created from the application (the duplicate check of every creation) or
//! linked. The rules are the store's and the domain's; this module parses and authorizes.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use dui_domain::candidature::StatutCandidature;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::usager::{Candidat, Candidature, DemandeCreation, IssueCreation, NouveauRendezVous};
use serde::{Deserialize, Serialize};

use super::candidatures::{capacite, requis};
use super::capability;
use super::sejours::{code, jour};
use crate::auth::CurrentUser;
use crate::corps::{Cree, DossierCandidature, EntretienPlanifie};
use crate::forms::{opt, ApiJson, Errors};
use crate::reponses::expected_version;
use crate::time::paris_today;
use crate::{App, AppError, WebResult};

/// A move in the flow as typed.
#[derive(Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
pub struct StatutFields {
    /// The new status (code).
    pub statut: Option<String>,
    /// Motive (mandatory for a refusal).
    pub motif: Option<String>,
    /// The version read (or `If-Match`).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for StatutFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("statut", lim::CODE),
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("version", 20),
    ];
}

impl StatutFields {
    pub(crate) fn statut(&self) -> WebResult<StatutCandidature> {
        let mut e = Errors::default();
        let s = code(
            &mut e,
            "statut",
            "Statut",
            &self.statut,
            StatutCandidature::from_code,
        );
        let s = requis(
            &mut e,
            "statut",
            "Choisissez le nouveau statut.",
            s,
            &self.statut,
        );
        e.finish()?;
        s.ok_or_else(|| AppError::field("statut", "Choisissez le nouveau statut."))
    }
}

/// The interview to plan, as typed (times in Europe/Paris, `AAAA-MM-JJTHH:MM`, or ISO 8601).
#[derive(Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
pub struct EntretienFields {
    /// The professional's account.
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    pub utilisateur_id: Option<String>,
    /// Start.
    pub debut: Option<String>,
    /// Length in minutes (60 by default).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    pub duree: Option<String>,
    /// Where.
    pub lieu: Option<String>,
    /// Object.
    pub objet: Option<String>,
    /// The application's version read (or `If-Match`).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for EntretienFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("utilisateur_id", 20),
        Champ::ligne("debut", lim::DATE + 20),
        Champ::ligne("duree", 20),
        Champ::ligne("lieu", lim::LIBELLE),
        Champ::ligne("objet", lim::LIBELLE),
        Champ::ligne("version", 20),
    ];
}

impl EntretienFields {
    pub(crate) fn rendez_vous(&self) -> WebResult<NouveauRendezVous> {
        let mut e = Errors::default();
        let pro = crate::forms::opt_int(
            &mut e,
            "utilisateur_id",
            "Professionnel",
            &self.utilisateur_id,
        );
        if pro.is_none() {
            e.add(
                "utilisateur_id",
                "Choisissez le professionnel qui mène l'entretien.",
            );
        }
        let debut = opt(&self.debut).and_then(|d| crate::time::parse_instant(&d));
        if debut.is_none() {
            e.add(
                "debut",
                "Le début doit être une date et une heure (JJ/MM/AAAA HH:MM).",
            );
        }
        let duree = crate::forms::opt_int(&mut e, "duree", "Durée", &self.duree).unwrap_or(60);
        e.finish()?;
        let (Some(utilisateur_id), Some(debut)) = (pro, debut) else {
            return Err(AppError::BadRequest("Entretien incomplet.".into()));
        };
        Ok(NouveauRendezVous {
            utilisateur_id,
            debut,
            fin: debut + chrono::Duration::minutes(duree.clamp(1, 24 * 60)),
            lieu: opt(&self.lieu),
            objet: opt(&self.objet),
        })
    }
}

/// The file to create from the application, or to link.
#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
pub struct DossierFields {
    /// Link this existing file instead of creating one.
    pub usager_id: Option<i64>,
    /// Creation: the établissement of the first stay (one of the application's; id).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    pub etablissement_id: Option<String>,
    /// Creation: entry date (today by default).
    pub date_entree: Option<String>,
    /// Creation despite probable duplicates (`oui`, authorised roles).
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    pub confirmer_doublon: Option<String>,
    /// The application's version read (or `If-Match`).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for DossierFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("usager_id", 20),
        Champ::ligne("etablissement_id", 20),
        Champ::ligne("date_entree", lim::DATE),
        Champ::ligne("confirmer_doublon", lim::CODE),
        Champ::ligne("version", 20),
    ];
}

/// Creates the person's file from application `id` (the duplicate check of every creation)
/// or links the existing one, then points the application to it: the file's id and the
/// application's new version, or the probable duplicates found (nothing created).
pub(crate) async fn dossier(
    app: &App,
    me: &CurrentUser,
    id: i64,
    version: i64,
    f: &DossierFields,
) -> WebResult<Result<(UsagerId, i64), Vec<Candidat>>> {
    let cap = capacite(app, me, Action::Ecrire).await?;
    let c = app
        .store
        .candidature(&cap, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.version != version {
        return Err(AppError::Stale);
    }
    let usager = match f.usager_id {
        Some(u) => UsagerId::from(u),
        None => match creer_dossier(app, me, &c, f).await? {
            Ok(u) => u,
            Err(candidats) => return Ok(Err(candidats)),
        },
    };
    let dossier = capability(app, me, usager, Section::Administratif, Action::Lire).await?;
    let v = app
        .store
        .rattacher_candidature(&cap, id, version, &dossier)
        .await?;
    Ok(Ok((usager, v)))
}

async fn creer_dossier(
    app: &App,
    me: &CurrentUser,
    c: &Candidature,
    f: &DossierFields,
) -> WebResult<Result<UsagerId, Vec<Candidat>>> {
    if c.usager_id.is_some() {
        return Err(AppError::Conflict {
            code: "deja_rattachee",
            message: "Cette candidature a déjà son dossier.".into(),
            extra: None,
        });
    }
    let now = Utc::now();
    let mut e = Errors::default();
    let etab = crate::forms::opt_int(
        &mut e,
        "etablissement_id",
        "Établissement",
        &f.etablissement_id,
    )
    .or_else(|| {
        c.fields
            .etablissements
            .iter()
            .copied()
            .find(|x| me.principal.etablissements.contains(x))
    });
    let entree =
        jour(&mut e, "date_entree", "La date d'entrée", &f.date_entree).unwrap_or(paris_today(now));
    e.finish()?;
    let etab = etab
        .filter(|x| c.fields.etablissements.contains(x))
        .ok_or_else(|| {
            AppError::field(
                "etablissement_id",
                "Choisissez un des établissements de la candidature.",
            )
        })?;
    let finess = app
        .store
        .etablissement(etab)
        .await?
        .ok_or(AppError::NotFound)?
        .finess
        .clone();
    let m = super::matrix(app).await?;
    let demande = DemandeCreation {
        etablissement: &finess,
        confirme: dui_domain::usager::creation::confirmation(f.confirmer_doublon.as_deref()),
    };
    let n = c.nouvel_usager(entree);
    match app
        .store
        .create_usager_checked(&me.principal, &m, demande, || Ok::<_, AppError>(n), now)
        .await?
    {
        IssueCreation::Cree(id) => Ok(Ok(id)),
        IssueCreation::Doublons(candidats) => Ok(Err(candidats)),
        IssueCreation::InsDejaAttribuee(_) => Err(AppError::Conflict {
            code: "ins_deja_attribuee",
            message: "Ce matricule INS est déjà attribué à un autre dossier.".into(),
            extra: None,
        }),
        IssueCreation::Refusee(refus) => Err(match refus.champ() {
            Some(champ) => AppError::field(champ, refus.message_fr()),
            None => AppError::Forbidden(refus.message_fr()),
        }),
    }
}

/// POST /api/v1/candidatures/{id}/statut
pub async fn api_statut(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<StatutFields>,
) -> WebResult<Json<Cree>> {
    let version = expected_version(&headers, f.version)?;
    let statut = f.statut()?;
    let cap = capacite(&app, &me, Action::Ecrire).await?;
    let v = app
        .store
        .changer_statut_candidature(&cap, id, version, statut, opt(&f.motif).as_deref())
        .await?;
    Ok(Json(Cree { id, version: v }))
}

/// POST /api/v1/candidatures/{id}/entretien → 201 with the appointment.
pub async fn api_entretien(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<EntretienFields>,
) -> WebResult<(StatusCode, Json<EntretienPlanifie>)> {
    let version = expected_version(&headers, f.version)?;
    let r = f.rendez_vous()?;
    let cap = capacite(&app, &me, Action::Ecrire).await?;
    let (rendez_vous_id, version) = app.store.planifier_entretien(&cap, id, version, &r).await?;
    Ok((
        StatusCode::CREATED,
        Json(EntretienPlanifie {
            rendez_vous_id,
            version,
        }),
    ))
}

/// POST /api/v1/candidatures/{id}/dossier → 201 with the file (created or linked).
pub async fn api_dossier(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DossierFields>,
) -> WebResult<(StatusCode, Json<DossierCandidature>)> {
    let version = expected_version(&headers, f.version)?;
    let (usager_id, version) = dossier(&app, &me, id, version, &f)
        .await?
        .map_err(super::doublons_error)?;
    Ok((
        StatusCode::CREATED,
        Json(DossierCandidature { usager_id, version }),
    ))
}

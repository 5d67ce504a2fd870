//! RNIV identity actions: document check, doubt, homonyms, duplicates and merges (INSi
//! retrieval and verification are in `insi`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::usager::{transition, EvenementIdentite};
use dui_store::policy::{authorize, Capability};
use dui_store::usager::{numero, StatutChange, Usager};
use serde::Deserialize;

use super::capability;
use super::dossier::{file_refus, IDENTITOVIGILANCE};
use super::extracteurs::FormulaireDossier;
use super::fields::{justificatif, AutreDossierForm};
use crate::auth::CurrentUser;
use crate::corps::{EtatIdentite, FusionFaite};
use crate::forms::ApiJson;
use crate::{App, AppError, ErreursFormulaire, Fait, WebResult};

/// What changed, to store with the status.
pub(super) struct Extra {
    pub ins: Option<Option<(String, String)>>,
    pub justificatif: Option<dui_domain::usager::TypeJustificatif>,
    pub ins_interroge: bool,
    pub detail: serde_json::Value,
}

/// Applies an RNIV event to the file (capability: administrative validation).
pub(super) async fn apply(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    version: Option<i64>,
    ev: EvenementIdentite,
    extra: Extra,
) -> WebResult<i64> {
    let cap = capability(app, me, id, Section::Administratif, Action::Valider).await?;
    let u = app.store.usager(&cap).await?.ok_or(AppError::NotFound)?;
    let version = version.unwrap_or(u.version);
    let (s, a) = transition(u.statut_identite, &u.attributs_identite, &ev).map_err(|e| {
        AppError::Conflict {
            code: "transition_refusee",
            message: e.message(),
            extra: None,
        }
    })?;
    // The store withdraws a retrieved INS when the status leaves RECUP/QUAL.
    let change = StatutChange {
        statut: s,
        attributs: a,
        ins: extra.ins,
        justificatif: extra.justificatif,
        ins_interroge: extra.ins_interroge,
    };
    Ok(app
        .store
        .set_statut_identite(&cap, version, &change, extra.detail)
        .await?)
}

fn is_minor(u: &Usager) -> bool {
    let today = crate::time::paris_today(Utc::now());
    u.date_naissance.age_at(today).is_some_and(|a| a < 18)
}

/// Body of a document check.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DocumentBody {
    type_justificatif: String,
    version: Option<i64>,
}

impl crate::saisie::Champs for DocumentBody {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("type_justificatif", lim::CODE)];
}

async fn document(app: &App, me: &CurrentUser, id: UsagerId, b: &DocumentBody) -> WebResult<i64> {
    if b.type_justificatif.trim().is_empty() {
        return Err(AppError::field(
            "type_justificatif",
            "Choisissez le justificatif d'identité que vous avez eu en main : rien n'est enregistré sans lui.",
        ));
    }
    let t = justificatif(&b.type_justificatif).ok_or_else(|| {
        AppError::field("type_justificatif", "Type de justificatif inconnu : passeport, carte_identite, titre_sejour, livret_famille, acte_naissance, carte_vitale ou autre.")
    })?;
    let cap = capability(app, me, id, Section::Administratif, Action::Lire).await?;
    let u = app.store.usager(&cap).await?.ok_or(AppError::NotFound)?;
    let ev = EvenementIdentite::JustificatifVerifie {
        type_justificatif: t,
        is_minor: is_minor(&u),
    };
    let extra = Extra {
        ins: None,
        justificatif: Some(t),
        ins_interroge: false,
        detail: serde_json::json!({"evenement": "justificatif", "type": b.type_justificatif}),
    };
    apply(app, me, id, b.version, ev, extra).await
}

/// POST /api/v1/usagers/{id}/identite/justificatif
pub async fn api_document(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<DocumentBody>,
) -> WebResult<Json<EtatIdentite>> {
    let v = document(&app, &me, id, &b).await?;
    status_json(&app, &me, id, v).await
}

pub(super) async fn status_json(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    version: i64,
) -> WebResult<Json<EtatIdentite>> {
    let cap = capability(app, me, id, Section::Administratif, Action::Lire).await?;
    let u = app.store.usager(&cap).await?.ok_or(AppError::NotFound)?;
    Ok(Json(EtatIdentite {
        version,
        statut_identite: u.statut_identite,
        attributs_identite: u.attributs_identite.codes(),
        matricule_ins: u.matricule_ins,
        oid_ins: u.oid_ins,
    }))
}

/// Body carrying only a version.
#[derive(Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
pub struct VersionBody {
    pub(super) version: Option<i64>,
}

impl crate::saisie::Champs for VersionBody {
    const CHAMPS: &'static [Champ] = &[];
}

/// Body of attribute changes: every change says why (kept in the audit journal).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AttributesBody {
    douteuse: Option<bool>,
    fictive: Option<bool>,
    /// Why the identity is doubtful or fictitious, or why the doubt is lifted (required).
    motif: Option<String>,
    version: Option<i64>,
}

impl crate::saisie::Champs for AttributesBody {
    const CHAMPS: &'static [Champ] = &[Champ::texte("motif", lim::MOTIF)];
}

async fn attributes(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    b: &AttributesBody,
) -> WebResult<i64> {
    let ev = match (b.douteuse, b.fictive) {
        (_, Some(true)) => EvenementIdentite::FictiveSignalee,
        (Some(true), _) => EvenementIdentite::DouteSignale,
        (Some(false), _) => EvenementIdentite::DouteLeve,
        _ => {
            return Err(AppError::field(
                "douteuse",
                "Indiquez « douteuse » (vrai ou faux) ou « fictive » (vrai).",
            ))
        }
    };
    let motif = b
        .motif
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            AppError::field(
                "motif",
                "Indiquez le motif : ce qui fait douter de l'identité, ce qui la rend fictive, ou ce qui lève le doute.",
            )
        })?;
    let extra = Extra {
        ins: None,
        justificatif: None,
        ins_interroge: false,
        detail: serde_json::json!({"evenement": format!("{ev:?}"), "motif": motif}),
    };
    apply(app, me, id, b.version, ev, extra).await
}

/// POST /api/v1/usagers/{id}/identite/attributs
pub async fn api_attributes(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<AttributesBody>,
) -> WebResult<Json<EtatIdentite>> {
    let v = attributes(&app, &me, id, &b).await?;
    status_json(&app, &me, id, v).await
}

/// The identity action form of the file page.
#[derive(Deserialize, serde::Serialize)]
pub struct StatusForm {
    action: String,
    type_justificatif: Option<String>,
    motif: Option<String>,
    version: Option<i64>,
}

impl crate::saisie::Champs for StatusForm {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("action", lim::CODE),
        Champ::ligne("type_justificatif", lim::CODE),
        Champ::texte("motif", lim::MOTIF),
        Champ::ligne("version", 20),
    ];
}

/// POST /usagers/{id}/identite/statut: recorded and confirmed, or the file page again with
/// the refusal next to the field (a document the rules refuse, a missing reason).
pub async fn status_form(p: FormulaireDossier<StatusForm>) -> WebResult<Response> {
    let (app, me, id, f) = (&p.app, &p.me, p.id, &p.f);
    let (douteuse, fictive) = match f.action.as_str() {
        "justificatif" => {
            let type_justificatif = f.type_justificatif.clone().unwrap_or_default();
            let body = DocumentBody {
                type_justificatif,
                version: f.version,
            };
            return match document(app, me, id, &body).await {
                Ok(_) => Ok(p.confirme("", Fait::JustificatifEnregistre)),
                Err(e) => en_place(&p, e, "type_justificatif").await,
            };
        }
        "douteuse" => (Some(true), None),
        "lever_doute" => (Some(false), None),
        "fictive" => (None, Some(true)),
        _ => return Err(AppError::BadRequest("Action d'identité inconnue.".into())),
    };
    let body = AttributesBody {
        douteuse,
        fictive,
        motif: f.motif.clone(),
        version: f.version,
    };
    match attributes(app, me, id, &body).await {
        Ok(_) => Ok(p.confirme("", Fait::AttributEnregistre)),
        Err(e) => en_place(&p, e, "motif").await,
    }
}

/// The file page again with the refusal `e` of the identitovigilance form whose field is
/// `champ` (a refusal of the whole action is shown next to that field too).
async fn en_place(
    p: &FormulaireDossier<StatusForm>,
    e: AppError,
    champ: &str,
) -> WebResult<Response> {
    let (status, mut erreurs) = ErreursFormulaire::depuis(e, &[champ])?;
    if erreurs.champs.is_empty() {
        if let Some(g) = erreurs.general.take() {
            erreurs = ErreursFormulaire::champ(champ, g);
        }
    }
    let saisie = (&IDENTITOVIGILANCE, crate::Saisie::de(&p.f));
    Ok(file_refus(&p.app, &p.me, p.id, saisie, (status, erreurs)).await)
}

/// Body naming another file.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct OtherBody {
    autre_id: UsagerId,
}

impl crate::saisie::Champs for OtherBody {
    const CHAMPS: &'static [Champ] = &[];
}

/// POST /api/v1/usagers/{id}/non-doublons: the two files are different people.
pub async fn api_non_doublon(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<OtherBody>,
) -> WebResult<StatusCode> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Valider).await?;
    capability(
        &app,
        &me,
        b.autre_id,
        Section::Administratif,
        Action::Valider,
    )
    .await?;
    app.store.confirmer_non_doublon(&cap, b.autre_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn fusionner(
    app: &App,
    me: &CurrentUser,
    keep: UsagerId,
    absorbe: UsagerId,
) -> WebResult<i64> {
    let k = capacite_fusion(app, me, keep).await?;
    let a = capacite_fusion(app, me, absorbe).await?;
    Ok(app.store.fusionner_usagers(&k, &a).await?)
}

/// The validation capability on a file to merge. A file absorbed by a merge committed just
/// before has no stay left, hence is out of everyone's scope: the merge that lost the race is
/// told so (409, as when the store sees it) rather than refused (403).
async fn capacite_fusion(app: &App, me: &CurrentUser, id: UsagerId) -> WebResult<Capability> {
    let m = super::matrix(app).await?;
    let now = Utc::now();
    let cap = authorize(
        &app.store,
        &m,
        &me.principal,
        id,
        Section::Administratif,
        Action::Valider,
        now,
    );
    match cap.await {
        Ok(c) => Ok(c),
        Err(e) if super::is_out_of_scope(&e) => match app.store.fusionne_dans(id).await? {
            Some(kept) => Err(AppError::Conflict {
                code: "conflit",
                message: format!(
                    "Le dossier {} a déjà été fusionné dans le dossier {} : la fusion n'a pas été faite. Rechargez la page.",
                    numero(id.get()),
                    numero(kept.get())
                ),
                extra: None,
            }),
            None => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// POST /api/v1/usagers/{id}/fusions `{"autre_id": N}`: merges file N into this one.
pub async fn api_fusion(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    ApiJson(b): ApiJson<OtherBody>,
) -> WebResult<(StatusCode, Json<FusionFaite>)> {
    let fid = fusionner(&app, &me, id, b.autre_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(FusionFaite {
            id: fid,
            conserve_id: id,
            absorbe_id: b.autre_id,
        }),
    ))
}

/// POST /api/v1/usagers/{id}/fusions/{fid}/annulation
pub async fn api_annuler_fusion(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, fid)): Path<(UsagerId, i64)>,
) -> WebResult<StatusCode> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Valider).await?;
    app.store.annuler_fusion(&cap, fid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// POST /usagers/{id}/fusion: merged, back to the merge page (it lists the merge with its
/// undo); a refusal (already merged, the same person…) is the merge page again with it.
pub async fn fusion_form(p: FormulaireDossier<AutreDossierForm>) -> WebResult<Response> {
    let issue = async {
        let other = p.f.autre("du dossier à fusionner")?;
        fusionner(&p.app, &p.me, p.id, other).await
    }
    .await;
    match issue {
        Ok(_) => Ok(p.confirme("/fusion", Fait::FusionFaite)),
        Err(e) => super::fusion_page::refus(&p, e).await,
    }
}

//! INSi from the file: retrieval of the INS with the search strategy (first prénom, every
//! prénom, birth place), verification of a stored INS (a search with the stored traits,
//! compared), and the one-INS-one-file rule (an INS another file holds is never attached: the
//! user is told which file, with a link and the merge when they may open it). Every call that
//! changes nothing is audited (`usager.insi`, with the fault codes); one that stores an INS is
//! audited with the status change (the step that found it, the INS history).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use dui_domain::identifiers::{InsOid, Nir};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::{traits_concordants, DateNaissance, EvenementIdentite, Sexe, TraitsIns};
use dui_interop::insi::{
    strategie, InsIdentity, Insi, InsiError, InsiOutcome, TraitsQuery, Verification,
};
use dui_store::policy::Capability;
use dui_store::usager::{Candidat, Usager};

use super::capability;
use super::dossier::{file_refus, IDENTITOVIGILANCE};
use super::extracteurs::FormulaireDossier;
use super::fields::stored_traits;
use super::identite::{apply, status_json, Extra, VersionBody};
use crate::auth::CurrentUser;
use crate::corps::EtatIdentite;
use crate::{App, AppError, ErreursFormulaire, Fait, WebResult};

/// Whom to ask when the file holding the INS is out of the user's scope.
const CONTACT_IDENTITOVIGILANCE: &str = "Adressez-vous au secrétariat ou à la direction de l'organisme (identitovigilance) : ils vérifieront s'il s'agit de la même personne et fusionneront les dossiers.";

fn insi_service(app: &App) -> WebResult<std::sync::Arc<dyn Insi>> {
    app.insi.clone().ok_or_else(|| AppError::Upstream("Le téléservice INSi n'est pas configuré sur ce serveur (section [insi] de la configuration).".into()))
}

/// The answer to a failed call, after it is recorded in the audit journal with its codes.
async fn echec(app: &App, cap: &Capability, evenement: &str, e: InsiError) -> AppError {
    let (code, detail) = e.codes();
    tracing::warn!(evenement, code, detail, error = %e, "INSi call failed");
    if !matches!(e, InsiError::Traits(_)) {
        let d = serde_json::json!({"evenement": evenement, "erreur": code, "detail": detail});
        if let Err(err) = app.store.journal_insi(cap, false, d).await {
            return err.into();
        }
    }
    match e {
        InsiError::Traits(m) => AppError::Conflict {
            code: "traits_hors_alphabet",
            message: format!("{m} Rien n'a été envoyé."),
            extra: None,
        },
        other => AppError::Upstream(format!("{other} Rien n'a été modifié.")),
    }
}

/// Records an answer that changes nothing, then returns the refusal.
async fn sans_effet(
    app: &App,
    cap: &Capability,
    detail: serde_json::Value,
    e: AppError,
) -> AppError {
    match app.store.journal_insi(cap, true, detail).await {
        Ok(()) => e,
        Err(err) => err.into(),
    }
}

/// Traits of an INSi answer, checked like local ones.
fn insi_traits(i: &InsIdentity) -> Option<TraitsIns> {
    let d = DateNaissance::from_iso_ou_fr(&i.date_naissance).ok()?;
    let s = Sexe::from_code(&i.sexe)?;
    let lieu = i
        .lieu_naissance
        .as_deref()
        .and_then(|c| dui_domain::identifiers::CodeCog::parse(c).ok());
    TraitsIns::new(&i.nom_naissance, &i.prenoms, d, s, lieu).ok()
}

fn query(u: &Usager) -> TraitsQuery {
    TraitsQuery {
        nom_naissance: u.nom_naissance.clone(),
        prenoms: u.prenoms_naissance.clone(),
        sexe: u.sexe.code_ins().to_string(),
        date_naissance: u.date_naissance.to_string(),
        lieu_naissance: u.lieu_naissance.clone(),
    }
}

/// The refusal when another live file holds the INS: which one (in full when the user may
/// open it, with a link and the merge), or only that it exists and whom to ask.
fn ins_deja_attribuee(matricule: &str, c: &Candidat) -> AppError {
    let message = match (&c.numero, c.visible) {
        (Some(numero), true) => format!(
            "L'INS {matricule} renvoyée par le téléservice est déjà celle du dossier {numero} ({} {}, né(e) le {}) : elle n'a pas été enregistrée. S'il s'agit de la même personne, fusionnez les deux dossiers ; sinon, signalez l'identité comme douteuse.",
            c.nom_naissance.as_deref().unwrap_or_default(),
            c.premier_prenom.as_deref().unwrap_or_default(),
            c.date_naissance.as_deref().unwrap_or_default(),
        ),
        _ => format!("L'INS renvoyée par le téléservice est déjà celle d'un dossier d'un autre établissement de l'organisme : elle n'a pas été enregistrée. {CONTACT_IDENTITOVIGILANCE}"),
    };
    let extra = if c.visible {
        serde_json::json!({"candidats": [c], "dossier": format!("/usagers/{}", c.id)})
    } else {
        serde_json::json!({"candidats": [c]})
    };
    AppError::Conflict {
        code: "ins_deja_attribuee",
        message,
        extra: Some(extra),
    }
}

/// Searches INSi with the file's traits (search strategy); on one identity whose traits match
/// and whose INS no other file holds, stores the INS (status récupérée, or qualifiée if the
/// identity was validated). Nothing changes otherwise.
async fn insi_retrieve(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    version: Option<i64>,
) -> WebResult<i64> {
    let cap = capability(app, me, id, Section::Administratif, Action::Valider).await?;
    let insi = insi_service(app)?;
    let u = app.store.usager(&cap).await?.ok_or(AppError::NotFound)?;
    let local = stored_traits(&u).ok_or_else(|| AppError::Conflict {
        code: "traits_incomplets",
        message: "Les traits d'identité du dossier sont incomplets.".into(),
        extra: None,
    })?;
    if !local.date_naissance().is_complete() {
        return Err(AppError::Conflict {
            code: "date_incomplete",
            message: "L'interrogation INSi demande une date de naissance complète.".into(),
            extra: None,
        });
    }
    let recherche = match strategie::rechercher(insi.as_ref(), &query(&u)).await {
        Ok(r) => r,
        Err(e) => return Err(echec(app, &cap, "insi_recuperation", e).await),
    };
    let etape = recherche.etape.code();
    let trace = |resultat: &str| serde_json::json!({"evenement": "insi_recuperation", "resultat": resultat, "etape": etape, "appels": recherche.appels});
    let found = match recherche.resultat {
        InsiOutcome::Found(i) => i,
        InsiOutcome::NotFound => {
            let e = AppError::Conflict { code: "insi_aucune_identite", message: "Le téléservice INSi ne trouve aucune identité avec ces traits. Vérifiez-les sur un justificatif d'identité.".into(), extra: None };
            return Err(sans_effet(app, &cap, trace("aucune_identite"), e).await);
        }
        InsiOutcome::Multiple => {
            let e = AppError::Conflict {
                code: "insi_plusieurs_identites",
                message: "Le téléservice INSi trouve plusieurs identités, même avec tous les prénoms et le lieu de naissance : complétez la liste des prénoms de naissance et le lieu de naissance, puis recommencez.".into(),
                extra: None,
            };
            return Err(sans_effet(app, &cap, trace("plusieurs_identites"), e).await);
        }
    };
    let remote = insi_traits(&found).ok_or_else(|| {
        AppError::Upstream("La réponse du téléservice INSi contient des traits illisibles.".into())
    })?;
    let ecarts = traits_concordants(&local, &remote);
    if !ecarts.is_empty() {
        let list: Vec<String> = ecarts.iter().map(|e| e.to_string()).collect();
        let e = AppError::Conflict {
            code: "traits_discordants",
            message: format!("Les traits renvoyés par INSi diffèrent de ceux du dossier : {}. Rien n'a été enregistré ; vérifiez l'identité.", list.join(" ; ")),
            extra: Some(serde_json::json!({"ecarts": list})),
        };
        return Err(sans_effet(app, &cap, trace("traits_discordants"), e).await);
    }
    let nir = Nir::from_parts(&found.matricule, &found.cle)
        .map_err(|e| AppError::Upstream(format!("Matricule INS reçu invalide : {e}.")))?;
    let oid = InsOid::parse(&found.oid)
        .map_err(|_| AppError::Upstream(format!("OID INS reçu inconnu : {}.", found.oid)))?;
    // One INS, one person: never attached when another live file holds it (the unique
    // index of migration 0012 refuses it anyway, for a race).
    let m = super::matrix(app).await?;
    if let Some(c) = app
        .store
        .titulaire_ins(&cap, &me.principal, &m, nir.as_str())
        .await?
    {
        return Err(ins_deja_attribuee(nir.as_str(), &c));
    }
    let historique: Vec<String> = found
        .historique
        .iter()
        .map(|h| format!("{} ({})", h.matricule_ins(), h.oid))
        .collect();
    let extra = Extra {
        ins: Some(Some((nir.as_str().to_string(), oid.as_str().to_string()))),
        justificatif: None,
        ins_interroge: true,
        detail: serde_json::json!({"evenement": "insi_recuperation", "oid": oid.as_str(), "etape": etape, "appels": recherche.appels, "ins_historique": historique}),
    };
    apply(app, me, id, version, EvenementIdentite::InsRecupere, extra).await
}

/// POST /api/v1/usagers/{id}/identite/insi
pub async fn api_insi(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
    body: axum::body::Bytes,
) -> WebResult<Json<EtatIdentite>> {
    let version = if body.is_empty() {
        None
    } else {
        serde_json::from_slice::<VersionBody>(&body)
            .map_err(|e| crate::forms::json_error(&e))?
            .version
    };
    let v = insi_retrieve(&app, &me, id, version).await?;
    status_json(&app, &me, id, v).await
}

/// POST /api/v1/usagers/{id}/identite/insi/verification: checks the stored INS with INSi
/// (a search with the stored traits, compared with the stored INS and traits).
pub async fn api_insi_verify(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> WebResult<Json<EtatIdentite>> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Valider).await?;
    let insi = insi_service(&app)?;
    let u = app.store.usager(&cap).await?.ok_or(AppError::NotFound)?;
    let (Some(m), Some(oid)) = (u.matricule_ins.clone(), u.oid_ins.clone()) else {
        return Err(AppError::Conflict {
            code: "aucune_ins",
            message: "Aucune INS n'a été récupérée pour ce dossier.".into(),
            extra: None,
        });
    };
    let q = query(&u);
    let identity = InsIdentity {
        matricule: m.chars().take(13).collect(),
        cle: m.chars().skip(13).collect(),
        oid,
        nom_naissance: q.nom_naissance,
        prenoms: q.prenoms,
        sexe: q.sexe,
        date_naissance: q.date_naissance,
        lieu_naissance: q.lieu_naissance,
        historique: Vec::new(),
    };
    match insi.verify(&identity).await {
        Err(e) => return Err(echec(&app, &cap, "insi_verification", e).await),
        Ok(Verification::NonConfirmee(motif)) => {
            let e = AppError::Conflict {
                code: "ins_non_concordante",
                message: format!("Le téléservice INSi ne confirme pas l'INS du dossier ({motif}) : signalez l'identité comme douteuse et vérifiez-la."),
                extra: None,
            };
            let d = serde_json::json!({"evenement": "insi_verification", "resultat": "non_confirmee", "motif": motif});
            return Err(sans_effet(&app, &cap, d, e).await);
        }
        Ok(Verification::Confirmee) => {}
    }
    let extra = Extra {
        ins: None,
        justificatif: None,
        ins_interroge: true,
        detail: serde_json::json!({"evenement": "insi_verification"}),
    };
    let v = apply(
        &app,
        &me,
        id,
        Some(u.version),
        EvenementIdentite::InsVerifie,
        extra,
    )
    .await?;
    status_json(&app, &me, id, v).await
}

/// POST /usagers/{id}/identite/insi: the INS stored and confirmed, or the file page again
/// with INSi's answer and the way out (the identity to check, the file holding the INS and
/// the merge when the user may open it).
pub async fn insi_form(p: FormulaireDossier<VersionBody>) -> WebResult<Response> {
    let e = match insi_retrieve(&p.app, &p.me, p.id, p.f.version).await {
        Ok(_) => return Ok(p.confirme("", Fait::InsRecuperee)),
        Err(e) => e,
    };
    let autre = match &e {
        AppError::Conflict {
            code: "ins_deja_attribuee",
            extra: Some(x),
            ..
        } => x["candidats"][0]
            .as_object()
            .filter(|c| c.get("visible").and_then(|v| v.as_bool()) == Some(true))
            .and_then(|c| {
                Some((
                    c.get("id")?.as_i64()?,
                    c.get("numero")?.as_str()?.to_owned(),
                ))
            }),
        _ => None,
    };
    let code = match &e {
        AppError::Conflict { code, .. } => *code,
        _ => "",
    };
    let (status, mut erreurs) = ErreursFormulaire::depuis(e, &[])?;
    erreurs = match (code, autre) {
        ("ins_deja_attribuee", Some((autre, numero))) => erreurs
            .avec_lien(
                format!("Ouvrir le dossier {numero} pour comparer"),
                format!("/usagers/{autre}"),
            )
            .avec_bouton(
                format!("C'est la même personne : fusionner ce dossier dans le dossier {numero}"),
                format!("/usagers/{autre}/fusion"),
                vec![(
                    "autre_id".to_string(),
                    dui_store::usager::numero(p.id.get()),
                )],
            ),
        ("insi_aucune_identite" | "insi_plusieurs_identites" | "traits_discordants", _) => erreurs
            .avec_lien(
                "Vérifier et corriger l'identité",
                format!("/usagers/{}/identite", p.id),
            ),
        _ => erreurs,
    };
    let saisie = (&IDENTITOVIGILANCE, crate::Saisie::default());
    Ok(file_refus(&p.app, &p.me, p.id, saisie, (status, erreurs)).await)
}

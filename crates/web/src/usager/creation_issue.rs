//! Creating a file from the identity form or the API: the store's outcome as the web
//! answers it (created, probable duplicates, an INS already used).

use super::creation;
use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::usager::creation::confirmation;
use dui_store::usager::{
    candidats_montres, Candidat, DemandeCreation, IssueCreation, DOUBLON_CONTACT,
    DOUBLON_HORS_PERIMETRE,
};

use super::fields::IdentiteFields;
use super::matrix;
use crate::auth::CurrentUser;
use crate::{App, AppError, WebResult};

/// Result of a creation attempt.
pub(crate) enum Creation {
    /// Created with this id.
    Created(UsagerId),
    /// Probable duplicates: nothing created.
    Doublons(Vec<Candidat>),
    /// The typed NIR is another file's INS: nothing created.
    InsDejaAttribuee(Vec<Candidat>),
}

/// Creates an usager: parses the form or body and renders the store's outcome (the rules,
/// rights, établissement, duplicates and INS conflict, are in `Store::create_usager_checked`).
pub(crate) async fn create(
    app: &App,
    me: &CurrentUser,
    f: &IdentiteFields,
    now: DateTime<Utc>,
) -> WebResult<Creation> {
    let today = crate::time::paris_today(now);
    let m = matrix(app).await?;
    let demande = DemandeCreation {
        etablissement: f.etablissement.as_deref().unwrap_or(""),
        confirme: confirmation(f.confirmer_doublon.as_deref()),
    };
    let valider = || creation::valider(f, today);
    match app
        .store
        .create_usager_checked(&me.principal, &m, demande, valider, now)
        .await?
    {
        IssueCreation::Cree(id) => Ok(Creation::Created(id)),
        IssueCreation::Doublons(candidats) => Ok(Creation::Doublons(candidats)),
        IssueCreation::InsDejaAttribuee(candidats) => Ok(Creation::InsDejaAttribuee(candidats)),
        IssueCreation::Refusee(refus) => Err(match refus.champ() {
            // Refused on its établissement before the identity was read: every error of
            // the form in one answer all the same.
            Some(champ) => creation::avec_erreurs_identite(f, today, champ, refus.message_fr()),
            None => AppError::Forbidden(refus.message_fr()),
        }),
    }
}

/// The 409 of a NIR that another file holds (API).
pub(crate) fn ins_deja_attribuee_error(candidats: Vec<Candidat>) -> AppError {
    AppError::Conflict {
        code: "ins_deja_attribuee",
        message: "Ce matricule INS est déjà attribué à un autre dossier : il ne peut pas s'agir d'une autre personne. Ouvrez le dossier existant.".into(),
        extra: Some(serde_json::json!({ "candidats": candidats_montres(&candidats) })),
    }
}

/// The 409 of probable duplicates: those the caller may open in full, the others only as
/// « a probable duplicate exists elsewhere » and whom to ask.
pub(crate) fn doublons_error(candidats: Vec<Candidat>) -> AppError {
    let montres = candidats_montres(&candidats);
    AppError::Conflict {
        code: "doublon_probable",
        message: message_doublons(&montres),
        extra: Some(serde_json::json!({ "candidats": montres })),
    }
}

/// What probable duplicates (as shown: [`candidats_montres`]) mean for the user.
pub(crate) fn message_doublons(montres: &[Candidat]) -> String {
    let mut message = Vec::new();
    match montres.iter().filter(|c| c.visible).count() {
        0 => {}
        1 => message.push("Un dossier existant ressemble à cette identité. Vérifiez qu'il ne s'agit pas de la même personne ; sinon, confirmez la création.".to_string()),
        n => message.push(format!("{n} dossiers existants ressemblent à cette identité. Vérifiez qu'il ne s'agit pas de la même personne ; sinon, confirmez la création.")),
    }
    if montres.iter().any(|c| !c.visible) {
        message.push(format!("{DOUBLON_HORS_PERIMETRE} {DOUBLON_CONTACT}"));
    }
    message.join(" ")
}

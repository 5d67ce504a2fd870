//! The accounts assigned to a person (home-care workers, relatives) on the circle tab:
//! listed, added and ended by name, refusals shown in place next to the field and successes
//! confirmed; and the API's end of an assignment.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_store::admin::annuaire::CompteNomme;
use dui_store::policy::Capability;
use dui_store::usager::Sejour;
use serde::{Deserialize, Serialize};

use super::capability;
use super::extracteurs::FormulaireDossier;
use crate::auth::CurrentUser;
use crate::formulaire::{ErreursFormulaire, Formulaire, Saisie};
use crate::{App, AppError, EnPlace, Fait, WebResult};
use axum::response::IntoResponse;

/// The roles assigned to people one by one (the others see the people of their
/// établissements).
const AFFECTABLES: [Role; 2] = [Role::IntervenantDomicile, Role::Proche];

/// The assignments of a file as its circle tab shows them.
pub(crate) struct Affectations {
    /// The accounts assigned, by name.
    pub affectes: Vec<CompteNomme>,
    /// The accounts that may be assigned (of the établissements of the person's stays, or
    /// of the reader's), not yet assigned; empty for a reader who may not write.
    pub possibles: Vec<CompteNomme>,
    /// A refused assignment form (its errors and what was chosen), or none.
    pub en_place: EnPlace,
}

/// The établissements of the file's stays (the account's own when it has none): where the
/// professionals it may be given to work.
pub(crate) fn etablissements_du_dossier(me: &CurrentUser, sejours: &[Sejour]) -> Vec<i64> {
    let mut etabs: Vec<i64> = sejours.iter().map(|s| s.etablissement_id).collect();
    if etabs.is_empty() {
        etabs = me.user.etablissements.clone();
    }
    etabs.sort_unstable();
    etabs.dedup();
    etabs
}

impl Affectations {
    /// The assignments of the file of `cap` (read with it).
    pub(crate) async fn lire(
        app: &App,
        me: &CurrentUser,
        cap: &Capability,
        sejours: &[Sejour],
        peut_ecrire: bool,
        en_place: EnPlace,
    ) -> WebResult<Affectations> {
        let affectes = app.store.affectations(cap).await?;
        let possibles = if peut_ecrire {
            let etabs = etablissements_du_dossier(me, sejours);
            app.store
                .comptes_des_etablissements("", &etabs, &AFFECTABLES, 100)
                .await?
                .into_iter()
                .filter(|c| !affectes.iter().any(|a| a.id == c.id))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Affectations {
            affectes,
            possibles,
            en_place,
        })
    }
}

/// Assigns account `utilisateur_id` to usager `id`: only home-care workers and relatives are.
pub(crate) async fn affecter(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    utilisateur_id: i64,
) -> WebResult<()> {
    let cap = capability(app, me, id, Section::Administratif, Action::Ecrire).await?;
    let u = app
        .store
        .utilisateur(utilisateur_id)
        .await?
        .ok_or_else(|| AppError::field("utilisateur_id", "Ce compte n'existe pas."))?;
    if !AFFECTABLES.contains(&u.role) {
        return Err(AppError::field("utilisateur_id", "Seuls les intervenants à domicile et les proches sont affectés à un usager ; les autres profils voient les usagers de leurs établissements."));
    }
    app.store.assign(&cap, utilisateur_id).await?;
    Ok(())
}

/// Form naming an account.
#[derive(Deserialize, Serialize)]
pub struct CompteForm {
    utilisateur_id: String,
}

impl crate::saisie::Champs for CompteForm {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("utilisateur_id", lim::NUMERO)];
}

impl CompteForm {
    fn compte(&self) -> WebResult<i64> {
        self.utilisateur_id
            .trim()
            .parse()
            .map_err(|_| AppError::field("utilisateur_id", "Choisissez un compte dans la liste."))
    }
}

/// The assignment form of the circle tab (its select's id is `affectation-utilisateur_id`).
const AFFECTATION: Formulaire =
    Formulaire::new("affectation", "affectation-", Fait::AffectationFaite);
/// The end of an assignment (a button per account; its refusal is shown above the list).
const FIN: Formulaire = Formulaire::new("fin", "affectation-fin-", Fait::AffectationFinie);

/// The circle tab with form `f` refused by `e` in place (or the error page for a refusal
/// that is not the form's: 403, 404).
async fn refus(
    p: &FormulaireDossier<CompteForm>,
    f: &Formulaire,
    e: AppError,
) -> WebResult<Response> {
    let (status, erreurs) = ErreursFormulaire::depuis(e, &["utilisateur_id"])?;
    let en_place = EnPlace::refus(f, Saisie::de(&p.f), erreurs);
    Ok(
        match super::entourage::rendre(&p.app, &p.me, p.id, en_place).await {
            Ok(r) => (status, r).into_response(),
            Err(e) => e.into_response(),
        },
    )
}

/// POST /usagers/{id}/affectations: assigns the account chosen.
pub async fn ajout_form(p: FormulaireDossier<CompteForm>) -> WebResult<Response> {
    let fait = match p.f.compte() {
        Ok(c) => affecter(&p.app, &p.me, p.id, c).await,
        Err(e) => Err(e),
    };
    match fait {
        Ok(()) => Ok(p.confirme("/entourage", AFFECTATION.fait)),
        Err(e) => refus(&p, &AFFECTATION, e).await,
    }
}

/// POST /usagers/{id}/affectations/fin: ends the assignment of the account named.
pub async fn fin_form(p: FormulaireDossier<CompteForm>) -> WebResult<Response> {
    let cap = capability(&p.app, &p.me, p.id, Section::Administratif, Action::Ecrire).await?;
    let fait = match p.f.compte() {
        Ok(c) => p
            .app
            .store
            .fin_affectation(&cap, c)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match fait {
        Ok(()) => Ok(p.confirme("/entourage", FIN.fait)),
        Err(AppError::NotFound) => refus(
            &p,
            &FIN,
            AppError::Conflict {
                code: "affectation_finie",
                message: "Ce compte n'est déjà plus affecté à la personne : la liste ci-dessous est à jour.".into(),
                extra: None,
            },
        )
        .await,
        Err(e) => refus(&p, &FIN, e).await,
    }
}

/// DELETE /api/v1/usagers/{id}/affectations/{uid}: ends an assignment.
pub async fn api_fin(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, uid)): Path<(UsagerId, i64)>,
) -> WebResult<StatusCode> {
    let cap = capability(&app, &me, id, Section::Administratif, Action::Ecrire).await?;
    app.store.fin_affectation(&cap, uid).await?;
    Ok(StatusCode::NO_CONTENT)
}

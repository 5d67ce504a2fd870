//! An activity's page, its changes (h13d, issue 13 item 2; the API had them): the title, the
//! capacity and the usual place changed, the activity closed or reopened, each with the
//! version read (409 in place when someone changed it meanwhile). The activity's other
//! fields are kept as stored; the rules are `ActiviteCorps::valider`'s and the store's.
//! Refusals are shown in place, successes confirmed.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use dui_domain::policy::Action;
use dui_store::usager::Activite;

use super::activites::{capacite_activite, ActiviteCorps};
use super::activites_pages::{repondre, ActivitePage, Paires};
use crate::auth::CurrentUser;
use crate::forms::Form;
use crate::formulaire::Formulaire;
use crate::layout::Fait;
use crate::{App, AppError, WebResult};

const MODIFICATION: Formulaire = Formulaire::new("modification", "m-", Fait::ActiviteModifiee);
const CHAMPS_MODIFICATION: &[&str] = &["titre", "capacite", "lieu"];
const CLOTURE: Formulaire = Formulaire::new("cloture", "c-", Fait::ActiviteClose);
const REOUVERTURE: Formulaire = Formulaire::new("cloture", "c-", Fait::ActiviteRouverte);

/// The body that changes nothing of activity `a` (its fields as stored).
fn corps_de(a: &Activite) -> ActiviteCorps {
    let c = &a.champs;
    ActiviteCorps {
        etablissement_id: None,
        version: Some(a.version),
        unite_id: c.unite_id,
        type_activite: Some(c.type_activite.code().into()),
        modalite: Some(c.modalite.code().into()),
        titre: Some(c.titre.clone()),
        description: c.description.clone(),
        lieu: c.lieu.clone(),
        capacite: c.capacite,
        debut: Some(c.debut.to_string()),
        fin: c.fin.map(|d| d.to_string()),
        active: Some(c.active),
        animateurs: Some(c.animateurs.clone()),
    }
}

/// Writes activity `id` as `changer` makes it from the stored one, at the version typed in
/// `p`.
async fn ecrire(
    app: &App,
    me: &CurrentUser,
    id: i64,
    p: &Paires,
    changer: impl FnOnce(&mut ActiviteCorps, &Paires) -> WebResult<()>,
) -> WebResult<i64> {
    let version = p
        .nombre("version")?
        .ok_or_else(|| AppError::BadRequest("Version de l'activité manquante.".into()))?;
    let lecture = capacite_activite(app, me, id, Action::Lire).await?;
    let mut corps = corps_de(&app.store.activite(&lecture, id).await?);
    changer(&mut corps, p)?;
    let a = corps.valider()?;
    let cap = capacite_activite(app, me, id, Action::Ecrire).await?;
    Ok(app.store.modifier_activite(&cap, id, version, &a).await?)
}

/// POST /activites/{id}/modification: the title, the capacity (empty: no limit) and the
/// usual place.
pub async fn modifier(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(p): Form<Paires>,
) -> WebResult<Response> {
    let issue = ecrire(&app, &me, id, &p, |c, p| {
        c.titre = p.val("titre");
        c.capacite = p.nombre("capacite")?;
        c.lieu = p.val("lieu");
        Ok(())
    })
    .await;
    let f = (&MODIFICATION, CHAMPS_MODIFICATION);
    repondre::<ActivitePage, _>((&app, &me, &headers), id, f, &p, issue).await
}

/// POST /activites/{id}/cloture: `active=non` closes the activity (no new session nor
/// registration), `active=oui` reopens it.
pub async fn cloturer(
    State(app): State<App>,
    me: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(p): Form<Paires>,
) -> WebResult<Response> {
    let active = p.val("active").as_deref() == Some("oui");
    let issue = ecrire(&app, &me, id, &p, |c, _| {
        c.active = Some(active);
        Ok(())
    })
    .await;
    let f = if active { &REOUVERTURE } else { &CLOTURE };
    repondre::<ActivitePage, _>((&app, &me, &headers), id, (f, &[]), &p, issue).await
}

//! An activity's page, its changes (h13d, issue 13 item 2; the API had them): the title, the
//! capacity and the usual place changed, the activity closed or reopened, each with the
//! version read (409 in place when someone changed it meanwhile). The activity's other
//! fields are kept as stored; the rules are `ActiviteCorps::valider`'s and the store's.
//! Refusals are shown in place, successes confirmed.

use axum::response::Response;
use dui_domain::policy::Action;
use dui_store::usager::Activite;

use super::activites::{capacite_activite, ActiviteCorps};
use super::activites_pages::{ActivitePage, EnvoiActivites, Paires};
use crate::formulaire::Formulaire;
use crate::layout::Fait;
use crate::{AppError, WebResult};

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

/// Writes the activity of `e` as `changer` makes it from the stored one, at the version
/// typed, then answers form `f`: confirmed, or the activity's page with the refusal in place.
async fn ecrire(
    e: &EnvoiActivites,
    f: (&Formulaire, &[&str]),
    changer: impl FnOnce(&mut ActiviteCorps, &Paires) -> WebResult<()>,
) -> WebResult<Response> {
    let (app, me, p, id) = (&e.app, &e.me, &e.f, e.id);
    let issue = async {
        let version = p
            .nombre("version")?
            .ok_or_else(|| AppError::BadRequest("Version de l'activité manquante.".into()))?;
        let lecture = capacite_activite(app, me, id, Action::Lire).await?;
        let mut corps = corps_de(&app.store.activite(&lecture, id).await?);
        changer(&mut corps, p)?;
        let a = corps.valider()?;
        let cap = capacite_activite(app, me, id, Action::Ecrire).await?;
        Ok::<_, AppError>(app.store.modifier_activite(&cap, id, version, &a).await?)
    };
    e.repondre::<ActivitePage, _>(f, issue.await).await
}

/// POST /activites/{id}/modification: the title, the capacity (empty: no limit) and the
/// usual place.
pub async fn modifier(e: EnvoiActivites) -> WebResult<Response> {
    ecrire(&e, (&MODIFICATION, CHAMPS_MODIFICATION), |c, p| {
        c.titre = p.val("titre");
        c.capacite = p.nombre("capacite")?;
        c.lieu = p.val("lieu");
        Ok(())
    })
    .await
}

/// POST /activites/{id}/cloture: `active=non` closes the activity (no new session nor
/// registration), `active=oui` reopens it.
pub async fn cloturer(e: EnvoiActivites) -> WebResult<Response> {
    let active = e.f.val("active").as_deref() == Some("oui");
    let f = if active { &REOUVERTURE } else { &CLOTURE };
    ecrire(&e, (f, &[]), |c, _| {
        c.active = Some(active);
        Ok(())
    })
    .await
}

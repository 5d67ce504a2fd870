//! The print view of a validated version of a personalised project: the person, the
//! expectations, the objectives with their SERAFIN-PH codes and actions, the PPE part, the
//! participants and the signatures, on a page whose `@media print` leaves only the document.
//! A draft is not printed (what is signed and handed over is a validated version).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_store::usager::{MembreEquipe, Projet, Usager, VersionProjet};

use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier};
use super::projet_libelles::LibellesProjet;
use crate::auth::CurrentUser;
use crate::time::fr_instant;
use crate::{App, AppError, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "usager/projet_impression.html")]
struct Impression {
    layout: Layout,
    u: Usager,
    p: Projet,
    v: VersionProjet,
    equipe: Vec<MembreEquipe>,
    imprime_le: String,
    imprime_par: String,
}

impl LibellesProjet for Impression {
    fn equipe(&self) -> &[MembreEquipe] {
        &self.equipe
    }
    fn moi(&self) -> Option<i64> {
        None
    }
}

/// GET /usagers/{id}/projet/{pid}/versions/{numero}/impression
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Path((id, pid, numero)): Path<(UsagerId, i64, i64)>,
) -> PageDossier {
    let Dossier { u, .. } = Dossier::ouvrir(&app, &me, id, Onglet::Projet).await?;
    let cap = capability(&app, &me, id, Section::Accompagnement, Action::Lire).await?;
    let p = app
        .store
        .projet(&cap, pid)
        .await?
        .ok_or(AppError::NotFound)?;
    let v = app
        .store
        .projet_version(&cap, pid, numero)
        .await?
        .ok_or(AppError::NotFound)?;
    if v.statut != "valide" {
        return Err(AppError::Conflict {
            code: "brouillon",
            message: "Seule une version validée s'imprime : validez le brouillon d'abord.".into(),
            extra: None,
        }
        .into());
    }
    let equipe = app.store.equipe_projet(&cap).await?;
    Ok(Impression {
        layout: Layout::new(
            &me,
            format!(
                "{} — version {} — {}",
                p.type_projet.label_fr(),
                v.numero,
                u.nom_affiche()
            ),
            "usagers",
        ),
        imprime_le: fr_instant(Utc::now()),
        imprime_par: me.nom_complet(),
        u,
        p,
        v,
        equipe,
    }
    .into_response())
}

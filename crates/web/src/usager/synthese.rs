//! The printable synthesis sheet of the file (GA-4).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_store::admin::organisation::Etablissement;
use dui_store::usager::{Entourage, ProfessionnelLie, Sejour, Usager};

use super::entete::{referent, Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::entourage::{cercle, LibellesEntourage};
use crate::auth::CurrentUser;
use crate::time::DatesFr;
use crate::{App, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "usager/synthese.html")]
struct SynthesePage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    sejours: Vec<Sejour>,
    entourage: Vec<Entourage>,
    pros: Vec<ProfessionnelLie>,
    referent: Option<String>,
    edite_le: String,
    /// The établissement of the current stay (else of the latest one): the sheet's header.
    etablissement: Option<Etablissement>,
    /// « Prénom NOM (rôle) » of the account printing.
    imprime_par: String,
}

impl LibellesEntourage for SynthesePage {}

impl SynthesePage {
    fn protections(&self) -> Vec<&Entourage> {
        self.entourage
            .iter()
            .filter(|e| e.mesure_protection.is_some())
            .collect()
    }
}

/// GET /usagers/{id}/synthese: the printable synthesis sheet (GA-4).
pub async fn synthese_page(
    State(app): State<App>,
    me: CurrentUser,
    Path(id): Path<UsagerId>,
) -> PageDossier {
    let d = Dossier::ouvrir(&app, &me, id, Onglet::Synthese).await?;
    let (entourage, pros) = cercle(&app, &d).await?;
    let Dossier {
        tabs, u, sejours, ..
    } = d;
    let referent = referent(&app, u.referent_id).await?;
    // The current stay, else the latest one (stays come latest first).
    let sejour = sejours
        .iter()
        .find(|s| s.date_sortie.is_none())
        .or(sejours.first());
    let etablissement = match sejour {
        Some(s) => app.store.etablissement(s.etablissement_id).await?,
        None => None,
    };
    let imprime_par = format!(
        "{} ({})",
        dui_domain::usager::nommage::nom_prenom(&me.user.nom, &me.user.prenom),
        me.user.role.label_fr()
    );
    Ok(SynthesePage {
        layout: Layout::new(
            &me,
            format!("Fiche de synthèse — {}", u.nom_affiche()),
            "usagers",
        ),
        sejours,
        entourage,
        pros,
        referent,
        etablissement,
        imprime_par,
        edite_le: crate::time::fr_instant(Utc::now()),
        u,
        tabs,
    }
    .into_response())
}

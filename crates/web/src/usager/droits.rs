//! The *Droits et mesures* tab of the file: the social benefits (GA-3) with their renewal
//! state and history, and the freedom-of-movement measures (GA-2) with their reviews, an
//! overdue review marked. Forms in `prestations` and `mesures`.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use chrono::{NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::prestation::{alerte, montant_fr, EtatDroit};
use dui_store::usager::{EtatAnterieur, Mesure, Prestation, Usager};

use super::entete::{Dossier, Header as _, Onglet, PageDossier};
use super::versionne::PageEnPlace;
use crate::auth::CurrentUser;
use crate::time::paris_today;
use crate::time::DatesFr as _;
use crate::{App, EnPlace, Layout};

/// A benefit with what the page shows of it.
struct Ligne {
    p: Prestation,
    etat: Option<EtatDroit>,
    historique: Vec<EtatAnterieur>,
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/droits.html")]
pub struct DroitsPage {
    layout: Layout,
    u: Usager,
    tabs: super::entete::Tabs,
    prestations: Vec<Ligne>,
    mesures: Vec<Mesure>,
    peut_ecrire: bool,
    aujourdhui: NaiveDate,
    en_place: EnPlace,
}

impl DroitsPage {
    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map_or_else(|| "—".into(), |d| self.date(d))
    }
    fn montant(&self, c: &i64) -> String {
        montant_fr(*c)
    }
    /// The amount as a form shows it (`1234,56`).
    fn montant_saisie(&self, c: &Option<i64>) -> String {
        c.map(|c| format!("{},{:02}", c / 100, c % 100))
            .unwrap_or_default()
    }
    fn iso(&self, d: &Option<NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }
    fn en_retard(&self, m: &Mesure) -> bool {
        m.en_retard(self.aujourdhui)
    }
}

impl PageEnPlace for DroitsPage {
    const ADRESSE: &'static str = "/droits";

    /// The tab, with a refused adding form (a benefit, a measure) shown in place or not.
    async fn rendre(app: &App, me: &CurrentUser, id: UsagerId, en_place: EnPlace) -> PageDossier {
        let Dossier { cap, tabs, u, .. } = Dossier::ouvrir(app, me, id, Onglet::Droits).await?;
        let m = super::matrix(app).await?;
        let aujourdhui = paris_today(Utc::now());
        let delais = app.store.delais_prestations().await?;
        let mut prestations = Vec::new();
        for p in app.store.prestations(&cap).await? {
            let delai = delais
                .iter()
                .find(|(t, _)| *t == p.type_prestation)
                .map_or(p.type_prestation.delai_alerte_defaut(), |(_, n)| *n);
            let historique = app.store.historique_prestation(&cap, p.id).await?;
            prestations.push(Ligne {
                etat: alerte(p.date_fin, delai, aujourdhui),
                historique,
                p,
            });
        }
        Ok(DroitsPage {
            layout: Layout::new(
                me,
                format!("Droits et mesures — {}", u.nom_naissance),
                "usagers",
            ),
            prestations,
            mesures: app.store.mesures(&cap).await?,
            peut_ecrire: m.permet(me.user.role, Section::Administratif, Action::Ecrire),
            aujourdhui,
            en_place,
            u,
            tabs,
        }
        .into_response())
    }
}

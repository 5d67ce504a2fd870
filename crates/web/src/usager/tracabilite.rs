//! The file's traceability page: who opened or changed it.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use dui_store::audit::Entry;
use dui_store::usager::Usager;
use serde::Deserialize;

use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::PageDemandee;
use crate::time::fr_datetime_secs;
use crate::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "usager/tracabilite.html")]
struct AuditPage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    entries: Vec<Entry>,
    suivant: Option<i64>,
    /// « NOM Prénom (rôle) » of the accounts of the entries.
    comptes: std::collections::HashMap<i64, String>,
}

impl AuditPage {
    fn quand(&self, d: &str) -> String {
        fr_datetime_secs(d)
    }
    fn libelle(&self, action: &str) -> std::borrow::Cow<'static, str> {
        dui_domain::journal::ActionJournal::libelle(action)
    }
    /// Who acted: « NOM Prénom (rôle) », else the account name (a deleted account, a system
    /// task).
    fn qui(&self, e: &Entry) -> String {
        e.utilisateur_id
            .and_then(|id| self.comptes.get(&id).cloned())
            .unwrap_or_else(|| e.username.clone())
    }
    fn exceptionnel(&self, e: &Entry) -> bool {
        e.detail.contains("\"acces_exceptionnel\":true")
    }
}

/// Pagination query.
#[derive(Deserialize)]
pub struct AuditQuery {
    avant: Option<i64>,
}

/// GET /usagers/{id}/tracabilite: who opened or changed the file.
pub async fn audit_page(p: PageDemandee<AuditQuery>) -> PageDossier {
    let PageDemandee { app, me, id, q } = p;
    let Dossier { cap, tabs, u, .. } = Dossier::ouvrir(&app, &me, id, Onglet::Tracabilite).await?;
    let entries = app.store.usager_audit(&cap, q.avant, 100).await?;
    let suivant = (entries.len() == 100)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let ids: Vec<i64> = entries.iter().filter_map(|e| e.utilisateur_id).collect();
    let comptes = app
        .store
        .comptes_nommes(&ids)
        .await?
        .into_iter()
        .map(|(id, c)| (id, c.libelle()))
        .collect();
    Ok(AuditPage {
        comptes,
        layout: Layout::new(&me, format!("Traçabilité — {}", u.nom_affiche()), "usagers"),
        u,
        tabs,
        entries,
        suivant,
    }
    .into_response())
}

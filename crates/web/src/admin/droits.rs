//! The alert delay of each kind of social benefit (GA-3): how many days before a right ends
//! the « Droits à renouveler » panel names it. An administrator's setting: no person data.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::prestation::{TypePrestation, DELAI_MAX_JOURS};

use super::reglages::ReglagesAdmin;
use crate::auth::CurrentUser;
use crate::forms::Errors;
use crate::{App, Layout, WebResult};

#[derive(Template, WebTemplate)]
#[template(path = "admin/droits.html")]
struct Page {
    layout: Layout,
    delais: Vec<(TypePrestation, i64)>,
    max: i64,
}

/// GET /admin/droits
pub async fn page(State(app): State<App>, me: CurrentUser) -> WebResult<impl IntoResponse> {
    me.require_admin()?;
    Ok(Page {
        layout: Layout::new(&me, "Alertes des droits", "droits"),
        delais: app.store.delais_prestations().await?,
        max: DELAI_MAX_JOURS,
    })
}

/// POST /admin/droits: one field `delai.<type>` per kind, in days; the changed ones saved.
pub async fn save_form(r: ReglagesAdmin) -> WebResult<Response> {
    let ReglagesAdmin {
        app, me, paires, ..
    } = &r;
    let actuels = app.store.delais_prestations().await?;
    let mut e = Errors::default();
    let mut changes = Vec::new();
    for (k, v) in paires {
        let Some(t) = k.strip_prefix("delai.").and_then(TypePrestation::from_code) else {
            continue;
        };
        match v.trim().parse::<i64>() {
            Ok(n) if (0..=DELAI_MAX_JOURS).contains(&n) => {
                if !actuels.contains(&(t, n)) {
                    changes.push((t, n));
                }
            }
            _ => e.add(
                k,
                format!(
                    "{} : le délai doit être un nombre de jours entre 0 et {DELAI_MAX_JOURS}.",
                    t.label_fr()
                ),
            ),
        }
    }
    e.finish()?;
    let now = Utc::now();
    for (t, n) in changes {
        app.store
            .fixer_delai_prestation(&me.principal.actor(), t, n, now)
            .await?;
    }
    Ok(r.enregistre("/admin/droits"))
}

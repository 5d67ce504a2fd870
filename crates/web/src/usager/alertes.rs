//! The path's panels of the home page: « Droits à renouveler » and « Mesures à réviser » for
//! the secretariat, the cadre and the direction (their établissements' files) and the
//! referents (their files); « Suivis à faire » for the professional given follow-up tasks.
//! Each read is the store's (search capability, audited).

use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::usager::{AlerteParcours, AlertesParcours};

use crate::auth::CurrentUser;
use crate::time::paris_today;
use crate::{App, WebResult};

/// What the home page shows of the path (empty lists: nothing shown).
#[derive(Default)]
pub struct PanneauParcours {
    /// Benefits to renew or expired.
    pub droits: Vec<AlerteParcours>,
    /// Measures whose review is overdue.
    pub mesures: Vec<AlerteParcours>,
    /// Follow-up tasks given to the account.
    pub suivis: Vec<AlerteParcours>,
}

impl PanneauParcours {
    /// A due date as `JJ/MM/AAAA`.
    pub fn jour(&self, a: &AlerteParcours) -> String {
        a.echeance.format("%d/%m/%Y").to_string()
    }
}

/// The panels of `me` (none for the administrator and the roles that may not search).
pub(crate) async fn panneau_parcours(app: &App, me: &CurrentUser) -> WebResult<PanneauParcours> {
    let m = super::matrix(app).await?;
    if me.user.role == Role::Administrateur
        || dui_domain::policy::peut_rechercher(&m, me.user.role).is_err()
    {
        return Ok(PanneauParcours::default());
    }
    let now = Utc::now();
    let aujourdhui = paris_today(now);
    let cap = dui_store::policy::authorize_recherche(&app.store, &m, &me.principal, now).await?;
    let AlertesParcours {
        droits,
        mesures,
        suivis,
    } = app
        .store
        .alertes_parcours(&cap, &m, aujourdhui, now)
        .await?;
    Ok(PanneauParcours {
        droits,
        mesures,
        suivis,
    })
}

//! The capability on the home-care planning (issue 13, COO-5): a service's week and a
//! worker's day span many files, so the policy decides once
//! ([`dui_domain::intervention::peut_telegestion`]): the coordinator reaches the planning of
//! an établissement of theirs, a home-care worker only their own visits of today. The store
//! keeps every read and write to that scope and audits each in one entry naming the files.

use chrono::{DateTime, Utc};
use dui_domain::intervention::{peut_telegestion, Mode};
use dui_domain::policy::{Action, Matrice, Section};

use super::capacite_etablissement::decider;
use super::Principal;
use crate::db::Store;
use crate::StoreResult;

/// Proof that the policy let an account reach the home-care planning. Only
/// [`authorize_telegestion`] builds one.
#[derive(Clone, Debug)]
pub struct CapaciteTelegestion {
    pub(crate) who: Principal,
    pub(crate) etablissement_id: Option<i64>,
    pub(crate) mode: Mode,
    pub(crate) action: Action,
    pub(crate) at: DateTime<Utc>,
}

impl CapaciteTelegestion {
    /// The account.
    pub fn principal(&self) -> &Principal {
        &self.who
    }
    /// The établissement of a coordinator (`None` for a worker's own day).
    pub fn etablissement_id(&self) -> Option<i64> {
        self.etablissement_id
    }
    /// Coordinator or worker.
    pub fn mode(&self) -> Mode {
        self.mode
    }
    /// The action granted.
    pub fn action(&self) -> Action {
        self.action
    }
    /// When it was granted.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// Decides whether `who` may `action` the home-care planning of `etablissement_id` (`None`:
/// a worker's own day); a refusal is audited and returned as `Denied`. No round trip.
pub async fn authorize_telegestion(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    etablissement_id: Option<i64>,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteTelegestion> {
    let decision = peut_telegestion(
        matrix,
        who.role,
        &who.etablissements,
        etablissement_id,
        action,
    );
    let section = (Section::Accompagnement, action);
    decider(store, who, decision, section, now, |mode| {
        CapaciteTelegestion {
            who: who.clone(),
            etablissement_id: (mode == Mode::Coordination)
                .then_some(etablissement_id)
                .flatten(),
            mode,
            action,
            at: now,
        }
    })
    .await
}

//! The capability on the presences of one établissement (ACC-4): the day screen of a unit and
//! the monthly statement span the files of the établissement, so the policy decides once for
//! the établissement ([`peut_presences`]) and the store audits each read or save in one entry
//! naming the files (as the relève, decision 0028-transmissions-releve-et-recherche).

use chrono::{DateTime, Utc};
use dui_domain::policy::{Action, Matrice, Section};
use dui_domain::presence::peut_presences;

use super::{audit_refusal, Principal};
use crate::db::Store;
use crate::{StoreError, StoreResult};

/// Proof that the policy let an account read (or mark) the presences of one établissement.
/// Only [`authorize_presences`] builds one.
#[derive(Clone, Debug)]
pub struct CapacitePresences {
    pub(crate) who: Principal,
    pub(crate) etablissement_id: i64,
    pub(crate) action: Action,
    pub(crate) at: DateTime<Utc>,
}

impl CapacitePresences {
    /// The account.
    pub fn principal(&self) -> &Principal {
        &self.who
    }
    /// The établissement.
    pub fn etablissement_id(&self) -> i64 {
        self.etablissement_id
    }
    /// `Lire` or `Ecrire`.
    pub fn action(&self) -> Action {
        self.action
    }
    /// When it was granted.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// Decides whether `who` may `action` the presences of `etablissement_id`; a refusal is
/// audited and returned as `Denied`. No round trip when allowed.
pub async fn authorize_presences(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    etablissement_id: i64,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<CapacitePresences> {
    match peut_presences(
        matrix,
        who.role,
        &who.etablissements,
        etablissement_id,
        action,
    ) {
        Ok(()) => Ok(CapacitePresences {
            who: who.clone(),
            etablissement_id,
            action,
            at: now,
        }),
        Err(refus) => {
            let section = match action {
                Action::Lire => Section::Administratif,
                _ => Section::Accompagnement,
            };
            audit_refusal(store, &who.actor(), None, section, action, refus, now).await?;
            Err(StoreError::Denied(refus))
        }
    }
}

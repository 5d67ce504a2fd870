//! What the capabilities decided without a file share: a page spanning the files of one
//! établissement (presences, a unit's care) is decided once for the établissement
//! ([`CapaciteEtablissement`], one type per kind of page through its marker), and every
//! decision without a file answers the same way ([`decider`]: the capability when allowed,
//! no round trip; a refusal audited and returned as `Denied`).

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use dui_domain::policy::{Action, Refus, Section};

use super::{audit_refusal, Principal};
use crate::db::Store;
use crate::{StoreError, StoreResult};

/// Proof that the policy let an account `action` the pages of one établissement of kind `T`
/// (a marker: [`super::presence::Presences`], [`super::soins::SoinsUnite`]). Only the
/// `authorize_…` function of that kind builds one.
#[derive(Clone, Debug)]
pub struct CapaciteEtablissement<T> {
    pub(crate) who: Principal,
    pub(crate) etablissement_id: i64,
    pub(crate) action: Action,
    pub(crate) at: DateTime<Utc>,
    quoi: PhantomData<T>,
}

impl<T> CapaciteEtablissement<T> {
    /// Granted to `who` for `action` on `etablissement_id` at `at`.
    pub(crate) fn accordee(
        who: &Principal,
        etablissement_id: i64,
        action: Action,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            who: who.clone(),
            etablissement_id,
            action,
            at,
            quoi: PhantomData,
        }
    }
    /// The account.
    pub fn principal(&self) -> &Principal {
        &self.who
    }
    /// The établissement.
    pub fn etablissement_id(&self) -> i64 {
        self.etablissement_id
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

/// The capability `accordee(permis)` when `decision` allows (`Ok(permis)`), no round trip; otherwise the refusal
/// audited (as `action` on `section`, no file) and returned as `Denied`.
pub(crate) async fn decider<T, C>(
    store: &Store,
    who: &Principal,
    decision: Result<T, Refus>,
    (section, action): (Section, Action),
    now: DateTime<Utc>,
    accordee: impl FnOnce(T) -> C,
) -> StoreResult<C> {
    match decision {
        Ok(permis) => Ok(accordee(permis)),
        Err(refus) => {
            audit_refusal(store, &who.actor(), None, section, action, refus, now).await?;
            Err(StoreError::Denied(refus))
        }
    }
}

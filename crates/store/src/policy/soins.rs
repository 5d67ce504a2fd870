//! The capability on the care pages of one établissement's units (issue 12): the daily
//! worksheet and the medication round span the files of a unit, so the policy decides once
//! for the établissement ([`peut_soins_unite`]: read, write (acts), validate (medicines
//! given)) and the store audits each read or save in one entry naming the files (as the
//! presences and the relève, decision 0028-transmissions-releve-et-recherche).

use chrono::{DateTime, Utc};
use dui_domain::feuille_soins::peut_soins_unite;
use dui_domain::policy::{Action, Matrice, Section};

use super::{audit_refusal, Principal};
use crate::db::Store;
use crate::{StoreError, StoreResult};

/// Proof that the policy let an account read, write or validate the care of the units of
/// one établissement. Only [`authorize_soins_unite`] builds one.
#[derive(Clone, Debug)]
pub struct CapaciteSoins {
    pub(crate) who: Principal,
    pub(crate) etablissement_id: i64,
    pub(crate) action: Action,
    pub(crate) at: DateTime<Utc>,
}

impl CapaciteSoins {
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

/// Decides whether `who` may `action` the care of the units of `etablissement_id`; a refusal
/// is audited and returned as `Denied`. No round trip when allowed.
pub async fn authorize_soins_unite(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    etablissement_id: i64,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteSoins> {
    match peut_soins_unite(
        matrix,
        who.role,
        &who.etablissements,
        etablissement_id,
        action,
    ) {
        Ok(()) => Ok(CapaciteSoins {
            who: who.clone(),
            etablissement_id,
            action,
            at: now,
        }),
        Err(refus) => {
            audit_refusal(
                store,
                &who.actor(),
                None,
                Section::Soins,
                action,
                refus,
                now,
            )
            .await?;
            Err(StoreError::Denied(refus))
        }
    }
}

//! The capability on applications (ADM-1) and on the agenda (ADM-2): an application may exist
//! before any file, so the policy decides for the account ([`peut_candidatures`]: the
//! administrative section's right, professionals of établissements) and the store keeps
//! every read and write to the applications aimed at one of the account's établissements,
//! auditing each in one entry naming the applications.

use chrono::{DateTime, Utc};
use dui_domain::candidature::peut_candidatures;
use dui_domain::policy::{Action, Matrice, Section};

use super::capacite_etablissement::{decider, Accord};
use super::Principal;
use crate::db::Store;
use crate::StoreResult;

/// Proof that the policy let an account read (`Lire`) or write (`Ecrire`) the applications
/// of its établissements. Only [`authorize_candidatures`] builds one.
#[derive(Clone, Debug)]
pub struct CapaciteCandidatures {
    accord: Accord,
}

deref_vers!(CapaciteCandidatures => accord: Accord);

impl CapaciteCandidatures {
    /// The établissements whose applications it reaches.
    pub fn etablissements(&self) -> &[i64] {
        &self.who.etablissements
    }
}

/// Decides whether `who` may `action` the applications of its établissements; a refusal is
/// audited and returned as `Denied`. No round trip when allowed.
pub async fn authorize_candidatures(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteCandidatures> {
    let action = match action {
        Action::Lire => Action::Lire,
        _ => Action::Ecrire,
    };
    let decision = peut_candidatures(matrix, who.role, action);
    decider(
        store,
        who,
        decision,
        (Section::Administratif, action),
        now,
        |()| CapaciteCandidatures {
            accord: Accord::new(who, action, now),
        },
    )
    .await
}

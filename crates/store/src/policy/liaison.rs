//! The capability of the home-page panel « Cahier de liaison : N nouvelles entrées »: it
//! counts the entries not seen in the books of the account's scope, so the policy decides for
//! the account (the role reads the *Cahier de liaison*) and the store keeps the count to the
//! books of its scope (assigned people, or people of its établissements whose book it has
//! already opened), auditing the files it names.

use chrono::{DateTime, Utc};
use dui_domain::policy::{section_permise, Action, Matrice, Section};

use super::Principal;

/// Proof that the policy lets an account read the liaison books of its scope. Only
/// [`authorize_liaison_nouvelles`] builds one.
#[derive(Clone, Debug)]
pub struct CapaciteLiaison {
    pub(crate) who: Principal,
    pub(crate) at: DateTime<Utc>,
}

impl CapaciteLiaison {
    /// The account.
    pub fn principal(&self) -> &Principal {
        &self.who
    }
    /// When it was granted.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// The capability when the role of `who` reads the *Cahier de liaison*; `None` otherwise
/// (nothing is asked of the files: no refusal to audit).
pub fn authorize_liaison_nouvelles(
    matrix: &Matrice,
    who: &Principal,
    now: DateTime<Utc>,
) -> Option<CapaciteLiaison> {
    section_permise(matrix, who.role, Section::Liaison, Action::Lire).then(|| CapaciteLiaison {
        who: who.clone(),
        at: now,
    })
}

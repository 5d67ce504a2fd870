//! Who did something and with what outcome: the words of an audit entry, shared by the
//! audit trail (`audit`) and the read log (`read_log`), which the store (`db`) holds. This
//! module imports no other module of the crate.

use serde::Serialize;

/// Outcome of an audited operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Succes,
    /// Refused by the policy.
    Refus,
    /// Failed (bad password, invalid input…).
    Echec,
}

impl Outcome {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Succes => "succes",
            Outcome::Refus => "refus",
            Outcome::Echec => "echec",
        }
    }
}

/// Who did something and from where.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Actor {
    /// Account id (None for a failed login with an unknown name).
    pub utilisateur_id: Option<i64>,
    /// Account name as typed or known.
    pub username: String,
    /// Client address.
    pub ip: Option<String>,
}

//! The capability on agendas (issue 13, COO-3): an account's own agenda and those of its
//! établissements. The policy decides once for the account ([`peut_agenda`]); which person
//! data an event shows is decided from the same matrix (the support section for events
//! about a person, the psychology section for its events, which never leak elsewhere).

use chrono::{DateTime, Utc};
use dui_domain::agenda::{peut_agenda, planifie};
use dui_domain::policy::{Action, Matrice, Section};

use super::capacite_etablissement::{decider, Accord};
use super::Principal;
use crate::db::Store;
use crate::StoreResult;

/// Proof that the policy let an account read (or plan in) agendas. Only
/// [`authorize_agenda`] builds one.
#[derive(Clone, Debug)]
pub struct CapaciteAgenda {
    accord: Accord,
    pub(crate) lit_personnes: bool,
    pub(crate) lit_psychologie: bool,
    pub(crate) planifie: bool,
}

deref_vers!(CapaciteAgenda => accord: Accord);

impl CapaciteAgenda {
    /// Whether its role reads the support section (events about a person show who).
    pub fn lit_personnes(&self) -> bool {
        self.lit_personnes
    }
    /// Whether its role plans events other than psychology appointments.
    pub fn planifie(&self) -> bool {
        self.planifie
    }
    /// Whether its role reads the psychology section (its events are shown).
    pub fn lit_psychologie(&self) -> bool {
        self.lit_psychologie
    }
}

/// Decides whether `who` may `action` agendas; a refusal is audited and returned as
/// `Denied`. No round trip when allowed.
pub async fn authorize_agenda(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteAgenda> {
    let decision = peut_agenda(matrix, who.role, action);
    let section = (Section::Accompagnement, action);
    decider(store, who, decision, section, now, |()| CapaciteAgenda {
        accord: Accord::new(who, action, now),
        lit_personnes: matrix.permet(who.role, Section::Accompagnement, Action::Lire),
        lit_psychologie: matrix.permet(who.role, Section::Psychologie, Action::Lire),
        planifie: planifie(matrix, who.role),
    })
    .await
}

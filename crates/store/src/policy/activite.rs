//! The capability on the activities of one établissement (issue 13, COO-1): an activity's
//! registrations and a session's attendance span the files of the établissement, so the
//! policy decides once for the établissement ([`peut_activites`]: the support section) and
//! the store audits each read or save in one entry naming the files (as the presences).

use chrono::{DateTime, Utc};
use dui_domain::activite::peut_activites;
use dui_domain::policy::{Action, Matrice, Section};

use super::capacite_etablissement::{decider, CapaciteEtablissement};
use super::Principal;
use crate::db::Store;
use crate::StoreResult;

/// The activities of one établissement (the marker of [`CapaciteActivites`]).
#[derive(Clone, Debug)]
pub struct Activites;

/// Proof that the policy let an account read (or organise) the activities of one
/// établissement. Only [`authorize_activites`] builds one.
pub type CapaciteActivites = CapaciteEtablissement<Activites>;

/// Decides whether `who` may `action` the activities of `etablissement_id`; a refusal is
/// audited and returned as `Denied`. No round trip when allowed.
pub async fn authorize_activites(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    etablissement_id: i64,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteActivites> {
    let decision = peut_activites(
        matrix,
        who.role,
        &who.etablissements,
        etablissement_id,
        action,
    );
    decider(
        store,
        who,
        decision,
        (Section::Accompagnement, action),
        now,
        |()| CapaciteEtablissement::accordee(who, etablissement_id, action, now),
    )
    .await
}

//! The capability on the presences of one établissement (ACC-4): the day screen of a unit and
//! the monthly statement span the files of the établissement, so the policy decides once for
//! the établissement ([`peut_presences`]) and the store audits each read or save in one entry
//! naming the files (as the relève, decision 0028-transmissions-releve-et-recherche).

use chrono::{DateTime, Utc};
use dui_domain::policy::{Action, Matrice, Section};
use dui_domain::presence::peut_presences;

use super::capacite_etablissement::{decider, CapaciteEtablissement};
use super::Principal;
use crate::db::Store;
use crate::StoreResult;

/// The presences of one établissement (the marker of [`CapacitePresences`]).
#[derive(Clone, Debug)]
pub struct Presences;

/// Proof that the policy let an account read (or mark) the presences of one établissement.
/// Only [`authorize_presences`] builds one.
pub type CapacitePresences = CapaciteEtablissement<Presences>;

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
    let decision = peut_presences(
        matrix,
        who.role,
        &who.etablissements,
        etablissement_id,
        action,
    );
    let section = match action {
        Action::Lire => Section::Administratif,
        _ => Section::Accompagnement,
    };
    decider(store, who, decision, (section, action), now, |()| {
        CapaciteEtablissement::accordee(who, etablissement_id, action, now)
    })
    .await
}

//! The capability on the presences of one établissement (ACC-4): the day screen of a unit and
//! the monthly statement span the files of the établissement, so the policy decides once for
//! the établissement ([`peut_presences`]) and the store audits each read or save in one entry
//! naming the files (as the relève, decision 0028-transmissions-releve-et-recherche).

use dui_domain::policy::{Action, Section};
use dui_domain::presence::PAGE_PRESENCES;

use super::capacite_etablissement::{autorisation_etablissement, CapaciteEtablissement};

/// The presences of one établissement (the marker of [`CapacitePresences`]).
#[derive(Clone, Debug)]
pub struct Presences;

/// Proof that the policy let an account read (or mark) the presences of one établissement.
/// Only [`authorize_presences`] builds one.
pub type CapacitePresences = CapaciteEtablissement<Presences>;

autorisation_etablissement! {
    /// Decides whether `who` may `action` the presences of `etablissement_id`; a refusal is
    /// audited and returned as `Denied`. No round trip when allowed.
    authorize_presences -> CapacitePresences: PAGE_PRESENCES, |action| match action {
        Action::Lire => Section::Administratif,
        _ => Section::Accompagnement,
    }
}

//! The capability on the activities of one établissement (issue 13, COO-1): an activity's
//! registrations and a session's attendance span the files of the établissement, so the
//! policy decides once for the établissement ([`peut_activites`]: the support section) and
//! the store audits each read or save in one entry naming the files (as the presences).

use dui_domain::activite::PAGE_ACTIVITES;
use dui_domain::policy::Section;

use super::capacite_etablissement::{autorisation_etablissement, CapaciteEtablissement};

/// The activities of one établissement (the marker of [`CapaciteActivites`]).
#[derive(Clone, Debug)]
pub struct Activites;

/// Proof that the policy let an account read (or organise) the activities of one
/// établissement. Only [`authorize_activites`] builds one.
pub type CapaciteActivites = CapaciteEtablissement<Activites>;

autorisation_etablissement! {
    /// Decides whether `who` may `action` the activities of `etablissement_id`; a refusal is
    /// audited and returned as `Denied`. No round trip when allowed.
    authorize_activites -> CapaciteActivites: PAGE_ACTIVITES, |_| Section::Accompagnement
}

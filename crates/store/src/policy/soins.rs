//! The capability on the care pages of one établissement's units (issue 12): the daily
//! worksheet and the medication round span the files of a unit, so the policy decides once
//! for the établissement ([`peut_soins_unite`]: read, write (acts), validate (medicines
//! given)) and the store audits each read or save in one entry naming the files (as the
//! presences and the relève, decision 0028-transmissions-releve-et-recherche).

use dui_domain::feuille_soins::PAGE_SOINS_UNITE;
use dui_domain::policy::Section;

use super::capacite_etablissement::{autorisation_etablissement, CapaciteEtablissement};

/// The care of the units of one établissement (the marker of [`CapaciteSoins`]).
#[derive(Clone, Debug)]
pub struct SoinsUnite;

/// Proof that the policy let an account read, write or validate the care of the units of
/// one établissement. Only [`authorize_soins_unite`] builds one.
pub type CapaciteSoins = CapaciteEtablissement<SoinsUnite>;

autorisation_etablissement! {
    /// Decides whether `who` may `action` the care of the units of `etablissement_id`; a
    /// refusal is audited and returned as `Denied`. No round trip when allowed.
    authorize_soins_unite -> CapaciteSoins: PAGE_SOINS_UNITE, |_| Section::Soins
}

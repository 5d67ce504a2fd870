//! The usager identity (*identité de l'usager*): INS traits, RNIV statuses and
//! transitions, birth dates that may be partial, and name normalisation for search and
//! duplicate detection (*identitovigilance*).

pub mod creation;
mod date_naissance;
pub mod entourage;
mod identity;
mod nir;
pub mod nommage;
mod normalize;
pub mod photo;
mod rniv;
mod traits;

pub use date_naissance::{DateNaissance, DateNaissanceInvalide, ANNEE_MIN};
pub use identity::{AttributIdentite, Attributs, Sexe, StatutIdentite, TypeJustificatif};
pub use nir::{ecarts_nir, message_ecarts, mois_fr, nir_modifiable, EcartNir};
pub use normalize::{
    cle_collee, cle_phonetique, cle_recherche, levenshtein, majuscules_sans_accents,
    mots_recherche, noms_proches, prenoms_proches,
};
pub use rniv::{
    ins_retiree, statut_apres_edition, transition, EvenementIdentite, TransitionRefusee,
};
pub use traits::{traits_concordants, ChampTrait, Ecart, TraitsIns, LONGUEUR_MAX_NOM};

#[cfg(test)]
mod tests_identite;
#[cfg(test)]
mod tests_rniv;

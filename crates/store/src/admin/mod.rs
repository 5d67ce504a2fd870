//! Administration data: organisation, accounts, permission matrix.

pub mod annuaire;
pub mod grille;
mod listes;
pub mod lockout;
pub mod organisation;
pub mod permission;
mod saisie;
pub mod utilisateur;

//! Administration data: organisation, accounts, permission matrix.

mod listes;
pub mod grille;
pub mod lockout;
pub mod organisation;
pub mod permission;
mod saisie;
pub mod utilisateur;

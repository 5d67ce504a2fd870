//! Administration data: organisation, accounts, permission matrix.

pub mod lockout;
pub mod organisation;
pub mod permission;
pub mod utilisateur;

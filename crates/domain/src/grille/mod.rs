//! Evaluation grids (*grilles*): the official AGGIR grid and its algorithm, and how what is
//! typed becomes a grid's answers.

pub mod aggir;
pub mod besoins;
pub mod comparaison;
pub mod definition;
pub mod lecture;
pub mod registre;
pub mod saisie;

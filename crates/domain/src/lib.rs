//! Pure types and rules of the DUI (*Dossier Usager Informatisé*): no I/O here.
//!
//! Feature modules mirror those of `dui-store` and `dui-web`.

#[macro_use]
mod code_enum;

pub mod activite;
pub mod agenda;
pub mod agenda_ics;
pub mod agenda_recurrence;
pub mod candidature;
pub mod constantes;
pub mod dlu;
pub mod echange;
pub mod equipe;
pub mod feuille_soins;
pub mod grille;
pub mod identifiers;
pub mod ids;
pub mod intervention;
pub mod journal;
pub mod liaison;
pub mod lieux;
pub mod mesure;
pub mod observation;
pub mod organisation;
pub mod plan_soins;
pub mod policy;
pub mod prescription;
pub mod presence;
pub mod prestation;
pub mod projet;
pub mod psychologie;
pub mod saisie;
mod schema;
pub mod sejour;
pub mod serafin;
pub mod soins;
pub mod suivi;
pub mod transmission;
pub mod usager;

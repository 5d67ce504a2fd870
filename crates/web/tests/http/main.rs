//! HTTP integration tests: one binary, a real server per case on each engine (SQLite always,
//! PostgreSQL when `DUI_TEST_POSTGRES_URL` is set).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accueil;
mod activite_edition;
mod activites;
mod admin;
mod agenda_dossier;
mod agenda_occurrence;
mod aller_retour;
mod audit;
mod candidatures;
mod csrf;
mod doublons;
mod droits;
mod equipe_fonction;
mod errors;
mod formulaire_en_place;
mod formulaire_fin;
mod formulaire_ligne;
mod formulaire_page;
mod formulaire_seul;
mod formulaire_suite;
mod fusion;
mod grilles;
mod grilles_ajout;
mod liaison;
mod listes;
mod lockout;
mod login;
mod ops;
mod parcours;
mod parcours_suivi;
mod photo;
mod projet;
mod projet_impression;
mod routes;
mod saisie;
mod server;
// hpol: « si besoin » on the round, the header's vital-sign alerts, one read per opening.
mod si_besoin;
// hpol: the birth name as typed, every error of the creation form at once.
mod nom_naissance;
mod soins;
mod terrain;
mod transmissions;
mod usager;

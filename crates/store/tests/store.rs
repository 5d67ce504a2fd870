//! Store tests on every engine (SQLite always, PostgreSQL when `DUI_TEST_POSTGRES_URL` is
//! set): audit chain, optimistic concurrency, accounts and sessions, permission policy.
//!
//! One test binary; each case loops over `engines()` with a fresh database per engine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "store/common.rs"]
mod common;

#[path = "store/accounts.rs"]
mod accounts;
#[path = "store/activites.rs"]
mod activites;
#[path = "store/agenda_evenements.rs"]
mod agenda_evenements;
#[path = "store/agenda_occurrences.rs"]
mod agenda_occurrences;
#[path = "store/audit.rs"]
mod audit;
#[path = "store/audit_ancre.rs"]
mod audit_ancre;
#[path = "store/backup.rs"]
mod backup;
#[path = "store/bulk.rs"]
mod bulk;
#[path = "store/candidatures.rs"]
mod candidatures;
#[path = "store/concurrency.rs"]
mod concurrency;
#[path = "store/defauts.rs"]
mod defauts;
#[path = "store/doublons.rs"]
mod doublons;
#[path = "store/evaluation.rs"]
mod evaluation;
#[path = "store/grilles.rs"]
mod grilles;
#[path = "store/liaison.rs"]
mod liaison;
// hteam: the team around the person, messages to professionals.
#[path = "store/equipe.rs"]
mod equipe;
#[path = "store/lockout.rs"]
mod lockout;
#[path = "store/merge_tables.rs"]
mod merge_tables;
#[path = "store/merges.rs"]
mod merges;
#[path = "store/messages.rs"]
mod messages;
#[path = "store/noms_colles.rs"]
mod noms_colles;
#[path = "store/parcours_suivi.rs"]
mod parcours_suivi;
#[path = "store/plan_prescriptions.rs"]
mod plan_prescriptions;
#[path = "store/policy.rs"]
mod policy;
#[path = "store/presences.rs"]
mod presences;
#[path = "store/projets.rs"]
mod projets;
#[path = "store/projets_fusion.rs"]
mod projets_fusion;
#[path = "store/psychologie.rs"]
mod psychologie;
#[path = "store/releve_suivi.rs"]
mod releve_suivi;
#[path = "store/saisie.rs"]
mod saisie;
#[path = "store/sejours.rs"]
mod sejours;
#[path = "store/soins.rs"]
mod soins;
#[path = "store/sorties.rs"]
mod sorties;
// hpol: « si besoin » doses on the round, the header's vital-sign alerts.
#[path = "store/alertes_constantes.rs"]
mod alertes_constantes;
#[path = "store/si_besoin.rs"]
mod si_besoin;
#[path = "store/telegestion.rs"]
mod telegestion;
#[path = "store/testing.rs"]
mod testing;
#[path = "store/transmissions.rs"]
mod transmissions;
#[path = "store/transmissions_psychologie.rs"]
mod transmissions_psychologie;
#[path = "store/usager.rs"]
mod usager;

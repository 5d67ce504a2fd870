//! The usager file through the real application: creation and duplicates, search and scope,
//! assignment and break-the-glass, identity edits and RNIV statuses (with the INSi
//! simulator), "who opened my file", the circle, the synthesis sheet and the file page.

use std::sync::Arc;

use dui_domain::policy::{Action, Matrice, Role, Section};
use dui_interop::insi::{simulator, spawn_simulator, HttpInsiClient, InsiConfig};
use dui_store::audit::Filter;
use dui_store::testing::engines;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    dupont, error_body, message, person, spawn_app, spawn_app_with_insi, TestApp,
};

mod creation;
mod dossier;
mod identite;
mod insi;
mod recherche;

const MOTIF: &str = "Appel de nuit du SAMU : consultation des traitements en cours.";
const NIR_VALIDE: &str = "2380475056123 94";

/// Ids found by `GET /api/v1/usagers?q=`, sorted.
async fn search(app: &TestApp, token: &str, q: &str) -> Vec<i64> {
    let mut ids = app.recherche(token, q).await;
    ids.sort_unstable();
    ids
}

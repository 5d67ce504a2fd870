//! `dui bench`: the benchmark's accounts (created once, their établissements kept up to date)
//! and their API sessions.

use anyhow::Context;
use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::{hash_password, UtilisateurInput};
use dui_store::audit::Actor;

pub(crate) const BENCH_USER: &str = "bench-direction";
pub(crate) const BENCH_WORKER: &str = "bench-intervenant";
const BENCH_PASSWORD: &str = "Bench-DUI-2026!";

pub(crate) fn bench_actor() -> Actor {
    Actor {
        utilisateur_id: None,
        username: "bench".into(),
        ip: None,
    }
}

/// The id of the benchmark account `username`, created with `role` if missing.
pub(crate) async fn bench_account(
    store: &dui_store::Store,
    username: &str,
    role: Role,
    mut etablissements: Vec<i64>,
) -> anyhow::Result<i64> {
    etablissements.sort_unstable();
    let input = UtilisateurInput {
        username: username.into(),
        nom: "Banc".into(),
        prenom: "Essai".into(),
        email: None,
        role,
        identifiant_pro: None,
        actif: true,
        etablissements,
        usager_id: None,
    };
    if let Some(c) = store.credentials(username).await? {
        // Établissements added since the account was made (by other scenarios) are its too.
        if c.user.etablissements != input.etablissements {
            store
                .update_utilisateur(
                    &bench_actor(),
                    c.user.id,
                    c.user.version,
                    &input,
                    Utc::now(),
                )
                .await?;
        }
        return Ok(c.user.id);
    }
    let hash = hash_password(BENCH_PASSWORD)?;
    Ok(store
        .create_utilisateur(&bench_actor(), &input, &hash, false, Utc::now())
        .await?)
}

/// An `authorization` header value for `username` (a session opened through the API).
pub(crate) async fn bearer(
    client: &reqwest::Client,
    base: &str,
    username: &str,
) -> anyhow::Result<String> {
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": username, "password": BENCH_PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"]
        .as_str()
        .context("connexion d'un compte de banc d'essai")?;
    Ok(format!("Bearer {token}"))
}

//! The personalised projects of the lists' data: a PPA with a validated version and a draft
//! after it, and a PPE; the draft read, changed and written back.

use reqwest::StatusCode;
use serde_json::json;

use super::{read_change_write, send};
use crate::helpers::TestApp;

/// Creates the projects of file `x` as the direction; the PPA's id.
pub(super) async fn peupler(app: &TestApp, direction: &str, x: i64) -> i64 {
    let base = format!("/api/v1/usagers/{x}/projets");
    let projet = super::created(app, direction, &base, json!({"type": "ppa"})).await;
    super::created(app, direction, &base, json!({"type": "ppe"})).await;
    let objectif = json!({"objectifs": [{"libelle": "Marcher", "statut": "en_cours"}]});
    for (method, path, body) in [
        (
            "put",
            format!("{base}/{projet}"),
            json!({"version": 1, "contenu": objectif}),
        ),
        (
            "post",
            format!("{base}/{projet}/validation"),
            json!({"version": 2}),
        ),
        (
            "put",
            format!("{base}/{projet}"),
            json!({"version": 3, "contenu": objectif}),
        ),
    ] {
        let r = send(app, direction, method, &path, Some(&body)).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    projet
}

/// The PPA's draft as GET gives it, one status changed, accepted by PUT.
pub(super) async fn ecrire(app: &TestApp, direction: &str, x: i64, projet: i64) {
    let pr = format!("/api/v1/usagers/{x}/projets/{}", projet);
    read_change_write(
        app,
        direction,
        &pr,
        &pr,
        |b| b["contenu"]["objectifs"][0]["statut"] = json!("atteint"),
        |a| a["contenu"]["objectifs"][0]["statut"] == "atteint",
    )
    .await;
}

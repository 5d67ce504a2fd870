//! The personalised projects of the lists' data: a PPA with a validated version and a draft
//! after it, and a PPE.

use reqwest::StatusCode;
use serde_json::json;

use super::send;
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

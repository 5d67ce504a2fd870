//! The home-care planning of the lists' data (h13b): three interventions every day of file
//! `x`, planned by the direction of the établissement (no worker: the service's list).

use serde_json::json;

use crate::helpers::TestApp;

/// Plans the interventions of file `x` with `direction`'s token.
pub(super) async fn peupler(app: &TestApp, direction: &str, x: i64) {
    for (de, a, taches) in [
        ("08:00", "09:00", "toilette,aide_lever"),
        ("12:00", "13:00", "repas"),
        ("19:00", "20:00", "coucher"),
    ] {
        let body = json!({"etablissement_id": app.etablissement_id, "taches": taches, "jours_semaine": "1,2,3,4,5,6,7",
            "heure_debut": de, "heure_fin": a, "duree_minutes": 45, "date_debut": "2026-01-05",
            "adresse": "3 rue Garibaldi, 69003 Lyon"});
        super::created(
            app,
            direction,
            &format!("/api/v1/usagers/{x}/interventions"),
            body,
        )
        .await;
    }
}

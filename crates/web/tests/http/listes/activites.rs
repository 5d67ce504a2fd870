//! The activities of the lists' data (hact): three activities of the établissement, three
//! sessions of the first (a series), file `x` registered twice (two periods), its attendance
//! at the past sessions. Answers the first activity's id.

use serde_json::{json, Value};

use crate::helpers::TestApp;

/// Creates them with `direction`'s token (the direction writes the support section).
pub(super) async fn peupler(app: &TestApp, direction: &str, x: i64) -> i64 {
    let mut premiere = 0;
    for (k, (t, titre)) in [
        ("atelier", "Atelier mémoire"),
        ("sport", "Gym douce"),
        ("sortie", "Sortie au marché"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"etablissement_id": app.etablissement_id, "type_activite": t, "titre": titre,
            "lieu": "Salon", "capacite": 10, "debut": "2026-01-05"});
        let id = super::created(app, direction, "/api/v1/activites", body).await;
        if k == 0 {
            premiere = id;
        }
    }
    let body = json!({"jour": "2026-02-03", "heure_debut": "10:30", "heure_fin": "11:30",
        "jusqu_au": "2026-02-17", "jours": ["mar"]});
    let r = super::send(
        app,
        direction,
        "post",
        &format!("/api/v1/activites/{premiere}/seances"),
        Some(&body),
    )
    .await;
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let seances: Value = r.json().await.unwrap();
    for (debut, fin) in [("2026-01-05", Some("2026-01-31")), ("2026-02-01", None)] {
        let body = json!({"usager_id": x, "debut": debut, "fin": fin});
        super::created(
            app,
            direction,
            &format!("/api/v1/activites/{premiere}/inscriptions"),
            body,
        )
        .await;
    }
    for (k, s) in seances["ids"].as_array().unwrap().iter().enumerate() {
        let assiduite = if k == 1 { "absent" } else { "present" };
        let body = json!({"version": 1, "personnes": [{"usager_id": x, "assiduite": assiduite}]});
        let r = super::send(
            app,
            direction,
            "put",
            &format!("/api/v1/seances/{s}/presences"),
            Some(&body),
        )
        .await;
        assert_eq!(
            r.status(),
            reqwest::StatusCode::OK,
            "{}",
            r.text().await.unwrap()
        );
    }
    premiere
}

//! The care of the lists' data: a care plan of three acts, three vital signs and three
//! prescriptions of file `x`, written by a nurse of the établissement.

use dui_domain::policy::Role;
use serde_json::json;

use crate::helpers::TestApp;

/// Writes the care of file `x`; the nurse's token.
pub(super) async fn peupler(app: &TestApp, x: i64) -> String {
    app.create_user("ide.quotidien", Role::Infirmier, &[app.etablissement_id])
        .await;
    let ide = app.token("ide.quotidien").await;
    let base = format!("/api/v1/usagers/{x}/soins");
    for (libelle, horaires) in [
        ("Aide à la toilette", "07:30"),
        ("Pansement", "09:00"),
        ("Coucher", "20:30"),
    ] {
        let body = json!({"type_acte": "hygiene", "libelle": libelle, "intervenant": "aide_soignant",
            "type_frequence": "quotidien", "horaires": horaires, "date_debut": "2026-01-01"});
        super::created(app, &ide, &format!("{base}/plan"), body).await;
    }
    for (t, v) in [("pouls", 72), ("poids", 64), ("temperature", 37)] {
        let body = json!({"type_mesure": t, "valeur": v, "mesure_a": "2026-02-01T08:00:00Z"});
        super::created(app, &ide, &format!("{base}/constantes"), body).await;
    }
    for libelle in ["Bilan sanguin", "Radiographie du bassin", "Kinésithérapie"] {
        let body = json!({"type_prescription": "examen", "libelle": libelle,
            "prescripteur_nom": "Dr Durand", "prescripteur_rpps": "10000000009"});
        super::created(app, &ide, &format!("{base}/prescriptions"), body).await;
    }
    ide
}

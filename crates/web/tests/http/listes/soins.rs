//! The care lists' data (issue 12): entries of the medical summary, observations and return
//! sheets written by a nurse, psychology notes by a psychologist; the psychologist's token.

use dui_domain::policy::Role;
use serde_json::json;

use crate::helpers::TestApp;

/// Fills the care lists of file `x` (three items each); answers the psychologist's token.
pub(super) async fn peupler(app: &TestApp, x: i64) -> String {
    let a = app.etablissement_id;
    app.create_user("ide", Role::Infirmier, &[a]).await;
    app.create_user("psy", Role::Psychologue, &[a]).await;
    let (ide, psy) = (app.token("ide").await, app.token("psy").await);
    let base = format!("/api/v1/usagers/{x}");
    for l in ["Pénicilline", "Iode", "Latex"] {
        let body = json!({"rubrique": "allergie", "libelle": l});
        super::created(app, &ide, &format!("{base}/soins/synthese/entrees"), body).await;
        let body = json!({"type_observation": "infirmiere", "texte": format!("Test {l} négatif.")});
        super::created(app, &ide, &format!("{base}/soins/observations"), body).await;
        let body = json!({"diagnostic": format!("Réaction à {l} écartée.")});
        super::created(app, &ide, &format!("{base}/soins/dlu/retours"), body).await;
        let body = json!({"titre": format!("Entretien {l}"), "texte": "Humeur stable."});
        super::created(app, &psy, &format!("{base}/psychologie"), body).await;
    }
    psy
}

//! The rows of the team around the person (issue 13, COO-2): reading it is reading the
//! administrative section, changing it is writing that section (cadre, direction,
//! secrétariat by default). The calls name an account that does not exist (422 after the
//! decision) or a membership that does not exist (404).

use serde_json::{json, Value};

use super::{api, page, Route, ECRIRE, LIRE};

/// The routes of the team, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/equipe", LIRE, &[200]),
        api("post", "/usagers/{id}/equipe", ECRIRE, &[422]),
        api("get", "/usagers/{id}/equipe/{mid}", LIRE, &[404]),
        api("put", "/usagers/{id}/equipe/{mid}", ECRIRE, &[404]),
        api(
            "post",
            "/usagers/{id}/equipe/{mid}/fonction",
            ECRIRE,
            &[404],
        ),
        page("get", "/usagers/{id}/equipe", LIRE, &[200]),
        page("post", "/usagers/{id}/equipe", ECRIRE, &[422]),
        page("post", "/usagers/{id}/equipe/{mid}/fin", ECRIRE, &[404]),
        page(
            "post",
            "/usagers/{id}/equipe/{mid}/fonction",
            ECRIRE,
            &[404],
        ),
    ]
}

/// A body that passes the input checks of route `path` (text values for a form).
pub(super) fn corps(path: &str, page: bool) -> Value {
    if path.ends_with("/equipe") {
        json!({"utilisateur_id": "999999", "fonction": "educateur", "place": "membre", "debut": "2026-01-05"})
    } else if path.ends_with("/fonction") && page {
        json!({"version": "1", "fonction": "infirmier", "depuis": "2026-01-05"})
    } else if path.ends_with("/fonction") {
        json!({"version": 1, "fonction": "infirmier", "depuis": "2026-01-05"})
    } else if page {
        json!({"version": "1"})
    } else {
        json!({"version": 1})
    }
}

//! The rows of the person's path (issue 11): stays, transfers, discharges, absences.

use super::{api, page, Route, ECRIRE, LIRE};

/// The routes of the path, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        // Day care in A: admitted, or the capacity reached (409) after a few roles.
        api("post", "/usagers/{id}/sejours", ECRIRE, &[201, 409]),
        api("get", "/usagers/{id}/sejours/{sid}", LIRE, &[404]),
        api("put", "/usagers/{id}/sejours/{sid}", ECRIRE, &[404]),
        api(
            "post",
            "/usagers/{id}/sejours/{sid}/transfert",
            ECRIRE,
            &[404],
        ),
        api("post", "/usagers/{id}/sejours/{sid}/sortie", ECRIRE, &[404]),
        api("get", "/usagers/{id}/presences", LIRE, &[200]),
        api("post", "/usagers/{id}/presences", ECRIRE, &[404]),
        page("get", "/usagers/{id}/sejours", LIRE, &[200]),
        page("post", "/usagers/{id}/sejours", ECRIRE, &[303, 409]),
        page(
            "post",
            "/usagers/{id}/sejours/{sid}/transfert",
            ECRIRE,
            &[404],
        ),
        page("post", "/usagers/{id}/sejours/{sid}/sortie", ECRIRE, &[404]),
        page("post", "/usagers/{id}/sejours/absence", ECRIRE, &[404]),
    ]
}

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
        // Benefits, measures, follow-ups after discharge (h11d). A follow-up given to an
        // account outside the person's team is refused after the decision (422); marking a
        // task done reads the file first (404: no such task).
        api("get", "/usagers/{id}/prestations", LIRE, &[200]),
        api("post", "/usagers/{id}/prestations", ECRIRE, &[201]),
        api("get", "/usagers/{id}/prestations/{pid}", LIRE, &[404]),
        api("put", "/usagers/{id}/prestations/{pid}", ECRIRE, &[404]),
        api("get", "/usagers/{id}/mesures", LIRE, &[200]),
        api("post", "/usagers/{id}/mesures", ECRIRE, &[201]),
        api("get", "/usagers/{id}/mesures/{mid}", LIRE, &[404]),
        api(
            "post",
            "/usagers/{id}/mesures/{mid}/revisions",
            ECRIRE,
            &[404],
        ),
        api("get", "/usagers/{id}/suivis", LIRE, &[200]),
        api("post", "/usagers/{id}/suivis", ECRIRE, &[422]),
        api("post", "/usagers/{id}/suivis/{tid}/fait", LIRE, &[404]),
        page("get", "/usagers/{id}/droits", LIRE, &[200]),
        page("post", "/usagers/{id}/prestations", ECRIRE, &[303]),
        page("post", "/usagers/{id}/prestations/{pid}", ECRIRE, &[404]),
        page("post", "/usagers/{id}/mesures", ECRIRE, &[303]),
        page(
            "post",
            "/usagers/{id}/mesures/{mid}/revision",
            ECRIRE,
            &[404],
        ),
        page("post", "/usagers/{id}/suivis", ECRIRE, &[422]),
        page("post", "/usagers/{id}/suivis/{tid}/fait", LIRE, &[404]),
    ]
}

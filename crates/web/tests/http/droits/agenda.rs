//! The rows of the file's events and exchanges (issue 13, part A): the support section.

use super::{api, Route, ACC_ECRIRE, ACC_LIRE};

/// The routes, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/agenda", ACC_LIRE, &[200]),
        api("get", "/usagers/{id}/echanges", ACC_LIRE, &[200]),
        api("post", "/usagers/{id}/echanges", ACC_ECRIRE, &[201]),
    ]
}

//! The rows of the participation history (issue 13, COO-1): the support section of the file
//! (the tab also opens the file: administrative read).

use super::{api, page, Route, ACC_LIRE, ACC_PAGE};

/// The routes, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/activites", ACC_LIRE, &[200]),
        page("get", "/usagers/{id}/activites", ACC_PAGE, &[200]),
    ]
}

//! The rows of the file's events and exchanges (issue 13, part A) and of its Agenda tab: the
//! support section.

use super::{api, page, Route, ACC_ECRIRE, ACC_LIRE, ACC_PAGE};

/// The routes, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/agenda", ACC_LIRE, &[200]),
        api("get", "/usagers/{id}/echanges", ACC_LIRE, &[200]),
        api("post", "/usagers/{id}/echanges", ACC_ECRIRE, &[201]),
        // The Agenda tab opens the file and reads the support section; its forms write it
        // (sent empty: refused in place once allowed).
        page("get", "/usagers/{id}/agenda", ACC_PAGE, &[200]),
        page("post", "/usagers/{id}/agenda/echanges", ACC_ECRIRE, &[422]),
        page(
            "post",
            "/usagers/{id}/agenda/evenements",
            ACC_ECRIRE,
            &[422],
        ),
    ]
}

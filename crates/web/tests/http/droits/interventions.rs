//! The rows of the planned home-care interventions of a file (issue 13, COO-5): reading
//! needs to read *Accompagnement*; planning (the coordinator) to validate it.

use super::{api, page, Regle, Route};
use dui_domain::policy::Action::{Lire as L, Valider as V};
use dui_domain::policy::Section::{Accompagnement as Acc, Administratif as Adm};

const ACC_LIRE: Regle = Regle::Fichier(&[(Acc, L)]);
const ACC_VALIDER: Regle = Regle::Fichier(&[(Acc, V)]);
/// The page opens the file (administrative read) and reads the accompaniment.
const ACC_PAGE: Regle = Regle::Fichier(&[(Adm, L), (Acc, L)]);

/// The routes of the interventions of a file, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/interventions", ACC_LIRE, &[200]),
        api("post", "/usagers/{id}/interventions", ACC_VALIDER, &[201]),
        api("get", "/usagers/{id}/interventions/{iid}", ACC_LIRE, &[404]),
        api(
            "put",
            "/usagers/{id}/interventions/{iid}",
            ACC_VALIDER,
            &[404],
        ),
        page("get", "/usagers/{id}/interventions", ACC_PAGE, &[200]),
        page("post", "/usagers/{id}/interventions", ACC_VALIDER, &[303]),
    ]
}

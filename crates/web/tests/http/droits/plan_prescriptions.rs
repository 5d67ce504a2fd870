//! The rows of the daily care of a file (issue 12): the care plan, vital signs and their
//! thresholds, prescriptions. Reading needs to read *Soins*; recording a measure to write
//! it; the plan, thresholds and prescriptions to validate it.

use super::{api, page, Regle, Route};
use dui_domain::policy::Action::{Ecrire as E, Lire as L, Valider as V};
use dui_domain::policy::Section::{Administratif as Adm, Soins};

const SOINS_LIRE: Regle = Regle::Fichier(&[(Soins, L)]);
const SOINS_ECRIRE: Regle = Regle::Fichier(&[(Soins, E)]);
const SOINS_VALIDER: Regle = Regle::Fichier(&[(Soins, V)]);
/// A page of the care section opens the file (administrative read) and reads *Soins*.
const SOINS_PAGE: Regle = Regle::Fichier(&[(Adm, L), (Soins, L)]);

/// The routes of the care of a file, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/soins/plan", SOINS_LIRE, &[200]),
        api("post", "/usagers/{id}/soins/plan", SOINS_VALIDER, &[201]),
        api("get", "/usagers/{id}/soins/plan/{aid}", SOINS_LIRE, &[404]),
        api(
            "put",
            "/usagers/{id}/soins/plan/{aid}",
            SOINS_VALIDER,
            &[404],
        ),
        api("get", "/usagers/{id}/soins/constantes", SOINS_LIRE, &[200]),
        api(
            "post",
            "/usagers/{id}/soins/constantes",
            SOINS_ECRIRE,
            &[201],
        ),
        api(
            "get",
            "/usagers/{id}/soins/constantes/seuils/{mesure}",
            SOINS_LIRE,
            &[200],
        ),
        // The first allowed role sets the thresholds; the others hold a stale version.
        api(
            "put",
            "/usagers/{id}/soins/constantes/seuils/{mesure}",
            SOINS_VALIDER,
            &[200, 409],
        ),
        api(
            "get",
            "/usagers/{id}/soins/prescriptions",
            SOINS_LIRE,
            &[200],
        ),
        api(
            "post",
            "/usagers/{id}/soins/prescriptions",
            SOINS_VALIDER,
            &[201],
        ),
        api(
            "get",
            "/usagers/{id}/soins/prescriptions/{pid}",
            SOINS_LIRE,
            &[404],
        ),
        api(
            "put",
            "/usagers/{id}/soins/prescriptions/{pid}",
            SOINS_VALIDER,
            &[404],
        ),
        api(
            "post",
            "/usagers/{id}/soins/prescriptions/{pid}/arret",
            SOINS_VALIDER,
            &[404],
        ),
        page("get", "/usagers/{id}/soins/plan", SOINS_PAGE, &[200]),
        page("post", "/usagers/{id}/soins/plan", SOINS_VALIDER, &[303]),
        page(
            "post",
            "/usagers/{id}/soins/plan/{aid}/retrait",
            SOINS_VALIDER,
            &[404],
        ),
        page("get", "/usagers/{id}/soins/constantes", SOINS_PAGE, &[200]),
        page(
            "post",
            "/usagers/{id}/soins/constantes",
            SOINS_ECRIRE,
            &[303],
        ),
        page(
            "post",
            "/usagers/{id}/soins/constantes/seuils",
            SOINS_VALIDER,
            &[303, 409],
        ),
        page(
            "get",
            "/usagers/{id}/soins/prescriptions",
            SOINS_PAGE,
            &[200],
        ),
        page(
            "post",
            "/usagers/{id}/soins/prescriptions",
            SOINS_VALIDER,
            &[303],
        ),
        page(
            "post",
            "/usagers/{id}/soins/prescriptions/{pid}/arret",
            SOINS_VALIDER,
            &[404],
        ),
    ]
}

//! The rows of the care tab and the psychology section (issue 12): the medical summary,
//! observations, the DLU and its return sheets, psychology notes.

use dui_domain::policy::Action::{Ecrire as E, Lire as L};
use dui_domain::policy::Section::{Administratif as Adm, Psychologie as Psy, Soins};

use super::{api, page, Regle, Route};

const SOINS_LIRE: Regle = Regle::Fichier(&[(Soins, L)]);
const SOINS_ECRIRE: Regle = Regle::Fichier(&[(Soins, E)]);
/// A page of the care tab opens the file (administrative read) and reads the care section.
const SOINS_PAGE: Regle = Regle::Fichier(&[(Adm, L), (Soins, L)]);
const PSY_LIRE: Regle = Regle::Fichier(&[(Psy, L)]);
const PSY_ECRIRE: Regle = Regle::Fichier(&[(Psy, E)]);
const PSY_PAGE: Regle = Regle::Fichier(&[(Adm, L), (Psy, L)]);

/// The routes of the care tab and the psychology section.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/soins/synthese", SOINS_LIRE, &[200]),
        api(
            "get",
            "/usagers/{id}/soins/synthese/entrees",
            SOINS_LIRE,
            &[200],
        ),
        api(
            "post",
            "/usagers/{id}/soins/synthese/entrees",
            SOINS_ECRIRE,
            &[201],
        ),
        api(
            "post",
            "/usagers/{id}/soins/synthese/entrees/{eid}/fin",
            SOINS_ECRIRE,
            &[404],
        ),
        api(
            "get",
            "/usagers/{id}/soins/observations",
            SOINS_LIRE,
            &[200],
        ),
        api(
            "post",
            "/usagers/{id}/soins/observations",
            SOINS_ECRIRE,
            &[201],
        ),
        api(
            "get",
            "/usagers/{id}/soins/dlu",
            Regle::Fichier(&[(Adm, L), (Soins, L)]),
            &[200],
        ),
        api("get", "/usagers/{id}/soins/dlu/retours", SOINS_LIRE, &[200]),
        api(
            "post",
            "/usagers/{id}/soins/dlu/retours",
            SOINS_ECRIRE,
            &[201],
        ),
        api("get", "/usagers/{id}/psychologie", PSY_LIRE, &[200]),
        api("post", "/usagers/{id}/psychologie", PSY_ECRIRE, &[201]),
        page("get", "/usagers/{id}/soins", SOINS_PAGE, &[200]),
        page("post", "/usagers/{id}/soins/synthese", SOINS_ECRIRE, &[303]),
        page(
            "post",
            "/usagers/{id}/soins/synthese/{eid}/fin",
            SOINS_ECRIRE,
            &[404],
        ),
        page(
            "get",
            "/usagers/{id}/soins/observations",
            SOINS_PAGE,
            &[200],
        ),
        page(
            "post",
            "/usagers/{id}/soins/observations",
            SOINS_ECRIRE,
            &[303],
        ),
        page("get", "/usagers/{id}/soins/dlu", SOINS_PAGE, &[200]),
        page(
            "post",
            "/usagers/{id}/soins/dlu/retours",
            SOINS_ECRIRE,
            &[303],
        ),
        page("get", "/usagers/{id}/psychologie", PSY_PAGE, &[200]),
        page("post", "/usagers/{id}/psychologie", PSY_ECRIRE, &[303]),
    ]
}

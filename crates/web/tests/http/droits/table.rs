//! The routes of the file's own pages and API (identity, stays, circle, transmissions,
//! projects, evaluations, the sections' generic pages, merges, assignments,
//! break-the-glass), then those of each feature's module, in the order they are called for
//! each role.

use dui_domain::policy::Section;

use super::{
    activites, agenda, equipe, interventions, liaison, parcours, plan_prescriptions, soins,
};
use super::{api, page, Regle, Route};
use super::{Acc, Adm, E, L, V};
use super::{ACC_ECRIRE, ACC_LIRE, ACC_PAGE, ACC_VALIDER, ECRIRE, LIRE, LIRE_VALIDER, VALIDER};

const SECTION: &str = "/usagers/{id}/section/{section}";

/// The routes, in the order they are called for each role (break-the-glass last: it widens
/// the caller's scope).
pub(super) fn table() -> Vec<Route> {
    let mut t = vec![
        api("get", "/usagers", Regle::Liste, &[200]),
        api("post", "/usagers", Regle::Creation, &[201]),
        api("get", "/usagers/{id}", LIRE, &[200]),
        api("put", "/usagers/{id}", ECRIRE, &[200]),
        api("get", "/usagers/{id}/audit", Regle::Tracabilite, &[200]),
        api("get", "/usagers/{id}/sejours", LIRE, &[200]),
        api("get", "/usagers/{id}/versions", LIRE, &[200]),
        api("get", "/usagers/{id}/photo", LIRE, &[200]),
        api("delete", "/usagers/{id}/photo", ECRIRE, &[204]),
        api("put", "/usagers/{id}/photo", ECRIRE, &[200]),
        api(
            "post",
            "/usagers/{id}/identite/justificatif",
            LIRE_VALIDER,
            &[200],
        ),
        api("post", "/usagers/{id}/identite/insi", VALIDER, &[200, 409]),
        api(
            "post",
            "/usagers/{id}/identite/insi/verification",
            VALIDER,
            &[200, 409],
        ),
        // Doubt raised, then lifted: the status is back for the next role.
        Route {
            arg: "true",
            ..api("post", "/usagers/{id}/identite/attributs", VALIDER, &[200])
        },
        Route {
            arg: "false",
            ..api("post", "/usagers/{id}/identite/attributs", VALIDER, &[200])
        },
        api("get", "/usagers/{id}/doublons", LIRE, &[200]),
        api("post", "/usagers/{id}/non-doublons", VALIDER, &[404]),
        api("get", "/usagers/{id}/fusions", LIRE, &[200]),
        api("post", "/usagers/{id}/fusions", VALIDER, &[404]),
        api(
            "post",
            "/usagers/{id}/fusions/{fid}/annulation",
            VALIDER,
            &[404],
        ),
        api("get", "/usagers/{id}/entourage", LIRE, &[200]),
        api("post", "/usagers/{id}/entourage", ECRIRE, &[201]),
        api("get", "/usagers/{id}/entourage/{eid}", LIRE, &[404]),
        api("put", "/usagers/{id}/entourage/{eid}", ECRIRE, &[404]),
        api("delete", "/usagers/{id}/entourage/{eid}", ECRIRE, &[404]),
        api("get", "/usagers/{id}/professionnels", LIRE, &[200]),
        api("post", "/usagers/{id}/professionnels", ECRIRE, &[201]),
        api(
            "delete",
            "/usagers/{id}/professionnels/{pid}/{role}",
            ECRIRE,
            &[404, 204],
        ),
        api("post", "/usagers/{id}/affectations", ECRIRE, &[204]),
        api(
            "get",
            "/usagers/{id}/evaluations",
            Regle::Fichier(&[(Acc, L)]),
            &[200],
        ),
        api(
            "post",
            "/usagers/{id}/evaluations",
            Regle::Fichier(&[(Acc, E)]),
            &[201],
        ),
        api(
            "get",
            "/usagers/{id}/evaluations/{eid}",
            Regle::Fichier(&[(Acc, L)]),
            &[404],
        ),
        api(
            "put",
            "/usagers/{id}/evaluations/{eid}",
            Regle::Fichier(&[(Acc, E)]),
            &[404],
        ),
        api(
            "post",
            "/usagers/{id}/evaluations/{eid}/validation",
            Regle::Fichier(&[(Acc, V)]),
            &[404],
        ),
        api(
            "get",
            "/usagers/{id}/transmissions",
            Regle::UneDes(&[
                (Section::Accompagnement, L),
                (Section::Soins, L),
                (Section::Psychologie, L),
            ]),
            &[200],
        ),
        api(
            "post",
            "/usagers/{id}/transmissions",
            Regle::Fichier(&[(Section::Accompagnement, E)]),
            &[201],
        ),
        page(
            "get",
            "/usagers/{id}/section/accompagnement",
            Regle::Fichier(&[(Adm, L), (Section::Accompagnement, L)]),
            &[200],
        ),
        page(
            "post",
            "/usagers/{id}/section/accompagnement",
            Regle::Fichier(&[(Section::Accompagnement, E)]),
            &[303],
        ),
        // The first allowed role creates the PPA of the file; the others find it there.
        api("get", "/usagers/{id}/projets", ACC_LIRE, &[200]),
        api("post", "/usagers/{id}/projets", ACC_ECRIRE, &[201, 409]),
        api("get", "/usagers/{id}/projets/{pid}", ACC_LIRE, &[404]),
        api("put", "/usagers/{id}/projets/{pid}", ACC_ECRIRE, &[404]),
        api(
            "post",
            "/usagers/{id}/projets/{pid}/validation",
            ACC_VALIDER,
            &[404],
        ),
        api(
            "get",
            "/usagers/{id}/projets/{pid}/versions",
            ACC_LIRE,
            &[404],
        ),
        api(
            "get",
            "/usagers/{id}/projets/{pid}/versions/{numero}",
            ACC_LIRE,
            &[404],
        ),
        api(
            "post",
            "/usagers/{id}/projets/{pid}/versions/{numero}/signatures",
            ACC_VALIDER,
            &[404],
        ),
        api("get", "/usagers/{id}/projets/{pid}/diff", ACC_LIRE, &[404]),
        // The `usager` account is sent to its own file.
        page("get", "/usagers", Regle::Liste, &[200, 303]),
        page("get", "/usagers/nouveau", Regle::Formulaire, &[200]),
        page("post", "/usagers", Regle::Creation, &[303]),
        page("get", "/usagers/{id}", LIRE, &[200]),
        page("get", "/usagers/{id}/identite", LIRE, &[200]),
        page("post", "/usagers/{id}/identite", ECRIRE, &[303]),
        page("post", "/usagers/{id}/identite/statut", VALIDER, &[303]),
        page("post", "/usagers/{id}/identite/insi", VALIDER, &[303, 409]),
        page("get", "/usagers/{id}/entourage", LIRE, &[200]),
        page("post", "/usagers/{id}/entourage", ECRIRE, &[303]),
        page(
            "post",
            "/usagers/{id}/entourage/{eid}/retrait",
            ECRIRE,
            &[409],
        ),
        page("post", "/usagers/{id}/professionnels", ECRIRE, &[303]),
        page("get", "/usagers/{id}/projet", ACC_PAGE, &[200]),
        page("post", "/usagers/{id}/projet", ACC_ECRIRE, &[303, 409]),
        page(
            "post",
            "/usagers/{id}/projet/{pid}/brouillon",
            ACC_ECRIRE,
            &[404],
        ),
        page(
            "post",
            "/usagers/{id}/projet/{pid}/validation",
            ACC_VALIDER,
            &[404],
        ),
        page(
            "post",
            "/usagers/{id}/projet/{pid}/signature",
            ACC_VALIDER,
            &[404],
        ),
        page(
            "get",
            "/usagers/{id}/projet/{pid}/versions/{numero}/impression",
            ACC_PAGE,
            &[404],
        ),
        page("get", "/usagers/{id}/synthese", LIRE, &[200]),
        page(
            "get",
            "/usagers/{id}/evaluations",
            Regle::Fichier(&[(Adm, L), (Acc, L)]),
            &[200],
        ),
        page(
            "post",
            "/usagers/{id}/evaluations",
            Regle::Fichier(&[(Acc, E)]),
            &[303],
        ),
        page(
            "post",
            "/usagers/{id}/evaluations/{eid}/validation",
            Regle::Fichier(&[(Acc, V)]),
            &[404],
        ),
        page(
            "get",
            "/usagers/{id}/tracabilite",
            Regle::Tracabilite,
            &[200],
        ),
        page("get", "/usagers/{id}/photo", LIRE, &[200]),
        page("post", "/usagers/{id}/photo/suppression", ECRIRE, &[303]),
        page("post", "/usagers/{id}/photo", ECRIRE, &[303]),
        page("post", "/usagers/{id}/fusion", VALIDER, &[404]),
        page("post", "/usagers/{id}/non-doublon", VALIDER, &[422]),
    ];
    t.extend(parcours::routes());
    t.extend(agenda::routes());
    t.extend(activites::routes());
    t.extend(soins::routes());
    t.extend(plan_prescriptions::routes());
    // Home-care planning (h13b).
    t.extend(interventions::routes());
    t.extend(liaison::routes());
    t.extend(equipe::routes());
    for s in Section::ALL.iter().filter(|s| **s != Adm) {
        let regle = Regle::Fichier(match s {
            Section::Accompagnement => &[(Adm, L), (Section::Accompagnement, L)],
            Section::Soins => &[(Adm, L), (Section::Soins, L)],
            Section::Psychologie => &[(Adm, L), (Section::Psychologie, L)],
            Section::Documents => &[(Adm, L), (Section::Documents, L)],
            Section::Liaison => &[(Adm, L), (Section::Liaison, L)],
            Section::Administratif => unreachable!(),
        });
        // Care and psychology have pages of their own: the generic address redirects there.
        let ok: &'static [u16] =
            if matches!(s, Section::Soins | Section::Psychologie | Section::Liaison) {
                &[303]
            } else {
                &[200]
            };
        t.push(Route {
            arg: s.code(),
            ..page("get", SECTION, regle, ok)
        });
    }
    // Field staff (issue 16): merge page and its undo, assignments in the file (before the
    // break-the-glass rows, which open the file outside the scope).
    t.extend([
        page("get", "/usagers/{id}/fusion", LIRE_VALIDER, &[200]),
        page("post", "/usagers/{id}/fusion/annulation", VALIDER, &[404]),
        page("post", "/usagers/{id}/affectations", ECRIRE, &[303]),
        page("post", "/usagers/{id}/affectations/fin", ECRIRE, &[409]),
        page("get", "/usagers/{id}/entourage/{eid}", LIRE, &[404]),
        page("post", "/usagers/{id}/entourage/{eid}", ECRIRE, &[404]),
        api("delete", "/usagers/{id}/affectations/{uid}", ECRIRE, &[404]),
    ]);
    t.push(api(
        "post",
        "/usagers/{id}/acces-exceptionnel",
        Regle::AccesExceptionnel,
        &[201],
    ));
    t.push(page(
        "post",
        "/usagers/{id}/acces-exceptionnel",
        Regle::AccesExceptionnel,
        &[303],
    ));
    t
}

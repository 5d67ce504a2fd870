//! Table-driven policy tests: roles × sections × actions × scope, break-the-glass, home care.

use super::*;
use chrono::{Duration, TimeZone};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
        .single()
        .expect("date")
}

/// Facts for: a user of établissement 1; usager in `usager_etab`.
fn faits(usager_etab: i64, affecte: bool, soi_meme: bool, bris: Option<i64>) -> Faits {
    Faits {
        etablissements_utilisateur: vec![1],
        etablissements_usager: vec![usager_etab],
        affecte,
        soi_meme,
        acces_exceptionnel_jusqua: bris.map(|h| now() + Duration::hours(h)),
        dossier_clos: false,
    }
}

#[test]
fn default_matrix_table() {
    use Action::*;
    use Role::*;
    use Section::*;
    // (role, section, action, expected) in the default matrix.
    let table: &[(Role, Section, Action, bool)] = &[
        (Administrateur, Administratif, Lire, false),
        (Administrateur, Soins, Lire, false),
        (Direction, Administratif, Ecrire, true),
        (Direction, Soins, Lire, true),
        (Direction, Soins, Ecrire, false),
        (Direction, Psychologie, Lire, false),
        (Secretariat, Administratif, Valider, true),
        (Secretariat, Soins, Lire, false),
        (Cadre, Accompagnement, Ecrire, true),
        (Educateur, Accompagnement, Ecrire, true),
        (Educateur, Soins, Lire, false),
        (Educateur, Administratif, Ecrire, false),
        (AideSoignant, Soins, Ecrire, true),
        (AideSoignant, Soins, Valider, false),
        (Infirmier, Soins, Valider, true),
        (Medecin, Soins, Ecrire, true),
        (Medecin, Psychologie, Lire, false),
        (Psychologue, Psychologie, Ecrire, true),
        (Psychologue, Soins, Lire, false),
        (IntervenantDomicile, Accompagnement, Ecrire, true),
        (IntervenantDomicile, Soins, Lire, false),
        (Usager, Administratif, Lire, true),
        (Usager, Administratif, Ecrire, false),
        (Usager, Psychologie, Lire, false),
        (Proche, Accompagnement, Lire, true),
        (Proche, Documents, Lire, false),
    ];
    let m = Matrice::par_defaut();
    for &(role, section, action, expected) in table {
        assert_eq!(
            m.permet(role, section, action),
            expected,
            "{role} {section} {action}"
        );
    }
    // The psychology section is closed to everyone but psychologists.
    for role in Role::ALL {
        for action in Action::ALL {
            let allowed = m.permet(*role, Psychologie, *action);
            assert_eq!(allowed, *role == Psychologue, "{role} psychologie {action}");
        }
    }
}

#[test]
fn scope_table() {
    use Role::*;
    let m = Matrice::par_defaut();
    let s = Section::Administratif;
    let a = Action::Lire;
    // (role, facts, expected)
    let table: Vec<(Role, Faits, Result<Motif, Refus>)> = vec![
        // Establishment scope: same establishment yes, other establishment no.
        (Educateur, faits(1, false, false, None), Ok(Motif::Normal)),
        (
            Educateur,
            faits(2, false, false, None),
            Err(Refus::HorsPerimetre),
        ),
        (
            Direction,
            faits(2, false, false, None),
            Err(Refus::HorsPerimetre),
        ),
        // Assignment is irrelevant to establishment-scoped roles.
        (
            Educateur,
            faits(2, true, false, None),
            Err(Refus::HorsPerimetre),
        ),
        // Home care: same establishment is not enough, the assignment is required.
        (
            IntervenantDomicile,
            faits(1, false, false, None),
            Err(Refus::HorsPerimetre),
        ),
        (
            IntervenantDomicile,
            faits(1, true, false, None),
            Ok(Motif::Normal),
        ),
        (
            IntervenantDomicile,
            faits(2, true, false, None),
            Ok(Motif::Normal),
        ),
        // Portal roles.
        (
            Usager,
            faits(1, false, false, None),
            Err(Refus::HorsPerimetre),
        ),
        (Usager, faits(1, false, true, None), Ok(Motif::Normal)),
        (
            Proche,
            faits(1, false, false, None),
            Err(Refus::HorsPerimetre),
        ),
        (Proche, faits(1, true, false, None), Ok(Motif::Normal)),
        // Break-the-glass: running grant widens the scope.
        (
            Educateur,
            faits(2, false, false, Some(2)),
            Ok(Motif::AccesExceptionnel),
        ),
        (
            IntervenantDomicile,
            faits(1, false, false, Some(2)),
            Ok(Motif::AccesExceptionnel),
        ),
        // Expired grant gives nothing.
        (
            Educateur,
            faits(2, false, false, Some(-1)),
            Err(Refus::HorsPerimetre),
        ),
        // Portal roles cannot break the glass.
        (
            Usager,
            faits(1, false, false, Some(2)),
            Err(Refus::HorsPerimetre),
        ),
        (
            Proche,
            faits(1, false, false, Some(2)),
            Err(Refus::HorsPerimetre),
        ),
    ];
    for (role, f, expected) in table {
        assert_eq!(decider(&m, role, &f, s, a, now()), expected, "{role} {f:?}");
    }
}

#[test]
fn break_the_glass_never_widens_the_matrix() {
    let m = Matrice::par_defaut();
    let f = faits(2, false, false, Some(4));
    assert_eq!(
        decider(&m, Role::Educateur, &f, Section::Soins, Action::Lire, now()),
        Err(Refus::NonPermisParLeRole)
    );
    assert_eq!(
        decider(
            &m,
            Role::Medecin,
            &f,
            Section::Psychologie,
            Action::Lire,
            now()
        ),
        Err(Refus::NonPermisParLeRole)
    );
}

#[test]
fn break_the_glass_opens_reading_and_writing_never_validation() {
    let m = Matrice::par_defaut();
    let hors = faits(2, false, false, Some(4));
    for role in Role::ALL {
        for section in Section::ALL {
            for action in Action::ALL {
                let expected = if !m.permet(*role, *section, *action) {
                    Err(Refus::NonPermisParLeRole)
                } else if *section == Section::Psychologie {
                    Err(Refus::PsychologieHorsPerimetre)
                } else if !role.est_professionnel() {
                    Err(Refus::HorsPerimetre)
                } else if *action == Action::Valider {
                    Err(Refus::ValidationHorsPerimetre)
                } else {
                    Ok(Motif::AccesExceptionnel)
                };
                assert_eq!(
                    decider(&m, *role, &hors, *section, *action, now()),
                    expected,
                    "{role} {section} {action}"
                );
            }
        }
    }
    // The cases of the review: a secretary breaking the glass reads and edits the identity,
    // the photo and the circle (writing of the administrative section), but neither
    // validates an identity nor merges files.
    let (r, s) = (Role::Secretariat, Section::Administratif);
    assert_eq!(
        decider(&m, r, &hors, s, Action::Lire, now()),
        Ok(Motif::AccesExceptionnel)
    );
    assert_eq!(
        decider(&m, r, &hors, s, Action::Ecrire, now()),
        Ok(Motif::AccesExceptionnel)
    );
    assert_eq!(
        decider(&m, r, &hors, s, Action::Valider, now()),
        Err(Refus::ValidationHorsPerimetre)
    );
    // A physician signs a prescription only where they work.
    assert_eq!(
        decider(
            &m,
            Role::Medecin,
            &hors,
            Section::Soins,
            Action::Valider,
            now()
        ),
        Err(Refus::ValidationHorsPerimetre)
    );
    // Within the normal scope a running break-the-glass changes nothing.
    let dedans = faits(1, false, false, Some(4));
    assert_eq!(
        decider(&m, r, &dedans, s, Action::Valider, now()),
        Ok(Motif::Normal)
    );
    // An expired one is plain out of scope.
    assert_eq!(
        decider(
            &m,
            r,
            &faits(2, false, false, Some(-1)),
            s,
            Action::Valider,
            now()
        ),
        Err(Refus::HorsPerimetre)
    );
    assert!(Refus::ValidationHorsPerimetre
        .message_fr()
        .contains("accès exceptionnel"));
}

#[test]
fn every_combination_of_empty_matrix_is_denied() {
    let m = Matrice::vide();
    let f = faits(1, true, true, Some(2));
    for role in Role::ALL {
        for section in Section::ALL {
            for action in Action::ALL {
                assert_eq!(
                    decider(&m, *role, &f, *section, *action, now()),
                    Err(Refus::NonPermisParLeRole)
                );
            }
        }
    }
}

#[test]
fn configured_matrix_is_applied_exactly() {
    // A matrix giving one grant only: exactly that combination passes, everything else fails.
    let grant = (Role::Educateur, Section::Soins, Action::Lire);
    let m = Matrice::from_grants([grant]);
    let f = faits(1, false, false, None);
    for role in Role::ALL {
        for section in Section::ALL {
            for action in Action::ALL {
                let got = decider(&m, *role, &f, *section, *action, now()).is_ok();
                assert_eq!(got, (*role, *section, *action) == grant);
            }
        }
    }
}

#[test]
fn break_the_glass_reason_rules() {
    assert!(valider_motif_acces_exceptionnel("urgence").is_err());
    assert!(valider_motif_acces_exceptionnel("   ").is_err());
    assert!(
        valider_motif_acces_exceptionnel("Chute la nuit, remplacement de l'équipe habituelle")
            .is_ok()
    );
}

#[test]
fn codes_round_trip() {
    for r in Role::ALL {
        assert_eq!(Role::from_code(r.code()), Some(*r));
    }
    for s in Section::ALL {
        assert_eq!(Section::from_code(s.code()), Some(*s));
    }
    assert_eq!(Role::from_code("inconnu"), None);
}

#[test]
fn default_versions_are_declared_and_filtered() {
    // The declared version is the newest block's: a block added without raising it (or the
    // other way round) fails here.
    assert_eq!(version_defauts(DEFAUTS), DEFAUTS_VERSION);
    assert!(DEFAUTS.iter().all(|b| b.0 >= 1 && b.0 <= DEFAUTS_VERSION));
    assert_eq!(
        Matrice::from_grants(grants_par_defaut(DEFAUTS, 0)),
        Matrice::par_defaut()
    );
    assert!(grants_par_defaut(DEFAUTS, DEFAUTS_VERSION).is_empty());
    // A later block brings only its own grants to a database at the previous version.
    let mut plus: Vec<BlocDefaut> = DEFAUTS.to_vec();
    plus.push((
        DEFAUTS_VERSION + 1,
        Role::Educateur,
        &[Section::Soins],
        &[Action::Lire],
    ));
    assert_eq!(version_defauts(&plus), DEFAUTS_VERSION + 1);
    assert_eq!(
        grants_par_defaut(&plus, DEFAUTS_VERSION),
        vec![(Role::Educateur, Section::Soins, Action::Lire)]
    );
}

#[test]
fn the_file_audit_is_for_direction_cadre_referent_and_the_usager_themself() {
    for role in Role::ALL.iter().copied() {
        // Neither referent nor own file: the role alone decides.
        let par_le_role = matches!(role, Role::Direction | Role::Cadre | Role::Administrateur);
        assert_eq!(
            peut_lire_tracabilite(role, false, false),
            par_le_role,
            "{role:?}"
        );
        // The file's referent reads its audit, whatever the role.
        assert!(peut_lire_tracabilite(role, true, false), "{role:?}");
        // Only the usager role reads the audit of its own file.
        assert_eq!(
            peut_lire_tracabilite(role, false, true),
            par_le_role || role == Role::Usager,
            "{role:?}"
        );
    }
    assert!(!peut_lire_tracabilite(Role::Proche, false, true));
    assert!(!peut_lire_tracabilite(Role::Educateur, false, false));
}

#[test]
fn searching_needs_reading_administrative_data() {
    let m = Matrice::par_defaut();
    for role in Role::ALL.iter().copied() {
        let attendu = if m.permet(role, Section::Administratif, Action::Lire) {
            Ok(())
        } else {
            Err(Refus::RechercheNonPermise)
        };
        assert_eq!(peut_rechercher(&m, role), attendu, "{role:?}");
    }
    assert_eq!(
        peut_rechercher(&m, Role::Administrateur),
        Err(Refus::RechercheNonPermise)
    );
    assert_eq!(peut_rechercher(&m, Role::Educateur), Ok(()));
    assert_eq!(
        peut_rechercher(&Matrice::vide(), Role::Secretariat),
        Err(Refus::RechercheNonPermise)
    );
}

#[test]
fn psychology_is_for_psychologists_alone_whatever_the_matrix_grants() {
    // An administrator grants every action on every section to every role: the psychology
    // section still opens to the psychologist alone.
    let tout = Matrice::from_grants(Role::ALL.iter().flat_map(|r| {
        Section::ALL
            .iter()
            .flat_map(move |s| Action::ALL.iter().map(move |a| (*r, *s, *a)))
    }));
    let dans = faits(1, true, true, None);
    for role in Role::ALL {
        for action in Action::ALL {
            let d = decider(&tout, *role, &dans, Section::Psychologie, *action, now());
            assert_eq!(d.is_ok(), *role == Role::Psychologue, "{role:?} {action:?}");
            assert_eq!(
                section_permise(&tout, *role, Section::Psychologie, *action),
                *role == Role::Psychologue
            );
        }
        let lisibles = sections_permises(&tout, *role, Action::Lire);
        assert_eq!(
            lisibles.contains(&Section::Psychologie),
            *role == Role::Psychologue
        );
        assert_eq!(
            lisibles.len(),
            Section::ALL.len() - usize::from(*role != Role::Psychologue)
        );
    }
}

#[test]
fn break_the_glass_never_opens_psychology() {
    // Every grant an administrator could add, and a running break-the-glass: the psychology
    // section stays closed, to the psychologist of another établissement too.
    let tout = Matrice::from_grants(Role::ALL.iter().flat_map(|r| {
        Section::ALL
            .iter()
            .flat_map(move |s| Action::ALL.iter().map(move |a| (*r, *s, *a)))
    }));
    let hors = faits(2, false, false, Some(4));
    for role in Role::ALL.iter().filter(|r| r.est_professionnel()) {
        let d = decider(
            &tout,
            *role,
            &hors,
            Section::Psychologie,
            Action::Lire,
            now(),
        );
        if *role == Role::Psychologue {
            assert_eq!(d, Err(Refus::PsychologieHorsPerimetre));
        } else {
            assert_eq!(d, Err(Refus::NonPermisParLeRole), "{role:?}");
        }
    }
}

#[test]
fn after_discharge_only_the_roles_that_validate_a_section_write_it() {
    let m = Matrice::par_defaut();
    let clos = Faits {
        dossier_clos: true,
        ..faits(1, false, false, None)
    };
    let d = |role, section, action| decider(&m, role, &clos, section, action, now());
    assert_eq!(
        d(Role::Educateur, Section::Accompagnement, Action::Ecrire),
        Err(Refus::DossierClos)
    );
    assert!(d(Role::Educateur, Section::Accompagnement, Action::Lire).is_ok());
    assert!(d(Role::Cadre, Section::Accompagnement, Action::Ecrire).is_ok());
    assert!(d(Role::Secretariat, Section::Administratif, Action::Ecrire).is_ok());
    assert_eq!(
        d(Role::AideSoignant, Section::Soins, Action::Ecrire),
        Err(Refus::DossierClos)
    );
    assert!(d(Role::Infirmier, Section::Soins, Action::Ecrire).is_ok());
    let ouvert = faits(1, false, false, None);
    assert!(decider(
        &m,
        Role::Educateur,
        &ouvert,
        Section::Accompagnement,
        Action::Ecrire,
        now()
    )
    .is_ok());
}

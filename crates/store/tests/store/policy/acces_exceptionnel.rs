//! Break-the-glass: it widens the scope, never the matrix; its report for the direction and the referent.

use super::*;

#[tokio::test]
async fn break_the_glass_widens_scope_never_the_matrix() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let educ = principal(&w.educ_a);
        assert_eq!(
            refus(cap_at(s, &w.educ_a, U_B, Action::Lire, at(1)).await),
            Refus::HorsPerimetre
        );

        // The reason must be stated (15 characters at least).
        let n = audit_entries(s).await.len();
        for short in ["urgence", "   ", "!!! ??? ... ---- ,,,, ;;;;"] {
            match s
                .ouvrir_acces_exceptionnel(&educ, UsagerId(U_B), short, 4, at(2))
                .await
            {
                Err(StoreError::Invalid(m)) => assert!(m.contains("motif"), "{m}"),
                other => panic!("{engine}: motif {short:?} accepté : {other:?}"),
            }
        }
        assert!(matches!(
            s.ouvrir_acces_exceptionnel(&educ, UsagerId(9_999), MOTIF, 4, at(2))
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            audit_entries(s).await.len(),
            n,
            "pas d'entrée pour un accès refusé"
        );

        let id = s
            .ouvrir_acces_exceptionnel(&educ, UsagerId(U_B), MOTIF, 4, at(2))
            .await
            .unwrap();
        let opened = audit_entries(s).await.last().cloned().unwrap();
        assert_eq!(
            (opened.action.as_str(), opened.usager_id),
            ("usager.acces_exceptionnel", Some(U_B))
        );
        assert!(opened.detail.contains("Chute signalée"));

        let cap = cap_at(s, &w.educ_a, U_B, Action::Lire, at(3))
            .await
            .unwrap();
        assert_eq!(cap.motif(), Motif::AccesExceptionnel, "{engine}");
        let read = audit_entries(s).await.last().cloned().unwrap();
        assert_eq!(read.action, "usager.lecture");
        assert!(
            read.detail.contains("\"acces_exceptionnel\":true"),
            "{}",
            read.detail
        );
        let cap = check(
            s,
            &w.educ_a,
            U_B,
            Section::Accompagnement,
            Action::Ecrire,
            at(3),
        )
        .await
        .unwrap();
        assert_eq!(cap.motif(), Motif::AccesExceptionnel);

        // Never the psychology section, nor anything else the role lacks.
        assert_eq!(
            refus(check(s, &w.educ_a, U_B, Section::Psychologie, Action::Lire, at(3)).await),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(check(s, &w.educ_a, U_B, Section::Soins, Action::Lire, at(3)).await),
            Refus::NonPermisParLeRole
        );
        s.ouvrir_acces_exceptionnel(&principal(&w.medecin_a), UsagerId(U_B), MOTIF, 4, at(3))
            .await
            .unwrap();
        check(s, &w.medecin_a, U_B, Section::Soins, Action::Lire, at(4))
            .await
            .unwrap();
        assert_eq!(
            refus(
                check(
                    s,
                    &w.medecin_a,
                    U_B,
                    Section::Psychologie,
                    Action::Lire,
                    at(4)
                )
                .await
            ),
            Refus::NonPermisParLeRole
        );
        s.ouvrir_acces_exceptionnel(&principal(&w.psy_a), UsagerId(U_B), MOTIF, 4, at(4))
            .await
            .unwrap();
        // Not even to a psychologist of another établissement: the section is sealed.
        assert_eq!(
            refus(check(s, &w.psy_a, U_B, Section::Psychologie, Action::Lire, at(5)).await),
            Refus::PsychologieHorsPerimetre
        );

        // It is personal, for one usager, and it ends.
        insert_usager(&w.db, 1004, "PETIT", w.org.b, None).await;
        assert_eq!(
            refus(cap_at(s, &w.educ_a, 1004, Action::Lire, at(3)).await),
            Refus::HorsPerimetre
        );
        assert_eq!(
            refus(cap_at(s, &w.intervenant_a, U_B, Action::Lire, at(3)).await),
            Refus::HorsPerimetre
        );
        assert!(check(
            s,
            &w.educ_a,
            U_B,
            Section::Administratif,
            Action::Lire,
            at(2) + Duration::hours(4) - Duration::seconds(1)
        )
        .await
        .is_ok());
        assert_eq!(
            refus(
                check(
                    s,
                    &w.educ_a,
                    U_B,
                    Section::Administratif,
                    Action::Lire,
                    at(2) + Duration::hours(4)
                )
                .await
            ),
            Refus::HorsPerimetre,
            "{engine}"
        );

        // The duration is capped at 24 hours.
        let long = s
            .ouvrir_acces_exceptionnel(
                &principal(&w.intervenant_a),
                UsagerId(U_B),
                MOTIF,
                1000,
                at(10),
            )
            .await
            .unwrap();
        let all = s
            .liste_acces_exceptionnels(None, None, t0(), 100)
            .await
            .unwrap();
        let long = all.iter().find(|a| a.id == long).unwrap();
        assert_eq!(long.expires_at, dui_store::ts(at(10) + Duration::hours(24)));
        assert!(all.iter().any(|a| a.id == id));
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn break_the_glass_report_for_direction_and_referent() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = s
            .ouvrir_acces_exceptionnel(&principal(&w.educ_a), UsagerId(U_B), MOTIF, 4, at(1))
            .await
            .unwrap();
        let other = s
            .ouvrir_acces_exceptionnel(&principal(&w.educ_b), UsagerId(U_A), MOTIF, 4, at(2))
            .await
            .unwrap();

        // Direction of B: accesses to usagers staying in B.
        let for_b = s
            .liste_acces_exceptionnels(Some(&w.direction_b.etablissements), None, t0(), 100)
            .await
            .unwrap();
        assert_eq!(
            for_b.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![id],
            "{engine}"
        );
        let a = &for_b[0];
        assert_eq!(
            (a.utilisateur_id, a.usager_id, a.motif.as_str()),
            (w.educ_a.id, U_B, MOTIF)
        );
        assert_eq!(a.utilisateur, "NOM-EDUC.A Camille");
        assert_eq!(
            (a.created_at.as_str(), a.expires_at.as_str()),
            (
                dui_store::ts(at(1)).as_str(),
                dui_store::ts(at(1) + Duration::hours(4)).as_str()
            )
        );

        // Direction of A sees the other one; of both, both, newest first.
        let for_a = s
            .liste_acces_exceptionnels(Some(&[w.org.a]), None, t0(), 100)
            .await
            .unwrap();
        assert_eq!(for_a.iter().map(|a| a.id).collect::<Vec<_>>(), vec![other]);
        let both = s
            .liste_acces_exceptionnels(Some(&[w.org.a, w.org.b]), None, t0(), 100)
            .await
            .unwrap();
        assert_eq!(
            both.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![other, id]
        );
        assert!(s
            .liste_acces_exceptionnels(Some(&[]), None, t0(), 100)
            .await
            .unwrap()
            .is_empty());

        // The referent of the usager of B sees the access to their usager only.
        let referent = s
            .liste_acces_exceptionnels(None, Some(w.educ_b.id), t0(), 100)
            .await
            .unwrap();
        assert_eq!(referent.iter().map(|a| a.id).collect::<Vec<_>>(), vec![id]);
        assert!(s
            .liste_acces_exceptionnels(None, Some(w.educ_a.id), t0(), 100)
            .await
            .unwrap()
            .is_empty());

        // Period and limit.
        assert_eq!(
            s.liste_acces_exceptionnels(None, None, at(2), 100)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(s
            .liste_acces_exceptionnels(None, None, at(3), 100)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            s.liste_acces_exceptionnels(None, None, t0(), 1)
                .await
                .unwrap()[0]
                .id,
            other
        );
        w.db.cleanup().await;
    }
}

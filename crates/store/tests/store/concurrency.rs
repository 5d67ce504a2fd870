//! Optimistic concurrency (versions), missing rows and unique keys with French messages.

use dui_domain::policy::Role;
use dui_store::testing::{engines, TestDb};
use dui_store::StoreError;

use crate::common::{
    admin, at, create_user, etablissement, finess, organisme, seed_org, user_input,
};

fn conflict_message(e: StoreError) -> String {
    match e {
        StoreError::Conflict(m) => m,
        other => panic!("conflit attendu, obtenu {other:?}"),
    }
}

#[tokio::test]
async fn etablissement_update_needs_the_current_version() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let before = s.etablissement(org.a).await.unwrap().unwrap();
        assert_eq!(before.version, 1);

        let mut input = etablissement(org.organisme, "EHPAD Les Tilleuls (rénové)", &before.finess);
        input.capacite = Some(95);
        assert_eq!(
            s.update_etablissement(&admin(), org.a, 1, &input, at(1))
                .await
                .unwrap(),
            2
        );
        let current = s.etablissement(org.a).await.unwrap().unwrap();
        assert_eq!(
            (current.version, current.capacite, current.nom.as_str()),
            (2, Some(95), "EHPAD Les Tilleuls (rénové)")
        );

        // Someone still holding version 1 is refused and changes nothing.
        let mut stale = input.clone();
        stale.nom = "Écrasé".into();
        stale.capacite = Some(1);
        let err = s
            .update_etablissement(&admin(), org.a, 1, &stale, at(2))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::StaleVersion), "{engine}: {err:?}");
        let after = s.etablissement(org.a).await.unwrap().unwrap();
        assert_eq!(
            (after.version, after.capacite, after.fields.nom),
            (2, Some(95), current.fields.nom)
        );

        // A missing row is not a stale version.
        let err = s
            .update_etablissement(&admin(), 999_999, 1, &input, at(3))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn organisme_update_needs_the_current_version() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let o = s.organisme(org.organisme).await.unwrap().unwrap();
        let mut input = organisme("Association Test Solidarités", &o.finess_juridique);
        input.siren = Some("732829320".into());
        assert_eq!(
            s.update_organisme(&admin(), o.id, o.version, &input, at(1))
                .await
                .unwrap(),
            o.version + 1
        );

        let stale = organisme("Écrasé", &o.finess_juridique);
        assert!(matches!(
            s.update_organisme(&admin(), o.id, o.version, &stale, at(2))
                .await,
            Err(StoreError::StaleVersion)
        ));
        let after = s.organisme(o.id).await.unwrap().unwrap();
        assert_eq!(after.nom, "Association Test Solidarités");
        assert_eq!(after.siren.as_deref(), Some("732829320"));
        assert_eq!(after.version, 2);

        assert!(matches!(
            s.update_organisme(&admin(), 999_999, 1, &input, at(3))
                .await,
            Err(StoreError::NotFound)
        ));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn utilisateur_update_needs_the_current_version() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let u = create_user(s, "bruno", Role::Educateur, &[org.a]).await;
        assert_eq!(u.version, 1);

        let promoted = user_input("bruno", Role::Cadre, &[org.a, org.b]);
        assert_eq!(
            s.update_utilisateur(&admin(), u.id, 1, &promoted, at(1))
                .await
                .unwrap(),
            2
        );

        let demoted = user_input("bruno", Role::AideSoignant, &[org.b]);
        let err = s
            .update_utilisateur(&admin(), u.id, 1, &demoted, at(2))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::StaleVersion), "{engine}: {err:?}");
        let after = s.utilisateur(u.id).await.unwrap().unwrap();
        assert_eq!(
            (after.role, after.etablissements.clone(), after.version),
            (Role::Cadre, vec![org.a, org.b], 2)
        );

        assert!(matches!(
            s.update_utilisateur(&admin(), 999_999, 1, &promoted, at(3))
                .await,
            Err(StoreError::NotFound)
        ));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn unique_keys_are_conflicts_with_french_messages() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let finess_a = s.etablissement(org.a).await.unwrap().unwrap().fields.finess;

        // Same FINESS on creation…
        let dup = etablissement(org.organisme, "Copie", &finess_a);
        let m = conflict_message(
            s.create_etablissement(&admin(), &dup, at(1))
                .await
                .unwrap_err(),
        );
        assert_eq!(
            m, "Un établissement avec ce numéro FINESS existe déjà.",
            "{engine}"
        );
        // …and on update, which leaves B as it was.
        let b = s.etablissement(org.b).await.unwrap().unwrap();
        let onto_a = etablissement(org.organisme, &b.nom, &finess_a);
        let m = conflict_message(
            s.update_etablissement(&admin(), b.id, b.version, &onto_a, at(2))
                .await
                .unwrap_err(),
        );
        assert!(m.contains("FINESS existe déjà"), "{m}");
        let b_after = s.etablissement(org.b).await.unwrap().unwrap();
        assert_eq!(
            (b_after.fields.finess, b_after.version),
            (b.fields.finess, b.version)
        );

        let o = s.organisme(org.organisme).await.unwrap().unwrap();
        let m = conflict_message(
            s.create_organisme(&admin(), &organisme("Copie", &o.finess_juridique), at(3))
                .await
                .unwrap_err(),
        );
        assert_eq!(
            m,
            "Un organisme avec ce numéro FINESS juridique existe déjà."
        );
        let other = s
            .create_organisme(&admin(), &organisme("Autre", &finess(38, 5)), at(4))
            .await
            .unwrap();
        let m = conflict_message(
            s.update_organisme(
                &admin(),
                other,
                1,
                &organisme("Autre", &o.finess_juridique),
                at(5),
            )
            .await
            .unwrap_err(),
        );
        assert!(m.contains("FINESS juridique existe déjà"), "{m}");

        s.create_unite(&admin(), org.a, "Unité Alzheimer", "unite", Some(14), at(6))
            .await
            .unwrap();
        let m = conflict_message(
            s.create_unite(&admin(), org.a, "Unité Alzheimer", "unite", None, at(7))
                .await
                .unwrap_err(),
        );
        assert!(m.contains("existe déjà"), "{m}");
        // The same unit name in another établissement is fine.
        s.create_unite(&admin(), org.b, "Unité Alzheimer", "unite", None, at(8))
            .await
            .unwrap();

        create_user(s, "dupont", Role::Infirmier, &[org.a]).await;
        let m = conflict_message(
            s.create_utilisateur(
                &admin(),
                &user_input("DUPONT", Role::Medecin, &[]),
                "h",
                false,
                at(9),
            )
            .await
            .unwrap_err(),
        );
        assert_eq!(m, "Ce nom d'utilisateur est déjà pris.");
        db.cleanup().await;
    }
}

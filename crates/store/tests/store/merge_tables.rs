//! What a merge does with every table that holds person data: each table with a `usager_id`
//! column is declared as following the kept file or staying with the absorbed one (a new
//! section's table cannot be forgotten), and the professionals and the person's own portal
//! account follow the merge and come back when it is undone.

use std::collections::BTreeSet;

use dui_domain::policy::{Action, Role};
use dui_domain::usager::entourage::RoleProfessionnel;
use dui_store::policy::Capability;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{ProfessionnelInput, TABLES_FUSION};
use dui_store::Store;

use crate::common::{admin, cap, create_user, insert_usager, seed_org, t0, user_input};

#[tokio::test]
async fn every_table_of_person_data_is_declared_for_merges() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let schema: BTreeSet<String> = db
            .tables_with_column("usager_id")
            .await
            .unwrap()
            .into_iter()
            .collect();
        let declared: BTreeSet<String> = TABLES_FUSION.iter().map(|(t, _)| t.to_string()).collect();
        let missing: Vec<_> = schema.difference(&declared).collect();
        assert!(
            missing.is_empty(),
            "{engine}: tables with a usager_id column that merges ignore: {missing:?} \
             (declare them in TABLES_FUSION: moved, or left with the absorbed file and why)"
        );
        let stale: Vec<_> = declared.difference(&schema).collect();
        assert!(stale.is_empty(), "{engine}: declared but absent: {stale:?}");
        db.cleanup().await;
    }
}

async fn professional(s: &Store, nom: &str) -> i64 {
    s.create_professionnel(
        &admin(),
        &ProfessionnelInput {
            nom: nom.into(),
            prenom: "Claire".into(),
            fonction: "Médecin généraliste".into(),
            identifiant_pro: None,
            structure: None,
            telephone: None,
            email: None,
            mssante: None,
        },
        t0(),
    )
    .await
    .unwrap()
}

/// (professional id, role) pairs of a file, sorted.
async fn pros(s: &Store, c: &Capability) -> Vec<(i64, String)> {
    let mut v: Vec<(i64, String)> = s
        .professionnels_usager(c)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.professionnel.id, p.role.code().to_string()))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn professionals_and_the_portal_account_follow_a_merge_and_its_undo() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secretariat", Role::Secretariat, &[org.a]).await;
        insert_usager(&db, 201, "DUPONT", org.a, None).await;
        insert_usager(&db, 202, "DUPOND", org.a, None).await;
        insert_usager(&db, 203, "DUPONS", org.a, None).await;
        let (dr_a, dr_b, kine) = (
            professional(s, "Martin").await,
            professional(s, "Bernard").await,
            professional(s, "Petit").await,
        );
        // 202 (absorbed) has a médecin traitant and a kinésithérapeute; 201 (kept) has none.
        let w202 = cap(s, &secr, 202, Action::Ecrire).await;
        s.link_professionnel(&w202, dr_a, RoleProfessionnel::MedecinTraitant)
            .await
            .unwrap();
        s.link_professionnel(&w202, kine, RoleProfessionnel::Autre)
            .await
            .unwrap();
        // The person's own portal account is linked to the absorbed file.
        let portail = create_user(s, "portail", Role::Usager, &[]).await;
        let mut input = user_input("portail", Role::Usager, &[]);
        input.usager_id = Some(202);
        s.update_utilisateur(&admin(), portail.id, portail.version, &input, t0())
            .await
            .unwrap();

        let (k, a) = (
            cap(s, &secr, 201, Action::Valider).await,
            cap(s, &secr, 202, Action::Valider).await,
        );
        let fid = s.fusionner_usagers(&k, &a).await.unwrap();
        let r201 = cap(s, &secr, 201, Action::Lire).await;
        assert_eq!(
            pros(s, &r201).await,
            vec![(dr_a, "medecin_traitant".into()), (kine, "autre".into())],
            "{engine}: the médecin traitant follows the person"
        );
        let account = s.utilisateur(portail.id).await.unwrap().unwrap();
        assert_eq!(
            account.usager_id,
            Some(201),
            "{engine}: the portal account follows"
        );
        s.annuler_fusion(&k, fid).await.unwrap();
        let r202 = cap(s, &secr, 202, Action::Lire).await;
        assert!(pros(s, &r201).await.is_empty(), "{engine}");
        assert_eq!(pros(s, &r202).await.len(), 2, "{engine}: given back");
        let account = s.utilisateur(portail.id).await.unwrap().unwrap();
        assert_eq!(account.usager_id, Some(202), "{engine}: given back");

        // A kept file with its own médecin traitant keeps it; the absorbed one's stays with
        // the absorbed file (and is there again after an undo).
        let w203 = cap(s, &secr, 203, Action::Ecrire).await;
        s.link_professionnel(&w203, dr_b, RoleProfessionnel::MedecinTraitant)
            .await
            .unwrap();
        let k203 = cap(s, &secr, 203, Action::Valider).await;
        let a = cap(s, &secr, 202, Action::Valider).await;
        let fid = s.fusionner_usagers(&k203, &a).await.unwrap();
        let r203 = cap(s, &secr, 203, Action::Lire).await;
        assert_eq!(
            pros(s, &r203).await,
            vec![(dr_b, "medecin_traitant".into()), (kine, "autre".into())],
            "{engine}"
        );
        s.annuler_fusion(&k203, fid).await.unwrap();
        assert_eq!(
            pros(s, &r203).await,
            vec![(dr_b, "medecin_traitant".into())],
            "{engine}"
        );
        let r202 = cap(s, &secr, 202, Action::Lire).await;
        assert_eq!(
            pros(s, &r202).await,
            vec![(dr_a, "medecin_traitant".into()), (kine, "autre".into())],
            "{engine}"
        );
        db.cleanup().await;
    }
}

//! Projects across merges and the PPE's set-up deadline, on every engine: a merge of two files
//! that each had a PPA leaves one current PPA (the kept file's), the absorbed one archived,
//! readable, frozen and out of the alerts, given back by undoing the merge; a child admitted
//! in child protection without a validated PPE raises an alert for its referent three months
//! after the admission (CASF D223-12), until a PPE is validated.

use chrono::NaiveDate;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::projet::{Contenu, EtatEcheance, TypeProjet, VoletPpe};
use dui_store::testing::{engines, TestDb};
use dui_store::StoreError;

use crate::common::{
    admin, at, check, create_user, etablissement, finess, insert_usager, principal, recherche,
    seed_org,
};
use crate::projets::{acc, contenu, jour};

#[tokio::test]
async fn a_merge_leaves_one_current_project_of_each_type_and_its_undoing_gives_the_other_back() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        insert_usager(&db, 1, "MARTIN", org.a, Some(cadre.id)).await;
        insert_usager(&db, 2, "MARTIN", org.a, Some(cadre.id)).await;
        let mut pids = Vec::new();
        for u in [1, 2] {
            let pid = s
                .create_projet(
                    &acc(s, &cadre, u, Action::Ecrire).await,
                    TypeProjet::Ppa,
                    &contenu(cadre.id),
                )
                .await
                .unwrap();
            s.valider_projet(&acc(s, &cadre, u, Action::Valider).await, pid, 1, jour())
                .await
                .unwrap();
            pids.push(pid);
        }
        let (garde, absorbe) = (pids[0], pids[1]);
        let adm = |u| check(s, &cadre, u, Section::Administratif, Action::Valider, at(7));
        let fid = s
            .fusionner_usagers(&adm(1).await.unwrap(), &adm(2).await.unwrap())
            .await
            .unwrap();

        // Both projects are in the kept file; only its own is current.
        let lire = acc(s, &cadre, 1, Action::Lire).await;
        let tout = dui_store::page::Page::TOUT;
        let projets = s.projets_page(&lire, tout).await.unwrap();
        let courants: Vec<i64> = projets
            .iter()
            .filter(|p| p.fusion_archive.is_none() && p.type_projet == TypeProjet::Ppa)
            .map(|p| p.id)
            .collect();
        assert_eq!(courants, [garde], "{engine}");
        let archive = projets.iter().find(|p| p.id == absorbe).unwrap();
        assert_eq!(archive.fusion_archive, Some(fid));
        // Readable as it was, never changed again.
        assert!(s.projet_version(&lire, absorbe, 1).await.unwrap().is_some());
        let ecrire = acc(s, &cadre, 1, Action::Ecrire).await;
        let r = s
            .save_brouillon(&ecrire, absorbe, archive.version, &Contenu::default())
            .await;
        assert!(
            matches!(r, Err(StoreError::Conflict(ref m)) if m.contains("archivé")),
            "{engine}: {r:?}"
        );
        // A new PPA is still refused: the kept one is current.
        let r = s
            .create_projet(&ecrire, TypeProjet::Ppa, &Contenu::default())
            .await;
        assert!(matches!(r, Err(StoreError::Conflict(_))), "{engine}");
        // The alerts name the current project only (its action, its review).
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let rc = recherche(s, &principal(&cadre)).await;
        let a = s.alertes_projets(&rc, &m, jour(), at(9)).await.unwrap();
        assert!(!a.is_empty(), "{engine}");
        assert!(
            a.iter().all(|x| x.projet_id == Some(garde)),
            "{engine}: {a:?}"
        );

        // Undoing the merge: each file has its current PPA again.
        s.annuler_fusion(&adm(1).await.unwrap(), fid).await.unwrap();
        let retour = acc(s, &cadre, 2, Action::Lire).await;
        let p = s.projets_page(&retour, tout).await.unwrap();
        assert_eq!(
            p.iter()
                .map(|p| (p.id, p.fusion_archive))
                .collect::<Vec<_>>(),
            [(absorbe, None)],
            "{engine}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_child_admitted_in_child_protection_needs_a_ppe_within_three_months() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let mut mecs = etablissement(org.organisme, "MECS La Passerelle", &finess(69, 300));
        mecs.categorie = "177".into();
        mecs.domaine = dui_domain::organisation::Domaine::Pde;
        let mecs = s
            .create_etablissement(&admin(), &mecs, at(0))
            .await
            .unwrap();
        let edu = create_user(s, "edu", Role::Educateur, &[mecs, org.a]).await;
        // A child admitted on 10 January 2026, a young adult, and an EHPAD resident: only the
        // child's PPE is due.
        insert_usager(&db, 1, "PETIT", mecs, Some(edu.id)).await;
        insert_usager(&db, 2, "GRAND", mecs, Some(edu.id)).await;
        insert_usager(&db, 3, "ANCIEN", org.a, Some(edu.id)).await;
        db.exec("UPDATE usager SET date_naissance = '2015-05-01' WHERE id = 1")
            .await
            .unwrap();
        db.exec("UPDATE usager SET date_naissance = '2007-01-01' WHERE id = 2")
            .await
            .unwrap();
        db.exec("UPDATE sejour SET date_entree = '2026-01-10'")
            .await
            .unwrap();
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let rc = recherche(s, &principal(&edu)).await;
        let alertes = |d: NaiveDate| {
            let (rc, m) = (&rc, &m);
            async move { s.alertes_projets(rc, m, d, at(9)).await.unwrap() }
        };
        let d = |y, mo, j| NaiveDate::from_ymd_opt(y, mo, j).unwrap();
        // Two months after the admission: nothing yet; 30 days ahead: soon; after: late.
        assert!(alertes(d(2026, 3, 1)).await.is_empty(), "{engine}");
        let a = alertes(d(2026, 3, 20)).await;
        let vues: Vec<_> = a
            .iter()
            .map(|x| {
                (
                    x.usager_id.0,
                    x.projet_id,
                    x.admission.as_deref(),
                    x.echeance.as_str(),
                    x.etat,
                )
            })
            .collect();
        assert_eq!(
            vues,
            [(
                1,
                None,
                Some("2026-01-10"),
                "2026-04-10",
                EtatEcheance::Proche
            )],
            "{engine}"
        );
        assert_eq!(
            alertes(d(2026, 4, 11)).await[0].etat,
            EtatEcheance::EnRetard
        );
        // A draft PPE is not enough; a validated one ends the alert.
        let ppe = Contenu {
            ppe: Some(VoletPpe {
                decision_nature: "judiciaire".into(),
                referent_ase: Some("Mme Leroy, ASE du Rhône".into()),
                ..Default::default()
            }),
            ..contenu(edu.id)
        };
        let pid = s
            .create_projet(
                &acc(s, &edu, 1, Action::Ecrire).await,
                TypeProjet::Ppe,
                &ppe,
            )
            .await
            .unwrap();
        assert_eq!(alertes(d(2026, 4, 11)).await.len(), 1);
        let cadre = create_user(s, "cadre", Role::Cadre, &[mecs]).await;
        let valider = acc(s, &cadre, 1, Action::Valider).await;
        s.valider_projet(&valider, pid, 1, d(2026, 4, 11))
            .await
            .unwrap();
        let a = alertes(d(2026, 4, 11)).await;
        assert!(a.iter().all(|x| x.admission.is_none()), "{engine}: {a:?}");
        db.cleanup().await;
    }
}

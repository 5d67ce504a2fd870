//! The personalised project through the store, on every engine: versions (a draft edited
//! with optimistic concurrency, validated versions frozen, the differences between two),
//! objectives with SERAFIN-PH codes, review dates, signatures, rights and audit.

use chrono::NaiveDate;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::projet::{
    ActionPlan, CodeSerafin, Contenu, EtatEcheance, Objectif, Participant, TypeProjet, VoletPpe,
};
use dui_domain::serafin;
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::Capability;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::SignatureInput;
use dui_store::{Store, StoreError};

use crate::common::{
    at, audit_by_action, check, create_user, insert_usager, principal, recherche, refus, seed_org,
};

pub(crate) async fn acc(s: &Store, who: &Utilisateur, usager: i64, action: Action) -> Capability {
    check(s, who, usager, Section::Accompagnement, action, at(5))
        .await
        .unwrap()
}

pub(crate) fn jour() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

pub(crate) fn contenu(responsable: i64) -> Contenu {
    Contenu {
        attentes: Some("Marcher jusqu'au jardin avec ma canne.".into()),
        objectifs: vec![Objectif {
            libelle: "Marcher seule jusqu'au jardin".into(),
            statut: "en_cours".into(),
            echeance: Some("2026-09-01".into()),
            serafin: vec![CodeSerafin {
                systeme: serafin::SYSTEME.into(),
                code: "1.2.1.3".into(),
            }],
            actions: vec![ActionPlan {
                libelle: "Marche accompagnée trois fois par semaine".into(),
                responsable_id: Some(responsable),
                echeance: Some("2026-03-20".into()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        participants: vec![Participant {
            nom: "Hélène Martin".into(),
            qualite: "personne".into(),
        }],
        ..Default::default()
    }
}

fn signature(qualite: &str) -> SignatureInput {
    SignatureInput {
        signataire: "Hélène Martin".into(),
        qualite: qualite.into(),
        decision: "signe".into(),
        signe_le: "2026-03-02".into(),
        commentaire: None,
    }
}

#[tokio::test]
async fn drafts_are_versioned_validated_versions_frozen_and_stale_saves_refused() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let edu = create_user(s, "edu", Role::Educateur, &[org.a]).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        insert_usager(&db, 1, "MARTIN", org.a, Some(cadre.id)).await;
        let ecrire = acc(s, &edu, 1, Action::Ecrire).await;
        let pid = s
            .create_projet(&ecrire, TypeProjet::Ppa, &contenu(edu.id))
            .await
            .unwrap();
        // An action is assigned within the person's team only (the cadre of the other
        // établissement is not in it).
        let ailleurs = create_user(s, "cadre.b", Role::Cadre, &[org.b]).await;
        assert!(matches!(
            s.create_projet(&ecrire, TypeProjet::Ppe, &contenu(ailleurs.id)).await,
            Err(StoreError::Invalid(m)) if m.contains("n'est pas un professionnel")
        ));
        let equipe: Vec<i64> = s
            .equipe_projet(&ecrire)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(equipe.len(), 2);
        assert!(equipe.contains(&edu.id) && equipe.contains(&cadre.id));
        // One PPA per person.
        assert!(matches!(
            s.create_projet(&ecrire, TypeProjet::Ppa, &Contenu::default())
                .await,
            Err(StoreError::Conflict(_))
        ));
        let p = s.projet(&ecrire, pid).await.unwrap().unwrap();
        assert_eq!(
            (p.version, p.brouillon, p.derniere_validee),
            (1, Some(1), None)
        );
        let v1 = s.projet_version(&ecrire, pid, 1).await.unwrap().unwrap();
        assert_eq!(v1.statut, "brouillon");
        assert_eq!(v1.contenu.objectifs[0].cle, "o1");

        // Optimistic concurrency on the draft: the second save from version 1 is refused.
        let mut c = v1.contenu.clone();
        c.attentes = Some("Aller au jardin seule.".into());
        assert_eq!(s.save_brouillon(&ecrire, pid, 1, &c).await.unwrap(), 2);
        let mut autre = v1.contenu.clone();
        autre.attentes = Some("Autre chose".into());
        assert!(matches!(
            s.save_brouillon(&ecrire, pid, 1, &autre).await,
            Err(StoreError::StaleVersion)
        ));
        let v1 = s.projet_version(&ecrire, pid, 1).await.unwrap().unwrap();
        assert_eq!(
            v1.contenu.attentes.as_deref(),
            Some("Aller au jardin seule.")
        );
        // A code without its system, or of the CNSA numbering, is refused; nothing written.
        let mut bad = v1.contenu.clone();
        bad.objectifs[0].serafin[0].systeme = String::new();
        assert!(matches!(
            s.save_brouillon(&ecrire, pid, 2, &bad).await,
            Err(StoreError::Invalid(m)) if m.contains("système de codes")
        ));
        assert_eq!(s.projet(&ecrire, pid).await.unwrap().unwrap().version, 2);
        assert!(matches!(
            s.save_brouillon(&ecrire, 999, 2, &c).await,
            Err(StoreError::NotFound)
        ));

        // Validating needs the right to validate (the educator has not) and the read version.
        let r = check(s, &edu, 1, Section::Accompagnement, Action::Valider, at(6)).await;
        assert_eq!(refus(r), Refus::NonPermisParLeRole);
        let valider = acc(s, &cadre, 1, Action::Valider).await;
        assert!(matches!(
            s.valider_projet(&valider, pid, 1, jour()).await,
            Err(StoreError::StaleVersion)
        ));
        assert_eq!(s.valider_projet(&valider, pid, 2, jour()).await.unwrap(), 1);
        let p = s.projet(&ecrire, pid).await.unwrap().unwrap();
        assert_eq!(p.prochaine_revision.as_deref(), Some("2027-03-02"));
        assert_eq!(
            (p.version, p.brouillon, p.derniere_validee),
            (3, None, Some(1))
        );
        assert!(matches!(
            s.valider_projet(&valider, pid, 3, jour()).await,
            Err(StoreError::Conflict(_))
        ));

        // The next save opens draft 2; version 1 stays as validated.
        let mut c2 = c.clone();
        c2.objectifs[0].statut = "atteint".into();
        c2.objectifs.push(Objectif {
            libelle: "Participer à l'atelier mémoire".into(),
            statut: "en_revision".into(),
            serafin: vec![CodeSerafin {
                systeme: serafin::SYSTEME.into(),
                code: "2.3.1.1".into(),
            }],
            ..Default::default()
        });
        assert_eq!(s.save_brouillon(&ecrire, pid, 3, &c2).await.unwrap(), 4);
        let v1 = s.projet_version(&ecrire, pid, 1).await.unwrap().unwrap();
        assert_eq!(v1.statut, "valide");
        assert_eq!(v1.contenu.objectifs.len(), 1);
        assert_eq!(v1.valide_par, Some(cadre.id));
        let v2 = s.projet_version(&ecrire, pid, 2).await.unwrap().unwrap();
        assert_eq!(v2.statut, "brouillon");
        assert_eq!(v2.contenu.objectifs[1].cle, "o2");
        let d = s.projet_diff(&ecrire, pid, 1, 2).await.unwrap();
        let cles: Vec<&str> = d.iter().map(|x| x.cle.as_str()).collect();
        assert_eq!(cles[0], "objectifs.o1.statut");
        assert!(cles.contains(&"objectifs.o2.serafin"));
        let versions = s
            .projet_versions_page(&ecrire, pid, dui_store::page::Page::first(1))
            .await
            .unwrap();
        assert_eq!(versions.len(), 2, "one more than asked: a next page exists");
        assert_eq!(versions[0].numero, 2);

        // Alerts: the action assigned to the educator, then the review for the referent.
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let jour_j = |y, mo, d| NaiveDate::from_ymd_opt(y, mo, d).unwrap();
        let a = s
            .alertes_projets(&recherche(s, &principal(&edu)).await, &m, jour(), at(9))
            .await
            .unwrap();
        let vues: Vec<(Option<&str>, &str, EtatEcheance)> = a
            .iter()
            .map(|x| (x.action.as_deref(), x.echeance.as_str(), x.etat))
            .collect();
        assert_eq!(
            vues,
            [(
                Some("Marche accompagnée trois fois par semaine"),
                "2026-03-20",
                EtatEcheance::Proche
            )]
        );
        assert_eq!(a[0].personne, "Hélène MARTIN");
        let rc = recherche(s, &principal(&cadre)).await;
        assert!(s
            .alertes_projets(&rc, &m, jour(), at(9))
            .await
            .unwrap()
            .is_empty());
        let a = s
            .alertes_projets(&rc, &m, jour_j(2027, 2, 20), at(9))
            .await
            .unwrap();
        let vues: Vec<(Option<&str>, &str, EtatEcheance)> = a
            .iter()
            .map(|x| (x.action.as_deref(), x.echeance.as_str(), x.etat))
            .collect();
        assert_eq!(vues, [(None, "2027-03-02", EtatEcheance::Proche)]);
        let a = s
            .alertes_projets(
                &recherche(s, &principal(&edu)).await,
                &m,
                jour_j(2026, 4, 1),
                at(9),
            )
            .await
            .unwrap();
        assert_eq!(a[0].etat, EtatEcheance::EnRetard);
        // Each home page with alerts is audited with the files it names.
        let e = audit_by_action(s, "usager.projet.alertes").await;
        assert_eq!(e.len(), 3, "{engine}");
        assert!(e[0].detail.contains("\"usagers\":[1]"), "{}", e[0].detail);

        for (action, n) in [
            ("usager.projet.creation", 1),
            ("usager.projet.modification", 2),
            ("usager.projet.validation", 1),
        ] {
            let e = audit_by_action(s, action).await;
            assert_eq!(e.len(), n, "{engine}: {action}");
            assert_eq!(e[0].section.as_deref(), Some("accompagnement"));
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn signatures_are_traced_and_a_signed_draft_is_not_edited() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        insert_usager(&db, 1, "MARTIN", org.a, None).await;
        let valider = acc(s, &cadre, 1, Action::Valider).await;
        let ecrire = acc(s, &cadre, 1, Action::Ecrire).await;
        let pid = s
            .create_projet(&ecrire, TypeProjet::Ppa, &contenu(cadre.id))
            .await
            .unwrap();
        let mut bad = signature("voisin");
        bad.signe_le = "hier".into();
        assert!(matches!(
            s.signer_projet(&valider, pid, 1, 1, &bad).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.signer_projet(&valider, pid, 1, 1, &signature("personne"))
                .await
                .unwrap(),
            2
        );
        assert!(matches!(
            s.signer_projet(&valider, pid, 1, 1, &signature("representant_legal"))
                .await,
            Err(StoreError::StaleVersion)
        ));
        let v = s.projet_version(&valider, pid, 1).await.unwrap().unwrap();
        assert!(matches!(
            s.save_brouillon(&ecrire, pid, 2, &v.contenu).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.valider_projet(&valider, pid, 2, jour()).await.unwrap(), 1);
        // A representative signs later, on the validated version.
        let mut rep = signature("representant_legal");
        rep.signataire = "Paul Martin (tuteur)".into();
        rep.decision = "refuse".into();
        rep.commentaire = Some("Souhaite en reparler avec sa mère.".into());
        s.signer_projet(&valider, pid, 1, 3, &rep).await.unwrap();
        let v = s.projet_version(&valider, pid, 1).await.unwrap().unwrap();
        let sig: Vec<(&str, &str, Option<i64>)> = v
            .signatures
            .iter()
            .map(|x| (x.qualite.as_str(), x.decision.as_str(), x.saisi_par))
            .collect();
        assert_eq!(
            sig,
            [
                ("personne", "signe", Some(cadre.id)),
                ("representant_legal", "refuse", Some(cadre.id))
            ]
        );
        assert_eq!(audit_by_action(s, "usager.projet.signature").await.len(), 2);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_ppe_follows_its_decision_and_is_reviewed_every_six_months_under_two() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        insert_usager(&db, 1, "PETIT", org.a, None).await;
        db.exec("UPDATE usager SET date_naissance = '2025-01-15' WHERE id = 1")
            .await
            .unwrap();
        let c = acc(s, &cadre, 1, Action::Ecrire).await;
        let cv = acc(s, &cadre, 1, Action::Valider).await;
        let mut ppe = contenu(cadre.id);
        ppe.ppe = Some(VoletPpe::default());
        // The PPE part only in a PPE.
        assert!(matches!(
            s.create_projet(&c, TypeProjet::Ppa, &ppe).await,
            Err(StoreError::Invalid(_))
        ));
        let pid = s.create_projet(&c, TypeProjet::Ppe, &ppe).await.unwrap();
        assert!(matches!(
            s.valider_projet(&cv, pid, 1, jour()).await,
            Err(StoreError::Invalid(m)) if m.contains("référent ASE")
        ));
        ppe.ppe = Some(VoletPpe {
            decision_nature: "judiciaire".into(),
            referent_ase: Some("Mme Roux, ASE Rhône".into()),
            avis_parents: Some("D'accord pour l'accueil en crèche.".into()),
            ..Default::default()
        });
        let v = s.save_brouillon(&c, pid, 1, &ppe).await.unwrap();
        s.valider_projet(&cv, pid, v, jour()).await.unwrap();
        let p = s.projet(&c, pid).await.unwrap().unwrap();
        assert_eq!(p.type_projet, TypeProjet::Ppe);
        assert_eq!(p.prochaine_revision.as_deref(), Some("2026-09-02"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_merge_carries_the_projects_and_its_undoing_gives_them_back() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        insert_usager(&db, 1, "MARTIN", org.a, None).await;
        insert_usager(&db, 2, "MARTIN", org.a, None).await;
        let absorbe = acc(s, &cadre, 2, Action::Ecrire).await;
        let pid = s
            .create_projet(&absorbe, TypeProjet::Ppa, &contenu(cadre.id))
            .await
            .unwrap();
        s.valider_projet(&acc(s, &cadre, 2, Action::Valider).await, pid, 1, jour())
            .await
            .unwrap();
        let adm = |u| check(s, &cadre, u, Section::Administratif, Action::Valider, at(7));
        let fid = s
            .fusionner_usagers(&adm(1).await.unwrap(), &adm(2).await.unwrap())
            .await
            .unwrap();
        let garde = acc(s, &cadre, 1, Action::Lire).await;
        let tout = dui_store::page::Page::TOUT;
        assert_eq!(s.projets_page(&garde, tout).await.unwrap().len(), 1);
        let v = s.projet_version(&garde, pid, 1).await.unwrap().unwrap();
        assert_eq!(v.statut, "valide");
        // The alerts follow the person: the action now points at the kept file.
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let a = s
            .alertes_projets(&recherche(s, &principal(&cadre)).await, &m, jour(), at(9))
            .await
            .unwrap();
        assert_eq!(a.iter().map(|x| x.usager_id.0).collect::<Vec<_>>(), [1]);
        s.annuler_fusion(&adm(1).await.unwrap(), fid).await.unwrap();
        assert!(s.projets_page(&garde, tout).await.unwrap().is_empty());
        let retour = acc(s, &cadre, 2, Action::Lire).await;
        assert_eq!(s.projets_page(&retour, tout).await.unwrap().len(), 1);
        assert!(s.projet_version(&retour, pid, 1).await.unwrap().is_some());
        db.cleanup().await;
    }
}

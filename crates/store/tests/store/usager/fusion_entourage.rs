//! The circle and its professionals, and what a merge moves (stays, circle, assignments) and its undoing gives back.

use super::*;
use dui_domain::usager::entourage::RoleProfessionnel;
use dui_domain::usager::entourage::{MesureProtection, Relation};

fn proche(nom: &str, relation: &str) -> EntourageInput {
    EntourageInput {
        nom: nom.into(),
        prenom: "Claude".into(),
        relation: Relation::from_code(relation).unwrap(),
        mesure_protection: None,
        mesure_debut: None,
        mesure_fin: None,
        mesure_reference: None,
        personne_confiance: false,
        date_designation: None,
        personne_a_prevenir: false,
        telephone: None,
        email: None,
        adresse: None,
        commentaire: None,
    }
}

fn confiance(nom: &str) -> EntourageInput {
    EntourageInput {
        personne_confiance: true,
        date_designation: Some("2025-01-06".into()),
        ..proche(nom, "enfant")
    }
}

/// Whether `user` is assigned to `usager` (the policy's answer for a home-care worker).
async fn assigned(s: &Store, user: &Utilisateur, usager: i64) -> bool {
    match cap_at(s, user, usager, Action::Lire, at(30)).await {
        Ok(_) => true,
        Err(StoreError::Denied(Refus::HorsPerimetre)) => false,
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn merge_moves_stays_circle_and_assignments_and_unmerge_restores_them() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let org_a = w.org.a;
        let both = w.intervenant_a.clone();
        let only_x = create_user(s, "intervenant.x", Role::IntervenantDomicile, &[org_a]).await;
        let keep = create_usager(
            s,
            &w.secr_a,
            &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
            org_a,
        )
        .await;
        let absorbed = create_usager(
            s,
            &w.secr_a,
            &ident("DUPOND", &["Helene"], "1938-04-12", "F"),
            org_a,
        )
        .await;

        let kw = cap(s, &w.secr_a, keep, Action::Ecrire).await;
        let xw = cap(s, &w.secr_a, absorbed, Action::Ecrire).await;
        s.add_entourage(&kw, &proche("FILS", "enfant"))
            .await
            .unwrap();
        s.add_entourage(&xw, &proche("FILLE", "enfant"))
            .await
            .unwrap();
        s.assign(&kw, both.id).await.unwrap();
        s.assign(&xw, both.id).await.unwrap();
        s.assign(&xw, only_x.id).await.unwrap();

        let kv = cap(s, &w.secr_a, keep, Action::Valider).await;
        let xv = cap(s, &w.secr_a, absorbed, Action::Valider).await;
        let sejours = |c: Capability| async move {
            let mut v: Vec<i64> = s.sejours(&c).await.unwrap().iter().map(|x| x.id).collect();
            v.sort_unstable();
            v
        };
        let circle = |c: Capability| async move {
            let mut v: Vec<i64> = s
                .entourage(&c)
                .await
                .unwrap()
                .iter()
                .map(|x| x.id)
                .collect();
            v.sort_unstable();
            v
        };
        let (k_sej, x_sej) = (sejours(kv.clone()).await, sejours(xv.clone()).await);
        let (k_ent, x_ent) = (circle(kv.clone()).await, circle(xv.clone()).await);
        assert_eq!(
            (k_sej.len(), x_sej.len(), k_ent.len(), x_ent.len()),
            (1, 1, 1, 1)
        );

        // Needs validation rights on both files.
        assert_eq!(
            refus(s.fusionner_usagers(&kw, &xv).await),
            Refus::NonPermisParLeRole
        );
        assert!(matches!(
            s.fusionner_usagers(&kv, &kv).await,
            Err(StoreError::Invalid(_))
        ));

        let fid = s.fusionner_usagers(&kv, &xv).await.unwrap();
        let mut all_sej = [k_sej.clone(), x_sej.clone()].concat();
        all_sej.sort_unstable();
        let mut all_ent = [k_ent.clone(), x_ent.clone()].concat();
        all_ent.sort_unstable();
        assert_eq!(sejours(kv.clone()).await, all_sej, "{engine}");
        assert_eq!(circle(kv.clone()).await, all_ent);
        assert!(sejours(xv.clone()).await.is_empty());
        assert!(circle(xv.clone()).await.is_empty());
        let x = s.usager(&xv).await.unwrap().unwrap();
        assert_eq!(x.fusionne_dans, Some(keep.into()), "{engine}");
        assert!(
            assigned(s, &only_x, keep).await,
            "{engine}: affectation déplacée"
        );
        assert!(!assigned(s, &only_x, absorbed).await);
        assert!(assigned(s, &both, keep).await);
        assert!(!assigned(s, &both, absorbed).await);
        // The merged file is no longer found.
        assert_eq!(
            found(s, &w.secr_a, "12/04/1938").await,
            vec![keep],
            "{engine}"
        );
        // (« dupond » still finds the kept « Dupont » by its sound, never the merged file.)
        assert!(!found(s, &w.secr_a, "dupond").await.contains(&absorbed));
        assert!(found(s, &w.secr_a, &numero(absorbed)).await.is_empty());

        // Twice: conflict, nothing moves.
        assert!(
            matches!(
                s.fusionner_usagers(&kv, &xv).await,
                Err(StoreError::Conflict(_))
            ),
            "{engine}"
        );
        assert!(matches!(
            s.fusionner_usagers(&xv, &kv).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.fusions(&kv).await.unwrap().len(), 1);

        // Only the kept file's validator undoes it.
        assert!(matches!(
            s.annuler_fusion(&xv, fid).await,
            Err(StoreError::NotFound)
        ));
        s.annuler_fusion(&kv, fid).await.unwrap();
        assert_eq!(sejours(kv.clone()).await, k_sej, "{engine}");
        assert_eq!(sejours(xv.clone()).await, x_sej);
        assert_eq!(circle(kv.clone()).await, k_ent);
        assert_eq!(circle(xv.clone()).await, x_ent);
        assert_eq!(s.usager(&xv).await.unwrap().unwrap().fusionne_dans, None);
        assert!(assigned(s, &only_x, absorbed).await, "{engine}");
        assert!(!assigned(s, &only_x, keep).await, "{engine}");
        assert!(
            assigned(s, &both, absorbed).await,
            "{engine}: affectation commune rendue"
        );
        assert!(
            assigned(s, &both, keep).await,
            "{engine}: affectation commune conservée"
        );
        assert_eq!(
            found(s, &w.secr_a, "12/04/1938").await,
            vec![keep, absorbed]
        );

        assert!(matches!(
            s.annuler_fusion(&kv, fid).await,
            Err(StoreError::Conflict(_))
        ));
        let fusions = s.fusions(&kv).await.unwrap();
        assert_eq!(fusions.len(), 1);
        assert_eq!(
            (fusions[0].conserve_id, fusions[0].absorbe_id),
            (keep, absorbed)
        );
        assert!(fusions[0].annule_at.is_some());
        // Both files were told, for the merge and for its undoing.
        for action in ["usager.fusion", "usager.fusion.annulation"] {
            let mut files: Vec<Option<i64>> = audit_by_action(s, action)
                .await
                .iter()
                .filter(|e| e.action == action)
                .map(|e| e.usager_id)
                .collect();
            files.sort_unstable();
            assert_eq!(
                files,
                vec![Some(keep), Some(absorbed)],
                "{engine}: {action}"
            );
        }
        // And it can be merged again afterwards.
        s.fusionner_usagers(&kv, &xv).await.unwrap();
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn circle_one_trusted_person_and_professionals_with_one_general_practitioner() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = helene(&w).await;
        let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
        let read = cap(s, &w.educ_a, id, Action::Lire).await;
        assert_eq!(
            refus(s.add_entourage(&read, &proche("X", "ami")).await),
            Refus::NonPermisParLeRole
        );

        let tuteur = EntourageInput {
            mesure_protection: Some(MesureProtection::Tutelle),
            mesure_debut: Some("2024-05-01".into()),
            ..proche("MANDATAIRE", "tuteur")
        };
        let t = s.add_entourage(&write, &tuteur).await.unwrap();
        let p1 = s.add_entourage(&write, &confiance("AINE")).await.unwrap();
        let p2 = s.add_entourage(&write, &confiance("CADET")).await.unwrap();
        let list = s.entourage(&read).await.unwrap();
        assert_eq!(list.len(), 3, "{engine}");
        let trusted: Vec<i64> = list
            .iter()
            .filter(|e| e.personne_confiance)
            .map(|e| e.id)
            .collect();
        assert_eq!(
            trusted,
            vec![p2],
            "{engine}: une seule personne de confiance"
        );
        assert_eq!(list[0].id, p2, "la personne de confiance d'abord");
        let t_row = list.iter().find(|e| e.id == t).unwrap();
        assert_eq!(t_row.mesure_protection, Some(MesureProtection::Tutelle));
        let v1 = list.iter().find(|e| e.id == p1).unwrap().version;
        assert_eq!(v1, 2, "{engine}: la désignation retirée change la version");

        // Update with the current version; a stale one changes nothing.
        let mut phone = proche("AINE", "enfant");
        phone.telephone = Some("06 12 34 56 78".into());
        assert_eq!(
            s.update_entourage(&write, p1, v1, &phone).await.unwrap(),
            v1 + 1
        );
        let mut other = proche("AINE-ECRASE", "ami");
        other.telephone = Some("01 00 00 00 00".into());
        assert!(
            matches!(
                s.update_entourage(&write, p1, v1, &other).await,
                Err(StoreError::StaleVersion)
            ),
            "{engine}"
        );
        let row = s
            .entourage(&read)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.id == p1)
            .unwrap();
        assert_eq!(
            (row.nom.as_str(), row.telephone.as_deref(), row.version),
            ("AINE", Some("06 12 34 56 78"), v1 + 1)
        );
        // Designating p1 by an update removes p2's designation.
        let p2_before = s
            .entourage(&read)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.id == p2)
            .unwrap();
        s.update_entourage(&write, p1, v1 + 1, &confiance("AINE"))
            .await
            .unwrap();
        let list = s.entourage(&read).await.unwrap();
        let trusted: Vec<i64> = list
            .iter()
            .filter(|e| e.personne_confiance)
            .map(|e| e.id)
            .collect();
        assert_eq!(trusted, vec![p1], "{engine}");
        let p2_after = list.iter().find(|e| e.id == p2).unwrap();
        assert_eq!(p2_after.version, p2_before.version + 1);
        // Re-saving the trusted person itself keeps the designation.
        s.update_entourage(&write, p1, v1 + 2, &confiance("AINE"))
            .await
            .unwrap();
        assert!(s
            .entourage(&read)
            .await
            .unwrap()
            .iter()
            .any(|e| e.id == p1 && e.personne_confiance));

        // Removal: kept inactive, gone from the list; twice → not found.
        s.remove_entourage(&write, p2).await.unwrap();
        assert!(s.entourage(&read).await.unwrap().iter().all(|e| e.id != p2));
        assert!(matches!(
            s.remove_entourage(&write, p2).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            s.update_entourage(&write, p2, p2_after.version + 1, &proche("CADET", "enfant"))
                .await,
            Err(StoreError::NotFound)
        ));
        // Another usager's person cannot be reached through this file.
        let other_id = create_usager(
            s,
            &w.secr_a,
            &ident("MARTIN", &["Paul"], "1940-01-01", "M"),
            w.org.a,
        )
        .await;
        let other_w = cap(s, &w.secr_a, other_id, Action::Ecrire).await;
        assert!(
            matches!(
                s.remove_entourage(&other_w, p1).await,
                Err(StoreError::NotFound)
            ),
            "{engine}"
        );
        for action in [
            "usager.entourage.ajout",
            "usager.entourage.modification",
            "usager.entourage.retrait",
        ] {
            assert!(!audit_by_action(s, action).await.is_empty(), "{action}");
        }

        // Professionals of the shared directory.
        let pro = |nom: &str| ProfessionnelInput {
            nom: nom.into(),
            prenom: "Gregory".into(),
            fonction: "Médecin généraliste".into(),
            ..ProfessionnelInput::default()
        };
        let house = s
            .create_professionnel(&admin(), &pro("HOUSE"), t0())
            .await
            .unwrap();
        let wilson = s
            .create_professionnel(&admin(), &pro("Wilson"), t0())
            .await
            .unwrap();
        let dir: Vec<i64> = s
            .professionnels("hou", 10)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(dir, vec![house], "{engine}");
        assert_eq!(s.professionnels("wil", 10).await.unwrap()[0].id, wilson);
        assert_eq!(s.professionnels("", 10).await.unwrap().len(), 2);
        assert_eq!(
            s.professionnel(wilson).await.unwrap().unwrap().nom,
            "Wilson"
        );

        s.link_professionnel(&write, house, RoleProfessionnel::MedecinTraitant)
            .await
            .unwrap();
        s.link_professionnel(&write, wilson, RoleProfessionnel::MedecinTraitant)
            .await
            .unwrap();
        s.link_professionnel(&write, house, RoleProfessionnel::Specialiste)
            .await
            .unwrap();
        let links: Vec<(i64, String)> = s
            .professionnels_usager(&read)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.professionnel.id, p.role.code().to_string()))
            .collect();
        assert_eq!(
            links
                .iter()
                .filter(|(_, r)| r == "medecin_traitant")
                .collect::<Vec<_>>(),
            vec![&(wilson, "medecin_traitant".to_string())],
            "{engine}: un seul médecin traitant"
        );
        assert!(links.contains(&(house, "specialiste".into())));
        assert_eq!(links.len(), 2);
        assert!(
            matches!(
                s.link_professionnel(&write, house, RoleProfessionnel::Specialiste)
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "{engine}"
        );
        assert_eq!(
            refus(
                s.link_professionnel(&read, house, RoleProfessionnel::Autre)
                    .await
            ),
            Refus::NonPermisParLeRole
        );
        s.unlink_professionnel(&write, wilson, RoleProfessionnel::MedecinTraitant)
            .await
            .unwrap();
        assert!(matches!(
            s.unlink_professionnel(&write, wilson, RoleProfessionnel::MedecinTraitant)
                .await,
            Err(StoreError::NotFound)
        ));
        let links = s.professionnels_usager(&read).await.unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].professionnel.id, links[0].role.code()),
            (house, "specialiste")
        );
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn the_store_refuses_a_person_that_breaks_the_legal_protection_rules() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = create_usager(
            s,
            &w.secr_a,
            &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
            w.org.a,
        )
        .await;
        let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
        // A legal representative without a measure, a measure ending before it starts, a
        // personne de confiance without a designation date: refused, nothing written.
        let sans_mesure = proche("TUTEUR", "tuteur");
        let a_rebours = EntourageInput {
            mesure_protection: Some(MesureProtection::Tutelle),
            mesure_debut: Some("2024-05-01".into()),
            mesure_fin: Some("2024-04-01".into()),
            ..proche("TUTEUR", "tuteur")
        };
        let sans_date = EntourageInput {
            personne_confiance: true,
            ..proche("FILLE", "enfant")
        };
        for bad in [&sans_mesure, &a_rebours, &sans_date] {
            assert!(
                matches!(
                    s.add_entourage(&write, bad).await,
                    Err(StoreError::Invalid(_))
                ),
                "{engine}"
            );
        }
        assert!(s.entourage(&write).await.unwrap().is_empty(), "{engine}");
        // The same rules on an update.
        let p = s
            .add_entourage(&write, &proche("FILS", "enfant"))
            .await
            .unwrap();
        assert!(matches!(
            s.update_entourage(&write, p, 1, &sans_mesure).await,
            Err(StoreError::Invalid(m)) if m.contains("représentant légal")
        ));
        let list = s.entourage(&write).await.unwrap();
        assert_eq!(list[0].relation, Relation::Enfant, "{engine}");
        // A stored code the domain does not know fails the read, never a plausible value.
        for (column, value) in [("relation", "voisin"), ("mesure_protection", "TUTELLE_X")] {
            w.db.exec(&format!(
                "UPDATE entourage SET {column} = '{value}' WHERE id = {p}"
            ))
            .await
            .unwrap();
            match s.entourage(&write).await {
                Err(StoreError::Corrupt(m)) => assert!(m.contains(column), "{engine}: {m}"),
                other => panic!("{engine} {column}: Corrupt attendu, obtenu {other:?}"),
            }
            w.db.exec(&format!(
                "UPDATE entourage SET relation = 'enfant', mesure_protection = NULL WHERE id = {p}"
            ))
            .await
            .unwrap();
        }
        w.db.cleanup().await;
    }
}

//! Search through the store: names, birth dates, INS and file numbers, keyset pages, scope, assignment and break-the-glass.

use super::*;

#[tokio::test]
async fn search_by_any_name_birth_date_ins_and_file_number() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let a = w.org.a;
        let helene = create_usager(
            s,
            &w.secr_a,
            &ident("DUPONT", &["Hélène", "Marie"], "1938-04-12", "F"),
            a,
        )
        .await;
        let lefevre = create_usager(
            s,
            &w.secr_a,
            &ident("LEFEVRE", &["Jean-Pierre"], "1945-06-01", "M"),
            a,
        )
        .await;
        let odette = create_usager(
            s,
            &w.secr_a,
            &with_used_name(ident("DUPONT", &["Odette"], "1950-01-01", "F"), "MARTIN"),
            a,
        )
        .await;
        let paul = create_usager_with(
            s,
            &w.secr_a,
            &ident("BERNARD", &["Paul"], "1938-04-12", "M"),
            Some(INS_DUPONT),
            a,
            &[],
        )
        .await;
        assert_eq!(numero(helene), "U0000001", "{engine}: premier dossier");

        // Accent- and case-insensitive prefix on any name word.
        assert_eq!(found(s, &w.secr_a, "hél").await, vec![helene], "{engine}");
        assert_eq!(found(s, &w.secr_a, "HEL").await, vec![helene]);
        assert_eq!(
            found(s, &w.secr_a, "mar").await,
            vec![helene, odette],
            "second prénom et nom utilisé"
        );
        assert_eq!(found(s, &w.secr_a, "lefev").await, vec![lefevre]);
        assert_eq!(found(s, &w.secr_a, "Lefèvre").await, vec![lefevre]);
        assert_eq!(
            found(s, &w.secr_a, "martin").await,
            vec![odette],
            "nom utilisé"
        );
        assert_eq!(found(s, &w.secr_a, "dupont").await, vec![helene, odette]);
        assert_eq!(found(s, &w.secr_a, "jean-pierre").await, vec![lefevre]);
        assert_eq!(found(s, &w.secr_a, "pierre").await, vec![lefevre]);
        assert!(
            found(s, &w.secr_a, "upont").await.is_empty(),
            "préfixe, pas sous-chaîne"
        );
        // Two words: both must match (any order).
        assert_eq!(found(s, &w.secr_a, "dup hel").await, vec![helene]);
        assert_eq!(found(s, &w.secr_a, "hel dup").await, vec![helene]);
        assert_eq!(found(s, &w.secr_a, "martin odet").await, vec![odette]);
        assert!(found(s, &w.secr_a, "dup jean").await.is_empty());
        // Names with a birth date.
        assert_eq!(found(s, &w.secr_a, "dupont 12/04/1938").await, vec![helene]);
        // Birth date alone, French or ISO.
        assert_eq!(found(s, &w.secr_a, "12/04/1938").await, vec![helene, paul]);
        assert_eq!(found(s, &w.secr_a, "1938-04-12").await, vec![helene, paul]);
        // INS (15 characters, spaces allowed).
        assert_eq!(found(s, &w.secr_a, INS_DUPONT).await, vec![paul]);
        assert_eq!(
            found(s, &w.secr_a, "2 79 03 51 215 189 89").await,
            vec![paul]
        );
        // Internal file number.
        assert_eq!(found(s, &w.secr_a, "U0000001").await, vec![helene]);
        assert_eq!(found(s, &w.secr_a, &numero(lefevre)).await, vec![lefevre]);
        assert!(found(s, &w.secr_a, "U0099999").await.is_empty());
        // Nothing typed: everyone of the scope, by name.
        let tous = found(s, &w.secr_a, "   ").await;
        assert!(
            tous.contains(&helene) && tous.contains(&lefevre),
            "{engine}: {tous:?}"
        );
        // A birth date in other common forms, a month, a year.
        assert_eq!(found(s, &w.secr_a, "12041938").await, vec![helene, paul]);
        assert_eq!(found(s, &w.secr_a, "04/1938").await, vec![helene, paul]);
        assert!(found(s, &w.secr_a, "1938").await.contains(&helene));
        // After the exact names, those that sound the same.
        assert_eq!(found(s, &w.secr_a, "dupond").await, vec![helene, odette]);

        // What a result carries.
        let (items, _) = recherche_page(s, &principal(&w.secr_a), "martin", 10, None, at(5)).await;
        let r = &items[0];
        assert_eq!(
            (
                r.numero.as_str(),
                r.nom_naissance.as_str(),
                r.nom_utilise.as_deref(),
                r.premier_prenom.as_str(),
                r.date_naissance.as_str(),
                r.statut_identite.code(),
            ),
            (
                numero(odette).as_str(),
                "DUPONT",
                Some("MARTIN"),
                "Odette",
                "1950-01-01",
                "PROV"
            )
        );
        assert_eq!(r.etablissements, vec!["EHPAD Les Tilleuls".to_string()]);
        // Every établissement of the stays, once each, sorted (a second stay in A, one in B).
        w.db.exec(&format!(
            "INSERT INTO sejour (usager_id, etablissement_id, date_entree, created_at, updated_at) \
             VALUES ({odette}, {a}, '2020-01-01', 't', 't'), ({odette}, {}, '2021-01-01', 't', 't')",
            w.org.b
        ))
        .await
        .unwrap();
        let (again, _) = recherche_page(s, &principal(&w.secr_a), "martin", 10, None, at(6)).await;
        assert_eq!(
            again[0].etablissements,
            vec![
                "EHPAD Les Marronniers".to_string(),
                "EHPAD Les Tilleuls".to_string()
            ],
            "{engine}"
        );

        // Each search is audited with the ids shown.
        let searches = audit_by_action(s, "usager.recherche").await;
        let last = searches.last().unwrap();
        assert_eq!(last.username, "secretariat.a");
        let detail: serde_json::Value = serde_json::from_str(&last.detail).unwrap();
        assert_eq!(detail["resultats"], serde_json::json!([odette]), "{engine}");
        assert_eq!(detail["texte"], "martin", "{engine}");
        assert_eq!(
            (
                last.section.as_deref(),
                last.outcome.as_str(),
                last.usager_id
            ),
            (Some("administratif"), "succes", None),
            "{engine}"
        );
        // A search that finds nothing is audited too, with an empty list.
        assert!(found(s, &w.secr_a, "zzzz").await.is_empty());
        let last = audit_by_action(s, "usager.recherche").await.pop().unwrap();
        let detail: serde_json::Value = serde_json::from_str(&last.detail).unwrap();
        assert_eq!(detail["resultats"], serde_json::json!([]), "{engine}");
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn search_pages_follow_the_cursor_without_overlap() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let mut ids = Vec::new();
        for (i, prenom) in [
            "Anne", "Bruno", "Claire", "Denis", "Emma", "Fanny", "Gilles",
        ]
        .iter()
        .enumerate()
        {
            let date = format!("1950-01-{:02}", i + 1);
            ids.push(
                create_usager(
                    s,
                    &w.secr_a,
                    &ident("PAGINE", &[prenom], &date, "F"),
                    w.org.a,
                )
                .await,
            );
        }
        // Two of them match the prefix twice (birth name and first name, or used name).
        let twice = create_usager(
            s,
            &w.secr_a,
            &ident("PAGINE", &["Paginette"], "1950-02-01", "F"),
            w.org.a,
        )
        .await;
        ids.push(twice);
        let used = create_usager(
            s,
            &w.secr_a,
            &with_used_name(ident("PAGINER", &["Hugo"], "1950-02-02", "M"), "PAGINOT"),
            w.org.a,
        )
        .await;
        ids.push(used);
        ids.sort_unstable();
        let who = principal(&w.secr_a);

        let mut seen: Vec<i64> = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let (items, next) = recherche_page(s, &who, "pagin", 3, cursor.clone(), at(5)).await;
            pages += 1;
            assert!(items.len() <= 3, "{engine}");
            for r in &items {
                assert!(
                    !seen.contains(&r.id),
                    "{engine}: {} revient à la page {pages}",
                    r.numero
                );
                seen.push(r.id);
            }
            match next {
                Some(c) => {
                    assert_eq!(items.len(), 3, "{engine}: page pleine avant un curseur");
                    cursor = Some(c);
                }
                None => break,
            }
            assert!(pages < 10, "{engine}: pagination sans fin");
        }
        seen.sort_unstable();
        assert_eq!(seen, ids, "{engine}: chaque usager une fois");
        assert_eq!(pages, 3, "{engine}: 9 usagers par pages de 3");

        // First page, then second page: disjoint, and a page of everything agrees.
        let (p1, c1) = recherche_page(s, &who, "pagine", 5, None, at(5)).await;
        let (p2, c2) = recherche_page(s, &who, "pagine", 5, c1.clone(), at(5)).await;
        assert_eq!((p1.len(), p2.len()), (5, 4), "{engine}: 9 usagers PAGINE*");
        assert!(c1.is_some() && c2.is_none(), "{engine}");
        assert!(p1.iter().all(|a| p2.iter().all(|b| a.id != b.id)));
        let (all, none) = recherche_page(s, &who, "pagine", 100, None, at(5)).await;
        assert!(none.is_none());
        let paged: Vec<i64> = p1.iter().chain(&p2).map(|r| r.id).collect();
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), paged);

        // Pages on a birth date too.
        for d in ["1950-03-03"; 3] {
            create_usager(s, &w.secr_a, &ident("DATE", &["Zoé"], d, "F"), w.org.a).await;
        }
        let (d1, dc) = recherche_page(s, &who, "03/03/1950", 2, None, at(5)).await;
        let (d2, dn) = recherche_page(s, &who, "03/03/1950", 2, dc, at(5)).await;
        assert_eq!((d1.len(), d2.len()), (2, 1));
        assert!(dn.is_none());
        assert!(d1.iter().all(|a| a.id != d2[0].id));
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn search_and_access_respect_scope_assignment_and_break_the_glass() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let u_a = create_usager(
            s,
            &w.secr_a,
            &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
            w.org.a,
        )
        .await;
        let u_a2 = create_usager(
            s,
            &w.secr_a,
            &ident("DUPONT", &["Marcel"], "1936-01-01", "M"),
            w.org.a,
        )
        .await;
        let u_b = create_usager(
            s,
            &w.secr_b,
            &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
            w.org.b,
        )
        .await;

        // Établissement scope.
        assert_eq!(
            found(s, &w.secr_a, "dupont").await,
            vec![u_a, u_a2],
            "{engine}"
        );
        assert_eq!(found(s, &w.secr_b, "dupont").await, vec![u_b]);
        assert_eq!(found(s, &w.educ_a, "12/04/1938").await, vec![u_a]);
        assert!(found(s, &w.secr_a, &numero(u_b)).await.is_empty());
        assert_eq!(
            refus(cap_at(s, &w.secr_a, u_b, Action::Lire, at(1)).await),
            Refus::HorsPerimetre
        );
        // Restricted to one établissement.
        let only_b = Recherche {
            texte: "dupont".into(),
            etablissement: Some(w.org.b),
            limit: 10,
            cursor: None,
        };
        let (r, _) = s
            .rechercher_usagers(
                &crate::common::recherche(s, &principal(&w.secr_a)).await,
                &only_b,
                at(2),
            )
            .await
            .unwrap();
        assert!(
            r.is_empty(),
            "{engine}: le filtre n'élargit pas le périmètre"
        );
        // Nothing typed but an établissement: everyone visible there, in pages.
        let all_a = Recherche {
            texte: String::new(),
            etablissement: Some(w.org.a),
            limit: 1,
            cursor: None,
        };
        let (p1, c1) = s
            .rechercher_usagers(
                &crate::common::recherche(s, &principal(&w.secr_a)).await,
                &all_a,
                at(2),
            )
            .await
            .unwrap();
        let next = Recherche {
            cursor: c1,
            ..all_a.clone()
        };
        let (p2, c2) = s
            .rechercher_usagers(
                &crate::common::recherche(s, &principal(&w.secr_a)).await,
                &next,
                at(2),
            )
            .await
            .unwrap();
        let mut listed: Vec<i64> = p1.iter().chain(&p2).map(|r| r.id).collect();
        listed.sort_unstable();
        assert_eq!(listed, vec![u_a, u_a2], "{engine}");
        assert!(c2.is_none(), "{engine}");
        let all_b = Recherche {
            etablissement: Some(w.org.b),
            limit: 10,
            ..all_a.clone()
        };
        let (r, _) = s
            .rechercher_usagers(
                &crate::common::recherche(s, &principal(&w.secr_a)).await,
                &all_b,
                at(2),
            )
            .await
            .unwrap();
        assert!(r.is_empty(), "{engine}");
        let (r, _) = s
            .rechercher_usagers(
                &crate::common::recherche(s, &principal(&w.secr_b)).await,
                &all_b,
                at(2),
            )
            .await
            .unwrap();
        assert_eq!(r.iter().map(|x| x.id).collect::<Vec<_>>(), vec![u_b]);
        // Nothing typed and no établissement: everyone of the scope.
        let mut tous = found(s, &w.secr_a, "").await;
        tous.sort_unstable();
        assert_eq!(tous, vec![u_a, u_a2], "{engine}");

        // A home-care worker of the same établissement sees nobody until assigned.
        assert!(
            found(s, &w.intervenant_a, "dupont").await.is_empty(),
            "{engine}"
        );
        assert!(found(s, &w.intervenant_a, "12/04/1938").await.is_empty());
        assert_eq!(
            refus(cap_at(s, &w.intervenant_a, u_a, Action::Lire, at(1)).await),
            Refus::HorsPerimetre
        );
        // Assigning needs an administrative write capability.
        let read = cap(s, &w.educ_a, u_a, Action::Lire).await;
        assert_eq!(
            refus(s.assign(&read, w.intervenant_a.id).await),
            Refus::NonPermisParLeRole
        );
        let write = cap(s, &w.secr_a, u_a, Action::Ecrire).await;
        s.assign(&write, w.intervenant_a.id).await.unwrap();
        assert_eq!(
            found(s, &w.intervenant_a, "dupont").await,
            vec![u_a],
            "{engine}"
        );
        let c = cap_at(s, &w.intervenant_a, u_a, Action::Lire, at(2))
            .await
            .unwrap();
        assert_eq!(c.motif(), Motif::Normal);
        assert_eq!(
            refus(cap_at(s, &w.intervenant_a, u_a2, Action::Lire, at(2)).await),
            Refus::HorsPerimetre
        );
        assert_eq!(
            refus(cap_at(s, &w.intervenant_a, u_a, Action::Ecrire, at(2)).await),
            Refus::NonPermisParLeRole
        );
        let assigned = audit_by_action(s, "usager.affectation").await;
        assert_eq!(assigned.len(), 1);
        assert_eq!(assigned[0].usager_id, Some(u_a));

        // Break-the-glass: openable, and found by search only while it runs.
        let opened = at(10);
        assert_eq!(
            found_at(s, &w.educ_a, "dupont", opened).await,
            vec![u_a, u_a2]
        );
        s.ouvrir_acces_exceptionnel(&principal(&w.educ_a), UsagerId(u_b), MOTIF, 2, opened)
            .await
            .unwrap();
        let running = opened + Duration::minutes(30);
        let c = cap_at(s, &w.educ_a, u_b, Action::Lire, running)
            .await
            .unwrap();
        assert_eq!(c.motif(), Motif::AccesExceptionnel, "{engine}");
        assert_eq!(
            found_at(s, &w.educ_a, "dupont", running).await,
            vec![u_a, u_a2, u_b],
            "{engine}: la règle de visibilité de la recherche inclut un accès exceptionnel en cours"
        );
        let expired = opened + Duration::hours(2) + Duration::minutes(1);
        assert_eq!(
            found_at(s, &w.educ_a, "dupont", expired).await,
            vec![u_a, u_a2],
            "{engine}: plus après expiration"
        );
        assert_eq!(
            refus(cap_at(s, &w.educ_a, u_b, Action::Lire, expired).await),
            Refus::HorsPerimetre
        );
        // Nobody else benefits from it.
        assert!(!found_at(s, &w.secr_a, "dupont", running)
            .await
            .contains(&u_b));
        // The break-the-glass read is flagged in the audit.
        let reads = audit_by_action(s, "usager.lecture").await;
        let flagged: Vec<_> = reads
            .iter()
            .filter(|e| e.usager_id == Some(u_b) && e.username == "educ.a")
            .collect();
        assert_eq!(flagged.len(), 1, "{engine}");
        assert!(flagged[0].detail.contains("\"acces_exceptionnel\":true"));
        // Too short a reason is refused and opens nothing.
        assert!(matches!(
            s.ouvrir_acces_exceptionnel(&principal(&w.educ_a), UsagerId(u_b), "urgence", 2, at(20))
                .await,
            Err(StoreError::Invalid(_))
        ));
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn search_of_an_assigned_worker_pages_once_per_usager_and_sees_break_the_glass() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let worker = principal(&w.intervenant_a);
        let mut assigned = Vec::new();
        for (nom, prenom, used) in [
            ("MARTIN", "Anne", None),
            ("MARTIN", "Martine", None), // two words match « mart »
            ("BLANC", "Léa", Some("MARTEL")),
            ("MARTINEZ", "Hugo", None),
            ("ROUX", "Paul", None),
        ] {
            let mut i = ident(nom, &[prenom], "1950-05-05", "F");
            if let Some(u) = used {
                i = with_used_name(i, u);
            }
            let id = create_usager(s, &w.secr_a, &i, w.org.a).await;
            let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
            s.assign(&write, w.intervenant_a.id).await.unwrap();
            assigned.push(id);
        }
        // Not assigned: never found.
        let other = create_usager(
            s,
            &w.secr_a,
            &ident("MARTIN", &["Zoé"], "1950-05-05", "F"),
            w.org.a,
        )
        .await;

        // Pages of two, each usager once, in the order of the matching word.
        let mut seen = Vec::new();
        let mut cursor = None;
        for _ in 0..5 {
            let (items, next) = recherche_page(s, &worker, "mart", 2, cursor.clone(), at(5)).await;
            seen.extend(items.iter().map(|r| r.id));
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let (martin_anne, martin_martine, blanc, martinez) =
            (assigned[0], assigned[1], assigned[2], assigned[3]);
        assert_eq!(
            seen,
            vec![blanc, martin_anne, martin_martine, martinez],
            "{engine}: MARTEL, MARTIN ×2, MARTINEZ, une fois chacun"
        );
        // Further words, and a birth date, narrow it.
        assert_eq!(
            found(s, &w.intervenant_a, "martin ann").await,
            vec![martin_anne]
        );
        assert_eq!(
            found(s, &w.intervenant_a, "lea martel 05/05/1950").await,
            vec![blanc],
            "{engine}"
        );
        assert!(found(s, &w.intervenant_a, "mart 06/05/1950")
            .await
            .is_empty());

        // A running break-the-glass adds its file, for its time only.
        let opened = at(10);
        s.ouvrir_acces_exceptionnel(&worker, UsagerId(other), MOTIF, 1, opened)
            .await
            .unwrap();
        let during = found_at(s, &w.intervenant_a, "martin", opened + Duration::minutes(5)).await;
        assert_eq!(
            during,
            vec![martin_anne, martin_martine, martinez, other],
            "{engine}"
        );
        let after = found_at(s, &w.intervenant_a, "martin", opened + Duration::hours(2)).await;
        assert_eq!(
            after,
            vec![martin_anne, martin_martine, martinez],
            "{engine}"
        );
        w.db.cleanup().await;
    }
}

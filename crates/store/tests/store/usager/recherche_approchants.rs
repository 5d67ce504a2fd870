//! Search pages through the exact matches, then the names that sound the same (issue 16):
//! every match once, in that order, whatever the page size; the birth name as typed comes
//! back with the results.

use super::*;

async fn tous(s: &Store, who: &Utilisateur, texte: &str, limit: i64) -> Vec<Vec<(i64, bool)>> {
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let (page, next) = recherche_page(s, &principal(who), texte, limit, cursor, t0()).await;
        pages.push(page.iter().map(|r| (r.id, r.approchant)).collect());
        match next {
            Some(c) => cursor = Some(c),
            None => return pages,
        }
        assert!(pages.len() < 20, "pages sans fin");
    }
}

#[tokio::test]
async fn phonetic_matches_are_paged_after_the_exact_ones() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let mut exacts = Vec::new();
        for p in ["Anne", "Berthe", "Claire"] {
            exacts.push(
                create_usager(
                    s,
                    &w.secr_a,
                    &ident("DUPOND", &[p], "1940-01-01", "F"),
                    w.org.a,
                )
                .await,
            );
        }
        let mut approchants = Vec::new();
        for p in ["Denise", "Emile", "Fanny"] {
            approchants.push(
                create_usager(
                    s,
                    &w.secr_a,
                    &ident("DUPONT", &[p], "1941-01-01", "F"),
                    w.org.a,
                )
                .await,
            );
        }
        let attendu: Vec<(i64, bool)> = exacts
            .iter()
            .map(|i| (*i, false))
            .chain(approchants.iter().map(|i| (*i, true)))
            .collect();
        for limit in [1, 2, 3, 4, 6, 10] {
            let pages = tous(s, &w.secr_a, "dupond", limit).await;
            let vus: Vec<(i64, bool)> = pages.iter().flatten().copied().collect();
            assert_eq!(vus, attendu, "{engine}, {limit} par page: {pages:?}");
            assert!(
                pages.iter().all(|p| p.len() as i64 <= limit),
                "{engine}: {pages:?}"
            );
        }
        // A page of 3 ends with the exact ones; the next page holds the others.
        let pages = tous(s, &w.secr_a, "dupond", 3).await;
        assert_eq!(pages.len(), 2, "{engine}: {pages:?}");
        // Another établissement's secretary sees none of them, on any page.
        assert!(tous(s, &w.secr_b, "dupond", 2).await.concat().is_empty());
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn the_birth_name_as_typed_is_kept_beside_its_ins_form() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let mut i = ident("DUPONT-LEFEVRE", &["Zoé"], "1939-02-03", "F");
        i.nom_naissance_saisi = Some("Dupont-Lefèvre".into());
        let id = create_usager(s, &w.secr_a, &i, w.org.a).await;
        let c = cap(s, &w.secr_a, id, Action::Lire).await;
        let u = s.usager(&c).await.unwrap().unwrap();
        assert_eq!(u.nom_naissance, "DUPONT-LEFEVRE", "{engine}");
        assert_eq!(u.nom_naissance_saisi.as_deref(), Some("Dupont-Lefèvre"));
        let (r, _) = recherche_page(s, &principal(&w.secr_a), "lefevre", 10, None, t0()).await;
        assert_eq!(r[0].nom_naissance_saisi.as_deref(), Some("Dupont-Lefèvre"));
        // An edit that drops it keeps none.
        let e = cap(s, &w.secr_a, id, Action::Ecrire).await;
        i.nom_naissance_saisi = None;
        s.update_identite_editee(&e, u.version, &u, &i, false, None)
            .await
            .unwrap();
        let u = s.usager(&c).await.unwrap().unwrap();
        assert_eq!(u.nom_naissance_saisi, None, "{engine}");
        w.db.cleanup().await;
    }
}

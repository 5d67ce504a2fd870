//! Names with a particle or several parts (issue 14, defect 12): found whether the
//! apostrophe, hyphen or space is typed, dropped or glued, in search (establishment scope and
//! assignment scope) and in duplicate detection; the words of existing usagers are rewritten
//! by the migration, and bulk insertion writes them too.

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{authorize, load_matrix};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{BulkUsager, DroitDoublons, Recherche, TraitsCompares};
use dui_store::Store;

use crate::common::{
    admin, at, create_usager, create_user, ident, principal, recherche, recherche_page, seed_org,
    t0, traits,
};

/// Ids found by `who` for `texte`, in the order shown (each usager once).
async fn found_at(s: &Store, who: &Utilisateur, texte: &str, now: DateTime<Utc>) -> Vec<i64> {
    let (items, _) = recherche_page(s, &principal(who), texte, 100, None, now).await;
    items.iter().map(|r| r.id).collect()
}

/// Creates men in `etablissement` as `who`, in order; returns their ids.
async fn men<const N: usize>(
    s: &Store,
    who: &Utilisateur,
    etablissement: i64,
    people: [(&str, &str, &str); N],
) -> [i64; N] {
    let mut ids = [0; N];
    for (id, (nom, prenom, date)) in ids.iter_mut().zip(people) {
        *id = create_usager(s, who, &ident(nom, &[prenom], date, "M"), etablissement).await;
    }
    ids
}

#[tokio::test]
async fn names_are_found_with_separators_typed_dropped_or_glued() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
        let worker = create_user(s, "intervenant.a", Role::IntervenantDomicile, &[org.a]).await;
        let [hermite, jp, fontaine, pierre, hermann] = men(
            s,
            &secr,
            org.a,
            [
                ("L'HERMITE", "Gaston", "1931-01-01"),
                ("DUBOIS", "Jean-Pierre", "1941-02-02"),
                ("DE LA FONTAINE", "Marie", "1942-03-03"),
                // Distractors: the same words apart, or a name starting alike.
                ("PIERRE", "Jean", "1943-04-04"),
                ("HERMANN", "Paul", "1944-05-05"),
            ],
        )
        .await;
        // Assignment scope: the worker visits L'HERMITE and DUBOIS only.
        let m = load_matrix(s).await.unwrap();
        for id in [hermite, jp] {
            let write = authorize(
                s,
                &m,
                &principal(&secr),
                UsagerId(id),
                Section::Administratif,
                Action::Ecrire,
                at(1),
            )
            .await
            .unwrap();
            s.assign(&write, worker.id).await.unwrap();
        }

        for who in [&secr, &worker] {
            let role = who.username.as_str();
            for q in [
                "lhermite",
                "gaston lhermite",
                "LHERMITE Gaston",
                "l'hermite",
                "L’Hermite",
                "l hermite",
                "hermite",
                "lherm",
                "l'herm",
                "gaston l",
            ] {
                assert_eq!(
                    found_at(s, who, q, at(2)).await,
                    vec![hermite],
                    "{engine} {role}: {q}"
                );
            }
            for q in [
                "jeanpierre",
                "JeanPierre",
                "jeanp",
                "dubois jeanpierre",
                "dubois jean-pierre",
            ] {
                assert_eq!(
                    found_at(s, who, q, at(2)).await,
                    vec![jp],
                    "{engine} {role}: {q}"
                );
            }
            // Each usager once, though both a word and a glued run match the prefix.
            assert_eq!(
                found_at(s, who, "jean", at(2))
                    .await
                    .iter()
                    .filter(|i| **i == jp)
                    .count(),
                1
            );
            assert_eq!(
                found_at(s, who, "l", at(2))
                    .await
                    .iter()
                    .filter(|i| **i == hermite)
                    .count(),
                1
            );
        }
        // Typed apart, the words also find JEAN PIERRE (first name, name), as before.
        for q in ["jean pierre", "jean-pierre"] {
            let mut both = found_at(s, &secr, q, at(2)).await;
            both.sort_unstable();
            assert_eq!(both, vec![jp, pierre], "{engine}: {q}");
            assert_eq!(
                found_at(s, &worker, q, at(2)).await,
                vec![jp],
                "{engine}: {q}"
            );
        }
        assert_eq!(
            found_at(s, &secr, "herm", at(2)).await,
            vec![hermann, hermite],
            "{engine}"
        );
        for q in [
            "delafontaine",
            "de la fontaine",
            "de lafontaine",
            "dela fontaine",
            "lafontaine",
            "fontaine marie",
        ] {
            assert_eq!(
                found_at(s, &secr, q, at(2)).await,
                vec![fontaine],
                "{engine}: {q}"
            );
        }
        // Pages: an usager matched by a word and a glued run comes on one page only.
        let r = Recherche {
            texte: "jean".into(),
            etablissement: None,
            limit: 1,
            cursor: None,
        };
        let (first, next) = s
            .rechercher_usagers(
                &crate::common::recherche(s, &principal(&secr)).await,
                &r,
                at(2),
            )
            .await
            .unwrap();
        let r = Recherche { cursor: next, ..r };
        let (second, next) = s
            .rechercher_usagers(
                &crate::common::recherche(s, &principal(&secr)).await,
                &r,
                at(2),
            )
            .await
            .unwrap();
        assert!(next.is_none(), "{engine}");
        let mut pages: Vec<i64> = first.iter().chain(&second).map(|r| r.id).collect();
        pages.sort_unstable();
        assert_eq!(pages, vec![jp, pierre], "{engine}");

        // Duplicate detection compares the names with their separators removed.
        let who = principal(&secr);
        for (traits, expected) in [
            (traits("LHERMITE", "Gaston", "1931-01-01"), hermite),
            (traits("L HERMITE", "gaston", "1931-01-01"), hermite),
            (traits("L'HERMITE", "Gaston", "1931-01-01"), hermite),
            // Glued and one letter wrong (the phonetic keys differ).
            (traits("LHERNITE", "Gaston", "1931-01-01"), hermite),
            (traits("DUBOIS", "JEANPIERRE", "1941-02-02"), jp),
            (traits("DUBOIS", "Jean Pierre", "1941-02-02"), jp),
            (traits("DUBOIS", "JEANPIEKRE", "1941-02-02"), jp),
            (traits("DELAFONTAIME", "Marie", "1942-03-03"), fontaine),
        ] {
            let c = s
                .doublons_probables(
                    DroitDoublons::Creation(&recherche(s, &who).await),
                    &m,
                    &traits,
                    at(3),
                )
                .await
                .unwrap();
            let ids: Vec<i64> = c.iter().map(|c| c.id).collect();
            assert_eq!(ids, vec![expected], "{engine}: {traits:?}");
        }
        // « Jean Pierre » typed in the form: two first names, compared glued with JEAN-PIERRE.
        let deux = ["Jean".to_string(), "Pierre".to_string()];
        let typed = TraitsCompares {
            prenoms: &deux,
            ..traits("DUBOIS", "Jean", "1941-02-02")
        };
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &who).await),
                &m,
                &typed,
                at(3),
            )
            .await
            .unwrap();
        assert_eq!(
            c.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![jp],
            "{engine}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn existing_usagers_get_their_glued_names_from_the_migration_and_bulk_insertion_writes_them()
{
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
        let [hermite, jp, dupont] = men(
            s,
            &secr,
            org.a,
            [
                ("L'HERMITE", "Gaston", "1931-01-01"),
                ("DUBOIS", "Jean-Pierre", "1941-02-02"),
                ("DUPONT", "Paul", "1950-01-01"),
            ],
        )
        .await;
        let worker = create_user(s, "intervenant.a", Role::IntervenantDomicile, &[org.a]).await;
        let m = load_matrix(s).await.unwrap();
        let write = authorize(
            s,
            &m,
            &principal(&secr),
            UsagerId(hermite),
            Section::Administratif,
            Action::Ecrire,
            at(1),
        )
        .await
        .unwrap();
        s.assign(&write, worker.id).await.unwrap();
        // A base written before the glued runs: their rows and the migration's record gone.
        for (id, word) in [(hermite, "LHERMITE"), (jp, "JEANPIERRE")] {
            db.exec(&format!(
                "DELETE FROM usager_nom WHERE usager_id = {id} AND cle = '{word}'"
            ))
            .await
            .unwrap();
            db.exec(&format!(
                "UPDATE usager SET cles_noms = REPLACE(cles_noms, ' {word} ', ' ') WHERE id = {id}"
            ))
            .await
            .unwrap();
        }
        db.exec("DELETE FROM schema_migration WHERE name = 'usager_glued_names'")
            .await
            .unwrap();
        // Before the migration the glued name is not a name word: only its sound finds it
        // (a phonetic match, after the exact ones, marked as such).
        let (avant, _) = recherche_page(s, &principal(&secr), "lhermite", 100, None, at(2)).await;
        assert!(avant.iter().all(|r| r.approchant), "{engine}");
        assert!(found_at(s, &secr, "jeanpierre", at(2)).await.is_empty());

        s.migrate().await.unwrap();
        assert_eq!(
            found_at(s, &secr, "gaston lhermite", at(2)).await,
            vec![hermite],
            "{engine}"
        );
        assert_eq!(found_at(s, &secr, "jeanpierre", at(2)).await, vec![jp]);
        assert_eq!(found_at(s, &secr, "dupont paul", at(2)).await, vec![dupont]);
        // The words on the row are rewritten too (the assignment scope reads only them), in
        // their order (one row per usager).
        assert_eq!(
            found_at(s, &worker, "gaston lhermite", at(2)).await,
            vec![hermite]
        );
        assert_eq!(found_at(s, &secr, "l", at(2)).await, vec![hermite]);
        assert_eq!(found_at(s, &secr, "jean", at(2)).await, vec![jp]);
        // Applied once: a second run finds nothing to do and changes nothing.
        s.migrate().await.unwrap();
        assert_eq!(found_at(s, &secr, "lhermite", at(2)).await, vec![hermite]);

        // `dui demo` inserts in bulk: the glued runs are written there too.
        let bulk = BulkUsager {
            identite: ident("D'ALEMBERT", &["Jean-Baptiste"], "1930-11-16", "M"),
            ins: None,
            statut: "PROV".into(),
            justificatif: None,
            etablissement_id: org.a,
            date_entree: "2025-01-06".into(),
            entourage: vec![],
        };
        let ids = s
            .insert_usagers_bulk(&admin(), &[bulk], t0())
            .await
            .unwrap();
        for q in [
            "dalembert",
            "jeanbaptiste dalembert",
            "d'alembert jean-baptiste",
        ] {
            assert_eq!(found_at(s, &secr, q, at(2)).await, ids, "{engine}: {q}");
        }
        db.cleanup().await;
    }
}

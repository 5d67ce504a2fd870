//! The usager file through the store: creation and search (names, dates, INS, numbers,
//! keyset pages, scope, break-the-glass), probable duplicates, identity versions and RNIV
//! status, merges and their undoing, the circle and professionals, bulk insertion.

use chrono::{DateTime, Duration, Utc};
use dui_domain::policy::{Action, Motif, Refus, Role};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{load_matrix, Capability};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    numero, BulkProche, BulkUsager, EntourageInput, IdentiteInput, ProfessionnelInput, Recherche,
    StatutChange, TraitsCompares,
};
use dui_store::{Store, StoreError};

use crate::common::{admin, at, audit_by_action, create_user, principal, seed_org, t0, Org};
use crate::common::{cap, cap_at, create_usager, create_usager_with, ident, refus, search_page};

const INS_DUPONT: &str = "279035121518989";
const OID_TEST: &str = "1.2.250.1.213.1.4.10";
const MOTIF: &str = "Appel de nuit du SAMU : consultation des traitements en cours.";

fn with_used_name(mut i: IdentiteInput, nom: &str) -> IdentiteInput {
    i.nom_utilise = Some(nom.into());
    i
}

struct World {
    db: TestDb,
    org: Org,
    secr_a: Utilisateur,
    secr_b: Utilisateur,
    educ_a: Utilisateur,
    intervenant_a: Utilisateur,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr_a = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
    let secr_b = create_user(s, "secretariat.b", Role::Secretariat, &[org.b]).await;
    let educ_a = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
    let intervenant_a = create_user(s, "intervenant.a", Role::IntervenantDomicile, &[org.a]).await;
    World {
        db,
        org,
        secr_a,
        secr_b,
        educ_a,
        intervenant_a,
    }
}

/// Creates an usager in `etablissement` as `who`.
/// Hélène DUPONT, born 12/04/1938, created by the secretary of établissement A.
async fn helene(w: &World) -> i64 {
    create_usager(
        &w.db.store,
        &w.secr_a,
        &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
        w.org.a,
    )
    .await
}

/// Ids found by `who` for `texte` (one page of 100), sorted.
async fn found_at(s: &Store, who: &Utilisateur, texte: &str, now: DateTime<Utc>) -> Vec<i64> {
    let (items, next) = search_page(s, &principal(who), texte, 100, None, now).await;
    assert!(next.is_none(), "{texte}: une seule page attendue");
    let mut ids: Vec<i64> = items.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids
}

async fn found(s: &Store, who: &Utilisateur, texte: &str) -> Vec<i64> {
    found_at(s, who, texte, at(5)).await
}

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
        assert!(found(s, &w.secr_a, "   ").await.is_empty());

        // What a result carries.
        let (items, _) = search_page(s, &principal(&w.secr_a), "martin", 10, None, at(5)).await;
        let r = &items[0];
        assert_eq!(
            (
                r.numero.as_str(),
                r.nom_naissance.as_str(),
                r.nom_utilise.as_deref(),
                r.premier_prenom.as_str(),
                r.date_naissance.as_str(),
                r.statut_identite.as_str(),
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
        let (again, _) = search_page(s, &principal(&w.secr_a), "martin", 10, None, at(6)).await;
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
            let (items, next) = search_page(s, &who, "pagin", 3, cursor.clone(), at(5)).await;
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
        let (p1, c1) = search_page(s, &who, "pagine", 5, None, at(5)).await;
        let (p2, c2) = search_page(s, &who, "pagine", 5, c1.clone(), at(5)).await;
        assert_eq!((p1.len(), p2.len()), (5, 4), "{engine}: 9 usagers PAGINE*");
        assert!(c1.is_some() && c2.is_none(), "{engine}");
        assert!(p1.iter().all(|a| p2.iter().all(|b| a.id != b.id)));
        let (all, none) = search_page(s, &who, "pagine", 100, None, at(5)).await;
        assert!(none.is_none());
        let paged: Vec<i64> = p1.iter().chain(&p2).map(|r| r.id).collect();
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), paged);

        // Pages on a birth date too.
        for d in ["1950-03-03"; 3] {
            create_usager(s, &w.secr_a, &ident("DATE", &["Zoé"], d, "F"), w.org.a).await;
        }
        let (d1, dc) = search_page(s, &who, "03/03/1950", 2, None, at(5)).await;
        let (d2, dn) = search_page(s, &who, "03/03/1950", 2, dc, at(5)).await;
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
            .search_usagers(&principal(&w.secr_a), &only_b, at(2))
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
            .search_usagers(&principal(&w.secr_a), &all_a, at(2))
            .await
            .unwrap();
        let next = Recherche {
            cursor: c1,
            ..all_a.clone()
        };
        let (p2, c2) = s
            .search_usagers(&principal(&w.secr_a), &next, at(2))
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
            .search_usagers(&principal(&w.secr_a), &all_b, at(2))
            .await
            .unwrap();
        assert!(r.is_empty(), "{engine}");
        let (r, _) = s
            .search_usagers(&principal(&w.secr_b), &all_b, at(2))
            .await
            .unwrap();
        assert_eq!(r.iter().map(|x| x.id).collect::<Vec<_>>(), vec![u_b]);
        // Nothing typed and no établissement: nothing.
        assert!(found(s, &w.secr_a, "").await.is_empty());

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
            refus(s.assign_with(&read, w.intervenant_a.id).await),
            Refus::NonPermisParLeRole
        );
        let write = cap(s, &w.secr_a, u_a, Action::Ecrire).await;
        s.assign_with(&write, w.intervenant_a.id).await.unwrap();
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
        s.open_break_glass(&principal(&w.educ_a), u_b, MOTIF, 2, opened)
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
            s.open_break_glass(&principal(&w.educ_a), u_b, "urgence", 2, at(20))
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
            s.assign_with(&write, w.intervenant_a.id).await.unwrap();
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
            let (items, next) = search_page(s, &worker, "mart", 2, cursor.clone(), at(5)).await;
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
        s.open_break_glass(&worker, other, MOTIF, 1, opened)
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

#[tokio::test]
async fn probable_duplicates_compare_close_names_on_the_same_birth_date() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let a = w.org.a;
        let lefevre = create_usager(
            s,
            &w.secr_a,
            &ident("LEFEVRE", &["Hélène"], "1940-01-01", "F"),
            a,
        )
        .await;
        let jp = create_usager(
            s,
            &w.secr_a,
            &ident("DUBOIS", &["Jean-Pierre"], "1941-02-02", "M"),
            a,
        )
        .await;
        let dart = create_usager(
            s,
            &w.secr_a,
            &ident("D'ARTAGNAN", &["Charles"], "1942-03-03", "M"),
            a,
        )
        .await;
        let epouse = create_usager(
            s,
            &w.secr_a,
            &with_used_name(ident("DUPONT", &["Odette"], "1943-04-04", "F"), "MARTIN"),
            a,
        )
        .await;
        let ins = create_usager_with(
            s,
            &w.secr_a,
            &ident("BERNARD", &["Paul"], "1944-05-05", "M"),
            Some(INS_DUPONT),
            a,
            &[],
        )
        .await;
        let girard_b = create_usager(
            s,
            &w.secr_b,
            &ident("GIRARD", &["Anne"], "1946-06-06", "F"),
            w.org.b,
        )
        .await;

        let who = principal(&w.secr_a);
        let m = load_matrix(s).await.unwrap();
        let t = |nom: &'static str, prenom: &'static str, date: &'static str| TraitsCompares {
            nom_naissance: nom,
            nom_utilise: None,
            premier_prenom: prenom,
            date_naissance: date,
            ins: None,
            prenoms: &[],
        };
        let ids = |c: &[dui_store::usager::Candidat]| c.iter().map(|x| x.id).collect::<Vec<_>>();

        for (traits, expected, label) in [
            (
                t("LEFEBVRE", "Hélène", "1940-01-01"),
                lefevre,
                "Lefèvre / LEFEBVRE",
            ),
            (
                t("LEFEVRE", "HELENE", "1940-01-01"),
                lefevre,
                "Hélène / HELENE",
            ),
            (
                t("DUBOIS", "JEAN PIERRE", "1941-02-02"),
                jp,
                "Jean-Pierre / JEAN PIERRE",
            ),
            (
                t("DARTAGNAN", "Charles", "1942-03-03"),
                dart,
                "D'Artagnan / DARTAGNAN",
            ),
            (
                t("MARTIN", "Odette", "1943-04-04"),
                epouse,
                "nom d'usage / nom de naissance",
            ),
        ] {
            let c = s
                .probable_duplicates(&who, &m, &traits, None, at(1))
                .await
                .unwrap();
            assert_eq!(ids(&c), vec![expected], "{engine}: {label}");
            let c = &c[0];
            assert_eq!(c.motif, "même date de naissance et noms proches", "{label}");
            assert!(c.visible, "{label}");
            assert_eq!(c.numero, Some(numero(expected)));
            assert!(
                c.nom_naissance.is_some()
                    && c.premier_prenom.is_some()
                    && c.date_naissance.is_some()
            );
        }
        // The used name typed at creation is compared too.
        let typed_used = TraitsCompares {
            nom_naissance: "ROUX",
            nom_utilise: Some("Dupont"),
            ..t("", "odette", "1943-04-04")
        };
        assert_eq!(
            ids(&s
                .probable_duplicates(&who, &m, &typed_used, None, at(1))
                .await
                .unwrap()),
            vec![epouse]
        );

        // Same INS, whatever the names and birth date.
        let same_ins = TraitsCompares {
            ins: Some(INS_DUPONT),
            ..t("ROUSSEAU", "Luc", "1999-09-09")
        };
        let c = s
            .probable_duplicates(&who, &m, &same_ins, None, at(1))
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![ins], "{engine}");
        assert!(c[0].motif.contains("INS"), "{}", c[0].motif);

        // Not candidates: another birth date, other first name, other name.
        for (traits, label) in [
            (t("LEFEVRE", "Hélène", "1940-01-02"), "autre date"),
            (t("LEFEVRE", "Paulette", "1940-01-01"), "autre prénom"),
            (t("GARNIER", "Hélène", "1940-01-01"), "autre nom"),
            (
                t("DUPONT", "Charles", "1943-04-04"),
                "nom proche, prénom différent",
            ),
        ] {
            assert!(
                s.probable_duplicates(&who, &m, &traits, None, at(1))
                    .await
                    .unwrap()
                    .is_empty(),
                "{engine}: {label}"
            );
        }

        // Out of scope: listed, but neither number, names nor birth date shown.
        let girard = t("GIRARD", "Anne", "1946-06-06");
        let c = s
            .probable_duplicates(&who, &m, &girard, None, at(1))
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![girard_b], "{engine}");
        assert!(!c[0].visible);
        assert_eq!(c[0].numero, None);
        assert!(c[0].nom_naissance.is_none() && c[0].nom_utilise.is_none());
        assert!(c[0].premier_prenom.is_none() && c[0].date_naissance.is_none());
        let c = s
            .probable_duplicates(&principal(&w.secr_b), &m, &girard, None, at(1))
            .await
            .unwrap();
        assert!(c[0].visible);
        assert_eq!(c[0].nom_naissance.as_deref(), Some("GIRARD"));

        // Created anyway as a different person: HOMA, and the pair is never proposed again.
        let homonyme = create_usager_with(
            s,
            &w.secr_a,
            &ident("LEFEBVRE", &["Hélène"], "1940-01-01", "F"),
            None,
            a,
            &[lefevre],
        )
        .await;
        let read = cap(s, &w.secr_a, homonyme, Action::Lire).await;
        assert_eq!(
            s.usager(&read).await.unwrap().unwrap().attributs_identite,
            "HOMA"
        );
        let lefevre_traits = t("LEFEVRE", "Hélène", "1940-01-01");
        let c = s
            .probable_duplicates(&who, &m, &lefevre_traits, Some(lefevre), at(1))
            .await
            .unwrap();
        assert!(
            c.is_empty(),
            "{engine}: paire confirmée à la création : {c:?}"
        );
        // A later typo is proposed until someone confirms it is another person.
        let typo = create_usager(
            s,
            &w.secr_a,
            &ident("LEFEVRE", &["Helene"], "1940-01-01", "F"),
            a,
        )
        .await;
        let c = s
            .probable_duplicates(&who, &m, &lefevre_traits, Some(lefevre), at(1))
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![typo], "{engine}");
        let reader = cap(s, &w.educ_a, lefevre, Action::Lire).await;
        assert_eq!(
            refus(s.confirm_not_duplicate(&reader, typo).await),
            Refus::NonPermisParLeRole
        );
        let valider = cap(s, &w.secr_a, lefevre, Action::Valider).await;
        s.confirm_not_duplicate(&valider, typo).await.unwrap();
        s.confirm_not_duplicate(&valider, typo).await.unwrap(); // idempotent
        assert!(s
            .probable_duplicates(&who, &m, &lefevre_traits, Some(lefevre), at(1))
            .await
            .unwrap()
            .is_empty());
        // The pair is symmetric.
        let c = s
            .probable_duplicates(&who, &m, &lefevre_traits, Some(typo), at(1))
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![homonyme], "{engine}");
        // Without `exclude` (a new file) every close file is listed.
        let mut all = ids(&s
            .probable_duplicates(&who, &m, &lefevre_traits, None, at(1))
            .await
            .unwrap());
        all.sort_unstable();
        assert_eq!(all, vec![lefevre, homonyme, typo]);
        assert_eq!(audit_by_action(s, "usager.non_doublon").await.len(), 2);
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn identity_updates_need_the_current_version_and_keep_every_version() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = create_usager(
            s,
            &w.secr_a,
            &with_used_name(ident("DUPONT", &["Odette"], "1943-04-04", "F"), "MARTIN"),
            w.org.a,
        )
        .await;
        let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
        let v1 = s.usager(&write).await.unwrap().unwrap();
        assert_eq!((v1.version, v1.statut_identite.as_str()), (1, "PROV"));

        let edit = with_used_name(ident("DUPONT", &["Odette"], "1943-04-04", "F"), "ROUX");
        let v = s
            .update_identite(
                &write,
                1,
                &edit,
                "PROV",
                false,
                serde_json::json!({"traits_modifies": false}),
            )
            .await
            .unwrap();
        assert_eq!(v, 2, "{engine}");
        assert_eq!(found(s, &w.secr_a, "roux").await, vec![id]);
        // The later words typed are checked against the new names too.
        assert_eq!(
            found(s, &w.secr_a, "dupont roux").await,
            vec![id],
            "{engine}"
        );
        assert!(
            found(s, &w.secr_a, "dupont martin").await.is_empty(),
            "{engine}"
        );
        assert!(
            found(s, &w.secr_a, "martin").await.is_empty(),
            "{engine}: l'ancien nom n'est plus indexé"
        );

        // Stale: refused, nothing changed, no version kept.
        let stale = with_used_name(ident("DURAND", &["Odile"], "1943-04-04", "F"), "BLANC");
        let err = s
            .update_identite(&write, 1, &stale, "PROV", false, serde_json::json!({}))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::StaleVersion), "{engine}: {err:?}");
        let now = s.usager(&write).await.unwrap().unwrap();
        assert_eq!(
            (
                now.version,
                now.nom_naissance.as_str(),
                now.nom_utilise.as_deref(),
                now.premier_prenom.as_str()
            ),
            (2, "DUPONT", Some("ROUX"), "Odette")
        );
        assert!(found(s, &w.secr_a, "blanc").await.is_empty());
        assert!(found(s, &w.secr_a, "durand").await.is_empty());
        let versions = s.identite_versions(&write).await.unwrap();
        assert_eq!(versions.len(), 1, "{engine}");
        let (n, data, by, _) = &versions[0];
        assert_eq!((*n, *by), (1, Some(w.secr_a.id)));
        let old: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(
            (old["version"].as_i64(), old["nom_utilise"].as_str()),
            (Some(1), Some("MARTIN"))
        );

        // A read capability cannot write; another file's capability is not this one.
        let read = cap(s, &w.educ_a, id, Action::Lire).await;
        assert_eq!(
            refus(
                s.update_identite(&read, 2, &edit, "PROV", false, serde_json::json!({}))
                    .await
            ),
            Refus::NonPermisParLeRole
        );

        let edit3 = ident("DUPOND", &["Odette", "Jeanne"], "1943-04-04", "F");
        assert_eq!(
            s.update_identite(&write, 2, &edit3, "PROV", false, serde_json::json!({}))
                .await
                .unwrap(),
            3
        );
        let versions: Vec<i64> = s
            .identite_versions(&write)
            .await
            .unwrap()
            .iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(
            versions,
            vec![2, 1],
            "{engine}: du plus récent au plus ancien"
        );
        assert_eq!(found(s, &w.secr_a, "jeanne").await, vec![id]);
        assert_eq!(
            audit_by_action(s, "usager.identite.modification")
                .await
                .len(),
            2
        );

        // Two saves from the same version at the same time: one wins, the other is told its
        // version is stale (on PostgreSQL both read version 3 before either writes).
        let a = ident("DUPOND", &["Odette", "Marie"], "1943-04-04", "F");
        let b = ident("DUPOND", &["Odette", "Louise"], "1943-04-04", "F");
        let (ra, rb) = tokio::join!(
            s.update_identite(&write, 3, &a, "PROV", false, serde_json::json!({})),
            s.update_identite(&write, 3, &b, "PROV", false, serde_json::json!({}))
        );
        let oks = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
        assert_eq!(oks, 1, "{engine}: {ra:?} {rb:?}");
        let lost = if ra.is_ok() { rb } else { ra };
        assert!(
            matches!(lost, Err(StoreError::StaleVersion)),
            "{engine}: {lost:?}"
        );
        assert_eq!(s.usager(&write).await.unwrap().unwrap().version, 4);
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn identity_status_stores_the_ins_and_the_document() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = create_usager(
            s,
            &w.secr_a,
            &ident("DUPONT", &["Hélène", "Marie"], "1979-03-12", "F"),
            w.org.a,
        )
        .await;
        let valider = cap(s, &w.secr_a, id, Action::Valider).await;
        let recup = StatutChange {
            statut: "RECUP".into(),
            attributs: String::new(),
            ins: Some(Some((INS_DUPONT.into(), OID_TEST.into()))),
            justificatif: None,
            ins_interroge: true,
        };
        assert_eq!(
            s.set_statut_identite(&valider, 1, &recup, serde_json::json!({}))
                .await
                .unwrap(),
            2
        );
        let u = s.usager(&valider).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.as_str(),
                u.matricule_ins.as_deref(),
                u.oid_ins.as_deref()
            ),
            ("RECUP", Some(INS_DUPONT), Some(OID_TEST)),
            "{engine}"
        );
        assert!(u.ins_at.is_some() && u.justificatif_type.is_none());
        assert_eq!(found(s, &w.secr_a, INS_DUPONT).await, vec![id]);

        // Stale version: refused, nothing changed.
        let qual = StatutChange {
            statut: "QUAL".into(),
            attributs: String::new(),
            ins: None,
            justificatif: Some("passeport".into()),
            ins_interroge: false,
        };
        assert!(matches!(
            s.set_statut_identite(&valider, 1, &qual, serde_json::json!({}))
                .await,
            Err(StoreError::StaleVersion)
        ));
        assert_eq!(
            s.usager(&valider).await.unwrap().unwrap().statut_identite,
            "RECUP"
        );
        assert_eq!(
            s.set_statut_identite(&valider, 2, &qual, serde_json::json!({}))
                .await
                .unwrap(),
            3
        );
        let u = s.usager(&valider).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.as_str(),
                u.justificatif_type.as_deref(),
                u.matricule_ins.as_deref()
            ),
            ("QUAL", Some("passeport"), Some(INS_DUPONT)),
            "{engine}"
        );
        assert!(u.justificatif_at.is_some());

        // Doubt: down to PROV, matricule removed.
        let doute = StatutChange {
            statut: "PROV".into(),
            attributs: "DOUT".into(),
            ins: Some(None),
            justificatif: None,
            ins_interroge: false,
        };
        s.set_statut_identite(&valider, 3, &doute, serde_json::json!({}))
            .await
            .unwrap();
        let u = s.usager(&valider).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.as_str(),
                u.attributs_identite.as_str(),
                u.matricule_ins.as_deref(),
                u.oid_ins.as_deref(),
                u.ins_at.as_deref()
            ),
            ("PROV", "DOUT", None, None, None)
        );
        assert!(found(s, &w.secr_a, INS_DUPONT).await.is_empty());
        assert_eq!(s.identite_versions(&valider).await.unwrap().len(), 3);

        let read = cap(s, &w.educ_a, id, Action::Lire).await;
        assert_eq!(
            refus(
                s.set_statut_identite(&read, 4, &qual, serde_json::json!({}))
                    .await
            ),
            Refus::NonPermisParLeRole
        );
        assert_eq!(audit_by_action(s, "usager.identite.statut").await.len(), 3);
        w.db.cleanup().await;
    }
}

fn proche(nom: &str, relation: &str) -> EntourageInput {
    EntourageInput {
        nom: nom.into(),
        prenom: "Claude".into(),
        relation: relation.into(),
        ..EntourageInput::default()
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
        s.assign_with(&kw, both.id).await.unwrap();
        s.assign_with(&xw, both.id).await.unwrap();
        s.assign_with(&xw, only_x.id).await.unwrap();

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
            refus(s.merge_usagers(&kw, &xv).await),
            Refus::NonPermisParLeRole
        );
        assert!(matches!(
            s.merge_usagers(&kv, &kv).await,
            Err(StoreError::Invalid(_))
        ));

        let fid = s.merge_usagers(&kv, &xv).await.unwrap();
        let mut all_sej = [k_sej.clone(), x_sej.clone()].concat();
        all_sej.sort_unstable();
        let mut all_ent = [k_ent.clone(), x_ent.clone()].concat();
        all_ent.sort_unstable();
        assert_eq!(sejours(kv.clone()).await, all_sej, "{engine}");
        assert_eq!(circle(kv.clone()).await, all_ent);
        assert!(sejours(xv.clone()).await.is_empty());
        assert!(circle(xv.clone()).await.is_empty());
        let x = s.usager(&xv).await.unwrap().unwrap();
        assert_eq!(x.fusionne_dans, Some(keep), "{engine}");
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
        assert_eq!(found(s, &w.secr_a, "dupond").await, Vec::<i64>::new());
        assert!(found(s, &w.secr_a, &numero(absorbed)).await.is_empty());

        // Twice: conflict, nothing moves.
        assert!(
            matches!(
                s.merge_usagers(&kv, &xv).await,
                Err(StoreError::Conflict(_))
            ),
            "{engine}"
        );
        assert!(matches!(
            s.merge_usagers(&xv, &kv).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.fusions(&kv).await.unwrap().len(), 1);

        // Only the kept file's validator undoes it.
        assert!(matches!(
            s.unmerge(&xv, fid).await,
            Err(StoreError::NotFound)
        ));
        s.unmerge(&kv, fid).await.unwrap();
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
            s.unmerge(&kv, fid).await,
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
        s.merge_usagers(&kv, &xv).await.unwrap();
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
            mesure_protection: Some("TUTELLE".into()),
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
        assert_eq!(t_row.mesure_protection.as_deref(), Some("TUTELLE"));
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

        s.link_professionnel(&write, house, "medecin_traitant")
            .await
            .unwrap();
        s.link_professionnel(&write, wilson, "medecin_traitant")
            .await
            .unwrap();
        s.link_professionnel(&write, house, "specialiste")
            .await
            .unwrap();
        let links: Vec<(i64, String)> = s
            .professionnels_usager(&read)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.professionnel.id, p.role))
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
                s.link_professionnel(&write, house, "specialiste").await,
                Err(StoreError::Conflict(_))
            ),
            "{engine}"
        );
        assert_eq!(
            refus(s.link_professionnel(&read, house, "autre").await),
            Refus::NonPermisParLeRole
        );
        s.unlink_professionnel(&write, wilson, "medecin_traitant")
            .await
            .unwrap();
        assert!(matches!(
            s.unlink_professionnel(&write, wilson, "medecin_traitant")
                .await,
            Err(StoreError::NotFound)
        ));
        let links = s.professionnels_usager(&read).await.unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].professionnel.id, links[0].role.as_str()),
            (house, "specialiste")
        );
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn bulk_insertion_gives_contiguous_searchable_ids_and_keeps_the_sequence() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let before = create_usager(
            s,
            &w.secr_a,
            &ident("AVANT", &["Alice"], "1930-01-01", "F"),
            w.org.a,
        )
        .await;
        let batch: Vec<BulkUsager> = (0..5)
            .map(|i| BulkUsager {
                identite: with_used_name(
                    ident(
                        "VRACNOM",
                        &["Prénom", &format!("Bulk{i}")],
                        &format!("1931-01-{:02}", i + 1),
                        "M",
                    ),
                    "VRACUSAGE",
                ),
                ins: (i == 0).then(|| (INS_DUPONT.to_string(), OID_TEST.to_string())),
                statut: if i == 0 { "QUAL".into() } else { "PROV".into() },
                justificatif: (i == 0).then(|| "passeport".to_string()),
                etablissement_id: if i == 4 { w.org.b } else { w.org.a },
                date_entree: "2024-01-01".into(),
                entourage: vec![BulkProche {
                    nom: "VRACPROCHE".into(),
                    prenom: "Lou".into(),
                    relation: "enfant".into(),
                    personne_confiance: true,
                    personne_a_prevenir: true,
                    telephone: Some("0612345678".into()),
                }],
            })
            .collect();
        let ids = s.insert_usagers_bulk(&admin(), &batch, t0()).await.unwrap();
        assert_eq!(
            ids,
            (before + 1..=before + 5).collect::<Vec<_>>(),
            "{engine}: ids contigus"
        );
        assert!(s
            .insert_usagers_bulk(&admin(), &[], t0())
            .await
            .unwrap()
            .is_empty());
        assert_eq!(s.usager_count().await.unwrap(), 6);

        // Searchable by every name, within scope.
        assert_eq!(
            found(s, &w.secr_a, "vracnom").await,
            ids[..4].to_vec(),
            "{engine}"
        );
        assert_eq!(found(s, &w.secr_a, "vracusage").await, ids[..4].to_vec());
        assert_eq!(found(s, &w.secr_a, "bulk2").await, vec![ids[2]]);
        assert_eq!(found(s, &w.secr_a, "prenom vrac").await, ids[..4].to_vec());
        assert_eq!(found(s, &w.secr_b, "vrac").await, vec![ids[4]]);
        assert_eq!(found(s, &w.secr_a, INS_DUPONT).await, vec![ids[0]]);
        let c = cap(s, &w.secr_a, ids[0], Action::Lire).await;
        let u = s.usager(&c).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.as_str(),
                u.matricule_ins.as_deref(),
                u.justificatif_type.as_deref(),
                u.version
            ),
            ("QUAL", Some(INS_DUPONT), Some("passeport"), 1)
        );
        let circle = s.entourage(&c).await.unwrap();
        assert_eq!(circle.len(), 1);
        assert!(circle[0].personne_confiance && circle[0].personne_a_prevenir);
        assert_eq!(circle[0].date_designation.as_deref(), Some("2026-03-02"));
        assert_eq!(s.sejours(&c).await.unwrap()[0].date_entree, "2024-01-01");
        let imports = audit_by_action(s, "usager.import").await;
        assert_eq!(imports.len(), 1);
        assert!(
            imports[0].detail.contains("\"nombre\":5"),
            "{}",
            imports[0].detail
        );

        // The identity sequence follows: a normal creation afterwards gets the next id.
        let after = create_usager(
            s,
            &w.secr_a,
            &ident("APRES", &["Alix"], "1932-01-01", "F"),
            w.org.a,
        )
        .await;
        assert_eq!(after, before + 6, "{engine}");
        // And a second batch continues after it.
        let more = s
            .insert_usagers_bulk(&admin(), &batch[..2], t0())
            .await
            .unwrap();
        assert_eq!(more, vec![after + 1, after + 2], "{engine}");
        let last = create_usager(
            s,
            &w.secr_a,
            &ident("ENFIN", &["Eve"], "1933-01-01", "F"),
            w.org.a,
        )
        .await;
        assert_eq!(last, after + 3, "{engine}");
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn photo_is_stored_replaced_and_removed_with_an_audited_write() {
    use dui_domain::usager::photo::{FormatPhoto, Photo};
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = helene(&w).await;
        let read = cap(s, &w.secr_a, id, Action::Lire).await;
        assert!(s.photo(&read).await.unwrap().is_none(), "{engine}");
        // Binary content, every byte value, survives the round trip.
        let first = Photo {
            format: FormatPhoto::Png,
            octets: (0..=255u8).cycle().take(5000).collect(),
        };
        let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
        let e1 = s.set_photo(&write, &first).await.unwrap();
        let got = s.photo(&read).await.unwrap().unwrap();
        assert_eq!(
            (got.format, &got.octets, &got.empreinte),
            (FormatPhoto::Png, &first.octets, &e1),
            "{engine}"
        );
        assert_eq!(e1.len(), 64);
        // Replaced: one photo per file, a new fingerprint.
        let second = Photo {
            format: FormatPhoto::Jpeg,
            octets: vec![0xFF, 0xD8, 0xFF, 0xD9],
        };
        let e2 = s.set_photo(&write, &second).await.unwrap();
        assert_ne!(e1, e2);
        assert_eq!(s.photo(&read).await.unwrap().unwrap().octets, second.octets);
        // A read capability cannot change it.
        assert!(matches!(
            s.set_photo(&read, &first).await,
            Err(StoreError::Denied(_))
        ));
        // Removed once; a second removal finds nothing.
        s.delete_photo(&write).await.unwrap();
        assert!(s.photo(&read).await.unwrap().is_none());
        assert!(matches!(
            s.delete_photo(&write).await,
            Err(StoreError::NotFound)
        ));
        // Each change audited with the file, in its transaction.
        let changes = audit_by_action(s, "usager.photo.modification").await;
        assert_eq!(changes.len(), 2, "{engine}");
        assert!(changes.iter().all(|e| e.usager_id == Some(id)));
        assert!(changes[1].detail.contains("\"remplace\":true"));
        assert_eq!(
            audit_by_action(s, "usager.photo.suppression").await.len(),
            1
        );
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn merge_moves_the_photo_only_to_a_file_without_one_and_undo_gives_it_back() {
    use dui_domain::usager::photo::{FormatPhoto, Photo};
    let photo = |b: u8| Photo {
        format: FormatPhoto::Png,
        octets: vec![b; 10],
    };
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let keep = helene(&w).await;
        let absorbed = create_usager(
            s,
            &w.secr_a,
            &ident("DUPOND", &["Helene"], "1938-04-12", "F"),
            w.org.a,
        )
        .await;
        let xw = cap(s, &w.secr_a, absorbed, Action::Ecrire).await;
        let fp = s.set_photo(&xw, &photo(1)).await.unwrap();
        let kv = cap(s, &w.secr_a, keep, Action::Valider).await;
        let xv = cap(s, &w.secr_a, absorbed, Action::Valider).await;
        let fid = s.merge_usagers(&kv, &xv).await.unwrap();
        let kr = cap(s, &w.secr_a, keep, Action::Lire).await;
        let moved = s.photo(&kr).await.unwrap().expect("photo déplacée");
        assert_eq!(
            (moved.empreinte, moved.octets),
            (fp, vec![1; 10]),
            "{engine}"
        );
        s.unmerge(&kv, fid).await.unwrap();
        assert!(s.photo(&kr).await.unwrap().is_none(), "{engine}: rendue");
        let xr = cap(s, &w.secr_a, absorbed, Action::Lire).await;
        assert_eq!(s.photo(&xr).await.unwrap().unwrap().octets, vec![1; 10]);

        // The kept file's own photo stays; the absorbed file keeps its own.
        let kw = cap(s, &w.secr_a, keep, Action::Ecrire).await;
        s.set_photo(&kw, &photo(2)).await.unwrap();
        let kv = cap(s, &w.secr_a, keep, Action::Valider).await;
        let xv = cap(s, &w.secr_a, absorbed, Action::Valider).await;
        let fid = s.merge_usagers(&kv, &xv).await.unwrap();
        assert_eq!(s.photo(&kr).await.unwrap().unwrap().octets, vec![2; 10]);
        s.unmerge(&kv, fid).await.unwrap();
        assert_eq!(s.photo(&kr).await.unwrap().unwrap().octets, vec![2; 10]);
        assert_eq!(
            s.photo(&xr).await.unwrap().unwrap().octets,
            vec![1; 10],
            "{engine}"
        );
        w.db.cleanup().await;
    }
}

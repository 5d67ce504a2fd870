//! Merges and their undoing under concurrency: opposite merges, one file merged into two
//! others, a double submit and two undos at once. Each race has exactly one winner, the loser
//! gets a conflict, and the data stays consistent (no file merged into the other and back).

use dui_domain::policy::Action;
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::Capability;
use dui_store::testing::{engines, TestDb};
use dui_store::{Store, StoreError, StoreResult};

use crate::common::{cap, create_user, insert_usager, seed_org};

/// Rounds of each race (the unpatched PostgreSQL store lost nearly every one).
const ROUNDS: usize = 20;

struct Files {
    db: TestDb,
    secr: Utilisateur,
    /// Three files in établissement A, one stay each.
    ids: [i64; 3],
}

async fn files(engine: &str) -> Files {
    let db = TestDb::new(engine).await.unwrap();
    let org = seed_org(&db.store).await;
    let secr = create_user(
        &db.store,
        "secretariat.a",
        dui_domain::policy::Role::Secretariat,
        &[org.a],
    )
    .await;
    let ids = [101, 102, 103];
    for (i, id) in ids.iter().enumerate() {
        insert_usager(&db, *id, &format!("DUPONT{i}"), org.a, None).await;
    }
    Files { db, secr, ids }
}

async fn valider(s: &Store, who: &Utilisateur, usager: i64) -> Capability {
    cap(s, who, usager, Action::Valider).await
}

/// Stay ids of a file, sorted.
async fn stays(s: &Store, c: &Capability) -> Vec<i64> {
    let mut v: Vec<i64> = s.sejours(c).await.unwrap().iter().map(|x| x.id).collect();
    v.sort_unstable();
    v
}

async fn fusionne_dans(s: &Store, c: &Capability) -> Option<i64> {
    s.usager(c)
        .await
        .unwrap()
        .unwrap()
        .fusionne_dans
        .map(i64::from)
}

/// Merges not undone that involve the file of `c`.
async fn running(s: &Store, c: &Capability) -> usize {
    s.fusions(c)
        .await
        .unwrap()
        .iter()
        .filter(|f| f.annule_at.is_none())
        .count()
}

/// Of two concurrent results, exactly one succeeded and the other is a conflict with a French
/// message; returns the index of the winner and its value.
fn one_winner<T: std::fmt::Debug>(engine: &str, what: &str, r: [StoreResult<T>; 2]) -> (usize, T) {
    let [r0, r1] = r;
    let (w, v, loser) = match (r0, r1) {
        (Ok(v), Err(e)) => (0, v, e),
        (Err(e), Ok(v)) => (1, v, e),
        other => panic!("{engine}: {what}: un seul gagnant attendu, obtenu {other:?}"),
    };
    match loser {
        StoreError::Conflict(m) => assert!(
            m.contains("fusion") || m.contains("fusionné"),
            "{engine}: {what}: {m}"
        ),
        other => panic!("{engine}: {what}: conflit attendu, obtenu {other:?}"),
    }
    (w, v)
}

#[tokio::test]
async fn opposite_merges_at_once_have_one_winner() {
    for engine in engines() {
        let f = files(engine).await;
        let s = &f.db.store;
        let a = valider(s, &f.secr, f.ids[0]).await;
        let b = valider(s, &f.secr, f.ids[1]).await;
        let (sa, sb) = (stays(s, &a).await, stays(s, &b).await);
        let mut both = [sa.clone(), sb.clone()].concat();
        both.sort_unstable();
        let mut wins = [0, 0];
        for round in 0..ROUNDS {
            let (r0, r1) = tokio::join!(s.fusionner_usagers(&a, &b), s.fusionner_usagers(&b, &a));
            let what = format!("tour {round}");
            let (w, fid) = one_winner(engine, &what, [r0, r1]);
            wins[w] += 1;
            let (keep, gone) = if w == 0 { (&a, &b) } else { (&b, &a) };
            assert_eq!(
                fusionne_dans(s, gone).await,
                Some(keep.usager_id().get()),
                "{engine}"
            );
            assert_eq!(fusionne_dans(s, keep).await, None, "{engine}: {what}");
            assert_eq!(stays(s, keep).await, both, "{engine}: {what}");
            assert!(stays(s, gone).await.is_empty(), "{engine}: {what}");
            assert_eq!(running(s, keep).await, 1, "{engine}: {what}");
            assert_eq!(s.fusions(keep).await.unwrap().len(), round + 1);
            s.annuler_fusion(keep, fid).await.unwrap();
            assert_eq!(
                (stays(s, &a).await, stays(s, &b).await),
                (sa.clone(), sb.clone())
            );
            assert_eq!(
                (fusionne_dans(s, &a).await, fusionne_dans(s, &b).await),
                (None, None)
            );
        }
        assert_eq!(wins[0] + wins[1], ROUNDS, "{engine}");
        f.db.cleanup().await;
    }
}

#[tokio::test]
async fn one_file_merged_into_two_others_at_once_goes_into_one() {
    for engine in engines() {
        let f = files(engine).await;
        let s = &f.db.store;
        let a = valider(s, &f.secr, f.ids[0]).await;
        let b = valider(s, &f.secr, f.ids[1]).await;
        let c = valider(s, &f.secr, f.ids[2]).await;
        let (sa, sb, sc) = (stays(s, &a).await, stays(s, &b).await, stays(s, &c).await);
        for round in 0..ROUNDS {
            let (r0, r1) = tokio::join!(s.fusionner_usagers(&b, &a), s.fusionner_usagers(&c, &a));
            let what = format!("tour {round}");
            let (w, fid) = one_winner(engine, &what, [r0, r1]);
            let (keep, other, keep_stays, other_stays) = if w == 0 {
                (&b, &c, &sb, &sc)
            } else {
                (&c, &b, &sc, &sb)
            };
            assert_eq!(
                fusionne_dans(s, &a).await,
                Some(keep.usager_id().get()),
                "{engine}"
            );
            assert_eq!(running(s, &a).await, 1, "{engine}: {what}");
            let mut moved = [keep_stays.clone(), sa.clone()].concat();
            moved.sort_unstable();
            assert_eq!(stays(s, keep).await, moved, "{engine}: {what}");
            assert_eq!(&stays(s, other).await, other_stays, "{engine}: {what}");
            assert!(stays(s, &a).await.is_empty());
            s.annuler_fusion(keep, fid).await.unwrap();
            assert_eq!(stays(s, &a).await, sa, "{engine}: {what}");
        }
        f.db.cleanup().await;
    }
}

#[tokio::test]
async fn a_double_submitted_merge_makes_one_fusion() {
    for engine in engines() {
        let f = files(engine).await;
        let s = &f.db.store;
        let a = valider(s, &f.secr, f.ids[0]).await;
        let b = valider(s, &f.secr, f.ids[1]).await;
        let (sa, sb) = (stays(s, &a).await, stays(s, &b).await);
        for round in 0..ROUNDS {
            let (r0, r1) = tokio::join!(s.fusionner_usagers(&a, &b), s.fusionner_usagers(&a, &b));
            let what = format!("tour {round}");
            let (_, fid) = one_winner(engine, &what, [r0, r1]);
            assert_eq!(running(s, &b).await, 1, "{engine}: {what}");
            assert_eq!(s.fusions(&b).await.unwrap().len(), round + 1, "{engine}");
            assert_eq!(fusionne_dans(s, &b).await, Some(a.usager_id().get()));
            s.annuler_fusion(&a, fid).await.unwrap();
            assert_eq!(
                (stays(s, &a).await, stays(s, &b).await),
                (sa.clone(), sb.clone())
            );
        }
        f.db.cleanup().await;
    }
}

#[tokio::test]
async fn two_undos_at_once_have_one_winner() {
    for engine in engines() {
        let f = files(engine).await;
        let s = &f.db.store;
        let a = valider(s, &f.secr, f.ids[0]).await;
        let b = valider(s, &f.secr, f.ids[1]).await;
        let (sa, sb) = (stays(s, &a).await, stays(s, &b).await);
        for round in 0..ROUNDS {
            let fid = s.fusionner_usagers(&a, &b).await.unwrap();
            let (r0, r1) = tokio::join!(s.annuler_fusion(&a, fid), s.annuler_fusion(&a, fid));
            let what = format!("tour {round}");
            one_winner(engine, &what, [r0, r1]);
            assert_eq!(fusionne_dans(s, &b).await, None, "{engine}: {what}");
            assert_eq!(running(s, &b).await, 0, "{engine}: {what}");
            assert_eq!(
                (stays(s, &a).await, stays(s, &b).await),
                (sa.clone(), sb.clone())
            );
            let undo = s.fusions(&a).await.unwrap();
            assert!(undo.iter().all(|f| f.annule_at.is_some()), "{engine}");
        }
        f.db.cleanup().await;
    }
}

#[tokio::test]
async fn a_merge_is_undone_only_while_both_files_are_as_it_left_them() {
    for engine in engines() {
        let f = files(engine).await;
        let s = &f.db.store;
        let a = valider(s, &f.secr, f.ids[0]).await;
        let b = valider(s, &f.secr, f.ids[1]).await;
        let c = valider(s, &f.secr, f.ids[2]).await;
        // B into A, then A into C: B's stays are now on C; undoing B into A first would revive
        // B empty.
        let first = s.fusionner_usagers(&a, &b).await.unwrap();
        let second = s.fusionner_usagers(&c, &a).await.unwrap();
        match s.annuler_fusion(&a, first).await {
            Err(StoreError::Conflict(m)) => assert!(m.contains("U0000101"), "{engine}: {m}"),
            other => panic!("{engine}: conflit attendu, obtenu {other:?}"),
        }
        assert_eq!(fusionne_dans(s, &b).await, Some(a.usager_id().get()));
        s.annuler_fusion(&c, second).await.unwrap();
        s.annuler_fusion(&a, first).await.unwrap();
        assert_eq!(fusionne_dans(s, &b).await, None, "{engine}");
        assert_eq!(stays(s, &b).await.len(), 1, "{engine}");
        f.db.cleanup().await;
    }
}

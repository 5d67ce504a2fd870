//! The tamper-evident audit chain: sealing, verification, and what tampering it catches.

use chrono::Duration;
use dui_domain::policy::Role;
use dui_store::audit::{entry_hash, Entry, Verification};
use dui_store::testing::{engines, TestDb};
use dui_store::{Store, StoreError};

use crate::common::{
    admin, at, audit_entries, create_user, etablissement, finess, organisme, seed_org, user_input,
    SOME_HASH,
};

/// Writes audit entries through real operations; returns how many entries it wrote.
pub(crate) async fn activity(store: &Store, tag: u32) -> usize {
    let og = store
        .create_organisme(
            &admin(),
            &organisme(&format!("Organisme {tag}"), &finess(13, tag * 10)),
            at(1),
        )
        .await
        .unwrap();
    store
        .create_etablissement(
            &admin(),
            &etablissement(
                og,
                &format!("Établissement {tag}"),
                &finess(13, tag * 10 + 1),
            ),
            at(2),
        )
        .await
        .unwrap();
    let user = create_user(store, &format!("agent{tag}"), Role::Educateur, &[]).await;
    let actor = dui_store::audit::Actor {
        utilisateur_id: Some(user.id),
        username: user.username.clone(),
        ip: Some("192.0.2.1".into()),
    };
    store
        .record_login_failure(&actor, Some(user.id), "mot_de_passe", at(3))
        .await
        .unwrap();
    store
        .record_login_failure(&actor, Some(user.id), "mot_de_passe", at(4))
        .await
        .unwrap();
    let (token, _csrf) = store
        .create_session(
            &actor,
            Some("test"),
            Duration::hours(12),
            serde_json::json!({"totp": false}),
            at(5),
        )
        .await
        .unwrap();
    store
        .delete_session(&actor, &dui_store::session::token_hash(&token), at(6))
        .await
        .unwrap();
    7
}

/// SQL text literal.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn q_opt(s: &Option<String>) -> String {
    s.as_deref().map(q).unwrap_or_else(|| "NULL".into())
}

fn n_opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "NULL".into())
}

/// `SET` clause writing every column but `id` from `e` (to restore or move a row).
fn set_all(e: &Entry) -> String {
    format!(
        "at = {}, utilisateur_id = {}, username = {}, action = {}, usager_id = {}, section = {}, ip = {}, outcome = {}, detail = {}, seq = {}, prev_hash = {}, hash = {}",
        q(&e.at),
        n_opt(e.utilisateur_id),
        q(&e.username),
        q(&e.action),
        n_opt(e.usager_id),
        q_opt(&e.section),
        q_opt(&e.ip),
        q(&e.outcome),
        q(&e.detail),
        n_opt(e.seq),
        q_opt(&e.prev_hash),
        q_opt(&e.hash),
    )
}

async fn by_seq(store: &Store, seq: i64) -> Entry {
    audit_entries(store)
        .await
        .into_iter()
        .find(|e| e.seq == Some(seq))
        .unwrap()
}

fn assert_intact(v: &Verification, checked: u64) {
    assert!(
        v.first_broken.is_none(),
        "chaîne rompue : {:?}",
        v.first_broken
    );
    assert_eq!(v.checked, checked);
    assert_eq!(v.unsealed, 0);
}

fn assert_broken(v: &Verification, seq: i64, reason_part: &str) {
    let b = v
        .first_broken
        .as_ref()
        .unwrap_or_else(|| panic!("altération non détectée (attendue en n° {seq})"));
    assert_eq!(b.seq, seq, "{b:?}");
    assert!(
        b.reason.contains(reason_part),
        "raison inattendue : {:?}",
        b.reason
    );
}

#[tokio::test]
async fn sealed_chain_verifies_and_links_every_entry() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let n = activity(s, 1).await;

        // Nothing sealed yet: entries are pending, the empty chain is intact.
        let v = s.audit_verify().await.unwrap();
        assert!(v.first_broken.is_none());
        assert_eq!((v.checked, v.unsealed as usize), (0, n));
        assert!(v.head.is_none());

        assert_eq!(s.audit_seal(at(10)).await.unwrap(), n, "{engine}");
        let v = s.audit_verify().await.unwrap();
        assert_intact(&v, n as u64);

        // Insertion order, contiguous positions, each hash chained to the previous one.
        let entries = audit_entries(s).await;
        let mut prev = dui_store::audit::GENESIS.to_string();
        for (i, e) in entries.iter().enumerate() {
            let seq = i as i64 + 1;
            assert_eq!(e.seq, Some(seq));
            assert_eq!(e.prev_hash.as_deref(), Some(prev.as_str()));
            assert_eq!(e.hash.as_deref(), Some(entry_hash(&prev, seq, e).as_str()));
            prev = e.hash.clone().unwrap();
        }
        assert_eq!(v.head.as_deref(), Some(prev.as_str()));
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "admin.organisme.creation",
                "admin.etablissement.creation",
                "admin.utilisateur.creation",
                "connexion",
                "connexion",
                "connexion",
                "deconnexion"
            ],
            "{engine}"
        );
        assert_eq!(entries[3].outcome, "echec");
        assert_eq!(entries[5].outcome, "succes");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn altered_field_breaks_the_chain_at_that_entry() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let n = activity(s, 1).await as u64;
        s.audit_seal(at(10)).await.unwrap();

        // Each column of the recorded fact, altered in turn, then put back.
        let tampers: [(i64, &str); 6] = [
            (3, "detail = '{\"id\": 999}'"),
            (4, "username = 'quelquun-dautre'"),
            (5, "outcome = 'succes'"),
            (1, "at = '2026-03-01T09:00:00.000000Z'"),
            (6, "ip = '203.0.113.9'"),
            (7, "utilisateur_id = 424242"),
        ];
        for (seq, set) in tampers {
            let original = by_seq(s, seq).await;
            assert_eq!(
                db.exec(&format!("UPDATE audit SET {set} WHERE seq = {seq}"))
                    .await
                    .unwrap(),
                1
            );
            let v = s.audit_verify().await.unwrap();
            assert_broken(&v, seq, "contenu de l'entrée a été modifié");
            assert_eq!(v.first_broken.as_ref().unwrap().id, original.id);
            db.exec(&format!(
                "UPDATE audit SET {} WHERE id = {}",
                set_all(&original),
                original.id
            ))
            .await
            .unwrap();
            assert_intact(&s.audit_verify().await.unwrap(), n);
        }

        // Moving text from one field to the next is caught too (length-prefixed hashing).
        let e = by_seq(s, 2).await;
        let moved = format!(
            "UPDATE audit SET action = {}, outcome = {} WHERE seq = 2",
            q(&format!("{}{}", e.action, &e.outcome[..1])),
            q(&e.outcome[1..])
        );
        db.exec(&moved).await.unwrap();
        assert_broken(&s.audit_verify().await.unwrap(), 2, "modifié");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn deleted_middle_entry_breaks_the_chain() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        activity(s, 1).await;
        s.audit_seal(at(10)).await.unwrap();
        let next = by_seq(s, 5).await;
        assert_eq!(db.exec("DELETE FROM audit WHERE seq = 4").await.unwrap(), 1);
        let v = s.audit_verify().await.unwrap();
        assert_broken(&v, 4, "manquante");
        assert_eq!(v.first_broken.unwrap().id, next.id);
        assert_eq!(v.checked, 3);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn reordered_entries_break_the_chain() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let n = activity(s, 1).await as u64;
        s.audit_seal(at(10)).await.unwrap();
        let (e2, e3) = (by_seq(s, 2).await, by_seq(s, 3).await);

        // Swap the whole contents of two rows (chain columns included): as if their ids
        // had been exchanged.
        db.exec(&format!("UPDATE audit SET seq = NULL WHERE id = {}", e2.id))
            .await
            .unwrap();
        db.exec(&format!(
            "UPDATE audit SET {} WHERE id = {}",
            set_all(&e2),
            e3.id
        ))
        .await
        .unwrap();
        db.exec(&format!(
            "UPDATE audit SET {} WHERE id = {}",
            set_all(&e3),
            e2.id
        ))
        .await
        .unwrap();
        assert_broken(&s.audit_verify().await.unwrap(), 2, "modifié");

        // Put them back: intact again.
        db.exec(&format!("UPDATE audit SET seq = NULL WHERE id = {}", e2.id))
            .await
            .unwrap();
        db.exec(&format!(
            "UPDATE audit SET {} WHERE id = {}",
            set_all(&e3),
            e3.id
        ))
        .await
        .unwrap();
        db.exec(&format!(
            "UPDATE audit SET {} WHERE id = {}",
            set_all(&e2),
            e2.id
        ))
        .await
        .unwrap();
        assert_intact(&s.audit_verify().await.unwrap(), n);

        // Swap only their positions (each row keeps its own hashes).
        db.exec(&format!("UPDATE audit SET seq = NULL WHERE id = {}", e2.id))
            .await
            .unwrap();
        db.exec(&format!("UPDATE audit SET seq = 2 WHERE id = {}", e3.id))
            .await
            .unwrap();
        db.exec(&format!("UPDATE audit SET seq = 3 WHERE id = {}", e2.id))
            .await
            .unwrap();
        let v = s.audit_verify().await.unwrap();
        assert_broken(&v, 2, "chaînage");
        assert_eq!(v.first_broken.unwrap().id, e3.id);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn tail_truncation_is_caught_by_checkpoints() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let n = activity(s, 1).await as i64;
        s.audit_seal(at(10)).await.unwrap();

        // The last two entries disappear: what remains is a consistent, shorter chain.
        assert_eq!(
            db.exec(&format!("DELETE FROM audit WHERE seq >= {}", n - 1))
                .await
                .unwrap(),
            2
        );
        let v = s.audit_verify().await.unwrap();
        assert_broken(&v, n - 1, "tronquée");
        assert_eq!(v.checked, n as u64 - 2);

        // Activity goes on and is sealed after the truncated head: the hole stays visible.
        let more = activity(s, 2).await as i64;
        s.audit_seal(at(20)).await.unwrap();
        let v = s.audit_verify().await.unwrap();
        assert!(
            v.first_broken.is_some(),
            "{engine}: troncature masquée par les entrées suivantes : {v:?}"
        );
        // The new entries took positions n - 1, n…: the checkpoint at n no longer matches.
        assert_broken(&v, n, "point de contrôle");
        assert_eq!(v.checked as i64, n - 2 + more);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn unsealing_the_last_entry_is_caught() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let n = activity(s, 1).await as i64;
        s.audit_seal(at(10)).await.unwrap();
        // Someone alters the last entry and clears its chain columns so that it gets sealed
        // again with its new content.
        db.exec(&format!("UPDATE audit SET detail = '{{}}', seq = NULL, prev_hash = NULL, hash = NULL WHERE seq = {n}")).await.unwrap();
        let v = s.audit_verify().await.unwrap();
        assert_broken(&v, n, "tronquée");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn rewritten_chain_is_caught_by_checkpoints() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let n = activity(s, 1).await as i64;
        s.audit_seal(at(10)).await.unwrap();
        // An attacker who knows the hashing alters entry 3 and recomputes every hash after it.
        db.exec("UPDATE audit SET detail = '{\"id\": 999}' WHERE seq = 3")
            .await
            .unwrap();
        let mut prev = by_seq(s, 2).await.hash.unwrap();
        for seq in 3..=n {
            let e = by_seq(s, seq).await;
            let h = entry_hash(&prev, seq, &e);
            db.exec(&format!(
                "UPDATE audit SET prev_hash = {}, hash = {} WHERE seq = {seq}",
                q(&prev),
                q(&h)
            ))
            .await
            .unwrap();
            prev = h;
        }
        let v = s.audit_verify().await.unwrap();
        let b = v
            .first_broken
            .expect("réécriture de la chaîne non détectée");
        assert!(b.reason.contains("point de contrôle"), "{b:?}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn sealing_is_incremental_and_idempotent() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let n1 = activity(s, 1).await;
        assert_eq!(s.audit_seal(at(10)).await.unwrap(), n1);
        assert_eq!(
            s.audit_seal(at(11)).await.unwrap(),
            0,
            "{engine}: rien de nouveau à sceller"
        );
        let first = s.audit_verify().await.unwrap();
        assert_intact(&first, n1 as u64);
        let sealed_before: Vec<Entry> = audit_entries(s).await;

        let n2 = activity(s, 2).await;
        let v = s.audit_verify().await.unwrap();
        assert_eq!(v.unsealed as usize, n2);
        assert!(v.first_broken.is_none());
        assert_eq!(s.audit_seal(at(20)).await.unwrap(), n2);
        assert_eq!(s.audit_seal(at(21)).await.unwrap(), 0);
        let v = s.audit_verify().await.unwrap();
        assert_intact(&v, (n1 + n2) as u64);
        assert_ne!(v.head, first.head);

        // Sealed entries were not rewritten; new ones continue the chain from the old head.
        let after = audit_entries(s).await;
        for (old, new) in sealed_before.iter().zip(&after) {
            assert_eq!((old.id, &old.seq, &old.hash), (new.id, &new.seq, &new.hash));
        }
        let first_new = &after[n1];
        assert_eq!(first_new.seq, Some(n1 as i64 + 1));
        assert_eq!(first_new.prev_hash, first.head);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn rolled_back_operations_leave_no_audit_entry() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let user = create_user(s, "claire", Role::Cadre, &[org.a]).await;
        let before = audit_entries(s).await.len();

        // The account row is inserted, then a link to a missing établissement fails: the
        // whole transaction, audit entry included, is rolled back.
        let bad = user_input("fantome", Role::Educateur, &[org.a, 999_999]);
        let err = s
            .create_utilisateur(&admin(), &bad, SOME_HASH, false, at(1))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{engine}: {err:?}");
        assert!(s.credentials("fantome").await.unwrap().is_none());

        // A stale update and a duplicate are refused without an entry.
        let err = s
            .update_utilisateur(
                &admin(),
                user.id,
                user.version + 5,
                &user_input("claire", Role::Direction, &[org.a]),
                at(2),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::StaleVersion));
        let err = s
            .create_organisme(&admin(), &organisme("Doublon", &finess(69, 1)), at(3))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)));
        // A failure recorded for a missing account id fails as a whole.
        let ghost = dui_store::audit::Actor {
            utilisateur_id: Some(999_999),
            username: "ghost".into(),
            ip: None,
        };
        assert!(s
            .record_login_failure(&ghost, Some(999_999), "mot_de_passe", at(4))
            .await
            .is_err());

        let after = audit_entries(s).await;
        assert_eq!(
            after.len(),
            before,
            "{engine}: {:?}",
            after
                .iter()
                .skip(before)
                .map(|e| &e.action)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            s.utilisateur(user.id).await.unwrap().unwrap().role,
            Role::Cadre
        );
        let n = s.audit_seal(at(10)).await.unwrap();
        assert_intact(&s.audit_verify().await.unwrap(), n as u64);
        db.cleanup().await;
    }
}

/// On PostgreSQL, ids come from a sequence at insert time while rows become visible at
/// commit: an entry whose transaction commits late is sealed after entries with higher ids.
/// That is ordinary concurrency, not tampering.
#[tokio::test]
async fn late_commit_is_not_reported_as_tampering() {
    use sqlx::Connection;
    for engine in engines() {
        if engine != "postgres" {
            // One writer at a time on SQLite: ids are committed in order.
            continue;
        }
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        activity(s, 1).await;
        s.audit_seal(at(10)).await.unwrap();

        // A request's transaction takes an audit id, then is slow to commit…
        let mut slow = sqlx::postgres::PgConnection::connect(&db.url)
            .await
            .unwrap();
        let mut tx = slow.begin().await.unwrap();
        sqlx::query(
            "INSERT INTO audit (at, utilisateur_id, username, action, outcome, detail) VALUES ($1, NULL, 'lent', 'usager.lecture', 'succes', '{}')",
        )
        .bind(dui_store::ts(at(11)))
        .execute(&mut *tx)
        .await
        .unwrap();
        // …while another request commits and the sealer runs.
        s.create_organisme(&admin(), &organisme("Rapide", &finess(13, 999)), at(12))
            .await
            .unwrap();
        assert_eq!(s.audit_seal(at(13)).await.unwrap(), 1);
        tx.commit().await.unwrap();
        slow.close().await.unwrap();
        assert_eq!(s.audit_seal(at(14)).await.unwrap(), 1);

        let v = s.audit_verify().await.unwrap();
        assert!(
            v.first_broken.is_none(),
            "fausse alerte d'altération : {:?}",
            v.first_broken
        );
        assert_eq!(v.checked, 9);
        db.cleanup().await;
    }
}

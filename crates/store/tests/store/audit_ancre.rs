//! The three ways to rewrite the audit chain through the server's own sealer, each caught:
//! a back-dated row slipped in unsealed (refused by the sealer), the tail altered with its
//! seals and checkpoints removed and then re-sealed, the last rows deleted with their
//! checkpoints (both caught by the anchor kept outside the database).

use std::path::PathBuf;

use dui_store::audit::ancre::Ancre;
use dui_store::testing::{engines, TestDb};
use dui_store::Store;
use serde_json::{json, Value};

use crate::audit::activity;
use crate::common::{admin, at, audit_entries, finess, organisme};

/// A test database whose store anchors every seal in a fresh file; returns the file.
async fn anchored(engine: &str) -> (TestDb, PathBuf) {
    let mut db = TestDb::new(engine).await.unwrap();
    let path = std::env::temp_dir().join(format!(
        "dui-ancre-{}-{}.log",
        std::process::id(),
        dui_store::session::random_token()
    ));
    let ancre = Ancre::ouvrir(&path, b"cle-de-test-de-l-ancre-du-journal-d-audit".to_vec())
        .unwrap()
        .avec_intervalle(std::time::Duration::ZERO);
    db.store = db.store.clone().with_ancre(ancre);
    (db, path)
}

fn lines(path: &PathBuf) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// A verification through a store that has no anchor: what the attacks relied on.
async fn verify_without_anchor(db: &TestDb) -> dui_store::audit::Verification {
    let plain = Store::connect(&db.url).await.unwrap();
    let v = plain.audit_verify().await.unwrap();
    plain.close().await;
    v
}

const FORGED: &str = "INSERT INTO audit (at, utilisateur_id, username, action, usager_id, section, ip, outcome, detail) VALUES";

#[tokio::test]
async fn back_dated_row_is_refused_by_the_sealer_and_reported() {
    for engine in engines() {
        let (db, path) = anchored(engine).await;
        let s = &db.store;
        let n = activity(s, 1).await;
        assert_eq!(s.audit_seal(at(10)).await.unwrap(), n);

        // Someone who can write to the database slips in a read dated the day before, and
        // one dated next year.
        db.exec(&format!("{FORGED} ('2026-03-01T09:00:00.000000Z', NULL, 'marie', 'usager.lecture', 42, 'soins', NULL, 'succes', '{{}}')")).await.unwrap();
        let forged = audit_entries(s)
            .await
            .into_iter()
            .find(|e| e.username == "marie")
            .unwrap();
        // Seen before any seal…
        let b = s
            .audit_verify()
            .await
            .unwrap()
            .first_broken
            .expect("ligne antidatée non détectée");
        assert_eq!((b.seq, b.id), (0, forged.id), "{engine}");
        assert!(b.reason.contains("antidatée"), "{engine}: {b:?}");
        db.exec(&format!("{FORGED} ('2099-01-01T09:00:00.000000Z', NULL, 'paul', 'usager.lecture', 42, 'soins', NULL, 'succes', '{{}}')")).await.unwrap();

        // …and refused by the sealer, which goes on sealing the legitimate entries after it.
        let more = activity(s, 2).await;
        assert_eq!(s.audit_seal(at(20)).await.unwrap(), more, "{engine}");
        assert_eq!(
            s.audit_seal(at(21)).await.unwrap(),
            2,
            "{engine}: les deux signalements"
        );
        let entries = audit_entries(s).await;
        let reports: Vec<Value> = entries
            .iter()
            .filter(|e| e.action == "audit.scellement.refus")
            .inspect(|e| {
                assert_eq!(
                    (e.outcome.as_str(), e.username.as_str()),
                    ("refus", "scellement")
                );
                assert!(e.seq.is_some_and(|q| q > 0), "signalement scellé");
            })
            .map(|e| serde_json::from_str(&e.detail).unwrap())
            .collect();
        let paul = entries.iter().find(|e| e.username == "paul").unwrap();
        assert_eq!(
            reports,
            [
                json!({"entree_id": forged.id, "probleme": "antidatee"}),
                json!({"entree_id": paul.id, "probleme": "postdatee"})
            ],
            "{engine}"
        );
        for e in entries
            .iter()
            .filter(|e| ["marie", "paul"].contains(&e.username.as_str()))
        {
            assert_eq!(
                e.seq,
                Some(-e.id),
                "{engine}: mise à l'écart, hors de la chaîne"
            );
            assert!(e.hash.is_none());
        }
        let v = s.audit_verify().await.unwrap();
        assert_eq!(v.checked, (n + more + 2) as u64, "{engine}");
        let b = v
            .first_broken
            .expect("insertion non signalée par la vérification");
        assert_eq!((b.seq, b.id), (0, forged.id), "{engine}");
        assert!(b.reason.contains("refusée au scellement"), "{b:?}");

        // Once looked into and removed, the chain verifies; the refusals stay in it.
        db.exec("DELETE FROM audit WHERE seq < 0").await.unwrap();
        let v = s.audit_verify().await.unwrap();
        assert!(v.first_broken.is_none(), "{engine}: {:?}", v.first_broken);
        assert_eq!(v.ancre_lignes, Some(lines(&path).len() as u64));
        assert!(
            lines(&path).len() >= 3,
            "{engine}: une ligne par scellement"
        );
        db.cleanup().await;
        let _ = std::fs::remove_file(path);
    }
}

#[tokio::test]
async fn altered_tail_re_sealed_is_caught_by_the_anchor() {
    for engine in engines() {
        let (db, path) = anchored(engine).await;
        let s = &db.store;
        let n = activity(s, 1).await as i64;
        s.audit_seal(at(10)).await.unwrap();
        assert_eq!(lines(&path).len(), 1);
        assert!(
            lines(&path)[0].starts_with(&format!("v1 {n} ")),
            "{:?}",
            lines(&path)
        );

        // The last three entries are altered, their seals cleared and the checkpoints that
        // covered them deleted: the database alone shows a shorter, intact chain…
        db.exec(&format!("UPDATE audit SET username = 'personne', seq = NULL, prev_hash = NULL, hash = NULL WHERE seq > {}", n - 3)).await.unwrap();
        db.exec(&format!(
            "DELETE FROM audit_checkpoint WHERE seq > {}",
            n - 3
        ))
        .await
        .unwrap();
        let v = verify_without_anchor(&db).await;
        assert!(v.first_broken.is_none(), "{engine}: {:?}", v.first_broken);
        assert_eq!(v.checked as i64, n - 3);

        // …then the sealer runs. On SQLite (ids committed in order) it refuses the rows it
        // anchored already; on PostgreSQL they are within the time tolerance and get sealed
        // again, with other hashes than the anchored ones.
        let resealed = s.audit_seal(at(20)).await.unwrap();
        let set_aside = audit_entries(s)
            .await
            .iter()
            .filter(|e| e.seq.is_some_and(|q| q < 0))
            .count();
        if engine == "sqlite" {
            assert_eq!((resealed, set_aside), (0, 3), "{engine}");
        } else {
            assert_eq!((resealed, set_aside), (3, 0), "{engine}");
        }
        s.audit_seal(at(21)).await.unwrap();
        let v = s.audit_verify().await.unwrap();
        let b = v.first_broken.expect("réécriture de la fin non détectée");
        assert!(b.reason.contains("ancre externe"), "{engine}: {b:?}");
        assert!(b.seq > n - 3 && b.seq <= n, "{engine}: {b:?}");
        // The sealer saw the gap and said so.
        s.audit_seal(at(22)).await.unwrap();
        let entries = audit_entries(s).await;
        let gap = entries
            .iter()
            .find(|e| e.action == "audit.ancre.ecart")
            .expect("écart avec l'ancre signalé");
        let d: Value = serde_json::from_str(&gap.detail).unwrap();
        assert_eq!(d["seq_ancre"], n, "{engine}: {d}");
        db.cleanup().await;
        let _ = std::fs::remove_file(path);
    }
}

#[tokio::test]
async fn deleted_tail_with_its_checkpoints_is_caught_by_the_anchor() {
    for engine in engines() {
        let (db, path) = anchored(engine).await;
        let s = &db.store;
        let n = activity(s, 1).await as i64;
        s.audit_seal(at(10)).await.unwrap();

        // The last two entries and every checkpoint from there disappear.
        db.exec(&format!("DELETE FROM audit WHERE seq >= {}", n - 1))
            .await
            .unwrap();
        db.exec(&format!(
            "DELETE FROM audit_checkpoint WHERE seq >= {}",
            n - 1
        ))
        .await
        .unwrap();
        let v = verify_without_anchor(&db).await;
        assert!(v.first_broken.is_none(), "{engine}: {:?}", v.first_broken);

        let v = s.audit_verify().await.unwrap();
        let b = v.first_broken.expect("troncature non détectée");
        assert_eq!(b.seq, n - 1, "{engine}: {b:?}");
        assert!(b.reason.contains("attestées par l'ancre externe"), "{b:?}");

        // Activity goes on and takes positions n - 1, n: still caught.
        activity(s, 2).await;
        s.audit_seal(at(20)).await.unwrap();
        let v = s.audit_verify().await.unwrap();
        let b = v
            .first_broken
            .expect("troncature masquée par les entrées suivantes");
        assert_eq!(b.seq, n, "{engine}: {b:?}");
        assert!(b.reason.contains("ancre externe"), "{b:?}");
        db.cleanup().await;
        let _ = std::fs::remove_file(path);
    }
}

#[tokio::test]
async fn forged_or_foreign_anchor_lines_are_reported() {
    for engine in engines() {
        let (db, path) = anchored(engine).await;
        let s = &db.store;
        activity(s, 1).await;
        s.audit_seal(at(10)).await.unwrap();
        let good = std::fs::read_to_string(&path).unwrap();
        // A line rewritten without the key (here: another hash) no longer verifies.
        let mut fields: Vec<String> = good.trim_end().split(' ').map(str::to_string).collect();
        fields[4] = "0".repeat(64);
        std::fs::write(&path, format!("{}\n", fields.join(" "))).unwrap();
        let b = s
            .audit_verify()
            .await
            .unwrap()
            .first_broken
            .expect("ligne falsifiée");
        assert!(
            b.reason.contains("ligne 1 : signature invalide"),
            "{engine}: {b:?}"
        );
        // The same file under another key: refused too.
        std::fs::write(&path, &good).unwrap();
        let other = Store::connect(&db.url).await.unwrap().with_ancre(
            Ancre::existante(
                &path,
                b"une-autre-cle-de-plus-de-trente-deux-caracteres".to_vec(),
            )
            .unwrap(),
        );
        let b = other
            .audit_verify()
            .await
            .unwrap()
            .first_broken
            .expect("autre clé");
        assert!(b.reason.contains("signature invalide"), "{engine}: {b:?}");
        other.close().await;
        assert!(s.audit_verify().await.unwrap().first_broken.is_none());
        db.cleanup().await;
        let _ = std::fs::remove_file(path);
    }
}

/// A database recreated or restored behind its anchor (ids start again below the anchored
/// one, with later times): new entries are still sealed, and verification reports the gap.
#[tokio::test]
async fn a_database_behind_its_anchor_still_seals_new_entries() {
    for engine in engines() {
        let (db, path) = anchored(engine).await;
        activity(&db.store, 1).await;
        activity(&db.store, 2).await;
        db.store.audit_seal(at(10)).await.unwrap();
        db.cleanup().await;

        let mut fresh = TestDb::new(engine).await.unwrap();
        let ancre = Ancre::ouvrir(&path, b"cle-de-test-de-l-ancre-du-journal-d-audit".to_vec())
            .unwrap()
            .avec_intervalle(std::time::Duration::ZERO);
        fresh.store = fresh.store.clone().with_ancre(ancre);
        let s = &fresh.store;
        s.create_organisme(
            &admin(),
            &organisme("Nouveau départ", &finess(13, 990)),
            at(30),
        )
        .await
        .unwrap();
        assert_eq!(
            s.audit_seal(at(31)).await.unwrap(),
            1,
            "{engine}: pas de refus"
        );
        let entries = audit_entries(s).await;
        assert!(
            entries.iter().all(|e| e.seq.is_none_or(|q| q > 0)),
            "{engine}"
        );
        assert!(
            entries.iter().any(|e| e.action == "audit.ancre.ecart"),
            "{engine}"
        );
        let b = s
            .audit_verify()
            .await
            .unwrap()
            .first_broken
            .expect("écart non signalé");
        assert!(b.reason.contains("ancre externe"), "{engine}: {b:?}");
        fresh.cleanup().await;
        let _ = std::fs::remove_file(path);
    }
}

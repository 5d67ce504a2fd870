//! Online backup while writes run, restore into an empty database (same content, audit chain
//! intact), and a non-empty target refused.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dui_store::backup::{backup, restore, BackupError};
use dui_store::testing::{engines, EmptyDb, TestDb};
use dui_store::Store;
use sqlx::{Connection, Row};

use crate::common::{admin, at, finess, organisme, seed_org};

/// Rows of `sql` as text, one string a row (columns joined by `|`).
async fn rows(url: &str, sql: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap();
    let out = rows
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    r.try_get::<Option<i64>, _>(i)
                        .map(|v| format!("{v:?}"))
                        .or_else(|_| r.try_get::<Option<String>, _>(i).map(|v| format!("{v:?}")))
                        .unwrap()
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    conn.close().await.unwrap();
    out
}

const ORGANISMES: &str = "SELECT id, nom, finess_juridique, version FROM organisme ORDER BY id";
const SEALED: &str = "SELECT id, seq, hash, prev_hash, action, detail FROM audit \
                      WHERE seq IS NOT NULL ORDER BY seq";

fn temp_dir(engine: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dui-sauvegarde-{engine}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_during_writes_restores_the_snapshot_into_an_empty_database() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = db.store.clone();
        seed_org(&s).await;
        s.audit_seal(at(0)).await.unwrap();
        let dir = temp_dir(engine);
        std::fs::write(dir.join("ancre"), b"tete 1\n").unwrap();

        // Writes run all along: organismes created, the chain sealed now and then.
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (s, stop) = (s.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    let o = organisme(&format!("Association {i}"), &finess(75, 1000 + i));
                    s.create_organisme(&admin(), &o, at(i64::from(i) + 1))
                        .await
                        .unwrap();
                    if i.is_multiple_of(7) {
                        s.audit_seal(at(i64::from(i) + 1)).await.unwrap();
                    }
                    i += 1;
                }
                i
            })
        };
        while rows(&db.url, ORGANISMES).await.len() < 20 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let file = dir.join("sauvegarde.tar");
        let manifest = backup(&db.url, &dir, &["ancre", "absente"], &file)
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        stop.store(true, Ordering::Relaxed);
        let written = writer.await.unwrap();
        let in_backup = manifest.tables["organisme"];
        assert!(
            in_backup >= 20 && in_backup < i64::from(written) + 1,
            "{engine}: {in_backup}"
        );
        assert_eq!(manifest.moteur, engine);
        assert_eq!(
            manifest
                .fichiers
                .iter()
                .map(|m| m.nom.as_str())
                .collect::<Vec<_>>(),
            ["donnees/ancre"]
        );
        // A backup never overwrites another.
        let again = backup(&db.url, &dir, &[], &file).await.unwrap_err();
        assert!(
            matches!(&again, BackupError::Refused(m) if m.contains("existe déjà")),
            "{again}"
        );

        // Restored: the snapshot's row counts, the same rows, a chain that verifies.
        let target = EmptyDb::new(engine).await.unwrap();
        let target_dir = temp_dir(engine).join("donnees");
        let restored = restore(&target.url, &target_dir, &file).await.unwrap();
        assert_eq!(restored.tables, manifest.tables, "{engine}");
        assert_eq!(
            std::fs::read(target_dir.join("ancre")).unwrap(),
            b"tete 1\n"
        );
        let copy = Store::open(&target.url).await.unwrap();
        let report = copy.audit_verify().await.unwrap();
        assert!(report.first_broken.is_none(), "{engine}: {report:?}");
        assert!(report.checked > 0, "{engine}");
        let source_orgs = rows(&db.url, ORGANISMES).await;
        let copy_orgs = rows(&target.url, ORGANISMES).await;
        assert_eq!(copy_orgs.len() as i64, in_backup);
        assert!(
            copy_orgs.iter().all(|r| source_orgs.contains(r)),
            "{engine}: rows differ"
        );
        let source_sealed = rows(&db.url, SEALED).await;
        let copy_sealed = rows(&target.url, SEALED).await;
        assert_eq!(
            copy_sealed[..],
            source_sealed[..copy_sealed.len()],
            "{engine}: sealed audit entries differ"
        );

        // A non-empty database is refused, and so is a data directory holding the file.
        let err = restore(&db.url, &temp_dir(engine), &file)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, BackupError::Refused(m) if m.contains("la base cible n'est pas vide")),
            "{engine}: {err}"
        );
        let err = restore(&target.url, &target_dir, &file).await.unwrap_err();
        assert!(matches!(&err, BackupError::Refused(_)), "{engine}: {err}");
        assert_eq!(
            rows(&target.url, ORGANISMES).await,
            copy_orgs,
            "{engine}: a refused restore changed the target"
        );
        copy.close().await;
        target.cleanup().await;

        // Quiescent: a second backup restores to exactly the source.
        s.audit_seal(at(100_000)).await.unwrap();
        let file2 = dir.join("sauvegarde-2.tar");
        backup(&db.url, &dir, &[], &file2).await.unwrap();
        let target = EmptyDb::new(engine).await.unwrap();
        restore(&target.url, &temp_dir(engine), &file2)
            .await
            .unwrap();
        for sql in [
            ORGANISMES,
            SEALED,
            "SELECT id, nom, finess, version FROM etablissement ORDER BY id",
            "SELECT version, name FROM schema_migration ORDER BY version",
        ] {
            assert_eq!(
                rows(&target.url, sql).await,
                rows(&db.url, sql).await,
                "{engine}: {sql}"
            );
        }
        // The restored database takes new writes (identity sequences restored too).
        let copy = Store::open(&target.url).await.unwrap();
        copy.create_organisme(&admin(), &organisme("Après", &finess(76, 1)), at(200_000))
            .await
            .unwrap();
        copy.close().await;
        target.cleanup().await;
        let _ = std::fs::remove_dir_all(&dir);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_damaged_or_foreign_file_is_not_restored() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        seed_org(&db.store).await;
        let dir = temp_dir(engine);
        let file = dir.join("s.tar");
        backup(&db.url, &dir, &[], &file).await.unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        // Flip one byte of the database member (past the manifest's blocks).
        let at_byte = bytes.len() - 2048;
        bytes[at_byte] ^= 0xff;
        let damaged = dir.join("abimee.tar");
        std::fs::write(&damaged, &bytes).unwrap();
        let target = EmptyDb::new(engine).await.unwrap();
        let err = restore(&target.url, &dir, &damaged).await.unwrap_err();
        assert!(
            matches!(&err, BackupError::Invalid(m) if m.contains("altérée")),
            "{engine}: {err}"
        );
        let not_tar = dir.join("texte.tar");
        std::fs::write(&not_tar, b"pas une sauvegarde").unwrap();
        let err = restore(&target.url, &dir, &not_tar).await.unwrap_err();
        assert!(
            matches!(&err, BackupError::Invalid(m) if m.contains("n'est pas une sauvegarde")),
            "{engine}: {err}"
        );
        // A backup of the other engine is refused.
        let other = if engine == "sqlite" {
            "postgres"
        } else {
            "sqlite"
        };
        if engines().contains(&other) {
            let foreign = EmptyDb::new(other).await.unwrap();
            let err = restore(&foreign.url, &dir, &file).await.unwrap_err();
            assert!(
                matches!(&err, BackupError::Refused(m) if m.contains("elle se restaure dans une base")),
                "{engine}: {err}"
            );
            foreign.cleanup().await;
        }
        // And the target is still empty: the good file restores.
        restore(&target.url, &dir, &file).await.unwrap();
        target.cleanup().await;
        let _ = std::fs::remove_dir_all(&dir);
        db.cleanup().await;
    }
}

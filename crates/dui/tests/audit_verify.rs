//! `dui audit verify` checks the chain against its anchor outside the database: a tail
//! deleted with its checkpoints, or a missing anchor, fails in French with a non-zero exit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use dui_store::testing::{engines, TestDb};

fn dui(data_dir: &Path, url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dui"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("DUI_AUDIT_CLE")
        .env_remove("DUI_AUDIT_ANCRE")
        .env_remove("DUI_AUDIT_CLE_FICHIER")
        .env("DUI_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn verify_checks_the_anchor_outside_the_database() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let dir = std::env::temp_dir().join(format!(
            "dui-cli-ancre-{}-{}",
            std::process::id(),
            dui_store::session::random_token()
        ));
        let create = |name: &str| {
            dui(
                &dir,
                &db.url,
                &[
                    "admin",
                    "create-user",
                    "--username",
                    name,
                    "--role",
                    "cadre",
                    "--password-stdin",
                ],
                "Mot-de-passe-Test-2026\n",
            )
        };
        let out = create("claire");
        assert!(out.status.success(), "{engine}: {}", text(&out.stderr));
        let out = create("marc");
        assert!(out.status.success(), "{engine}: {}", text(&out.stderr));

        // The key is created once, readable by its owner only; each seal is anchored.
        let key = dir.join("audit-ancre.cle");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{engine}");
        }
        let anchor = dir.join("audit-ancre.log");
        assert_eq!(std::fs::read_to_string(&anchor).unwrap().lines().count(), 2);
        let out = dui(&dir, &db.url, &["audit", "verify"], "");
        assert!(out.status.success(), "{engine}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("Journal d'audit intact : 2 entrées vérifiées, conformes aux 2 lignes de l'ancre externe"),
            "{engine}: {}",
            text(&out.stdout)
        );

        // The last account's entry and its checkpoint deleted: the database alone looks
        // intact, the anchor says otherwise.
        db.exec("DELETE FROM audit WHERE seq = 2").await.unwrap();
        db.exec("DELETE FROM audit_checkpoint WHERE seq = 2")
            .await
            .unwrap();
        let out = dui(&dir, &db.url, &["audit", "verify"], "");
        assert_eq!(out.status.code(), Some(1), "{engine}");
        let err = text(&out.stderr);
        assert!(
            err.contains("Journal d'audit ALTÉRÉ : première entrée rompue n° 2")
                && err.contains("attestées par l'ancre externe, ont disparu"),
            "{engine}: {err}"
        );

        // The anchor removed while its key is there: reported, not skipped.
        std::fs::remove_file(&anchor).unwrap();
        let out = dui(&dir, &db.url, &["audit", "verify"], "");
        assert_eq!(out.status.code(), Some(1), "{engine}");
        assert!(text(&out.stderr).contains("a disparu alors que sa clé existe"));

        db.cleanup().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Crash test: the real `dui serve` is killed with SIGKILL in the middle of concurrent
//! creations, four times per engine, and restarted. Every creation that got its 201 must
//! still be there, and `dui audit verify` must pass. On the way, `dui backup` runs under that
//! load and its file is restored with `dui restore` into an empty database (audit chain
//! intact), then refused by the now non-empty one. SQLite always; PostgreSQL on fresh
//! databases when `DUI_TEST_POSTGRES_URL` is set. Bounded (a few seconds per engine).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dui_store::testing::{engines, EmptyDb};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

#[path = "../src/lettres.rs"]
mod lettres;
use lettres::letters;

const BIN: &str = env!("CARGO_BIN_EXE_dui");
const KILLS: usize = 4;
const CLIENTS: usize = 8;
const PASSWORD: &str = "Demo-DUI-2026!";
const FINESS_EHPAD: &str = "690000013";

/// Where the server keeps its data: a data directory, and a database URL for PostgreSQL.
struct Target {
    data_dir: PathBuf,
    url: Option<String>,
}

impl Target {
    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--data-dir").arg(&self.data_dir);
        if let Some(u) = &self.url {
            c.arg("--database-url").arg(u);
        }
        for var in [
            "DUI_DATABASE_URL",
            "DUI_DATA_DIR",
            "DUI_CONFIG",
            "DUI_BIND",
            "DUI_SYNCHRONISATION",
        ] {
            c.env_remove(var);
        }
        c.env("DUI_LOG", "error").kill_on_drop(true);
        c
    }
}

/// Starts `dui serve --demo` on a free port; returns it and its base URL once ready.
async fn start(target: &Target) -> (Child, String) {
    let mut child = target
        .command()
        .args(["serve", "--bind", "127.0.0.1:0", "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("dui serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.expect("stdout") {
            if let Some(rest) = line.strip_prefix("DUI prêt sur ") {
                return rest.split_whitespace().next().expect("address").to_string();
            }
        }
        panic!("le serveur s'est arrêté avant d'être prêt");
    })
    .await
    .expect("serveur prêt à temps");
    // Keep reading so that the pipe never fills.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, base)
}

async fn login(client: &reqwest::Client, base: &str) -> String {
    let r: serde_json::Value = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "direction", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    format!("Bearer {}", r["token"].as_str().expect("jeton"))
}

/// What the clients were told was written: (id, nom) for each 201.
type Acked = Arc<Mutex<Vec<(i64, String)>>>;

/// Creates usagers until the server stops answering.
async fn client_loop(
    client: reqwest::Client,
    base: String,
    auth: String,
    seq: Arc<AtomicU64>,
    acked: Acked,
    stop: Arc<AtomicBool>,
) {
    while !stop.load(Ordering::Relaxed) {
        let n = seq.fetch_add(1, Ordering::Relaxed);
        let nom = format!("CRASH{}", letters(n));
        let body = serde_json::json!({
            "nom_naissance": nom,
            "prenoms": ["Essai"],
            "date_naissance": format!("19{:02}-{:02}-{:02}", 20 + n % 79, 1 + n % 12, 1 + n % 28),
            "sexe": if n.is_multiple_of(2) { "F" } else { "M" },
            "etablissement": FINESS_EHPAD,
            "confirmer_doublon": true,
        });
        let sent = client
            .post(format!("{base}/api/v1/usagers"))
            .header("authorization", &auth)
            .json(&body)
            .send()
            .await;
        let Ok(r) = sent else { return };
        let status = r.status();
        if status.as_u16() == 201 {
            // The 201 is the acknowledgement; its body carries the id (unless the kill cut
            // it: the name is then looked up by search).
            let id = match r.json::<serde_json::Value>().await {
                Ok(v) => v["id"].as_i64().expect("id"),
                Err(_) => 0,
            };
            acked.lock().unwrap().push((id, nom));
        } else if status.is_server_error() {
            panic!("{status} à la création de {nom}");
        }
    }
}

/// One engine: three kills under load, then every acknowledged creation checked.
async fn crash_and_check(engine: &str, target: &Target, backup_file: &Path, copy: &Target) {
    let started = Instant::now();
    let client = reqwest::Client::new();
    let seq = Arc::new(AtomicU64::new(0));
    let acked: Acked = Arc::default();
    for kill in 0..KILLS {
        let (mut child, base) = start(target).await;
        let auth = login(&client, &base).await;
        let before = acked.lock().unwrap().len();
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                tokio::spawn(client_loop(
                    client.clone(),
                    base.clone(),
                    auth.clone(),
                    seq.clone(),
                    acked.clone(),
                    stop.clone(),
                ))
            })
            .collect();
        // Kill once writes are flowing, at a different moment each time.
        let deadline = Instant::now() + Duration::from_secs(10);
        while acked.lock().unwrap().len() < before + 40 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if kill == 1 {
            // An online backup, under the same load.
            let out = target
                .command()
                .args(["backup", "--output"])
                .arg(backup_file)
                .output()
                .await
                .expect("dui backup");
            assert!(out.status.success(), "{engine}: dui backup : {out:?}");
        }
        tokio::time::sleep(Duration::from_millis(37 + 90 * kill as u64)).await;
        child.start_kill().expect("SIGKILL");
        child.wait().await.expect("fin du serveur");
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.await.expect("client");
        }
        let during = acked.lock().unwrap().len() - before;
        assert!(
            during >= 40,
            "{engine}: {during} créations confirmées avant l'arrêt n° {kill}"
        );
    }

    // Restarted once more: every acknowledged creation is there, as written.
    let (mut child, base) = start(target).await;
    let auth = login(&client, &base).await;
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    let chunks: Vec<Vec<(i64, String)>> = acked
        .chunks(acked.len().div_ceil(CLIENTS).max(1))
        .map(<[_]>::to_vec)
        .collect();
    let mut checks = tokio::task::JoinSet::new();
    for chunk in chunks {
        let (client, base, auth) = (client.clone(), base.clone(), auth.clone());
        checks.spawn(async move {
            let mut lost = Vec::new();
            for (id, nom) in chunk {
                let found = if id == 0 {
                    let r = client
                        .get(format!("{base}/api/v1/usagers"))
                        .query(&[("q", nom.as_str())])
                        .header("authorization", &auth)
                        .send()
                        .await
                        .unwrap();
                    let v: serde_json::Value = r.json().await.unwrap();
                    v["items"].as_array().is_some_and(|items| {
                        items
                            .iter()
                            .any(|u| u["nom_naissance"].as_str() == Some(nom.as_str()))
                    })
                } else {
                    let r = client
                        .get(format!("{base}/api/v1/usagers/{id}"))
                        .header("authorization", &auth)
                        .send()
                        .await
                        .unwrap();
                    r.status().as_u16() == 200
                        && r.json::<serde_json::Value>().await.unwrap()["nom_naissance"].as_str()
                            == Some(nom.as_str())
                };
                if !found {
                    lost.push((id, nom));
                }
            }
            lost
        });
    }
    let mut lost = Vec::new();
    while let Some(l) = checks.join_next().await {
        lost.extend(l.expect("vérification"));
    }
    child.start_kill().expect("SIGKILL");
    child.wait().await.expect("fin du serveur");
    assert!(
        lost.is_empty(),
        "{engine}: {} créations confirmées perdues sur {} : {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(10)]
    );

    let out = target
        .command()
        .args(["audit", "verify"])
        .output()
        .await
        .expect("dui audit verify");
    assert!(
        out.status.success(),
        "{engine}: dui audit verify : {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    restore_and_check(engine, backup_file, copy).await;
    eprintln!(
        "{engine}: {KILLS} arrêts brutaux, {} créations confirmées toutes retrouvées, journal \
         d'audit intact ({:.1} s)",
        acked.len(),
        started.elapsed().as_secs_f64()
    );
}

/// `dui restore` of the backup taken under load into the empty `copy`: content checked
/// against the snapshot and audit chain intact; a second restore is refused.
async fn restore_and_check(engine: &str, backup_file: &Path, copy: &Target) {
    let restore = || async {
        copy.command()
            .args(["restore", "--input"])
            .arg(backup_file)
            .output()
            .await
            .expect("dui restore")
    };
    let out = restore().await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && stdout.contains("identiques à l'instantané")
            && stdout.contains("restaurée intact"),
        "{engine}: dui restore : {out:?}"
    );
    let out = copy
        .command()
        .args(["audit", "verify"])
        .output()
        .await
        .expect("dui audit verify");
    assert!(out.status.success(), "{engine}: copie : {out:?}");
    let out = restore().await;
    assert!(
        !out.status.success()
            && String::from_utf8_lossy(&out.stderr).contains("la base cible n'est pas vide"),
        "{engine}: seconde restauration : {out:?}"
    );
}

fn temp_dir(engine: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dui-crash-{engine}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_and_the_audit_chain_verifies() {
    for engine in engines() {
        let dir = temp_dir(engine);
        let backup_file = dir.join("sauvegarde.tar");
        let (source_db, copy_db) = if engine == "postgres" {
            (
                Some(EmptyDb::new(engine).await.unwrap()),
                Some(EmptyDb::new(engine).await.unwrap()),
            )
        } else {
            (None, None)
        };
        let target = Target {
            data_dir: dir.join("source"),
            url: source_db.as_ref().map(|d| d.url.clone()),
        };
        let copy = Target {
            data_dir: dir.join("copie"),
            url: copy_db.as_ref().map(|d| d.url.clone()),
        };
        crash_and_check(engine, &target, &backup_file, &copy).await;
        for db in [source_db, copy_db].into_iter().flatten() {
            db.cleanup().await;
        }
        remove(&dir);
    }
}

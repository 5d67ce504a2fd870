//! Online backup and restore (`dui backup`, `dui restore`), on both engines, while the
//! server runs (docs/decisions/0014-durability-backup-restore.md).
//!
//! A backup is one tar file: `manifeste.json` (engine, schema version, row count of every
//! table in the snapshot, size and SHA-256 of every other member), then the database
//! (`base.sqlite`: a copy made with SQLite's online backup API; `base.pgdump`: `pg_dump`'s
//! custom format), then the files of the data directory listed in [`DATA_FILES`], under
//! `donnees/`. Those files are read *before* the database snapshot is taken, so that what
//! they record about the database (an anchor of the audit chain) never runs ahead of it.
//!
//! A restore goes only into an empty database (no table), checks every member against the
//! manifest and the restored row counts against those of the snapshot.

mod postgres;
mod sqlite;
mod tar;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Name of the format in the manifest.
pub const FORMAT: &str = "dui-sauvegarde";
/// Version of the format.
pub const VERSION: u32 = 1;
/// Files of the data directory that a backup carries beside the database (names relative to
/// the data directory), when they exist. Secrets and anchors kept outside the database
/// belong here: the audit chain's anchor file and its key, at their default places (an
/// anchor or key configured elsewhere is saved by the operator with that place).
pub const DATA_FILES: &[&str] = &["audit-ancre.log", "audit-ancre.cle"];

const MANIFEST: &str = "manifeste.json";
const DATA_PREFIX: &str = "donnees/";

/// What can go wrong; every message is French, for the operator.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The operation is refused (non-empty target, existing output…).
    #[error("{0}")]
    Refused(String),
    /// The backup file is not a valid backup, or the restored copy differs from it.
    #[error("{0}")]
    Invalid(String),
    /// A file could not be read or written.
    #[error("fichier : {0}")]
    Io(String),
    /// The database refused an operation.
    #[error("base de données : {0}")]
    Database(String),
    /// `pg_dump` or `pg_restore` is missing or failed.
    #[error("{0}")]
    Tool(String),
}

fn io_err(what: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |e| BackupError::Io(format!("{} : {e}", what.display()))
}

/// One member of the archive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Name in the archive.
    pub nom: String,
    /// Size in bytes.
    pub octets: u64,
    /// SHA-256 of the content, in hex.
    pub sha256: String,
}

/// The description of a backup, its first member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the writer.
    pub version: u32,
    /// When the snapshot was taken (UTC).
    pub cree_le: String,
    /// Version of the software that wrote it.
    pub logiciel: String,
    /// `sqlite` or `postgres`.
    pub moteur: String,
    /// Last migration applied to the saved database.
    pub schema: i64,
    /// Rows of every table, in the snapshot.
    pub tables: BTreeMap<String, i64>,
    /// The database member.
    pub base: Member,
    /// The files of the data directory carried (under `donnees/`).
    pub fichiers: Vec<Member>,
}

/// The engine a URL designates.
fn engine_of(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    }
}

/// The file of a SQLite URL.
fn sqlite_path(url: &str) -> Result<PathBuf, BackupError> {
    use std::str::FromStr;
    sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map(|o| o.get_filename().to_path_buf())
        .map_err(|e| BackupError::Database(format!("adresse SQLite invalide : {e}")))
}

/// A path beside `path` with a suffix added to its name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// SHA-256 and size of a file.
fn digest_file(path: &Path) -> Result<(String, u64), BackupError> {
    let mut hasher = HashingWriter::new(std::io::sink());
    let mut f = File::open(path).map_err(io_err(path))?;
    std::io::copy(&mut f, &mut hasher).map_err(io_err(path))?;
    Ok(hasher.finish())
}

/// Writes through, hashing and counting what passes.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    len: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }
    fn finish(self) -> (String, u64) {
        (hex::encode(self.hasher.finalize()), self.len)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Takes a consistent snapshot of the database at `url` (the server may be running and
/// writing) with the `files` of `data_dir` that exist ([`DATA_FILES`] for `dui backup`),
/// into the new file `output`. Returns its manifest.
pub async fn backup(
    url: &str,
    data_dir: &Path,
    files: &[&str],
    output: &Path,
) -> Result<Manifest, BackupError> {
    if output.exists() {
        return Err(BackupError::Refused(format!(
            "le fichier {} existe déjà : choisissez un autre nom (une sauvegarde n'en écrase \
             jamais une autre)",
            output.display()
        )));
    }
    // Before the snapshot: what these files say about the database is then already in it.
    let mut carried = Vec::new();
    for name in files {
        let path = data_dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => carried.push((name.to_string(), bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
    let cree_le = crate::ts(chrono::Utc::now());
    let engine = engine_of(url);
    let base_tmp = beside(output, ".base.partiel");
    let result = async {
        let (tables, schema, base_name) = match engine {
            "postgres" => {
                let (tables, schema) = postgres::snapshot(url, &base_tmp).await?;
                (tables, schema, "base.pgdump")
            }
            _ => {
                let source = sqlite_path(url)?;
                let dest = base_tmp.clone();
                let (tables, schema) =
                    tokio::task::spawn_blocking(move || sqlite::snapshot(&source, &dest))
                        .await
                        .map_err(|e| BackupError::Database(e.to_string()))??;
                (tables, schema, "base.sqlite")
            }
        };
        let (sha256, octets) = digest_file(&base_tmp)?;
        let fichiers = carried
            .iter()
            .map(|(name, bytes)| Member {
                nom: format!("{DATA_PREFIX}{name}"),
                octets: bytes.len() as u64,
                sha256: hex::encode(Sha256::digest(bytes)),
            })
            .collect();
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            cree_le,
            logiciel: format!("dui {}", env!("CARGO_PKG_VERSION")),
            moteur: engine.into(),
            schema,
            tables,
            base: Member {
                nom: base_name.into(),
                octets,
                sha256,
            },
            fichiers,
        };
        write_archive(&manifest, &base_tmp, &carried, output)?;
        Ok(manifest)
    }
    .await;
    let _ = std::fs::remove_file(&base_tmp);
    result
}

fn write_archive(
    manifest: &Manifest,
    base: &Path,
    carried: &[(String, Vec<u8>)],
    output: &Path,
) -> Result<(), BackupError> {
    let partial = beside(output, ".partiel");
    let err = io_err(&partial);
    let json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| BackupError::Invalid(format!("manifeste : {e}")))?;
    let file = File::create(&partial).map_err(&err)?;
    let mut out = BufWriter::new(file);
    let written = (|| {
        tar::append(&mut out, MANIFEST, json.len() as u64, &mut &json[..])?;
        let mut db = BufReader::new(File::open(base)?);
        tar::append(&mut out, &manifest.base.nom, manifest.base.octets, &mut db)?;
        for (name, bytes) in carried {
            let member = format!("{DATA_PREFIX}{name}");
            tar::append(&mut out, &member, bytes.len() as u64, &mut &bytes[..])?;
        }
        tar::finish(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(err(e));
    }
    std::fs::rename(&partial, output).map_err(io_err(output))
}

/// What a restore did.
#[derive(Clone, Debug)]
pub struct Restored {
    /// The manifest of the backup.
    pub manifest: Manifest,
    /// Rows of every table after the restore (equal to the manifest's).
    pub tables: BTreeMap<String, i64>,
}

/// Restores the backup `input` into the empty database at `url` (and its carried files into
/// `data_dir`). Refuses a database that has any table, and data files already there.
pub async fn restore(url: &str, data_dir: &Path, input: &Path) -> Result<Restored, BackupError> {
    let file = File::open(input).map_err(io_err(input))?;
    let mut archive = tar::Reader::new(BufReader::new(file));
    let manifest = read_manifest(&mut archive, input)?;
    let engine = engine_of(url);
    if manifest.moteur != engine {
        let label = |e: &str| {
            if e == "postgres" {
                "PostgreSQL"
            } else {
                "SQLite"
            }
        };
        return Err(BackupError::Refused(format!(
            "cette sauvegarde vient d'une base {} : elle se restaure dans une base {} (la base \
             cible est {})",
            label(&manifest.moteur),
            label(&manifest.moteur),
            label(engine)
        )));
    }
    let known = crate::migrate::MIGRATIONS
        .last()
        .map(|m| m.0)
        .unwrap_or_default();
    if manifest.schema > known {
        return Err(BackupError::Refused(format!(
            "cette sauvegarde vient d'une version plus récente du logiciel ({}, schéma {}) : \
             restaurez-la avec cette version ou une plus récente",
            manifest.logiciel, manifest.schema
        )));
    }
    let existing = match engine {
        "postgres" => postgres::existing_tables(url).await?,
        _ => sqlite::existing_tables(&sqlite_path(url)?)?,
    };
    if !existing.is_empty() {
        return Err(BackupError::Refused(format!(
            "la base cible n'est pas vide ({} tables, dont « {} ») : une restauration se fait \
             dans une base vide, pour ne rien écraser ; créez une base neuve (PostgreSQL : \
             CREATE DATABASE) ou choisissez un répertoire de données vide",
            existing.len(),
            existing[0]
        )));
    }
    for m in &manifest.fichiers {
        let path = data_dir.join(m.nom.trim_start_matches(DATA_PREFIX));
        if path.exists() {
            return Err(BackupError::Refused(format!(
                "le répertoire de données contient déjà {} : restaurez dans un répertoire vide",
                path.display()
            )));
        }
    }
    std::fs::create_dir_all(data_dir).map_err(io_err(data_dir))?;
    let base_tmp = match engine {
        "postgres" => data_dir.join(format!("restauration-{}.pgdump", std::process::id())),
        _ => beside(&sqlite_path(url)?, ".restauration"),
    };
    let result = async {
        let carried = extract(&mut archive, &manifest, &base_tmp)?;
        let tables = match engine {
            "postgres" => postgres::restore(url, &base_tmp).await?,
            _ => {
                let (restored, path) = (base_tmp.clone(), sqlite_path(url)?);
                tokio::task::spawn_blocking(move || sqlite::put_in_place(&restored, &path))
                    .await
                    .map_err(|e| BackupError::Database(e.to_string()))??
            }
        };
        if tables != manifest.tables {
            return Err(BackupError::Invalid(format!(
                "la base restaurée diffère de la sauvegarde : {}",
                differences(&manifest.tables, &tables)
            )));
        }
        for (name, bytes) in carried {
            write_private(&data_dir.join(name), &bytes)?;
        }
        Ok(tables)
    }
    .await;
    let _ = std::fs::remove_file(&base_tmp);
    Ok(Restored {
        tables: result?,
        manifest,
    })
}

fn read_manifest<R: Read>(
    archive: &mut tar::Reader<R>,
    input: &Path,
) -> Result<Manifest, BackupError> {
    let not_a_backup = |why: String| {
        BackupError::Invalid(format!(
            "{} n'est pas une sauvegarde de DUI lisible : {why}",
            input.display()
        ))
    };
    let (name, size) = archive
        .next_entry()
        .map_err(|e| not_a_backup(e.to_string()))?
        .ok_or_else(|| not_a_backup("archive vide".into()))?;
    if name != MANIFEST || size > 16 << 20 {
        return Err(not_a_backup(format!(
            "{MANIFEST} attendu en tête, trouvé {name}"
        )));
    }
    let mut json = Vec::new();
    archive
        .content(size, &mut json)
        .map_err(|e| not_a_backup(e.to_string()))?;
    let manifest: Manifest =
        serde_json::from_slice(&json).map_err(|e| not_a_backup(e.to_string()))?;
    if manifest.format != FORMAT || manifest.version > VERSION {
        return Err(not_a_backup(format!(
            "format {} version {} inconnu",
            manifest.format, manifest.version
        )));
    }
    Ok(manifest)
}

/// Extracts the database into `base` and returns the carried files, each checked against
/// the manifest.
fn extract<R: Read>(
    archive: &mut tar::Reader<R>,
    manifest: &Manifest,
    base: &Path,
) -> Result<Vec<(String, Vec<u8>)>, BackupError> {
    let bad = |m: String| BackupError::Invalid(format!("sauvegarde altérée : {m}"));
    let mut carried = Vec::new();
    let mut base_seen = false;
    while let Some((name, size)) = archive.next_entry().map_err(|e| bad(e.to_string()))? {
        let (digest, len) = if name == manifest.base.nom {
            let file = File::create(base).map_err(io_err(base))?;
            let mut w = HashingWriter::new(BufWriter::new(file));
            archive
                .content(size, &mut w)
                .map_err(|e| bad(e.to_string()))?;
            w.flush().map_err(io_err(base))?;
            base_seen = true;
            w.finish()
        } else if let Some(m) = manifest.fichiers.iter().find(|m| m.nom == name) {
            let mut bytes = Vec::new();
            archive
                .content(size, &mut bytes)
                .map_err(|e| bad(e.to_string()))?;
            let digest = (hex::encode(Sha256::digest(&bytes)), bytes.len() as u64);
            let relative = m.nom.trim_start_matches(DATA_PREFIX);
            if relative.contains("..") || relative.starts_with('/') {
                return Err(bad(format!("nom de fichier refusé : {}", m.nom)));
            }
            carried.push((relative.to_string(), bytes));
            digest
        } else {
            return Err(bad(format!("membre inattendu {name}")));
        };
        let expected = if name == manifest.base.nom {
            &manifest.base
        } else {
            manifest
                .fichiers
                .iter()
                .find(|m| m.nom == name)
                .ok_or_else(|| bad(format!("membre inattendu {name}")))?
        };
        if (digest, len) != (expected.sha256.clone(), expected.octets) {
            return Err(bad(format!("{name} ne correspond pas à son empreinte")));
        }
    }
    if !base_seen || carried.len() != manifest.fichiers.len() {
        return Err(bad("archive incomplète".into()));
    }
    Ok(carried)
}

/// Writes a carried file readable by its owner only, durably.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).map_err(io_err(path))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(io_err(path))
}

fn differences(expected: &BTreeMap<String, i64>, got: &BTreeMap<String, i64>) -> String {
    let mut names: Vec<&String> = expected.keys().chain(got.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| expected.get(*n) != got.get(*n))
        .map(|n| {
            format!(
                "{n} : {} lignes attendues, {} restaurées",
                expected.get(n).copied().unwrap_or(0),
                got.get(n).copied().unwrap_or(0)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

//! The head of the chain anchored outside the database (decision 0003).
//!
//! Someone who can write to the database could otherwise rebuild a consistent chain and its
//! checkpoints. Each time the sealer extends the chain (at most every [`INTERVALLE`], and at
//! shutdown), it appends the head `(seq, id, time, hash)` to a file outside the database,
//! each line signed with HMAC-SHA256 under a key kept outside the database too. `dui audit
//! verify` then checks that every anchored position still holds the anchored entry: a tail
//! rewritten, re-sealed or deleted with its checkpoints no longer matches.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Default minimum time between two anchor lines of one process (the first seal of a process
/// and the final seal at shutdown are always anchored).
pub const INTERVALLE: Duration = Duration::from_secs(2);

/// Version tag of the line format.
const VERSION: &str = "v1";

/// One anchored head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LigneAncre {
    /// Position in the chain.
    pub seq: i64,
    /// Row id of the entry at that position.
    pub id: i64,
    /// Its time, as stored.
    pub at: String,
    /// Its hash.
    pub hash: String,
}

/// The anchor file and its key.
pub struct Ancre {
    path: PathBuf,
    key: Vec<u8>,
    intervalle: Duration,
    etat: Mutex<Etat>,
}

#[derive(Default)]
pub(crate) struct Etat {
    /// The last line this process knows of (read at opening, then written).
    pub(crate) last: Option<LigneAncre>,
    pub(crate) written_at: Option<Instant>,
    /// The head was compared with the anchor once by this process.
    pub(crate) initialise: bool,
    /// Entries were sealed since the last line.
    pub(crate) en_attente: bool,
    /// A gap between the database and the anchor was already reported by this process.
    pub(crate) ecart_signale: bool,
}

impl std::fmt::Debug for Ancre {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ancre").field("path", &self.path).finish()
    }
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
    for i in 0..64 {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// Reads the key file, or creates it (32 random bytes, hex, mode 0600) when absent.
pub fn cle_depuis_fichier(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = text.trim().as_bytes().to_vec();
            if key.len() < 32 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("clé de l'ancre trop courte dans {}", path.display()),
                ));
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut b = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut b);
            let text = hex::encode(b);
            let mut f = open_options_0600()
                .create_new(true)
                .write(true)
                .open(path)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            Ok(text.into_bytes())
        }
        Err(e) => Err(e),
    }
}

fn open_options_0600() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

/// Drops a last line left without its newline by a crash during its write (it was never
/// complete, so it anchored nothing), so that the next line starts on a line of its own.
fn repair_torn_tail(f: &std::fs::File, path: &Path) -> std::io::Result<()> {
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let mut reader = f;
    let start = len.saturating_sub(4096);
    reader.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    reader.read_to_end(&mut tail)?;
    if tail.last() == Some(&b'\n') {
        return Ok(());
    }
    let keep = match tail.iter().rposition(|b| *b == b'\n') {
        Some(i) => start + i as u64 + 1,
        None if start == 0 => 0,
        // A torn line longer than the tail read: not ours, leave it for verification.
        None => return Ok(()),
    };
    tracing::warn!(chemin = %path.display(), octets = len - keep, "ligne incomplète en fin d'ancre du journal d'audit (arrêt brutal pendant son écriture) : retirée");
    f.set_len(keep)?;
    f.sync_all()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Ancre {
    /// Opens (creating it, mode 0600, when absent) the anchor file at `path`, signed with
    /// `key`; reads its last line.
    pub fn ouvrir(path: &Path, key: Vec<u8>) -> std::io::Result<Ancre> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let f = open_options_0600()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        repair_torn_tail(&f, path)?;
        let a = Ancre {
            path: path.to_path_buf(),
            key,
            intervalle: INTERVALLE,
            etat: Mutex::new(Etat::default()),
        };
        let last = a.derniere_ligne()?;
        a.with_etat(|e| e.last = last);
        Ok(a)
    }

    /// Opens an existing anchor file for verification only (nothing is created).
    pub fn existante(path: &Path, key: Vec<u8>) -> std::io::Result<Ancre> {
        std::fs::metadata(path)?;
        Ok(Ancre {
            path: path.to_path_buf(),
            key,
            intervalle: INTERVALLE,
            etat: Mutex::new(Etat::default()),
        })
    }

    /// Sets the minimum time between two lines (tests anchor every seal).
    pub fn avec_intervalle(mut self, intervalle: Duration) -> Ancre {
        self.intervalle = intervalle;
        self
    }

    /// Where the lines go.
    pub fn chemin(&self) -> &Path {
        &self.path
    }

    pub(crate) fn with_etat<T>(&self, f: impl FnOnce(&mut Etat) -> T) -> T {
        match self.etat.lock() {
            Ok(mut g) => f(&mut g),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The last line known to this process.
    pub fn derniere(&self) -> Option<LigneAncre> {
        self.with_etat(|e| e.last.clone())
    }

    /// Whether a line is due: forced (shutdown), the first seal of the process, or entries
    /// sealed since the last line and the interval elapsed.
    pub(crate) fn du(&self, force: bool) -> bool {
        self.with_etat(|e| {
            force
                || !e.initialise
                || (e.en_attente && e.written_at.is_none_or(|t| t.elapsed() >= self.intervalle))
        })
    }

    fn mac(&self, body: &str) -> String {
        hex::encode(hmac_sha256(&self.key, body.as_bytes()))
    }

    /// Appends `l` (signed, synced to disk).
    pub fn ajouter(&self, l: &LigneAncre, now: DateTime<Utc>) -> std::io::Result<()> {
        let body = format!(
            "{VERSION} {} {} {} {} {}",
            l.seq,
            l.id,
            l.at,
            l.hash,
            crate::ts(now)
        );
        let line = format!("{body} {}\n", self.mac(&body));
        let mut f = open_options_0600().append(true).open(&self.path)?;
        // One write of a short line in append mode: lines of several processes never mix.
        f.write_all(line.as_bytes())?;
        f.sync_data()?;
        self.with_etat(|e| {
            e.last = Some(l.clone());
            e.written_at = Some(Instant::now());
        });
        Ok(())
    }

    /// Parses and checks one line; `Err` says why, in French.
    fn lire_ligne(&self, line: &str) -> Result<LigneAncre, String> {
        let (body, mac) = line
            .rsplit_once(' ')
            .ok_or_else(|| "ligne illisible".to_string())?;
        if !constant_time_eq(self.mac(body).as_bytes(), mac.as_bytes()) {
            return Err("signature invalide (ligne falsifiée ou autre clé)".into());
        }
        let f: Vec<&str> = body.split(' ').collect();
        match f.as_slice() {
            [VERSION, seq, id, at, hash, _horodatage] => Ok(LigneAncre {
                seq: seq.parse().map_err(|_| "position illisible".to_string())?,
                id: id
                    .parse()
                    .map_err(|_| "numéro de ligne illisible".to_string())?,
                at: (*at).to_string(),
                hash: (*hash).to_string(),
            }),
            _ => Err("format de ligne inconnu".into()),
        }
    }

    /// Every line, checked: `Err((line number, reason))` at the first bad one.
    pub fn lignes(&self) -> Result<Vec<LigneAncre>, (usize, String)> {
        let text = std::fs::read_to_string(&self.path).map_err(|e| {
            (
                0,
                format!("ancre illisible ({}) : {e}", self.path.display()),
            )
        })?;
        // A last line without its newline is being written by a running server: not yet.
        let complete = match text.rfind('\n') {
            Some(i) => &text[..=i],
            None => "",
        };
        complete
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| self.lire_ligne(l).map_err(|r| (i + 1, r)))
            .collect()
    }

    /// The last line of the file (read from its end), if any and valid.
    fn derniere_ligne(&self) -> std::io::Result<Option<LigneAncre>> {
        let mut f = std::fs::File::open(&self.path)?;
        let len = f.metadata()?.len();
        let start = len.saturating_sub(4096);
        f.seek(SeekFrom::Start(start))?;
        let mut tail = String::new();
        f.read_to_string(&mut tail)?;
        let Some(line) = tail.lines().rev().find(|l| !l.trim().is_empty()) else {
            return Ok(None);
        };
        match self.lire_ligne(line) {
            Ok(l) => Ok(Some(l)),
            Err(reason) => {
                tracing::error!(chemin = %self.path.display(), %reason, "dernière ligne de l'ancre du journal d'audit invalide");
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_torn_by_a_crash_is_dropped_and_an_unfinished_one_ignored() {
        let path = std::env::temp_dir().join(format!(
            "dui-ancre-unit-{}-{}.log",
            std::process::id(),
            crate::session::random_token()
        ));
        let key = b"cle-de-test-de-l-ancre-du-journal-d-audit".to_vec();
        let a = Ancre::ouvrir(&path, key.clone()).unwrap();
        let l = LigneAncre {
            seq: 7,
            id: 9,
            at: "2026-03-02T09:06:00.000000Z".into(),
            hash: "ab".repeat(32),
        };
        a.ajouter(&l, Utc::now()).unwrap();
        // A write in progress (or torn by a crash): not a line yet.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"v1 8 10 2026-03-02T09:0").unwrap();
        assert_eq!(a.lignes().unwrap(), std::slice::from_ref(&l));
        // Reopened after the crash: the torn line is gone, the next one starts cleanly.
        let b = Ancre::ouvrir(&path, key).unwrap();
        assert_eq!(b.derniere(), Some(l.clone()));
        let l2 = LigneAncre {
            seq: 8,
            ..l.clone()
        };
        b.ajouter(&l2, Utc::now()).unwrap();
        assert_eq!(b.lignes().unwrap(), [l, l2]);
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let key = [0xaau8; 131];
        assert_eq!(
            hex::encode(hmac_sha256(
                &key,
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}

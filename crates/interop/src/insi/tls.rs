//! Mutual TLS material: the structure certificate (IGC-Santé « ORG
//! AUTH_CLI », CN `INSI-MANU` or `INSI-AUTO`), delivered as a PKCS#12 file
//! with its passphrase or as PEM, and the CA bundle the server is checked
//! against (the IGC-Santé roots are in no default trust store).

use std::path::{Path, PathBuf};

use base64::Engine;
use p12_keystore::{KeyStore, Pkcs12ImportPolicy};

use super::client::InsiConfigError;

/// The client certificate of the structure and its private key.
#[derive(Clone)]
pub enum CertificatClient {
    /// A PEM file holding the certificate (and its chain) and the private key.
    Pem(PathBuf),
    /// A PKCS#12 file (`.p12`, as the ANS delivers it) and its passphrase.
    Pkcs12 {
        /// The file.
        chemin: PathBuf,
        /// Its passphrase.
        mot_de_passe: String,
    },
}

impl std::fmt::Debug for CertificatClient {
    // The passphrase never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertificatClient::Pem(p) => f.debug_tuple("Pem").field(p).finish(),
            CertificatClient::Pkcs12 { chemin, .. } => f
                .debug_struct("Pkcs12")
                .field("chemin", chemin)
                .field("mot_de_passe", &"***")
                .finish(),
        }
    }
}

impl CertificatClient {
    /// The certificate of a configured file: PKCS#12 when its name ends in
    /// `.p12` or `.pfx` (the passphrase is then required), PEM otherwise.
    pub fn depuis_fichier(
        chemin: PathBuf,
        mot_de_passe: Option<String>,
    ) -> Result<Self, InsiConfigError> {
        let ext = chemin
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match (ext.as_deref(), mot_de_passe) {
            (Some("p12" | "pfx"), Some(mot_de_passe)) => Ok(CertificatClient::Pkcs12 {
                chemin,
                mot_de_passe,
            }),
            (Some("p12" | "pfx"), None) => {
                Err(InsiConfigError::MotDePasseManquant { path: chemin })
            }
            _ => Ok(CertificatClient::Pem(chemin)),
        }
    }

    fn chemin(&self) -> &Path {
        match self {
            CertificatClient::Pem(p) => p,
            CertificatClient::Pkcs12 { chemin, .. } => chemin,
        }
    }

    /// The identity presented in the TLS handshake.
    pub(crate) fn identite(&self) -> Result<reqwest::Identity, InsiConfigError> {
        let path = self.chemin().to_path_buf();
        let bytes = std::fs::read(&path).map_err(|source| InsiConfigError::CertificateRead {
            path: path.clone(),
            source,
        })?;
        let pem = match self {
            CertificatClient::Pem(_) => bytes,
            CertificatClient::Pkcs12 { mot_de_passe, .. } => pkcs12_vers_pem(&bytes, mot_de_passe)
                .map_err(|motif| {
                    tracing::warn!(path = %path.display(), %motif, "unreadable INSi PKCS#12");
                    InsiConfigError::Pkcs12 {
                        path: path.clone(),
                        motif,
                    }
                })?,
        };
        reqwest::Identity::from_pem(&pem).map_err(|e| {
            tracing::warn!(error = %e, path = %path.display(), "invalid INSi client certificate");
            InsiConfigError::Certificate { path }
        })
    }
}

fn pem_block(out: &mut String, label: &str, der: &[u8]) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    out.push_str(&format!("-----BEGIN {label}-----\n"));
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
}

/// The certificate chain and the private key of a PKCS#12 file, as PEM.
fn pkcs12_vers_pem(bytes: &[u8], mot_de_passe: &str) -> Result<Vec<u8>, String> {
    let store = KeyStore::from_pkcs12(bytes, mot_de_passe, Pkcs12ImportPolicy::Relaxed)
        .map_err(|e| e.to_string())?;
    let (_, chain) = store
        .private_key_chain()
        .ok_or_else(|| "aucune clé privée dans le fichier".to_owned())?;
    if chain.certs().is_empty() {
        return Err("aucun certificat associé à la clé privée".to_owned());
    }
    let mut pem = String::new();
    for cert in chain.certs() {
        pem_block(&mut pem, "CERTIFICATE", cert.as_der());
    }
    pem_block(&mut pem, "PRIVATE KEY", chain.key().as_der());
    Ok(pem.into_bytes())
}

/// The CA certificates of a PEM bundle (the IGC-Santé roots and
/// intermediates).
pub(crate) fn autorites(path: &Path) -> Result<Vec<reqwest::Certificate>, InsiConfigError> {
    let bytes = std::fs::read(path).map_err(|source| InsiConfigError::CertificateRead {
        path: path.to_path_buf(),
        source,
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&bytes).unwrap_or_default();
    if certs.is_empty() {
        return Err(InsiConfigError::Autorites {
            path: path.to_path_buf(),
        });
    }
    Ok(certs)
}

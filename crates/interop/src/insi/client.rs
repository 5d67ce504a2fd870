//! HTTP(S) client of the INSi teleservice.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;

use super::soap::{self, ContexteLps, OutgoingRequest};
use super::tls::{self, CertificatClient};
use super::{BoxFuture, Insi, InsiError, InsiOutcome, TraitsQuery};

/// Largest answer accepted (INSi answers are a few kilobytes).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Qualification endpoint for a structure certificate (mutual TLS), as the
/// WSDL 1.5.0 gives it. The host without `-tlsm` is for CPx cards.
pub const ENDPOINT_QUALIFICATION: &str = "https://qualiflps-services-ps-tlsm.ameli.fr/lps";

/// Configuration of [`HttpInsiClient`].
#[derive(Debug, Clone)]
pub struct InsiConfig {
    /// Endpoint URL ([`ENDPOINT_QUALIFICATION`] for the qualification).
    pub endpoint: String,
    /// Total timeout of one call (connection, request and answer).
    pub timeout: Duration,
    /// The structure certificate for mutual TLS. `None`: no client
    /// certificate (simulator).
    pub certificat: Option<CertificatClient>,
    /// PEM bundle of the certification authorities the server must chain to
    /// (IGC-Santé). When set, only these are trusted; `None`: the default
    /// web roots (simulator, tests).
    pub autorites: Option<PathBuf>,
    /// Software identity sent in the `ContexteLPS` and `ContexteBAM` headers.
    pub contexte: ContexteLps,
}

impl InsiConfig {
    /// A configuration with a 30 s timeout, no client certificate and the
    /// default (placeholder) software identity.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            timeout: Duration::from_secs(30),
            certificat: None,
            autorites: None,
            contexte: ContexteLps::default(),
        }
    }
}

/// Failure to build an [`HttpInsiClient`].
#[derive(Debug, thiserror::Error)]
pub enum InsiConfigError {
    /// The certificate file could not be read.
    #[error("Impossible de lire le certificat INSi « {path} » : {source}")]
    CertificateRead {
        /// Configured path.
        path: PathBuf,
        /// I/O error.
        source: std::io::Error,
    },
    /// The PEM does not hold a usable certificate and private key.
    #[error("Le certificat INSi « {path} » est invalide (certificat et clé privée attendus)")]
    Certificate {
        /// Configured path.
        path: PathBuf,
    },
    /// The PKCS#12 file could not be opened.
    #[error("Le certificat INSi « {path} » (PKCS#12) ne peut pas être ouvert : {motif}. Vérifiez le mot de passe.")]
    Pkcs12 {
        /// Configured path.
        path: PathBuf,
        /// Why.
        motif: String,
    },
    /// A PKCS#12 file without its passphrase.
    #[error("Le certificat INSi « {path} » est un fichier PKCS#12 : indiquez son mot de passe (certificat_mot_de_passe ou DUI_INSI_CERTIFICAT_MOT_DE_PASSE).")]
    MotDePasseManquant {
        /// Configured path.
        path: PathBuf,
    },
    /// The CA bundle holds no certificate.
    #[error("Le fichier des autorités de certification INSi « {path} » ne contient aucun certificat PEM.")]
    Autorites {
        /// Configured path.
        path: PathBuf,
    },
    /// The HTTP client could not be initialised.
    #[error("Impossible d'initialiser le client HTTP du téléservice INSi : {0}")]
    Http(String),
}

/// INSi client speaking SOAP 1.2 over HTTP(S).
#[derive(Debug, Clone)]
pub struct HttpInsiClient {
    http: reqwest::Client,
    config: InsiConfig,
}

impl HttpInsiClient {
    /// Builds the client; loads the mutual-TLS identity when configured.
    pub fn new(config: InsiConfig) -> Result<Self, InsiConfigError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("dui-interop/", env!("CARGO_PKG_VERSION")));
        if let Some(certificat) = &config.certificat {
            builder = builder.identity(certificat.identite()?);
        }
        if let Some(path) = &config.autorites {
            builder = builder.tls_built_in_root_certs(false);
            for ca in tls::autorites(path)? {
                builder = builder.add_root_certificate(ca);
            }
        }
        let http = builder
            .build()
            .map_err(|e| InsiConfigError::Http(e.to_string()))?;
        Ok(Self { http, config })
    }

    /// The configuration in use.
    pub fn config(&self) -> &InsiConfig {
        &self.config
    }

    fn transport_error(&self, e: &reqwest::Error) -> InsiError {
        tracing::warn!(error = %e, endpoint = %self.config.endpoint, "INSi call failed");
        let detail = if e.is_timeout() {
            format!(
                "aucune réponse dans le délai imparti ({})",
                duration_text(self.config.timeout)
            )
        } else if e.is_connect() {
            "connexion au serveur impossible (réseau, ou certificat refusé lors de l'échange TLS)"
                .to_owned()
        } else if e.is_builder() {
            "adresse du téléservice invalide".to_owned()
        } else {
            "erreur de communication avec le serveur".to_owned()
        };
        InsiError::unavailable(detail)
    }

    /// POSTs an envelope and returns the answer body when it must be parsed
    /// (2xx), or the error.
    async fn call(&self, request: OutgoingRequest) -> Result<String, InsiError> {
        tracing::debug!(
            action = request.operation.action(),
            message_id = %request.message_id,
            "INSi request"
        );
        let request_id = request.message_id.clone();
        let mut response = self
            .http
            .post(&self.config.endpoint)
            .header(CONTENT_TYPE, request.operation.content_type())
            .body(request.xml)
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(&e))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(InsiError::Protocol("réponse trop volumineuse".to_owned()));
            }
            body.extend_from_slice(&chunk);
        }
        let text = String::from_utf8(body);
        if status.is_success() {
            return text
                .map_err(|_| InsiError::Protocol("réponse non encodée en UTF-8".to_owned()));
        }
        if let Some(fault) = text.as_deref().ok().and_then(soap::parse_fault) {
            let (code, detail) = fault.codes();
            tracing::warn!(%status, code, detail, message_id = %request_id, error = %fault, "INSi SOAP fault");
            return Err(fault);
        }
        tracing::warn!(%status, "INSi HTTP error without SOAP fault");
        Err(InsiError::unavailable(http_status_text(status)))
    }
}

fn duration_text(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn http_status_text(status: StatusCode) -> String {
    match status {
        StatusCode::SERVICE_UNAVAILABLE => {
            "service temporairement indisponible (HTTP 503)".to_owned()
        }
        StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => {
            format!("délai dépassé côté serveur (HTTP {})", status.as_u16())
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            format!(
                "accès refusé, vérifier le certificat (HTTP {})",
                status.as_u16()
            )
        }
        _ => format!("réponse HTTP inattendue ({})", status.as_u16()),
    }
}

impl Insi for HttpInsiClient {
    fn search_by_traits<'a>(
        &'a self,
        q: &'a TraitsQuery,
    ) -> BoxFuture<'a, Result<InsiOutcome, InsiError>> {
        Box::pin(async move {
            let request = soap::build_search_request(q, &self.config.contexte)?;
            let answer = self.call(request).await?;
            soap::parse_search_response(&answer)
        })
    }
}

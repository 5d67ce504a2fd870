//! INSi teleservice (CNAM): retrieval and verification of the INS
//! (identité nationale de santé) from the traits of identity.
//!
//! The contract is the service's own WSDL `DESIR_ICIR_EXP_1.5.0` and its
//! schemas (kept in `reference/insi-cnam/`): every envelope built here is
//! validated against them in the tests.
//!
//! - [`Insi`]: the object-safe trait used by the rest of the DUI
//!   (stored as `Arc<dyn Insi>`): one search by traits
//!   (`rechercherInsAvecTraitsIdentite`) and a verification that, by default,
//!   searches with the stored traits and compares ([`strategie::verifier`]).
//! - [`strategie::rechercher`]: the search strategy of the identitovigilance
//!   guides (first prénom, then every prénom, then the birth place on `02`).
//! - [`alphabet`]: the service's alphabet (capitals A–Z, space, apostrophe,
//!   hyphen) and the transliteration of accents and ligatures.
//! - [`HttpInsiClient`]: the real client (SOAP 1.2 over HTTPS, mutual TLS
//!   with an IGC-Santé structure certificate, server checked against a
//!   configured CA bundle).
//! - [`simulator`]: a local HTTP server speaking the same SOAP protocol, as
//!   strict as the service, with fictitious fixtures, for tests and for the
//!   demo mode; [`FixtureInsi`] applies the same matching rules in memory.
//! - [`soap`]: building and parsing of the SOAP envelopes.
//!
//! The types deliberately use plain strings: validation of the matricule key,
//! of the OID and of the identity status belongs to the domain crate.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

pub mod alphabet;
mod client;
pub mod simulator;
pub mod soap;
pub mod strategie;
mod tls;
mod xml;

pub use client::{HttpInsiClient, InsiConfig, InsiConfigError, ENDPOINT_QUALIFICATION};
pub use simulator::{demo_fixtures, spawn_simulator, FixtureInsi};
pub use soap::ContexteLps;
pub use strategie::{Etape, Recherche, Verification};
pub use tls::CertificatClient;

/// OID of the INS-NIR (production; also returned by the qualification
/// service for its test people).
pub const OID_INS_NIR: &str = "1.2.250.1.213.1.4.8";
/// OID of the INS-NIA (production).
pub const OID_INS_NIA: &str = "1.2.250.1.213.1.4.9";
/// OID of the INS-NIR *de test* (fictitious test patients).
pub const OID_INS_NIR_TEST: &str = "1.2.250.1.213.1.4.10";

/// A boxed, sendable future, so that [`Insi`] stays object safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Traits of identity sent to the search operation
/// (`rechercherInsAvecTraitsIdentite`), as stored in the file: the client
/// writes them in the service's alphabet ([`alphabet`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraitsQuery {
    /// Nom de naissance.
    pub nom_naissance: String,
    /// Prénoms de naissance, in order; at least the first one.
    pub prenoms: Vec<String>,
    /// `"F"` or `"M"` (an undetermined sex cannot be searched).
    pub sexe: String,
    /// `YYYY-MM-DD`; month and day may be `00` for an incomplete civil status.
    pub date_naissance: String,
    /// COG code of the birth commune (or of the country when born abroad).
    pub lieu_naissance: Option<String>,
}

/// A former INS of the identity (`INSHISTO`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsHistorique {
    /// The 13 first characters of the matricule.
    pub matricule: String,
    /// The 2-digit key (absent in some answers).
    pub cle: Option<String>,
    /// OID of the assigning authority.
    pub oid: String,
    /// Start of validity (`DateDeb`), when given.
    pub date_debut: Option<String>,
    /// End of validity (`DateFin`), when given.
    pub date_fin: Option<String>,
}

impl InsHistorique {
    /// The matricule with its key, as written in the audit detail.
    pub fn matricule_ins(&self) -> String {
        format!(
            "{}{}",
            self.matricule,
            self.cle.as_deref().unwrap_or_default()
        )
    }
}

/// An INS and its traits as returned by INSi.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsIdentity {
    /// The 13 first characters of the matricule INS (digits, `2A`/`2B` in
    /// positions 6-7 for Corsica).
    pub matricule: String,
    /// The 2-digit key.
    pub cle: String,
    /// OID of the assigning authority (`1.2.250.1.213.1.4.8` NIR, `.9` NIA,
    /// `.10` NIR test, `.11` NIR demo).
    pub oid: String,
    /// Nom de naissance (upper case, without accents, as INSi returns it).
    pub nom_naissance: String,
    /// Prénoms de naissance, in order (INSi sends them space separated).
    pub prenoms: Vec<String>,
    /// `"F"`, `"M"` (or `"I"` for an undetermined sex in the national base).
    pub sexe: String,
    /// `YYYY-MM-DD`, possibly with `00` parts.
    pub date_naissance: String,
    /// COG code of the birth place.
    pub lieu_naissance: Option<String>,
    /// Former INS of the person (`INSHISTO`), most often empty.
    #[serde(default)]
    pub historique: Vec<InsHistorique>,
}

impl InsIdentity {
    /// The 15-character matricule INS (matricule + key) used in CDA/FHIR.
    pub fn matricule_ins(&self) -> String {
        format!("{}{}", self.matricule, self.cle)
    }

    /// The list of prénoms as INSi writes it (space separated).
    pub fn liste_prenoms(&self) -> String {
        self.prenoms.join(" ")
    }

    /// A search query carrying all the traits of this identity.
    pub fn traits_query(&self) -> TraitsQuery {
        TraitsQuery {
            nom_naissance: self.nom_naissance.clone(),
            prenoms: self.prenoms.clone(),
            sexe: self.sexe.clone(),
            date_naissance: self.date_naissance.clone(),
            lieu_naissance: self.lieu_naissance.clone(),
        }
    }
}

/// Outcome of a search by traits (compte rendu `CodeCR`). One per network call: the size of
/// the found identity does not matter, and boxing it would burden every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InsiOutcome {
    /// `00`: exactly one identity found.
    Found(InsIdentity),
    /// `01`: no identity found.
    NotFound,
    /// `02`: several identities found; retry with the other prénoms, then
    /// with the birth place.
    Multiple,
}

/// Failure of a call to INSi. The `Display` texts are meant for users; the
/// codes (`siram_*` subcode, `desir_*` / `insi_*` detail) go to the log and
/// to the audit detail ([`InsiError::codes`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsiError {
    /// Network error, timeout, HTTP error without SOAP fault, or a
    /// `Receiver` fault (`siram_40`: service temporarily unavailable).
    #[error("Le téléservice INSi est indisponible : {motif}")]
    Unavailable {
        /// What happened, in French.
        motif: String,
        /// Fault subcode (`siram_40`), when the service answered one.
        code: Option<String>,
        /// Fault detail code (`insi_102`, `desir_…`), when given.
        detail: Option<String>,
    },
    /// SOAP fault from the sender side, or a compte rendu not expected.
    #[error("Le téléservice INSi a rejeté la demande (code {code}) : {message}")]
    Rejected {
        /// Fault subcode (`siram_100`…) or `CodeCR`.
        code: String,
        /// Fault reason or `LibelleCR`.
        message: String,
        /// Fault detail code (`desir_550`…), when given.
        detail: Option<String>,
    },
    /// The answer could not be understood.
    #[error("La réponse du téléservice INSi est incompréhensible : {0}")]
    Protocol(String),
    /// The traits cannot be written in the service's alphabet (nothing was
    /// sent).
    #[error("{0}")]
    Traits(String),
}

impl InsiError {
    /// An unavailability without fault codes (network, timeout, HTTP status).
    pub fn unavailable(motif: impl Into<String>) -> Self {
        InsiError::Unavailable {
            motif: motif.into(),
            code: None,
            detail: None,
        }
    }

    /// The fault subcode and detail code, for the log and the audit detail.
    pub fn codes(&self) -> (Option<&str>, Option<&str>) {
        match self {
            InsiError::Unavailable { code, detail, .. } => (code.as_deref(), detail.as_deref()),
            InsiError::Rejected { code, detail, .. } => (Some(code), detail.as_deref()),
            InsiError::Protocol(_) | InsiError::Traits(_) => (None, None),
        }
    }
}

/// Access to the INSi teleservice (real client, simulator client, in-memory
/// fixtures). Object safe: store it as `Arc<dyn Insi>`.
pub trait Insi: Send + Sync {
    /// One call of `rechercherInsAvecTraitsIdentite` with exactly these
    /// traits (see [`strategie::rechercher`] for the strategy on `02`).
    fn search_by_traits<'a>(
        &'a self,
        q: &'a TraitsQuery,
    ) -> BoxFuture<'a, Result<InsiOutcome, InsiError>>;

    /// Checks that the matricule, key, OID and traits stored locally still
    /// match the national base. The service has no verification operation:
    /// by default this searches with the stored traits and compares
    /// ([`strategie::verifier`]); a future operation can replace it here.
    fn verify<'a>(&'a self, id: &'a InsIdentity) -> BoxFuture<'a, Result<Verification, InsiError>> {
        Box::pin(strategie::verifier(self, id))
    }
}

impl fmt::Display for InsiOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InsiOutcome::Found(id) => write!(f, "identité trouvée (INS {})", id.matricule_ins()),
            InsiOutcome::NotFound => f.write_str("aucune identité trouvée"),
            InsiOutcome::Multiple => f.write_str("plusieurs identités trouvées"),
        }
    }
}

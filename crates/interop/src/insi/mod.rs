//! INSi teleservice (CNAM): retrieval and verification of the INS
//! (identité nationale de santé) from the traits of identity.
//!
//! - [`Insi`]: the object-safe trait used by the rest of the DUI
//!   (stored as `Arc<dyn Insi>`).
//! - [`HttpInsiClient`]: the real client (SOAP 1.2 over HTTPS, optional
//!   mutual TLS with a structure certificate).
//! - [`simulator`]: a local HTTP server speaking the same SOAP protocol, with
//!   fictitious fixtures, for tests and for the demo mode; [`FixtureInsi`]
//!   applies the same matching rules in memory, without HTTP.
//! - [`soap`]: building and parsing of the SOAP envelopes.
//!
//! The types deliberately use plain strings: validation of the matricule key,
//! of the OID and of the identity status belongs to the domain crate.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

mod client;
pub mod simulator;
pub mod soap;
mod xml;

pub use client::{HttpInsiClient, InsiConfig, InsiConfigError};
pub use simulator::{demo_fixtures, spawn_simulator, FixtureInsi};
pub use soap::ContexteLps;

/// OID of the INS-NIR *de test* (fictitious test patients).
pub const OID_INS_NIR_TEST: &str = "1.2.250.1.213.1.4.10";

/// A boxed, sendable future, so that [`Insi`] stays object safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Traits of identity sent to the search operation
/// (`rechercherInsAvecTraitsIdentite`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraitsQuery {
    /// Nom de naissance.
    pub nom_naissance: String,
    /// Prénoms de naissance, in order; at least the first one. Adding the
    /// following ones narrows a search that answered "several identities".
    pub prenoms: Vec<String>,
    /// `"F"` or `"M"`.
    pub sexe: String,
    /// `YYYY-MM-DD`; month and day may be `00` for an incomplete civil status.
    pub date_naissance: String,
    /// COG code of the birth commune (or of the country when born abroad).
    pub lieu_naissance: Option<String>,
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

/// Outcome of a search by traits (compte rendu `CodeCR`).
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

/// Failure of a call to INSi. The `Display` texts are meant for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsiError {
    /// Network error, timeout, HTTP error without SOAP fault.
    #[error("Le téléservice INSi est indisponible : {0}")]
    Unavailable(String),
    /// SOAP fault, or a compte rendu not expected for the operation.
    #[error("Le téléservice INSi a rejeté la demande (code {code}) : {message}")]
    Rejected {
        /// Fault (sub)code or `CodeCR`.
        code: String,
        /// Fault reason or `LibelleCR`.
        message: String,
    },
    /// The answer could not be understood.
    #[error("La réponse du téléservice INSi est incompréhensible : {0}")]
    Protocol(String),
}

/// Access to the INSi teleservice (real client, simulator client, in-memory
/// fixtures). Object safe: store it as `Arc<dyn Insi>`.
pub trait Insi: Send + Sync {
    /// Searches the INS from the traits of identity.
    fn search_by_traits<'a>(
        &'a self,
        q: &'a TraitsQuery,
    ) -> BoxFuture<'a, Result<InsiOutcome, InsiError>>;

    /// Checks that the matricule, key, OID and traits stored locally still
    /// match the national base. `Ok(false)` means they do not.
    fn verify<'a>(&'a self, id: &'a InsIdentity) -> BoxFuture<'a, Result<bool, InsiError>>;
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

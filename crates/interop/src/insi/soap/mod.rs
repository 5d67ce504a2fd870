//! SOAP 1.2 envelopes of the INSi teleservice: building requests and
//! answers, parsing them back (client and simulator side).
//!
//! The contract is the service's WSDL `DESIR_ICIR_EXP_1.5.0` and its schemas
//! (`reference/insi-cnam/`); the tests validate every envelope built here
//! against them with `xmllint`:
//!
//! - envelope: SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`);
//! - request headers, as the WSDL declares them and the public clients send
//!   them: `ctxbam:ContexteBAM` (`Version="01_02"`: `Id`, `Temps`,
//!   `Emetteur`, an empty `COUVERTURE`), `ctxlps:ContexteLPS`
//!   (`Nature="CTXLPS" Version="01_00"`: `Id`, `Temps`, `Emetteur`,
//!   `LPS/{IDAM R="4", Version, Instance, Nom}`), `wsa:Action` and
//!   `wsa:MessageID` (`uuid:<uuid>`). No `wsa:To` (the WSDL does not declare
//!   it). The WS-Security SAML assertion is for CPx cards: this client
//!   authenticates with a structure certificate (mutual TLS);
//! - search body: `RECSANSVITALE` (namespace `http://www.cnamts.fr/INSiRecSans`)
//!   with `NomNaissance`, `Prenom`*, `Sexe`, `DateNaissance`,
//!   `LieuNaissance`?, traits in the service's alphabet;
//! - answer body: `RESULTAT` (namespace `http://www.cnamts.fr/INSiResultat`)
//!   with `CR/{CodeCR, LibelleCR}` and, on `00`, `INDIVIDU/{INSACTIF,
//!   INSHISTO*, TIQ}`;
//! - faults: `Code/Value` Sender or Receiver, `Code/Subcode/Value`
//!   `siram_*`, `Reason/Text`, `Detail/siram:Erreur@code` (`desir_*`,
//!   `insi_*`), as in `schema_faultSOAP_V01_01.xsd`.

use chrono::{SecondsFormat, Utc};
use rand::RngCore;

use super::xml::{self, escape, Element};
use super::{InsHistorique, InsIdentity, InsiError, InsiOutcome, TraitsQuery};

/// SOAP 1.2 envelope namespace.
pub const NS_SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// SOAP 1.1 envelope namespace (only recognised, to answer `VersionMismatch`
/// or to read a SOAP 1.1 fault).
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// WS-Addressing 1.0 namespace.
pub const NS_WSA: &str = "http://www.w3.org/2005/08/addressing";
/// Namespace of the `ContexteLPS` header.
pub const NS_CTX_LPS: &str = "urn:siram:lps:ctxlps";
/// Namespace of the `ContexteBAM` header.
pub const NS_CTX_BAM: &str = "urn:siram:bam:ctxbam";
/// Namespace of the fault detail (`siram:Erreur`).
pub const NS_SIRAM: &str = "urn:siram";
/// Namespace of the WS-Security header (CPx cards; accepted, not produced).
pub const NS_WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// Namespace of the search request body.
pub const NS_REC_SANS: &str = "http://www.cnamts.fr/INSiRecSans";
/// Namespace of the answer body.
pub const NS_RESULTAT: &str = "http://www.cnamts.fr/INSiResultat";

/// `wsa:Action` of the search by traits (`soapAction` of the WSDL binding).
pub const ACTION_SEARCH: &str =
    "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite";
/// `wsa:Action` of the search with a carte Vitale (declared by the WSDL, not
/// used by the DUI).
pub const ACTION_SEARCH_VITALE: &str =
    "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale";
/// Version of the `ContexteBAM` header.
pub const VERSION_CTX_BAM: &str = "01_02";
/// Version of the `ContexteLPS` header.
pub const VERSION_CTX_LPS: &str = "01_00";

/// `CodeCR`: exactly one identity.
pub const CR_OK: &str = "00";
/// `CodeCR`: no identity.
pub const CR_NOT_FOUND: &str = "01";
/// `CodeCR`: several identities.
pub const CR_MULTIPLE: &str = "02";
/// Fault subcode: service temporarily unavailable.
pub const SIRAM_INDISPONIBLE: &str = "siram_40";

/// The operation of the teleservice implemented here (the WSDL has one
/// other, `rechercherInsAvecCarteVitale`, which needs the card reader).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `rechercherInsAvecTraitsIdentite`.
    Search,
}

impl Operation {
    /// The request `wsa:Action`.
    pub fn action(self) -> &'static str {
        match self {
            Operation::Search => ACTION_SEARCH,
        }
    }

    /// The operation of a request `wsa:Action`.
    pub fn from_action(action: &str) -> Option<Self> {
        match action.trim() {
            ACTION_SEARCH => Some(Operation::Search),
            _ => None,
        }
    }

    /// HTTP `Content-Type` of a SOAP 1.2 request for this operation.
    pub fn content_type(self) -> String {
        format!(
            "application/soap+xml; charset=utf-8; action=\"{}\"",
            self.action()
        )
    }
}

/// Software identity sent in the `ContexteLPS` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContexteLps {
    /// Émetteur: identifier of the sending structure (e.g. FINESS or the
    /// identifier given at registration).
    pub emetteur: String,
    /// IDAM: authorisation number given by the CNDA to the software.
    pub idam: String,
    /// Version of the software, as registered.
    pub version: String,
    /// Identifier of this installation (a UUID kept in the database, the
    /// same across restarts).
    pub instance: String,
    /// Name of the software (`urn:lps:<name>:<version>` in public samples).
    pub nom: String,
}

impl Default for ContexteLps {
    /// Placeholder identity for tests and demo: `emetteur` and `idam` must be
    /// configured for the real service.
    fn default() -> Self {
        let version = env!("CARGO_PKG_VERSION").to_owned();
        Self {
            emetteur: String::new(),
            idam: String::new(),
            nom: format!("urn:lps:dui:{version}"),
            version,
            instance: uuid_v4(),
        }
    }
}

/// A request envelope ready to be POSTed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingRequest {
    /// Operation (gives the action and content type).
    pub operation: Operation,
    /// `wsa:MessageID` (`uuid:…`).
    pub message_id: String,
    /// The envelope.
    pub xml: String,
}

/// A SOAP 1.2 fault code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCode {
    /// The envelope is not SOAP 1.2.
    VersionMismatch,
    /// The request is wrong (client side).
    Sender,
    /// The server failed.
    Receiver,
}

impl FaultCode {
    fn local_name(self) -> &'static str {
        match self {
            FaultCode::VersionMismatch => "VersionMismatch",
            FaultCode::Sender => "Sender",
            FaultCode::Receiver => "Receiver",
        }
    }
}

/// A SOAP 1.2 fault in the service's format, as built by the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `Code/Value`.
    pub code: FaultCode,
    /// `Code/Subcode/Value` (local name, e.g. `siram_40`).
    pub subcode: Option<String>,
    /// `Reason/Text` (French).
    pub reason: String,
    /// `Detail/siram:Erreur@code` (e.g. `desir_550`) and its text.
    pub detail: Option<(String, String)>,
}

impl Fault {
    /// A `Sender` fault: subcode, detail code, reason.
    pub fn sender(subcode: &str, detail: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Fault {
            code: FaultCode::Sender,
            subcode: Some(subcode.to_owned()),
            detail: Some((detail.to_owned(), reason.clone())),
            reason,
        }
    }

    /// The `Receiver` / `siram_40` fault: service temporarily unavailable.
    pub fn indisponible(detail: &str) -> Self {
        let reason = "Le service est temporairement inaccessible. Veuillez renouveler votre demande ultérieurement.".to_owned();
        Fault {
            code: FaultCode::Receiver,
            subcode: Some(SIRAM_INDISPONIBLE.to_owned()),
            detail: Some((detail.to_owned(), reason.clone())),
            reason,
        }
    }

    /// A request refused by the schemas or the service's rules.
    pub fn invalide(reason: impl Into<String>) -> Self {
        Fault::sender("siram_10", "insi_10", reason)
    }
}

/// A request envelope as parsed by the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingRequest {
    /// `wsa:MessageID`.
    pub message_id: String,
    /// `ContexteLPS` header.
    pub contexte: ContexteLps,
    /// The search traits.
    pub traits: TraitsQuery,
}

/// A fresh `wsa:MessageID` (`uuid:` + random UUID v4, as the public clients
/// write it).
pub fn new_message_id() -> String {
    format!("uuid:{}", uuid_v4())
}

pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

mod ecriture;
mod lecture;
mod requete;
mod schema;
#[cfg(test)]
mod tests;

pub use ecriture::*;
pub use lecture::*;
pub use requete::*;

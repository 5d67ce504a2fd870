//! SOAP 1.2 envelopes of the INSi teleservice: building requests and
//! answers, parsing them back (client and simulator side).
//!
//! # Provenance of the element names (to confirm)
//!
//! The authoritative WSDL/XSD of INSi (`DESIR_ICIR_EXP_*.wsdl` and its
//! schemas) is distributed by the CNAM / GIE SESAM-Vitale only to editors
//! registered with the CNDA; it was not available when this module was
//! written. Element names and namespaces below follow public, third-party
//! client code (TypeScript and C# samples) and **must be confirmed against
//! the official specification before connecting to the real service**:
//!
//! - envelope: SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`);
//! - headers: WS-Addressing 1.0 `Action`, `MessageID`, `To`, and
//!   `ContexteLPS` (namespace `urn:siram:lps:ctxlps`, attributes
//!   `Nature="CTXLPS" Version="01_00"`, children `Id`, `Temps`, `Emetteur`,
//!   `LPS/{IDAM R="4", Version, Instance, Nom}`). The `ContexteBAM` header
//!   and the WS-Security SAML assertion (CPx card authentication) are not
//!   produced: this client authenticates with a structure certificate (TLS);
//! - search body: `RECSANSVITALE` (namespace `http://www.cnamts.fr/INSiRecSans`)
//!   with `NomNaissance`, `Prenom` (repeated), `Sexe`, `DateNaissance`,
//!   `LieuNaissance`;
//! - verification body: `VERIFINS/IndividuVerifie/{INSFourni/{IdIndividu/
//!   {NumIdentifiant, Cle}, OID}, TraitsIdentiteIndividu/{NomNaissance,
//!   ListePrenom, Sexe, DateNaissance, LieuNaissance}}` (namespace
//!   [`NS_VERIF`], the least documented part);
//! - answer body: `RESULTAT` (namespace `http://www.cnamts.fr/INSiResultat`)
//!   with `CR/{CodeCR, LibelleCR}` and, on `00`, `INDIVIDU/{INSACTIF/
//!   {IdIndividu/{NumIdentifiant, Cle}, OID}, TIQ/{NomNaissance, Prenom,
//!   ListePrenom, Sexe, DateNaissance, LieuNaissance}}`.
//!
//! To stay robust to namespace differences of the payload, the parsers match
//! payload elements on their local names; only the SOAP envelope namespace
//! and the WS-Addressing headers are checked strictly (simulator side).

use chrono::{SecondsFormat, Utc};
use rand::RngCore;

use super::xml::{self, escape, Element};
use super::{InsIdentity, InsiError, InsiOutcome, TraitsQuery};

/// SOAP 1.2 envelope namespace.
pub const NS_SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// SOAP 1.1 envelope namespace (only recognised, to answer `VersionMismatch`
/// or to read a SOAP 1.1 fault).
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// WS-Addressing 1.0 namespace.
pub const NS_WSA: &str = "http://www.w3.org/2005/08/addressing";
/// Namespace of the `ContexteLPS` header (public client code; to confirm).
pub const NS_CTX_LPS: &str = "urn:siram:lps:ctxlps";
/// Namespace of the service, used for our own fault subcodes (to confirm).
pub const NS_SERVICE: &str = "http://www.cnamts.fr/ServiceIdentiteCertifiee/v1";
/// Namespace of the search request body (public client code; to confirm).
pub const NS_REC_SANS: &str = "http://www.cnamts.fr/INSiRecSans";
/// Namespace of the verification request body (assumed; to confirm).
pub const NS_VERIF: &str = "http://www.cnamts.fr/INSiVerif";
/// Namespace of the answer body (public client code; to confirm).
pub const NS_RESULTAT: &str = "http://www.cnamts.fr/INSiResultat";

/// `wsa:Action` of the search by traits.
pub const ACTION_SEARCH: &str =
    "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite";
/// `wsa:Action` of the verification.
pub const ACTION_VERIFY: &str = "urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite";

/// `CodeCR`: exactly one identity (search) / INS and traits consistent (verify).
pub const CR_OK: &str = "00";
/// `CodeCR`: no identity (search) / INS and traits not consistent (verify).
pub const CR_NOT_FOUND: &str = "01";
/// `CodeCR`: several identities (search).
pub const CR_MULTIPLE: &str = "02";

/// The two operations of the teleservice implemented here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `rechercherInsAvecTraitsIdentite`.
    Search,
    /// `verifierInsAvecTraitsIdentite`.
    Verify,
}

impl Operation {
    /// The request `wsa:Action`.
    pub fn action(self) -> &'static str {
        match self {
            Operation::Search => ACTION_SEARCH,
            Operation::Verify => ACTION_VERIFY,
        }
    }

    /// The answer `wsa:Action` (request action + `Response`; to confirm).
    pub fn response_action(self) -> String {
        format!("{}Response", self.action())
    }

    /// The operation of a request `wsa:Action`.
    pub fn from_action(action: &str) -> Option<Self> {
        match action.trim() {
            ACTION_SEARCH => Some(Operation::Search),
            ACTION_VERIFY => Some(Operation::Verify),
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
    /// Identifier of this installation (a UUID, stable per installation).
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
    /// `wsa:MessageID` (`urn:uuid:…`).
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

/// A SOAP 1.2 fault, as built by the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `Code/Value`.
    pub code: FaultCode,
    /// `Code/Subcode/Value`, a QName whose prefix is `wsa` or `insi`
    /// ([`NS_SERVICE`]), e.g. `wsa:ActionNotSupported`.
    pub subcode: Option<String>,
    /// `Reason/Text` (French).
    pub reason: String,
}

impl Fault {
    /// A `Sender` fault with an `insi:` subcode.
    pub fn sender(subcode: &str, reason: impl Into<String>) -> Self {
        Fault {
            code: FaultCode::Sender,
            subcode: Some(format!("insi:{subcode}")),
            reason: reason.into(),
        }
    }

    fn wsa(subcode: &str, reason: impl Into<String>) -> Self {
        Fault {
            code: FaultCode::Sender,
            subcode: Some(format!("wsa:{subcode}")),
            reason: reason.into(),
        }
    }
}

/// Body of a request received by the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    /// Search by traits.
    Search(TraitsQuery),
    /// Verification of an INS and its traits.
    Verify(InsIdentity),
}

impl RequestBody {
    /// The operation of this body.
    pub fn operation(&self) -> Operation {
        match self {
            RequestBody::Search(_) => Operation::Search,
            RequestBody::Verify(_) => Operation::Verify,
        }
    }
}

/// A request envelope as parsed by the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingRequest {
    /// `wsa:MessageID`.
    pub message_id: String,
    /// `wsa:To`, when present.
    pub to: Option<String>,
    /// `ContexteLPS` header.
    pub contexte: ContexteLps,
    /// The payload.
    pub body: RequestBody,
}

/// A fresh `wsa:MessageID` (`urn:uuid:` + random UUID v4).
pub fn new_message_id() -> String {
    format!("urn:uuid:{}", uuid_v4())
}

pub(super) fn uuid_v4() -> String {
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
#[cfg(test)]
mod tests;

pub use ecriture::*;
pub use lecture::*;
pub use requete::*;

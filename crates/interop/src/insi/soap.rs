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

fn uuid_v4() -> String {
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

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// Appends `<qname>escaped value</qname>`.
fn push_el(out: &mut String, qname: &str, value: &str) {
    out.push('<');
    out.push_str(qname);
    out.push('>');
    out.push_str(&escape(value));
    out.push_str("</");
    out.push_str(qname);
    out.push('>');
}

fn request_envelope(
    operation: Operation,
    to: &str,
    ctx: &ContexteLps,
    body: &str,
) -> OutgoingRequest {
    let message_id = new_message_id();
    let mut x = String::with_capacity(2048);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(&format!(
        r#"<soap:Envelope xmlns:soap="{NS_SOAP12}" xmlns:wsa="{NS_WSA}" xmlns:ctxlps="{NS_CTX_LPS}">"#
    ));
    x.push_str("<soap:Header>");
    x.push_str(r#"<ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00">"#);
    push_el(&mut x, "ctxlps:Id", &uuid_v4());
    push_el(
        &mut x,
        "ctxlps:Temps",
        &Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
    );
    push_el(&mut x, "ctxlps:Emetteur", &ctx.emetteur);
    x.push_str("<ctxlps:LPS>");
    x.push_str(r#"<ctxlps:IDAM R="4">"#);
    x.push_str(&escape(&ctx.idam));
    x.push_str("</ctxlps:IDAM>");
    push_el(&mut x, "ctxlps:Version", &ctx.version);
    push_el(&mut x, "ctxlps:Instance", &ctx.instance);
    push_el(&mut x, "ctxlps:Nom", &ctx.nom);
    x.push_str("</ctxlps:LPS>");
    x.push_str("</ctxlps:ContexteLPS>");
    push_el(&mut x, "wsa:Action", operation.action());
    push_el(&mut x, "wsa:MessageID", &message_id);
    push_el(&mut x, "wsa:To", to);
    x.push_str("</soap:Header>");
    x.push_str("<soap:Body>");
    x.push_str(body);
    x.push_str("</soap:Body>");
    x.push_str("</soap:Envelope>");
    OutgoingRequest {
        operation,
        message_id,
        xml: x,
    }
}

/// Builds the `rechercherInsAvecTraitsIdentite` envelope. `to` is the
/// endpoint URL (`wsa:To`). Every value is XML-escaped.
pub fn build_search_request(q: &TraitsQuery, to: &str, ctx: &ContexteLps) -> OutgoingRequest {
    let mut b = String::with_capacity(512);
    b.push_str(&format!(r#"<rec:RECSANSVITALE xmlns:rec="{NS_REC_SANS}">"#));
    push_el(&mut b, "rec:NomNaissance", &q.nom_naissance);
    for prenom in &q.prenoms {
        push_el(&mut b, "rec:Prenom", prenom);
    }
    push_el(&mut b, "rec:Sexe", &q.sexe);
    push_el(&mut b, "rec:DateNaissance", &q.date_naissance);
    if let Some(lieu) = &q.lieu_naissance {
        push_el(&mut b, "rec:LieuNaissance", lieu);
    }
    b.push_str("</rec:RECSANSVITALE>");
    request_envelope(Operation::Search, to, ctx, &b)
}

/// Builds the `verifierInsAvecTraitsIdentite` envelope.
pub fn build_verify_request(id: &InsIdentity, to: &str, ctx: &ContexteLps) -> OutgoingRequest {
    let mut b = String::with_capacity(768);
    b.push_str(&format!(r#"<ver:VERIFINS xmlns:ver="{NS_VERIF}">"#));
    b.push_str("<ver:IndividuVerifie><ver:INSFourni><ver:IdIndividu>");
    push_el(&mut b, "ver:NumIdentifiant", &id.matricule);
    push_el(&mut b, "ver:Cle", &id.cle);
    b.push_str("</ver:IdIndividu>");
    push_el(&mut b, "ver:OID", &id.oid);
    b.push_str("</ver:INSFourni><ver:TraitsIdentiteIndividu>");
    push_el(&mut b, "ver:NomNaissance", &id.nom_naissance);
    push_el(&mut b, "ver:ListePrenom", &id.liste_prenoms());
    push_el(&mut b, "ver:Sexe", &id.sexe);
    push_el(&mut b, "ver:DateNaissance", &id.date_naissance);
    if let Some(lieu) = &id.lieu_naissance {
        push_el(&mut b, "ver:LieuNaissance", lieu);
    }
    b.push_str("</ver:TraitsIdentiteIndividu></ver:IndividuVerifie></ver:VERIFINS>");
    request_envelope(Operation::Verify, to, ctx, &b)
}

fn response_envelope(operation: Operation, relates_to: Option<&str>, body: &str) -> String {
    let mut x = String::with_capacity(1024 + body.len());
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(&format!(
        r#"<soap:Envelope xmlns:soap="{NS_SOAP12}" xmlns:wsa="{NS_WSA}">"#
    ));
    x.push_str("<soap:Header>");
    push_el(&mut x, "wsa:Action", &operation.response_action());
    push_el(&mut x, "wsa:MessageID", &new_message_id());
    if let Some(id) = relates_to {
        push_el(&mut x, "wsa:RelatesTo", id);
    }
    x.push_str("</soap:Header><soap:Body>");
    x.push_str(body);
    x.push_str("</soap:Body></soap:Envelope>");
    x
}

fn push_cr(b: &mut String, code: &str, libelle: &str) {
    b.push_str("<CR>");
    push_el(b, "CodeCR", code);
    push_el(b, "LibelleCR", libelle);
    b.push_str("</CR>");
}

/// Builds the answer to a search (simulator side).
pub fn build_search_response(outcome: &InsiOutcome, relates_to: Option<&str>) -> String {
    let mut b = String::with_capacity(1024);
    b.push_str(&format!(r#"<RESULTAT xmlns="{NS_RESULTAT}">"#));
    match outcome {
        InsiOutcome::Found(id) => {
            push_cr(&mut b, CR_OK, "OK");
            b.push_str("<INDIVIDU><INSACTIF><IdIndividu>");
            push_el(&mut b, "NumIdentifiant", &id.matricule);
            push_el(&mut b, "Cle", &id.cle);
            b.push_str("</IdIndividu>");
            push_el(&mut b, "OID", &id.oid);
            b.push_str("</INSACTIF><TIQ>");
            push_el(&mut b, "NomNaissance", &id.nom_naissance);
            if let Some(first) = id.prenoms.first() {
                push_el(&mut b, "Prenom", first);
            }
            push_el(&mut b, "ListePrenom", &id.liste_prenoms());
            push_el(&mut b, "Sexe", &id.sexe);
            push_el(&mut b, "DateNaissance", &id.date_naissance);
            if let Some(lieu) = &id.lieu_naissance {
                push_el(&mut b, "LieuNaissance", lieu);
            }
            b.push_str("</TIQ></INDIVIDU>");
        }
        InsiOutcome::NotFound => push_cr(&mut b, CR_NOT_FOUND, "Aucune identite trouvee"),
        InsiOutcome::Multiple => push_cr(&mut b, CR_MULTIPLE, "Plusieurs identites trouvees"),
    }
    b.push_str("</RESULTAT>");
    response_envelope(Operation::Search, relates_to, &b)
}

/// Builds the answer to a verification (simulator side).
pub fn build_verify_response(consistent: bool, relates_to: Option<&str>) -> String {
    let mut b = format!(r#"<RESULTAT xmlns="{NS_RESULTAT}">"#);
    if consistent {
        push_cr(&mut b, CR_OK, "OK");
    } else {
        push_cr(&mut b, CR_NOT_FOUND, "INS et traits non concordants");
    }
    b.push_str("</RESULTAT>");
    response_envelope(Operation::Verify, relates_to, &b)
}

/// Builds a SOAP 1.2 fault envelope.
pub fn build_fault(fault: &Fault) -> String {
    let mut x = String::with_capacity(768);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(&format!(
        r#"<soap:Envelope xmlns:soap="{NS_SOAP12}" xmlns:wsa="{NS_WSA}" xmlns:insi="{NS_SERVICE}">"#
    ));
    x.push_str("<soap:Body><soap:Fault><soap:Code>");
    push_el(
        &mut x,
        "soap:Value",
        &format!("soap:{}", fault.code.local_name()),
    );
    if let Some(sub) = &fault.subcode {
        x.push_str("<soap:Subcode>");
        push_el(&mut x, "soap:Value", sub);
        x.push_str("</soap:Subcode>");
    }
    x.push_str("</soap:Code><soap:Reason>");
    x.push_str(r#"<soap:Text xml:lang="fr">"#);
    x.push_str(&escape(&fault.reason));
    x.push_str("</soap:Text></soap:Reason></soap:Fault></soap:Body></soap:Envelope>");
    x
}

// ---------------------------------------------------------------------------
// Reading: client side
// ---------------------------------------------------------------------------

/// Parses an envelope and returns its `Body`, or the fault it carries as
/// [`InsiError::Rejected`].
fn open_answer(input: &str) -> Result<Element, InsiError> {
    let mut root = xml::parse(input).map_err(InsiError::Protocol)?;
    let soap_ns = root.ns.clone().unwrap_or_default();
    if root.name != "Envelope" || (soap_ns != NS_SOAP12 && soap_ns != NS_SOAP11) {
        return Err(InsiError::Protocol(
            "la réponse n'est pas une enveloppe SOAP".to_owned(),
        ));
    }
    let idx = root
        .children
        .iter()
        .position(|c| c.is(&soap_ns, "Body"))
        .ok_or_else(|| InsiError::Protocol("enveloppe SOAP sans corps (Body)".to_owned()))?;
    let body = root.children.swap_remove(idx);
    if let Some(fault) = body.child("Fault") {
        return Err(fault_to_error(fault));
    }
    Ok(body)
}

fn local_part(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |(_, local)| local)
}

fn fault_to_error(fault: &Element) -> InsiError {
    // SOAP 1.2: Code/Value, Code/Subcode/Value, Reason/Text;
    // SOAP 1.1: faultcode, faultstring.
    let code = fault
        .path(&["Code", "Subcode", "Value"])
        .or_else(|| fault.path(&["Code", "Value"]))
        .or_else(|| fault.child("faultcode"))
        .map(|e| local_part(e.text()).to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "Fault".to_owned());
    let message = fault
        .path(&["Reason", "Text"])
        .or_else(|| fault.child("faultstring"))
        .map(|e| e.text().to_owned())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "erreur SOAP sans motif".to_owned());
    InsiError::Rejected { code, message }
}

/// If `input` is a SOAP envelope carrying a fault, that fault as
/// [`InsiError::Rejected`].
pub fn parse_fault(input: &str) -> Option<InsiError> {
    match open_answer(input) {
        Err(e @ InsiError::Rejected { .. }) => Some(e),
        _ => None,
    }
}

/// `RESULTAT` and its `(CodeCR, LibelleCR)`.
fn open_resultat(input: &str) -> Result<(Element, String, String), InsiError> {
    let mut body = open_answer(input)?;
    let idx = body
        .children
        .iter()
        .position(|c| c.name == "RESULTAT")
        .ok_or_else(|| InsiError::Protocol("élément RESULTAT absent de la réponse".to_owned()))?;
    let resultat = body.children.swap_remove(idx);
    let cr = resultat
        .child("CR")
        .ok_or_else(|| InsiError::Protocol("compte rendu (CR) absent de la réponse".to_owned()))?;
    let code = cr
        .child_text("CodeCR")
        .ok_or_else(|| InsiError::Protocol("code de compte rendu (CodeCR) absent".to_owned()))?
        .to_owned();
    let libelle = cr.child_text("LibelleCR").unwrap_or_default().to_owned();
    Ok((resultat, code, libelle))
}

fn unexpected_cr(code: String, libelle: String) -> InsiError {
    let message = if libelle.is_empty() {
        "compte rendu inattendu".to_owned()
    } else {
        libelle
    };
    InsiError::Rejected { code, message }
}

/// Parses the answer to a search.
pub fn parse_search_response(input: &str) -> Result<InsiOutcome, InsiError> {
    let (resultat, code, libelle) = open_resultat(input)?;
    match code.as_str() {
        CR_OK => {
            let individu = resultat.child("INDIVIDU").ok_or_else(|| {
                InsiError::Protocol("compte rendu 00 sans identité (INDIVIDU)".to_owned())
            })?;
            parse_individu(individu).map(InsiOutcome::Found)
        }
        CR_NOT_FOUND => Ok(InsiOutcome::NotFound),
        CR_MULTIPLE => Ok(InsiOutcome::Multiple),
        _ => Err(unexpected_cr(code, libelle)),
    }
}

/// Parses the answer to a verification: `true` when INS and traits are
/// consistent with the national base.
pub fn parse_verify_response(input: &str) -> Result<bool, InsiError> {
    let (_, code, libelle) = open_resultat(input)?;
    match code.as_str() {
        CR_OK => Ok(true),
        CR_NOT_FOUND => Ok(false),
        _ => Err(unexpected_cr(code, libelle)),
    }
}

fn required<'a>(el: &'a Element, path: &[&str]) -> Result<&'a str, InsiError> {
    el.path(path)
        .map(Element::text)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            InsiError::Protocol(format!("élément {} absent de l'identité", path.join("/")))
        })
}

fn split_prenoms(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_owned).collect()
}

/// 13 characters: digits, with `2A`/`2B` allowed in positions 6-7.
fn is_matricule_13(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 13
        && b.iter().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || (i == 6 && (*c == b'A' || *c == b'B') && b[5] == b'2')
        })
}

fn parse_individu(individu: &Element) -> Result<InsIdentity, InsiError> {
    let matricule =
        required(individu, &["INSACTIF", "IdIndividu", "NumIdentifiant"])?.to_ascii_uppercase();
    if !is_matricule_13(&matricule) {
        return Err(InsiError::Protocol(format!(
            "matricule INS mal formé : « {matricule} »"
        )));
    }
    let cle = required(individu, &["INSACTIF", "IdIndividu", "Cle"])?.to_owned();
    if cle.len() != 2 || !cle.bytes().all(|c| c.is_ascii_digit()) {
        return Err(InsiError::Protocol(format!(
            "clé du matricule INS mal formée : « {cle} »"
        )));
    }
    let oid = required(individu, &["INSACTIF", "OID"])?.to_owned();
    let tiq = individu
        .child("TIQ")
        .ok_or_else(|| InsiError::Protocol("traits de l'identité (TIQ) absents".to_owned()))?;
    let prenoms = match tiq.child_text("ListePrenom") {
        Some(list) => split_prenoms(list),
        None => tiq
            .children_named("Prenom")
            .map(|p| p.text().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
    };
    if prenoms.is_empty() {
        return Err(InsiError::Protocol(
            "prénoms absents de l'identité".to_owned(),
        ));
    }
    Ok(InsIdentity {
        matricule,
        cle,
        oid,
        nom_naissance: required(tiq, &["NomNaissance"])?.to_owned(),
        prenoms,
        sexe: required(tiq, &["Sexe"])?.to_owned(),
        date_naissance: required(tiq, &["DateNaissance"])?.to_owned(),
        lieu_naissance: tiq.child_text("LieuNaissance").map(str::to_owned),
    })
}

// ---------------------------------------------------------------------------
// Reading: server (simulator) side
// ---------------------------------------------------------------------------

fn field<'a>(el: &'a Element, name: &str) -> Result<&'a str, Fault> {
    el.child_text(name).ok_or_else(|| {
        Fault::sender(
            "RequeteInvalide",
            format!("le champ {name} est obligatoire"),
        )
    })
}

/// Parses a request envelope (simulator side). Errors are the faults to
/// answer.
pub fn parse_request(input: &str) -> Result<IncomingRequest, Fault> {
    let root = xml::parse(input).map_err(|e| {
        Fault::sender(
            "RequeteMalFormee",
            format!("enveloppe SOAP mal formée : {e}"),
        )
    })?;
    if root.name != "Envelope" {
        return Err(Fault::sender(
            "RequeteMalFormee",
            "l'élément racine doit être une enveloppe SOAP (Envelope)",
        ));
    }
    if root.ns.as_deref() != Some(NS_SOAP12) {
        return Err(Fault {
            code: FaultCode::VersionMismatch,
            subcode: None,
            reason: "seul SOAP 1.2 est pris en charge".to_owned(),
        });
    }
    let header = root
        .children
        .iter()
        .find(|c| c.is(NS_SOAP12, "Header"))
        .ok_or_else(|| {
            Fault::wsa(
                "MessageAddressingHeaderRequired",
                "en-tête SOAP (Header) absent",
            )
        })?;
    let wsa = |name: &str| {
        header
            .children
            .iter()
            .find(|c| c.is(NS_WSA, name))
            .map(Element::text)
            .filter(|t| !t.is_empty())
    };
    let action = wsa("Action").ok_or_else(|| {
        Fault::wsa(
            "MessageAddressingHeaderRequired",
            "en-tête wsa:Action absent",
        )
    })?;
    let operation = Operation::from_action(action).ok_or_else(|| {
        Fault::wsa(
            "ActionNotSupported",
            format!("action non prise en charge : {action}"),
        )
    })?;
    let message_id = wsa("MessageID")
        .ok_or_else(|| {
            Fault::wsa(
                "MessageAddressingHeaderRequired",
                "en-tête wsa:MessageID absent",
            )
        })?
        .to_owned();
    let to = wsa("To").map(str::to_owned);
    let ctx = header
        .child("ContexteLPS")
        .ok_or_else(|| Fault::sender("ContexteLPSAbsent", "en-tête ContexteLPS absent"))?;
    let lps = ctx.child("LPS");
    let lps_text = |name: &str| {
        lps.and_then(|l| l.child_text(name))
            .unwrap_or_default()
            .to_owned()
    };
    let contexte = ContexteLps {
        emetteur: ctx.child_text("Emetteur").unwrap_or_default().to_owned(),
        idam: lps_text("IDAM"),
        version: lps_text("Version"),
        instance: lps_text("Instance"),
        nom: lps_text("Nom"),
    };
    let body = root
        .children
        .iter()
        .find(|c| c.is(NS_SOAP12, "Body"))
        .ok_or_else(|| Fault::sender("RequeteMalFormee", "corps SOAP (Body) absent"))?;
    let payload = body
        .children
        .first()
        .ok_or_else(|| Fault::sender("RequeteInvalide", "corps SOAP vide"))?;
    let body = match operation {
        Operation::Search => RequestBody::Search(parse_search_payload(payload)?),
        Operation::Verify => RequestBody::Verify(parse_verify_payload(payload)?),
    };
    Ok(IncomingRequest {
        message_id,
        to,
        contexte,
        body,
    })
}

fn parse_search_payload(p: &Element) -> Result<TraitsQuery, Fault> {
    if p.name != "RECSANSVITALE" {
        return Err(Fault::sender(
            "RequeteInvalide",
            format!("élément {} inattendu pour une recherche par traits", p.name),
        ));
    }
    let prenoms: Vec<String> = p
        .children_named("Prenom")
        .map(|e| e.text().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if prenoms.is_empty() {
        return Err(Fault::sender(
            "RequeteInvalide",
            "le champ Prenom est obligatoire",
        ));
    }
    Ok(TraitsQuery {
        nom_naissance: field(p, "NomNaissance")?.to_owned(),
        prenoms,
        sexe: field(p, "Sexe")?.to_owned(),
        date_naissance: field(p, "DateNaissance")?.to_owned(),
        lieu_naissance: p.child_text("LieuNaissance").map(str::to_owned),
    })
}

fn parse_verify_payload(p: &Element) -> Result<InsIdentity, Fault> {
    let individu = (p.name == "VERIFINS")
        .then(|| p.child("IndividuVerifie"))
        .flatten()
        .ok_or_else(|| {
            Fault::sender(
                "RequeteInvalide",
                format!("élément {} inattendu pour une vérification", p.name),
            )
        })?;
    let ins = individu
        .child("INSFourni")
        .ok_or_else(|| Fault::sender("RequeteInvalide", "le champ INSFourni est obligatoire"))?;
    let id = ins
        .child("IdIndividu")
        .ok_or_else(|| Fault::sender("RequeteInvalide", "le champ IdIndividu est obligatoire"))?;
    let traits = individu.child("TraitsIdentiteIndividu").ok_or_else(|| {
        Fault::sender(
            "RequeteInvalide",
            "le champ TraitsIdentiteIndividu est obligatoire",
        )
    })?;
    let prenoms = match traits.child_text("ListePrenom") {
        Some(list) => split_prenoms(list),
        None => traits
            .children_named("Prenom")
            .map(|e| e.text().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
    };
    if prenoms.is_empty() {
        return Err(Fault::sender(
            "RequeteInvalide",
            "le champ ListePrenom est obligatoire",
        ));
    }
    Ok(InsIdentity {
        matricule: field(id, "NumIdentifiant")?.to_owned(),
        cle: field(id, "Cle")?.to_owned(),
        oid: field(ins, "OID")?.to_owned(),
        nom_naissance: field(traits, "NomNaissance")?.to_owned(),
        prenoms,
        sexe: field(traits, "Sexe")?.to_owned(),
        date_naissance: field(traits, "DateNaissance")?.to_owned(),
        lieu_naissance: traits.child_text("LieuNaissance").map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_is_v4_shaped() {
        let id = new_message_id();
        let uuid = id.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(new_message_id(), id);
    }

    #[test]
    fn matricule_shape() {
        assert!(is_matricule_13("2790351215189"));
        assert!(is_matricule_13("155012A004010"));
        assert!(is_matricule_13("278012B042123"));
        assert!(!is_matricule_13("15501AA004010"));
        assert!(!is_matricule_13("155013A004010"));
        assert!(!is_matricule_13("279035121518"));
    }

    #[test]
    fn soap11_fault_is_read() {
        let xml = format!(
            r#"<e:Envelope xmlns:e="{NS_SOAP11}"><e:Body><e:Fault><faultcode>e:Client</faultcode><faultstring>Requête refusée</faultstring></e:Fault></e:Body></e:Envelope>"#
        );
        assert_eq!(
            parse_fault(&xml),
            Some(InsiError::Rejected {
                code: "Client".into(),
                message: "Requête refusée".into()
            })
        );
    }

    #[test]
    fn verify_request_round_trip() {
        let id = InsIdentity {
            matricule: "2790351215189".into(),
            cle: "89".into(),
            oid: "1.2.250.1.213.1.4.10".into(),
            nom_naissance: "DUPONT".into(),
            prenoms: vec!["HELENE".into(), "MARIE".into()],
            sexe: "F".into(),
            date_naissance: "1979-03-12".into(),
            lieu_naissance: None,
        };
        let req = build_verify_request(&id, "http://localhost/lps", &ContexteLps::default());
        let parsed = parse_request(&req.xml).unwrap();
        assert_eq!(parsed.body, RequestBody::Verify(id));
        assert_eq!(parsed.message_id, req.message_id);
        assert_eq!(parsed.to.as_deref(), Some("http://localhost/lps"));
    }
}

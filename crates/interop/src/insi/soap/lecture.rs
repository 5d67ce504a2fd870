//! Reading answers: the client side.

use super::*;

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
    // SOAP 1.2: Code/Value, Code/Subcode/Value, Reason/Text, Detail/Erreur@code;
    // SOAP 1.1: faultcode, faultstring.
    let value = fault
        .path(&["Code", "Value"])
        .or_else(|| fault.child("faultcode"))
        .map(|e| local_part(e.text()).to_owned())
        .unwrap_or_default();
    let subcode = fault
        .path(&["Code", "Subcode", "Value"])
        .map(|e| local_part(e.text()).to_owned())
        .filter(|c| !c.is_empty());
    let detail = fault
        .path(&["Detail", "Erreur"])
        .and_then(|e| e.attr("code"))
        .map(str::to_owned)
        .filter(|c| !c.is_empty());
    let message = fault
        .path(&["Reason", "Text"])
        .or_else(|| fault.child("faultstring"))
        .map(|e| e.text().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "erreur SOAP sans motif".to_owned());
    if value == "Receiver" || subcode.as_deref() == Some(SIRAM_INDISPONIBLE) {
        return InsiError::Unavailable {
            motif: "service temporairement inaccessible, réessayez plus tard".to_owned(),
            code: subcode.or(Some(value)),
            detail,
        };
    }
    let code = subcode
        .or_else(|| Some(value).filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "Fault".to_owned());
    InsiError::Rejected {
        code,
        message,
        detail,
    }
}

/// If `input` is a SOAP envelope carrying a fault, that fault as
/// [`InsiError::Rejected`].
pub fn parse_fault(input: &str) -> Option<InsiError> {
    match open_answer(input) {
        Err(e @ (InsiError::Rejected { .. } | InsiError::Unavailable { .. })) => Some(e),
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
    InsiError::Rejected {
        code,
        message,
        detail: None,
    }
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

fn required<'a>(el: &'a Element, path: &[&str]) -> Result<&'a str, InsiError> {
    el.path(path)
        .map(Element::text)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            InsiError::Protocol(format!("élément {} absent de l'identité", path.join("/")))
        })
}

pub(super) fn split_prenoms(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_owned).collect()
}

/// 13 characters: digits, with `2A`/`2B` allowed in positions 6-7.
pub(super) fn is_matricule_13(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 13
        && b.iter().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || (i == 6 && (*c == b'A' || *c == b'B') && b[5] == b'2')
        })
}

/// `(matricule, clé, OID)` of an `INSACTIF` or `INSHISTO` element.
fn parse_ins(ins: &Element) -> Result<(String, Option<String>, String), InsiError> {
    let matricule = required(ins, &["IdIndividu", "NumIdentifiant"])?.to_ascii_uppercase();
    if !is_matricule_13(&matricule) {
        return Err(InsiError::Protocol(format!(
            "matricule INS mal formé : « {matricule} »"
        )));
    }
    let cle = ins
        .path(&["IdIndividu", "Cle"])
        .map(|e| e.text().to_owned());
    if let Some(cle) = &cle {
        if cle.len() != 2 || !cle.bytes().all(|c| c.is_ascii_digit()) {
            return Err(InsiError::Protocol(format!(
                "clé du matricule INS mal formée : « {cle} »"
            )));
        }
    }
    let oid = required(ins, &["OID"])?.to_owned();
    Ok((matricule, cle, oid))
}

fn parse_individu(individu: &Element) -> Result<InsIdentity, InsiError> {
    let actif = individu
        .child("INSACTIF")
        .ok_or_else(|| InsiError::Protocol("INS active (INSACTIF) absente".to_owned()))?;
    let (matricule, cle, oid) = parse_ins(actif)?;
    let cle = cle.ok_or_else(|| {
        InsiError::Protocol("clé du matricule INS (Cle) absente de l'INS active".to_owned())
    })?;
    let historique = individu
        .children_named("INSHISTO")
        .map(|h| {
            let (matricule, cle, oid) = parse_ins(h)?;
            Ok(InsHistorique {
                matricule,
                cle,
                oid,
                date_debut: h.child_text("DateDeb").map(str::to_owned),
                date_fin: h.child_text("DateFin").map(str::to_owned),
            })
        })
        .collect::<Result<Vec<_>, InsiError>>()?;
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
        historique,
    })
}

//! Reading requests: the server (simulator) side.

use super::*;

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

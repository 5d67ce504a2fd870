//! Reading requests: the server (simulator) side, as strict as the service:
//! the envelope must follow the WSDL and the schemas (header blocks declared
//! by the WSDL, `ContexteBAM` and `ContexteLPS` present and well formed, the
//! body of the operation named by the action), and the traits must be
//! written in the service's alphabet.

use super::schema::{self, N};
use super::*;
use crate::insi::alphabet;

fn invalide(e: String) -> Fault {
    Fault::invalide(format!("requête non conforme au schéma du service : {e}"))
}

/// The header blocks the WSDL declares for the operations.
#[derive(Default)]
struct EnTetes<'a> {
    bam: Option<&'a Element>,
    lps: Option<&'a Element>,
    action: Option<&'a Element>,
    message_id: Option<&'a Element>,
}

fn en_tetes(header: &Element) -> Result<EnTetes<'_>, Fault> {
    let mut h = EnTetes::default();
    for c in &header.children {
        let slot = match (c.ns.as_deref().unwrap_or_default(), c.name.as_str()) {
            (NS_CTX_BAM, "ContexteBAM") => &mut h.bam,
            (NS_CTX_LPS, "ContexteLPS") => &mut h.lps,
            (NS_WSA, "Action") => &mut h.action,
            (NS_WSA, "MessageID") => &mut h.message_id,
            (NS_WSSE, "Security") => continue,
            (ns, name) => {
                return Err(Fault::invalide(format!(
                    "en-tête {name} ({ns}) non déclaré par le service"
                )))
            }
        };
        if slot.replace(c).is_some() {
            return Err(Fault::invalide(format!("en-tête {} répété", c.name)));
        }
    }
    Ok(h)
}

/// `Version` required, `Nature` fixed when present, `Temps` a dateTime.
fn contexte(el: &Element, nature: &str, version: &str) -> Result<(), Fault> {
    match el.attr("Version") {
        Some(v) if v == version => {}
        Some(v) => {
            return Err(Fault::invalide(format!(
                "version {v} de l'en-tête {} non prise en charge ({version} attendue)",
                el.name
            )))
        }
        None => return Err(invalide(format!("attribut Version absent de {}", el.name))),
    }
    if el.attr("Nature").is_some_and(|n| n != nature) {
        return Err(invalide(format!(
            "attribut Nature de {} différent de {nature}",
            el.name
        )));
    }
    let temps = el.child("Temps").map(Element::text).unwrap_or_default();
    if !schema::date_time(temps) {
        return Err(invalide(format!(
            "Temps de {} n'est pas une date et heure (xsd:dateTime) : « {temps} »",
            el.name
        )));
    }
    Ok(())
}

fn contexte_bam(bam: &Element) -> Result<(), Fault> {
    schema::sequence(
        bam,
        NS_CTX_BAM,
        &[
            ("Id", 1, 1),
            ("Temps", 1, 1),
            ("Emetteur", 0, 1),
            ("DateRef", 0, 1),
            ("COUVERTURE", 1, 1),
        ],
    )
    .map_err(invalide)?;
    contexte(bam, "CTXBAM", VERSION_CTX_BAM)?;
    if let Some(c) = bam.child("COUVERTURE") {
        schema::sequence(
            c,
            NS_CTX_BAM,
            &[
                ("GrandRegime", 0, 1),
                ("Organisme", 0, 1),
                ("CodeCentre", 0, 1),
                ("ASSURE", 0, 1),
                ("BENEFICIAIRE", 0, 1),
            ],
        )
        .map_err(invalide)?;
    }
    Ok(())
}

fn contexte_lps(lps: &Element) -> Result<ContexteLps, Fault> {
    schema::sequence(
        lps,
        NS_CTX_LPS,
        &[
            ("Id", 1, 1),
            ("Temps", 1, 1),
            ("Emetteur", 0, 1),
            ("LPS", 0, 1),
        ],
    )
    .map_err(invalide)?;
    contexte(lps, "CTXLPS", VERSION_CTX_LPS)?;
    let logiciel = lps.child("LPS");
    if let Some(l) = logiciel {
        schema::sequence(
            l,
            NS_CTX_LPS,
            &[
                ("IDAM", 0, 1),
                ("Version", 0, 1),
                ("Instance", 0, 1),
                ("Nom", 0, 1),
            ],
        )
        .map_err(invalide)?;
    }
    let text = |name: &str| {
        logiciel
            .and_then(|l| l.child_text(name))
            .unwrap_or_default()
            .to_owned()
    };
    let contexte = ContexteLps {
        emetteur: lps.child_text("Emetteur").unwrap_or_default().to_owned(),
        idam: text("IDAM"),
        version: text("Version"),
        instance: text("Instance"),
        nom: text("Nom"),
    };
    if contexte.idam.is_empty() {
        // What the service answers to an unknown software (public fixture).
        return Err(Fault::sender(
            "siram_100",
            "desir_550",
            "L'accès par ce progiciel au service n'est pas autorisé. Numéro d'autorisation du logiciel inconnu.",
        ));
    }
    Ok(contexte)
}

/// Parses and checks a request envelope (simulator side). `action` is the
/// `action` parameter of the HTTP `Content-Type`, when given. Errors are the
/// faults to answer.
pub fn parse_request(input: &str, action: Option<&str>) -> Result<IncomingRequest, Fault> {
    let root = xml::parse(input)
        .map_err(|e| Fault::invalide(format!("enveloppe SOAP mal formée : {e}")))?;
    if root.name != "Envelope" || root.ns.as_deref() != Some(NS_SOAP12) {
        return Err(Fault {
            code: FaultCode::VersionMismatch,
            subcode: None,
            reason: "seule une enveloppe SOAP 1.2 est prise en charge".to_owned(),
            detail: None,
        });
    }
    schema::sequence(&root, NS_SOAP12, &[("Header", 1, 1), ("Body", 1, 1)]).map_err(invalide)?;
    let (Some(header), Some(body)) = (root.child("Header"), root.child("Body")) else {
        return Err(invalide("en-tête ou corps SOAP absent".to_owned()));
    };
    let h = en_tetes(header)?;
    let bam = h
        .bam
        .ok_or_else(|| Fault::invalide("en-tête ContexteBAM absent"))?;
    contexte_bam(bam)?;
    let lps = h
        .lps
        .ok_or_else(|| Fault::invalide("en-tête ContexteLPS absent"))?;
    let contexte = contexte_lps(lps)?;
    let message_id = h
        .message_id
        .map(Element::text)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Fault::invalide("en-tête wsa:MessageID absent"))?
        .to_owned();
    let wsa_action = h.action.map(Element::text);
    if let (Some(a), Some(c)) = (wsa_action, action) {
        if a != c.trim() {
            return Err(Fault::invalide(
                "l'action du Content-Type diffère de wsa:Action",
            ));
        }
    }
    let action = wsa_action.or(action).unwrap_or_default();
    if Operation::from_action(action).is_none() {
        return Err(Fault::invalide(format!(
            "action non prise en charge par le service : « {action} »"
        )));
    }
    let [payload] = body.children.as_slice() else {
        return Err(invalide(
            "le corps SOAP doit contenir exactement un élément RECSANSVITALE".to_owned(),
        ));
    };
    if !payload.is(NS_REC_SANS, "RECSANSVITALE") {
        return Err(invalide(format!(
            "élément {} inattendu pour rechercherInsAvecTraitsIdentite",
            payload.name
        )));
    }
    let traits = parse_traits(payload)?;
    Ok(IncomingRequest {
        message_id,
        contexte,
        traits,
    })
}

fn obligatoire<'a>(p: &'a Element, name: &str) -> Result<&'a str, Fault> {
    p.child_text(name)
        .ok_or_else(|| Fault::invalide(format!("le champ {name} est obligatoire")))
}

fn dans_l_alphabet(champ: &str, value: &str) -> Result<(), Fault> {
    if alphabet::est_dans_l_alphabet(value) {
        Ok(())
    } else {
        Err(Fault::invalide(format!(
            "{champ} « {value} » hors de l'alphabet du service (majuscules A à Z, espace, apostrophe, trait d'union)"
        )))
    }
}

fn parse_traits(p: &Element) -> Result<TraitsQuery, Fault> {
    schema::sequence(
        p,
        NS_REC_SANS,
        &[
            ("NomNaissance", 0, 1),
            ("Prenom", 0, N),
            ("Sexe", 0, 1),
            ("DateNaissance", 0, 1),
            ("LieuNaissance", 0, 1),
        ],
    )
    .map_err(invalide)?;
    let nom = obligatoire(p, "NomNaissance")?;
    dans_l_alphabet("NomNaissance", nom)?;
    let prenoms: Vec<String> = p
        .children_named("Prenom")
        .map(|e| e.text().to_owned())
        .collect();
    if prenoms.is_empty() {
        return Err(Fault::invalide("le champ Prenom est obligatoire"));
    }
    for prenom in &prenoms {
        dans_l_alphabet("Prenom", prenom)?;
    }
    let sexe = obligatoire(p, "Sexe")?;
    if !matches!(sexe, "F" | "M") {
        return Err(Fault::invalide(format!(
            "sexe invalide « {sexe} » : F ou M attendu"
        )));
    }
    let date = obligatoire(p, "DateNaissance")?;
    if !schema::date_lunaire(date) {
        return Err(Fault::invalide(format!(
            "date de naissance invalide « {date} » : format AAAA-MM-JJ attendu"
        )));
    }
    let lieu = p.child_text("LieuNaissance");
    if let Some(l) = lieu {
        if l.len() != 5
            || !l
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(Fault::invalide(format!(
                "lieu de naissance invalide « {l} » : code COG de cinq caractères attendu"
            )));
        }
    }
    Ok(TraitsQuery {
        nom_naissance: nom.to_owned(),
        prenoms,
        sexe: sexe.to_owned(),
        date_naissance: date.to_owned(),
        lieu_naissance: lieu.map(str::to_owned),
    })
}

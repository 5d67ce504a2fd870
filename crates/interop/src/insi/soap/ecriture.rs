//! Writing envelopes: requests (client side), answers and faults (simulator side).

use super::*;
use crate::insi::alphabet;

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

/// The context headers: `ContexteBAM`, then `ContexteLPS`, as the public
/// clients write them. `id` is the identifier of the exchange (also in the
/// `MessageID`).
fn push_contextes(x: &mut String, ctx: &ContexteLps, id: &str) {
    let temps = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    x.push_str(&format!(
        r#"<ctxbam:ContexteBAM Version="{VERSION_CTX_BAM}">"#
    ));
    push_el(x, "ctxbam:Id", id);
    push_el(x, "ctxbam:Temps", &temps);
    push_el(x, "ctxbam:Emetteur", &ctx.emetteur);
    x.push_str("<ctxbam:COUVERTURE></ctxbam:COUVERTURE>");
    x.push_str("</ctxbam:ContexteBAM>");
    x.push_str(&format!(
        r#"<ctxlps:ContexteLPS Nature="CTXLPS" Version="{VERSION_CTX_LPS}">"#
    ));
    push_el(x, "ctxlps:Id", id);
    push_el(x, "ctxlps:Temps", &temps);
    push_el(x, "ctxlps:Emetteur", &ctx.emetteur);
    x.push_str("<ctxlps:LPS>");
    x.push_str(r#"<ctxlps:IDAM R="4">"#);
    x.push_str(&escape(&ctx.idam));
    x.push_str("</ctxlps:IDAM>");
    push_el(x, "ctxlps:Version", &ctx.version);
    push_el(x, "ctxlps:Instance", &ctx.instance);
    push_el(x, "ctxlps:Nom", &ctx.nom);
    x.push_str("</ctxlps:LPS>");
    x.push_str("</ctxlps:ContexteLPS>");
}

fn request_envelope(operation: Operation, ctx: &ContexteLps, body: &str) -> OutgoingRequest {
    let id = uuid_v4();
    let message_id = format!("uuid:{id}");
    let mut x = String::with_capacity(2048);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(&format!(
        r#"<soap:Envelope xmlns:soap="{NS_SOAP12}" xmlns:wsa="{NS_WSA}" xmlns:ctxbam="{NS_CTX_BAM}" xmlns:ctxlps="{NS_CTX_LPS}">"#
    ));
    x.push_str("<soap:Header>");
    push_contextes(&mut x, ctx, &id);
    push_el(&mut x, "wsa:Action", operation.action());
    push_el(&mut x, "wsa:MessageID", &message_id);
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

/// The traits of a query written in the service's alphabet: capitals A–Z,
/// space, apostrophe, hyphen; sex `F` or `M`. An error (French) when a trait
/// cannot be written so: nothing is sent.
pub fn traits_pour_le_service(q: &TraitsQuery) -> Result<TraitsQuery, InsiError> {
    let nom =
        alphabet::vers_alphabet("nom de naissance", &q.nom_naissance).map_err(InsiError::Traits)?;
    let prenoms = q
        .prenoms
        .iter()
        .map(|p| alphabet::vers_alphabet("prénom", p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(InsiError::Traits)?;
    if prenoms.is_empty() {
        return Err(InsiError::Traits(
            "Le premier prénom de naissance manque : le téléservice INSi ne peut pas être interrogé."
                .to_owned(),
        ));
    }
    let sexe = alphabet::sexe(&q.sexe).map_err(InsiError::Traits)?;
    let lieu = match q.lieu_naissance.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l) if l.len() == 5 && l.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Some(l.to_ascii_uppercase())
        }
        Some(l) => {
            return Err(InsiError::Traits(format!(
                "Le lieu de naissance « {l} » n'est pas un code COG de cinq caractères : corrigez-le avant d'interroger INSi."
            )))
        }
    };
    Ok(TraitsQuery {
        nom_naissance: nom,
        prenoms,
        sexe: sexe.to_owned(),
        date_naissance: q.date_naissance.trim().to_owned(),
        lieu_naissance: lieu,
    })
}

/// Builds the `rechercherInsAvecTraitsIdentite` envelope; the traits are
/// written in the service's alphabet first ([`traits_pour_le_service`]).
pub fn build_search_request(
    q: &TraitsQuery,
    ctx: &ContexteLps,
) -> Result<OutgoingRequest, InsiError> {
    let q = traits_pour_le_service(q)?;
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
    Ok(request_envelope(Operation::Search, ctx, &b))
}

/// An envelope with only a body, as the service answers (no header).
fn response_envelope(body: &str) -> String {
    let mut x = String::with_capacity(256 + body.len());
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(&format!(r#"<soap:Envelope xmlns:soap="{NS_SOAP12}">"#));
    x.push_str("<soap:Body>");
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

fn push_ins(b: &mut String, tag: &str, matricule: &str, cle: Option<&str>, oid: &str) {
    b.push_str(&format!("<{tag}><IdIndividu>"));
    push_el(b, "NumIdentifiant", matricule);
    if let Some(cle) = cle {
        push_el(b, "Cle", cle);
    }
    b.push_str("</IdIndividu>");
    push_el(b, "OID", oid);
    b.push_str(&format!("</{tag}>"));
}

fn push_historique(b: &mut String, h: &InsHistorique) {
    b.push_str("<INSHISTO><IdIndividu>");
    push_el(b, "NumIdentifiant", &h.matricule);
    if let Some(cle) = &h.cle {
        push_el(b, "Cle", cle);
    }
    b.push_str("</IdIndividu>");
    push_el(b, "OID", &h.oid);
    if let Some(d) = &h.date_debut {
        push_el(b, "DateDeb", d);
    }
    if let Some(d) = &h.date_fin {
        push_el(b, "DateFin", d);
    }
    b.push_str("</INSHISTO>");
}

/// Builds the answer to a search (simulator side), as the service writes it.
pub fn build_search_response(outcome: &InsiOutcome) -> String {
    let mut b = String::with_capacity(1024);
    b.push_str(&format!(r#"<RESULTAT xmlns="{NS_RESULTAT}">"#));
    match outcome {
        InsiOutcome::Found(id) => {
            push_cr(&mut b, CR_OK, "OK");
            b.push_str("<INDIVIDU>");
            push_ins(&mut b, "INSACTIF", &id.matricule, Some(&id.cle), &id.oid);
            for h in &id.historique {
                push_historique(&mut b, h);
            }
            b.push_str("<TIQ>");
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
    response_envelope(&b)
}

/// Builds a SOAP 1.2 fault envelope in the service's format
/// (`schema_faultSOAP_V01_01.xsd` for the detail). `message_id` is the
/// request's, echoed in the detail when known.
pub fn build_fault(fault: &Fault, message_id: Option<&str>) -> String {
    let mut x = String::with_capacity(768);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(&format!(r#"<soap:Envelope xmlns:soap="{NS_SOAP12}">"#));
    x.push_str("<soap:Body><soap:Fault><soap:Code>");
    push_el(
        &mut x,
        "soap:Value",
        &format!("soap:{}", fault.code.local_name()),
    );
    if let Some(sub) = &fault.subcode {
        x.push_str("<soap:Subcode>");
        push_el(&mut x, "soap:Value", &format!("soap:{sub}"));
        x.push_str("</soap:Subcode>");
    }
    x.push_str("</soap:Code><soap:Reason>");
    x.push_str(r#"<soap:Text xml:lang="fr">"#);
    x.push_str(&escape(&fault.reason));
    x.push_str("</soap:Text></soap:Reason>");
    if let Some((code, text)) = &fault.detail {
        x.push_str(&format!(
            r#"<soap:Detail><siram:Erreur xmlns:siram="{NS_SIRAM}" severite="erreur" code="{}""#,
            escape(code)
        ));
        if let Some(id) = message_id {
            x.push_str(&format!(r#" messageID="{}""#, escape(id)));
        }
        x.push('>');
        x.push_str(&escape(text));
        x.push_str("</siram:Erreur></soap:Detail>");
    }
    x.push_str("</soap:Fault></soap:Body></soap:Envelope>");
    x
}

//! Writing envelopes: requests (client side), answers and faults (simulator side).

use super::*;

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

//! The rows of the liaison book (issue 13, COO-6): reading needs to read the *Cahier de
//! liaison*, writing to write it, inviting a partner or ending a participation to validate
//! it. The page of a role that opens the file shows its header; a partner's does not (it
//! reads the book only). The outside partner (`Role::Partenaire`) walks every route of the
//! table like every role: 403 everywhere but here.

use serde_json::{json, Value};

use super::appels::World;
use super::{api, page, Regle, Route};
use dui_domain::policy::Action::{Ecrire as E, Lire as L, Valider as V};
use dui_domain::policy::Role;
use dui_domain::policy::Section::Liaison;

const LIRE: Regle = Regle::Fichier(&[(Liaison, L)]);
const ECRIRE: Regle = Regle::Fichier(&[(Liaison, E)]);
const VALIDER: Regle = Regle::Fichier(&[(Liaison, V)]);

/// The routes of the liaison book, in the order they are called.
pub(super) fn routes() -> Vec<Route> {
    vec![
        api("get", "/usagers/{id}/liaison", LIRE, &[200]),
        api("post", "/usagers/{id}/liaison", ECRIRE, &[201]),
        api("post", "/usagers/{id}/liaison/partenaires", VALIDER, &[201]),
        api("post", "/usagers/{id}/liaison/fin", VALIDER, &[404]),
        page("get", "/usagers/{id}/liaison", LIRE, &[200]),
        page("post", "/usagers/{id}/liaison", ECRIRE, &[303]),
        page("post", "/usagers/{id}/liaison/partenaires", VALIDER, &[200]),
        page("post", "/usagers/{id}/liaison/proches", VALIDER, &[422]),
        // No participation open: said on the book (a 409 in place), a 404 by the API.
        page("post", "/usagers/{id}/liaison/fin", VALIDER, &[409]),
    ]
}

/// A body that passes the input checks of route `path` (call `n`: a new login each time).
pub(super) fn corps(path: &str, n: usize, page: bool) -> Value {
    match path {
        "/usagers/{id}/liaison" => json!({"texte": "Passage de 10 h : toilette faite, moral bon."}),
        "/usagers/{id}/liaison/partenaires" => json!({
            "username": format!("part.{}.{n}", if page { "p" } else { "a" }),
            "prenom": "Karim", "nom": "Kiné", "qualite": "kinesitherapeute"}),
        // A made-up account: 404 (no participation), 422 (no relative of the file).
        _ => json!({"utilisateur_id": "999999", "peut_ecrire": "oui"}),
    }
}

/// The fields of a JSON object as a form.
pub(super) fn formulaire(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// Opens the participation of the relative or partner `id` in the book of the file in scope
/// (written as the cadre's invitation and permission would), so that it writes there; a
/// partner is assigned to that file too.
pub(super) async fn participation(w: &World, id: i64, role: Role) {
    let now = dui_store::ts(chrono::Utc::now());
    let (qualite, u) = (
        if role == Role::Partenaire {
            "kinesitherapeute"
        } else {
            "proche"
        },
        w.inside,
    );
    if role == Role::Partenaire {
        w.app
            .db
            .exec(&format!(
                "INSERT INTO affectation (utilisateur_id, usager_id, created_at) VALUES ({id}, {u}, '{now}')"
            ))
            .await
            .unwrap();
    }
    w.app
        .db
        .exec(&format!(
            "INSERT INTO liaison_participant (usager_id, utilisateur_id, qualite, peut_ecrire, debut) VALUES ({u}, {id}, '{qualite}', 1, '{now}')"
        ))
        .await
        .unwrap();
}

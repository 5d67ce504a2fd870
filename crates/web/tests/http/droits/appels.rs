//! The requests of the policy-route table: the world (two établissements, a file in each,
//! one account per role) and one call of a route with a body that succeeds when allowed.

use std::sync::Arc;

use chrono::Utc;
use dui_domain::policy::Role;
use dui_interop::insi::simulator::FixtureInsi;
use dui_store::admin::utilisateur::hash_password;
use dui_store::audit::Actor;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::Route;
use crate::helpers::{
    client, csrf_from, finess, spawn_app_with_insi, user_input, TestApp, PASSWORD,
};

/// The world: établissement A (the accounts') and B, a file in A (in every account's scope:
/// the home-care worker and the relative are assigned to it, the `usager` account is its
/// own) and one in B (in nobody's), and one account per role.
pub(super) struct World {
    pub(super) app: TestApp,
    pub(super) a: i64,
    pub(super) fb: String,
    pub(super) inside: i64,
    pub(super) outside: i64,
    pub(super) directions: [String; 2],
}

pub(super) struct Who {
    pub(super) role: Role,
    pub(super) username: String,
    pub(super) token: String,
    pub(super) web: Client,
    pub(super) csrf: String,
}

const MOTIF: &str = "Remplacement de nuit : consultation des consignes de l'usager.";
const NOWHERE: &str = "999999";

fn jpeg() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43];
    j.extend_from_slice(&[0; 65]);
    j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0]);
    j.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
    j
}

async fn account(
    app: &TestApp,
    username: &str,
    role: Role,
    etabs: &[i64],
    usager: Option<i64>,
) -> i64 {
    let mut input = user_input(username, role, etabs);
    input.usager_id = usager;
    let actor = Actor {
        utilisateur_id: Some(app.admin_id),
        username: "admin".into(),
        ip: None,
    };
    app.db
        .store
        .create_utilisateur(
            &actor,
            &input,
            &hash_password(PASSWORD).unwrap(),
            false,
            Utc::now(),
        )
        .await
        .unwrap()
}

async fn send(c: &Client, method: &str, url: &str) -> reqwest::RequestBuilder {
    match method {
        "get" => c.get(url),
        "post" => c.post(url),
        "put" => c.put(url),
        "delete" => c.delete(url),
        other => panic!("méthode {other}"),
    }
}

pub(super) async fn world(engine: &str) -> World {
    let app = spawn_app_with_insi(engine, Arc::new(FixtureInsi::new(vec![]))).await;
    let a = app.etablissement_id;
    let fa = app.etablissement_finess.clone();
    let fb = finess(69, 200);
    let b = app
        .db
        .store
        .create_etablissement(
            &Actor {
                utilisateur_id: None,
                username: "installation".into(),
                ip: None,
            },
            &dui_store::admin::organisation::EtablissementInput {
                organisme_id: app.organisme_id,
                nom: "Foyer Les Cèdres".into(),
                finess: fb.clone(),
                siret: None,
                categorie: "500".into(),
                domaine: dui_domain::organisation::Domaine::Pa,
                capacite: None,
                adresse: None,
                actif: true,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    account(&app, "dir.a", Role::Direction, &[a], None).await;
    account(&app, "dir.b", Role::Direction, &[b], None).await;
    let directions = [app.token("dir.a").await, app.token("dir.b").await];
    let mut ids = vec![];
    let people = [
        json!({"nom_naissance": "Dupont", "prenoms": ["Hélène"], "date_naissance": "1938-04-12", "sexe": "F", "etablissement": fa}),
        json!({"nom_naissance": "Bernard", "prenoms": ["Paul"], "date_naissance": "1945-02-03", "sexe": "M", "etablissement": fb}),
    ];
    for (token, person) in directions.iter().zip(&people) {
        let r = Client::new()
            .post(app.url("/api/v1/usagers"))
            .bearer_auth(token)
            .json(person)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = Client::new()
            .put(app.url(&format!("/api/v1/usagers/{id}/photo")))
            .bearer_auth(token)
            .header("content-type", "image/jpeg")
            .body(jpeg())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        ids.push(id);
    }
    World {
        fb,
        inside: ids[0],
        outside: ids[1],
        directions,
        a,
        app,
    }
}

pub(super) async fn who(w: &World, role: Role) -> Who {
    let username = format!("r.{}", role.code());
    let (etabs, usager) = match role {
        Role::Usager => (vec![], Some(w.inside)),
        Role::Proche | Role::Administrateur => (vec![], None),
        Role::Partenaire => (vec![w.a], None),
        _ => (vec![w.a], None),
    };
    let id = account(&w.app, &username, role, &etabs, usager).await;
    if matches!(role, Role::IntervenantDomicile | Role::Proche) {
        let r = Client::new()
            .post(
                w.app
                    .url(&format!("/api/v1/usagers/{}/affectations", w.inside)),
            )
            .bearer_auth(&w.directions[0])
            .json(&json!({"utilisateur_id": id}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    if matches!(role, Role::Proche | Role::Partenaire) {
        super::liaison::participation(w, id, role).await;
    }
    let web = client();
    assert_eq!(
        w.app.login(&web, &username, PASSWORD).await.status(),
        StatusCode::OK
    );
    let csrf = csrf_from(&w.app, &web, "/").await;
    Who {
        role,
        token: w.app.token(&username).await,
        username,
        web,
        csrf,
    }
}

/// The identity of the file in scope or of the other one.
fn identity(inside: bool) -> Value {
    if inside {
        json!({"nom_naissance": "Dupont", "prenoms": ["Hélène"], "date_naissance": "1938-04-12", "sexe": "F"})
    } else {
        json!({"nom_naissance": "Bernard", "prenoms": ["Paul"], "date_naissance": "1945-02-03", "sexe": "M"})
    }
}

/// Calls the route as `who` on the file; returns the status and the body's start.
pub(super) async fn call(
    w: &World,
    who: &Who,
    r: &Route,
    inside: bool,
    n: usize,
) -> (StatusCode, String) {
    let id = if inside { w.inside } else { w.outside };
    let etab_a = w.a.to_string();
    let finess_ = if inside {
        w.app.etablissement_finess.clone()
    } else {
        w.fb.clone()
    };
    let path = r
        .path
        .replace("{id}", &id.to_string())
        .replace("{section}", r.arg)
        .replace("{role}", "medecin_traitant")
        .replace("{eid}", NOWHERE)
        .replace("{fid}", NOWHERE)
        .replace("{pid}", NOWHERE)
        .replace("{sid}", NOWHERE)
        .replace("{uid}", NOWHERE)
        .replace("{mid}", NOWHERE)
        .replace("{tid}", NOWHERE)
        .replace("{aid}", NOWHERE)
        .replace("{iid}", NOWHERE)
        .replace("{mesure}", "temperature")
        .replace("{numero}", "1");
    let path = if r.method == "get" && path == "/usagers" {
        "/usagers?q=dupont".to_string()
    } else if path.ends_with("/diff") {
        format!("{path}?de=1&a=2")
    } else {
        path
    };
    // A new person per creation (no duplicate of an earlier one), each with a birth date
    // of its own; the call's number in letters (base 26: names have no digits, and stay
    // short however many routes the table has).
    let prenom: String = {
        let (mut k, mut s) = (n, String::from("Essai"));
        loop {
            s.push((b'a' + (k % 26) as u8) as char);
            k /= 26;
            if k == 0 {
                break s;
            }
        }
    };
    let naissance = format!(
        "{}-{:02}-{:02}",
        1920 + n % 70,
        1 + (n / 70) % 12,
        1 + (n / 840) % 28
    );
    let person = json!({"nom_naissance": format!("Creation {prenom}"), "prenoms": [prenom], "date_naissance": naissance, "sexe": "M", "etablissement": finess_});
    let version = || async {
        let r = Client::new()
            .get(w.app.url(&format!("/api/v1/usagers/{id}")))
            .bearer_auth(&w.directions[usize::from(!inside)])
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()["version"]
            .as_i64()
            .unwrap()
    };
    let rb = if r.api {
        let url = w.app.url(&format!("/api/v1{path}"));
        let rb = send(&Client::new(), r.method, &url)
            .await
            .bearer_auth(&who.token);
        match (r.method, r.path) {
            ("post", "/usagers") => rb.json(&person),
            ("put", "/usagers/{id}") => {
                let v = version().await;
                let mut body = identity(inside);
                body["version"] = json!(v);
                rb.json(&body)
            }
            ("put", "/usagers/{id}/photo") => rb.header("content-type", "image/jpeg").body(jpeg()),
            ("post", "/usagers/{id}/identite/justificatif") => rb.json(&json!({"type_justificatif": "passeport"})),
            ("post", "/usagers/{id}/identite/attributs") => {
                rb.json(&json!({"douteuse": r.arg == "true", "motif": MOTIF}))
            }
            ("post", "/usagers/{id}/non-doublons") | ("post", "/usagers/{id}/fusions") => {
                rb.json(&json!({"autre_id": 999999}))
            }
            ("post", "/usagers/{id}/entourage") | ("put", "/usagers/{id}/entourage/{eid}") => rb
                .header("If-Match", "\"1\"")
                .json(&json!({"nom": "Martin", "prenom": "Paul", "relation": "enfant"})),
            ("post", "/usagers/{id}/professionnels") => rb.json(
                &json!({"role": "autre", "nom": "Lambert", "prenom": "Luc", "fonction": "Kinésithérapeute"}),
            ),
            ("post", "/usagers/{id}/affectations") => {
                // A new account each time: assigning twice changes nothing (and is not
                // audited, nothing being read or changed).
                let role = Role::IntervenantDomicile;
                let id = account(&w.app, &format!("aff.{n}"), role, &[w.a], None).await;
                rb.json(&json!({"utilisateur_id": id}))
            }
            ("post", "/usagers/{id}/acces-exceptionnel") => rb.json(&json!({"motif": MOTIF})),
            ("post", "/usagers/{id}/sejours") => rb.json(&json!({"etablissement_id": w.a,
                "type_accompagnement": "accueil_jour", "date_entree": "2026-01-05"})),
            ("put", "/usagers/{id}/sejours/{sid}") => rb.header("If-Match", "\"1\"").json(&json!({
                "type_accompagnement": "accueil_jour", "date_entree": "2026-01-05"})),
            ("post", "/usagers/{id}/sejours/{sid}/transfert") => rb.header("If-Match", "\"1\"")
                .json(&json!({"date": "2026-02-01", "etablissement_id": w.a})),
            ("post", "/usagers/{id}/sejours/{sid}/sortie") => rb.header("If-Match", "\"1\"")
                .json(&json!({"date": "2026-02-01", "mode_sortie": "retour_domicile"})),
            ("post", "/usagers/{id}/prestations") | ("put", "/usagers/{id}/prestations/{pid}") => rb
                .header("If-Match", "\"1\"")
                .json(&super::super::parcours_suivi::prestation()),
            ("post", "/usagers/{id}/mesures") => rb.json(&super::super::parcours_suivi::mesure()),
            ("post", "/usagers/{id}/mesures/{mid}/revisions") => rb.header("If-Match", "\"1\"").json(&json!({
                "date_revision": "2026-03-01", "revise_par": "Dr Bernard", "decision": "levee"})),
            ("post", "/usagers/{id}/echanges") => rb.json(&json!({"date_echange": "2026-01-05T10:00:00Z",
                "type_echange": "appel", "sens": "entrant", "interlocuteur": "Mme DUPONT, fille",
                "objet": "Nouvelles", "resume": "Demande des nouvelles."})),
            ("post", "/usagers/{id}/suivis") => rb.json(&json!({"libelle": "Nouvelles à 3 mois",
                "echeance": "2026-06-01", "assigne_a": 999999})),
            ("post", "/usagers/{id}/suivis/{tid}/fait") => rb.header("If-Match", "\"1\"")
                .json(&json!({"note": "Appel à la famille"})),
            ("post", "/usagers/{id}/presences") => rb.json(&json!({"sejour_id": 999999,
                "debut": "2026-02-01", "fin": "2026-02-03", "type_absence": "vacances"})),
            ("post", "/usagers/{id}/evaluations") | ("put", "/usagers/{id}/evaluations/{eid}") => rb
                .header("If-Match", "\"1\"")
                .json(&json!({"grille": "braden", "reponses": {"perception": "4", "humidite": "4",
                    "activite": "4", "mobilite": "4", "nutrition": "4", "friction": "3"}})),
            ("post", "/usagers/{id}/evaluations/{eid}/validation") => rb.json(&json!({"version": 1})),
            ("post", "/usagers/{id}/transmissions") => {
                rb.json(&json!({"cible": "Repas", "donnees": "A peu mangé.", "actions": "Collation proposée."}))
            }
            ("post", "/usagers/{id}/projets") => rb.json(&json!({"type": "ppa", "contenu": {}})),
            ("post", "/usagers/{id}/soins/synthese/entrees") => {
                rb.json(&json!({"rubrique": "allergie", "libelle": "Pénicilline"}))
            }
            ("post", "/usagers/{id}/soins/synthese/entrees/{eid}/fin") => rb.json(&json!({"version": 1})),
            ("post", "/usagers/{id}/soins/observations") => {
                rb.json(&json!({"type_observation": "infirmiere", "texte": "Sommeil agité."}))
            }
            ("post", "/usagers/{id}/soins/dlu/retours") => rb.json(&json!({"diagnostic": "Contusion du genou."})),
            ("post", "/usagers/{id}/psychologie") => {
                rb.json(&json!({"titre": "Entretien", "texte": "Entretien d'accueil."}))
            }
            ("put", "/usagers/{id}/projets/{pid}") => rb
                .header("If-Match", "\"1\"")
                .json(&json!({"contenu": {}})),
            ("post", "/usagers/{id}/projets/{pid}/validation") => {
                rb.header("If-Match", "\"1\"").json(&json!({}))
            }
            ("post", "/usagers/{id}/projets/{pid}/versions/{numero}/signatures") => rb
                .header("If-Match", "\"1\"")
                .json(&json!({"signataire": "Hélène Dupont", "qualite": "personne", "decision": "signe"})),
            ("post", "/usagers/{id}/soins/plan") | ("put", "/usagers/{id}/soins/plan/{aid}") => rb
                .header("If-Match", "\"1\"")
                .json(&json!({"type_acte": "hygiene", "libelle": "Aide à la toilette", "intervenant": "aide_soignant", "type_frequence": "quotidien", "horaires": "07:30"})),
            ("post", "/usagers/{id}/soins/constantes") => rb.json(&json!({"type_mesure": "pouls", "valeur": 72})),
            ("post", "/usagers/{id}/interventions") | ("put", "/usagers/{id}/interventions/{iid}") => rb
                .header("If-Match", "\"1\"")
                .json(&json!({"etablissement_id": w.a, "taches": "toilette,repas", "jours_semaine": "1,4", "heure_debut": "08:00", "heure_fin": "09:30", "duree_minutes": 45})),
            ("put", "/usagers/{id}/soins/constantes/seuils/{mesure}") => rb.json(&json!({"bas": 36, "haut": 38, "version": 0})),
            ("post", "/usagers/{id}/soins/prescriptions") | ("put", "/usagers/{id}/soins/prescriptions/{pid}") => rb
                .header("If-Match", "\"1\"")
                .json(&json!({"type_prescription": "examen", "libelle": "Bilan sanguin", "prescripteur_nom": "Dr Durand", "prescripteur_rpps": "10000000009"})),
            ("post", "/usagers/{id}/soins/prescriptions/{pid}/arret") => rb.json(&json!({"version": 1})),
            ("post", p) if p.starts_with("/usagers/{id}/liaison") => {
                rb.json(&super::liaison::corps(p, n, false))
            }
            ("post" | "put", p) if p.starts_with("/usagers/{id}/equipe") => {
                rb.json(&super::equipe::corps(p, false))
            }
            ("post", _) => rb.json(&json!({})),
            _ => rb,
        }
    } else {
        let url = w.app.url(&path);
        let rb = send(&who.web, r.method, &url).await;
        let csrf = who.csrf.as_str();
        match (r.method, r.path) {
            ("get", _) => rb,
            ("post", "/usagers") => rb.form(&[
                ("_csrf", csrf),
                ("nom_naissance", person["nom_naissance"].as_str().unwrap()),
                ("prenoms", person["prenoms"][0].as_str().unwrap()),
                ("date_naissance", naissance.as_str()),
                ("sexe", "M"),
                ("etablissement", finess_.as_str()),
            ]),
            ("post", "/usagers/{id}/identite") => {
                let v = version().await.to_string();
                let i = identity(inside);
                let f = |k: &str| i[k].as_str().unwrap_or_default().to_string();
                rb.form(&[
                    ("_csrf", csrf.to_string()),
                    ("nom_naissance", f("nom_naissance")),
                    ("prenoms", i["prenoms"][0].as_str().unwrap().to_string()),
                    ("date_naissance", f("date_naissance")),
                    ("sexe", f("sexe")),
                    ("version", v),
                ])
            }
            ("post", "/usagers/{id}/identite/statut") => rb.form(&[
                ("_csrf", csrf),
                ("action", "justificatif"),
                ("type_justificatif", "passeport"),
            ]),
            ("post", "/usagers/{id}/section/accompagnement") => rb.form(&[
                ("_csrf", csrf),
                ("texte", "Après-midi calme, promenade au jardin."),
            ]),
            ("post", "/usagers/{id}/entourage") => rb.form(&[
                ("_csrf", csrf),
                ("nom", "Martin"),
                ("prenom", "Paul"),
                ("relation", "enfant"),
            ]),
            ("post", "/usagers/{id}/professionnels") => rb.form(&[
                ("_csrf", csrf),
                ("role", "autre"),
                ("nom", "Lambert"),
                ("prenom", "Luc"),
                ("fonction", "Kinésithérapeute"),
            ]),
            ("post", "/usagers/{id}/photo") => {
                let form = reqwest::multipart::Form::new()
                    .text("_csrf", who.csrf.clone())
                    .part(
                        "photo",
                        reqwest::multipart::Part::bytes(jpeg())
                            .file_name("photo.jpg")
                            .mime_str("image/jpeg")
                            .unwrap(),
                    );
                rb.multipart(form)
            }
            ("post", "/usagers/{id}/fusion") | ("post", "/usagers/{id}/non-doublon") => {
                rb.form(&[("_csrf", csrf), ("autre_id", "U0999999")])
            }
            // Field staff (issue 16).
            ("post", "/usagers/{id}/fusion/annulation") => {
                rb.form(&[("_csrf", csrf), ("fusion_id", NOWHERE)])
            }
            ("post", "/usagers/{id}/entourage/{eid}") => rb.form(&[
                ("_csrf", csrf),
                ("nom", "Martin"),
                ("prenom", "Paul"),
                ("relation", "enfant"),
                ("version", "1"),
            ]),
            ("post", "/usagers/{id}/affectations/fin") => {
                rb.form(&[("_csrf", csrf), ("utilisateur_id", NOWHERE)])
            }
            ("post", "/usagers/{id}/affectations") => {
                let role = Role::IntervenantDomicile;
                let id = account(&w.app, &format!("aff.page.{n}"), role, &[w.a], None).await;
                rb.form(&[
                    ("_csrf", csrf.to_string()),
                    ("utilisateur_id", id.to_string()),
                ])
            }
            ("post", "/usagers/{id}/acces-exceptionnel") => {
                rb.form(&[("_csrf", csrf), ("motif", MOTIF)])
            }
            ("post", "/usagers/{id}/projet") => rb.form(&[("_csrf", csrf), ("type", "ppa")]),
            ("post", "/usagers/{id}/projet/{pid}/brouillon") => rb.form(&[
                ("_csrf", csrf),
                ("version", "1"),
                ("operation", "textes"),
                ("attentes", "Rester chez moi"),
            ]),
            ("post", "/usagers/{id}/projet/{pid}/validation") => {
                rb.form(&[("_csrf", csrf), ("version", "1")])
            }
            ("post", "/usagers/{id}/projet/{pid}/signature") => rb.form(&[
                ("_csrf", csrf),
                ("version", "1"),
                ("numero", "1"),
                ("signataire", "Hélène Dupont"),
                ("qualite", "personne"),
                ("decision", "signe"),
            ]),
            ("post", "/usagers/{id}/evaluations") => rb.form(&[
                ("_csrf", csrf),
                ("grille", "braden"),
                ("q:perception", "3"),
                ("q:humidite", "3"),
                ("q:activite", "3"),
                ("q:mobilite", "3"),
                ("q:nutrition", "3"),
                ("q:friction", "2"),
            ]),
            ("post", "/usagers/{id}/evaluations/{eid}/validation") => {
                rb.form(&[("_csrf", csrf), ("version", "1")])
            }
            ("post", "/usagers/{id}/sejours") => rb.form(&[
                ("_csrf", csrf.to_string()),
                ("etablissement_id", w.a.to_string()),
                ("type_accompagnement", "accueil_jour".into()),
                ("date_entree", "2026-01-05".into()),
            ]),
            ("post", "/usagers/{id}/sejours/{sid}/transfert") => rb.form(&[
                ("_csrf", csrf.to_string()),
                ("version", "1".into()),
                ("date", "2026-02-01".into()),
                ("etablissement_id", w.a.to_string()),
            ]),
            ("post", "/usagers/{id}/sejours/{sid}/sortie") => rb.form(&[
                ("_csrf", csrf),
                ("version", "1"),
                ("date", "2026-02-01"),
                ("mode_sortie", "retour_domicile"),
            ]),
            ("post", "/usagers/{id}/prestations") | ("post", "/usagers/{id}/prestations/{pid}") => {
                rb.form(&[
                    ("_csrf", csrf),
                    ("version", "1"),
                    ("type_prestation", "apa"),
                    ("date_debut", "2026-01-01"),
                    ("date_fin", "2026-12-31"),
                    ("montant", "450,00"),
                ])
            }
            ("post", "/usagers/{id}/mesures") => rb.form(&[
                ("_csrf", csrf),
                ("nature", "unite_protegee"),
                ("description", "Vie en unité protégée"),
                ("motif", "Désorientation"),
                ("avis_medical_par", "Dr Bernard"),
                ("avis_medical_date", "2026-01-02"),
                ("consentement", "personne"),
                ("date_debut", "2026-01-05"),
                ("prochaine_revision", "2026-04-05"),
            ]),
            ("post", "/usagers/{id}/mesures/{mid}/revision") => rb.form(&[
                ("_csrf", csrf),
                ("version", "1"),
                ("date_revision", "2026-03-01"),
                ("revise_par", "Dr Bernard"),
                ("decision", "levee"),
            ]),
            ("post", "/usagers/{id}/suivis") => rb.form(&[
                ("_csrf", csrf),
                ("libelle", "Nouvelles à 3 mois"),
                ("echeance", "2026-06-01"),
                ("assigne_a", "999999"),
            ]),
            ("post", "/usagers/{id}/suivis/{tid}/fait") => rb.form(&[
                ("_csrf", csrf),
                ("version", "1"),
                ("note", "Appel à la famille"),
            ]),
            ("post", "/usagers/{id}/sejours/absence") => rb.form(&[
                ("_csrf", csrf),
                ("sejour_id", "999999"),
                ("debut", "2026-02-01"),
                ("fin", "2026-02-02"),
                ("type_absence", "vacances"),
            ]),
            ("post", "/usagers/{id}/soins/synthese/{eid}/fin") => {
                rb.form(&[("_csrf", csrf), ("version", "1")])
            }
            ("post", "/usagers/{id}/soins/synthese") => rb.form(&[
                ("_csrf", csrf),
                ("rubrique", "risque"),
                ("libelle", "Risque de chute"),
            ]),
            ("post", "/usagers/{id}/soins/observations") => rb.form(&[
                ("_csrf", csrf),
                ("type_observation", "infirmiere"),
                ("texte", "Appétit conservé."),
            ]),
            ("post", "/usagers/{id}/soins/dlu/retours") => rb.form(&[
                ("_csrf", csrf),
                ("diagnostic", "Plaie du cuir chevelu suturée."),
            ]),
            ("post", "/usagers/{id}/psychologie") => rb.form(&[
                ("_csrf", csrf),
                ("titre", "Entretien"),
                ("texte", "Humeur stable."),
            ]),
            ("post", "/usagers/{id}/soins/plan") => rb.form(&[
                ("_csrf", csrf),
                ("type_acte", "hygiene"),
                ("libelle", "Aide à la toilette"),
                ("intervenant", "aide_soignant"),
                ("type_frequence", "quotidien"),
                ("horaires", "07:30"),
            ]),
            ("post", "/usagers/{id}/soins/constantes") => {
                rb.form(&[("_csrf", csrf), ("type_mesure", "pouls"), ("valeur", "72")])
            }
            ("post", "/usagers/{id}/interventions") => rb.form(&[
                ("_csrf", csrf),
                ("etablissement_id", etab_a.as_str()),
                ("t_toilette", "1"),
                ("jours_semaine", "1,4"),
                ("heure_debut", "08:00"),
                ("heure_fin", "09:30"),
                ("duree_minutes", "45"),
            ]),
            ("post", "/usagers/{id}/soins/constantes/seuils") => rb.form(&[
                ("_csrf", csrf),
                ("type_mesure", "temperature"),
                ("bas", "36"),
                ("haut", "38"),
                ("version", "0"),
            ]),
            ("post", "/usagers/{id}/soins/prescriptions") => rb.form(&[
                ("_csrf", csrf),
                ("type_prescription", "examen"),
                ("libelle", "Bilan sanguin"),
                ("prescripteur_nom", "Dr Durand"),
                ("prescripteur_rpps", "10000000009"),
            ]),
            ("post", "/usagers/{id}/soins/plan/{aid}/retrait")
            | ("post", "/usagers/{id}/soins/prescriptions/{pid}/arret") => {
                rb.form(&[("_csrf", csrf), ("version", "1")])
            }
            ("post", p) if p.starts_with("/usagers/{id}/liaison") => {
                let mut f = super::liaison::formulaire(&super::liaison::corps(p, n, true));
                f.push(("_csrf".into(), csrf.to_string()));
                rb.form(&f)
            }
            ("post", p) if p.starts_with("/usagers/{id}/equipe") => {
                let mut f = super::liaison::formulaire(&super::equipe::corps(p, true));
                f.push(("_csrf".into(), csrf.to_string()));
                rb.form(&f)
            }
            _ => rb.form(&[("_csrf", csrf)]),
        }
    };
    let resp = rb.send().await.unwrap();
    let status = resp.status();
    let text: String = resp
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(160)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    (status, text)
}

//! Every role over every route that touches person data (issue 10, item 6): the status each
//! gets on a file in its scope and on one outside it is the one the domain's default matrix
//! (`decider`) and the scope rules give, and every successful access left an audit entry.
//! The table must name every `/usagers` route of the API (from the OpenAPI document and the
//! router's source) and of the HTML pages (from the router's source).

mod activites;
mod agenda;
mod appels;
mod equipe;
mod interventions;
mod liaison;
mod parcours;
mod plan_prescriptions;
mod soins;
mod table;

use std::collections::BTreeSet;

use chrono::Utc;
use dui_domain::policy::{decider, Action, Faits, Matrice, Role, Section};
use dui_store::audit::Filter;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::TestApp;
use appels::{call, who, world};
use table::table;

/// How the expected outcome is derived from the policy.
#[derive(Clone, Copy, Debug)]
enum Regle {
    /// A list over the caller's scope: the role reads the administrative section.
    Liste,
    /// Creating a file in an établissement: a professional who writes the administrative
    /// section and works there.
    Creation,
    /// The creation form: a professional who writes the administrative section.
    Formulaire,
    /// Every `(section, action)` on the file, as `decider` says.
    Fichier(&'static [(Section, Action)]),
    /// The file's audit: read of the administrative section, and the direction, the cadre,
    /// the referent or the person themself (`may_see_file_audit`).
    Tracabilite,
    /// Break-the-glass: any professional, on any file.
    AccesExceptionnel,
    /// At least one of these `(section, action)` on the file (the transmissions of every
    /// section the caller reads).
    UneDes(&'static [(Section, Action)]),
}

use Action::{Ecrire as E, Lire as L, Valider as V};
use Section::Accompagnement as Acc;
use Section::Administratif as Adm;

const LIRE: Regle = Regle::Fichier(&[(Adm, L)]);
const ECRIRE: Regle = Regle::Fichier(&[(Adm, E)]);
const VALIDER: Regle = Regle::Fichier(&[(Adm, V)]);
const LIRE_VALIDER: Regle = Regle::Fichier(&[(Adm, L), (Adm, V)]);
const ACC_LIRE: Regle = Regle::Fichier(&[(Acc, L)]);
const ACC_ECRIRE: Regle = Regle::Fichier(&[(Acc, E)]);
const ACC_VALIDER: Regle = Regle::Fichier(&[(Acc, V)]);
/// The *Projet* tab opens the file (administrative read) and reads the project.
const ACC_PAGE: Regle = Regle::Fichier(&[(Adm, L), (Acc, L)]);

/// One route: API or page, method, the router's path, an argument (the section for
/// `{section}`, the value sent to the identity attributes), the rule,
/// and the statuses an allowed call answers (the first is the success; others are outcomes
/// after the decision, e.g. 404 for the made-up ids that keep merges from happening).
struct Route {
    api: bool,
    method: &'static str,
    path: &'static str,
    arg: &'static str,
    regle: Regle,
    ok: &'static [u16],
}

const fn api(method: &'static str, path: &'static str, regle: Regle, ok: &'static [u16]) -> Route {
    Route {
        api: true,
        method,
        path,
        arg: "",
        regle,
        ok,
    }
}

const fn page(method: &'static str, path: &'static str, regle: Regle, ok: &'static [u16]) -> Route {
    Route {
        api: false,
        method,
        path,
        arg: "",
        regle,
        ok,
    }
}

/// What the policy says of `role` on the route for the file in scope (`inside`) or not.
fn expected(m: &Matrice, role: Role, regle: Regle, inside: bool, a: i64) -> bool {
    let faits = Faits {
        etablissements_utilisateur: vec![a],
        etablissements_usager: vec![if inside { a } else { a + 1_000_000 }],
        affecte: inside && role.portee() == dui_domain::policy::Portee::Affectation,
        soi_meme: inside && role == Role::Usager,
        acces_exceptionnel_jusqua: None,
        dossier_clos: false,
    };
    let ok = |s, a| decider(m, role, &faits, s, a, Utc::now()).is_ok();
    match regle {
        Regle::Liste => m.permet(role, Adm, L),
        Regle::Creation => m.permet(role, Adm, E) && role.est_professionnel() && inside,
        Regle::Formulaire => m.permet(role, Adm, E) && role.est_professionnel(),
        Regle::Fichier(grants) => grants.iter().all(|(s, a)| ok(*s, *a)),
        Regle::Tracabilite => {
            ok(Adm, L)
                && (matches!(role, Role::Direction | Role::Cadre | Role::Administrateur)
                    || (role == Role::Usager && inside))
        }
        Regle::AccesExceptionnel => role.est_professionnel(),
        Regle::UneDes(grants) => grants.iter().any(|(s, a)| ok(*s, *a)),
    }
}

/// The newest audit entry by `username`, about file `usager` when given.
async fn last_audit_id(app: &TestApp, username: &str, usager: Option<i64>) -> i64 {
    let filter = Filter {
        username: Some(username.to_string()),
        usager_id: usager,
        ..Filter::default()
    };
    let v = app.db.store.audit_search(&filter, 1).await.unwrap();
    v.first().map(|e| e.id).unwrap_or(0)
}

#[tokio::test]
async fn every_role_gets_what_the_policy_says_on_every_person_data_route() {
    for engine in dui_store::testing::engines() {
        let w = world(engine).await;
        let m = Matrice::par_defaut();
        let routes = table();
        let mut failures = vec![];
        let mut n = 0;
        for role in Role::ALL {
            let who = who(&w, *role).await;
            for r in &routes {
                for inside in [true, false] {
                    n += 1;
                    let allowed = expected(&m, who.role, r.regle, inside, w.a);
                    // A file's route is audited on that file; a list or a creation by the caller.
                    let file = match r.regle {
                        Regle::Liste | Regle::Creation | Regle::Formulaire => None,
                        _ => Some(if inside { w.inside } else { w.outside }),
                    };
                    let before = last_audit_id(&w.app, &who.username, file).await;
                    let (status, body) = call(&w, &who, r, inside, n).await;
                    let what = format!(
                        "{engine}: {} {} {}{} {} sur le dossier {} : {status} {body}",
                        who.username,
                        if r.api { "API" } else { "page" },
                        r.method.to_uppercase(),
                        r.path,
                        r.arg,
                        if inside {
                            "du périmètre"
                        } else {
                            "hors périmètre"
                        },
                    );
                    let good = if allowed {
                        r.ok.contains(&status.as_u16())
                    } else {
                        status == StatusCode::FORBIDDEN
                    };
                    if !good {
                        failures.push(format!(
                            "attendu {}: {what}",
                            if allowed {
                                format!("{:?}", r.ok)
                            } else {
                                "403".into()
                            }
                        ));
                        continue;
                    }
                    let success = status.is_success()
                        || (r.method == "post" && status == StatusCode::SEE_OTHER);
                    if success
                        && r.path != "/usagers/nouveau"
                        && last_audit_id(&w.app, &who.username, file).await <= before
                    {
                        failures.push(format!("accès non journalisé : {what}"));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} écarts :\n{}",
            failures.len(),
            failures.join("\n")
        );
        w.app.stop().await;
    }
}

/// `(api, method, path)` of every `.route("/usagers…", …)` in the web crate's source: routes
/// declared in a function named `api_routes` are API routes, the others pages.
fn router_routes() -> BTreeSet<(bool, String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = vec![];
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut found = BTreeSet::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for (at, _) in src.match_indices(".route(") {
            let rest = src[at + 7..].trim_start();
            let Some(lit) = rest.strip_prefix('"') else {
                continue;
            };
            let path = &lit[..lit.find('"').unwrap()];
            if !path.starts_with("/usagers") {
                continue;
            }
            // The call's arguments: up to the matching parenthesis.
            let (mut depth, mut end) = (1, 0);
            for (i, c) in src[at + 7..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = at + 7 + i;
                    break;
                }
            }
            let call = &src[at + 7..end];
            let api = src[..at].rfind("fn api_routes") > src[..at].rfind("fn routes");
            for m in ["get", "post", "put", "delete", "patch"] {
                let hit = call.match_indices(&format!("{m}(")).any(|(i, _)| {
                    i == 0 || !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if hit {
                    found.insert((api, m.to_string(), path.to_string()));
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn the_table_names_every_person_data_route() {
    let table: BTreeSet<(bool, String, String)> = table()
        .iter()
        .map(|r| (r.api, r.method.to_string(), r.path.to_string()))
        .collect();
    let routes = router_routes();
    assert!(routes.len() > 40, "{routes:?}");
    let missing: Vec<_> = routes.difference(&table).collect();
    let unknown: Vec<_> = table.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes absentes de la table des droits : {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "routes de la table absentes du routeur : {unknown:?}"
    );

    // The API's `/usagers` operations, as the OpenAPI document lists them.
    let app = crate::helpers::spawn_app("sqlite").await;
    let doc: Value = Client::new()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        if path.starts_with("/usagers") {
            for m in item.as_object().unwrap().keys() {
                if ["get", "post", "put", "delete", "patch"].contains(&m.as_str()) {
                    documented.insert((true, m.clone(), path.to_string()));
                }
            }
        }
    }
    let api: BTreeSet<_> = table.iter().filter(|r| r.0).cloned().collect();
    assert!(!documented.is_empty());
    assert_eq!(
        documented.difference(&api).collect::<Vec<_>>(),
        Vec::<&(bool, String, String)>::new(),
        "opérations documentées absentes de la table des droits"
    );
    app.stop().await;
}

/// Without an INSi service, the INSi routes still answer the policy first: 403 to a role
/// that may not validate or to a file out of scope, and only then « not configured » (503).
#[tokio::test]
async fn insi_routes_decide_before_telling_the_service_is_missing() {
    for engine in dui_store::testing::engines() {
        let app = crate::helpers::spawn_app(engine).await;
        let a = app.etablissement_id;
        app.create_user("secr", Role::Secretariat, &[a]).await;
        app.create_user("educ", Role::Educateur, &[a]).await;
        let (secr, educ) = (app.token("secr").await, app.token("educ").await);
        let r = Client::new()
            .post(app.url("/api/v1/usagers"))
            .bearer_auth(&secr)
            .json(&serde_json::json!({"nom_naissance": "Dupont", "prenoms": ["Hélène"], "date_naissance": "1938-04-12", "sexe": "F"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        for path in ["identite/insi", "identite/insi/verification"] {
            let url = app.url(&format!("/api/v1/usagers/{id}/{path}"));
            let status = |token: &str| {
                let rb = Client::new()
                    .post(&url)
                    .bearer_auth(token)
                    .json(&serde_json::json!({}));
                async move { rb.send().await.unwrap().status() }
            };
            assert_eq!(
                status(&educ).await,
                StatusCode::FORBIDDEN,
                "{engine}: {path}"
            );
            assert_eq!(
                status(&secr).await,
                StatusCode::SERVICE_UNAVAILABLE,
                "{engine}: {path}"
            );
        }
        app.stop().await;
    }
}

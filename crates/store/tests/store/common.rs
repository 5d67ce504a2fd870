//! Shared fixtures: fixed instants, actors, valid FINESS numbers, seeded organisation,
//! accounts and usagers (inserted with raw SQL while the usager store is being written).

use chrono::{DateTime, Duration, TimeZone, Utc};
use dui_domain::identifiers::Finess;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_store::admin::organisation::{EtablissementInput, OrganismeInput};
use dui_store::admin::utilisateur::{Utilisateur, UtilisateurInput};
use dui_store::audit::{Actor, Entry, Filter};
use dui_store::policy::{
    authorize, authorize_recherche, load_matrix, Capability, CapaciteRecherche, Principal,
};
use dui_store::testing::TestDb;
use dui_store::usager::{IdentiteInput, Recherche, ResultatRecherche, TraitsCompares};
use dui_store::{Store, StoreError, StoreResult};

/// A fixed instant: every test passes time explicitly.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// `t0` plus some minutes.
pub fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

/// The administrator doing the set-up.
pub fn admin() -> Actor {
    Actor {
        utilisateur_id: None,
        username: "admin".into(),
        ip: Some("127.0.0.1".into()),
    }
}

/// A valid FINESS number `DD NNNNNN K` built from a département and a serial (Luhn key found
/// by the domain parser itself).
pub fn finess(dept: u32, serial: u32) -> String {
    (0..10)
        .map(|k| format!("{dept:02}{serial:06}{k}"))
        .find(|s| Finess::parse(s).is_ok())
        .expect("une clé FINESS valide existe")
}

/// An organisme input.
pub fn organisme(nom: &str, finess_juridique: &str) -> OrganismeInput {
    OrganismeInput {
        nom: nom.into(),
        finess_juridique: finess_juridique.into(),
        siren: None,
        adresse: Some("1 place Bellecour, 69002 Lyon".into()),
    }
}

/// An établissement input (EHPAD).
pub fn etablissement(organisme_id: i64, nom: &str, finess: &str) -> EtablissementInput {
    EtablissementInput {
        organisme_id,
        nom: nom.into(),
        finess: finess.into(),
        siret: None,
        categorie: "500".into(),
        domaine: dui_domain::organisation::Domaine::Pa,
        capacite: Some(80),
        adresse: None,
        actif: true,
    }
}

/// An organisation: one organisme and two établissements A and B.
pub struct Org {
    pub organisme: i64,
    pub a: i64,
    pub b: i64,
}

/// Seeds an organisme with établissements A and B.
pub async fn seed_org(store: &Store) -> Org {
    let organisme = store
        .create_organisme(
            &admin(),
            &organisme("Association Test", &finess(69, 1)),
            t0(),
        )
        .await
        .unwrap();
    let a = store
        .create_etablissement(
            &admin(),
            &etablissement(organisme, "EHPAD Les Tilleuls", &finess(69, 100)),
            t0(),
        )
        .await
        .unwrap();
    let b = store
        .create_etablissement(
            &admin(),
            &etablissement(organisme, "EHPAD Les Marronniers", &finess(69, 200)),
            t0(),
        )
        .await
        .unwrap();
    Org { organisme, a, b }
}

/// An account input.
pub fn user_input(username: &str, role: Role, etablissements: &[i64]) -> UtilisateurInput {
    UtilisateurInput {
        username: username.into(),
        nom: format!("Nom-{username}"),
        prenom: "Camille".into(),
        email: None,
        role,
        identifiant_pro: None,
        actif: true,
        etablissements: etablissements.to_vec(),
        usager_id: None,
    }
}

/// A stored hash that is never checked by these tests (argon2 is exercised by the HTTP tests).
pub const SOME_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2e7ilR5wqCWV8ByHRzRPAAiR3Wyng1yiOBrf0fwxW+I";

/// Creates an account and returns it.
pub async fn create_user(
    store: &Store,
    username: &str,
    role: Role,
    etablissements: &[i64],
) -> Utilisateur {
    let id = store
        .create_utilisateur(
            &admin(),
            &user_input(username, role, etablissements),
            SOME_HASH,
            false,
            t0(),
        )
        .await
        .unwrap();
    store.utilisateur(id).await.unwrap().unwrap()
}

/// The policy's view of an account.
pub fn principal(u: &Utilisateur) -> Principal {
    u.principal(Some("10.0.0.7".into()))
}

/// Inserts an usager with id `id` and a stay in `etablissement` (raw SQL: the usager store
/// is not written yet).
pub async fn insert_usager(
    db: &TestDb,
    id: i64,
    nom: &str,
    etablissement: i64,
    referent: Option<i64>,
) {
    let now = dui_store::ts(t0());
    let referent = referent
        .map(|r| r.to_string())
        .unwrap_or_else(|| "NULL".into());
    db.exec(&format!(
        "INSERT INTO usager (id, nom_naissance, prenoms_naissance, premier_prenom, date_naissance, sexe, statut_identite, \
         cle_nom, cle_phonetique, referent_id, created_at, updated_at) \
         VALUES ({id}, '{nom}', 'Hélène Marie', 'Hélène', '1938-04-12', 'F', 'PROV', '{nom}', '{nom}', {referent}, '{now}', '{now}')"
    ))
    .await
    .unwrap();
    db.exec(&format!(
        "INSERT INTO sejour (usager_id, etablissement_id, date_entree, created_at, updated_at) VALUES ({id}, {etablissement}, '2025-01-06', '{now}', '{now}')"
    ))
    .await
    .unwrap();
}

/// Every audit entry, oldest first.
pub async fn audit_entries(store: &Store) -> Vec<Entry> {
    let mut v = store
        .audit_search(&Filter::default(), 100_000)
        .await
        .unwrap();
    v.reverse();
    v
}

/// Audit entries matching an action code prefix, oldest first.
pub async fn audit_by_action(store: &Store, action: &str) -> Vec<Entry> {
    let f = Filter {
        action: Some(action.into()),
        ..Filter::default()
    };
    let mut v = store.audit_search(&f, 100_000).await.unwrap();
    v.reverse();
    v
}

/// An identity as the web layer hands it to the store (birth name in INS form).
pub fn ident(nom: &str, prenoms: &[&str], date: &str, sexe: &str) -> IdentiteInput {
    let prenoms = prenoms.iter().map(|p| p.to_string()).collect();
    IdentiteInput::new(nom.into(), prenoms, date.into(), sexe.into())
}

/// Creates an usager in `etablissement` as `who`; returns its id.
pub async fn create_usager(
    s: &Store,
    who: &Utilisateur,
    i: &IdentiteInput,
    etablissement: i64,
) -> i64 {
    create_usager_with(s, who, i, None, etablissement, &[]).await
}

/// Creates an usager with a NIR and the files `who` declared not duplicates; returns its id.
pub async fn create_usager_with(
    s: &Store,
    who: &Utilisateur,
    i: &IdentiteInput,
    nir: Option<&str>,
    etablissement: i64,
    non_doublons: &[i64],
) -> i64 {
    s.create_usager_unchecked(
        &principal(who).actor(),
        i,
        nir,
        etablissement,
        "2025-01-06",
        non_doublons,
        t0(),
    )
    .await
    .unwrap()
    .get()
}

/// The policy's decision for `who` on a file's `section` at `now`.
pub async fn check(
    s: &Store,
    who: &Utilisateur,
    usager: i64,
    section: Section,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<Capability> {
    let m = load_matrix(s).await?;
    authorize(
        s,
        &m,
        &principal(who),
        UsagerId(usager),
        section,
        action,
        now,
    )
    .await
}

/// The policy's decision for `who` on a file's administrative section at `now`.
pub async fn cap_at(
    s: &Store,
    who: &Utilisateur,
    usager: i64,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<Capability> {
    check(s, who, usager, Section::Administratif, action, now).await
}

/// The capability `who` gets on a file's administrative section (granted, or the test fails).
pub async fn cap(s: &Store, who: &Utilisateur, usager: i64, action: Action) -> Capability {
    cap_at(s, who, usager, action, at(1)).await.unwrap()
}

/// The refusal of a denied operation (any other outcome fails the test).
pub fn refus<T: std::fmt::Debug>(r: StoreResult<T>) -> Refus {
    match r {
        Err(StoreError::Denied(r)) => r,
        other => panic!("refus attendu, obtenu {other:?}"),
    }
}

/// One page of `who`'s search for `texte`.
pub async fn recherche_page(
    s: &Store,
    who: &Principal,
    texte: &str,
    limit: i64,
    cursor: Option<String>,
    now: DateTime<Utc>,
) -> (Vec<ResultatRecherche>, Option<String>) {
    let r = Recherche {
        texte: texte.into(),
        etablissement: None,
        limit,
        cursor,
    };
    s.rechercher_usagers(&recherche(s, who).await, &r, now)
        .await
        .unwrap()
}

/// The search capability of `who` (granted, or the test fails).
pub async fn recherche(s: &Store, who: &Principal) -> CapaciteRecherche {
    let m = load_matrix(s).await.unwrap();
    authorize_recherche(s, &m, who, t0()).await.unwrap()
}

/// The traits a duplicate check compares: birth name, first first name, birth date.
pub fn traits<'a>(nom: &'a str, prenom: &'a str, date: &'a str) -> TraitsCompares<'a> {
    TraitsCompares {
        nom_naissance: nom,
        nom_utilise: None,
        premier_prenom: prenom,
        date_naissance: date,
        ins: None,
        prenoms: &[],
    }
}

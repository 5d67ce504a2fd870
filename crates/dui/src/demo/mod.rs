//! The demo organisation: fictitious, loaded idempotently by `dui serve --demo`.

pub mod activites;
pub mod agenda;
pub mod candidatures;
mod droits;
// The team around the person, messages to professionals (hteam).
mod equipe;
mod evaluations;
mod identite;
mod liaison;
mod noms;
mod parcours;
mod plan_prescriptions;
// Home-care planning and télégestion (h13b).
mod planning;
mod ppe;
mod projets;
mod soins;
mod transmissions;
mod usagers;

pub use plan_prescriptions::ajouter as ajouter_plan_prescriptions;
pub use soins::ajouter as ajouter_soins;
pub use transmissions::corps_api as corps_transmission;
pub use usagers::generate as generate_usagers;

use anyhow::Context;
use chrono::Utc;
use dui_domain::policy::Role;
use dui_store::admin::organisation::{EtablissementInput, OrganismeInput};
use dui_store::admin::utilisateur::{hash_password, UtilisateurInput};
use dui_store::audit::Actor;
use dui_store::Store;

/// Password of every demo account (demo mode only, printed at start and in the README).
pub const DEMO_PASSWORD: &str = "Demo-DUI-2026!";

/// FINESS juridique of the fictitious organisme.
const FINESS_OG: &str = "690000005";

/// Ids of the demo organisation.
#[derive(Clone, Debug)]
pub struct DemoOrg {
    /// The organisme.
    pub organisme_id: i64,
    /// (id, domain code) of each établissement.
    pub etablissements: Vec<(i64, &'static str)>,
}

/// The établissements: (FINESS, name, TRE_R66 category, domain, capacity).
const ETABLISSEMENTS: [(&str, &str, &str, &str, i64); 5] = [
    ("690000013", "EHPAD Les Tilleuls", "500", "PA", 84),
    ("690000021", "IME Les Coquelicots", "183", "PH", 60),
    ("690000039", "MECS La Passerelle", "177", "PDE", 36),
    (
        "690000047",
        "SAD Rhône-Val (aide et soins à domicile)",
        "209",
        "DOM",
        150,
    ),
    ("690000054", "CHRS L'Escale", "214", "AHI", 40),
];

/// One account per role: (username, role, first name, last name, établissement indexes).
const ACCOUNTS: [(&str, Role, &str, &str, &[usize]); 12] = [
    (
        "admin",
        Role::Administrateur,
        "Alice",
        "Administratrice",
        &[0, 1, 2, 3, 4],
    ),
    (
        "direction",
        Role::Direction,
        "Dominique",
        "Dubois",
        &[0, 1, 2, 3, 4],
    ),
    (
        "secretariat",
        Role::Secretariat,
        "Sophie",
        "Séguin",
        &[0, 1, 3],
    ),
    ("cadre", Role::Cadre, "Claire", "Cadet", &[0, 3]),
    ("educateur", Role::Educateur, "Élodie", "Éluard", &[1, 2]),
    ("aide-soignant", Role::AideSoignant, "Ahmed", "Benali", &[0]),
    ("infirmier", Role::Infirmier, "Inès", "Ferreira", &[0, 3]),
    ("medecin", Role::Medecin, "Marc", "Lefèvre", &[0, 1]),
    ("psychologue", Role::Psychologue, "Paula", "Psaume", &[1, 2]),
    (
        "intervenant",
        Role::IntervenantDomicile,
        "Ibrahima",
        "Diallo",
        &[3],
    ),
    ("usager", Role::Usager, "Hélène", "Dupont", &[]),
    ("proche", Role::Proche, "Paul", "Dupont", &[]),
];

/// Creates the organisation, établissements and accounts if missing; returns their ids.
pub async fn load_organisation(store: &Store) -> anyhow::Result<DemoOrg> {
    let now = Utc::now();
    let actor = Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    let og = match store
        .organismes()
        .await?
        .into_iter()
        .find(|o| o.finess_juridique == FINESS_OG)
    {
        Some(o) => o.id,
        None => {
            let input = OrganismeInput {
                nom: "Association Rhône Solidarités (fictive)".into(),
                finess_juridique: FINESS_OG.into(),
                siren: Some("775000003".into()),
                adresse: Some("12 rue des Acacias, 69003 Lyon".into()),
            };
            store.create_organisme(&actor, &input, now).await?
        }
    };
    let mut etablissements = Vec::new();
    for (finess, nom, categorie, domaine, capacite) in ETABLISSEMENTS {
        let id = match store.etablissement_by_finess(finess).await? {
            Some(e) => e.id,
            None => {
                let input = EtablissementInput {
                    organisme_id: og,
                    nom: nom.into(),
                    finess: finess.into(),
                    siret: None,
                    categorie: categorie.into(),
                    domaine: dui_domain::organisation::Domaine::from_code(domaine)
                        .ok_or_else(|| anyhow::anyhow!("secteur inconnu {domaine}"))?,
                    capacite: Some(capacite),
                    adresse: None,
                    actif: true,
                };
                let id = store.create_etablissement(&actor, &input, now).await?;
                if domaine == "PA" {
                    store
                        .create_unite(&actor, id, "Unité de vie protégée", "unite", Some(14), now)
                        .await?;
                    store
                        .create_unite(&actor, id, "Hébergement permanent", "unite", Some(70), now)
                        .await?;
                }
                id
            }
        };
        etablissements.push((id, domaine));
    }
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .context("hachage")??;
    for (username, role, prenom, nom, etabs) in ACCOUNTS {
        if store.credentials(username).await?.is_some() {
            continue;
        }
        let input = UtilisateurInput {
            username: username.into(),
            nom: nom.into(),
            prenom: prenom.into(),
            email: None,
            role,
            identifiant_pro: match role {
                Role::Medecin => Some("10000000009".into()),
                Role::Infirmier => Some("10000000017".into()),
                _ => None,
            },
            actif: true,
            etablissements: etabs.iter().map(|i| etablissements[*i].0).collect(),
            usager_id: None,
        };
        store
            .create_utilisateur(&actor, &input, &hash, false, now)
            .await?;
    }
    store.audit_seal(now).await?;
    Ok(DemoOrg {
        organisme_id: og,
        etablissements,
    })
}

/// Prints the demo credentials (demo mode only).
pub fn print_accounts() {
    println!("Mode démonstration — données fictives. Comptes (mot de passe commun « {DEMO_PASSWORD} ») :");
    for (username, role, _, _, _) in ACCOUNTS {
        println!("  {username:<15} {}", role.label_fr());
    }
    for (username, role) in liaison::COMPTES {
        println!("  {username:<15} {role}");
    }
    println!("  {:<15} Cadre (IME et MECS)", agenda::CADRE_IME.0);
}

/// In demo mode, a first set of usagers (once): the portal usager Hélène Dupont with her
/// son as *proche*, home-care visits assigned to the intervenant, referents, and 300 others.
pub async fn ensure_demo_usagers(store: &Store, org: &DemoOrg) -> anyhow::Result<()> {
    if store.usager_count().await? > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let actor = Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    let user = |name: &'static str| async move {
        store.credentials(name).await.map(|c| c.map(|c| c.user))
    };
    let ehpad = org.etablissements[0].0;
    let helene = dui_store::usager::IdentiteInput {
        nom_naissance: "DUPONT".into(),
        prenoms_naissance: vec!["Hélène".into(), "Marie".into()],
        date_naissance: "1938-04-12".into(),
        sexe: "F".into(),
        lieu_naissance: Some("75056".into()),
        nom_utilise: Some("MARTIN".into()),
        prenom_utilise: None,
        referent_id: user("cadre").await?.map(|u| u.id),
        nom_naissance_saisi: None,
    };
    // The bulk path, as the rest of the demo data (creation with its checks is the product's).
    let helene_id = store
        .insert_usagers_bulk(
            &actor,
            &[dui_store::usager::BulkUsager {
                identite: helene,
                ins: None,
                statut: "PROV".into(),
                justificatif: None,
                etablissement_id: ehpad,
                date_entree: "2024-09-02".into(),
                entourage: Vec::new(),
            }],
            now,
        )
        .await?[0];
    for (name, assign) in [("usager", false), ("proche", true)] {
        if let Some(u) = user(name).await? {
            let input = UtilisateurInput {
                username: u.username.clone(),
                nom: u.nom.clone(),
                prenom: u.prenom.clone(),
                email: u.email.clone(),
                role: u.role,
                identifiant_pro: u.identifiant_pro.clone(),
                actif: true,
                etablissements: u.etablissements.clone(),
                usager_id: (!assign).then_some(helene_id),
            };
            store
                .update_utilisateur(&actor, u.id, u.version, &input, now)
                .await?;
            if assign {
                store.assign_bulk(&actor, &[(u.id, helene_id)], now).await?;
            }
        }
    }
    let cadre = user("cadre").await?.map(|u| u.id);
    let today = dui_domain::feuille_soins::jour_local(Utc::now());
    store
        .insert_projets_bulk(
            &actor,
            &[projets::projet_helene(
                dui_domain::ids::UsagerId(helene_id),
                cadre,
                today,
            )],
            now,
        )
        .await?;
    generate_usagers(store, org, 300, 7, async { Ok(()) }).await?;
    // Home-care visits: the intervenant is assigned to the first SAD usagers.
    if let (Some(intervenant), Some((sad, _))) = (
        user("intervenant").await?,
        org.etablissements.iter().find(|(_, d)| *d == "DOM"),
    ) {
        let who = dui_store::policy::Principal {
            id: 0,
            username: "demo".into(),
            role: dui_domain::policy::Role::Direction,
            etablissements: vec![*sad],
            usager_id: None,
            ip: None,
        };
        let r = dui_store::usager::Recherche {
            texte: "A".into(),
            etablissement: Some(*sad),
            limit: 15,
            cursor: None,
        };
        let m = dui_store::policy::load_matrix(store).await?;
        let cap = dui_store::policy::authorize_recherche(store, &m, &who, now).await?;
        let (found, _) = store.rechercher_usagers(&cap, &r, now).await?;
        for f in found {
            store
                .assign_bulk(&actor, &[(intervenant.id, f.id)], now)
                .await?;
        }
    }
    println!("{}", parcours::ajouter(store, org).await?);
    println!("{}", identite::ajouter(store, now).await?);
    println!("{}", droits::ajouter(store, org, helene_id).await?);
    // Hélène's AGGIR evaluations (the generated usagers got theirs).
    let mut evals = Vec::new();
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
    evaluations::pour(
        &mut rng,
        helene_id,
        "PA",
        today,
        (cadre, "cadre"),
        &mut evals,
    );
    let aggir = evaluations::aggir()?;
    store
        .insert_evaluations_bulk(&actor, &aggir, &evals, now)
        .await?;
    let n = evaluations::ajouter_besoins(store, org, 11).await?;
    println!("{n} évaluations des besoins SERAFIN-PH de démonstration (IME et MECS).");
    println!("{}", plan_prescriptions::ajouter(store, org, 30).await?);
    let n = ppe::ajouter(store, org).await?;
    println!("{n} enfants admis à la MECS sans PPE encore établi (alerte à 3 mois).");
    println!("{}", candidatures::ajouter(store, org, 40, 7).await?);
    println!("{}", soins::ajouter(store, org, Some(helene_id)).await?);
    // Home-care planning and télégestion (h13b).
    println!("{}", planning::ajouter(store, org).await?);
    // The liaison book of a SAD person (h13c).
    println!("{}", liaison::ajouter(store, Utc::now()).await?);
    // Agendas and exchanges (h13a).
    println!("{}", agenda::ajouter(store, org).await?);
    // Activities, sessions and attendance (hact).
    println!("{}", activites::ajouter(store, org, 7).await?);
    // Teams around the persons and messages between professionals (hteam).
    println!("{}", equipe::ajouter(store, org, Utc::now()).await?);
    store.audit_seal(now).await?;
    Ok(())
}

// h10: a demo account as the policy sees it, written once for the demo's modules.
/// Account `u` as the policy sees it (no address).
pub(crate) fn principal_de(
    u: &dui_store::admin::utilisateur::Utilisateur,
) -> dui_store::policy::Principal {
    dui_store::policy::Principal {
        id: u.id,
        username: u.username.clone(),
        role: u.role,
        etablissements: u.etablissements.clone(),
        usager_id: None,
        ip: None,
    }
}

/// The demo account `username` as the policy sees it, if the demo has it.
pub(crate) async fn principal(
    store: &Store,
    username: &str,
) -> anyhow::Result<Option<dui_store::policy::Principal>> {
    Ok(store
        .credentials(username)
        .await?
        .map(|c| principal_de(&c.user)))
}

/// Writers of the demo's records at once: each write through the product's path waits for its
/// commit, and the commits of several writers share a flush (decision 0061).
const ECRIVAINS: usize = 8;

/// Writes `items` by [`ECRIVAINS`] writers at once (item `k` by writer `k % ECRIVAINS`, each
/// writer in the items' order) and sums what `ecrire` answers for each.
pub(crate) async fn a_plusieurs<T, F, Fut>(items: Vec<T>, ecrire: F) -> anyhow::Result<usize>
where
    T: Send + 'static,
    F: Fn(T) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<usize>> + Send,
{
    let mut lots: Vec<Vec<T>> = (0..ECRIVAINS).map(|_| Vec::new()).collect();
    for (k, item) in items.into_iter().enumerate() {
        lots[k % ECRIVAINS].push(item);
    }
    let mut ecrivains = tokio::task::JoinSet::new();
    for lot in lots {
        let ecrire = ecrire.clone();
        ecrivains.spawn(async move {
            let mut total = 0;
            for item in lot {
                total += ecrire(item).await?;
            }
            anyhow::Ok(total)
        });
    }
    let mut total = 0;
    while let Some(r) = ecrivains.join_next().await {
        total += r??;
    }
    Ok(total)
}

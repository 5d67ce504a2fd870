//! Demo home-care planning (issue 13, item 7): the SAD has 40 home-care workers (the
//! `intervenant` account and 39 others), recurring interventions for its people, the visits
//! of the current week generated, the past ones done or missed; `intervenant` has today's
//! visits around the time of loading: two done, one in progress, one late, two to come.

use chrono::{Duration, NaiveTime, Utc};
use dui_domain::intervention::{lundi, Tache};
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::{hash_password, UtilisateurInput};
use dui_store::audit::Actor;
use dui_store::usager::{InterventionInput, TacheVisite, VisiteFaite};
use dui_store::Store;
use rand::{Rng, SeedableRng};

use super::DemoOrg;

const PRENOMS: [&str; 13] = [
    "Awa", "Bastien", "Chloé", "Djamel", "Estelle", "Fatou", "Grégory", "Hanane", "Isabelle",
    "Jérôme", "Karima", "Léa", "Mathis",
];
const NOMS: [&str; 13] = [
    "Barbier", "Camara", "Delorme", "Étienne", "Fabre", "Garnier", "Hamidi", "Joly", "Klein",
    "Lemaire", "Mercier", "Nguyen", "Perrin",
];
const RUES: [&str; 6] = [
    "rue Garibaldi, 69003 Lyon",
    "avenue Jean-Jaurès, 69007 Lyon",
    "rue de la République, 69100 Villeurbanne",
    "chemin des Vignes, 69230 Saint-Genis-Laval",
    "place Bellecour, 69002 Lyon",
    "rue Paul-Bert, 69003 Lyon",
];
/// Day slots of the workers (local start, end of the window, minutes, tasks).
const CRENEAUX: [(&str, &str, i64, &str); 8] = [
    ("07:30", "08:30", 45, "aide_lever,toilette,habillage"),
    ("08:45", "09:45", 45, "toilette,medicaments"),
    ("10:00", "11:30", 60, "menage,linge"),
    ("11:45", "12:45", 45, "repas,medicaments"),
    ("14:00", "15:30", 60, "courses,sortie"),
    ("16:00", "17:00", 30, "compagnie"),
    ("18:00", "19:00", 45, "repas,change"),
    ("19:30", "20:30", 30, "coucher,change"),
];

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Adds the planning of the SAD (once: nothing when it has interventions); a French line.
pub async fn ajouter(store: &Store, org: &DemoOrg) -> anyhow::Result<String> {
    let Some(&(sad, _)) = org.etablissements.iter().find(|(_, d)| *d == "DOM") else {
        return Ok("Pas de service à domicile : pas de planning.".into());
    };
    if !store.services_a_domicile(&[sad]).await?.is_empty() {
        return Ok("Planning à domicile déjà présent.".into());
    }
    let now = Utc::now();
    let actor = Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    let Some(intervenant) = store.credentials("intervenant").await?.map(|c| c.user) else {
        return Ok("Pas de compte intervenant : pas de planning.".into());
    };
    // 39 more workers (one password hash for all: demo accounts share the demo password).
    let hash = hash_password(super::DEMO_PASSWORD)?;
    let mut workers = vec![intervenant.id];
    for k in 0..39 {
        let username = format!("intervenant-{:02}", k + 1);
        let id = match store.credentials(&username).await? {
            Some(c) => c.user.id,
            None => {
                let input = UtilisateurInput {
                    username,
                    nom: NOMS[k % NOMS.len()].into(),
                    // Shifted on each round of the names: 40 workers, 40 different people.
                    prenom: PRENOMS[(k * 7 + 3 + k / NOMS.len()) % PRENOMS.len()].into(),
                    email: None,
                    role: Role::IntervenantDomicile,
                    identifiant_pro: None,
                    actif: true,
                    etablissements: vec![sad],
                    usager_id: None,
                };
                store
                    .create_utilisateur(&actor, &input, &hash, false, now)
                    .await?
            }
        };
        workers.push(id);
    }
    let usagers = store.usagers_en_sejour(sad, 160).await?;
    if usagers.is_empty() {
        return Ok("Aucune personne suivie par le SAD : pas de planning.".into());
    }
    let aujourdhui = dui_store::usager::jour_paris(now);
    let debut = (lundi(aujourdhui) - Duration::days(21)).to_string();
    let mut rows: Vec<(i64, InterventionInput)> = Vec::new();
    let intervention =
        |w: i64, de: String, a: String, duree: i64, taches: &str, jours: &str, rue: String| {
            InterventionInput {
                etablissement_id: sad,
                intervenant_id: Some(w),
                taches: taches.into(),
                tache_libre: None,
                adresse: Some(rue),
                jours_semaine: jours.into(),
                heure_debut: de,
                heure_fin: a,
                duree_minutes: duree,
                qualification: Some("Auxiliaire de vie sociale".into()),
                date_debut: debut.clone(),
                date_fin: None,
            }
        };
    // The other 39 workers: one (worker, slot) per intervention, so no overlap.
    let mut n = 0usize;
    for (i, u) in usagers.iter().enumerate() {
        let rue = format!("{} {}", 3 + i * 7 % 90, RUES[i % RUES.len()]);
        for _ in 0..(1 + i % 3) {
            let w = workers[1 + n % 39];
            let (de, a, duree, taches) = CRENEAUX[(n / 39) % CRENEAUX.len()];
            let jours = if n.is_multiple_of(3) {
                "1,2,3,4,5,6,7"
            } else {
                "1,2,3,4,5"
            };
            rows.push((
                *u,
                intervention(w, de.into(), a.into(), duree, taches, jours, rue.clone()),
            ));
            n += 1;
            if n >= 39 * CRENEAUX.len() {
                break;
            }
        }
    }
    // The demo worker: six visits every day around the time of loading.
    let depuis_minuit =
        (now - dui_domain::feuille_soins::instant_local(aujourdhui, NaiveTime::MIN)).num_minutes();
    let heure = |t: i64| -> NaiveTime {
        let (h, mn) = (
            u32::try_from(t / 60).unwrap_or(0),
            u32::try_from(t % 60).unwrap_or(0),
        );
        NaiveTime::from_hms_opt(h, mn, 0).unwrap_or(NaiveTime::MIN)
    };
    // A window `de`..`a` minutes from now, moved whole within the day (05:00 to 23:50) when
    // the demo is loaded early in the morning or late at night: it keeps its width, so its
    // end always follows its start.
    let fenetre = |de: i64, a: i64| -> (NaiveTime, NaiveTime) {
        let largeur = a - de;
        let debut = (depuis_minuit + de).clamp(5 * 60, 23 * 60 + 50 - largeur);
        (heure(debut), heure(debut + largeur))
    };
    let siens = [
        (-240, -180, 45, "aide_lever,toilette,habillage"),
        (-150, -90, 45, "repas,medicaments"),
        (-50, 10, 45, "menage,courses"),
        (-25, 35, 30, "compagnie,medicaments"),
        (60, 120, 45, "repas,change"),
        (150, 210, 30, "coucher"),
    ];
    for (k, (de, a, duree, taches)) in siens.iter().enumerate() {
        let u = usagers[k % usagers.len()];
        let rue = format!("{} {}", 10 + k * 11, RUES[k % RUES.len()]);
        let (debut, fin) = fenetre(*de, *a);
        rows.push((
            u,
            intervention(
                intervenant.id,
                hm(debut),
                hm(fin),
                *duree,
                taches,
                "1,2,3,4,5,6,7",
                rue,
            ),
        ));
    }
    store.planifier_bulk(&actor, &rows, now).await?;
    let du = lundi(aujourdhui);
    let au = du + Duration::days(6);
    store.generer_visites_service(sad, du, au, now).await?;
    let visites = store.visites_bulk(sad, du, au).await?;
    // Past visits: mostly done (arrival a few minutes after the start, the planned time
    // give or take), some missed; the demo worker's today: two done, one in progress.
    let mut rng = rand::rngs::StdRng::seed_from_u64(13);
    let mut faites = Vec::new();
    let mut du_jour = 0;
    for (id, w, jour, debut, duree) in &visites {
        let fait = |t: &str| TacheVisite {
            tache: Tache::from_code(t).unwrap_or(Tache::Compagnie),
            fait: Some(true),
            motif: None,
        };
        if *w == Some(intervenant.id) && *jour == aujourdhui.to_string() {
            du_jour += 1;
            if du_jour <= 3 {
                let arrivee = *debut + Duration::minutes(4);
                faites.push(VisiteFaite {
                    visite_id: *id,
                    arrivee,
                    depart: (du_jour < 3).then(|| arrivee + Duration::minutes(*duree + 2)),
                    taches: if du_jour < 3 {
                        vec![fait("toilette")]
                    } else {
                        Vec::new()
                    },
                    note: (du_jour == 1)
                        .then(|| "Bonne nuit selon Madame ; petit-déjeuner pris.".to_string()),
                });
            }
            continue;
        }
        if *debut + Duration::minutes(*duree) > now || rng.gen_range(0..100) < 7 {
            continue;
        }
        let arrivee = *debut + Duration::minutes(rng.gen_range(0..12));
        faites.push(VisiteFaite {
            visite_id: *id,
            arrivee,
            depart: Some(arrivee + Duration::minutes(duree + rng.gen_range(-8..10))),
            taches: vec![fait("compagnie")],
            note: None,
        });
    }
    store.pointer_bulk(&actor, &faites, now).await?;
    Ok(format!(
        "Planning à domicile du SAD : 40 intervenants, {} interventions, {} visites cette semaine dont {} saisies.",
        rows.len(),
        visites.len(),
        faites.len()
    ))
}

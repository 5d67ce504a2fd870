//! Demo activities (issue 13, COO-1): at the EHPAD (memory workshop, gentle gym, market
//! outing, cooking workshop) and the IME (class, equine therapy, cooking workshop, swimming),
//! weekly sessions over the last two months and the next two weeks, persons registered, the
//! attendance of every past session (one cancelled with its motive), an excused absence to
//! come; one session of the first activity led by one animator of its own, and a closed
//! choir activity with its past sessions (h13d). Through the store's own writes (rules,
//! audit), once per établissement.

use chrono::{Duration, NaiveTime, Utc, Weekday};
use dui_domain::activite::{dates_serie, Assiduite, Modalite, StatutSeance, TypeActivite};
use dui_domain::policy::Action;
use dui_store::page::Page;
use dui_store::policy::{authorize_activites, load_matrix, CapaciteActivites};
use dui_store::usager::{ActiviteInput, NouvellesSeances, PresenceSaisie};
use dui_store::Store;
use rand::{Rng, SeedableRng};

use super::principal;
use super::DemoOrg;

/// An activity of the demo: kind, title, place, capacity, weekdays, every n weeks, times.
type Modele = (
    TypeActivite,
    &'static str,
    &'static str,
    i64,
    &'static [Weekday],
    u32,
    (u32, u32),
    (u32, u32),
);

const EHPAD: [Modele; 4] = [
    (
        TypeActivite::Atelier,
        "Atelier mémoire",
        "Salon des Tilleuls",
        10,
        &[Weekday::Tue, Weekday::Thu],
        1,
        (10, 30),
        (11, 30),
    ),
    (
        TypeActivite::Sport,
        "Gym douce",
        "Salle d'animation",
        12,
        &[Weekday::Mon, Weekday::Fri],
        1,
        (10, 0),
        (10, 45),
    ),
    (
        TypeActivite::Sortie,
        "Sortie au marché",
        "Marché de la Croix-Rousse",
        6,
        &[Weekday::Sat],
        2,
        (9, 30),
        (11, 30),
    ),
    (
        TypeActivite::Atelier,
        "Atelier cuisine",
        "Cuisine thérapeutique",
        8,
        &[Weekday::Wed],
        1,
        (15, 0),
        (16, 30),
    ),
];

const IME: [Modele; 4] = [
    (
        TypeActivite::Scolarite,
        "Classe — unité d'enseignement",
        "Salle de classe",
        8,
        &[Weekday::Mon, Weekday::Tue, Weekday::Thu],
        1,
        (9, 0),
        (12, 0),
    ),
    (
        TypeActivite::Therapie,
        "Équithérapie",
        "Centre équestre du Val",
        4,
        &[Weekday::Wed],
        1,
        (14, 0),
        (15, 30),
    ),
    (
        TypeActivite::Atelier,
        "Atelier cuisine",
        "Cuisine pédagogique",
        6,
        &[Weekday::Fri],
        1,
        (14, 0),
        (16, 0),
    ),
    (
        TypeActivite::Sport,
        "Piscine",
        "Piscine municipale",
        6,
        &[Weekday::Tue],
        2,
        (14, 0),
        (15, 0),
    ),
];

const OBSERVATIONS: [&str; 4] = [
    "Très participatif",
    "Fatigué, a écourté la séance",
    "A aidé les autres",
    "Bonne humeur",
];

fn heure((h, m): (u32, u32)) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
}

/// The activities of one établissement; the number of sessions created.
async fn etablissement(
    store: &Store,
    cap: &CapaciteActivites,
    modeles: &[Modele],
    animateurs: &[i64],
    rng: &mut rand::rngs::StdRng,
) -> anyhow::Result<(usize, usize)> {
    let today = dui_domain::agenda_recurrence::local_paris(Utc::now()).date();
    let debut = today - Duration::days(60);
    let personnes = store.personnes_accueillies(cap, debut).await?;
    let (mut n_seances, mut n_presences) = (0, 0);
    for (i, (t, titre, lieu, capacite, jours, intervalle, h0, h1)) in modeles.iter().enumerate() {
        let input = ActiviteInput {
            unite_id: None,
            type_activite: *t,
            modalite: Modalite::Collective,
            titre: (*titre).into(),
            description: None,
            lieu: Some((*lieu).into()),
            capacite: Some(*capacite),
            debut: today - Duration::days(90),
            fin: None,
            active: true,
            animateurs: animateurs.to_vec(),
        };
        let id = store.creer_activite(cap, &input).await?;
        if i == 0 && animateurs.len() > 1 {
            // An extra session in three days, led by the last animator alone.
            let seule = animateurs[animateurs.len() - 1..].to_vec();
            n_seances += seance_a_part(store, cap, id, today + Duration::days(3), seule).await?;
        }
        let dates = dates_serie(debut, today + Duration::days(14), jours, *intervalle)
            .map_err(anyhow::Error::msg)?;
        let ids = store
            .creer_seances(
                cap,
                id,
                &NouvellesSeances {
                    jours: dates.clone(),
                    heure_debut: heure(*h0),
                    heure_fin: heure(*h1),
                    lieu: None,
                    animateurs: Vec::new(),
                },
            )
            .await?;
        n_seances += ids.len();
        // Each activity takes its own slice of the people (some take several activities).
        let inscrits: Vec<_> = personnes
            .iter()
            .skip(i * 3)
            .take(usize::try_from(*capacite).unwrap_or(0))
            .map(|p| p.0)
            .collect();
        for u in &inscrits {
            store.inscrire(cap, id, *u, debut, None).await?;
        }
        for (k, (sid, jour)) in ids.iter().zip(dates.iter()).enumerate() {
            let version = 1;
            if *jour > today {
                // One excused absence announced for the next session.
                if k == dates.iter().position(|d| *d > today).unwrap_or(0) {
                    if let Some(u) = inscrits.first() {
                        store
                            .enregistrer_presences_seance(
                                cap,
                                *sid,
                                version,
                                &[PresenceSaisie {
                                    usager_id: *u,
                                    assiduite: Assiduite::Excuse,
                                    observation: Some("Rendez-vous médical prévu".into()),
                                }],
                            )
                            .await?;
                    }
                }
                continue;
            }
            if k == 3 {
                store
                    .changer_statut_seance(
                        cap,
                        *sid,
                        version,
                        StatutSeance::Annulee,
                        Some("Animatrice absente (formation)"),
                    )
                    .await?;
                continue;
            }
            if *jour == today {
                continue;
            }
            let saisies: Vec<PresenceSaisie> = inscrits
                .iter()
                .map(|u| {
                    let x: u32 = rng.gen_range(0..100);
                    PresenceSaisie {
                        usager_id: *u,
                        assiduite: match x {
                            0..=79 => Assiduite::Present,
                            80..=89 => Assiduite::Absent,
                            _ => Assiduite::Excuse,
                        },
                        observation: x
                            .is_multiple_of(17)
                            .then(|| OBSERVATIONS[(x as usize) % OBSERVATIONS.len()].into()),
                    }
                })
                .collect();
            n_presences += saisies.len();
            store
                .enregistrer_presences_seance(cap, *sid, version, &saisies)
                .await?;
        }
    }
    n_seances += activite_close(store, cap, animateurs, today).await?;
    Ok((n_seances, n_presences))
}

/// One session of activity `id` on `jour` led by `animateurs` (not the activity's); how many.
async fn seance_a_part(
    store: &Store,
    cap: &CapaciteActivites,
    id: i64,
    jour: chrono::NaiveDate,
    animateurs: Vec<i64>,
) -> anyhow::Result<usize> {
    let n = NouvellesSeances {
        jours: vec![jour],
        heure_debut: heure((16, 0)),
        heure_fin: heure((17, 0)),
        lieu: Some("Jardin".into()),
        animateurs,
    };
    Ok(store.creer_seances(cap, id, &n).await?.len())
}

/// A choir that met weekly for two months and was closed last week: its sessions stay in
/// the history; the number of sessions.
async fn activite_close(
    store: &Store,
    cap: &CapaciteActivites,
    animateurs: &[i64],
    today: chrono::NaiveDate,
) -> anyhow::Result<usize> {
    let mut input = ActiviteInput {
        unite_id: None,
        type_activite: TypeActivite::Culture,
        modalite: Modalite::Collective,
        titre: "Chorale".into(),
        description: Some("Remplacée par l'atelier musique à la rentrée.".into()),
        lieu: Some("Salle polyvalente".into()),
        capacite: Some(15),
        debut: today - Duration::days(90),
        fin: None,
        active: true,
        animateurs: animateurs.iter().take(1).copied().collect(),
    };
    let id = store.creer_activite(cap, &input).await?;
    let dates = dates_serie(
        today - Duration::days(63),
        today - Duration::days(7),
        &[Weekday::Thu],
        1,
    )
    .map_err(anyhow::Error::msg)?;
    let n = NouvellesSeances {
        jours: dates,
        heure_debut: heure((15, 0)),
        heure_fin: heure((16, 0)),
        lieu: None,
        animateurs: Vec::new(),
    };
    let ids = store.creer_seances(cap, id, &n).await?;
    input.active = false;
    input.fin = Some(today - Duration::days(7));
    store.modifier_activite(cap, id, 1, &input).await?;
    Ok(ids.len())
}

/// Adds the demo activities of the EHPAD and the IME once (skipped when the EHPAD already
/// has some); what was added.
pub async fn ajouter(store: &Store, org: &DemoOrg, graine: u64) -> anyhow::Result<String> {
    let m = load_matrix(store).await?;
    let now = Utc::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(graine);
    let (mut seances, mut presences, mut activites) = (0, 0, 0);
    for (etab, domaine) in org.etablissements.iter().copied() {
        let (compte, modeles, autres) = match domaine {
            "PA" => ("cadre", &EHPAD, ["aide-soignant", "infirmier"]),
            "PH" => ("educateur", &IME, ["educateur", "psychologue"]),
            _ => continue,
        };
        let Some(qui) = principal(store, compte).await? else {
            continue;
        };
        let cap = authorize_activites(store, &m, &qui, etab, Action::Ecrire, now).await?;
        if !store
            .activites_page(&cap, None, false, Page::first(1))
            .await?
            .is_empty()
        {
            return Ok("Activités de démonstration déjà présentes.".into());
        }
        let mut animateurs = vec![qui.id];
        for a in autres {
            if let Some(p) = principal(store, a).await? {
                if p.etablissements.contains(&etab) && !animateurs.contains(&p.id) {
                    animateurs.push(p.id);
                }
            }
        }
        let (s, p) = etablissement(store, &cap, modeles, &animateurs, &mut rng).await?;
        seances += s;
        presences += p;
        activites += modeles.len();
    }
    Ok(format!(
        "{activites} activités de démonstration (EHPAD, IME) : {seances} séances, {presences} présences notées."
    ))
}

//! Fictitious usagers at scale: `dui demo --usagers N [--seed S]`.

use dui_domain::usager::entourage::Relation;
use std::io::Write;
use std::time::Instant;

use chrono::{Datelike, NaiveDate, Utc};
use dui_domain::identifiers::nir_key;
use dui_domain::ids::UsagerId;
use dui_domain::usager::majuscules_sans_accents;
use dui_store::audit::Actor;
use dui_store::usager::{BulkProche, BulkUsager, CorrigeEnMasse, IdentiteInput};
use dui_store::{Engine, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::noms::{COMMUNES, NOMS, PRENOMS_F, PRENOMS_M};
use super::DemoOrg;

/// Age range of the people supported by a domain.
fn ages(domaine: &str) -> (i32, i32) {
    match domaine {
        "PA" => (72, 101),
        "PH" => (6, 20),
        "PDE" => (3, 18),
        "DOM" => (55, 98),
        _ => (18, 65),
    }
}

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

/// A valid test NIR for the person (sex, birth year/month, birth place, random order).
fn nir(rng: &mut StdRng, sexe: &str, date: NaiveDate, cog: &str) -> Option<String> {
    let s = if sexe == "F" { "2" } else { "1" };
    let body = format!(
        "{s}{:02}{:02}{}{:03}",
        date.year() % 100,
        date.month(),
        cog,
        rng.gen_range(1..999)
    );
    let key = nir_key(&body).ok()?;
    Some(format!("{body}{key:02}"))
}

/// The same NIR with another order number (characters 11-13), its key recomputed.
fn autre_ordre(rng: &mut StdRng, nir15: &str) -> Option<String> {
    let body = format!("{}{:03}", nir15.get(..10)?, rng.gen_range(1..1000));
    let key = nir_key(&body).ok()?;
    Some(format!("{body}{key:02}"))
}

/// Draws other order numbers for the INS of `batch` that a file already holds or that this
/// run already gave: one INS, one person (the database refuses a repeat).
async fn ins_uniques(
    store: &Store,
    rng: &mut StdRng,
    batch: &mut [BulkUsager],
    donnes: &mut std::collections::HashSet<String>,
) -> anyhow::Result<()> {
    for _ in 0..20 {
        let proposes: Vec<String> = batch
            .iter()
            .filter_map(|u| u.ins.as_ref().map(|(m, _)| m.clone()))
            .collect();
        let pris = store.ins_deja_attribuees(&proposes).await?;
        let mut vus = std::collections::HashSet::new();
        let mut refaits = 0;
        for (m, _) in batch.iter_mut().filter_map(|u| u.ins.as_mut()) {
            if pris.contains(m.as_str()) || donnes.contains(m.as_str()) || !vus.insert(m.clone()) {
                if let Some(n) = autre_ordre(rng, m) {
                    *m = n;
                }
                refaits += 1;
            }
        }
        if refaits == 0 {
            donnes.extend(vus);
            return Ok(());
        }
    }
    anyhow::bail!("impossible de tirer des matricules INS fictifs tous différents")
}

/// One fictitious person staying in `etablissement` of `domaine`.
pub(super) fn person(
    rng: &mut StdRng,
    today: NaiveDate,
    etablissement: i64,
    domaine: &str,
) -> BulkUsager {
    let sexe = if rng.gen_bool(0.55) { "F" } else { "M" };
    let prenoms_list = if sexe == "F" { PRENOMS_F } else { PRENOMS_M };
    let n_prenoms = rng.gen_range(1..=3);
    let mut prenoms: Vec<String> = Vec::new();
    while prenoms.len() < n_prenoms {
        let p = pick(rng, prenoms_list).to_string();
        if !prenoms.contains(&p) {
            prenoms.push(p);
        }
    }
    let (lo, hi) = ages(domaine);
    let age = rng.gen_range(lo..=hi);
    let date = NaiveDate::from_ymd_opt(
        today.year() - age,
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
    )
    .unwrap_or(today);
    let cog = pick(rng, COMMUNES);
    let nom = pick(rng, NOMS);
    // A married name for some adults.
    let nom_utilise =
        (sexe == "F" && age > 25 && rng.gen_bool(0.4)).then(|| pick(rng, NOMS).to_string());
    let qualifiee = rng.gen_bool(0.35);
    let ins = if qualifiee {
        nir(rng, sexe, date, cog).map(|n| (n, "1.2.250.1.213.1.4.10".to_string()))
    } else {
        None
    };
    let statut = if ins.is_some() {
        "QUAL"
    } else if rng.gen_bool(0.2) {
        "VALI"
    } else {
        "PROV"
    };
    let famille = pick(rng, NOMS).to_string();
    let mut entourage = vec![BulkProche {
        nom: famille.clone(),
        prenom: {
            let list = if rng.gen_bool(0.5) {
                PRENOMS_F
            } else {
                PRENOMS_M
            };
            pick(rng, list).to_string()
        },
        relation: if age < 18 {
            Relation::Parent
        } else if age > 60 {
            Relation::Enfant
        } else {
            Relation::Fratrie
        },
        personne_confiance: age >= 18 && rng.gen_bool(0.6),
        personne_a_prevenir: true,
        telephone: Some(format!(
            "06 {:02} {:02} {:02} {:02}",
            rng.gen_range(0..100),
            rng.gen_range(0..100),
            rng.gen_range(0..100),
            rng.gen_range(0..100)
        )),
    }];
    if rng.gen_bool(0.3) {
        entourage.push(BulkProche {
            nom: famille,
            prenom: pick(rng, PRENOMS_M).to_string(),
            relation: Relation::AutreFamille,
            personne_confiance: false,
            personne_a_prevenir: false,
            telephone: None,
        });
    }
    BulkUsager {
        identite: IdentiteInput {
            nom_naissance: majuscules_sans_accents(nom),
            prenoms_naissance: prenoms,
            date_naissance: date.to_string(),
            sexe: sexe.to_string(),
            lieu_naissance: Some(cog.to_string()),
            nom_utilise,
            prenom_utilise: None,
            referent_id: None,
            nom_naissance_saisi: None,
        },
        ins,
        statut: statut.to_string(),
        justificatif: (statut != "PROV").then(|| "carte_identite".to_string()),
        etablissement_id: etablissement,
        date_entree: (today - chrono::Duration::days(rng.gen_range(0..3000))).to_string(),
        entourage,
    }
}

/// Adds `count` fictitious usagers spread over the demo établissements, with a progress line:
/// each with a project, AGGIR evaluations in the EHPAD and home care, and some twenty
/// transmissions, written once every usager exists, all of them oldest first (a search
/// lists them in the order of writing, as it would the base of a living establishment).
/// `pendant` runs beside the batches once the first usagers exist, and ends before their
/// transmissions are written; its answer is returned.
pub async fn generate<T>(
    store: &Store,
    org: &DemoOrg,
    count: u64,
    seed: u64,
    pendant: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let mut rng = StdRng::seed_from_u64(seed ^ store.usager_count().await? as u64);
    let today = dui_domain::feuille_soins::jour_local(Utc::now());
    let actor = Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    // The demo accounts who follow the actions of the projects, when they exist.
    let compte = |name: &'static str| async move {
        store.credentials(name).await.map(|c| c.map(|c| c.user.id))
    };
    let educateur = compte("educateur").await?;
    let cadre = compte("cadre").await?;
    let aggir = std::sync::Arc::new(super::evaluations::aggir()?);
    let started = Instant::now();
    let mut en_vol: Option<tokio::task::JoinHandle<anyhow::Result<usize>>> = None;
    let mut brouillons = Vec::new();
    let mut evaluees = 0usize;
    let mut done = 0u64;
    let mut ins_donnes = std::collections::HashSet::new();
    let batch_size = 2000u64;
    let mut err = std::io::stderr();
    let now = Utc::now();
    // The caller's work runs beside the usagers' batches, once the first is written, and is
    // over before the transmissions' load begins: a large load on PostgreSQL drops the
    // transmissions' keys, which locks the usagers, établissements and accounts until it ends.
    let premier = tokio::sync::Notify::new();
    // SQLite's log is copied into the base now and then, or it would hold the whole
    // generation; PostgreSQL checkpoints on its own (a requested one writes every dirty
    // buffer at once: 3.5 s of a 59 s generation, measured).
    let sqlite = store.engine() == Engine::Sqlite;
    let usagers = async {
        while done < count {
            let n = batch_size.min(count - done);
            let mut domaines: Vec<&'static str> = Vec::new();
            let mut batch: Vec<BulkUsager> = (0..n)
                .map(|_| {
                    let (etab, domaine) =
                        org.etablissements[rng.gen_range(0..org.etablissements.len())];
                    domaines.push(domaine);
                    person(&mut rng, today, etab, domaine)
                })
                .collect();
            // Homonyms: now and then, the same identity twice (to be told apart by identitovigilance).
            if batch.len() > 2 && rng.gen_bool(0.5) {
                let mut twin = batch[0].clone();
                twin.ins = None;
                twin.statut = "PROV".into();
                twin.justificatif = None;
                let last = batch.len() - 1;
                batch[last] = twin;
                domaines[last] = domaines[0];
            }
            ins_uniques(store, &mut rng, &mut batch, &mut ins_donnes).await?;
            let ids = store.insert_usagers_bulk(&actor, &batch, now).await?;
            let mut evaluations = Vec::new();
            let (mut prestations, mut mesures) = (Vec::new(), Vec::new());
            for ((id, d), u) in ids.iter().zip(&domaines).zip(&batch) {
                super::transmissions::pour(
                    &mut rng,
                    (*id, u.etablissement_id),
                    d,
                    now,
                    &mut brouillons,
                );
                super::evaluations::pour(
                    &mut rng,
                    *id,
                    d,
                    today,
                    (cadre, "cadre"),
                    &mut evaluations,
                );
                super::droits::pour(&mut rng, *id, d, today, &mut prestations, &mut mesures);
            }
            // Each one gets a personalised project.
            let projets: Vec<_> = batch
                .iter()
                .zip(&ids)
                .zip(&domaines)
                .map(|((u, id), d)| {
                    let naissance =
                        NaiveDate::parse_from_str(&u.identite.date_naissance, "%Y-%m-%d").ok();
                    // Within the team: the educator works at the IME and the MECS, the cadre at
                    // the EHPAD and the SAD.
                    let responsable = match *d {
                        "PH" | "PDE" => educateur,
                        "PA" | "DOM" => cadre,
                        _ => None,
                    };
                    super::projets::projet(
                        &mut rng,
                        UsagerId(*id),
                        naissance,
                        d,
                        today,
                        responsable,
                    )
                })
                .collect();
            // The batch's rights, evaluations and projects are written while the next batch is
            // drawn and its usagers written: one batch in flight beside the loop, so that the
            // database and this process work at the same time (decision 0061).
            if let Some(avant) = en_vol.take() {
                evaluees += avant.await??;
            }
            let (s, a, grille) = (store.clone(), actor.clone(), aggir.clone());
            en_vol = Some(tokio::spawn(async move {
                s.inserer_droits_bulk(&a, &prestations, &mesures, now)
                    .await?;
                let evaluees = s
                    .insert_evaluations_bulk(&a, &grille, &evaluations, now)
                    .await?;
                s.insert_projets_bulk(&a, &projets, now).await?;
                anyhow::Ok(evaluees)
            }));
            done += n;
            // The caller's work may begin: usagers exist.
            premier.notify_one();
            if sqlite && (done / batch_size).is_multiple_of(10) {
                store.checkpoint().await?;
            }
            let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
            let _ = write!(
                err,
                "\r  {done:>9} / {count} usagers créés ({rate:>7.0} par seconde), {evaluees} évaluations"
            );
            let _ = err.flush();
        }
        if let Some(avant) = en_vol.take() {
            evaluees += avant.await??;
        }
        premier.notify_one();
        anyhow::Ok(())
    };
    let pendant = async {
        premier.notified().await;
        // No statistics meanwhile: taken on the first batch, they would plan the next
        // batches' lookups as scans of a small table (a generation three times slower).
        pendant.await
    };
    let ((), pendant) = tokio::try_join!(usagers, pendant)?;
    let _ = writeln!(err);
    let ecrites = ecrire_transmissions(store, &actor, brouillons, now, started).await?;
    if sqlite {
        store.checkpoint().await?;
    }
    store.analyze_sample().await?;
    println!(
        "{count} usagers fictifs, {evaluees} évaluations AGGIR et {ecrites} transmissions créés en {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(pendant)
}

/// Transmissions from which a load on PostgreSQL builds the indexes at the end.
const GRANDE_CHARGE: usize = 50_000;

/// A batch of transmissions ready to write, from the drawing thread.
struct LotPret {
    tr: Vec<dui_store::usager::BulkTransmission>,
    /// `(k, c)`: `tr[k]` corrects drawn `c`, written in an earlier batch (its id is known by
    /// the writer only).
    corrige_avant: Vec<(usize, usize)>,
    /// `(c, k)`: drawn `c`, corrected later, is `tr[k]`.
    corriges_ici: Vec<(usize, usize)>,
}

/// Draws the batches of `brouillons` in date order and sends them to `vers`: the texts and
/// search terms of the next batch are made while the database writes the previous one.
fn tirer_lots(
    brouillons: Vec<super::transmissions::Brouillon>,
    auteurs: std::collections::HashMap<&'static str, super::transmissions::Auteur>,
    vers: tokio::sync::mpsc::Sender<LotPret>,
) {
    let mut termes = super::transmissions::Termes::default();
    // Sorted by date, each remembering where it was drawn (corrections name that place).
    let mut ordre: Vec<usize> = (0..brouillons.len()).collect();
    ordre.sort_by_key(|i| brouillons[*i].date);
    // Where each drawn one is written: its batch and index there.
    let mut place: Vec<Option<(usize, usize)>> = vec![None; brouillons.len()];
    let corriges: std::collections::HashSet<usize> =
        brouillons.iter().filter_map(|b| b.corrige).collect();
    for (lot, chunk) in ordre.chunks(20_000).enumerate() {
        let mut pret = LotPret {
            tr: Vec::with_capacity(chunk.len()),
            corrige_avant: Vec::new(),
            corriges_ici: Vec::new(),
        };
        for &i in chunk {
            let b = &brouillons[i];
            let Some(mut t) = b.ecrire(&mut termes, &auteurs) else {
                continue;
            };
            let k = pret.tr.len();
            if let Some(c) = b.corrige {
                match place[c] {
                    Some((l, kc)) if l == lot => t.corrige = Some(CorrigeEnMasse::Lot(kc)),
                    Some(_) => pret.corrige_avant.push((k, c)),
                    None => {}
                }
            }
            if corriges.contains(&i) {
                pret.corriges_ici.push((i, k));
            }
            place[i] = Some((lot, k));
            pret.tr.push(t);
        }
        if vers.blocking_send(pret).is_err() {
            return;
        }
    }
}

/// Writes the drawn transmissions, oldest first, in batches; answers how many.
async fn ecrire_transmissions(
    store: &Store,
    actor: &Actor,
    brouillons: Vec<super::transmissions::Brouillon>,
    now: chrono::DateTime<Utc>,
    started: Instant,
) -> anyhow::Result<usize> {
    let auteurs = super::transmissions::auteurs(store).await?;
    let total = brouillons.len();
    let mut ecrites = 0usize;
    let mut err = std::io::stderr();
    // Many rows on PostgreSQL: one load whose indexes are built at the end (the table waits
    // meanwhile). Otherwise (and always on SQLite, whose log would hold the whole load) a
    // transaction per batch.
    let mut grande = if total >= GRANDE_CHARGE && store.engine() == Engine::Postgres {
        Some(store.charger_transmissions(true).await?)
    } else {
        None
    };
    let (vers, mut lots) = tokio::sync::mpsc::channel(2);
    let tirage = tokio::task::spawn_blocking(move || tirer_lots(brouillons, auteurs, vers));
    // The ids of the drawn ones that a later batch corrects.
    let mut ids_ecrits: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    let mut lot = 0usize;
    while let Some(mut pret) = lots.recv().await {
        for &(k, c) in &pret.corrige_avant {
            pret.tr[k].corrige = ids_ecrits.get(&c).copied().map(CorrigeEnMasse::Id);
        }
        let ids = match &mut grande {
            Some(c) => c.ecrire(actor, &pret.tr, now).await?,
            None => {
                store
                    .insert_transmissions_bulk(actor, &pret.tr, now)
                    .await?
            }
        };
        for &(c, k) in &pret.corriges_ici {
            ids_ecrits.insert(c, ids[k]);
        }
        ecrites += ids.len();
        if lot % 10 == 9 && grande.is_none() {
            store.checkpoint().await?;
        }
        lot += 1;
        let rate = ecrites as f64 / started.elapsed().as_secs_f64().max(0.001);
        let _ = write!(
            err,
            "\r  {ecrites:>9} / {total} transmissions écrites ({rate:>7.0} par seconde)"
        );
        let _ = err.flush();
    }
    tirage.await?;
    if let Some(c) = grande {
        let _ = write!(err, " ; index…");
        let _ = err.flush();
        c.terminer().await?;
    }
    // Psychology transmissions are read in the établissement where they were written: each
    // was loaded with it; any left without one (none from this generator) is placed here.
    store.placer_psychologie_bulk().await?;
    let _ = writeln!(err);
    Ok(ecrites)
}

//! `dui bench`: load figures through HTTP on the real application (permission checks and
//! audit included), at the scale asked. Never used by tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use dui_domain::policy::Role;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub(crate) use crate::bench_comptes::{bearer, bench_account, bench_actor};
use crate::bench_comptes::{BENCH_USER, BENCH_WORKER};
use crate::bench_transmissions::Http;
use crate::config::Config;
use crate::demo;
pub(crate) use crate::lettres::letters;

/// Options of `dui bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Usagers in the base before measuring (generated if fewer).
    #[arg(long, default_value_t = 100_000)]
    usagers: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    pub(crate) clients: usize,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10)]
    pub(crate) secondes: u64,
    /// Offered load of the paced runs, in requests per second: file openings.
    #[arg(long, default_value_t = 1000.0)]
    debit_ouverture: f64,
    /// Offered load of the paced runs: searches per second.
    #[arg(long, default_value_t = 500.0)]
    debit_recherche: f64,
    /// Offered load of the paced runs: creations per second.
    #[arg(long, default_value_t = 100.0)]
    debit_creation: f64,
    /// Only the scenarios whose name contains this text (e.g. « recherche »), or one of
    /// several separated by `|` (« transmission|relève »).
    #[arg(long)]
    pub(crate) seulement: Option<String>,
    /// Offered load of the paced runs: transmissions written per second.
    #[arg(long, default_value_t = 100.0)]
    pub(crate) debit_transmission: f64,
}

impl BenchArgs {
    /// Whether the scenario `name` is to run (see `seulement`).
    pub(crate) fn voulu(&self, name: &str) -> bool {
        self.seulement
            .as_deref()
            .is_none_or(|only| only.split('|').any(|o| name.contains(o)))
    }
}

pub(crate) struct Figures {
    name: &'static str,
    /// Offered load of a paced run (None: closed loop, as fast as the clients go).
    debit: Option<f64>,
    clients: usize,
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Figures {
    fn pct(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i].as_secs_f64() * 1000.0
    }
    fn print(&mut self) {
        self.latencies.sort();
        let n = self.latencies.len();
        let mode = match self.debit {
            Some(d) => format!("{d:.0}/s imposés, {} cl.", self.clients),
            None => format!("boucle fermée, {} cl.", self.clients),
        };
        println!(
            "{:<36} {:<24} {:>8} req  {:>6.0} req/s  p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  erreurs {}",
            self.name,
            mode,
            n,
            n as f64 / self.elapsed.as_secs_f64(),
            self.pct(0.50),
            self.pct(0.95),
            self.pct(0.99),
            self.pct(1.0),
            self.errors
        );
    }
}

/// Runs `clients` loops of `one` for `secs` seconds; `one` returns whether the answer was right.
///
/// Closed loop (`debit` None): each client sends its next request as soon as the previous one
/// is answered, which measures the most the server can do (latency then includes the queue
/// the clients themselves build). Paced (`debit` Some(r)): request k is due at `k / r` seconds
/// and its latency counts from that due time, not from when it was sent, so a slow answer
/// that delays the next requests is charged to them too (no "coordinated omission").
/// Resolution of tokio's timer.
const TIMER_TICK: Duration = Duration::from_millis(1);

pub(crate) async fn scenario<F, Fut>(
    name: &'static str,
    clients: usize,
    secs: u64,
    debit: Option<f64>,
    one: F,
) -> Figures
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let one = Arc::new(one);
    let started = tokio::time::Instant::now();
    let deadline = started + Duration::from_secs(secs);
    let mut handles = Vec::new();
    for c in 0..clients {
        let one = one.clone();
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut k = c as u64;
            loop {
                let due = match debit {
                    Some(r) => started + Duration::from_secs_f64(k as f64 / r),
                    None => tokio::time::Instant::now(),
                };
                if due >= deadline {
                    break;
                }
                if debit.is_some() {
                    // tokio's timer rounds a deadline up to its next millisecond: aiming one
                    // tick early wakes the client at its due time, not up to 1 ms after it.
                    // (A closed loop does not sleep at all: `sleep_until(now)` waited for
                    // that tick too, adding up to 1 ms to each request of one client.)
                    tokio::time::sleep_until(due - TIMER_TICK).await;
                }
                let start = tokio::time::Instant::now();
                let ok = one(k * 1_000_003 % 4_294_967_291).await;
                // From the due time when the request starts late (no coordinated omission),
                // from its start when the early wake-up sent it before its due time.
                lat.push(start.min(due).elapsed());
                if !ok {
                    errors += 1;
                }
                k += clients as u64;
            }
            (lat, errors)
        }));
    }
    let mut f = Figures {
        name,
        debit,
        clients,
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for h in handles {
        if let Ok((lat, e)) = h.await {
            f.latencies.extend(lat);
            f.errors += e;
        }
    }
    f.elapsed = started.elapsed();
    f
}

/// Runs a scenario in a closed loop, then paced at `debit` requests per second.
pub(crate) async fn both<F, Fut>(
    all: &mut Vec<Figures>,
    name: &'static str,
    args: &BenchArgs,
    debit: f64,
    one: F,
) where
    F: Fn(u64) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    if !args.voulu(name) {
        return;
    }
    all.push(scenario(name, args.clients, args.secondes, None, one.clone()).await);
    if debit > 0.0 {
        all.push(scenario(name, args.clients, args.secondes, Some(debit), one).await);
    }
}

/// What a group of scenarios is given: the options, the store, the local server with the
/// direction account's token, and the figures measured so far (printed at the end).
pub(crate) struct Banc<'a> {
    pub(crate) all: Vec<Figures>,
    pub(crate) args: &'a BenchArgs,
    pub(crate) store: &'a dui_store::Store,
    pub(crate) http: Http,
}

impl<'a> Banc<'a> {
    /// Where the group's figures go, the options, the store and (a copy of) the server.
    pub(crate) fn parts(
        &mut self,
    ) -> (&mut Vec<Figures>, &'a BenchArgs, &'a dui_store::Store, Http) {
        (&mut self.all, self.args, self.store, self.http.clone())
    }
}

/// A unit of `places` people of `etablissement` (their current stays), named `nom` and the
/// time: its id and its people.
pub(crate) async fn unite_de_banc(
    store: &dui_store::Store,
    etablissement: i64,
    nom: &str,
    places: i64,
) -> anyhow::Result<(i64, Vec<i64>)> {
    let now = Utc::now();
    let nom = format!("{nom} {}", now.timestamp());
    let unite = store
        .create_unite(
            &bench_actor(),
            etablissement,
            &nom,
            "unite",
            Some(places),
            now,
        )
        .await?;
    // The longest there first: a write dated some weeks back falls within their stay.
    let membres = store
        .usagers_presents_de_longue_date(etablissement, places)
        .await?;
    store.placer_en_unite_bulk(unite, &membres).await?;
    Ok((unite, membres))
}

/// Runs the benchmark.
pub async fn run(config: &Config, args: BenchArgs) -> anyhow::Result<()> {
    // The pure part first: it needs no database.
    match args.seulement.as_deref() {
        Some("gir") => {
            crate::bench_gir::run();
            return Ok(());
        }
        None => crate::bench_gir::run(),
        Some(_) => {}
    }
    let url = config.database_url()?;
    let store = dui_store::Store::open_with(&url, config.durability()?).await?;
    store.seed_default_matrix().await?;
    let org = demo::load_organisation(&store).await?;
    let have = store.usager_count().await? as u64;
    if have < args.usagers {
        println!("Génération de {} usagers fictifs…", args.usagers - have);
        demo::generate_usagers(&store, &org, args.usagers - have, 2026, async { Ok(()) }).await?;
    }
    let total = store.usager_count().await?;
    // Fresh statistics (and, on PostgreSQL, visibility) for what earlier runs added.
    store.analyze().await?;
    // Flush what the bulk load left in memory now rather than during a measurement.
    if let Err(e) = store.checkpoint().await {
        tracing::warn!(error = %e, "point de contrôle avant mesure impossible");
    }
    // A direction account of every établissement, so that every file is in scope, and a
    // home-care worker assigned to 30 usagers spread over the base (a few files among many).
    // Every établissement of the base, those the scenarios add included (a sample of ids may
    // draw their files).
    let etablissements: Vec<i64> = store
        .etablissements(None)
        .await?
        .iter()
        .map(|e| e.id)
        .collect();
    bench_account(&store, BENCH_USER, Role::Direction, etablissements.clone()).await?;
    let worker = bench_account(
        &store,
        BENCH_WORKER,
        Role::IntervenantDomicile,
        etablissements,
    )
    .await?;
    let step = (total / 30).max(1);
    let pairs: Vec<(i64, i64)> = (0..30).map(|k| (worker, 1 + k * step)).collect();
    store
        .assign_bulk(&bench_actor(), &pairs, Utc::now())
        .await?;
    store.audit_seal(Utc::now()).await?;
    let web = dui_web::WebConfig {
        login_failures_per_minute: 1000,
        ..config.web()
    };
    let app = dui_web::App::new(store.clone(), web);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(dui_web::serve(listener, app, async {
        let _ = stop_rx.await;
    }));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let auth = bearer(&client, &base, BENCH_USER).await?;
    let worker_auth = bearer(&client, &base, BENCH_WORKER).await?;
    println!(
        "Base : {} ({} usagers, synchronisation {}), {} clients, {} s par scénario, serveur HTTP local {}",
        crate::config::redact(&url),
        total,
        config.synchronisation,
        args.clients,
        args.secondes,
        base
    );
    let ids = Arc::new(sample_ids(&store, 5000).await?);
    let prefixes: Arc<Vec<String>> = Arc::new(
        [
            "DUP", "MART", "LEF", "BERN", "MOREAU", "GARC", "NGU", "LE G", "FRAN", "PETIT", "ROUS",
            "HEL", "JEAN-P", "CHLO", "THERE",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );

    let mut all = Vec::new();
    for (name, path) in [
        ("ouverture du dossier (page HTML)", "/usagers/"),
        ("ouverture du dossier (API JSON)", "/api/v1/usagers/"),
    ] {
        let (c, a, ids, base) = (client.clone(), auth.clone(), ids.clone(), base.clone());
        let one = move |i: u64| {
            let (c, a, ids, base) = (c.clone(), a.clone(), ids.clone(), base.clone());
            async move {
                let id = ids[i as usize % ids.len()];
                ok(c.get(format!("{base}{path}{id}"))
                    .header("authorization", a)
                    .send()
                    .await)
                .await
            }
        };
        both(&mut all, name, &args, args.debit_ouverture, one).await;
    }
    for (name, who) in [
        ("recherche par nom (API)", auth.clone()),
        ("recherche par nom (intervenant)", worker_auth.clone()),
    ] {
        let (c, p, base) = (client.clone(), prefixes.clone(), base.clone());
        let one = move |i: u64| {
            let (c, a, p, base) = (c.clone(), who.clone(), p.clone(), base.clone());
            async move {
                let q = &p[i as usize % p.len()];
                ok(c.get(format!("{base}/api/v1/usagers"))
                    .query(&[("q", q.as_str())])
                    .header("authorization", a)
                    .send()
                    .await)
                .await
            }
        };
        both(&mut all, name, &args, args.debit_recherche, one).await;
    }
    {
        let (c, a, base) = (client.clone(), auth.clone(), base.clone());
        let etab = store
            .etablissement(org.etablissements[0].0)
            .await?
            .context("établissement")?
            .fields
            .finess;
        // Every creation of the run draws new traits (the runs would otherwise repeat them).
        let seq = Arc::new(std::sync::atomic::AtomicU64::new(
            Utc::now().timestamp() as u64
        ));
        let one = move |_: u64| {
            let (c, a, base, etab) = (c.clone(), a.clone(), base.clone(), etab.clone());
            let seed = seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            async move {
                let mut rng = StdRng::seed_from_u64(seed);
                let body = serde_json::json!({
                    "nom_naissance": format!("BANC-{}", letters(rng.gen_range(0..26u64.pow(5)))),
                    "prenoms": ["Essai"],
                    "date_naissance": format!("19{:02}-{:02}-{:02}", rng.gen_range(20..99), rng.gen_range(1..13), rng.gen_range(1..29)),
                    "sexe": "F",
                    "etablissement": etab,
                    "confirmer_doublon": true,
                });
                matches!(c.post(format!("{base}/api/v1/usagers")).header("authorization", a).json(&body).send().await, Ok(r) if r.status().as_u16() == 201)
            }
        };
        both(
            &mut all,
            "création d'un usager (API)",
            &args,
            args.debit_creation,
            one,
        )
        .await;
    }
    let mut banc = Banc {
        all,
        args: &args,
        store: &store,
        http: Http {
            client: client.clone(),
            base: base.clone(),
            auth: auth.clone(),
        },
    };
    let (organisme, ehpad) = (org.organisme_id, org.etablissements[0].0);
    crate::bench_transmissions::scenarios(&mut banc, ehpad, ids.clone()).await?;
    crate::bench_parcours::scenarios(&mut banc, organisme, ehpad).await?;
    crate::bench_candidatures::scenarios(&mut banc, organisme).await?;
    // Agenda (h13a).
    crate::bench_agenda::scenarios(&mut banc, ehpad).await?;
    let etablissements = org.etablissements.iter().map(|e| e.0).collect();
    crate::bench_soins::scenarios(&mut banc, etablissements, ids.clone()).await?;
    crate::bench_plan_prescriptions::scenarios(&mut banc, ehpad).await?;
    // Home-care planning and télégestion (h13b).
    crate::bench_telegestion::scenarios(&mut banc, ehpad).await?;
    // The liaison book (h13c): the worker's first assigned person.
    let worker_of = (worker, BENCH_WORKER);
    crate::bench_liaison::scenarios(&mut banc, worker_auth, worker_of, pairs[0].1).await?;
    let mut all = banc.all;
    println!();
    for f in &mut all {
        f.print();
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    let started = Instant::now();
    let v = store.audit_verify().await?;
    println!(
        "\nJournal d'audit : {} entrées scellées et vérifiées en {:.1} s ({}).",
        v.checked,
        started.elapsed().as_secs_f64(),
        if v.first_broken.is_none() {
            "intact"
        } else {
            "ALTÉRÉ"
        }
    );
    Ok(())
}

/// Whether the answer is a success whose body was read whole.
pub(crate) async fn ok(r: reqwest::Result<reqwest::Response>) -> bool {
    match r {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        Ok(r) => {
            // The first refusals say why (a scenario whose answers are errors measures nothing).
            static SIGNALEES: std::sync::atomic::AtomicUsize =
                std::sync::atomic::AtomicUsize::new(0);
            if SIGNALEES.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 3 {
                let (url, status) = (r.url().path().to_string(), r.status());
                let body = r.text().await.unwrap_or_default();
                eprintln!(
                    "réponse en erreur {status} {url} : {}",
                    body.chars().take(300).collect::<String>()
                );
            }
            false
        }
        Err(e) => {
            eprintln!("requête en échec : {e}");
            false
        }
    }
}

/// Random usager ids of the base (without merged files).
async fn sample_ids(store: &dui_store::Store, n: i64) -> anyhow::Result<Vec<i64>> {
    let total = store.usager_count().await?.max(1);
    let mut rng = StdRng::seed_from_u64(1);
    let mut ids: Vec<i64> = (0..n).map(|_| rng.gen_range(1..=total)).collect();
    ids.dedup();
    Ok(ids)
}

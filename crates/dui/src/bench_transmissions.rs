//! `dui bench`, transmissions (issue 17): opening a file's last 20 transmissions (one client
//! for the latency, the bench's clients for the throughput), writing one, the relève of a
//! 60-person unit over 24 hours, a French full-text search.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::bench::{both, ok, scenario, Banc, BenchArgs, Figures};

/// The local server and the direction account's token.
#[derive(Clone)]
pub struct Http {
    pub client: reqwest::Client,
    pub base: String,
    pub auth: String,
}

impl Http {
    /// A GET of `chemin` (from `/api/v1/…`) on the server, with the account's token.
    pub fn get(&self, chemin: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}{chemin}", self.base))
            .header("authorization", &self.auth)
    }

    /// The GET of `chemin` answered a success.
    pub async fn get_ok(&self, chemin: &str) -> bool {
        ok(self.get(chemin).send().await).await
    }

    /// The POST of `corps` to `chemin` answered a success.
    pub async fn post_ok(&self, chemin: &str, corps: &serde_json::Value) -> bool {
        let url = format!("{}{chemin}", self.base);
        let r = self.client.post(url).header("authorization", &self.auth);
        ok(r.json(corps).send().await).await
    }

    /// Scenario `name` (one client, closed loop), when asked: request `i` is the GET of
    /// `chemin(i)`.
    pub async fn lecture(
        &self,
        all: &mut Vec<Figures>,
        args: &BenchArgs,
        name: &'static str,
        chemin: impl Fn(u64) -> String + Send + Sync + 'static,
    ) {
        let chemin = Arc::new(chemin);
        self.un_client(all, args, name, move |h, i| {
            let chemin = chemin.clone();
            async move { h.get_ok(&chemin(i)).await }
        })
        .await;
    }

    /// Scenario `name` (one client, closed loop), when asked: request `i` is the POST of
    /// `corps(i)` to `chemin`.
    pub async fn ecriture(
        &self,
        all: &mut Vec<Figures>,
        args: &BenchArgs,
        name: &'static str,
        chemin: &'static str,
        corps: impl Fn(u64) -> serde_json::Value + Send + Sync + 'static,
    ) {
        // Each write its own key: the scenario's argument is a scrambled sample index, so
        // the writes are counted here, from 0.
        let (corps, compte) = (Arc::new(corps), Arc::new(AtomicU64::new(0)));
        self.un_client(all, args, name, move |h, _| {
            let (corps, i) = (corps.clone(), compte.fetch_add(1, Ordering::Relaxed));
            async move { h.post_ok(chemin, &corps(i)).await }
        })
        .await;
    }

    /// Scenario `name` (one client, closed loop), when asked: `one(h, i)` is request `i`.
    pub async fn un_client<F, Fut>(
        &self,
        all: &mut Vec<Figures>,
        args: &BenchArgs,
        name: &'static str,
        one: F,
    ) where
        F: Fn(Http, u64) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = bool> + Send,
    {
        if args.voulu(name) {
            let h = self.clone();
            let one = move |i: u64| one(h.clone(), i);
            all.push(scenario(name, 1, args.secondes, None, one).await);
        }
    }
}

const RECHERCHES: &[&str] = &[
    "chute",
    "douleurs genou",
    "constipation",
    "visite fille",
    "agitée",
    "refus douche",
    "hématome",
    "orthophoniste",
];

/// Runs the transmissions' scenarios; `etablissement` holds the 60-person unit.
pub async fn scenarios(
    banc: &mut Banc<'_>,
    etablissement: i64,
    ids: Arc<Vec<i64>>,
) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    // Opening a file with its last 20 transmissions and writing one: each alone with one
    // client (latency), openings with all the clients (throughput), then both together:
    // the clients opening files while one more writes.
    let (h, ids2) = (http.clone(), ids.clone());
    let ouvrir = move |i: u64| {
        let (h, ids) = (h.clone(), ids2.clone());
        async move {
            let id = ids[i as usize % ids.len()];
            ok(
                h.get(&format!("/api/v1/usagers/{id}/transmissions?limit=20"))
                    .send()
                    .await,
            )
            .await
        }
    };
    let (h, ids2) = (http.clone(), ids.clone());
    let ecrire = move |i: u64| {
        let (h, ids) = (h.clone(), ids2.clone());
        async move {
            let id = ids[i as usize % ids.len()];
            // Drawn as the demo draws them, so that the newest rows, which a search reads
            // first, look like the rest of the base.
            let body = crate::demo::corps_transmission(i);
            matches!(h.client.post(format!("{}/api/v1/usagers/{id}/transmissions", h.base))
                .header("authorization", h.auth).json(&body).send().await,
                Ok(r) if r.status().as_u16() == 201)
        }
    };
    seul_puis_tous(
        all,
        "transmissions du dossier (20, API)",
        args,
        ouvrir.clone(),
    )
    .await;
    let name = "écriture d'une transmission (API)";
    if args.voulu(name) {
        all.push(scenario(name, 1, args.secondes, None, ecrire.clone()).await);
    }
    both(all, name, args, args.debit_transmission, ecrire.clone()).await;
    if args.voulu("sous charge") {
        let (o, e) = tokio::join!(
            scenario(
                "dossier (20) sous charge d'écriture",
                args.clients,
                args.secondes,
                None,
                ouvrir
            ),
            scenario(
                "écriture sous charge de lectures",
                1,
                args.secondes,
                None,
                ecrire
            ),
        );
        all.extend([o, e]);
    }
    // A unit of 60 people (their current stays), the relève of the last 24 hours.
    let (unite, _) = crate::bench::unite_de_banc(store, etablissement, "Unité banc", 60).await?;
    // Statistics that know the unit (the planner starts from its stays).
    store.analyze().await?;
    {
        let h = http.clone();
        let one = move |_: u64| {
            let h = h.clone();
            async move {
                h.get_ok(&format!(
                    "/api/v1/transmissions?unite={unite}&heures=24&limit=200"
                ))
                .await
            }
        };
        seul_puis_tous(all, "relève d'une unité de 60 sur 24 h (API)", args, one).await;
    }
    {
        let h = http.clone();
        let one = move |i: u64| {
            let h = h.clone();
            async move {
                let q = RECHERCHES[i as usize % RECHERCHES.len()];
                ok(h.get("/api/v1/transmissions")
                    .query(&[("q", q), ("limit", "20")])
                    .send()
                    .await)
                .await
            }
        };
        seul_puis_tous(all, "recherche plein texte (API)", args, one).await;
    }
    Ok(())
}

/// Scenario `name` when asked: with one client (its latency), then with all the clients (the
/// throughput, and the latency under that load).
async fn seul_puis_tous<F, Fut>(
    all: &mut Vec<Figures>,
    name: &'static str,
    args: &BenchArgs,
    one: F,
) where
    F: Fn(u64) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    if args.voulu(name) {
        for clients in [1, args.clients] {
            all.push(scenario(name, clients, args.secondes, None, one.clone()).await);
        }
    }
}

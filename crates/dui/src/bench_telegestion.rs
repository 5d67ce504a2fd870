//! `dui bench`, home-care planning and télégestion (issue 13): the week of a 40-worker
//! service with 2,000 visits (the coordinator's API list), recording an arrival or a
//! departure (one request), and a batch of 50 entries recorded offline (one request).
//! The interventions are planned with the bulk path (fast setup).

use std::sync::Arc;

use chrono::{Duration, NaiveTime, Utc};
use dui_domain::intervention::lundi;
use dui_domain::policy::Role;
use dui_store::usager::InterventionInput;

use crate::bench::{bearer, bench_account, bench_actor, ok, scenario, Banc};
use crate::bench_transmissions::Http;

const COORDINATION: &str = "bench-coordination";
const INTERVENANTS: usize = 40;
/// Interventions every day: 286 × 7 = 2,002 visits a week.
const INTERVENTIONS: usize = 286;

/// Runs the télégestion scenarios in établissement `service`.
pub async fn scenarios(banc: &mut Banc<'_>, service: i64) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    bench_account(store, COORDINATION, Role::Cadre, vec![service]).await?;
    let mut workers = Vec::with_capacity(INTERVENANTS);
    for k in 0..INTERVENANTS {
        workers.push(
            bench_account(
                store,
                &format!("bench-intervenant-{k:02}"),
                Role::IntervenantDomicile,
                vec![service],
            )
            .await?,
        );
    }
    let now = Utc::now();
    let aujourdhui = dui_store::usager::jour_paris(now);
    if store.services_a_domicile(&[service]).await?.is_empty() {
        let usagers = store
            .usagers_en_sejour(service, INTERVENTIONS as i64)
            .await?;
        let debut = (aujourdhui - Duration::days(28)).to_string();
        let rows: Vec<(i64, InterventionInput)> = (0..INTERVENTIONS)
            .map(|n| {
                // One (worker, slot) per intervention: a slot every 80 minutes from 07:00.
                let slot = u32::try_from(n / INTERVENANTS).unwrap_or(0);
                let m = 7 * 60 + slot * 80;
                let de = NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or(NaiveTime::MIN);
                let a = de + Duration::minutes(60);
                (
                    usagers[n % usagers.len().max(1)],
                    InterventionInput {
                        etablissement_id: service,
                        intervenant_id: Some(workers[n % INTERVENANTS]),
                        taches: "toilette,repas".into(),
                        tache_libre: None,
                        adresse: Some("1 place Bellecour, 69002 Lyon".into()),
                        jours_semaine: "1,2,3,4,5,6,7".into(),
                        heure_debut: de.format("%H:%M").to_string(),
                        heure_fin: a.format("%H:%M").to_string(),
                        duree_minutes: 45,
                        qualification: None,
                        date_debut: debut.clone(),
                        date_fin: None,
                    },
                )
            })
            .collect();
        store.planifier_bulk(&bench_actor(), &rows, now).await?;
    }
    let du = lundi(aujourdhui);
    store
        .generer_visites_service(service, du, du + Duration::days(6), now)
        .await?;
    let coord = Http {
        auth: bearer(&http.client, &http.base, COORDINATION).await?,
        ..http.clone()
    };
    let name = "télégestion : semaine d'un service de 40 intervenants, 2 000 interventions (API)";
    coord
        .lecture(all, args, name, move |_| {
            format!("/api/v1/interventions?etablissement={service}&jour={aujourdhui}&limit=2000")
        })
        .await;
    // The first worker's visits of today.
    let siennes: Vec<i64> = store
        .visites_bulk(service, aujourdhui, aujourdhui)
        .await?
        .into_iter()
        .filter(|v| v.1 == Some(workers[0]))
        .map(|v| v.0)
        .collect();
    if siennes.is_empty() {
        return Ok(());
    }
    let worker = Http {
        auth: bearer(&http.client, &http.base, "bench-intervenant-00").await?,
        ..http
    };
    let siennes = Arc::new(siennes);
    let name = "télégestion : arrivée ou départ d'une visite (API)";
    if args.voulu(name) {
        let (h, siennes) = (worker.clone(), siennes.clone());
        let one = move |i: u64| {
            let (h, siennes) = (h.clone(), siennes.clone());
            async move {
                let v = siennes[(i as usize / 2) % siennes.len()];
                let quoi = if i.is_multiple_of(2) {
                    "arrivee"
                } else {
                    "depart"
                };
                ok(h.client
                    .post(format!("{}/api/v1/interventions/{v}/{quoi}", h.base))
                    .header("authorization", h.auth)
                    .json(&serde_json::json!({"version": 1}))
                    .send()
                    .await)
                .await
            }
        };
        all.push(scenario(name, 1, args.secondes, None, one).await);
    }
    let name = "télégestion : synchronisation de 50 saisies hors connexion (API)";
    if args.voulu(name) {
        let (h, siennes) = (worker.clone(), siennes.clone());
        let run = now.timestamp_micros();
        let one = move |i: u64| {
            let (h, siennes) = (h.clone(), siennes.clone());
            async move {
                let entrees: Vec<serde_json::Value> = (0..50)
                    .map(|k| {
                        serde_json::json!({
                            "id": format!("banc-{run}-{i}-{k}"),
                            "visite": siennes[k % siennes.len()],
                            "version": 1,
                            "type": "note",
                            "horodatage": dui_store::ts(Utc::now()),
                            "note": format!("Note de banc {k}"),
                        })
                    })
                    .collect();
                ok(h.client
                    .post(format!("{}/api/v1/interventions/synchronisation", h.base))
                    .header("authorization", h.auth)
                    .json(&serde_json::json!({"entrees": entrees}))
                    .send()
                    .await)
                .await
            }
        };
        all.push(scenario(name, 1, args.secondes, None, one).await);
    }
    Ok(())
}

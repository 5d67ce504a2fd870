//! `dui bench`, the person's path (issue 11): the presences of a 120-place unit for a day
//! (read, and read then saved in one request), and the monthly statement of a 100-place
//! établissement (JSON and XLSX) with a month of absences.

use chrono::{Datelike, Duration, Utc};
use dui_domain::identifiers::Finess;
use dui_domain::organisation::Domaine;
use dui_domain::policy::{Action, Role};
use dui_domain::presence::TypeAbsence;
use dui_domain::sejour::{Financement, TypeAccompagnement};
use dui_store::admin::organisation::EtablissementInput;
use dui_store::policy::{authorize_presences, load_matrix, Principal};
use dui_store::usager::{AbsenceJour, BulkUsager, IdentiteInput};
use dui_store::Store;

use crate::bench::{bearer, bench_account, bench_actor, ok, scenario, Banc};
use crate::bench_transmissions::Http;

const BENCH_PRESENCES: &str = "bench-presences";

/// The 100-place établissement of the statement (created once, found by its FINESS).
async fn etablissement_100(store: &Store, organisme_id: i64) -> anyhow::Result<i64> {
    let finess = (0..10)
        .map(|k| format!("69099910{k}"))
        .find(|s| Finess::parse(s).is_ok())
        .ok_or_else(|| anyhow::anyhow!("FINESS"))?;
    if let Some(e) = store.etablissement_by_finess(&finess).await? {
        return Ok(e.id);
    }
    let now = Utc::now();
    let input = EtablissementInput {
        organisme_id,
        nom: "EHPAD banc d'essai (100 places)".into(),
        finess,
        siret: None,
        categorie: "500".into(),
        domaine: Domaine::Pa,
        capacite: Some(100),
        adresse: None,
        actif: true,
    };
    let id = store
        .create_etablissement(&bench_actor(), &input, now)
        .await?;
    let people: Vec<BulkUsager> = (0..100)
        .map(|i| BulkUsager {
            identite: IdentiteInput::new(
                format!("BANC-PRESENCE-{}", crate::bench::letters(i)),
                vec!["Essai".into()],
                format!("19{:02}-03-1{}", 20 + i % 20, i % 10),
                "F".into(),
            ),
            ins: None,
            statut: "PROV".into(),
            justificatif: None,
            etablissement_id: id,
            date_entree: "2024-01-15".into(),
            entourage: Vec::new(),
        })
        .collect();
    store
        .insert_usagers_bulk(&bench_actor(), &people, now)
        .await?;
    store
        .typer_sejours_bulk(
            id,
            TypeAccompagnement::HebergementPermanent,
            Some(Financement::AideSociale),
        )
        .await?;
    Ok(id)
}

/// Runs the path's scenarios: `ehpad` holds the 120-place unit.
pub async fn scenarios(banc: &mut Banc<'_>, organisme_id: i64, ehpad: i64) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    let e100 = etablissement_100(store, organisme_id).await?;
    let id = bench_account(store, BENCH_PRESENCES, Role::Direction, vec![ehpad, e100]).await?;
    let now = Utc::now();
    // The unit: 120 current stays of the EHPAD.
    let (unite, _) = crate::bench::unite_de_banc(store, ehpad, "Unité banc 120", 120).await?;
    // Last month's absences in the 100-place établissement, saved day by day.
    let who = Principal {
        id,
        username: BENCH_PRESENCES.into(),
        role: Role::Direction,
        etablissements: vec![ehpad, e100],
        usager_id: None,
        ip: None,
    };
    let m = load_matrix(store).await?;
    let cap = authorize_presences(store, &m, &who, e100, Action::Ecrire, now).await?;
    let today = now.date_naive();
    let debut = (today.with_day(1).unwrap_or(today) - Duration::days(1))
        .with_day(1)
        .unwrap_or(today);
    let mois = debut.format("%Y-%m").to_string();
    let mut jour = debut;
    while jour.month() == debut.month() {
        let j = store.presences_jour(&cap, None, jour).await?;
        let abs: Vec<AbsenceJour> = j
            .personnes
            .iter()
            .filter(|p| (p.sejour_id + i64::from(jour.day())) % 12 == 0)
            .map(|p| AbsenceJour {
                sejour_id: p.sejour_id,
                type_absence: TypeAbsence::ALL[(p.sejour_id % 4) as usize],
                commentaire: None,
            })
            .collect();
        store
            .enregistrer_presences(&cap, None, jour, j.version, &abs)
            .await?;
        jour += Duration::days(1);
    }
    let auth = bearer(&http.client, &http.base, BENCH_PRESENCES).await?;
    let h = Http { auth, ..http };
    let name = "présences d'une unité de 120 : lecture (API)";
    h.lecture(all, args, name, move |i| {
        let jour =
            dui_domain::feuille_soins::jour_local(Utc::now()) - Duration::days((i % 365) as i64);
        format!("/api/v1/presences?etablissement_id={ehpad}&unite_id={unite}&jour={jour}")
    })
    .await;
    let name = "présences d'une unité de 120 : enregistrement (API, une requête)";
    if args.voulu(name) {
        let h = h.clone();
        let one = move |i: u64| {
            let h = h.clone();
            async move {
                let jour = dui_domain::feuille_soins::jour_local(Utc::now())
                    - Duration::days((i % 365) as i64);
                let url = format!(
                    "{}/api/v1/presences?etablissement_id={ehpad}&unite_id={unite}&jour={jour}",
                    h.base
                );
                let Ok(r) = h
                    .client
                    .get(url)
                    .header("authorization", h.auth.clone())
                    .send()
                    .await
                else {
                    return false;
                };
                let Ok(mut body) = r.json::<serde_json::Value>().await else {
                    return false;
                };
                if let Some(ps) = body["personnes"].as_array_mut() {
                    for (k, p) in ps.iter_mut().enumerate() {
                        p["absence"] = if (k as u64 + i).is_multiple_of(9) {
                            "hospitalisation".into()
                        } else {
                            serde_json::Value::Null
                        };
                    }
                }
                ok(h.client
                    .put(format!("{}/api/v1/presences", h.base))
                    .header("authorization", h.auth)
                    .json(&body)
                    .send()
                    .await)
                .await
            }
        };
        all.push(scenario(name, 1, args.secondes, None, one).await);
    }
    for (name, ext) in [
        ("état mensuel, établissement de 100 places (API JSON)", ""),
        ("état mensuel, établissement de 100 places (XLSX)", ".xlsx"),
    ] {
        if !args.voulu(name) {
            continue;
        }
        let (h, mois) = (h.clone(), mois.clone());
        let one = move |_: u64| {
            let (h, mois) = (h.clone(), mois.clone());
            async move {
                h.get_ok(&format!(
                    "/api/v1/presences/etat{ext}?etablissement_id={e100}&mois={mois}"
                ))
                .await
            }
        };
        all.push(scenario(name, 1, args.secondes, None, one).await);
    }
    Ok(())
}

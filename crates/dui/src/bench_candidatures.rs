//! `dui bench`, applications (issue 11, ADM-1): the consolidated waiting list of 5,000
//! applications across 40 établissements, first page, as a whole and filtered by one
//! établissement (the applications are recorded once through the store's own path).

use chrono::{Duration, Utc};
use dui_domain::candidature::{OrigineCandidature, Priorite};
use dui_domain::identifiers::Finess;
use dui_domain::organisation::Domaine;
use dui_domain::policy::{Action, Role};
use dui_domain::sejour::TypeAccompagnement;
use dui_domain::usager::Sexe;
use dui_store::admin::organisation::EtablissementInput;
use dui_store::page::Page;
use dui_store::policy::{authorize_candidatures, load_matrix, Principal};
use dui_store::usager::{CandidatureInput, FiltreCandidatures, Piece};
use dui_store::Store;

use crate::bench::{bearer, bench_account, bench_actor, scenario, Banc};
use crate::bench_transmissions::Http;

const BENCH_CANDIDATURES: &str = "bench-candidatures";
const ETABLISSEMENTS: usize = 40;
const CANDIDATURES: usize = 5_000;

/// The 40 établissements of the waiting list (created once, found by their FINESS).
async fn etablissements(store: &Store, organisme_id: i64) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    let mut serial = 0u32;
    while ids.len() < ETABLISSEMENTS {
        serial += 1;
        // Eight digits of our own, then the one key digit that makes a valid FINESS.
        let Some(finess) = (0..10)
            .map(|cle| format!("69099{serial:03}{cle}"))
            .find(|f| Finess::parse(f).is_ok())
        else {
            anyhow::bail!("aucune clé ne valide le FINESS 69099{serial:03}");
        };
        let id = match store.etablissement_by_finess(&finess).await? {
            Some(e) => e.id,
            None => {
                let input = EtablissementInput {
                    organisme_id,
                    nom: format!("Établissement banc d'essai {serial:02}"),
                    finess,
                    siret: None,
                    categorie: "500".into(),
                    domaine: if serial.is_multiple_of(2) {
                        Domaine::Pa
                    } else {
                        Domaine::Ph
                    },
                    capacite: Some(60),
                    adresse: None,
                    actif: true,
                };
                store
                    .create_etablissement(&bench_actor(), &input, Utc::now())
                    .await?
            }
        };
        ids.push(id);
    }
    Ok(ids)
}

/// Runs the waiting list's scenarios.
pub async fn scenarios(banc: &mut Banc<'_>, organisme_id: i64) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    let name_all = "liste d'attente, 5 000 candidatures sur 40 établissements, 1re page (API)";
    let name_one = "liste d'attente filtrée par établissement, 1re page (API)";
    if !args.voulu(name_all) && !args.voulu(name_one) {
        return Ok(());
    }
    let etabs = etablissements(store, organisme_id).await?;
    let id = bench_account(store, BENCH_CANDIDATURES, Role::Secretariat, etabs.clone()).await?;
    let now = Utc::now();
    let who = Principal {
        id,
        username: BENCH_CANDIDATURES.into(),
        role: Role::Secretariat,
        etablissements: etabs.clone(),
        usager_id: None,
        ip: None,
    };
    let m = load_matrix(store).await?;
    let cap = authorize_candidatures(store, &m, &who, Action::Ecrire, now).await?;
    let deja = store
        .liste_candidatures(
            &cap,
            &FiltreCandidatures::default(),
            Page::first(CANDIDATURES as i64),
        )
        .await?
        .0
        .len();
    let today = now.date_naive();
    for i in deja..CANDIDATURES {
        let mut cibles = vec![etabs[i % ETABLISSEMENTS]];
        if i.is_multiple_of(3) {
            cibles.push(etabs[(i * 7 + 1) % ETABLISSEMENTS]);
        }
        let c = CandidatureInput {
            etablissements: cibles,
            nom_naissance: format!("BANC-CANDIDAT-{}", crate::bench::letters(i as u64)),
            prenoms: "Essai".into(),
            date_naissance: today - Duration::days(20_000 + (i as i64 * 37) % 12_000),
            sexe: if i % 2 == 0 { Sexe::F } else { Sexe::M },
            telephone: None,
            origine: OrigineCandidature::ALL[i % OrigineCandidature::ALL.len()],
            numero_decision: Some(format!("BANC-{i:05}")),
            date_decision: None,
            fin_decision: None,
            orientation: Some(TypeAccompagnement::ALL[i % 3]),
            priorite: Priorite::ALL[i % 3],
            criteres: None,
            pieces: vec![Piece {
                libelle: "Notification".into(),
                recue_le: None,
            }],
            date_reception: today - Duration::days((i % 400) as i64),
        };
        store.creer_candidature(&cap, &c, None).await?;
    }
    let auth = bearer(&http.client, &http.base, BENCH_CANDIDATURES).await?;
    let h = Http { auth, ..http };
    if args.voulu(name_all) {
        let h = h.clone();
        let one = move |_: u64| {
            let h = h.clone();
            async move { h.get_ok("/api/v1/candidatures?limit=50").await }
        };
        all.push(scenario(name_all, 1, args.secondes, None, one).await);
    }
    if args.voulu(name_one) {
        let h = h.clone();
        let one = move |i: u64| {
            let (h, e) = (h.clone(), etabs[(i as usize) % ETABLISSEMENTS]);
            async move {
                h.get_ok(&format!("/api/v1/candidatures?limit=50&etablissement={e}"))
                    .await
            }
        };
        all.push(scenario(name_one, 1, args.secondes, None, one).await);
    }
    Ok(())
}

//! `dui bench`, care (issue 12): the worksheet of an 80-person unit for one shift, recording
//! one act done and one medicine given (each a request), and the vital-sign chart of a
//! person over two years (730 daily temperatures, the page drawn on the server).

use std::sync::Arc;

use chrono::{Duration, NaiveTime, Utc};
use dui_domain::constantes::TypeMesure;
use dui_domain::feuille_soins::{instant_local, jour_local};
use dui_domain::ids::UsagerId;
use dui_domain::plan_soins::{Intervenant, TypeActe, TypeFrequence};
use dui_domain::policy::{Action, Role, Section};
use dui_domain::prescription::{TypePrescription, Voie};
use dui_store::policy::{authorize, load_matrix, Principal};
use dui_store::usager::{ActePlanInput, ConstanteInput, PrescriptionInput, TermesPrescription};

use crate::bench::{bearer, bench_account, Banc};
use crate::bench_transmissions::Http;

const BENCH_SOINS: &str = "bench-infirmier";

/// Runs the care scenarios in the EHPAD `ehpad`.
pub async fn scenarios(banc: &mut Banc<'_>, ehpad: i64) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    let id = bench_account(store, BENCH_SOINS, Role::Infirmier, vec![ehpad]).await?;
    let now = Utc::now();
    let who = Principal {
        id,
        username: BENCH_SOINS.into(),
        role: Role::Infirmier,
        etablissements: vec![ehpad],
        usager_id: None,
        ip: None,
    };
    let (unite, membres) =
        crate::bench::unite_de_banc(store, ehpad, "Unité banc soins", 80).await?;
    let m = load_matrix(store).await?;
    // Each run adds one daily act and one daily medicine per person (fresh keys for the
    // writes), over a plan of four acts and two medicines per person.
    let mut actes = Vec::new();
    let mut prescriptions = Vec::new();
    let debut = "2020-01-01";
    for u in &membres {
        let cap = authorize(
            store,
            &m,
            &who,
            UsagerId(*u),
            Section::Soins,
            Action::Valider,
            now,
        )
        .await?;
        let deja = store.plan_soins(&cap, false).await?.len();
        let acte = |libelle: &str, horaires: &str| ActePlanInput {
            type_acte: TypeActe::Hygiene,
            libelle: libelle.into(),
            intervenant: Intervenant::AideSoignant,
            type_frequence: TypeFrequence::Quotidien,
            jours_semaine: String::new(),
            intervalle: 1,
            horaires: horaires.into(),
            date_debut: debut.into(),
            date_fin: None,
            consignes: None,
            actif: true,
        };
        for (k, h) in ["07:30", "09:00, 12:00", "10:00, 13:00", "20:00"]
            .iter()
            .enumerate()
            .skip(deja.min(4))
        {
            store
                .ajouter_acte_plan(&cap, &acte(&format!("Soin de banc {k}"), h))
                .await?;
        }
        actes.push(
            store
                .ajouter_acte_plan(&cap, &acte(&format!("Banc {}", now.timestamp()), "08:00"))
                .await?,
        );
        let p = PrescriptionInput {
            type_prescription: Some(TypePrescription::Medicament),
            termes: TermesPrescription {
                libelle: "Paracétamol 500 mg, comprimé".into(),
                dose: Some("1 comprimé".into()),
                voie: Some(Voie::Orale),
                horaires: "08:00".into(),
                date_debut: chrono::NaiveDate::parse_from_str(debut, "%Y-%m-%d")?,
                ..TermesPrescription::default()
            },
            prescripteur_nom: Some("Dr Banc".into()),
            prescripteur_rpps: Some("10000000009".into()),
        };
        prescriptions.push(store.prescrire(&cap, &p).await?);
    }
    // Two years of daily temperatures of the first person (once).
    let premier = membres.first().copied().unwrap_or(1);
    let cap = authorize(
        store,
        &m,
        &who,
        UsagerId(premier),
        Section::Soins,
        Action::Ecrire,
        now,
    )
    .await?;
    if store
        .constantes_periode(
            &cap,
            TypeMesure::Temperature,
            now - Duration::days(731),
            now,
        )
        .await?
        .len()
        < 700
    {
        for d in 1..=730 {
            let c = ConstanteInput {
                type_mesure: TypeMesure::Temperature,
                valeur: 36.5 + (d % 7) as f64 * 0.2,
                valeur2: None,
                mesure_a: now - Duration::days(d) - Duration::hours(3),
                commentaire: None,
            };
            store.ajouter_constante(&cap, &c).await?;
        }
    }
    let auth = bearer(&http.client, &http.base, BENCH_SOINS).await?;
    let h = Http { auth, ..http };
    let name = "feuille de soins d'une unité de 80, un poste (API)";
    h.lecture(all, args, name, move |i| {
        let jour = jour_local(Utc::now()) - Duration::days((i % 365) as i64);
        format!("/api/v1/soins/feuille?etablissement_id={ehpad}&unite_id={unite}&jour={jour}&poste=matin")
    })
    .await;
    let huit = NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN);
    let aujourdhui = jour_local(now);
    // The i-th write: the act (or medicine) i mod 80 on the i / 80-th day before today.
    let cle = move |i: u64, ids: &[i64]| {
        let n = ids.len().max(1) as u64;
        let jour = aujourdhui - Duration::days(1 + (i / n) as i64);
        (
            ids[(i % n) as usize],
            dui_store::ts(instant_local(jour, huit)),
        )
    };
    let (actes, prescriptions) = (Arc::new(actes), Arc::new(prescriptions));
    let name = "validation d'un acte de soin (API)";
    h.ecriture(all, args, name, "/api/v1/soins/feuille", move |i| {
        let (acte_id, prevu_a) = cle(i, &actes);
        serde_json::json!({"etablissement_id": ehpad, "actes": [{"acte_id": acte_id, "prevu_a": prevu_a, "statut": "fait"}]})
    })
    .await;
    let name = "administration d'un médicament (API)";
    h.ecriture(all, args, name, "/api/v1/soins/tour", move |i| {
        let (prescription_id, prevu_a) = cle(i, &prescriptions);
        serde_json::json!({"etablissement_id": ehpad, "doses": [{"prescription_id": prescription_id, "prevu_a": prevu_a, "statut": "donne"}]})
    })
    .await;
    let name = "courbe de température sur deux ans (page)";
    h.lecture(all, args, name, move |_| {
        format!("/usagers/{premier}/soins/constantes?type=temperature&jours=730")
    })
    .await;
    Ok(())
}

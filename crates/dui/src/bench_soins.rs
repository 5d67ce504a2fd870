//! `dui bench`, care (issue 12): the emergency liaison file (DLU) of a person, assembled live
//! from the file (identity, circle, médecin traitant, medical summary, GIR, return sheets),
//! as a page and through the API, one client (latency; target p99 ≤ 20 ms).

use std::sync::Arc;

use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::soins::Rubrique;
use dui_store::policy::{authorize, load_matrix, Principal};
use dui_store::usager::EntreeSoinsInput;

use crate::bench::{bench_account, scenario, Banc};

const BENCH_MEDECIN: &str = "bench-medecin";
/// Files whose DLU is read (each given a medical summary first).
const DOSSIERS: usize = 50;

const ENTREES: &[(Rubrique, &str, Option<&str>)] = &[
    (Rubrique::Allergie, "Pénicilline", None),
    (Rubrique::Probleme, "Hypertension artérielle", Some("I10")),
    (Rubrique::Probleme, "Diabète de type 2", Some("E11.9")),
    (
        Rubrique::Antecedent,
        "Fracture du col du fémur",
        Some("S72.0"),
    ),
    (Rubrique::Traitement, "Amlodipine 5 mg le matin", None),
    (
        Rubrique::Traitement,
        "Metformine 500 mg matin et soir",
        None,
    ),
    (Rubrique::Vaccination, "Grippe saisonnière", None),
    (Rubrique::Risque, "Risque de chute", None),
    (Rubrique::Directives, "Classeur de l'infirmerie", None),
    (Rubrique::Palliatif, "Non", None),
    (Rubrique::Communication, "Appareil auditif à gauche", None),
    (Rubrique::EtatHabituel, "Marche avec un déambulateur", None),
];

/// Runs the DLU's scenarios over files of `ids` (in every établissement of `etablissements`).
pub async fn scenarios(
    banc: &mut Banc<'_>,
    etablissements: Vec<i64>,
    ids: Arc<Vec<i64>>,
) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    if !args.voulu("DLU") {
        return Ok(());
    }
    let medecin =
        bench_account(store, BENCH_MEDECIN, Role::Medecin, etablissements.clone()).await?;
    let who = Principal {
        id: medecin,
        username: BENCH_MEDECIN.into(),
        role: Role::Medecin,
        etablissements,
        usager_id: None,
        ip: None,
    };
    let m = load_matrix(store).await?;
    let dossiers: Arc<Vec<i64>> = Arc::new(ids.iter().take(DOSSIERS).copied().collect());
    for id in dossiers.iter() {
        let cap = authorize(
            store,
            &m,
            &who,
            UsagerId(*id),
            Section::Soins,
            Action::Ecrire,
            Utc::now(),
        )
        .await?;
        if !store.synthese_soins(&cap).await?.is_empty() {
            continue;
        }
        for (rubrique, libelle, code) in ENTREES {
            let e = EntreeSoinsInput {
                rubrique: *rubrique,
                libelle: (*libelle).into(),
                code_cim10: code.map(str::to_string),
                details: None,
                date_debut: None,
                corrige_id: None,
            };
            store.add_entree_soins(&cap, &e).await?;
        }
    }
    store.audit_seal(Utc::now()).await?;
    for (name, chemin) in [
        (
            "DLU d'un dossier (page), 1 client",
            "/usagers/{id}/soins/dlu",
        ),
        (
            "DLU d'un dossier (API), 1 client",
            "/api/v1/usagers/{id}/soins/dlu",
        ),
    ] {
        let (h, d) = (http.clone(), dossiers.clone());
        let lire = move |i: u64| {
            let (h, d) = (h.clone(), d.clone());
            let c = chemin.replace("{id}", &d[i as usize % d.len()].to_string());
            async move { h.get_ok(&c).await }
        };
        all.push(scenario(name, 1, args.secondes, None, lire).await);
    }
    Ok(())
}

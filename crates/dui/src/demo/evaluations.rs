//! AGGIR evaluations of the demo's EHPAD and home-care (SAD) usagers: one to three each,
//! six months apart, dependency growing with time, the latest validated (sometimes a draft
//! waits for validation). The GIR mix is drawn from an approximate distribution of residents
//! in French EHPAD (about half in GIR 1–2, GMP around 700; order of magnitude of the DREES
//! EHPA survey) and of APA beneficiaries at home (mostly GIR 4).

use chrono::{Duration, NaiveDate, Utc};
use dui_domain::grille::aggir::{Codes, Modalite};
use dui_domain::grille::registre::Registre;
use dui_domain::policy::{Action, Role, Section};
use dui_store::policy::{authorize, authorize_recherche, load_matrix, Principal};
use dui_store::usager::{NouvelleEvaluation, Recherche};
use dui_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use super::DemoOrg;

/// Share of GIR 1..6, in percent: EHPAD residents, then people helped at home.
const GIR_EHPAD: [u32; 6] = [18, 37, 16, 20, 5, 4];
const GIR_DOMICILE: [u32; 6] = [3, 15, 20, 45, 10, 7];

fn tirer_gir(rng: &mut StdRng, parts: &[u32; 6]) -> u8 {
    let mut x = rng.gen_range(0..parts.iter().sum::<u32>());
    for (i, p) in parts.iter().enumerate() {
        if x < *p {
            return i as u8 + 1;
        }
        x -= p;
    }
    6
}

/// Codes whose GIR is `gir`: each variable drawn with a severity matching the GIR (so that the
/// profile is plausible), until the algorithm gives that GIR.
fn codes_pour(rng: &mut StdRng, gir: u8) -> Codes {
    let (p_c, p_b) = [
        (0.85, 0.1),
        (0.55, 0.3),
        (0.3, 0.45),
        (0.12, 0.45),
        (0.03, 0.3),
        (0.0, 0.1),
    ][usize::from(gir.clamp(1, 6)) - 1];
    let mut last = Codes([Modalite::A; 10]);
    for _ in 0..2000 {
        let m: [Modalite; 10] = std::array::from_fn(|_| {
            let x: f64 = rng.gen();
            if x < p_c {
                Modalite::C
            } else if x < p_c + p_b {
                Modalite::B
            } else {
                Modalite::A
            }
        });
        last = Codes(m);
        if last.resultat().gir.numero() == gir {
            break;
        }
    }
    last
}

fn reponses(c: &Codes) -> Value {
    let m: Map<String, Value> = dui_domain::grille::aggir::Variable::ALL
        .iter()
        .map(|v| (v.code().to_string(), json!(c.get(*v).lettre())))
        .collect();
    json!({ "variables": m })
}

/// Adds the evaluations; answers how many.
pub async fn ajouter(store: &Store, org: &DemoOrg, seed: u64) -> anyhow::Result<u64> {
    let now = Utc::now();
    let today = now.date_naive();
    let aggir = Registre::officiel()
        .courante("aggir")
        .ok_or_else(|| anyhow::anyhow!("grille AGGIR absente"))?;
    let who = Principal {
        id: 0,
        username: "demo".into(),
        role: Role::Direction,
        etablissements: org.etablissements.iter().map(|e| e.0).collect(),
        usager_id: None,
        ip: None,
    };
    let m = load_matrix(store).await?;
    let search = authorize_recherche(store, &m, &who, now).await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut n = 0;
    for (etab, domaine) in org
        .etablissements
        .iter()
        .filter(|e| e.1 == "PA" || e.1 == "DOM")
    {
        let parts = if *domaine == "PA" {
            &GIR_EHPAD
        } else {
            &GIR_DOMICILE
        };
        let mut cursor = None;
        loop {
            let r = Recherche {
                texte: String::new(),
                etablissement: Some(*etab),
                limit: 100,
                cursor,
            };
            let (found, next) = store.rechercher_usagers(&search, &r, now).await?;
            for f in found {
                let acc = |action| {
                    authorize(
                        store,
                        &m,
                        &who,
                        dui_domain::ids::UsagerId(f.id),
                        Section::Accompagnement,
                        action,
                        now,
                    )
                };
                let (valide, brouillon) = (acc(Action::Valider).await?, acc(Action::Ecrire).await?);
                let final_gir = tirer_gir(&mut rng, parts);
                let count = rng.gen_range(1..=3);
                for k in (0..count).rev() {
                    // Earlier evaluations: same GIR or one step less dependent.
                    let gir = (final_gir + u8::from(k > 0 && rng.gen_bool(0.5))).min(6);
                    let date: NaiveDate =
                        today - Duration::days(180 * k as i64 + rng.gen_range(0..60));
                    let valider = k > 0 || rng.gen_bool(0.85);
                    let e = NouvelleEvaluation {
                        date_evaluation: date,
                        reponses: reponses(&codes_pour(&mut rng, gir)),
                        commentaire: (k == 0)
                            .then(|| "Réévaluation avec l'équipe soignante.".to_string()),
                        valider,
                        corrige_id: None,
                    };
                    let cap = if valider { &valide } else { &brouillon };
                    store.ajouter_evaluation(cap, &aggir, &e).await?;
                    n += 1;
                }
            }
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_codes_have_the_gir_asked() {
        let mut rng = StdRng::seed_from_u64(3);
        for gir in 1..=6 {
            for _ in 0..20 {
                assert_eq!(codes_pour(&mut rng, gir).resultat().gir.numero(), gir);
            }
        }
        let mut count = [0u32; 6];
        for _ in 0..10_000 {
            count[usize::from(tirer_gir(&mut rng, &GIR_EHPAD)) - 1] += 1;
        }
        // About half in GIR 1–2.
        assert!((5000..6000).contains(&(count[0] + count[1])), "{count:?}");
    }
}

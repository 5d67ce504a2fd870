//! AGGIR evaluations of the demo's EHPAD and home-care (SAD) usagers: one to three each,
//! six months apart, dependency growing with time, the latest validated (sometimes a draft
//! waits for validation), written through the bulk path (`insert_evaluations_bulk`, which
//! computes the results from the grid as the normal path does). The GIR mix of the EHPAD is
//! the one given for a real EHPAD in the brief of issue 17 (GIR 1 ~10 %, GIR 2 ~30 %, GIR 3
//! ~17 %, GIR 4 ~25 %, GIR 5–6 ~18 %: GMP about 600; no published distribution is kept in
//! `shared/reference`), that of home care is mostly GIR 4 (APA beneficiaries at home).

use chrono::{Duration, NaiveDate};
use dui_domain::grille::aggir::{Codes, Modalite};
use dui_domain::grille::definition::Definition;
use dui_domain::grille::registre::Registre;
use dui_store::usager::{BulkEvaluation, NouvelleEvaluation};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Map, Value};

/// Share of GIR 1..6, in percent: EHPAD residents, then people helped at home.
const GIR_EHPAD: [u32; 6] = [10, 30, 17, 25, 9, 9];
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

/// The AGGIR evaluations of usager `id` of `domaine` (EHPAD and home care only): one to
/// three, six months apart, the latest validated (sometimes a draft waits), recorded by
/// `auteur` (account id, login name).
pub fn pour(
    rng: &mut StdRng,
    id: i64,
    domaine: &str,
    today: NaiveDate,
    auteur: (Option<i64>, &str),
    out: &mut Vec<BulkEvaluation>,
) {
    let parts = match domaine {
        "PA" => &GIR_EHPAD,
        "DOM" => &GIR_DOMICILE,
        _ => return,
    };
    let final_gir = tirer_gir(rng, parts);
    let count = rng.gen_range(1..=3);
    for k in (0..count).rev() {
        // Earlier evaluations: same GIR or one step less dependent.
        let gir = (final_gir + u8::from(k > 0 && rng.gen_bool(0.5))).min(6);
        let date: NaiveDate = today - Duration::days(180 * k as i64 + rng.gen_range(0..60));
        out.push(BulkEvaluation {
            usager_id: id,
            evaluation: NouvelleEvaluation {
                date_evaluation: date,
                reponses: reponses(&codes_pour(rng, gir)),
                commentaire: (k == 0).then(|| "Réévaluation avec l'équipe soignante.".to_string()),
                valider: k > 0 || rng.gen_bool(0.85),
                corrige_id: None,
            },
            auteur_id: auteur.0,
            auteur: auteur.1.to_string(),
        });
    }
}

/// The official AGGIR grid's current definition.
pub fn aggir() -> anyhow::Result<std::sync::Arc<Definition>> {
    Registre::officiel()
        .courante("aggir")
        .ok_or_else(|| anyhow::anyhow!("grille AGGIR absente"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

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
        // About 40 % in GIR 1–2, a quarter in GIR 4.
        assert!((3700..4300).contains(&(count[0] + count[1])), "{count:?}");
        assert!((2300..2700).contains(&count[3]), "{count:?}");
    }
}

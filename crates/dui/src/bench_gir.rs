//! `dui bench --seulement gir`: GIR computations per second in the domain crate (pure, no
//! database, one thread).

use std::hint::black_box;
use std::time::Instant;

use dui_domain::grille::aggir::{Adverbes, Codes, Modalite, Variable};

/// Every combination of the ten discriminant variables (3^10).
fn all_codes() -> Vec<Codes> {
    (0..3usize.pow(10))
        .map(|i| {
            let mut rest = i;
            let mut m = [Modalite::A; 10];
            for slot in m.iter_mut() {
                *slot = Modalite::ALL[rest % 3];
                rest /= 3;
            }
            Codes(m)
        })
        .collect()
}

/// Prints the figures.
pub fn run() {
    let codes = all_codes();
    let rounds = 200;
    let start = Instant::now();
    let mut sum = 0u64;
    for _ in 0..rounds {
        for c in &codes {
            sum += u64::from(black_box(c).resultat().gir.numero());
        }
    }
    let elapsed = start.elapsed();
    let n = (rounds * codes.len()) as f64;
    black_box(sum);
    println!(
        "{:<34} {:>12.0} calculs/s  ({} calculs en {:.3} s, codes → rang → GIR)",
        "GIR (domaine, 1 fil)",
        n / elapsed.as_secs_f64(),
        n,
        elapsed.as_secs_f64()
    );

    // From the adverbs of the 17 (sub-)variables: adverbs → codes → combination → GIR.
    let adverbes: Vec<[Adverbes; 17]> = (0..65_536u32)
        .map(|i| {
            let mut a = [Adverbes::default(); 17];
            for (k, slot) in a.iter_mut().enumerate() {
                let b = (i.wrapping_mul(2_654_435_761).rotate_left(k as u32 * 3)) as u8;
                *slot = Adverbes {
                    spontanement: b & 1 != 0,
                    totalement: b & 2 != 0 || b & 16 != 0,
                    correctement: b & 4 != 0 || b & 32 != 0,
                    habituellement: b & 8 != 0 || b & 64 != 0,
                };
            }
            a
        })
        .collect();
    let rounds = 20;
    let start = Instant::now();
    let mut sum = 0u64;
    for _ in 0..rounds {
        for a in &adverbes {
            let a = black_box(a);
            let mut m = [Modalite::A; 10];
            let mut k = 0;
            for (i, v) in Variable::ALL.iter().enumerate() {
                let subs = v.sous_variables().len().max(1);
                let sub_codes: [Modalite; 3] = std::array::from_fn(|j| {
                    if j < subs {
                        a[k + j].modalite()
                    } else {
                        Modalite::A
                    }
                });
                k += subs;
                m[i] = match v.regle() {
                    Some(r) => r.combiner(&sub_codes[..subs]),
                    None => sub_codes[0],
                };
            }
            sum += u64::from(Codes(m).resultat().gir.numero());
        }
    }
    let elapsed = start.elapsed();
    black_box(sum);
    let n = (rounds * adverbes.len()) as f64;
    println!(
        "{:<34} {:>12.0} calculs/s  ({} grilles en {:.3} s, adverbes → codes → GIR)",
        "GIR depuis les adverbes (1 fil)",
        n / elapsed.as_secs_f64(),
        n,
        elapsed.as_secs_f64()
    );
}

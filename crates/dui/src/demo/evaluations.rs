//! AGGIR evaluations of the demo's EHPAD and home-care (SAD) usagers: one to three each,
//! six months apart, dependency growing with time, the latest validated (sometimes a draft
//! waits for validation), written through the bulk path (`insert_evaluations_bulk`, which
//! computes the results from the grid as the normal path does). The GIR mix of the EHPAD is
//! the one given for a real EHPAD in the brief of issue 17 (GIR 1 ~10 %, GIR 2 ~30 %, GIR 3
//! ~17 %, GIR 4 ~25 %, GIR 5–6 ~18 %: GMP about 600; no published distribution is kept in
//! `shared/reference`), that of home care is mostly GIR 4 (APA beneficiaries at home). The people of the IME and
//! the MECS get a SERAFIN-PH needs evaluation (needs of relations, family and schooling more
//! often for the children in protection).

use chrono::{Duration, NaiveDate, Utc};
use dui_domain::grille::aggir::{Codes, Modalite};
use dui_domain::grille::besoins;
use dui_domain::grille::definition::Definition;
use dui_domain::grille::registre::Registre;
use dui_domain::policy::{Action, Matrice, Role, Section};
use dui_store::policy::{authorize, authorize_recherche, load_matrix, Capability, Principal};
use dui_store::usager::{BulkEvaluation, NouvelleEvaluation, Recherche};
use dui_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use super::DemoOrg;

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
        .map(|v| (v.code().to_string(), json!(c.get(*v).code())))
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

/// The demo's acting account (the direction of every établissement), the matrix, and the
/// files of the établissements of `domaines`, with their établissement's domain.
async fn dossiers(
    store: &Store,
    org: &DemoOrg,
    domaines: &[&str],
) -> anyhow::Result<(Principal, Matrice, Vec<(i64, &'static str)>)> {
    let now = Utc::now();
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
    let mut out = Vec::new();
    for (etab, domaine) in org
        .etablissements
        .iter()
        .filter(|e| domaines.contains(&e.1))
    {
        let mut cursor = None;
        loop {
            let r = Recherche {
                texte: String::new(),
                etablissement: Some(*etab),
                limit: 100,
                cursor,
            };
            let (found, next) = store.rechercher_usagers(&search, &r, now).await?;
            out.extend(found.iter().map(|f| (f.id, *domaine)));
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
    }
    Ok((who, m, out))
}

/// Capabilities to validate and to write a draft on the *Accompagnement* section of `id`.
async fn capacites(
    store: &Store,
    m: &Matrice,
    who: &Principal,
    id: i64,
) -> anyhow::Result<(Capability, Capability)> {
    let now = Utc::now();
    let acc = |action| {
        authorize(
            store,
            m,
            who,
            dui_domain::ids::UsagerId(id),
            Section::Accompagnement,
            action,
            now,
        )
    };
    Ok((acc(Action::Valider).await?, acc(Action::Ecrire).await?))
}

/// Observations written on the needs of the demo's children and young people (IME, MECS).
const OBSERVATIONS: &[(&str, &str)] = &[
    (
        "1.1.1",
        "Suivi en CMP, troubles de l'attention à accompagner en classe.",
    ),
    ("1.1.4", "Séances d'orthophonie deux fois par semaine."),
    ("1.2.1.1", "Aide à la toilette et à l'habillage le matin."),
    (
        "1.2.1.2",
        "Difficultés dans les relations avec les pairs ; groupe d'habiletés sociales.",
    ),
    (
        "1.2.1.3",
        "Accompagnement pour les trajets hors de l'établissement.",
    ),
    ("1.2.1.4", "Mises en danger repérées lors des sorties."),
    (
        "1.3.3.1",
        "Scolarité en unité d'enseignement, inclusion partielle au collège.",
    ),
    ("1.3.3.3", "Apprentissages de la lecture à consolider."),
    (
        "1.3.3.4",
        "Liens avec la famille à soutenir (visites médiatisées).",
    ),
    ("1.3.4.1", "Souhaite s'inscrire au club de football."),
];

/// Answers of a SERAFIN-PH needs evaluation: each leaf need marked, a few observations.
fn besoins_reponses(rng: &mut StdRng, d: &Definition, enfance: bool) -> Value {
    let mut r = Map::new();
    for q in d
        .questions
        .iter()
        .filter(|q| !q.id.ends_with(besoins::COMMENTAIRE))
    {
        // Children in protection: needs of relations, family and schooling above all.
        let relationnel = q.id.starts_with("1.2.1.2") || q.id.starts_with("1.3.3");
        let p_besoin = match (enfance, relationnel) {
            (true, true) => 0.8,
            (true, false) => 0.25,
            (false, _) => 0.5,
        };
        let niveau = if rng.gen_bool(p_besoin) {
            rng.gen_range(1..=3)
        } else {
            0
        };
        r.insert(q.id.clone(), json!(niveau.to_string()));
        if niveau > 0 {
            if let Some((_, o)) = OBSERVATIONS.iter().find(|(c, _)| *c == q.id) {
                r.insert(format!("{}{}", q.id, besoins::COMMENTAIRE), json!(o));
            }
        }
    }
    Value::Object(r)
}

/// Adds a SERAFIN-PH needs evaluation to each person of the IME and the MECS (validated, a
/// few still drafts); answers how many.
pub async fn ajouter_besoins(store: &Store, org: &DemoOrg, seed: u64) -> anyhow::Result<u64> {
    let today = dui_domain::feuille_soins::jour_local(Utc::now());
    let grille = Registre::officiel()
        .courante(besoins::GRILLE)
        .ok_or_else(|| anyhow::anyhow!("grille SERAFIN-PH absente"))?;
    let (who, m, dossiers) = dossiers(store, org, &["PH", "PDE"]).await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut n = 0;
    for (id, domaine) in dossiers {
        let (valide, brouillon) = capacites(store, &m, &who, id).await?;
        let valider = rng.gen_bool(0.9);
        let e = NouvelleEvaluation {
            date_evaluation: today - Duration::days(rng.gen_range(20..200)),
            reponses: besoins_reponses(&mut rng, &grille, domaine == "PDE"),
            commentaire: Some("Évaluation en équipe pluridisciplinaire, avec la personne.".into()),
            valider,
            corrige_id: None,
        };
        let cap = if valider { &valide } else { &brouillon };
        store.ajouter_evaluation(cap, &grille, &e).await?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_needs_evaluations_are_valid_and_name_needs() {
        let d = Registre::officiel().courante(besoins::GRILLE).unwrap();
        let mut rng = StdRng::seed_from_u64(5);
        for enfance in [true, false] {
            let r = besoins_reponses(&mut rng, &d, enfance);
            assert!(d.evaluer(&r).is_ok(), "{r}");
            assert!(!besoins::besoins_identifies(&d, &r).is_empty());
        }
    }

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

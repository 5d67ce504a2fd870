//! Demo applications (ADM-1, ADM-2), written through the product's own path: applications in
//! every status across the établissements (a waiting list, refusals with their motive,
//! withdrawals), each with its origin, documents and priority, and first interviews planned
//! this week in the agenda of `cadre` (its home page shows them).

use chrono::{Duration, Timelike, Utc};
use dui_domain::candidature::{OrigineCandidature, Priorite, StatutCandidature};
use dui_domain::policy::Action;
use dui_domain::sejour::TypeAccompagnement;
use dui_domain::usager::Sexe;
use dui_store::policy::{authorize_candidatures, load_matrix, CapaciteCandidatures};
use dui_store::usager::{CandidatureInput, NouveauRendezVous, Piece};
use dui_store::Store;
use rand::{Rng, SeedableRng};

use super::noms::{NOMS, PRENOMS_F, PRENOMS_M};
use super::DemoOrg;

/// The origin, the kind of support asked and the age range of a domain's applicants.
fn profil(domaine: &str) -> (OrigineCandidature, TypeAccompagnement, std::ops::Range<i64>) {
    match domaine {
        "PA" => (
            OrigineCandidature::ViaTrajectoire,
            TypeAccompagnement::HebergementPermanent,
            75..98,
        ),
        "PH" => (
            OrigineCandidature::Mdph,
            TypeAccompagnement::Internat,
            6..20,
        ),
        "PDE" => (
            OrigineCandidature::Ase,
            TypeAccompagnement::PlacementAse,
            3..18,
        ),
        "DOM" => (
            OrigineCandidature::Hopital,
            TypeAccompagnement::Domicile,
            60..95,
        ),
        _ => (
            OrigineCandidature::Personne,
            TypeAccompagnement::HebergementUrgence,
            18..60,
        ),
    }
}

/// The statuses of the demo, in turn (every one of the flow).
const STATUTS: [StatutCandidature; 10] = [
    StatutCandidature::Recue,
    StatutCandidature::AEtude,
    StatutCandidature::ListeAttente,
    StatutCandidature::EntretienPlanifie,
    StatutCandidature::ListeAttente,
    StatutCandidature::Acceptee,
    StatutCandidature::Refusee,
    StatutCandidature::AEtude,
    StatutCandidature::Desistement,
    StatutCandidature::ListeAttente,
];

/// The path from « reçue » to `cible` (the interview planned on the way when the flow has it).
fn chemin(cible: StatutCandidature) -> &'static [StatutCandidature] {
    use StatutCandidature::*;
    match cible {
        Recue => &[],
        AEtude => &[AEtude],
        EntretienPlanifie => &[AEtude, EntretienPlanifie],
        ListeAttente => &[AEtude, EntretienPlanifie, ListeAttente],
        Acceptee => &[AEtude, EntretienPlanifie, Acceptee],
        Refusee => &[AEtude, Refusee],
        Desistement => &[Desistement],
    }
}

/// The capability of the demo's direction (every établissement).
async fn capacite(store: &Store) -> anyhow::Result<Option<CapaciteCandidatures>> {
    let Some(dir) = store.credentials("direction").await?.map(|c| c.user) else {
        return Ok(None);
    };
    let who = super::principal_de(&dir);
    let m = load_matrix(store).await?;
    Ok(Some(
        authorize_candidatures(store, &m, &who, Action::Ecrire, Utc::now()).await?,
    ))
}

/// Records `n` applications across the établissements of `org` (seeded), moved along the
/// flow; the interviews of the EHPAD and the SAD go to `cadre` this week. A console line.
pub async fn ajouter(store: &Store, org: &DemoOrg, n: usize, seed: u64) -> anyhow::Result<String> {
    let Some(cap) = capacite(store).await? else {
        return Ok(String::new());
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0xca4d);
    let today = dui_domain::feuille_soins::jour_local(Utc::now());
    let mut tirees = Vec::with_capacity(n);
    for i in 0..n {
        let (etab, domaine) = org.etablissements[i % org.etablissements.len()];
        let (origine, orientation, ages) = profil(domaine);
        let f = rng.gen_bool(0.5);
        let prenoms = if f { PRENOMS_F } else { PRENOMS_M };
        let naissance =
            today - Duration::days(rng.gen_range(ages.clone()) * 365 + rng.gen_range(0..365));
        let recue = today - Duration::days(rng.gen_range(1..120));
        let mut cibles = vec![etab];
        if i.is_multiple_of(4) {
            let autre = org.etablissements[(i + 1) % org.etablissements.len()].0;
            cibles.push(autre);
        }
        let input = CandidatureInput {
            etablissements: cibles,
            nom_naissance: NOMS[rng.gen_range(0..NOMS.len())].to_uppercase(),
            prenoms: prenoms[rng.gen_range(0..prenoms.len())].into(),
            date_naissance: naissance,
            sexe: if f { Sexe::F } else { Sexe::M },
            telephone: Some(format!(
                "06 {:02} {:02} {:02} {:02}",
                rng.gen_range(10..99),
                rng.gen_range(10..99),
                rng.gen_range(10..99),
                rng.gen_range(10..99)
            )),
            origine,
            numero_decision: (origine != OrigineCandidature::Personne).then(|| {
                format!(
                    "{}-{}-{:05}",
                    origine.code().to_uppercase(),
                    recue.format("%Y"),
                    rng.gen_range(1..99999)
                )
            }),
            date_decision: Some(recue - Duration::days(rng.gen_range(5..60))),
            fin_decision: (origine == OrigineCandidature::Mdph)
                .then(|| recue + Duration::days(5 * 365)),
            orientation: Some(orientation),
            priorite: match i % 7 {
                0 => Priorite::Urgente,
                1 | 2 => Priorite::Haute,
                _ => Priorite::Normale,
            },
            criteres: Some(
                match domaine {
                    "PA" => "Maintien à domicile devenu difficile ; aidante épuisée.",
                    "PH" => "Orientation CDAPH ; scolarité en milieu ordinaire interrompue.",
                    "PDE" => {
                        "Ordonnance de placement provisoire ; fratrie à ne pas séparer si possible."
                    }
                    "DOM" => "Sortie d'hospitalisation prévue ; besoin d'aide à la toilette.",
                    _ => "Hébergé chez un tiers jusqu'à la fin du mois.",
                }
                .into(),
            ),
            pieces: vec![
                Piece {
                    libelle: "Notification de décision".into(),
                    recue_le: Some(recue),
                },
                Piece {
                    libelle: "Certificat médical".into(),
                    recue_le: (!i.is_multiple_of(3)).then_some(recue),
                },
                Piece {
                    libelle: "Pièce d'identité".into(),
                    recue_le: None,
                },
            ],
            date_reception: recue,
        };
        tirees.push((i, input));
    }
    // Drawn in order (the seed decides), written by a few writers at once: each write waits
    // for its commit, and commits of several writers share a flush.
    let cadre = store.credentials("cadre").await?.map(|c| c.user);
    let store = store.clone();
    let entretiens = super::a_plusieurs(tirees, move |(i, input): (usize, CandidatureInput)| {
        let (store, cap, cadre) = (store.clone(), cap.clone(), cadre.clone());
        async move {
            Ok(usize::from(
                ecrire(&store, &cap, cadre.as_ref(), i, &input).await?,
            ))
        }
    })
    .await?;
    Ok(format!(
        "{n} candidatures de démonstration (tous les statuts, liste d'attente), {entretiens} entretiens de préadmission à venir."
    ))
}

/// Records drawn application `i` and moves it along its path; answers whether an interview
/// is planned ahead.
async fn ecrire(
    store: &Store,
    cap: &CapaciteCandidatures,
    cadre: Option<&dui_store::admin::utilisateur::Utilisateur>,
    i: usize,
    input: &CandidatureInput,
) -> anyhow::Result<bool> {
    let now = Utc::now();
    let today = dui_domain::feuille_soins::jour_local(now);
    let mut entretien = false;
    let id = store.creer_candidature(cap, input, None).await?;
    let mut version = 1;
    for statut in chemin(STATUTS[i % STATUTS.len()]) {
        version = match statut {
            StatutCandidature::EntretienPlanifie => {
                let (pro, jours) = match cadre {
                    Some(c)
                        if c.etablissements
                            .iter()
                            .any(|e| input.etablissements.contains(e)) =>
                    {
                        (c.id, (i % 5) as i64)
                    }
                    _ => match store.equipe_candidature(cap, id).await?.first() {
                        Some(m) => (m.id, (i % 5) as i64),
                        None => break,
                    },
                };
                let passe = STATUTS[i % STATUTS.len()] != StatutCandidature::EntretienPlanifie;
                let jour = if passe {
                    today - Duration::days(7 + jours)
                } else {
                    today + Duration::days(jours)
                };
                let heure = 9 + (i % 8) as u32;
                let debut = jour
                    .and_hms_opt(heure, 0, 0)
                    .map(|d| d.and_utc())
                    .unwrap_or(now)
                    .with_second(0)
                    .unwrap_or(now);
                let r = NouveauRendezVous {
                    utilisateur_id: pro,
                    debut,
                    fin: debut + Duration::minutes(45),
                    lieu: Some("Bureau des admissions".into()),
                    objet: None,
                };
                if !passe {
                    entretien = true;
                }
                store.planifier_entretien(cap, id, version, &r).await?.1
            }
            s => {
                let motif = (*s == StatutCandidature::Refusee)
                    .then_some("Le projet d'établissement ne correspond pas aux besoins exprimés.");
                store
                    .changer_statut_candidature(cap, id, version, *s, motif)
                    .await?
            }
        };
    }
    Ok(entretien)
}

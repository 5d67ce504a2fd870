//! The demo care (issue 12): care plans and prescriptions for the people of the EHPAD and
//! of the SAD, six months of vital signs (one temperature beyond its threshold yesterday),
//! today's morning worksheet half validated by the care aide and the 08:00 medication round
//! given by the nurse, all through the product's own path (capabilities, rules, audit).
//! Idempotent: people who already have a care plan are skipped.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use dui_domain::constantes::TypeMesure;
use dui_domain::feuille_soins::{instant_local, jour_local, Poste, StatutActe};
use dui_domain::ids::UsagerId;
use dui_domain::plan_soins::{Intervenant, TypeActe, TypeFrequence};
use dui_domain::policy::{Action, Matrice, Section};
use dui_domain::prescription::{StatutAdministration, TypePrescription, Voie};
use dui_store::policy::{authorize, authorize_soins_unite, load_matrix, Capability, Principal};
use dui_store::usager::{
    ActePlanInput, Administration, ConstanteInput, PrescriptionInput, Realisation,
    TermesPrescription,
};
use dui_store::Store;

use super::DemoOrg;

/// (kind, label, who, frequency, weekdays, interval, times) of the planned acts; person `i`
/// gets the first two and one more chosen by `i`.
const ACTES: &[(TypeActe, &str, Intervenant, TypeFrequence, &str, i64, &str)] = &[
    (
        TypeActe::Hygiene,
        "Aide à la toilette et à l'habillage",
        Intervenant::AideSoignant,
        TypeFrequence::Quotidien,
        "",
        1,
        "07:30",
    ),
    (
        TypeActe::Surveillance,
        "Surveillance des constantes",
        Intervenant::Infirmier,
        TypeFrequence::Quotidien,
        "",
        1,
        "08:30",
    ),
    (
        TypeActe::Prevention,
        "Changement de position (prévention des escarres)",
        Intervenant::AideSoignant,
        TypeFrequence::Quotidien,
        "",
        1,
        "10:00, 14:00, 18:00, 22:00, 02:00",
    ),
    (
        TypeActe::SoinInfirmier,
        "Pansement du talon droit",
        Intervenant::Infirmier,
        TypeFrequence::Intervalle,
        "",
        2,
        "09:00",
    ),
    (
        TypeActe::Kinesitherapie,
        "Séance de kinésithérapie (marche)",
        Intervenant::Kinesitherapeute,
        TypeFrequence::JoursSemaine,
        "2,4",
        1,
        "10:30",
    ),
    (
        TypeActe::Orthophonie,
        "Rééducation de la déglutition",
        Intervenant::Orthophoniste,
        TypeFrequence::JoursSemaine,
        "1",
        1,
        "11:00",
    ),
];

/// (label, code, dose, route, times) of the medicines; person `i` gets two of them.
const TRAITEMENTS: &[(&str, &str, &str, Voie, &str)] = &[
    (
        "Paracétamol 500 mg, comprimé",
        "LOC-PARA500",
        "1 comprimé",
        Voie::Orale,
        "08:00, 20:00",
    ),
    (
        "Lévothyroxine 50 µg, comprimé",
        "LOC-LEVO50",
        "1 comprimé",
        Voie::Orale,
        "08:00",
    ),
    (
        "Amlodipine 5 mg, gélule",
        "LOC-AMLO5",
        "1 gélule",
        Voie::Orale,
        "08:00",
    ),
    (
        "Macrogol 4000, poudre en sachet",
        "LOC-MACR4",
        "1 sachet",
        Voie::Orale,
        "12:00",
    ),
    (
        "Donépézil 10 mg, comprimé",
        "LOC-DONE10",
        "1 comprimé",
        Voie::Orale,
        "20:00",
    ),
];

/// Adds the demo care to at most `n` people of the EHPAD and a few of the SAD; returns a
/// line for the console.
pub async fn ajouter(store: &Store, org: &DemoOrg, n: i64) -> anyhow::Result<String> {
    let compte = |name: &'static str| async move {
        store.credentials(name).await.map(|c| c.map(|c| c.user))
    };
    let (Some(ide), Some(aide)) = (compte("infirmier").await?, compte("aide-soignant").await?)
    else {
        return Ok(String::new());
    };
    let (ide, aide) = (super::principal_de(&ide), super::principal_de(&aide));
    let m = load_matrix(store).await?;
    let now = Utc::now();
    let today = jour_local(now);
    // The EHPAD's people then the SAD's, each with its quota of new plans.
    let mut personnes = Vec::new();
    for (etab, domaine) in &org.etablissements {
        let quota = match *domaine {
            "PA" => n,
            "DOM" => (n / 8).max(3),
            _ => continue,
        };
        personnes.push((store.usagers_en_sejour(*etab, 100_000).await?, quota));
    }
    // The people without a plan yet, each with its rank (which varies their care), then
    // their care written by a few writers at once.
    let mut choisis = Vec::new();
    for (liste, quota) in personnes {
        let mut faits = 0;
        for u in &liste {
            if faits >= quota {
                break;
            }
            let cap = authorize(
                store,
                &m,
                &ide,
                UsagerId(*u),
                Section::Soins,
                Action::Valider,
                now,
            )
            .await?;
            if !store.plan_soins(&cap, true).await?.is_empty() {
                continue;
            }
            faits += 1;
            choisis.push((cap, *u, choisis.len() + 1));
        }
    }
    let plans = choisis.len();
    let (s, m2, ide2) = (store.clone(), m.clone(), ide.clone());
    let mesures = super::a_plusieurs(choisis, move |(cap, u, i)| {
        let (s, m, ide) = (s.clone(), m2.clone(), ide2.clone());
        async move { soigner(&s, &m, &ide, &cap, (u, i), now).await }
    })
    .await?;
    if plans == 0 {
        return Ok(String::new());
    }
    // Today's morning worksheet, half validated by the care aide; the 08:00 round.
    let ehpad = org.etablissements[0].0;
    let mut valides = 0;
    if let Ok(cap) = authorize_soins_unite(store, &m, &aide, ehpad, Action::Ecrire, now).await {
        let lire = authorize_soins_unite(store, &m, &aide, ehpad, Action::Lire, now).await?;
        let f = store
            .feuille_soins(&lire, None, today, Poste::Matin)
            .await?;
        let r: Vec<Realisation> = f
            .actes
            .iter()
            .filter(|a| a.statut.is_none())
            .enumerate()
            .filter(|(k, _)| k % 2 == 0)
            .filter_map(|(k, a)| {
                Some(Realisation {
                    cible: a.acte_id,
                    prevu_a: dui_store::parse_ts(&a.prevu_a).ok()?,
                    statut: if k % 10 == 4 {
                        StatutActe::NonFait
                    } else {
                        StatutActe::Fait
                    },
                    motif: (k % 10 == 4)
                        .then(|| "Refus de la personne, reproposé plus tard".into()),
                })
            })
            .collect();
        valides = store.valider_actes(&cap, &r).await?;
    }
    let mut donnees = 0;
    let huit = NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN);
    if let Ok(cap) = authorize_soins_unite(store, &m, &ide, ehpad, Action::Valider, now).await {
        let lire = authorize_soins_unite(store, &m, &ide, ehpad, Action::Lire, now).await?;
        // Today's round once it may be recorded (two hours before), else yesterday's.
        let jour = if instant_local(today, huit) <= now + Duration::hours(2) {
            today
        } else {
            today - Duration::days(1)
        };
        let t = store.tour_medicaments(&lire, None, jour, huit).await?;
        let doses: Vec<Administration> = t
            .doses
            .iter()
            .filter(|d| d.statut.is_none())
            .enumerate()
            .filter_map(|(k, d)| {
                Some(Administration {
                    cible: d.prescription_id,
                    prevu_a: dui_store::parse_ts(&d.prevu_a).ok()?,
                    statut: if k == 3 {
                        StatutAdministration::Refuse
                    } else {
                        StatutAdministration::Donne
                    },
                    motif: (k == 3).then(|| "Refuse le comprimé, sera reproposé".into()),
                })
            })
            .collect();
        if store.administrer(&cap, &doses).await.is_ok() {
            donnees = doses.len();
        }
    }
    Ok(format!(
        "Soins de démonstration : {plans} plans de soins, {mesures} constantes sur six mois (une température au-delà du seuil), {valides} actes validés ce matin, {donnees} prises du tour de 8 h."
    ))
}

/// Writes the care of the `i`-th person chosen (`u`, whose care section `cap` validates):
/// three acts of the care plan, two or three prescriptions, months of vital signs. Answers
/// how many vital signs were written.
async fn soigner(
    store: &Store,
    m: &Matrice,
    ide: &Principal,
    cap: &Capability,
    (u, i): (i64, usize),
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let today = jour_local(now);
    let mut mesures = 0;
    for k in [0, 1, 2 + i % (ACTES.len() - 2)] {
        let (t, libelle, qui, f, jours, intervalle, horaires) = ACTES[k];
        let a = ActePlanInput {
            type_acte: t,
            libelle: libelle.into(),
            intervenant: qui,
            type_frequence: f,
            jours_semaine: jours.into(),
            intervalle,
            horaires: horaires.into(),
            date_debut: (today - Duration::days(60)).to_string(),
            date_fin: None,
            consignes: (k == 3).then(|| "Hydrocolloïde, à changer si décollé".into()),
            actif: true,
        };
        store.ajouter_acte_plan(cap, &a).await?;
    }
    for k in [i % TRAITEMENTS.len(), (i + 2) % TRAITEMENTS.len()] {
        let (libelle, code, dose, voie, horaires) = TRAITEMENTS[k];
        let p = PrescriptionInput {
            type_prescription: Some(TypePrescription::Medicament),
            termes: TermesPrescription {
                libelle: libelle.into(),
                medicament_code: Some(code.into()),
                source: Some("referentiel_local".into()),
                dose: Some(dose.into()),
                voie: Some(voie),
                horaires: horaires.into(),
                si_besoin: false,
                max_par_24h: None,
                date_debut: today - Duration::days(30),
                date_fin: None,
                consignes: None,
            },
            prescripteur_nom: Some("Dr Marc Lefèvre".into()),
            prescripteur_rpps: Some("10000000009".into()),
        };
        store.prescrire(cap, &p).await?;
    }
    // A « si besoin » painkiller, three doses at most a day, for a few of them.
    if i < 4 {
        let p = PrescriptionInput {
            type_prescription: Some(TypePrescription::Medicament),
            termes: TermesPrescription {
                libelle: "Paracétamol 1 g, comprimé (si douleur)".into(),
                dose: Some("1 comprimé".into()),
                voie: Some(Voie::Orale),
                si_besoin: true,
                max_par_24h: Some(3),
                date_debut: today - Duration::days(30),
                consignes: Some("Si douleur ≥ 4/10, 6 heures au moins entre deux prises".into()),
                ..TermesPrescription::default()
            },
            prescripteur_nom: Some("Dr Marc Lefèvre".into()),
            prescripteur_rpps: Some("10000000009".into()),
        };
        store.prescrire(cap, &p).await?;
    }
    // Six months of vital signs: weekly weight and blood pressure, temperature every
    // three days; the first person's temperature crosses its threshold yesterday.
    let ecrire = authorize(
        store,
        m,
        ide,
        UsagerId(u),
        Section::Soins,
        Action::Ecrire,
        now,
    )
    .await?;
    let base = 58.0 + (i % 25) as f64;
    for s in 0..(if i < 5 { 26i64 } else { 8 }) {
        let at = now - Duration::days(7 * s + 1) - Duration::hours(2);
        for (t, v, v2) in [
            (TypeMesure::Poids, base - s as f64 * 0.05, None),
            (
                TypeMesure::Tension,
                125.0 + ((s + i as i64) % 9) as f64 * 3.0,
                Some(75.0),
            ),
            (
                TypeMesure::Temperature,
                36.6 + ((s + i as i64) % 5) as f64 * 0.1,
                None,
            ),
        ] {
            let c = ConstanteInput {
                type_mesure: t,
                valeur: v,
                valeur2: v2,
                mesure_a: at,
                commentaire: None,
            };
            store.ajouter_constante(&ecrire, &c).await?;
            mesures += 1;
        }
    }
    if i == 1 {
        let c = ConstanteInput {
            type_mesure: TypeMesure::Temperature,
            valeur: 38.7,
            valeur2: None,
            mesure_a: now - Duration::hours(20),
            commentaire: Some("Frissons, appel du médecin".into()),
        };
        store.ajouter_constante(&ecrire, &c).await?;
    }
    Ok(mesures)
}

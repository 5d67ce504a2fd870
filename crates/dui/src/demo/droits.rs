//! Demo benefits (GA-3), freedom-of-movement measures (GA-2) and discharge follow-ups
//! (GA-5): drawn per generated person by domain (`pour`, scaled with `dui demo --usagers N`),
//! and, for the demo organisation (`ajouter`), the cases a visitor sees first: Hélène
//! Dupont's APA about to end (on `secretariat`'s and `cadre`'s home), a measure overdue for
//! review at the EHPAD, a MECS discharge whose 3-month follow-up is late on `educateur`'s home.

use chrono::{Duration, Months, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::mesure::{Consentement, NatureMesure};
use dui_domain::policy::{Action, Section};
use dui_domain::prestation::TypePrestation;
use dui_domain::sejour::ModeSortie;
use dui_store::policy::{authorize, load_matrix};
use dui_store::usager::{MesureInput, PrestationInput, Sortie};
use dui_store::Store;
use rand::rngs::StdRng;
use rand::Rng;

use super::DemoOrg;

/// Who pays each kind of benefit.
fn payeur(t: TypePrestation) -> &'static str {
    match t {
        TypePrestation::Apa | TypePrestation::Ash | TypePrestation::Pch => {
            "Conseil départemental du Rhône"
        }
        TypePrestation::Aah
        | TypePrestation::Aeeh
        | TypePrestation::AllocationLogement
        | TypePrestation::Rsa => "CAF du Rhône",
        TypePrestation::OrientationMdph | TypePrestation::Cmi => "MDPH du Rhône",
        TypePrestation::Css => "CPAM du Rhône",
        TypePrestation::Autre => "Mairie",
    }
}

/// A benefit of kind `t` started `depuis` days ago and ending `fin` days from `today`.
fn droit(
    t: TypePrestation,
    today: NaiveDate,
    depuis: i64,
    fin: i64,
    montant: Option<i64>,
) -> PrestationInput {
    PrestationInput {
        type_prestation: t,
        payeur: Some(payeur(t).into()),
        reference: Some(format!(
            "{}-{}",
            t.code().to_uppercase(),
            10_000 + depuis * 7 + fin
        )),
        montant_centimes: montant,
        date_debut: today - Duration::days(depuis),
        date_fin: Some(today + Duration::days(fin)),
        notes: None,
    }
}

/// A protected-unit measure started `depuis` days ago, reviewed `revision` days from today.
fn mesure(today: NaiveDate, depuis: i64, revision: i64) -> MesureInput {
    MesureInput {
        nature: NatureMesure::UniteProtegee,
        description:
            "Vie en unité protégée ; sorties accompagnées par un proche ou un professionnel".into(),
        motif:
            "Troubles cognitifs avec désorientation ; deux sorties seules sans retour en un mois"
                .into(),
        avis_medical_par: "Dr Marc Lefèvre, médecin coordonnateur".into(),
        avis_medical_date: today - Duration::days(depuis + 2),
        consentement: Consentement::Representant,
        consentement_par: Some("Tuteur (UDAF du Rhône)".into()),
        date_debut: today - Duration::days(depuis),
        prochaine_revision: today + Duration::days(revision),
    }
}

/// The benefits (and, at the EHPAD, now and then a measure) of a generated person of
/// `domaine`; a few end within the alert delays.
pub(super) fn pour(
    rng: &mut StdRng,
    usager: i64,
    domaine: &str,
    today: NaiveDate,
    prestations: &mut Vec<(i64, PrestationInput)>,
    mesures: &mut Vec<(i64, MesureInput)>,
) {
    let mut ajoute = |t: TypePrestation, rng: &mut StdRng, montant: Option<(i64, i64)>| {
        let montant = montant.map(|(a, b)| rng.gen_range(a..b));
        let depuis = rng.gen_range(30..700);
        let fin = rng.gen_range(-20..720);
        prestations.push((usager, droit(t, today, depuis, fin, montant)));
    };
    match domaine {
        "PA" => {
            ajoute(TypePrestation::Apa, rng, Some((30_000, 90_000)));
            if rng.gen_bool(0.3) {
                ajoute(TypePrestation::Ash, rng, None);
            }
            if rng.gen_bool(0.08) {
                mesures.push((usager, mesure(today, 200, rng.gen_range(-20..120))));
            }
        }
        "PH" => {
            ajoute(TypePrestation::OrientationMdph, rng, None);
            let t = if rng.gen_bool(0.5) {
                TypePrestation::Aeeh
            } else {
                TypePrestation::Aah
            };
            ajoute(t, rng, Some((15_000, 110_000)));
            if rng.gen_bool(0.25) {
                ajoute(TypePrestation::Pch, rng, Some((20_000, 80_000)));
            }
        }
        "PDE" => {
            if rng.gen_bool(0.3) {
                ajoute(TypePrestation::Css, rng, None);
            }
        }
        "DOM" => ajoute(TypePrestation::Apa, rng, Some((20_000, 70_000))),
        _ => {
            ajoute(TypePrestation::Rsa, rng, Some((50_000, 65_000)));
            ajoute(TypePrestation::Css, rng, None);
        }
    }
}

/// The cases a visitor of the demo sees first; returns a line for the console.
pub async fn ajouter(store: &Store, org: &DemoOrg, helene: i64) -> anyhow::Result<String> {
    let compte = |name: &'static str| async move {
        store.credentials(name).await.map(|c| c.map(|c| c.user))
    };
    let (Some(dir), Some(educ)) = (compte("direction").await?, compte("educateur").await?) else {
        return Ok(String::new());
    };
    let who = super::principal_de(&dir);
    let m = load_matrix(store).await?;
    let now = Utc::now();
    let today = now.date_naive();
    let ecrire = |u: i64| {
        let (who, m) = (&who, &m);
        async move {
            authorize(
                store,
                m,
                who,
                UsagerId(u),
                Section::Administratif,
                Action::Ecrire,
                now,
            )
            .await
        }
    };
    // Hélène Dupont's APA ends in 25 days, her ASH next year.
    let c = ecrire(helene).await?;
    let mut apa = droit(TypePrestation::Apa, today, 700, 25, Some(52_430));
    apa.notes = Some("Dossier de renouvellement à envoyer au conseil départemental.".into());
    store.ajouter_prestation(&c, &apa).await?;
    store
        .ajouter_prestation(&c, &droit(TypePrestation::Ash, today, 500, 230, None))
        .await?;
    // A measure overdue for review at the EHPAD (the first resident after Hélène).
    let ehpad = org.etablissements[0].0;
    let residents = store.usagers_en_sejour(ehpad, 3).await?;
    if let Some(r) = residents.iter().find(|r| **r != helene) {
        let c = ecrire(*r).await?;
        store.ajouter_mesure(&c, &mesure(today, 120, -6)).await?;
    }
    // A MECS child discharged four months ago, followed by the educator: the 3-month news
    // are late, the 6-month ones to come.
    let mut suivi = "";
    if let Some((mecs, _)) = org.etablissements.iter().find(|(_, d)| *d == "PDE") {
        let sortie = today.checked_sub_months(Months::new(4)).unwrap_or(today);
        for enfant in store.usagers_en_sejour(*mecs, 20).await? {
            let c = ecrire(enfant).await?;
            let sejour = store.sejours(&c).await?.into_iter().find(|s| {
                s.en_cours()
                    && s.etablissement_id == *mecs
                    && s.date_entree < (sortie - Duration::days(30)).to_string()
            });
            if let Some(s) = sejour {
                let o = Sortie {
                    date: sortie,
                    mode: ModeSortie::FinMesure,
                    destination: Some("Retour chez sa mère, Vénissieux".into()),
                    suivi_par: Some(educ.id),
                };
                store.sortir(&c, s.id, s.version, &o).await?;
                suivi =
                    ", une sortie de la MECS avec ses suivis à 3 et 6 mois confiés à l'éducatrice";
                break;
            }
        }
    }
    Ok(format!(
        "Droits et mesures de démonstration : l'APA d'Hélène Dupont à renouveler, une mesure de restriction de liberté à réviser à l'EHPAD{suivi}."
    ))
}

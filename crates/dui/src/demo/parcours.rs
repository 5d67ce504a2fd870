//! The demo path (ADM-3, ACC-4): stays typed by établissement (permanent care at the EHPAD,
//! boarding at the IME, ASE placements at the MECS, home support at the SAD, emergency
//! shelter at the CHRS) with their financer, the EHPAD's protected unit near capacity, a month
//! of presences marked day by day through the product's own path, a transfer and a discharge.

use chrono::{Duration, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::presence::TypeAbsence;
use dui_domain::sejour::{Financement, ModeSortie, TypeAccompagnement};
use dui_store::policy::{authorize, authorize_presences, load_matrix};
use dui_store::usager::{AbsenceJour, Sortie, Transfert};
use dui_store::Store;

use super::DemoOrg;

/// The kind of support and the financer of the stays of a domain.
fn type_de(domaine: &str) -> (TypeAccompagnement, Financement) {
    match domaine {
        "PA" => (
            TypeAccompagnement::HebergementPermanent,
            Financement::AideSociale,
        ),
        "PH" => (TypeAccompagnement::Internat, Financement::AssuranceMaladie),
        "PDE" => (TypeAccompagnement::PlacementAse, Financement::Ase),
        "DOM" => (TypeAccompagnement::Domicile, Financement::Apa),
        _ => (
            TypeAccompagnement::HebergementUrgence,
            Financement::AideSociale,
        ),
    }
}

/// An absence for stay `s` on day `n` (deterministic): a hospitalisation of a week for one
/// person in seven, a weekend with the family for another, now and then a day out.
fn absence(s: i64, n: i64) -> Option<TypeAbsence> {
    match s % 7 {
        0 if (10..17).contains(&n) => Some(TypeAbsence::Hospitalisation),
        1 if n % 7 == 5 || n % 7 == 6 => Some(TypeAbsence::RetourFamille),
        2 if n % 11 == 3 => Some(TypeAbsence::Vacances),
        _ => None,
    }
}

/// Loads the demo path; returns a line for the console.
pub async fn ajouter(store: &Store, org: &DemoOrg) -> anyhow::Result<String> {
    for (etab, domaine) in &org.etablissements {
        let (t, f) = type_de(domaine);
        store.typer_sejours_bulk(*etab, t, Some(f)).await?;
    }
    let Some(dir) = store.credentials("direction").await?.map(|c| c.user) else {
        return Ok(String::new());
    };
    let who = super::principal_de(&dir);
    let ehpad = org.etablissements[0].0;
    let unites = store.unites(ehpad).await?;
    let unite = |nom: &str| unites.iter().find(|u| u.nom.contains(nom));
    let (Some(uvp), Some(hp)) = (unite("protégée"), unite("permanent")) else {
        return Ok(String::new());
    };
    let membres = store.usagers_en_sejour(ehpad, 90).await?;
    let (proteges, autres) = membres.split_at(membres.len().min(13));
    store.placer_en_unite_bulk(uvp.id, proteges).await?;
    store
        .placer_en_unite_bulk(hp.id, &autres[..autres.len().min(66)])
        .await?;
    let m = load_matrix(store).await?;
    let now = Utc::now();
    let today: NaiveDate = now.date_naive();
    // A month of presences in the protected unit, day by day.
    let cap = authorize_presences(store, &m, &who, ehpad, Action::Ecrire, now).await?;
    let mut jours = 0;
    for n in (1..=30).rev() {
        let jour = today - Duration::days(n);
        let j = store.presences_jour(&cap, Some(uvp.id), jour).await?;
        let abs: Vec<AbsenceJour> = j
            .personnes
            .iter()
            .filter_map(|p| {
                absence(p.sejour_id, 30 - n).map(|t| AbsenceJour {
                    sejour_id: p.sejour_id,
                    type_absence: t,
                    commentaire: None,
                })
            })
            .collect();
        jours += abs.len();
        store
            .enregistrer_presences(&cap, Some(uvp.id), jour, j.version, &abs)
            .await?;
    }
    // A transfer from the permanent unit into the protected one (its last place), and a
    // discharge home from the permanent unit, of people there for more than a month.
    let mut faits = Vec::new();
    let mut anciens = Vec::new();
    for u in autres {
        let c = authorize(
            store,
            &m,
            &who,
            UsagerId(*u),
            Section::Administratif,
            Action::Ecrire,
            now,
        )
        .await?;
        let ancien = store
            .sejours(&c)
            .await?
            .into_iter()
            .find(|s| s.en_cours() && s.date_entree < (today - Duration::days(40)).to_string());
        if let Some(s) = ancien {
            anciens.push((c, s));
        }
        if anciens.len() == 2 {
            break;
        }
    }
    if let [(ca, sa), (cb, sb)] = anciens.as_slice() {
        let t = Transfert {
            date: today - Duration::days(3),
            etablissement_id: ehpad,
            unite_id: Some(uvp.id),
            depasser_capacite: false,
        };
        if store.transferer(ca, sa.id, sa.version, &t).await.is_ok() {
            faits.push("un transfert en unité protégée");
        }
        let o = Sortie {
            date: today - Duration::days(10),
            mode: ModeSortie::RetourDomicile,
            destination: Some("Domicile de sa fille, Villeurbanne".into()),
            suivi_par: None,
        };
        store.sortir(cb, sb.id, sb.version, &o).await?;
        faits.push("une sortie à domicile");
    }
    Ok(format!(
        "Parcours de démonstration : séjours typés, {jours} jours d'absence sur 30 jours en unité protégée, {}.",
        faits.join(" et ")
    ))
}

//! Two children admitted at the MECS 80 and 100 days ago whose PPE is not drawn up yet, the
//! educator their referent: her home page announces the PPE due three months after the
//! admission (CASF D223-12), one soon, one late.

use chrono::{Duration, Utc};
use dui_store::audit::Actor;
use dui_store::Store;
use rand::rngs::StdRng;
use rand::SeedableRng;

use super::DemoOrg;

/// Adds them; answers how many.
pub async fn ajouter(store: &Store, org: &DemoOrg) -> anyhow::Result<usize> {
    let Some((mecs, _)) = org.etablissements.iter().find(|(_, d)| *d == "PDE") else {
        return Ok(0);
    };
    let educateur = store.credentials("educateur").await?.map(|c| c.user.id);
    let now = Utc::now();
    let today = now.date_naive();
    let mut rng = StdRng::seed_from_u64(23);
    let enfants: Vec<_> = [80, 100]
        .iter()
        .map(|jours| {
            let mut u = super::usagers::person(&mut rng, today, *mecs, "PDE");
            u.identite.referent_id = educateur;
            u.identite.date_naissance = (today - Duration::days(365 * 9)).to_string();
            u.date_entree = (today - Duration::days(*jours)).to_string();
            u
        })
        .collect();
    let actor = Actor {
        utilisateur_id: None,
        username: "demo".into(),
        ip: None,
    };
    Ok(store
        .insert_usagers_bulk(&actor, &enfants, now)
        .await?
        .len())
}

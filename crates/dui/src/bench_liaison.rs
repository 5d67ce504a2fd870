//! `dui bench`, the liaison book (issue 13, COO-6): reading a person's book (its last 30
//! entries, the new ones marked, the book marked read) and writing an entry, through the API
//! as the home-care worker assigned to the person, one client (latency, p99).

use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_store::policy::{authorize, load_matrix, Principal};
use dui_store::usager::EntreeLiaisonInput;

use crate::bench::{ok, scenario, Banc};
use crate::bench_transmissions::Http;

/// Entries written in the book before measuring.
const ENTREES: i64 = 300;

/// Runs the liaison book's scenarios on the book of `usager`, as `worker` (a home-care worker
/// assigned to it, `http` carrying its token).
pub async fn scenarios(
    banc: &mut Banc<'_>,
    auth: String,
    worker: (i64, &str),
    usager: i64,
) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    let http = Http { auth, ..http };
    if !args.voulu("liaison") {
        return Ok(());
    }
    let who = Principal {
        id: worker.0,
        username: worker.1.into(),
        role: Role::IntervenantDomicile,
        etablissements: Vec::new(),
        usager_id: None,
        ip: None,
    };
    let m = load_matrix(store).await?;
    let lire = authorize(
        store,
        &m,
        &who,
        UsagerId(usager),
        Section::Liaison,
        Action::Lire,
        Utc::now(),
    )
    .await?;
    let deja = store
        .liaison_page(&lire, dui_store::page::Page::first(1))
        .await?;
    if deja.is_empty() {
        for k in 0..ENTREES {
            // Written now: an entry's time is its audit entry's, and the sealer refuses an
            // entry dated more than 10 minutes before the chain's head.
            let at = Utc::now();
            let cap = authorize(
                store,
                &m,
                &who,
                UsagerId(usager),
                Section::Liaison,
                Action::Ecrire,
                at,
            )
            .await?;
            let e = EntreeLiaisonInput {
                texte: format!("Passage n° {k} : toilette, repas pris, moral bon. Penser au lait."),
                corrige_id: None,
            };
            store.add_liaison(&cap, &e).await?;
        }
    }
    store.audit_seal(Utc::now()).await?;
    let chemin = format!("/api/v1/usagers/{usager}/liaison");
    let h = http.clone();
    let c = chemin.clone();
    let lire = move |_: u64| {
        let (h, c) = (h.clone(), c.clone());
        async move { h.get_ok(&c).await }
    };
    all.push(
        scenario(
            "liaison : lecture du cahier d'une personne (API), 1 client",
            1,
            args.secondes,
            None,
            lire,
        )
        .await,
    );
    let ecrire = move |i: u64| {
        let (h, c) = (http.clone(), chemin.clone());
        async move {
            let body = serde_json::json!({"texte": format!("Entrée de mesure n° {i} : passage fait, rien à signaler.")});
            ok(h.client
                .post(format!("{}{c}", h.base))
                .header("authorization", &h.auth)
                .json(&body)
                .send()
                .await)
            .await
        }
    };
    all.push(
        scenario(
            "liaison : écriture d'une entrée (API), 1 client",
            1,
            args.secondes,
            None,
            ecrire,
        )
        .await,
    );
    Ok(())
}

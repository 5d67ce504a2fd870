//! `dui bench`, agenda (issue 13, part A): a professional's week view through the API at
//! demo scale (a weekly series, and some 200 events of the week shared by a team of the
//! établissement, the professional invited to a third of them). No figure is set by the
//! issue: aim p99 ≤ 40 ms.

use chrono::{Datelike, Duration, Utc};
use dui_domain::agenda::TypeRendezVous;
use dui_domain::agenda_recurrence::{instant_paris, local_paris};
use dui_domain::policy::{Action, Role};
use dui_store::policy::{authorize_agenda, load_matrix, Principal};
use dui_store::usager::{EvenementInput, ParticipantInput, QuelAgenda, TermesEvenement};

use crate::bench::{bearer, bench_account, scenario, Banc};
use crate::bench_transmissions::Http;

const BENCH_AGENDA: &str = "bench-agenda";
const BENCH_AGENDA_CADRE: &str = "bench-agenda-cadre";
const EVENEMENTS: usize = 200;

/// Runs the agenda's scenarios.
pub async fn scenarios(banc: &mut Banc<'_>, etablissement: i64) -> anyhow::Result<()> {
    let (all, args, store, http) = banc.parts();
    let name = "agenda : semaine d'un professionnel, 200 événements de l'établissement (API)";
    if !args.voulu(name) {
        return Ok(());
    }
    let pro = bench_account(store, BENCH_AGENDA, Role::Educateur, vec![etablissement]).await?;
    let cadre = bench_account(store, BENCH_AGENDA_CADRE, Role::Cadre, vec![etablissement]).await?;
    let now = Utc::now();
    let who = Principal {
        id: cadre,
        username: BENCH_AGENDA_CADRE.into(),
        role: Role::Cadre,
        etablissements: vec![etablissement],
        usager_id: None,
        ip: None,
    };
    let m = load_matrix(store).await?;
    let cap = authorize_agenda(store, &m, &who, Action::Ecrire, now).await?;
    let today = local_paris(now).date();
    let lundi = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let (de, a) = (
        instant_paris(lundi.and_time(chrono::NaiveTime::MIN)),
        instant_paris((lundi + Duration::days(7)).and_time(chrono::NaiveTime::MIN)),
    );
    let deja = store
        .agenda(&cap, QuelAgenda::Etablissement(etablissement), de, a)
        .await?
        .evenements
        .len();
    for i in deja..EVENEMENTS {
        let jour = lundi + Duration::days((i % 7) as i64);
        let h = 8 + (i % 10) as u32;
        let debut = instant_paris(jour.and_hms_opt(h, 0, 0).unwrap_or_default());
        let mut participants = Vec::new();
        if i % 3 == 0 {
            participants.push(ParticipantInput::professionnel(pro));
        }
        let e = EvenementInput {
            termes: TermesEvenement {
                type_rdv: TypeRendezVous::ALL[1 + i % (TypeRendezVous::ALL.len() - 1)],
                objet: format!("Banc d'essai {i}"),
                description: None,
                debut,
                fin: debut + Duration::minutes(45),
                lieu: Some("Salle du banc".into()),
                ressource_id: None,
                rrule: (i == 0).then(|| "FREQ=WEEKLY;COUNT=52".to_string()),
                psychologie: false,
            },
            etablissement_id: etablissement,
            participants,
        };
        store.creer_evenement(&cap, &e).await?;
    }
    let auth = bearer(&http.client, &http.base, BENCH_AGENDA).await?;
    let h = Http { auth, ..http };
    let one = move |_: u64| {
        let h = h.clone();
        async move { h.get_ok("/api/v1/agenda?agenda=moi").await }
    };
    all.push(scenario(name, 1, args.secondes, None, one).await);
    Ok(())
}

//! Presence per occurrence of a recurring event (h13d, decision 0059): each date of a series
//! takes its own presences with their own version (409), checked at that occurrence's start
//! (a moved one at its new start); a cancelled occurrence takes none, and one where someone
//! was present or absent is no longer cancelled; a change of the event keeps the presences
//! of who stays; the person's history shows them by date; audited.

use chrono::NaiveDate;
use dui_domain::agenda::{Presence, TypeRendezVous};
use dui_domain::policy::{Action, Section};
use dui_store::page::Page;
use dui_store::testing::engines;
use dui_store::usager::{ExceptionOccurrence, FiltreParticipation};
use dui_store::StoreError;

use crate::agenda_evenements::{agenda, monde, personne, pro, synthese, t};
use crate::common::{audit_by_action, check};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The occurrence of `date` cancelled, without a motive.
fn annulee(date: NaiveDate) -> ExceptionOccurrence {
    ExceptionOccurrence {
        date,
        annulee: true,
        debut: None,
        fin: None,
        motif: None,
    }
}

fn refus(r: Result<i64, StoreError>, mot: &str) {
    match r {
        Err(StoreError::Invalid(m)) => assert!(m.contains(mot), "{m}"),
        autre => panic!("refused ({mot}) expected: {autre:?}"),
    }
}

#[tokio::test]
async fn each_occurrence_of_a_series_takes_its_own_presences() {
    for engine in engines() {
        let m = monde(engine).await;
        let s = &m.db.store;
        let cadre = agenda(s, &m.cadre, Action::Ecrire, t("2026-02-20T09:00:00Z")).await;
        // Mondays 2, 9, 16 and 23 March 2026, 10:00 Paris.
        let mut e = synthese(m.a, vec![pro(&m.educ), personne(m.usager)]);
        e.type_rdv = TypeRendezVous::Reunion;
        e.rrule = Some("FREQ=WEEKLY;BYDAY=MO;COUNT=4".into());
        let id = s.creer_evenement(&cadre, &e).await.unwrap();
        let lu = s.evenement(&cadre, id).await.unwrap();
        let pid = |u: Option<i64>, usager: Option<i64>| {
            lu.participants
                .iter()
                .find(|p| p.utilisateur_id == u && p.usager_id == usager)
                .unwrap()
                .id
        };
        let (educ, jeanne) = (pid(Some(m.educ.id), None), pid(None, Some(m.usager)));
        let (d1, d2, d3, d4) = (
            d("2026-03-02"),
            d("2026-03-09"),
            d("2026-03-16"),
            d("2026-03-23"),
        );
        // Tuesday 10 March, noon: the first two dates have taken place.
        let apres = agenda(s, &m.cadre, Action::Ecrire, t("2026-03-10T12:00:00Z")).await;
        refus(
            s.noter_presence(&apres, id, educ, 1, Presence::Present)
                .await,
            "se répète",
        );
        // Monday 2: present; Monday 9: absent.
        let noter =
            |date, p, v, presence| s.noter_presence_occurrence(&apres, (id, date), p, v, presence);
        assert_eq!(
            noter(d1, educ, 0, Presence::Present).await.unwrap(),
            1,
            "{engine}"
        );
        assert_eq!(noter(d2, educ, 0, Presence::Absent).await.unwrap(), 1);
        assert_eq!(noter(d1, jeanne, 0, Presence::Present).await.unwrap(), 1);
        // Noted meanwhile: a second first write and a stale version are 409s.
        assert!(matches!(
            noter(d1, educ, 0, Presence::Absent).await,
            Err(StoreError::StaleVersion)
        ));
        assert_eq!(noter(d1, educ, 1, Presence::Excuse).await.unwrap(), 2);
        assert!(matches!(
            noter(d1, educ, 1, Presence::Present).await,
            Err(StoreError::StaleVersion)
        ));
        // Ahead of Monday 16: excused only.
        refus(noter(d3, educ, 0, Presence::Present).await, "commencée");
        assert_eq!(noter(d3, educ, 0, Presence::Excuse).await.unwrap(), 1);
        refus(
            noter(d("2026-03-03"), educ, 0, Presence::Present).await,
            "n'est pas une occurrence",
        );
        assert!(matches!(
            noter(d1, 999_999, 0, Presence::Present).await,
            Err(StoreError::NotFound)
        ));
        // A reader does not note.
        let lecteur = agenda(s, &m.cadre, Action::Lire, t("2026-03-10T12:00:00Z")).await;
        assert!(matches!(
            s.noter_presence_occurrence(&lecteur, (id, d1), educ, 2, Presence::Present)
                .await,
            Err(StoreError::Denied(_))
        ));

        // Read back per date; the event's own presences are untouched.
        let lu = s.evenement(&apres, id).await.unwrap();
        assert_eq!(lu.presence_occurrence(educ, d1), (Presence::Excuse, 2));
        assert_eq!(lu.presence_occurrence(educ, d2), (Presence::Absent, 1));
        assert_eq!(lu.presence_occurrence(educ, d3), (Presence::Excuse, 1));
        assert_eq!(lu.presence_occurrence(educ, d4), (Presence::Attendu, 0));
        assert!(lu
            .participants
            .iter()
            .all(|p| p.presence == Presence::Attendu));
        let vue = s
            .agenda(
                &apres,
                dui_store::usager::QuelAgenda::Utilisateur(m.cadre.id),
                t("2026-03-01T00:00:00Z"),
                t("2026-03-20T00:00:00Z"),
            )
            .await
            .unwrap();
        let ev = vue.evenement(id).unwrap();
        assert_eq!(ev.presence_occurrence(educ, d2).0, Presence::Absent);

        // Cancelled: Monday 23 takes nothing; Monday 9, where someone was absent, stays.
        let v = s
            .exception_evenement(&apres, id, lu.version, &annulee(d4))
            .await
            .unwrap();
        refus(noter(d4, educ, 0, Presence::Excuse).await, "annulée");
        refus(
            s.exception_evenement(&apres, id, v, &annulee(d2)).await,
            "ne s'annule plus",
        );
        // Moved to Tuesday 10 at 08:00 UTC (before now): noted at its new start.
        let v = s
            .exception_evenement(
                &apres,
                id,
                v,
                &ExceptionOccurrence {
                    date: d3,
                    annulee: false,
                    debut: Some(t("2026-03-10T08:00:00Z")),
                    fin: Some(t("2026-03-10T09:00:00Z")),
                    motif: Some("Salle prise".into()),
                },
            )
            .await
            .unwrap();
        assert_eq!(noter(d3, educ, 1, Presence::Present).await.unwrap(), 2);

        // The person's history shows the series once, with the presences by date.
        let lire = check(
            s,
            &m.educ,
            m.usager,
            Section::Accompagnement,
            Action::Lire,
            t("2026-03-10T12:00:00Z"),
        )
        .await
        .unwrap();
        let h = s
            .participations_page(
                &lire,
                FiltreParticipation::Agenda,
                (None, None),
                Page::first(10),
            )
            .await
            .unwrap();
        let serie = h.iter().find(|l| l.serie && l.reference_id == id).unwrap();
        assert_eq!(serie.occurrences.len(), 1, "{engine}: {serie:?}");
        assert_eq!(serie.occurrences[0].date, d1);
        assert_eq!(serie.occurrences[0].presence, "Présent");

        // A change of the event keeps who stays; the educator leaves with their presences.
        let mut sans = e.clone();
        sans.participants = vec![personne(m.usager)];
        s.modifier_evenement(&apres, id, v, &sans).await.unwrap();
        let lu = s.evenement(&apres, id).await.unwrap();
        assert!(lu.participants.iter().all(|p| p.id != educ));
        assert!(lu.participants.iter().any(|p| p.id == jeanne), "same row");
        assert_eq!(lu.presence_occurrence(jeanne, d1), (Presence::Present, 1));
        assert!(lu
            .presences_occurrences
            .iter()
            .all(|p| p.participant_id != educ));

        // Each presence written is audited.
        assert_eq!(
            audit_by_action(s, "agenda.presence").await.len(),
            6,
            "{engine}"
        );
    }
}

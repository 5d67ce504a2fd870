//! Presences (ACC-4): the day screen (everyone expected present, absences saved at once with
//! the version read, 409 after another save or a period), the monthly statement's figures
//! across month boundaries, a leap February and both time changes, by financer; and the
//! presences of établissement B closed to the professionals of A.

use dui_domain::policy::{Action, Refus, Role};
use dui_domain::presence::{Mois, TypeAbsence};
use dui_domain::sejour::{Financement, ModeSortie, TypeAccompagnement};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{authorize_presences, load_matrix, CapacitePresences};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{AbsenceJour, PeriodeAbsence, Sortie};
use dui_store::{Store, StoreError};

use crate::common::{
    admin, at, audit_by_action, cap, create_usager, create_user, ident, principal, refus, seed_org,
    t0,
};
use crate::sejours::{admission, d};

async fn presences(
    s: &Store,
    who: &Utilisateur,
    etab: i64,
    action: Action,
) -> Result<CapacitePresences, StoreError> {
    let m = load_matrix(s).await?;
    authorize_presences(s, &m, &principal(who), etab, action, at(3)).await
}

struct World {
    db: TestDb,
    a: i64,
    b: i64,
    unite: i64,
    secr: Utilisateur,
    educ: Utilisateur,
    /// Three people in the unit from 2028-01-15: day care (APA), two permanent (aide sociale).
    sejours: Vec<(i64, i64)>,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
    let educ = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
    let unite = s
        .create_unite(&admin(), org.a, "Les Glycines", "unite", Some(10), t0())
        .await
        .unwrap();
    let mut sejours = vec![];
    for (i, nom) in ["ALPHA", "BRAVO", "CHARLIE"].iter().enumerate() {
        let u = create_usager(s, &secr, &ident(nom, &["Marie"], "1940-01-01", "F"), org.a).await;
        let c = cap(s, &secr, u, Action::Ecrire).await;
        // The stay of the creation (permanent, from 2025) closes: the unit's stay follows.
        let first = s.sejours(&c).await.unwrap().remove(0);
        let sortie = Sortie {
            date: d("2028-01-15"),
            mode: ModeSortie::Autre,
            destination: None,
            suivi_par: None,
        };
        s.sortir(&c, first.id, first.version, &sortie)
            .await
            .unwrap();
        let (t, f) = if i == 0 {
            (TypeAccompagnement::AccueilJour, Financement::Apa)
        } else {
            (
                TypeAccompagnement::HebergementPermanent,
                Financement::AideSociale,
            )
        };
        let mut a = admission(org.a, Some(unite), t, "2028-01-15");
        a.fiche.financement = Some(f);
        sejours.push((u, s.admettre(&c, &a).await.unwrap()));
    }
    World {
        db,
        a: org.a,
        b: org.b,
        unite,
        secr,
        educ,
        sejours,
    }
}

#[tokio::test]
async fn the_day_screen_saves_absences_at_once_with_its_version() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let cl = presences(s, &w.educ, w.a, Action::Lire).await.unwrap();
        let ce = presences(s, &w.educ, w.a, Action::Ecrire).await.unwrap();
        let jour = d("2028-02-10");
        let j = s.presences_jour(&cl, Some(w.unite), jour).await.unwrap();
        assert_eq!(j.personnes.len(), 3, "{engine}");
        assert!(
            j.personnes.iter().all(|p| p.absence.is_none()),
            "everyone present by default"
        );
        let abs = vec![AbsenceJour {
            sejour_id: w.sejours[1].1,
            type_absence: TypeAbsence::Hospitalisation,
            commentaire: Some("Hôpital Édouard-Herriot".into()),
        }];
        let v2 = s
            .enregistrer_presences(&ce, Some(w.unite), jour, j.version, &abs)
            .await
            .unwrap();
        assert_ne!(v2, j.version);
        // The same version again: another save came first.
        assert!(matches!(
            s.enregistrer_presences(&ce, Some(w.unite), jour, j.version, &[])
                .await,
            Err(StoreError::StaleVersion)
        ));
        let j2 = s.presences_jour(&cl, Some(w.unite), jour).await.unwrap();
        assert_eq!(j2.version, v2);
        let p = j2
            .personnes
            .iter()
            .find(|p| p.sejour_id == w.sejours[1].1)
            .unwrap();
        assert_eq!(p.absence, Some(TypeAbsence::Hospitalisation));
        // Saving with nobody absent clears it; saving the same again changes nothing.
        let v3 = s
            .enregistrer_presences(&ce, Some(w.unite), jour, v2, &[])
            .await
            .unwrap();
        assert_eq!(v3, j.version, "{engine}: back to the first state");
        assert_eq!(audit_by_action(s, "presence.saisie").await.len(), 2);
        // A stay not expected that day is refused.
        let bad = vec![AbsenceJour {
            sejour_id: 999_999,
            type_absence: TypeAbsence::Autre,
            commentaire: None,
        }];
        assert!(matches!(
            s.enregistrer_presences(&ce, Some(w.unite), jour, v3, &bad)
                .await,
            Err(StoreError::Invalid(_))
        ));
        // A period entered for a person makes the day's screen stale too.
        let c = cap(s, &w.secr, w.sejours[2].0, Action::Ecrire).await;
        let p = PeriodeAbsence {
            sejour_id: w.sejours[2].1,
            debut: d("2028-02-09"),
            fin: d("2028-02-11"),
            type_absence: TypeAbsence::Vacances,
            commentaire: None,
        };
        assert_eq!(s.ajouter_absence(&c, &p).await.unwrap(), 3);
        assert!(matches!(
            s.enregistrer_presences(&ce, Some(w.unite), jour, v3, &[])
                .await,
            Err(StoreError::StaleVersion)
        ));
        // Outside the stay: refused.
        let avant = PeriodeAbsence {
            debut: d("2028-01-10"),
            ..p
        };
        assert!(matches!(
            s.ajouter_absence(&c, &avant).await,
            Err(StoreError::Invalid(_))
        ));
        let page = s
            .absences_page(&c, dui_store::page::Page::first(10))
            .await
            .unwrap();
        assert_eq!(page.len(), 3);
        assert_eq!(page[0].jour, "2028-02-11");
    }
}

#[tokio::test]
async fn the_statement_counts_days_across_boundaries_leap_years_and_time_changes() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let c0 = cap(s, &w.secr, w.sejours[0].0, Action::Ecrire).await;
        let c1 = cap(s, &w.secr, w.sejours[1].0, Action::Ecrire).await;
        // Hospitalised from 2028-01-30 to 2028-02-02 (two days in each month).
        let p = PeriodeAbsence {
            sejour_id: w.sejours[1].1,
            debut: d("2028-01-30"),
            fin: d("2028-02-02"),
            type_absence: TypeAbsence::Hospitalisation,
            commentaire: None,
        };
        s.ajouter_absence(&c1, &p).await.unwrap();
        // Day care: home on the leap day; left on 2028-02-20.
        let leap = PeriodeAbsence {
            sejour_id: w.sejours[0].1,
            debut: d("2028-02-29"),
            fin: d("2028-02-29"),
            ..p.clone()
        };
        assert!(s.ajouter_absence(&c0, &leap).await.is_ok());
        let sortie = Sortie {
            date: d("2028-03-01"),
            mode: ModeSortie::RetourDomicile,
            destination: None,
            suivi_par: None,
        };
        s.sortir(&c0, w.sejours[0].1, 1, &sortie).await.unwrap();
        let cl = presences(s, &w.secr, w.a, Action::Lire).await.unwrap();
        let jan = s
            .etat_mensuel(&cl, Mois::parse("2028-01").unwrap())
            .await
            .unwrap();
        assert_eq!(jan.jours_du_mois, 31);
        // Three stays from the 15th (17 days each), and the three closed on the 15th (14 each).
        assert_eq!(jan.total.jours_prevus, 3 * 17 + 3 * 14, "{engine}");
        assert_eq!(jan.total.jours_presence, 3 * 17 + 3 * 14 - 2);
        let feb = s
            .etat_mensuel(&cl, Mois::parse("2028-02").unwrap())
            .await
            .unwrap();
        assert_eq!(feb.jours_du_mois, 29, "leap February");
        assert_eq!(feb.total.jours_prevus, 3 * 29);
        assert_eq!(
            feb.total.absences["hospitalisation"], 3,
            "{engine}: 2 + the leap day"
        );
        let aide = feb
            .par_financeur
            .iter()
            .find(|t| t.financement == Some(Financement::AideSociale))
            .unwrap();
        assert_eq!(
            (aide.sejours, aide.jours_prevus, aide.jours_presence),
            (2, 58, 56)
        );
        let apa = feb
            .par_financeur
            .iter()
            .find(|t| t.financement == Some(Financement::Apa))
            .unwrap();
        assert_eq!(
            (apa.sejours, apa.jours_prevus, apa.jours_presence),
            (1, 29, 28)
        );
        // March (summer time from the 29th): 31 days for the two permanent stays, the day
        // care stay ended on 1 March (exit day not counted).
        let mar = s
            .etat_mensuel(&cl, Mois::parse("2028-03").unwrap())
            .await
            .unwrap();
        assert_eq!(
            (mar.jours_du_mois, mar.lignes.len(), mar.total.jours_prevus),
            (31, 2, 62)
        );
        let oct = s
            .etat_mensuel(&cl, Mois::parse("2028-10").unwrap())
            .await
            .unwrap();
        assert_eq!(
            (oct.jours_du_mois, oct.total.jours_prevus),
            (31, 62),
            "{engine}: winter time"
        );
        assert_eq!(audit_by_action(s, "presence.etat").await.len(), 4);
    }
}

#[tokio::test]
async fn presences_of_another_etablissement_are_refused() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        assert_eq!(
            refus(presences(s, &w.educ, w.b, Action::Lire).await),
            Refus::HorsPerimetre
        );
        assert_eq!(
            refus(presences(s, &w.secr, w.b, Action::Ecrire).await),
            Refus::HorsPerimetre
        );
        let psy = create_user(s, "psy.a", Role::Psychologue, &[w.a]).await;
        assert!(presences(s, &psy, w.a, Action::Lire).await.is_ok());
        assert_eq!(
            refus(presences(s, &psy, w.a, Action::Ecrire).await),
            Refus::NonPermisParLeRole
        );
        // A reading capability does not save.
        let cl = presences(s, &w.educ, w.a, Action::Lire).await.unwrap();
        assert_eq!(
            refus(
                s.enregistrer_presences(&cl, None, d("2028-02-01"), 0, &[])
                    .await
            ),
            Refus::NonPermisParLeRole
        );
        let b = create_user(s, "educ.b", Role::Educateur, &[w.b]).await;
        let cb = presences(s, &b, w.b, Action::Lire).await.unwrap();
        let j = s.presences_jour(&cb, None, d("2028-02-01")).await.unwrap();
        assert!(
            j.personnes.is_empty(),
            "{engine}: nobody of A in B's screen"
        );
        // Each refusal was audited.
        assert_eq!(audit_by_action(s, "usager.lire").await.len(), 1, "{engine}");
        assert_eq!(
            audit_by_action(s, "usager.ecrire").await.len(),
            2,
            "{engine}"
        );
    }
}

//! Discharges (GA-5) and admissions at capacity: a child-protection discharge gives its
//! follow-up tasks and leaves the file read-mostly, a discharge elsewhere gives none, and the
//! last place is taken once under concurrency.

use chrono::NaiveDate;
use dui_domain::organisation::Domaine;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::sejour::{ModeSortie, TypeAccompagnement};
use dui_store::testing::engines;
use dui_store::usager::{Sortie, SuiviInput};
use dui_store::StoreError;

use crate::common::{
    admin, audit_by_action, cap, check, create_usager, create_user, etablissement, finess, ident,
    principal, recherche, refus, t0,
};
use crate::sejours::{admission, d};

use crate::parcours_suivi::{world, World};

/// A child-protection établissement of the organisation, with the accounts working there.
async fn mecs(w: &World) -> i64 {
    let s = &w.db.store;
    let mut e = etablissement(w.org.organisme, "MECS Les Cèdres", &finess(69, 300));
    e.domaine = Domaine::Pde;
    e.categorie = "177".into();
    s.create_etablissement(&admin(), &e, t0()).await.unwrap()
}

#[tokio::test]
async fn a_child_protection_discharge_gives_follow_ups_and_closes_the_file_for_writing() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let pde = mecs(&w).await;
        let secr = create_user(s, "secretariat.mecs", Role::Secretariat, &[pde]).await;
        let educ = create_user(s, "educ.mecs", Role::Educateur, &[pde]).await;
        let collegue = create_user(s, "educ2.mecs", Role::Educateur, &[pde]).await;
        let cadre = create_user(s, "cadre.mecs", Role::Cadre, &[pde]).await;
        let p = create_usager(
            s,
            &secr,
            &ident("PETIT", &["Lucas"], "2010-05-05", "M"),
            pde,
        )
        .await;
        let c = cap(s, &secr, p, Action::Ecrire).await;
        let sejour = s.sejours(&c).await.unwrap()[0].clone();
        // An assignee outside the person's team is refused, and nothing is written.
        let mut sortie = Sortie {
            date: d("2026-03-01"),
            mode: ModeSortie::RetourDomicile,
            destination: Some("Chez sa mère".into()),
            suivi_par: Some(w.educ_a.id),
        };
        assert!(
            matches!(
                s.sortir(&c, sejour.id, sejour.version, &sortie).await,
                Err(StoreError::Invalid(_))
            ),
            "{engine}"
        );
        sortie.suivi_par = Some(educ.id);
        s.sortir(&c, sejour.id, sejour.version, &sortie)
            .await
            .unwrap();
        let lire = cap(s, &educ, p, Action::Lire).await;
        let suivis = s.suivis(&lire).await.unwrap();
        assert_eq!(
            suivis.iter().map(|t| t.echeance).collect::<Vec<_>>(),
            vec![d("2026-06-01"), d("2026-09-01")],
            "{engine}"
        );
        assert!(suivis
            .iter()
            .all(|t| t.assigne_a == educ.id && t.sejour_id == Some(sejour.id)));
        // The assignee's home page: the 3-month task only is within 30 days on 2026-05-15.
        let r = recherche(s, &principal(&educ)).await;
        let a = s
            .alertes_parcours(&r, &m, d("2026-05-15"), t0())
            .await
            .unwrap()
            .suivis;
        assert_eq!(a.len(), 1, "{engine}");
        assert!(s
            .alertes_parcours(
                &recherche(s, &principal(&collegue)).await,
                &m,
                d("2026-05-15"),
                t0()
            )
            .await
            .unwrap()
            .suivis
            .is_empty());
        // Read-mostly: the educator may no longer write the accompaniment, the cadre may.
        assert_eq!(
            refus(check(s, &educ, p, Section::Accompagnement, Action::Ecrire, t0()).await),
            Refus::DossierClos,
            "{engine}"
        );
        check(s, &cadre, p, Section::Accompagnement, Action::Ecrire, t0())
            .await
            .unwrap();
        check(s, &educ, p, Section::Accompagnement, Action::Lire, t0())
            .await
            .unwrap();
        // The assignee marks its task done with the read; a colleague with the read may not.
        let t = &suivis[0];
        let autre = cap(s, &collegue, p, Action::Lire).await;
        assert_eq!(
            refus(
                s.suivi_fait(&autre, t.id, t.version, d("2026-06-02"), "Appel")
                    .await
            ),
            Refus::NonPermisParLeRole
        );
        assert!(matches!(
            s.suivi_fait(&lire, t.id, t.version, d("2026-06-02"), "  ")
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.suivi_fait(
                &lire,
                t.id,
                t.version,
                d("2026-06-02"),
                "Appel à la mère : scolarité reprise."
            )
            .await
            .unwrap(),
            2
        );
        assert!(
            matches!(
                s.suivi_fait(&lire, t.id, 2, d("2026-06-02"), "Encore")
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "{engine}"
        );
        let fait = s
            .suivis(&lire)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.id == t.id)
            .unwrap();
        assert_eq!(fait.fait_le, Some(d("2026-06-02")));
        // The secretariat adds a task by hand; a new admission reopens the file.
        let tache = SuiviInput {
            libelle: "Bilan à un an".into(),
            echeance: d("2027-03-01"),
            assigne_a: collegue.id,
            sejour_id: Some(sejour.id),
        };
        s.ajouter_suivi(&c, &tache).await.unwrap();
        s.admettre(
            &c,
            &admission(pde, None, TypeAccompagnement::Internat, "2026-03-10"),
        )
        .await
        .unwrap();
        check(s, &educ, p, Section::Accompagnement, Action::Ecrire, t0())
            .await
            .unwrap();
        assert_eq!(audit_by_action(s, "usager.suivi.fait").await.len(), 1);
        assert_eq!(audit_by_action(s, "usager.suivi.ajout").await.len(), 1);
    }
}

#[tokio::test]
async fn a_discharge_elsewhere_proposes_no_follow_up() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let p = create_usager(
            s,
            &w.secr_a,
            &ident("BLANC", &["Rose"], "1930-01-01", "F"),
            w.org.a,
        )
        .await;
        let c = cap(s, &w.secr_a, p, Action::Ecrire).await;
        let sej = s.sejours(&c).await.unwrap()[0].clone();
        let o = Sortie {
            date: d("2026-02-01"),
            mode: ModeSortie::Deces,
            destination: None,
            suivi_par: Some(w.educ_a.id),
        };
        s.sortir(&c, sej.id, sej.version, &o).await.unwrap();
        assert!(s.suivis(&c).await.unwrap().is_empty(), "{engine}");
    }
}

#[tokio::test]
async fn two_simultaneous_admissions_cannot_both_take_the_last_place() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let unite = s
            .create_unite(&admin(), w.org.a, "Le Cèdre", "unite", Some(1), t0())
            .await
            .unwrap();
        for essai in 0..4 {
            let p1 = create_usager(
                s,
                &w.secr_a,
                &ident(&format!("UN{essai}"), &["Léa"], "1940-01-01", "F"),
                w.org.a,
            )
            .await;
            let p2 = create_usager(
                s,
                &w.secr_a,
                &ident(&format!("DEUX{essai}"), &["Léo"], "1940-01-01", "M"),
                w.org.a,
            )
            .await;
            let (c1, c2) = (
                cap(s, &w.secr_a, p1, Action::Ecrire).await,
                cap(s, &w.secr_a, p2, Action::Ecrire).await,
            );
            let jour = format!("2026-0{}-01", essai + 4);
            let (a1, a2) = (
                admission(w.org.a, Some(unite), TypeAccompagnement::AccueilJour, &jour),
                admission(w.org.a, Some(unite), TypeAccompagnement::AccueilJour, &jour),
            );
            let (r1, r2) = tokio::join!(s.admettre(&c1, &a1), s.admettre(&c2, &a2));
            let ok = [r1.is_ok(), r2.is_ok()].iter().filter(|x| **x).count();
            assert_eq!(ok, 1, "{engine}: {:?} {:?}", r1.err(), r2.err());
            // Free the place for the next round.
            let (c, r) = if r1.is_ok() { (&c1, r1) } else { (&c2, r2) };
            let sid = r.unwrap();
            let o = Sortie {
                date: NaiveDate::parse_from_str(&jour, "%Y-%m-%d").unwrap()
                    + chrono::Duration::days(1),
                mode: ModeSortie::Autre,
                destination: None,
                suivi_par: None,
            };
            s.sortir(c, sid, 1, &o).await.unwrap();
        }
    }
}

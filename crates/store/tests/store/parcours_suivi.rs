//! Benefits (GA-3), freedom-of-movement measures (GA-2), discharge follow-up (GA-5): alert
//! dates and delays per kind, overdue reviews, follow-up tasks, the file read-mostly after
//! discharge, scopes across établissements, and the last place taken once under concurrency.

use chrono::NaiveDate;
use dui_domain::mesure::{Consentement, DecisionRevision, NatureMesure};
use dui_domain::organisation::Domaine;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::prestation::TypePrestation;
use dui_domain::sejour::{ModeSortie, TypeAccompagnement};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{MesureInput, PrestationInput, RevisionInput, Sortie, SuiviInput};
use dui_store::StoreError;

use crate::common::{
    admin, audit_by_action, cap, check, create_usager, create_user, etablissement, finess, ident,
    principal, recherche, refus, seed_org, t0, Org,
};
use crate::sejours::{admission, d};

struct World {
    db: TestDb,
    org: Org,
    secr_a: Utilisateur,
    secr_b: Utilisateur,
    cadre_a: Utilisateur,
    educ_a: Utilisateur,
    educ_a2: Utilisateur,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    World {
        secr_a: create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await,
        secr_b: create_user(s, "secretariat.b", Role::Secretariat, &[org.b]).await,
        cadre_a: create_user(s, "cadre.a", Role::Cadre, &[org.a]).await,
        educ_a: create_user(s, "educ.a", Role::Educateur, &[org.a]).await,
        educ_a2: create_user(s, "educ.a2", Role::Educateur, &[org.a]).await,
        db,
        org,
    }
}

fn droit(t: TypePrestation, debut: &str, fin: Option<&str>) -> PrestationInput {
    PrestationInput {
        type_prestation: t,
        payeur: Some("Conseil départemental du Rhône".into()),
        reference: Some("APA-2026-0042".into()),
        montant_centimes: Some(45_000),
        date_debut: d(debut),
        date_fin: fin.map(d),
        notes: None,
    }
}

fn noms(v: &[dui_store::usager::AlerteParcours]) -> Vec<String> {
    v.iter().map(|a| a.personne.clone()).collect()
}

#[tokio::test]
async fn benefits_alert_from_their_kinds_delay_and_are_versioned_with_history() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let today = d("2026-03-02");
        let p = create_usager(
            s,
            &w.secr_a,
            &ident("MARTIN", &["Jeanne"], "1938-04-12", "F"),
            w.org.a,
        )
        .await;
        let c = cap(s, &w.secr_a, p, Action::Ecrire).await;
        // APA: 90 days by default. Ends 2026-05-31 = today + 90: alerted (boundary).
        let apa = s
            .ajouter_prestation(
                &c,
                &droit(TypePrestation::Apa, "2025-06-01", Some("2026-05-31")),
            )
            .await
            .unwrap();
        // CSS: 60 days by default; ends today + 61: not yet.
        s.ajouter_prestation(
            &c,
            &droit(TypePrestation::Css, "2025-05-02", Some("2026-05-02")),
        )
        .await
        .unwrap();
        let cap_r = recherche(s, &principal(&w.secr_a)).await;
        let a = s
            .droits_a_renouveler(&cap_r, &m, today, t0())
            .await
            .unwrap();
        assert_eq!(a.len(), 1, "{engine}: {a:?}");
        assert_eq!(a[0].echeance, d("2026-05-31"));
        assert!(!a[0].en_retard);
        assert_eq!(a[0].libelle, TypePrestation::Apa.label_fr());
        // The administrator shortens the APA's delay to 30 days and lengthens the CSS's.
        s.fixer_delai_prestation(&admin(), TypePrestation::Apa, 30, t0())
            .await
            .unwrap();
        s.fixer_delai_prestation(&admin(), TypePrestation::Css, 61, t0())
            .await
            .unwrap();
        assert!(matches!(
            s.fixer_delai_prestation(&admin(), TypePrestation::Css, 800, t0())
                .await,
            Err(StoreError::Invalid(_))
        ));
        let a = s
            .droits_a_renouveler(&cap_r, &m, today, t0())
            .await
            .unwrap();
        assert_eq!(
            a.iter().map(|x| x.libelle.as_str()).collect::<Vec<_>>(),
            vec![TypePrestation::Css.label_fr()],
            "{engine}"
        );
        // Expired the day after its end.
        let a = s
            .droits_a_renouveler(&cap_r, &m, d("2026-06-01"), t0())
            .await
            .unwrap();
        assert!(
            a.iter()
                .any(|x| x.en_retard && x.echeance == d("2026-05-31")),
            "{engine}: {a:?}"
        );
        // Renewed (a change of the same right): no alert, the previous state kept.
        let mut renouvele = droit(TypePrestation::Apa, "2026-06-01", Some("2028-05-31"));
        renouvele.reference = Some("APA-2026-0777".into());
        assert_eq!(
            s.modifier_prestation(&c, apa, 1, &renouvele).await.unwrap(),
            2
        );
        assert!(
            matches!(
                s.modifier_prestation(&c, apa, 1, &renouvele).await,
                Err(StoreError::StaleVersion)
            ),
            "{engine}"
        );
        let h = s.historique_prestation(&c, apa).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].fields.reference.as_deref(), Some("APA-2026-0042"));
        assert_eq!(h[0].version, 1);
        let a = s
            .droits_a_renouveler(&cap_r, &m, d("2026-06-01"), t0())
            .await
            .unwrap();
        assert!(
            !a.iter()
                .any(|x| x.libelle == TypePrestation::Apa.label_fr()),
            "{engine}: {a:?}"
        );
        // Dates out of order refused with a French message; a reader may not write.
        match s
            .ajouter_prestation(
                &c,
                &droit(TypePrestation::Aah, "2026-01-02", Some("2026-01-01")),
            )
            .await
        {
            Err(StoreError::Invalid(msg)) => assert!(msg.contains("postérieure"), "{msg}"),
            other => panic!("{engine}: {other:?}"),
        }
        let lecteur = cap(s, &w.educ_a, p, Action::Lire).await;
        assert_eq!(
            refus(
                s.ajouter_prestation(&lecteur, &droit(TypePrestation::Aah, "2026-01-01", None))
                    .await
            ),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            audit_by_action(s, "usager.prestation.modification")
                .await
                .len(),
            1
        );
        assert!(!audit_by_action(s, "prestation.alertes").await.is_empty());
    }
}

#[tokio::test]
async fn alerts_stay_within_the_scope_of_the_home_page() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let today = d("2026-03-02");
        let suivie = create_usager(
            s,
            &w.secr_a,
            &ident("REFERE", &["Paul"], "1950-01-01", "M"),
            w.org.a,
        )
        .await;
        let autre = create_usager(
            s,
            &w.secr_a,
            &ident("AUTRE", &["Luc"], "1950-01-01", "M"),
            w.org.a,
        )
        .await;
        for p in [suivie, autre] {
            let c = cap(s, &w.secr_a, p, Action::Ecrire).await;
            s.ajouter_prestation(
                &c,
                &droit(TypePrestation::Pch, "2024-01-01", Some("2026-04-30")),
            )
            .await
            .unwrap();
            s.ajouter_mesure(&c, &mesure("2025-12-01", "2026-02-28"))
                .await
                .unwrap();
        }
        // The educator is the referent of one stay only.
        let c = cap(s, &w.secr_a, suivie, Action::Ecrire).await;
        let mut a = admission(w.org.a, None, TypeAccompagnement::AccueilJour, "2026-01-01");
        a.fiche.referent_id = Some(w.educ_a.id);
        s.admettre(&c, &a).await.unwrap();
        let vu = |u: &Utilisateur| {
            let p = principal(u);
            let m = m.clone();
            async move {
                let r = recherche(s, &p).await;
                (
                    noms(&s.droits_a_renouveler(&r, &m, today, t0()).await.unwrap()),
                    noms(&s.mesures_a_reviser(&r, &m, today, t0()).await.unwrap()),
                )
            }
        };
        let (droits, mesures) = vu(&w.secr_a).await;
        assert_eq!((droits.len(), mesures.len()), (2, 2), "{engine}");
        assert_eq!(vu(&w.cadre_a).await.0.len(), 2, "{engine}");
        let (droits, mesures) = vu(&w.educ_a).await;
        assert_eq!(droits, vec!["Paul REFERE".to_string()], "{engine}");
        assert_eq!(mesures, vec!["Paul REFERE".to_string()], "{engine}");
        assert!(
            vu(&w.educ_a2).await.0.is_empty(),
            "{engine}: not a referent"
        );
        let (droits, mesures) = vu(&w.secr_b).await;
        assert!(
            droits.is_empty() && mesures.is_empty(),
            "{engine}: another établissement"
        );
        // A file of B is out of A's secretariat's capability too.
        assert_eq!(
            refus(
                check(
                    s,
                    &w.secr_b,
                    suivie,
                    Section::Administratif,
                    Action::Lire,
                    t0()
                )
                .await
            ),
            Refus::HorsPerimetre
        );
    }
}

fn mesure(debut: &str, revision: &str) -> MesureInput {
    MesureInput {
        nature: NatureMesure::UniteProtegee,
        description: "Vie en unité protégée, sorties accompagnées l'après-midi".into(),
        motif: "Désorientation, deux sorties non accompagnées en novembre".into(),
        avis_medical_par: "Dr Bernard, médecin coordonnateur".into(),
        avis_medical_date: d(debut) - chrono::Duration::days(3),
        consentement: Consentement::Representant,
        consentement_par: Some("M. Paul Martin, tuteur".into()),
        date_debut: d(debut),
        prochaine_revision: d(revision),
    }
}

#[tokio::test]
async fn measures_are_reviewed_and_an_overdue_review_is_alerted() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let m = dui_store::policy::load_matrix(s).await.unwrap();
        let p = create_usager(
            s,
            &w.secr_a,
            &ident("ROUX", &["Anne"], "1935-02-02", "F"),
            w.org.a,
        )
        .await;
        let c = cap(s, &w.cadre_a, p, Action::Ecrire).await;
        let mid = s
            .ajouter_mesure(&c, &mesure("2026-01-05", "2026-03-01"))
            .await
            .unwrap();
        let mut sans_avis = mesure("2026-01-05", "2026-03-01");
        sans_avis.avis_medical_date = d("2026-01-06");
        assert!(
            matches!(s.ajouter_mesure(&c, &sans_avis).await, Err(StoreError::Invalid(m)) if m.contains("avis médical"))
        );
        let r = recherche(s, &principal(&w.cadre_a)).await;
        // Due 2026-03-01: not overdue that day, overdue the next.
        assert!(
            s.mesures_a_reviser(&r, &m, d("2026-03-01"), t0())
                .await
                .unwrap()
                .is_empty(),
            "{engine}"
        );
        let retard = s
            .mesures_a_reviser(&r, &m, d("2026-03-02"), t0())
            .await
            .unwrap();
        assert_eq!(retard.len(), 1, "{engine}");
        assert!(s
            .mesure(&c, mid)
            .await
            .unwrap()
            .unwrap()
            .en_retard(d("2026-03-02")));
        let revision = RevisionInput {
            date_revision: d("2026-03-02"),
            revise_par: "Dr Bernard, Mme Lefèvre (cadre)".into(),
            decision: DecisionRevision::Maintenue,
            commentaire: Some("Toujours désorientée le soir".into()),
            prochaine_revision: None,
        };
        assert!(
            matches!(
                s.reviser_mesure(&c, mid, 1, &revision).await,
                Err(StoreError::Invalid(_))
            ),
            "{engine}: a next review is required"
        );
        let revision = RevisionInput {
            prochaine_revision: Some(d("2026-06-02")),
            ..revision
        };
        assert_eq!(s.reviser_mesure(&c, mid, 1, &revision).await.unwrap(), 2);
        assert!(
            matches!(
                s.reviser_mesure(&c, mid, 1, &revision).await,
                Err(StoreError::StaleVersion)
            ),
            "{engine}"
        );
        assert!(
            s.mesures_a_reviser(&r, &m, d("2026-03-02"), t0())
                .await
                .unwrap()
                .is_empty(),
            "{engine}"
        );
        let levee = RevisionInput {
            decision: DecisionRevision::Levee,
            prochaine_revision: None,
            date_revision: d("2026-04-01"),
            ..revision
        };
        s.reviser_mesure(&c, mid, 2, &levee).await.unwrap();
        let fin = s.mesure(&c, mid).await.unwrap().unwrap();
        assert_eq!(
            (fin.date_fin, fin.prochaine_revision, fin.revisions.len()),
            (Some(d("2026-04-01")), None, 2),
            "{engine}"
        );
        assert!(
            matches!(s.reviser_mesure(&c, mid, 3, &levee).await, Err(StoreError::Invalid(m)) if m.contains("levée"))
        );
        assert!(s
            .mesures_a_reviser(&r, &m, d("2027-01-01"), t0())
            .await
            .unwrap()
            .is_empty());
    }
}

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
            .suivis_a_faire(&r, &m, d("2026-05-15"), t0())
            .await
            .unwrap();
        assert_eq!(a.len(), 1, "{engine}");
        assert!(s
            .suivis_a_faire(
                &recherche(s, &principal(&collegue)).await,
                &m,
                d("2026-05-15"),
                t0()
            )
            .await
            .unwrap()
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

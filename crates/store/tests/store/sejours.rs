//! Admission and stays (ADM-3): capacity respected and its override audited, overlapping
//! permanent stays refused, transfers keeping the whole path, versions (stale → refused),
//! établissements outside the account's refused, stays following a merge and its undo.

use chrono::NaiveDate;
use dui_domain::policy::{Action, Refus, Role};
use dui_domain::sejour::{ModeSortie, TypeAccompagnement};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{Admission, ModificationSejour, Sortie, Transfert};
use dui_store::StoreError;

use crate::common::{
    admin, audit_by_action, cap, create_usager, create_user, ident, refus, seed_org, t0, Org,
};

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn admission(etab: i64, unite: Option<i64>, t: TypeAccompagnement, entree: &str) -> Admission {
    Admission {
        etablissement_id: etab,
        unite_id: unite,
        fiche: ModificationSejour {
            type_accompagnement: t,
            date_entree: d(entree),
            date_fin_prevue: None,
            financement: None,
            referent_id: None,
            numero_usager: Some("A-0042".into()),
        },
        depasser_capacite: false,
    }
}

struct World {
    db: TestDb,
    org: Org,
    secr: Utilisateur,
    /// A unit of A with two places.
    unite: i64,
    /// Another unit of A, without capacity.
    autre: i64,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
    let unite = s
        .create_unite(&admin(), org.a, "Les Glycines", "unite", Some(2), t0())
        .await
        .unwrap();
    let autre = s
        .create_unite(&admin(), org.a, "Les Mimosas", "unite", None, t0())
        .await
        .unwrap();
    World {
        db,
        org,
        secr,
        unite,
        autre,
    }
}

/// A new file in A (its creation opens a permanent stay in A, without unit, from 2025-01-06).
async fn personne(w: &World, nom: &str) -> i64 {
    create_usager(
        &w.db.store,
        &w.secr,
        &ident(nom, &["Marie"], "1940-01-01", "F"),
        w.org.a,
    )
    .await
}

#[tokio::test]
async fn capacity_is_respected_and_its_override_audited() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let jour = TypeAccompagnement::AccueilJour;
        for nom in ["UN", "DEUX"] {
            let p = personne(&w, nom).await;
            let c = cap(s, &w.secr, p, Action::Ecrire).await;
            s.admettre(&c, &admission(w.org.a, Some(w.unite), jour, "2026-03-01"))
                .await
                .unwrap();
        }
        let p = personne(&w, "TROIS").await;
        let c = cap(s, &w.secr, p, Action::Ecrire).await;
        let mut a = admission(w.org.a, Some(w.unite), jour, "2026-03-02");
        match s.admettre(&c, &a).await {
            Err(StoreError::Conflict(m)) => assert!(m.contains("Capacité atteinte"), "{m}"),
            other => panic!("{engine}: capacité dépassée acceptée : {other:?}"),
        }
        // The day a stay ends frees its place (periods are half-open).
        a.fiche.date_entree = d("2026-02-28");
        let sid = s.admettre(&c, &a).await.unwrap();
        let sortie = Sortie {
            date: d("2026-03-01"),
            mode: ModeSortie::RetourDomicile,
            destination: None,
            suivi_par: None,
        };
        s.sortir(&c, sid, 1, &sortie).await.unwrap();
        a.fiche.date_entree = d("2026-03-05");
        assert!(matches!(
            s.admettre(&c, &a).await,
            Err(StoreError::Conflict(_))
        ));
        a.depasser_capacite = true;
        let forced = s.admettre(&c, &a).await.unwrap();
        let e = audit_by_action(s, "usager.sejour.admission").await;
        let detail = |i: usize| serde_json::from_str::<serde_json::Value>(&e[i].detail).unwrap();
        let last = detail(e.len() - 1);
        assert_eq!(last["sejour_id"], forced, "{engine}");
        assert_eq!(last["depassement_capacite"], true, "{engine}");
        assert_eq!(detail(0)["depassement_capacite"], false, "{engine}");
        let st = s.sejour(&c, forced).await.unwrap().unwrap();
        assert!(st.depassement_capacite);
        // The occupation seen by the waiting list and the admission form.
        let places = s.places(&[w.org.a], d("2026-03-05")).await.unwrap();
        let u = places.iter().find(|p| p.unite_id == Some(w.unite)).unwrap();
        assert_eq!((u.capacite, u.occupes, u.libres()), (Some(2), 3, Some(-1)));
    }
}

#[tokio::test]
async fn two_permanent_stays_cannot_overlap() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let p = personne(&w, "DUPONT").await;
        let c = cap(s, &w.secr, p, Action::Ecrire).await;
        let perm = TypeAccompagnement::HebergementPermanent;
        match s
            .admettre(&c, &admission(w.org.a, Some(w.autre), perm, "2026-01-01"))
            .await
        {
            Err(StoreError::Invalid(m)) => assert!(m.contains("séjour permanent"), "{m}"),
            other => panic!("{engine}: chevauchement accepté : {other:?}"),
        }
        // Day care beside the permanent stay is fine.
        let jour = TypeAccompagnement::AccueilJour;
        let sid = s
            .admettre(&c, &admission(w.org.a, Some(w.autre), jour, "2026-01-01"))
            .await
            .unwrap();
        // …but not turned into a permanent one over the other.
        let m = ModificationSejour {
            type_accompagnement: TypeAccompagnement::Internat,
            date_entree: d("2026-01-01"),
            date_fin_prevue: None,
            financement: None,
            referent_id: None,
            numero_usager: None,
        };
        assert!(matches!(
            s.modifier_sejour(&c, sid, 1, &m).await,
            Err(StoreError::Invalid(_))
        ));
        // A change with a stale version is refused; with the right one it passes.
        let m = ModificationSejour {
            type_accompagnement: jour,
            ..m
        };
        assert_eq!(s.modifier_sejour(&c, sid, 1, &m).await.unwrap(), 2);
        assert!(matches!(
            s.modifier_sejour(&c, sid, 1, &m).await,
            Err(StoreError::StaleVersion)
        ));
        // Closing the first permanent stay lets the next one start that day.
        let first = s
            .sejours(&c)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.type_accompagnement == perm)
            .unwrap();
        let sortie = Sortie {
            date: d("2026-02-01"),
            mode: ModeSortie::AutreEtablissement,
            destination: Some("EHPAD de la Croix-Rousse".into()),
            suivi_par: None,
        };
        s.sortir(&c, first.id, first.version, &sortie)
            .await
            .unwrap();
        s.admettre(&c, &admission(w.org.a, Some(w.autre), perm, "2026-02-01"))
            .await
            .unwrap();
        assert!(matches!(
            s.sortir(&c, first.id, first.version + 1, &sortie).await,
            Err(StoreError::Invalid(_))
        ));
    }
}

#[tokio::test]
async fn a_transfer_keeps_the_whole_path() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let p = personne(&w, "MARTIN").await;
        let c = cap(s, &w.secr, p, Action::Ecrire).await;
        let first = s.sejours(&c).await.unwrap().remove(0);
        let t = Transfert {
            date: d("2026-04-10"),
            etablissement_id: w.org.a,
            unite_id: Some(w.unite),
            depasser_capacite: false,
        };
        let next = s.transferer(&c, first.id, first.version, &t).await.unwrap();
        // A second transfer from the closed stay is refused; a stale version too.
        assert!(matches!(
            s.transferer(&c, first.id, first.version + 1, &t).await,
            Err(StoreError::Invalid(_))
        ));
        let t2 = Transfert {
            unite_id: Some(w.autre),
            date: d("2026-05-01"),
            ..t
        };
        assert!(matches!(
            s.transferer(&c, next, 7, &t2).await,
            Err(StoreError::StaleVersion)
        ));
        let last = s.transferer(&c, next, 1, &t2).await.unwrap();
        let path = s.sejours(&c).await.unwrap();
        assert_eq!(
            path.iter().map(|x| x.id).collect::<Vec<_>>(),
            vec![last, next, first.id],
            "{engine}"
        );
        assert_eq!(path[0].transfert_de, Some(next));
        assert_eq!(path[1].transfert_de, Some(first.id));
        assert_eq!(path[1].mode_sortie, Some(ModeSortie::Transfert));
        assert_eq!(path[1].date_sortie.as_deref(), Some("2026-05-01"));
        assert_eq!(path[2].date_sortie.as_deref(), Some("2026-04-10"));
        assert_eq!(path[0].unite.as_deref(), Some("Les Mimosas"));
        assert_eq!(path[0].numero_usager, path[2].numero_usager);
        assert_eq!(audit_by_action(s, "usager.sejour.transfert").await.len(), 2);
        // Into B, where the secretary does not work: refused.
        let t3 = Transfert {
            etablissement_id: w.org.b,
            unite_id: None,
            date: d("2026-06-01"),
            ..t
        };
        assert_eq!(
            refus(s.transferer(&c, last, 1, &t3).await),
            Refus::HorsPerimetre
        );
        let a = admission(w.org.b, None, TypeAccompagnement::AccueilJour, "2026-06-01");
        assert_eq!(refus(s.admettre(&c, &a).await), Refus::HorsPerimetre);
        // A unit of another établissement is refused.
        let a = admission(
            w.org.a,
            Some(w.unite + 1000),
            TypeAccompagnement::AccueilJour,
            "2026-06-01",
        );
        assert!(matches!(
            s.admettre(&c, &a).await,
            Err(StoreError::Invalid(_))
        ));
        // An educator reads the path but does not admit.
        let educ = create_user(s, "educ.a", Role::Educateur, &[w.org.a]).await;
        let r = crate::common::cap_at(s, &educ, p, Action::Ecrire, crate::common::at(2)).await;
        assert_eq!(refus(r), Refus::NonPermisParLeRole);
    }
}

#[tokio::test]
async fn stays_follow_a_merge_and_its_undo() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let keep = personne(&w, "DURAND").await;
        let gone = personne(&w, "DURANT").await;
        let cg = cap(s, &w.secr, gone, Action::Ecrire).await;
        let jour = TypeAccompagnement::AccueilJour;
        let admitted = s
            .admettre(&cg, &admission(w.org.a, Some(w.autre), jour, "2026-02-02"))
            .await
            .unwrap();
        let ck = cap(s, &w.secr, keep, Action::Valider).await;
        let cgv = cap(s, &w.secr, gone, Action::Valider).await;
        let fid = s.fusionner_usagers(&ck, &cgv).await.unwrap();
        let ids: Vec<i64> = s.sejours(&ck).await.unwrap().iter().map(|x| x.id).collect();
        assert!(ids.contains(&admitted), "{engine}: {ids:?}");
        assert_eq!(ids.len(), 3);
        s.annuler_fusion(&ck, fid).await.unwrap();
        let ids: Vec<i64> = s
            .sejours(&cgv)
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect();
        assert!(
            ids.contains(&admitted) && ids.len() == 2,
            "{engine}: {ids:?}"
        );
        assert_eq!(s.sejours(&ck).await.unwrap().len(), 1);
    }
}

//! Home-care planning and télégestion (issue 13, COO-5), on every engine: interventions
//! planned by the coordinator generate visits once; a worker sees only their own visits of
//! today; an offline batch sent twice is stored once; a visit changed by another account
//! since the phone read it is a conflict, kept and never applied; the planned vs done report.

use chrono::{DateTime, Duration, TimeZone, Utc};
use dui_domain::intervention::{Mode, StatutVisite, Tache};
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::presence::Mois;
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{authorize_telegestion, load_matrix, CapaciteTelegestion};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    EntreeTelegestion, InterventionInput, Position, StatutEntree, TacheVisite, TypeEntree,
};
use dui_store::{Store, StoreError, StoreResult};

use crate::common::{audit_by_action, check, create_usager, create_user, ident, refus, seed_org};

/// Monday 2026-03-02, 10:00 in Paris.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

struct World {
    db: TestDb,
    sad: i64,
    usager: i64,
    cadre: Utilisateur,
    a: Utilisateur,
    b: Utilisateur,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr = create_user(s, "secr", Role::Secretariat, &[org.a]).await;
    let cadre = create_user(s, "coord", Role::Cadre, &[org.a]).await;
    let a = create_user(s, "aline", Role::IntervenantDomicile, &[org.a]).await;
    let b = create_user(s, "bruno", Role::IntervenantDomicile, &[org.a]).await;
    let usager = create_usager(
        s,
        &secr,
        &ident("MARTIN", &["Jeanne"], "1935-05-01", "F"),
        org.a,
    )
    .await;
    World {
        db,
        sad: org.a,
        usager,
        cadre,
        a,
        b,
    }
}

async fn tele(
    s: &Store,
    who: &Utilisateur,
    etab: Option<i64>,
    action: Action,
    at: DateTime<Utc>,
) -> StoreResult<CapaciteTelegestion> {
    let m = load_matrix(s).await?;
    authorize_telegestion(s, &m, &crate::common::principal(who), etab, action, at).await
}

fn intervention(etab: i64, worker: i64, de: &str, a: &str) -> InterventionInput {
    InterventionInput {
        etablissement_id: etab,
        intervenant_id: Some(worker),
        taches: "toilette,repas".into(),
        tache_libre: None,
        adresse: Some("12 rue des Lilas, 69003 Lyon".into()),
        jours_semaine: "1,2,3,4,5".into(),
        heure_debut: de.into(),
        heure_fin: a.into(),
        duree_minutes: 45,
        qualification: Some("Auxiliaire de vie".into()),
        date_debut: "2026-03-01".into(),
        date_fin: None,
    }
}

fn entree(
    id: &str,
    visite: i64,
    version: i64,
    t: TypeEntree,
    quand: DateTime<Utc>,
) -> EntreeTelegestion {
    EntreeTelegestion {
        id: id.into(),
        visite,
        version,
        type_entree: t,
        horodatage: quand.to_rfc3339(),
        position: None,
        taches: None,
        note: None,
    }
}

/// Plans a morning visit by `a` and returns the visit of today as `a` sees it.
async fn planifier(w: &World) -> (i64, i64) {
    let s = &w.db.store;
    let cap = check(
        s,
        &w.cadre,
        w.usager,
        Section::Accompagnement,
        Action::Valider,
        now(),
    )
    .await
    .unwrap();
    s.ajouter_intervention(&cap, &intervention(w.sad, w.a.id, "08:00", "09:00"))
        .await
        .unwrap();
    let moi = tele(s, &w.a, None, Action::Ecrire, now()).await.unwrap();
    let jour = s.ma_journee(&moi, 15).await.unwrap();
    assert_eq!(jour.len(), 1);
    (jour[0].id, jour[0].version)
}

#[tokio::test]
async fn interventions_generate_visits_once_and_workers_see_their_day_only() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let cap = check(
            s,
            &w.cadre,
            w.usager,
            Section::Accompagnement,
            Action::Valider,
            now(),
        )
        .await
        .unwrap();
        // Bad input is refused in French.
        let mut mauvais = intervention(w.sad, w.a.id, "10:00", "09:00");
        assert!(
            matches!(s.ajouter_intervention(&cap, &mauvais).await, Err(StoreError::Invalid(m)) if m.contains("suivre"))
        );
        mauvais = intervention(w.sad, w.cadre.id, "08:00", "09:00");
        assert!(
            matches!(s.ajouter_intervention(&cap, &mauvais).await, Err(StoreError::Invalid(m)) if m.contains("intervenant"))
        );
        mauvais = intervention(w.sad, w.a.id, "08:00", "09:00");
        mauvais.taches = "repassage_ailes".into();
        assert!(matches!(
            s.ajouter_intervention(&cap, &mauvais).await,
            Err(StoreError::Invalid(_))
        ));
        let id = s
            .ajouter_intervention(&cap, &intervention(w.sad, w.a.id, "08:00", "09:00"))
            .await
            .unwrap();
        s.ajouter_intervention(&cap, &intervention(w.sad, w.b.id, "08:30", "09:30"))
            .await
            .unwrap();
        // The worker is assigned to the person (may open the file they visit).
        assert!(check(
            s,
            &w.a,
            w.usager,
            Section::Accompagnement,
            Action::Lire,
            now()
        )
        .await
        .is_ok());
        // The coordinator's week: 5 weekdays × 2 interventions, generated once.
        let coord = tele(s, &w.cadre, Some(w.sad), Action::Valider, now())
            .await
            .unwrap();
        assert_eq!(coord.mode(), Mode::Coordination);
        let lundi = now().date_naive();
        let semaine = s
            .planning_service(&coord, lundi, lundi + Duration::days(6), None, 15)
            .await
            .unwrap();
        assert_eq!(semaine.len(), 10);
        let encore = s
            .planning_service(&coord, lundi, lundi + Duration::days(6), None, 15)
            .await
            .unwrap();
        assert_eq!(
            encore.iter().map(|v| v.id).collect::<Vec<_>>(),
            semaine.iter().map(|v| v.id).collect::<Vec<_>>()
        );
        assert_eq!(semaine[0].usager, "MARTIN Jeanne");
        assert_eq!(semaine[0].taches.len(), 2);
        // At 10:00 on Monday the 08:00–09:00 visits without an arrival are missed.
        assert_eq!(semaine[0].statut, StatutVisite::Manquee);
        assert_eq!(semaine[2].statut, StatutVisite::Prevue);
        // Giving b's Monday visit to a makes a overlap with their own.
        let de_b = semaine
            .iter()
            .find(|v| v.intervenant_id == Some(w.b.id))
            .unwrap();
        s.reaffecter_visite(&coord, de_b.id, de_b.version, w.a.id)
            .await
            .unwrap();
        let lundi_seul = s
            .planning_service(&coord, lundi, lundi, Some(w.a.id), 15)
            .await
            .unwrap();
        assert_eq!(lundi_seul.len(), 2);
        assert!(
            lundi_seul.iter().all(|v| v.chevauchement),
            "a's two visits overlap"
        );
        assert!(matches!(
            s.reaffecter_visite(&coord, de_b.id, de_b.version, w.b.id)
                .await,
            Err(StoreError::StaleVersion)
        ));
        // The worker sees only their own visits of today; not another day's, not b's.
        let moi = tele(s, &w.a, None, Action::Ecrire, now()).await.unwrap();
        assert_eq!(moi.mode(), Mode::Intervenant);
        let jour = s.ma_journee(&moi, 15).await.unwrap();
        assert_eq!(jour.len(), 2);
        assert!(jour.iter().all(|v| v.intervenant_id == Some(w.a.id)));
        let mardi = semaine
            .iter()
            .find(|v| v.jour == "2026-03-03" && v.intervenant_id == Some(w.a.id))
            .unwrap();
        assert!(s.visite(&moi, mardi.id, 15).await.unwrap().is_none());
        assert!(s.visite(&moi, jour[0].id, 15).await.unwrap().is_some());
        // A worker does not reach the service's planning; others not at all.
        assert_eq!(
            refus(s.planning_service(&moi, lundi, lundi, None, 15).await),
            Refus::NonPermisParLeRole
        );
        let secr = create_user(s, "secr2", Role::Educateur, &[w.sad]).await;
        assert_eq!(
            refus(tele(s, &secr, Some(w.sad), Action::Lire, now()).await),
            Refus::NonPermisParLeRole
        );
        assert!(!audit_by_action(s, "planning.lecture").await.is_empty());
        // Ending the intervention removes the visits to come that nothing was recorded on.
        let mut fin = intervention(w.sad, w.a.id, "08:00", "09:00");
        fin.date_fin = Some("2026-03-03".into());
        s.modifier_intervention(&cap, id, 1, &fin).await.unwrap();
        let apres = s
            .planning_service(&coord, lundi, lundi + Duration::days(6), Some(w.a.id), 15)
            .await
            .unwrap();
        assert_eq!(
            apres.iter().filter(|v| v.intervention_id == id).count(),
            2,
            "Monday and Tuesday"
        );
        // Extended again: the interventions changed, so the range read before is generated
        // anew and the visits removed come back.
        let suite = intervention(w.sad, w.a.id, "08:00", "09:00");
        s.modifier_intervention(&cap, id, 2, &suite).await.unwrap();
        let encore = s
            .planning_service(&coord, lundi, lundi + Duration::days(6), Some(w.a.id), 15)
            .await
            .unwrap();
        assert_eq!(
            encore.iter().filter(|v| v.intervention_id == id).count(),
            5,
            "the five weekdays again"
        );
    }
}

#[tokio::test]
async fn a_batch_sent_twice_is_stored_once() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let (v, version) = planifier(&w).await;
        let moi = tele(s, &w.a, None, Action::Ecrire, now()).await.unwrap();
        let t = |m: i64| now() - Duration::minutes(60) + Duration::minutes(m);
        let mut arrivee = entree(
            "0b9f7c1e-0000-4000-8000-000000000001",
            v,
            version,
            TypeEntree::Arrivee,
            t(5),
        );
        arrivee.position = Some(Position {
            lat: 45.764_04,
            lon: 4.835_66,
        });
        let mut taches = entree(
            "0b9f7c1e-0000-4000-8000-000000000002",
            v,
            version,
            TypeEntree::Taches,
            t(30),
        );
        taches.taches = Some(vec![
            TacheVisite {
                tache: Tache::Toilette,
                fait: Some(true),
                motif: None,
            },
            TacheVisite {
                tache: Tache::Repas,
                fait: Some(false),
                motif: Some("Déjà pris".into()),
            },
        ]);
        let mut note = entree(
            "0b9f7c1e-0000-4000-8000-000000000003",
            v,
            version,
            TypeEntree::Note,
            t(40),
        );
        note.note = Some("Bonne humeur, a bien mangé hier soir.".into());
        let depart = entree(
            "0b9f7c1e-0000-4000-8000-000000000004",
            v,
            version,
            TypeEntree::Depart,
            t(50),
        );
        let lot = vec![arrivee, taches, note, depart];
        let r1 = s.synchroniser(&moi, &lot).await.unwrap();
        assert!(
            r1.iter().all(|r| r.statut == StatutEntree::Enregistree),
            "{r1:?}"
        );
        assert_eq!(r1[3].version, Some(version + 4));
        let r2 = s.synchroniser(&moi, &lot).await.unwrap();
        assert!(
            r2.iter().all(|r| r.statut == StatutEntree::DejaRecue),
            "{r2:?}"
        );
        assert_eq!(
            s.entrees_de_visite(&moi, v).await.unwrap().len(),
            4,
            "stored once"
        );
        let visite = s.visite(&moi, v, 15).await.unwrap().unwrap();
        assert_eq!(visite.version, version + 4, "applied once");
        assert_eq!(visite.statut, StatutVisite::Faite);
        assert_eq!(visite.deroulement().unwrap().minutes_faites(), 45);
        assert_eq!(visite.taches[1].motif.as_deref(), Some("Déjà pris"));
        assert_eq!(
            visite.note.as_deref(),
            Some("Bonne humeur, a bien mangé hier soir.")
        );
        // A task not done needs its reason; a refused entry is not stored.
        let mut sans_motif = entree(
            "0b9f7c1e-0000-4000-8000-000000000005",
            v,
            version + 4,
            TypeEntree::Taches,
            t(55),
        );
        sans_motif.taches = Some(vec![TacheVisite {
            tache: Tache::Repas,
            fait: Some(false),
            motif: None,
        }]);
        let r = s.synchroniser(&moi, &[sans_motif]).await.unwrap();
        assert_eq!(r[0].statut, StatutEntree::Refusee);
        assert!(r[0].message.as_deref().unwrap().contains("pourquoi"));
        assert_eq!(s.entrees_de_visite(&moi, v).await.unwrap().len(), 4);
        // One audit entry per batch that stored something.
        assert_eq!(audit_by_action(s, "visite.saisie").await.len(), 1);
    }
}

#[tokio::test]
async fn two_workers_on_one_visit_see_a_conflict_and_nothing_is_lost() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let (v, version) = planifier(&w).await;
        let a = tele(s, &w.a, None, Action::Ecrire, now()).await.unwrap();
        // Offline, a records an arrival on the version they read…
        let hors_ligne = entree(
            "a-offline-0000-0001",
            v,
            version,
            TypeEntree::Arrivee,
            now() - Duration::minutes(50),
        );
        // …meanwhile the coordinator gives the visit to b, who arrives.
        let coord = tele(s, &w.cadre, Some(w.sad), Action::Valider, now())
            .await
            .unwrap();
        let v2 = s
            .reaffecter_visite(&coord, v, version, w.b.id)
            .await
            .unwrap();
        let b = tele(s, &w.b, None, Action::Ecrire, now()).await.unwrap();
        let rb = s
            .synchroniser(
                &b,
                &[entree(
                    "b-online-00000-0001",
                    v,
                    v2,
                    TypeEntree::Arrivee,
                    now() - Duration::minutes(45),
                )],
            )
            .await
            .unwrap();
        assert_eq!(rb[0].statut, StatutEntree::Enregistree);
        // a's entry comes back: a conflict, kept, not applied over b's arrival.
        let ra = s
            .synchroniser(&a, std::slice::from_ref(&hors_ligne))
            .await
            .unwrap();
        assert_eq!(ra[0].statut, StatutEntree::Conflit);
        assert!(ra[0].message.as_deref().unwrap().contains("autre compte"));
        let vue = s.visite(&coord, v, 15).await.unwrap().unwrap();
        assert_eq!(vue.intervenant_id, Some(w.b.id));
        assert_eq!(
            vue.arrivee.as_deref().map(|t| t[..16].to_string()),
            Some(dui_store::ts(now() - Duration::minutes(45))[..16].to_string()),
            "b's arrival kept"
        );
        let recues = s.entrees_de_visite(&coord, v).await.unwrap();
        assert_eq!(recues.len(), 2, "both entries kept");
        assert_eq!(recues[1].statut, "conflit");
        assert_eq!(recues[1].utilisateur_id, w.a.id);
        // Sent again, the conflict is acknowledged as already received, still a conflict.
        let encore = s.synchroniser(&a, &[hors_ligne]).await.unwrap();
        assert_eq!(encore[0].statut, StatutEntree::DejaRecue);
        assert!(encore[0].message.is_some());
        // A worker's own earlier entries in a batch are no conflict (same base version).
        let suite = s
            .synchroniser(
                &b,
                &[entree(
                    "b-online-00000-0002",
                    v,
                    v2,
                    TypeEntree::Depart,
                    now() - Duration::minutes(5),
                )],
            )
            .await
            .unwrap();
        assert_eq!(suite[0].statut, StatutEntree::Enregistree);
        // A coordinator may not send entries; a worker may not reach another's visit.
        assert_eq!(
            refus(s.synchroniser(&coord, &[]).await),
            Refus::NonPermisParLeRole
        );
        let autre = s
            .synchroniser(
                &a,
                &[entree(
                    "a-other-000000-0003",
                    v,
                    v2 + 2,
                    TypeEntree::Note,
                    now(),
                )],
            )
            .await
            .unwrap();
        assert_eq!(autre[0].statut, StatutEntree::Refusee);
    }
}

#[tokio::test]
async fn planned_versus_done_per_person_and_worker() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let (v, version) = planifier(&w).await;
        let a = tele(s, &w.a, None, Action::Ecrire, now()).await.unwrap();
        let debut = now() - Duration::minutes(58);
        s.synchroniser(
            &a,
            &[
                entree("bilan-000000-0001", v, version, TypeEntree::Arrivee, debut),
                entree(
                    "bilan-000000-0002",
                    v,
                    version,
                    TypeEntree::Depart,
                    debut + Duration::minutes(40),
                ),
            ],
        )
        .await
        .unwrap();
        // At the end of the month: 22 weekdays planned in March 2026, 1 done (40 min), the
        // others missed.
        let fin_mois = Utc.with_ymd_and_hms(2026, 3, 31, 22, 30, 0).unwrap();
        let coord = tele(s, &w.cadre, Some(w.sad), Action::Valider, fin_mois)
            .await
            .unwrap();
        let b = s
            .bilan_planning(&coord, Mois::parse("2026-03").unwrap(), 15)
            .await
            .unwrap();
        assert_eq!(b.total.visites_prevues, 22);
        assert_eq!(b.total.minutes_prevues, 22 * 45);
        assert_eq!(b.total.visites_faites, 1);
        assert_eq!(b.total.minutes_faites, 40);
        assert_eq!(b.total.ecart_minutes, -5);
        assert_eq!(b.total.visites_manquees, 21);
        assert_eq!(b.par_usager.len(), 1);
        assert_eq!(b.par_usager[0].nom, "MARTIN Jeanne");
        assert_eq!(b.par_intervenant.len(), 1);
        assert_eq!(b.par_intervenant[0].id, w.a.id);
        assert!(!audit_by_action(s, "planning.bilan").await.is_empty());
    }
}

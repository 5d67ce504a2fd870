//! Activities (issue 13, COO-1): an activity and its sessions (one, a series), registrations
//! within the capacity, the attendance of a session saved at once with its version (409
//! after another save), the rules (registered persons only, never on a cancelled session,
//! ahead only excused), the person's participation history with agenda events, merges
//! carrying registrations and attendance, and the activities closed to the accounts of
//! another établissement (audited).

use chrono::{NaiveDate, NaiveTime, Weekday};
use dui_domain::activite::{dates_serie, Assiduite, Modalite, StatutSeance, TypeActivite};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::page::Page;
use dui_store::policy::{authorize_activites, load_matrix, CapaciteActivites};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    ActiviteInput, FiltreParticipation, NatureParticipation, NouvellesSeances, PresenceSaisie,
};
use dui_store::{Store, StoreError};

use crate::common::{
    at, audit_by_action, cap, check, create_usager, create_user, ident, principal, refus, seed_org,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn h(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}

async fn activites(
    s: &Store,
    who: &Utilisateur,
    etab: i64,
    action: Action,
) -> Result<CapaciteActivites, StoreError> {
    let m = load_matrix(s).await?;
    // at(1) is Monday 2026-03-02 in Paris: "today" for the rules.
    authorize_activites(s, &m, &principal(who), etab, action, at(1)).await
}

fn atelier(capacite: Option<i64>) -> ActiviteInput {
    ActiviteInput {
        unite_id: None,
        type_activite: TypeActivite::Atelier,
        modalite: Modalite::Collective,
        titre: "Atelier mémoire".into(),
        description: Some("Jeux de mémoire et réminiscence".into()),
        lieu: Some("Salon".into()),
        capacite,
        debut: d("2026-01-01"),
        fin: None,
        active: true,
        animateurs: Vec::new(),
    }
}

fn seances(jours: Vec<NaiveDate>) -> NouvellesSeances {
    NouvellesSeances {
        jours,
        heure_debut: h("10:30"),
        heure_fin: h("11:30"),
        lieu: None,
        animateurs: Vec::new(),
    }
}

fn p(u: i64, a: Assiduite) -> PresenceSaisie {
    PresenceSaisie {
        usager_id: UsagerId(u),
        assiduite: a,
        observation: None,
    }
}

struct World {
    db: TestDb,
    a: i64,
    b: i64,
    secr: Utilisateur,
    educ: Utilisateur,
    personnes: Vec<i64>,
}

async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr = create_user(s, "secretariat.a", Role::Secretariat, &[org.a]).await;
    let educ = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
    let mut personnes = Vec::new();
    for nom in ["ALPHA", "BRAVO", "CHARLIE"] {
        personnes
            .push(create_usager(s, &secr, &ident(nom, &["Marie"], "1940-01-01", "F"), org.a).await);
    }
    World {
        db,
        a: org.a,
        b: org.b,
        secr,
        educ,
        personnes,
    }
}

#[tokio::test]
async fn attendance_is_saved_for_the_group_at_once_with_its_version_and_its_rules() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let c = activites(s, &w.educ, w.a, Action::Ecrire).await.unwrap();
        let id = s.creer_activite(&c, &atelier(Some(2))).await.unwrap();
        // Tuesdays and Thursdays from 2026-02-24 to 2026-03-05: four sessions.
        let jours = dates_serie(
            d("2026-02-24"),
            d("2026-03-05"),
            &[Weekday::Tue, Weekday::Thu],
            1,
        )
        .unwrap();
        let ids = s.creer_seances(&c, id, &seances(jours)).await.unwrap();
        assert_eq!(ids.len(), 4, "{engine}");
        let [alpha, bravo, charlie] = [w.personnes[0], w.personnes[1], w.personnes[2]];
        for u in [alpha, bravo] {
            s.inscrire(&c, id, UsagerId(u), d("2026-02-01"), None)
                .await
                .unwrap();
        }
        // The capacity is two places.
        let e = s
            .inscrire(&c, id, UsagerId(charlie), d("2026-02-01"), None)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(m) if m.contains("complète")),
            "{engine}: {e:?}"
        );
        // Registered twice over the same period: a conflict.
        assert!(matches!(
            s.inscrire(&c, id, UsagerId(alpha), d("2026-02-10"), None)
                .await,
            Err(StoreError::Conflict(_))
        ));
        let f = s.feuille_presence(&c, ids[0]).await.unwrap();
        assert_eq!(f.personnes.len(), 2, "{engine}");
        assert_eq!(f.version, 1);
        let v2 = s
            .enregistrer_presences_seance(
                &c,
                ids[0],
                f.version,
                &[p(alpha, Assiduite::Present), p(bravo, Assiduite::Absent)],
            )
            .await
            .unwrap();
        assert_eq!(v2, 2);
        // The session, held with someone present, became réalisée.
        let f = s.feuille_presence(&c, ids[0]).await.unwrap();
        assert_eq!(f.seance.statut, StatutSeance::Realisee, "{engine}");
        assert_eq!(f.personnes[0].assiduite, Some(Assiduite::Present));
        // The version read before: another save came first, nothing written.
        assert!(matches!(
            s.enregistrer_presences_seance(&c, ids[0], 1, &[]).await,
            Err(StoreError::StaleVersion)
        ));
        // Someone not registered: refused.
        let e = s
            .enregistrer_presences_seance(&c, ids[0], 2, &[p(charlie, Assiduite::Present)])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(m) if m.contains("inscrite")),
            "{engine}: {e:?}"
        );
        // A session to come (Thursday 2026-03-05): only an excused absence.
        assert!(s
            .enregistrer_presences_seance(&c, ids[3], 1, &[p(alpha, Assiduite::Present)])
            .await
            .is_err());
        s.enregistrer_presences_seance(&c, ids[3], 1, &[p(alpha, Assiduite::Excuse)])
            .await
            .unwrap();
        // A cancelled session takes no attendance; its motive is required.
        assert!(s
            .changer_statut_seance(&c, ids[1], 1, StatutSeance::Annulee, None)
            .await
            .is_err());
        let v = s
            .changer_statut_seance(
                &c,
                ids[1],
                1,
                StatutSeance::Annulee,
                Some("Animatrice malade"),
            )
            .await
            .unwrap();
        let e = s
            .enregistrer_presences_seance(&c, ids[1], v, &[p(alpha, Assiduite::Present)])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(m) if m.contains("annulée")),
            "{engine}"
        );
        // One audit entry per save, naming the files changed.
        let saisies = audit_by_action(s, "activite.seance.presences").await;
        assert_eq!(saisies.len(), 2, "{engine}");
        assert!(saisies[0].detail.contains(&alpha.to_string()));
        // An activity's version: 409 on a stale one; a capacity below the registrations refused.
        let a = s.activite(&c, id).await.unwrap();
        assert_eq!(a.inscrits, 2);
        let mut changee = a.champs.clone();
        changee.capacite = Some(1);
        assert!(matches!(
            s.modifier_activite(&c, id, a.version, &changee).await,
            Err(StoreError::Invalid(_))
        ));
        changee.capacite = Some(5);
        s.modifier_activite(&c, id, a.version, &changee)
            .await
            .unwrap();
        assert!(matches!(
            s.modifier_activite(&c, id, a.version, &changee).await,
            Err(StoreError::StaleVersion)
        ));
    }
}

#[tokio::test]
async fn the_history_lists_sessions_and_agenda_events_and_merges_carry_them() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let c = activites(s, &w.educ, w.a, Action::Ecrire).await.unwrap();
        let id = s.creer_activite(&c, &atelier(None)).await.unwrap();
        let mut gym = atelier(None);
        gym.type_activite = TypeActivite::Sport;
        gym.titre = "Gym douce".into();
        let id2 = s.creer_activite(&c, &gym).await.unwrap();
        let [alpha, bravo] = [w.personnes[0], w.personnes[1]];
        let s1 = s
            .creer_seances(&c, id, &seances(vec![d("2026-02-17"), d("2026-02-24")]))
            .await
            .unwrap();
        let s2 = s
            .creer_seances(&c, id2, &seances(vec![d("2026-02-20")]))
            .await
            .unwrap();
        for (act, u) in [(id, alpha), (id, bravo), (id2, bravo)] {
            s.inscrire(&c, act, UsagerId(u), d("2026-02-01"), None)
                .await
                .unwrap();
        }
        s.enregistrer_presences_seance(&c, s1[0], 1, &[p(bravo, Assiduite::Present)])
            .await
            .unwrap();
        s.enregistrer_presences_seance(&c, s2[0], 1, &[p(bravo, Assiduite::Absent)])
            .await
            .unwrap();
        let lire = check(
            s,
            &w.educ,
            bravo,
            Section::Accompagnement,
            Action::Lire,
            at(2),
        )
        .await
        .unwrap();
        let tout = s
            .participations_page(
                &lire,
                FiltreParticipation::Tout,
                (None, None),
                Page::first(10),
            )
            .await
            .unwrap();
        assert_eq!(tout.len(), 3, "{engine}: {tout:?}");
        assert_eq!(tout[0].jour, d("2026-02-24"), "most recent first");
        assert!(tout.iter().all(|l| l.nature == NatureParticipation::Seance));
        assert_eq!(tout[1].assiduite.as_deref(), Some("Absent"));
        // Pages follow each other.
        let p1 = s
            .participations_page(
                &lire,
                FiltreParticipation::Tout,
                (None, None),
                Page::first(2),
            )
            .await
            .unwrap();
        let p2 = s
            .participations_page(
                &lire,
                FiltreParticipation::Tout,
                (None, None),
                Page {
                    after: Some(p1[1].cle),
                    limit: 2,
                },
            )
            .await
            .unwrap();
        assert_eq!(p2.len(), 1, "{engine}");
        assert_eq!(p2[0].jour, d("2026-02-17"));
        // By kind and by period.
        let sport = s
            .participations_page(
                &lire,
                FiltreParticipation::Activite(TypeActivite::Sport),
                (None, None),
                Page::first(10),
            )
            .await
            .unwrap();
        assert_eq!(sport.len(), 1);
        let fevrier = s
            .participations_page(
                &lire,
                FiltreParticipation::Tout,
                (Some(d("2026-02-18")), Some(d("2026-02-21"))),
                Page::first(10),
            )
            .await
            .unwrap();
        assert_eq!(fevrier.len(), 1, "{engine}");
        // A reading without the support section's right is refused.
        assert!(s
            .participations_page(
                &cap(s, &w.secr, bravo, Action::Lire).await,
                FiltreParticipation::Tout,
                (None, None),
                Page::first(10)
            )
            .await
            .is_err());
        // A merge: the registrations and the attendance of BRAVO go to ALPHA's file.
        let (k, a) = (
            cap(s, &w.secr, alpha, Action::Valider).await,
            cap(s, &w.secr, bravo, Action::Valider).await,
        );
        s.fusionner_usagers(&k, &a).await.unwrap();
        let lire = check(
            s,
            &w.educ,
            alpha,
            Section::Accompagnement,
            Action::Lire,
            at(3),
        )
        .await
        .unwrap();
        let apres = s
            .participations_page(
                &lire,
                FiltreParticipation::Tout,
                (None, None),
                Page::first(10),
            )
            .await
            .unwrap();
        assert!(
            apres.iter().any(|l| l.present && l.jour == d("2026-02-17")),
            "{engine}: the attendance followed the person: {apres:?}"
        );
        assert!(apres.iter().any(|l| l.genre == "sport"));
    }
}

#[tokio::test]
async fn activities_are_closed_to_other_etablissements_and_to_readers_only() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let educ_b = create_user(s, "educ.b", Role::Educateur, &[w.b]).await;
        let admin = create_user(s, "admin2", Role::Administrateur, &[w.a, w.b]).await;
        assert_eq!(
            refus(activites(s, &educ_b, w.a, Action::Lire).await),
            Refus::HorsPerimetre
        );
        assert_eq!(
            refus(activites(s, &admin, w.a, Action::Lire).await),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(activites(s, &w.secr, w.a, Action::Ecrire).await),
            Refus::NonPermisParLeRole
        );
        // The refusals were audited.
        assert_eq!(audit_by_action(s, "usager.lire").await.len(), 2, "{engine}");
        assert_eq!(
            audit_by_action(s, "usager.ecrire").await.len(),
            1,
            "{engine}"
        );
        // An activity of A is not found with B's capability; a reading capability writes nothing.
        let c = activites(s, &w.educ, w.a, Action::Ecrire).await.unwrap();
        let id = s.creer_activite(&c, &atelier(None)).await.unwrap();
        let cb = activites(s, &educ_b, w.b, Action::Ecrire).await.unwrap();
        assert!(matches!(
            s.activite(&cb, id).await,
            Err(StoreError::NotFound)
        ));
        let lecture = activites(s, &w.educ, w.a, Action::Lire).await.unwrap();
        assert!(matches!(
            s.creer_activite(&lecture, &atelier(None)).await,
            Err(StoreError::Denied(_))
        ));
        // A person of B may not be registered to A's activity.
        let secr_b = create_user(s, "secretariat.b", Role::Secretariat, &[w.b]).await;
        let autre = create_usager(
            s,
            &secr_b,
            &ident("DELTA", &["Luc"], "1950-01-01", "M"),
            w.b,
        )
        .await;
        let e = s
            .inscrire(&c, id, UsagerId(autre), d("2026-02-01"), None)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(m) if m.contains("accueillie")),
            "{engine}"
        );
        // Huge and NUL texts are refused, never stored.
        let mut a = atelier(None);
        a.titre = "x".repeat(400);
        assert!(matches!(
            s.creer_activite(&c, &a).await,
            Err(StoreError::Invalid(_))
        ));
        a.titre = "Atelier\0".into();
        assert!(matches!(
            s.creer_activite(&c, &a).await,
            Err(StoreError::Invalid(_))
        ));
    }
}

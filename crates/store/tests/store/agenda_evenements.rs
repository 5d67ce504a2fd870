//! Agenda events (issue 13, part A): participants and presence, the status flow, 409 on a
//! stale version, the scope (staff of B never sees A's events, psychology never leaks),
//! a weekly series persisted with its exceptions and read by windows across the spring
//! time change, the minimised calendar of a subscription, and the exchanges of a file.

use chrono::{DateTime, Duration, Utc};
use dui_domain::agenda::{
    Presence, StatutRendezVous, TypeParticipant, TypeRendezVous, TypeRessource,
};
use dui_domain::agenda_recurrence::local_paris;
use dui_domain::echange::{SensEchange, TypeEchange};
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{authorize_agenda, load_matrix, CapaciteAgenda};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    EchangeInput, EvenementInput, ExceptionOccurrence, ParticipantInput, QuelAgenda,
    RessourceInput, TermesEvenement,
};
use dui_store::{Store, StoreError};

use crate::common::{
    audit_by_action, check, create_usager, create_user, ident, principal, seed_org, t0,
};

pub(crate) fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub(crate) async fn agenda(
    s: &Store,
    who: &Utilisateur,
    action: Action,
    now: DateTime<Utc>,
) -> CapaciteAgenda {
    let m = load_matrix(s).await.unwrap();
    authorize_agenda(s, &m, &principal(who), action, now)
        .await
        .unwrap()
}

pub(crate) fn pro(u: &Utilisateur) -> ParticipantInput {
    ParticipantInput {
        type_participant: TypeParticipant::Professionnel,
        utilisateur_id: Some(u.id),
        usager_id: None,
        nom: None,
    }
}

pub(crate) fn personne(u: i64) -> ParticipantInput {
    ParticipantInput {
        type_participant: TypeParticipant::Usager,
        utilisateur_id: None,
        usager_id: Some(u),
        nom: None,
    }
}

pub(crate) fn synthese(etab: i64, participants: Vec<ParticipantInput>) -> EvenementInput {
    EvenementInput {
        termes: TermesEvenement {
            type_rdv: TypeRendezVous::ReunionSynthese,
            objet: "Synthèse du projet personnalisé".into(),
            description: None,
            // Monday 2 March 2026, 10:00 Paris (CET).
            debut: t("2026-03-02T09:00:00Z"),
            fin: t("2026-03-02T10:00:00Z"),
            lieu: None,
            ressource_id: None,
            rrule: None,
            psychologie: false,
        },
        etablissement_id: etab,
        participants,
    }
}

pub(crate) struct Monde {
    pub(crate) db: TestDb,
    pub(crate) a: i64,
    pub(crate) b: i64,
    pub(crate) cadre: Utilisateur,
    pub(crate) educ: Utilisateur,
    pub(crate) educ_b: Utilisateur,
    pub(crate) psy: Utilisateur,
    pub(crate) usager: i64,
}

pub(crate) async fn monde(engine: &str) -> Monde {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let cadre = create_user(s, "cadre.a", Role::Cadre, &[org.a]).await;
    let educ = create_user(s, "educ.a", Role::Educateur, &[org.a]).await;
    let educ_b = create_user(s, "educ.b", Role::Educateur, &[org.b]).await;
    let psy = create_user(s, "psy.a", Role::Psychologue, &[org.a]).await;
    let secr = create_user(s, "secr.a", Role::Secretariat, &[org.a]).await;
    let usager = create_usager(
        s,
        &secr,
        &ident("MARTIN", &["Jeanne"], "1940-05-01", "F"),
        org.a,
    )
    .await;
    Monde {
        db,
        a: org.a,
        b: org.b,
        cadre,
        educ,
        educ_b,
        psy,
        usager,
    }
}

#[tokio::test]
async fn an_event_has_participants_presence_a_status_flow_and_versions() {
    for engine in engines() {
        let m = monde(engine).await;
        let s = &m.db.store;
        let cadre = agenda(s, &m.cadre, Action::Ecrire, t0()).await;
        let mut e = synthese(m.a, vec![pro(&m.educ), personne(m.usager)]);
        e.participants.push(ParticipantInput {
            type_participant: TypeParticipant::Externe,
            utilisateur_id: None,
            usager_id: None,
            nom: Some("Mme MARTIN Sophie, fille".into()),
        });
        let id = s.creer_evenement(&cadre, &e).await.unwrap();
        let lu = s.evenement(&cadre, id).await.unwrap();
        assert_eq!(lu.version, 1);
        assert_eq!(lu.statut, StatutRendezVous::Prevu);
        // The organiser is added; everyone is expected.
        assert_eq!(lu.participants.len(), 4, "{engine}");
        assert!(lu
            .participants
            .iter()
            .all(|p| p.presence == Presence::Attendu));
        assert!(lu.participants.iter().any(|p| p.nom == "MARTIN Jeanne"));
        assert_eq!(audit_by_action(s, "agenda.evenement.ajout").await.len(), 1);

        // A stale version is a 409; the change keeps the presences.
        let mut e2 = e.clone();
        e2.objet = "Synthèse — bilan annuel".into();
        let v2 = s.modifier_evenement(&cadre, id, 1, &e2).await.unwrap();
        assert_eq!(v2, 2);
        assert!(matches!(
            s.modifier_evenement(&cadre, id, 1, &e2).await,
            Err(StoreError::StaleVersion)
        ));
        // Presence before the start is refused; after it, marked with the participant's version.
        let apres = agenda(s, &m.cadre, Action::Ecrire, t("2026-03-02T09:30:00Z")).await;
        let p = s.evenement(&apres, id).await.unwrap().participants[2].clone();
        let avant = agenda(s, &m.cadre, Action::Ecrire, t("2026-03-02T08:00:00Z")).await;
        assert!(matches!(
            s.noter_presence(&avant, id, p.id, p.version, Presence::Present).await,
            Err(StoreError::Invalid(m)) if m.contains("commencé")
        ));
        assert_eq!(
            s.noter_presence(&apres, id, p.id, p.version, Presence::Present)
                .await
                .unwrap(),
            2
        );
        assert!(matches!(
            s.noter_presence(&apres, id, p.id, p.version, Presence::Absent)
                .await,
            Err(StoreError::StaleVersion)
        ));
        // Status: postponed needs a motive; realised is final.
        assert!(matches!(
            s.changer_statut_evenement(&apres, id, 2, StatutRendezVous::Reporte, None).await,
            Err(StoreError::Invalid(m)) if m == "Indiquez le motif du report."
        ));
        let v3 = s
            .changer_statut_evenement(&apres, id, 2, StatutRendezVous::Realise, None)
            .await
            .unwrap();
        assert!(matches!(
            s.changer_statut_evenement(&apres, id, v3, StatutRendezVous::Annule, None).await,
            Err(StoreError::Invalid(m)) if m.contains("réalisé")
        ));
        let e2b = s.modifier_evenement(&apres, id, v3, &e2).await.unwrap();
        let fin = s.evenement(&apres, id).await.unwrap();
        assert_eq!(fin.version, e2b);
        assert_eq!(fin.statut, StatutRendezVous::Realise);
        assert_eq!(
            fin.participants
                .iter()
                .find(|q| q.id == p.id)
                .map(|q| q.presence),
            Some(Presence::Present),
            "{engine}: the participant's row and presence are kept by a change"
        );
        m.db.cleanup().await;
    }
}

#[tokio::test]
async fn staff_of_b_never_sees_a_and_psychology_never_leaks() {
    for engine in engines() {
        let m = monde(engine).await;
        let s = &m.db.store;
        let cadre = agenda(s, &m.cadre, Action::Ecrire, t0()).await;
        let id = s
            .creer_evenement(&cadre, &synthese(m.a, vec![personne(m.usager)]))
            .await
            .unwrap();
        let de = t("2026-03-02T00:00:00Z");
        let a = de + Duration::days(7);
        let b = agenda(s, &m.educ_b, Action::Ecrire, t0()).await;
        assert!(matches!(
            s.evenement(&b, id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            s.agenda(&b, QuelAgenda::Etablissement(m.a), de, a).await,
            Err(StoreError::Denied(Refus::HorsPerimetre))
        ));
        assert!(matches!(
            s.agenda(&b, QuelAgenda::Utilisateur(m.cadre.id), de, a)
                .await,
            Err(StoreError::Denied(Refus::HorsPerimetre))
        ));
        // B cannot plan in A, nor invite A's person.
        assert!(matches!(
            s.creer_evenement(&b, &synthese(m.a, vec![])).await,
            Err(StoreError::Denied(Refus::HorsPerimetre))
        ));
        assert!(s
            .creer_evenement(&b, &synthese(m.b, vec![personne(m.usager)]))
            .await
            .is_err());
        // A's educator sees it in the établissement's agenda, not in their own.
        let educ = agenda(s, &m.educ, Action::Lire, t0()).await;
        assert_eq!(
            s.agenda(&educ, QuelAgenda::Etablissement(m.a), de, a)
                .await
                .unwrap()
                .occurrences
                .len(),
            1
        );
        assert!(s
            .agenda(&educ, QuelAgenda::Utilisateur(m.educ.id), de, a)
            .await
            .unwrap()
            .occurrences
            .is_empty());
        // …nor in another professional's: only the cadre and the direction look there.
        assert!(s
            .agenda(&educ, QuelAgenda::Utilisateur(m.cadre.id), de, a)
            .await
            .is_err());
        let cadre_vue = s
            .agenda(&cadre, QuelAgenda::Utilisateur(m.educ.id), de, a)
            .await
            .unwrap();
        assert!(cadre_vue.occurrences.is_empty());
        // A psychology appointment: in the psychologist's agenda, nowhere else.
        let psy = agenda(s, &m.psy, Action::Ecrire, t0()).await;
        let mut e = synthese(m.a, vec![personne(m.usager)]);
        e.type_rdv = TypeRendezVous::Autre;
        e.objet = "Entretien psychologique".into();
        e.psychologie = true;
        assert!(matches!(
            s.creer_evenement(&cadre, &e).await,
            Err(StoreError::Denied(_))
        ));
        let pid = s.creer_evenement(&psy, &e).await.unwrap();
        assert!(matches!(
            s.evenement(&educ, pid).await,
            Err(StoreError::NotFound)
        ));
        let vue = s
            .agenda(&educ, QuelAgenda::Etablissement(m.a), de, a)
            .await
            .unwrap();
        assert!(vue.evenements.iter().all(|x| x.id != pid), "{engine}");
        let c = check(
            s,
            &m.educ,
            m.usager,
            Section::Accompagnement,
            Action::Lire,
            t0(),
        )
        .await
        .unwrap();
        let fiche = s.agenda_usager(&c, de, a).await.unwrap();
        assert_eq!(fiche.evenements.len(), 1);
        assert_eq!(fiche.evenements[0].id, id);
        assert_eq!(
            s.agenda(&psy, QuelAgenda::Utilisateur(m.psy.id), de, a)
                .await
                .unwrap()
                .occurrences
                .len(),
            1
        );
        // Reading the events that name the person is audited.
        assert!(!audit_by_action(s, "agenda.lecture").await.is_empty());
        m.db.cleanup().await;
    }
}

#[tokio::test]
async fn a_weekly_series_is_read_by_windows_across_the_spring_change_with_its_exceptions() {
    for engine in engines() {
        let m = monde(engine).await;
        let s = &m.db.store;
        let cadre = agenda(s, &m.cadre, Action::Ecrire, t0()).await;
        let salle = s
            .creer_ressource(
                &cadre,
                &RessourceInput {
                    etablissement_id: m.a,
                    type_ressource: TypeRessource::Salle,
                    nom: "Salle Tilleul".into(),
                },
            )
            .await
            .unwrap();
        let mut e = synthese(m.a, vec![pro(&m.educ)]);
        e.type_rdv = TypeRendezVous::Reunion;
        e.objet = "Réunion d'équipe".into();
        e.rrule = Some("FREQ=WEEKLY;BYDAY=MO;COUNT=8".into());
        e.ressource_id = Some(salle);
        let id = s.creer_evenement(&cadre, &e).await.unwrap();
        let v = s
            .exception_evenement(
                &cadre,
                id,
                1,
                &ExceptionOccurrence {
                    date: "2026-03-16".parse().unwrap(),
                    annulee: true,
                    debut: None,
                    fin: None,
                    motif: None,
                },
            )
            .await
            .unwrap();
        s.exception_evenement(
            &cadre,
            id,
            v,
            &ExceptionOccurrence {
                date: "2026-03-23".parse().unwrap(),
                annulee: false,
                debut: Some(t("2026-03-24T13:00:00Z")),
                fin: Some(t("2026-03-24T14:00:00Z")),
                motif: Some("Report demandé par la famille".into()),
            },
        )
        .await
        .unwrap();
        assert!(matches!(
            s.exception_evenement(
                &cadre,
                id,
                v,
                &ExceptionOccurrence {
                    date: "2026-03-17".parse().unwrap(),
                    annulee: true,
                    debut: None,
                    fin: None,
                    motif: None
                }
            )
            .await,
            Err(StoreError::StaleVersion) | Err(StoreError::Invalid(_))
        ));
        let educ = agenda(s, &m.educ, Action::Lire, t0()).await;
        let mut toutes = Vec::new();
        let mut de = t("2026-03-01T00:00:00Z");
        for _ in 0..10 {
            let a = de + Duration::days(7);
            let vue = s
                .agenda(&educ, QuelAgenda::Utilisateur(m.educ.id), de, a)
                .await
                .unwrap();
            toutes.extend(vue.occurrences);
            de = a;
        }
        // Eight Mondays, one cancelled: seven occurrences, one moved.
        assert_eq!(toutes.len(), 7, "{engine}: {toutes:?}");
        for o in &toutes {
            let l = local_paris(o.debut);
            if o.deplacee {
                assert_eq!(l.to_string(), "2026-03-24 14:00:00");
            } else {
                assert_eq!(l.time().to_string(), "10:00:00", "{engine}: {o:?}");
            }
        }
        // Before the change 09:00 UTC, after it 08:00 UTC.
        assert!(toutes.iter().any(|o| o.debut == t("2026-03-09T09:00:00Z")));
        assert!(toutes.iter().any(|o| o.debut == t("2026-03-30T08:00:00Z")));
        assert!(toutes
            .iter()
            .all(|o| o.date != "2026-03-16".parse().unwrap()));
        // The moved occurrence keeps its motive; the cancelled one none.
        let e = s.evenement(&educ, id).await.unwrap();
        let report = e.exception("2026-03-23".parse().unwrap()).unwrap();
        assert_eq!(
            report.motif.as_deref(),
            Some("Report demandé par la famille"),
            "{engine}"
        );
        assert_eq!(
            e.exception("2026-03-16".parse().unwrap()).unwrap().motif,
            None
        );
        // Its change as a page takes it: the same event, the organiser added back by the store.
        let saisie = e.saisie();
        assert_eq!(saisie.rrule, e.rrule);
        assert_eq!(saisie.participants.len(), e.participants.len());
        // The room's agenda shows the same series; a window too long is refused.
        let salle_vue = s
            .agenda(
                &educ,
                QuelAgenda::Ressource(salle),
                t("2026-03-28T00:00:00Z"),
                t("2026-04-04T00:00:00Z"),
            )
            .await
            .unwrap();
        assert_eq!(salle_vue.occurrences.len(), 1);
        assert!(matches!(
            s.agenda(&educ, QuelAgenda::Ressource(salle), t("2026-03-01T00:00:00Z"), t("2026-06-01T00:00:00Z")).await,
            Err(StoreError::Invalid(m)) if m.contains("62 jours")
        ));
        // Only the cadre or the direction adds rooms.
        let educ_w = agenda(s, &m.educ, Action::Ecrire, t0()).await;
        assert!(matches!(
            s.creer_ressource(
                &educ_w,
                &RessourceInput {
                    etablissement_id: m.a,
                    type_ressource: TypeRessource::Vehicule,
                    nom: "Kangoo".into()
                }
            )
            .await,
            Err(StoreError::Denied(_))
        ));
        m.db.cleanup().await;
    }
}

#[tokio::test]
async fn a_subscription_is_revocable_and_its_calendar_is_minimised() {
    for engine in engines() {
        let m = monde(engine).await;
        let s = &m.db.store;
        let cadre = agenda(s, &m.cadre, Action::Ecrire, t0()).await;
        s.creer_evenement(&cadre, &synthese(m.a, vec![personne(m.usager)]))
            .await
            .unwrap();
        let jeton = s.creer_abonnement(&cadre).await.unwrap();
        assert_eq!(s.abonne(&jeton).await.unwrap(), Some(m.cadre.id));
        let ics = s.calendrier_ics(&cadre).await.unwrap();
        assert_eq!(ics.len(), 1, "{engine}");
        assert_eq!(
            ics[0].titre,
            format!("Réunion de synthèse — M. J. (U{:07})", m.usager)
        );
        assert!(!ics[0].titre.contains("MARTIN"));
        let nouveau = s.creer_abonnement(&cadre).await.unwrap();
        assert_eq!(s.abonne(&jeton).await.unwrap(), None);
        s.revoquer_abonnement(&cadre).await.unwrap();
        assert_eq!(s.abonne(&nouveau).await.unwrap(), None);
        assert_eq!(audit_by_action(s, "agenda.abonnement").await.len(), 3);
        m.db.cleanup().await;
    }
}

#[tokio::test]
async fn exchanges_are_appended_and_corrected_in_the_file() {
    for engine in engines() {
        let m = monde(engine).await;
        let s = &m.db.store;
        let c = check(
            s,
            &m.educ,
            m.usager,
            Section::Accompagnement,
            Action::Ecrire,
            t0(),
        )
        .await
        .unwrap();
        let mut e = EchangeInput {
            date_echange: t0() - Duration::hours(2),
            type_echange: TypeEchange::Appel,
            sens: SensEchange::Entrant,
            interlocuteur: "Mme MARTIN Sophie, fille".into(),
            objet: "Visite de dimanche".into(),
            resume: "Viendra dimanche avec les petits-enfants.".into(),
            corrige_id: None,
        };
        let id = s.ajouter_echange(&c, &e).await.unwrap();
        e.resume = "Viendra samedi, pas dimanche.".into();
        e.corrige_id = Some(id);
        s.ajouter_echange(&c, &e).await.unwrap();
        let v = s.echanges(&c).await.unwrap();
        assert_eq!(v.len(), 2, "{engine}");
        assert!(v.iter().any(|x| x.id == id && x.corrige));
        e.date_echange = t0() + Duration::days(1);
        assert!(
            matches!(s.ajouter_echange(&c, &e).await, Err(StoreError::Invalid(m)) if m.contains("future"))
        );
        e.date_echange = t0();
        e.resume = " ".into();
        assert!(s.ajouter_echange(&c, &e).await.is_err());
        assert!(check(
            s,
            &m.educ_b,
            m.usager,
            Section::Accompagnement,
            Action::Lire,
            t0()
        )
        .await
        .is_err());
        assert_eq!(audit_by_action(s, "usager.echange.ajout").await.len(), 2);
        m.db.cleanup().await;
    }
}

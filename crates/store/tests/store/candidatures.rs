//! Applications (ADM-1) and the first interview (ADM-2): the flow applied by the store
//! (forbidden transitions refused, a refusal's motive, stale versions refused and never
//! applied twice), the scope of the target établissements (B's applications invisible from
//! A, written only for one's own), the waiting list's filters and keyset pages, the interview
//! planned in a professional's agenda, the link to a file, and the audit of each.

use chrono::{Duration, NaiveDate};
use dui_domain::candidature::{OrigineCandidature, Priorite, StatutCandidature};
use dui_domain::policy::{Action, Refus, Role};
use dui_domain::sejour::TypeAccompagnement;
use dui_domain::usager::Sexe;
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::page::Page;
use dui_store::policy::{authorize_candidatures, load_matrix, CapaciteCandidatures};
use dui_store::testing::engines;
use dui_store::usager::{CandidatureInput, FiltreCandidatures, NouveauRendezVous, Piece};
use dui_store::{Store, StoreError};

use crate::common::{
    audit_by_action, cap, create_usager, create_user, ident, principal, refus, seed_org, t0,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn candidature(etabs: &[i64], nom: &str, naissance: &str, p: Priorite) -> CandidatureInput {
    CandidatureInput {
        etablissements: etabs.to_vec(),
        nom_naissance: nom.into(),
        prenoms: "Jeanne Marie".into(),
        date_naissance: d(naissance),
        sexe: Sexe::F,
        telephone: Some("04 78 00 00 00".into()),
        origine: OrigineCandidature::Mdph,
        numero_decision: Some("CDAPH-2026-1234".into()),
        date_decision: Some(d("2026-09-01")),
        fin_decision: Some(d("2031-08-31")),
        orientation: Some(TypeAccompagnement::HebergementPermanent),
        priorite: p,
        criteres: Some("Retour à domicile impossible.".into()),
        pieces: vec![Piece {
            libelle: "Notification MDPH".into(),
            recue_le: Some(d("2026-11-02")),
        }],
        date_reception: d("2026-11-02"),
    }
}

async fn capa(s: &Store, u: &Utilisateur, action: Action) -> StoreResult2<CapaciteCandidatures> {
    let m = load_matrix(s).await.unwrap();
    authorize_candidatures(s, &m, &principal(u), action, t0()).await
}

type StoreResult2<T> = Result<T, StoreError>;

async fn ids_de(s: &Store, c: &CapaciteCandidatures, g: FiltreCandidatures) -> Vec<i64> {
    s.liste_candidatures(c, &g, Page::first(50))
        .await
        .unwrap()
        .0
        .iter()
        .map(|x| x.id)
        .collect()
}

#[tokio::test]
async fn the_flow_is_applied_and_stale_changes_refused() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secr.a", Role::Secretariat, &[org.a]).await;
        let cadre = create_user(s, "cadre.a", Role::Cadre, &[org.a]).await;
        let c = capa(s, &secr, Action::Ecrire).await.unwrap();
        let id = s
            .creer_candidature(
                &c,
                &candidature(&[org.a, org.b], "MARTIN", "1941-05-03", Priorite::Normale),
                None,
            )
            .await
            .unwrap();
        let got = s.candidature(&c, id).await.unwrap().unwrap();
        assert_eq!(got.statut, StatutCandidature::Recue, "{engine}");
        let mut cibles = got.fields.etablissements.clone();
        cibles.sort_unstable();
        assert_eq!(cibles, vec![org.a, org.b], "{engine}");
        assert_eq!(got.etablissements_noms.len(), 2, "{engine}");
        assert_eq!(got.fields.pieces.len(), 1);
        // Forbidden: straight to accepted, and a refusal without motive.
        match s
            .changer_statut_candidature(&c, id, 1, StatutCandidature::Acceptee, None)
            .await
        {
            Err(StoreError::Invalid(m)) => assert!(m.contains("ne peut pas passer"), "{m}"),
            other => panic!("{engine}: {other:?}"),
        }
        match s
            .changer_statut_candidature(&c, id, 1, StatutCandidature::Refusee, Some(" "))
            .await
        {
            Err(StoreError::Invalid(m)) => assert!(m.contains("motif"), "{m}"),
            other => panic!("{engine}: {other:?}"),
        }
        let v = s
            .changer_statut_candidature(&c, id, 1, StatutCandidature::AEtude, None)
            .await
            .unwrap();
        assert_eq!(v, 2);
        // The same change sent again with the old version: refused, not applied twice.
        assert!(matches!(
            s.changer_statut_candidature(&c, id, 1, StatutCandidature::AEtude, None)
                .await,
            Err(StoreError::StaleVersion)
        ));
        // The interview status only comes with an appointment.
        assert!(matches!(
            s.changer_statut_candidature(&c, id, 2, StatutCandidature::EntretienPlanifie, None)
                .await,
            Err(StoreError::Invalid(_))
        ));
        let debut = t0() + Duration::days(2);
        let rdv = NouveauRendezVous {
            utilisateur_id: cadre.id,
            debut,
            fin: debut + Duration::hours(1),
            lieu: Some("Bureau de la cadre".into()),
            objet: None,
        };
        // A professional outside the application's établissements is refused.
        let autre = create_user(s, "cadre.x", Role::Cadre, &[]).await;
        assert!(matches!(
            s.planifier_entretien(
                &c,
                id,
                2,
                &NouveauRendezVous {
                    utilisateur_id: autre.id,
                    ..rdv.clone()
                }
            )
            .await,
            Err(StoreError::Invalid(_))
        ));
        let (rid, v) = s.planifier_entretien(&c, id, 2, &rdv).await.unwrap();
        assert_eq!(v, 3);
        assert!(matches!(
            s.planifier_entretien(&c, id, 2, &rdv).await,
            Err(StoreError::StaleVersion)
        ));
        let liste = s.rendez_vous_candidature(&c, id).await.unwrap();
        assert_eq!(liste.len(), 1, "{engine}: planned once");
        assert_eq!(liste[0].id, rid);
        assert!(
            liste[0].objet.contains("Jeanne MARTIN"),
            "{}",
            liste[0].objet
        );
        // In the cadre's agenda.
        let cc = capa(s, &cadre, Action::Lire).await.unwrap();
        let mes = s
            .mes_rendez_vous(&cc, t0(), t0() + Duration::days(7), 10)
            .await
            .unwrap();
        assert_eq!(mes.iter().map(|r| r.id).collect::<Vec<_>>(), vec![rid]);
        assert_eq!(audit_by_action(s, "agenda.lecture").await.len(), 1);
        s.changer_statut_candidature(&c, id, 3, StatutCandidature::Refusee, Some("Hors agrément"))
            .await
            .unwrap();
        // Closed: nothing moves any more.
        match s
            .changer_statut_candidature(&c, id, 4, StatutCandidature::AEtude, None)
            .await
        {
            Err(StoreError::Invalid(m)) => assert!(m.contains("close"), "{m}"),
            other => panic!("{engine}: {other:?}"),
        }
        let h = s.historique_candidature(&c, id).await.unwrap();
        let vers: Vec<_> = h.iter().map(|x| x.vers).collect();
        assert_eq!(
            vers,
            vec![
                StatutCandidature::Recue,
                StatutCandidature::AEtude,
                StatutCandidature::EntretienPlanifie,
                StatutCandidature::Refusee
            ],
            "{engine}"
        );
        assert_eq!(h[3].motif.as_deref(), Some("Hors agrément"));
        assert_eq!(audit_by_action(s, "candidature.statut").await.len(), 2);
        assert_eq!(audit_by_action(s, "candidature.entretien").await.len(), 1);
        let creation = audit_by_action(s, "candidature.creation").await;
        assert_eq!(creation.len(), 1);
        assert_eq!(creation[0].usager_id, None);
    }
}

#[tokio::test]
async fn applications_of_b_are_invisible_from_a() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr_a = create_user(s, "secr.a", Role::Secretariat, &[org.a]).await;
        let secr_b = create_user(s, "secr.b", Role::Secretariat, &[org.b]).await;
        let edu_a = create_user(s, "edu.a", Role::Educateur, &[org.a]).await;
        let domicile = create_user(s, "dom.a", Role::IntervenantDomicile, &[org.a]).await;
        let cb = capa(s, &secr_b, Action::Ecrire).await.unwrap();
        let ca = capa(s, &secr_a, Action::Ecrire).await.unwrap();
        let de_b = s
            .creer_candidature(
                &cb,
                &candidature(&[org.b], "BERNARD", "1938-01-01", Priorite::Haute),
                None,
            )
            .await
            .unwrap();
        // A secretary of A cannot record an application for B alone.
        assert_eq!(
            refus(
                s.creer_candidature(
                    &ca,
                    &candidature(&[org.b], "X", "1938-01-01", Priorite::Haute),
                    None
                )
                .await
            ),
            Refus::HorsPerimetre
        );
        assert!(
            s.candidature(&ca, de_b).await.unwrap().is_none(),
            "{engine}"
        );
        assert!(matches!(
            s.changer_statut_candidature(&ca, de_b, 1, StatutCandidature::AEtude, None)
                .await,
            Err(StoreError::NotFound)
        ));
        let (liste, _) = s
            .liste_candidatures(&ca, &FiltreCandidatures::default(), Page::first(50))
            .await
            .unwrap();
        assert!(liste.is_empty(), "{engine}");
        // An educator reads A's applications but does not write them.
        let ce = capa(s, &edu_a, Action::Lire).await.unwrap();
        assert_eq!(
            refus(
                s.creer_candidature(
                    &ce,
                    &candidature(&[org.a], "Y", "1938-01-01", Priorite::Haute),
                    None
                )
                .await
            ),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(capa(s, &edu_a, Action::Ecrire).await),
            Refus::NonPermisParLeRole
        );
        assert_eq!(
            refus(capa(s, &domicile, Action::Lire).await),
            Refus::NonPermisParLeRole
        );
        // The refusals are audited.
        assert!(
            !audit_by_action(s, "usager.ecrire").await.is_empty(),
            "{engine}"
        );
        // Aimed at A and B: both see it.
        let ab = s
            .creer_candidature(
                &cb,
                &candidature(&[org.a, org.b], "COMMUN", "1938-01-01", Priorite::Haute),
                None,
            )
            .await
            .unwrap();
        assert!(s.candidature(&ca, ab).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn the_waiting_list_filters_and_pages() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secr.ab", Role::Secretariat, &[org.a, org.b]).await;
        let c = capa(s, &secr, Action::Ecrire).await.unwrap();
        let mut ids = Vec::new();
        for (i, (p, naissance, etab)) in [
            (Priorite::Normale, "1940-01-01", org.a),
            (Priorite::Urgente, "1990-06-01", org.b),
            (Priorite::Haute, "1935-02-02", org.a),
            (Priorite::Normale, "1950-03-03", org.b),
            (Priorite::Urgente, "1945-04-04", org.a),
        ]
        .into_iter()
        .enumerate()
        {
            let mut x = candidature(&[etab], &format!("NOM{i}"), naissance, p);
            x.date_reception = d("2026-10-01") + Duration::days(i as i64);
            if i == 3 {
                x.orientation = Some(TypeAccompagnement::AccueilJour);
            }
            ids.push(s.creer_candidature(&c, &x, None).await.unwrap());
        }
        let f = FiltreCandidatures {
            jour: Some(d("2026-12-06")),
            ..FiltreCandidatures::default()
        };
        // Urgent first, then by date received; two pages of two and one.
        let mut vus = Vec::new();
        let mut page = Page::first(2);
        loop {
            let (items, next) = s.liste_candidatures(&c, &f, page).await.unwrap();
            vus.extend(items.iter().map(|x| x.id));
            match next {
                Some(n) => {
                    page = Page {
                        after: Some(n),
                        limit: 2,
                    }
                }
                None => break,
            }
        }
        assert_eq!(
            vus,
            vec![ids[1], ids[4], ids[2], ids[0], ids[3]],
            "{engine}"
        );
        let filtre = |g: FiltreCandidatures| ids_de(s, &c, g);
        let base = || f.clone();
        assert_eq!(
            filtre(FiltreCandidatures {
                etablissement: Some(org.b),
                ..base()
            })
            .await,
            vec![ids[1], ids[3]]
        );
        assert_eq!(
            filtre(FiltreCandidatures {
                age_min: Some(86),
                ..base()
            })
            .await,
            vec![ids[2], ids[0]],
            "{engine}: born 1940-01-01 is 86"
        );
        assert_eq!(
            filtre(FiltreCandidatures {
                age_max: Some(40),
                ..base()
            })
            .await,
            vec![ids[1]]
        );
        assert_eq!(
            filtre(FiltreCandidatures {
                orientation: Some(TypeAccompagnement::AccueilJour),
                ..base()
            })
            .await,
            vec![ids[3]]
        );
        assert_eq!(
            filtre(FiltreCandidatures {
                domaine: Some(dui_domain::organisation::Domaine::Ph),
                ..base()
            })
            .await,
            Vec::<i64>::new()
        );
        // Status: the refused leave the list of those in progress.
        s.changer_statut_candidature(&c, ids[3], 1, StatutCandidature::Refusee, Some("Complet"))
            .await
            .unwrap();
        assert_eq!(filtre(base()).await.len(), 4);
        assert_eq!(
            filtre(FiltreCandidatures {
                statut: Some(StatutCandidature::Refusee),
                ..base()
            })
            .await,
            vec![ids[3]]
        );
        assert_eq!(
            filtre(FiltreCandidatures {
                gir: Some(2),
                ..base()
            })
            .await,
            Vec::<i64>::new()
        );
        let lectures = audit_by_action(s, "candidature.lecture").await;
        assert!(!lectures.is_empty(), "{engine}: the list is audited");
    }
}

#[tokio::test]
async fn an_application_is_linked_to_a_file_once() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secr.a", Role::Secretariat, &[org.a]).await;
        let c = capa(s, &secr, Action::Ecrire).await.unwrap();
        let id = s
            .creer_candidature(
                &c,
                &candidature(&[org.a], "PETIT", "1939-07-07", Priorite::Normale),
                None,
            )
            .await
            .unwrap();
        let got = s.candidature(&c, id).await.unwrap().unwrap();
        let n = got.nouvel_usager(d("2026-12-07"));
        assert_eq!(n.identite.prenoms_naissance, vec!["Jeanne", "Marie"]);
        let u1 = create_usager(
            s,
            &secr,
            &ident("PETIT", &["Jeanne"], "1939-07-07", "F"),
            org.a,
        )
        .await;
        let u2 = create_usager(
            s,
            &secr,
            &ident("GRAND", &["Anne"], "1939-07-07", "F"),
            org.a,
        )
        .await;
        let v = s
            .rattacher_candidature(&c, id, 1, &cap(s, &secr, u1, Action::Lire).await)
            .await
            .unwrap();
        assert_eq!(
            s.candidature(&c, id).await.unwrap().unwrap().usager_id,
            Some(u1)
        );
        assert!(matches!(
            s.rattacher_candidature(&c, id, v, &cap(s, &secr, u2, Action::Lire).await)
                .await,
            Err(StoreError::Conflict(_))
        ));
        // Recorded for an existing file directly.
        let id2 = s
            .creer_candidature(
                &c,
                &candidature(&[org.a], "GRAND", "1939-07-07", Priorite::Normale),
                Some(&cap(s, &secr, u2, Action::Lire).await),
            )
            .await
            .unwrap();
        assert_eq!(
            s.candidature(&c, id2).await.unwrap().unwrap().usager_id,
            Some(u2),
            "{engine}"
        );
        assert_eq!(audit_by_action(s, "candidature.dossier").await.len(), 1);
    }
}

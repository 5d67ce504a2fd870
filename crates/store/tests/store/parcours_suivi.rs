//! Benefits (GA-3) and freedom-of-movement measures (GA-2): alert dates and delays per kind,
//! overdue reviews, the alerts of a home page within its scope across établissements. The
//! discharges (GA-5) and their follow-up tasks are in `sorties.rs`.

use dui_domain::mesure::{Consentement, DecisionRevision, NatureMesure};
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::prestation::TypePrestation;
use dui_domain::sejour::TypeAccompagnement;
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{MesureInput, PrestationInput, RevisionInput};
use dui_store::StoreError;

use crate::common::{
    admin, audit_by_action, cap, check, create_usager, create_user, ident, principal, recherche,
    refus, seed_org, t0, Org,
};
use crate::sejours::{admission, d};

/// An organisation with two établissements and the accounts of the path's tests.
pub(crate) struct World {
    pub db: TestDb,
    pub org: Org,
    pub secr_a: Utilisateur,
    pub secr_b: Utilisateur,
    pub cadre_a: Utilisateur,
    pub educ_a: Utilisateur,
    pub educ_a2: Utilisateur,
}

pub(crate) async fn world(engine: &str) -> World {
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
            .alertes_parcours(&cap_r, &m, today, t0())
            .await
            .unwrap()
            .droits;
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
            .alertes_parcours(&cap_r, &m, today, t0())
            .await
            .unwrap()
            .droits;
        assert_eq!(
            a.iter().map(|x| x.libelle.as_str()).collect::<Vec<_>>(),
            vec![TypePrestation::Css.label_fr()],
            "{engine}"
        );
        // Expired the day after its end.
        let a = s
            .alertes_parcours(&cap_r, &m, d("2026-06-01"), t0())
            .await
            .unwrap()
            .droits;
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
            .alertes_parcours(&cap_r, &m, d("2026-06-01"), t0())
            .await
            .unwrap()
            .droits;
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
                    noms(
                        &s.alertes_parcours(&r, &m, today, t0())
                            .await
                            .unwrap()
                            .droits,
                    ),
                    noms(
                        &s.alertes_parcours(&r, &m, today, t0())
                            .await
                            .unwrap()
                            .mesures,
                    ),
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
            s.alertes_parcours(&r, &m, d("2026-03-01"), t0())
                .await
                .unwrap()
                .mesures
                .is_empty(),
            "{engine}"
        );
        let retard = s
            .alertes_parcours(&r, &m, d("2026-03-02"), t0())
            .await
            .unwrap()
            .mesures;
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
            s.alertes_parcours(&r, &m, d("2026-03-02"), t0())
                .await
                .unwrap()
                .mesures
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
            .alertes_parcours(&r, &m, d("2027-01-01"), t0())
            .await
            .unwrap()
            .mesures
            .is_empty());
    }
}

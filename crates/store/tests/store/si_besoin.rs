//! « Si besoin » (PRN) medicines on the medication round (issue 12): listed with the doses
//! given in the last 24 hours, given at any time with a reason, refused over the prescribed
//! maximum; a maximum is for « si besoin » medicines only.

use chrono::{Duration, NaiveTime};
use dui_domain::policy::Action;
use dui_domain::prescription::StatutAdministration;
use dui_store::testing::engines;
use dui_store::usager::{Administration, PrescriptionInput, TermesPrescription};
use dui_store::StoreError;

use crate::plan_prescriptions::{now, paracetamol, soins, unite, world};
use crate::sejours::d;

fn si_besoin(max: Option<i64>) -> PrescriptionInput {
    let p = paracetamol();
    PrescriptionInput {
        termes: TermesPrescription {
            libelle: "Paracétamol 1 g (si douleur)".into(),
            horaires: String::new(),
            si_besoin: true,
            max_par_24h: max,
            ..p.termes
        },
        ..p
    }
}

#[tokio::test]
async fn si_besoin_doses_are_listed_on_the_round_and_refused_over_their_maximum() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let ide = soins(s, &w.infirmier, w.usager, Action::Valider)
            .await
            .unwrap();
        // A maximum is prescribed for a « si besoin » medicine only, from 1 to 24.
        let mut fixe = paracetamol();
        fixe.termes.max_par_24h = Some(3);
        assert!(
            matches!(s.prescrire(&ide, &fixe).await, Err(StoreError::Invalid(m)) if m.contains("si besoin")),
            "{engine}"
        );
        assert!(matches!(
            s.prescrire(&ide, &si_besoin(Some(0))).await,
            Err(StoreError::Invalid(_))
        ));
        let prn = s.prescrire(&ide, &si_besoin(Some(2))).await.unwrap();
        let libre = s.prescrire(&ide, &si_besoin(None)).await.unwrap();

        // The round lists them apart from the doses due at its time.
        let lire = unite(s, &w.aide, w.etab, Action::Lire).await.unwrap();
        let huit = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let t = s
            .tour_medicaments(&lire, None, d("2026-03-02"), huit)
            .await
            .unwrap();
        assert!(t.doses.is_empty(), "{engine}");
        let ids: Vec<i64> = t.si_besoin.iter().map(|l| l.prescription_id).collect();
        assert_eq!(ids, [prn, libre], "{engine}");
        assert_eq!(t.si_besoin[0].max_par_24h, Some(2));
        assert_eq!(t.si_besoin[0].donnees_24h, 0);
        assert!(!t.si_besoin[0].max_atteint);

        let donner = unite(s, &w.infirmier, w.etab, Action::Valider)
            .await
            .unwrap();
        let dose = |p, motif: Option<&str>, minutes: i64| Administration {
            cible: p,
            prevu_a: now() - Duration::minutes(minutes),
            statut: StatutAdministration::Donne,
            motif: motif.map(String::from),
        };
        // Given at any time, with its reason.
        let sans = s.administrer(&donner, &[dose(prn, None, 30)]).await;
        assert!(
            matches!(&sans, Err(StoreError::Invalid(m)) if m.contains("pourquoi")),
            "{engine}: {sans:?}"
        );
        for minutes in [25 * 60, 30, 10] {
            s.administrer(&donner, &[dose(prn, Some("Douleur 6/10"), minutes)])
                .await
                .unwrap();
        }
        // Two in the last 24 hours (the one of yesterday morning is older): the third is
        // refused in French, alone or in a batch (nothing of the batch is kept).
        let trop = s
            .administrer(&donner, &[dose(prn, Some("Douleur 7/10"), 0)])
            .await;
        assert!(
            matches!(&trop, Err(StoreError::Invalid(m)) if m.contains("maximum prescrit est de 2")),
            "{engine}: {trop:?}"
        );
        let lot = s
            .administrer(
                &donner,
                &[
                    dose(libre, Some("Douleur"), 5),
                    dose(prn, Some("Douleur"), 1),
                ],
            )
            .await;
        assert!(matches!(lot, Err(StoreError::Invalid(_))), "{engine}");
        // No maximum: as many as needed.
        for minutes in [20, 15, 5] {
            s.administrer(&donner, &[dose(libre, Some("Douleur"), minutes)])
                .await
                .unwrap();
        }
        let t = s
            .tour_medicaments(&lire, None, d("2026-03-02"), huit)
            .await
            .unwrap();
        let l = &t.si_besoin[0];
        assert_eq!((l.donnees_24h, l.max_atteint), (2, true), "{engine}");
        assert_eq!(
            l.derniere.as_deref(),
            Some(dui_store::ts(now() - Duration::minutes(10)).as_str())
        );
        assert_eq!(
            (t.si_besoin[1].donnees_24h, t.si_besoin[1].max_atteint),
            (3, false)
        );
        // A care aide does not give them.
        assert!(unite(s, &w.aide, w.etab, Action::Valider).await.is_err());
        w.db.cleanup().await;
    }
}

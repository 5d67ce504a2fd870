//! Vital signs read for the file's header (issue 12): the latest measure of each kind in one
//! statement, and the alerts in force (the latest measure of a kind over its threshold,
//! recent enough; a later measure within the thresholds ends it).

use chrono::Duration;
use dui_domain::constantes::{Alerte, TypeMesure};
use dui_domain::policy::Action;
use dui_store::testing::engines;
use dui_store::usager::ConstanteInput;

use crate::plan_prescriptions::{now, soins, world};

fn mesure(t: TypeMesure, valeur: f64, heures: i64) -> ConstanteInput {
    ConstanteInput {
        type_mesure: t,
        valeur,
        valeur2: None,
        mesure_a: now() - Duration::hours(heures),
        commentaire: None,
    }
}

#[tokio::test]
async fn the_header_shows_the_latest_measure_of_each_kind_over_its_threshold() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let ecrire = soins(s, &w.aide, w.usager, Action::Ecrire).await.unwrap();
        for m in [
            mesure(TypeMesure::Temperature, 39.2, 5),
            mesure(TypeMesure::Temperature, 38.6, 2),
            mesure(TypeMesure::Pouls, 80.0, 1),
            // Low, but three days ago.
            mesure(TypeMesure::Spo2, 89.0, 72),
        ] {
            s.ajouter_constante(&ecrire, &m).await.unwrap();
        }
        let lire = soins(s, &w.infirmier, w.usager, Action::Lire)
            .await
            .unwrap();
        let dernieres = s.dernieres_constantes(&lire).await.unwrap();
        let vues: Vec<(TypeMesure, f64)> = dernieres
            .iter()
            .map(|c| (c.type_mesure, c.valeur))
            .collect();
        assert_eq!(
            vues,
            [
                (TypeMesure::Temperature, 38.6),
                (TypeMesure::Pouls, 80.0),
                (TypeMesure::Spo2, 89.0)
            ],
            "{engine}"
        );
        let depuis = now() - Duration::hours(48);
        let alertes = s.alertes_constantes_en_cours(&lire, depuis).await.unwrap();
        let vues: Vec<(TypeMesure, Option<Alerte>)> =
            alertes.iter().map(|c| (c.type_mesure, c.alerte)).collect();
        assert_eq!(
            vues,
            [(TypeMesure::Temperature, Some(Alerte::Haute))],
            "{engine}"
        );
        // Back within the thresholds: the alert ends.
        s.ajouter_constante(&ecrire, &mesure(TypeMesure::Temperature, 37.0, 0))
            .await
            .unwrap();
        assert!(s
            .alertes_constantes_en_cours(&lire, depuis)
            .await
            .unwrap()
            .is_empty());
        // Nothing is read without the care section.
        let educ = crate::common::create_user(
            s,
            "educ.constantes",
            dui_domain::policy::Role::Educateur,
            &[w.etab],
        )
        .await;
        assert!(soins(s, &educ, w.usager, Action::Lire).await.is_err());
        w.db.cleanup().await;
    }
}

//! Custom grids stored by administrators, on every engine: a version is stored once (a second
//! time is a conflict, whatever its content), read back as it was, counted, audited with its
//! id and version only.

use dui_domain::grille::definition::Definition;
use dui_store::testing::{engines, TestDb};
use dui_store::StoreError;

use crate::common::{admin, at, audit_by_action};

fn grille(version: &str, titre: &str) -> Definition {
    Definition::depuis_json(&format!(
        r#"{{"id": "douleur", "version": "{version}", "titre": "{titre}",
            "questions": [{{"id": "eva", "libelle": "EVA", "type": "nombre", "min": 0, "max": 10}}]}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn a_grid_version_is_stored_once_read_back_whole_and_audited() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        assert_eq!(s.nombre_grilles().await.unwrap(), 0);
        s.ajouter_grille(&admin(), &grille("1", "Douleur"), at(1))
            .await
            .unwrap();
        let r = s
            .ajouter_grille(&admin(), &grille("1", "Autre titre"), at(2))
            .await;
        assert!(
            matches!(r, Err(StoreError::Conflict(ref m)) if m.contains("nouvelle version")),
            "{engine}: {r:?}"
        );
        s.ajouter_grille(&admin(), &grille("2", "Douleur (EVA)"), at(3))
            .await
            .unwrap();
        assert_eq!(s.nombre_grilles().await.unwrap(), 2);
        let d = s.definitions_grilles().await.unwrap();
        assert_eq!(
            d,
            vec![grille("1", "Douleur"), grille("2", "Douleur (EVA)")],
            "{engine}"
        );
        let l = s.grilles_ajoutees().await.unwrap();
        assert_eq!(
            l.iter()
                .map(|g| (g.version.as_str(), g.titre.as_str()))
                .collect::<Vec<_>>(),
            [("1", "Douleur"), ("2", "Douleur (EVA)")]
        );
        let e = audit_by_action(s, "admin.grille.ajout").await;
        assert_eq!(e.len(), 2, "{engine}");
        assert!(
            e[0].detail.contains("\"grille\":\"douleur\""),
            "{}",
            e[0].detail
        );
        // A definition that breaks a rule is never stored.
        let mut bad = grille("3", "Mauvaise");
        bad.questions[0].id = "É".into();
        assert!(matches!(
            s.ajouter_grille(&admin(), &bad, at(4)).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(s.nombre_grilles().await.unwrap(), 2);
        db.cleanup().await;
    }
}

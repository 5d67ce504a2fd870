//! INSi paths of the store: the installation's `Instance` kept across a restart, and one INS
//! on one live file whatever the path (the unique partial index of migration 0012).

use super::*;
use dui_domain::usager::{Attributs, StatutIdentite};
use dui_store::usager::INS_DEJA_ATTRIBUEE;

#[tokio::test]
async fn instance_is_stable_across_a_restart() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let first = db.store.instance_insi().await.unwrap();
        assert_eq!(first.len(), 36, "{engine}: {first}");
        assert_eq!(&first[14..15], "4", "{first}");
        assert_eq!(db.store.instance_insi().await.unwrap(), first);
        // Another process on the same database (a restart): the same identifier.
        let reopened = dui_store::Store::open(&db.url).await.unwrap();
        assert_eq!(reopened.instance_insi().await.unwrap(), first, "{engine}");
        // Two starts at once agree too.
        let (a, b) = tokio::join!(reopened.instance_insi(), db.store.instance_insi());
        assert_eq!((a.unwrap(), b.unwrap()), (first.clone(), first));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_ins_held_by_a_live_file_is_refused_on_the_status_path() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let dupont = ident("DUPONT", &["Hélène", "Marie"], "1979-03-12", "F");
        let a = create_usager(s, &w.secr_a, &dupont, w.org.a).await;
        let b = create_usager(
            s,
            &w.secr_a,
            &ident("DURAND", &["Paul"], "1950-02-03", "M"),
            w.org.a,
        )
        .await;
        let recup = StatutChange {
            statut: StatutIdentite::Recuperee,
            attributs: Attributs::AUCUN,
            ins: Some(Some((INS_DUPONT.into(), OID_TEST.into()))),
            justificatif: None,
            ins_interroge: true,
        };
        let cap_a = cap(s, &w.secr_a, a, Action::Valider).await;
        s.set_statut_identite(&cap_a, 1, &recup, serde_json::json!({}))
            .await
            .unwrap();
        let cap_b = cap(s, &w.secr_a, b, Action::Valider).await;
        let err = s
            .set_statut_identite(&cap_b, 1, &recup, serde_json::json!({}))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Conflict(m) if m == INS_DEJA_ATTRIBUEE),
            "{engine}: {err:?}"
        );
        // Nothing half-written: B unchanged, no status entry for it.
        let u = s.usager(&cap_b).await.unwrap().unwrap();
        assert_eq!((u.version, u.matricule_ins), (1, None), "{engine}");
        // The holder is found, in full for whom may open it.
        let m = load_matrix(s).await.unwrap();
        let who = crate::common::principal(&w.secr_a);
        let c = s
            .titulaire_ins(&cap_b, &who, &m, INS_DUPONT)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((c.id, c.visible, c.meme_ins), (a, true, true));
        assert!(s
            .titulaire_ins(&cap_a, &who, &m, INS_DUPONT)
            .await
            .unwrap()
            .is_none());
        w.db.cleanup().await;
    }
}

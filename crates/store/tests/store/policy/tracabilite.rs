//! The file's audit (*Traçabilité*): decided by the domain policy, enforced by the store.

use super::*;
use crate::common::cap;

#[tokio::test]
async fn the_file_audit_is_refused_and_audited_without_the_right() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;

        // An éducateur who reads the file but is not its referent: no audit, and the refusal
        // is recorded like any other.
        let c = cap(s, &w.educ_a, U_A, Action::Lire).await;
        assert!(!c.tracabilite(), "{engine}");
        assert_eq!(
            refus(s.usager_audit(&c, None, 10).await),
            Refus::TracabiliteReservee,
            "{engine}"
        );
        let last = audit_entries(s).await.last().cloned().unwrap();
        assert_eq!(
            (last.outcome.as_str(), last.usager_id, last.utilisateur_id),
            ("refus", Some(U_A), Some(w.educ_a.id)),
            "{engine}"
        );
        assert!(
            last.detail.contains("tracabilite_reservee"),
            "{}",
            last.detail
        );

        // The referent (an éducateur too) and the direction read it.
        for who in [&w.educ_b, &w.direction_b] {
            let c = cap(s, who, U_B, Action::Lire).await;
            assert!(c.tracabilite(), "{engine} {}", who.username);
            let entries = s.usager_audit(&c, None, 100).await.unwrap();
            assert!(entries.iter().all(|e| e.usager_id == Some(U_B)), "{engine}");
            assert!(!entries.is_empty(), "{engine}");
        }
    }
}

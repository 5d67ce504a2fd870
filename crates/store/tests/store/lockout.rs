//! Login attempts reserved before the password is checked: parallel attempts take five places
//! at most, a locked account none, and the lock ends on time.

use chrono::Duration;
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::{DUREE_VERROUILLAGE_MINUTES, MAX_ECHECS};
use dui_store::audit::Actor;
use dui_store::testing::{engines, TestDb};

use crate::common::{create_user, t0};

#[tokio::test]
async fn twenty_parallel_attempts_take_five_places_and_the_lock_ends_on_time() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let u = create_user(s, "bob", Role::Educateur, &[]).await;
        let now = t0();
        let tries = (0..20).map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.reserve_login_attempt(u.id, now).await.unwrap() })
        });
        let mut taken = Vec::new();
        for t in tries.collect::<Vec<_>>() {
            taken.extend(t.await.unwrap());
        }
        taken.sort_unstable();
        assert_eq!(taken, (1..=MAX_ECHECS).collect::<Vec<_>>(), "{engine}");

        // The five fail: the account is locked once, its count starts again.
        let actor = Actor {
            utilisateur_id: Some(u.id),
            username: "bob".into(),
            ip: None,
        };
        let mut locks = Vec::new();
        for _ in 0..MAX_ECHECS {
            locks.extend(
                s.record_reserved_login_failure(&actor, u.id, "mot_de_passe", now)
                    .await
                    .unwrap(),
            );
        }
        let until = now + Duration::minutes(DUREE_VERROUILLAGE_MINUTES);
        assert_eq!(locks, vec![until], "{engine}");
        let c = s.credentials("bob").await.unwrap().unwrap();
        assert_eq!(c.echecs, 0);
        // Locked: no place, until the end of the lock.
        assert_eq!(s.reserve_login_attempt(u.id, now).await.unwrap(), None);
        let before_end = until - Duration::seconds(1);
        assert_eq!(
            s.reserve_login_attempt(u.id, before_end).await.unwrap(),
            None
        );
        assert_eq!(s.reserve_login_attempt(u.id, until).await.unwrap(), Some(1));
        // An attempt that was not a failure gives its place back.
        s.release_login_attempt(u.id).await.unwrap();
        assert_eq!(s.credentials("bob").await.unwrap().unwrap().echecs, 0);
        db.cleanup().await;
    }
}

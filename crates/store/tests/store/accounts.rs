//! Accounts, login failures and lockout, sessions (idle and absolute expiry).

use chrono::Duration;
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::{
    check_password_strength, hash_password, verify_password, DUREE_VERROUILLAGE_MINUTES, MAX_ECHECS,
};
use dui_store::audit::Actor;
use dui_store::session::token_hash;
use dui_store::testing::{engines, TestDb};
use dui_store::Store;

use crate::common::{admin, at, audit_by_action, create_user, seed_org, t0, user_input};

fn actor_of(id: i64, username: &str) -> Actor {
    Actor {
        utilisateur_id: Some(id),
        username: username.into(),
        ip: Some("198.51.100.4".into()),
    }
}

#[tokio::test]
async fn accounts_with_etablissements_and_case_insensitive_names() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let hash = hash_password("Mot-de-passe-2026").unwrap();
        let mut input = user_input("Alice.Martin", Role::Infirmier, &[org.b, org.a]);
        input.email = Some("alice.martin@example.org".into());
        input.identifiant_pro = Some("10003456789".into());
        let id = s
            .create_utilisateur(&admin(), &input, &hash, true, t0())
            .await
            .unwrap();

        let u = s.utilisateur(id).await.unwrap().unwrap();
        assert_eq!(
            u.username, "alice.martin",
            "{engine}: names are stored lower-case"
        );
        assert_eq!(u.etablissements, vec![org.a.min(org.b), org.a.max(org.b)]);
        assert_eq!(u.role, Role::Infirmier);
        assert!(u.doit_changer_mdp && u.actif && !u.totp_actif);
        assert_eq!(u.email.as_deref(), Some("alice.martin@example.org"));
        assert_eq!(u.version, 1);

        for typed in ["alice.martin", "ALICE.MARTIN", "  Alice.Martin "] {
            let c = s
                .credentials(typed)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{engine}: {typed:?} introuvable"));
            assert_eq!(c.user.id, id);
            assert_eq!(c.echecs, 0);
            assert!(c.totp_secret.is_none());
            assert!(verify_password("Mot-de-passe-2026", &c.password_hash));
            assert!(!verify_password("mot-de-passe-2026", &c.password_hash));
        }
        assert!(s.credentials("alice").await.unwrap().is_none());
        assert!(s.utilisateur(999_999).await.unwrap().is_none());
        assert_eq!(s.utilisateurs().await.unwrap().len(), 1);

        // TOTP secret and password changes are kept (and audited).
        s.set_totp(
            &admin(),
            id,
            Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
            at(1),
        )
        .await
        .unwrap();
        let c = s.credentials("alice.martin").await.unwrap().unwrap();
        assert!(c.user.totp_actif);
        assert_eq!(
            c.totp_secret.as_deref(),
            Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        );
        s.set_password(
            &admin(),
            id,
            &hash_password("Nouveau-mdp-2026").unwrap(),
            false,
            at(2),
        )
        .await
        .unwrap();
        let c = s.credentials("alice.martin").await.unwrap().unwrap();
        assert!(!c.user.doit_changer_mdp);
        assert!(verify_password("Nouveau-mdp-2026", &c.password_hash));
        assert_eq!(audit_by_action(s, "compte.totp.activation").await.len(), 1);
        assert_eq!(audit_by_action(s, "compte.changement_mdp").await.len(), 1);
        db.cleanup().await;
    }
}

#[test]
fn password_strength_rules() {
    assert!(check_password_strength("Demo-DUI-2026!").is_ok());
    assert!(check_password_strength("court-A1")
        .unwrap_err()
        .contains("12 caractères"));
    assert!(check_password_strength("toutenminusculessansrien")
        .unwrap_err()
        .contains("trois types"));
    assert!(check_password_strength(&"Aa1-".repeat(65))
        .unwrap_err()
        .contains("256"));
}

#[tokio::test]
async fn five_failures_lock_the_account_and_a_session_resets_the_counter() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let u = create_user(s, "bob", Role::Educateur, &[]).await;
        let actor = actor_of(u.id, "bob");
        assert_eq!(MAX_ECHECS, 5);

        for i in 1..MAX_ECHECS {
            assert_eq!(
                s.record_login_failure(&actor, Some(u.id), "mot_de_passe", at(i))
                    .await
                    .unwrap(),
                None,
                "{engine}: échec {i}"
            );
            assert_eq!(s.credentials("bob").await.unwrap().unwrap().echecs, i);
        }
        let now = at(MAX_ECHECS);
        let until = s
            .record_login_failure(&actor, Some(u.id), "mot_de_passe", now)
            .await
            .unwrap()
            .expect("verrouillé au 5e échec");
        assert_eq!(until, now + Duration::minutes(DUREE_VERROUILLAGE_MINUTES));

        let c = s.credentials("bob").await.unwrap().unwrap();
        assert_eq!(Store::locked_until(&c.user, now).unwrap(), Some(until));
        assert_eq!(
            Store::locked_until(&c.user, until - Duration::seconds(1)).unwrap(),
            Some(until)
        );
        assert_eq!(Store::locked_until(&c.user, until).unwrap(), None);
        assert_eq!(
            Store::locked_until(&c.user, until + Duration::minutes(1)).unwrap(),
            None
        );

        let failures = audit_by_action(s, "connexion").await;
        assert_eq!(failures.len(), MAX_ECHECS as usize);
        assert!(failures
            .iter()
            .all(|e| e.outcome == "echec" && e.utilisateur_id == Some(u.id)));
        assert!(failures.last().unwrap().detail.contains("verrouillage"));

        // A failure for an unknown name is audited without touching any account.
        let unknown = Actor {
            utilisateur_id: None,
            username: "inconnu".into(),
            ip: None,
        };
        assert_eq!(
            s.record_login_failure(&unknown, None, "compte_inconnu", at(20))
                .await
                .unwrap(),
            None
        );

        // After the lock, a successful login clears the counter and the lock.
        s.record_login_failure(
            &actor,
            Some(u.id),
            "mot_de_passe",
            until + Duration::minutes(1),
        )
        .await
        .unwrap();
        s.record_login_failure(
            &actor,
            Some(u.id),
            "mot_de_passe",
            until + Duration::minutes(2),
        )
        .await
        .unwrap();
        assert_eq!(s.credentials("bob").await.unwrap().unwrap().echecs, 2);
        s.create_session(
            &actor,
            None,
            Duration::hours(12),
            serde_json::json!({}),
            until + Duration::minutes(3),
        )
        .await
        .unwrap();
        let c = s.credentials("bob").await.unwrap().unwrap();
        assert_eq!(c.echecs, 0, "{engine}");
        assert!(c.user.verrouille_jusqua.is_none());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_or_too_old() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let u = create_user(s, "carla", Role::Cadre, &[]).await;
        let actor = actor_of(u.id, "carla");
        let idle = Duration::minutes(30);

        // A live session is found; activity within the idle limit keeps it alive.
        let (token, csrf) = s
            .create_session(
                &actor,
                Some("Firefox"),
                Duration::hours(12),
                serde_json::json!({"totp": false}),
                t0(),
            )
            .await
            .unwrap();
        assert_eq!(token.len(), 64);
        assert_ne!(token, csrf);
        let live = s
            .session(&token, idle, at(10))
            .await
            .unwrap()
            .expect("session vivante");
        assert_eq!(
            (
                live.utilisateur_id,
                live.csrf.as_str(),
                live.token_hash.as_str()
            ),
            (u.id, csrf.as_str(), token_hash(&token).as_str())
        );
        assert!(
            s.session(&token, idle, at(39)).await.unwrap().is_some(),
            "{engine}: activité à 10 min prolongée jusqu'à 40 min"
        );
        assert!(s.session(&token, idle, at(68)).await.unwrap().is_some());
        assert!(s
            .session("pas-un-jeton", idle, at(68))
            .await
            .unwrap()
            .is_none());
        assert!(
            s.session(&csrf, idle, at(68)).await.unwrap().is_none(),
            "le jeton CSRF n'ouvre pas de session"
        );

        // Idle for 30 minutes: gone, and deleted (an earlier clock does not bring it back).
        assert!(s
            .session(&token, idle, at(68 + 30))
            .await
            .unwrap()
            .is_none());
        assert!(
            s.session(&token, idle, at(69)).await.unwrap().is_none(),
            "{engine}: session inactive supprimée"
        );

        // Absolute expiry, however active the session is.
        let (token, _) = s
            .create_session(
                &actor,
                None,
                Duration::hours(1),
                serde_json::json!({}),
                t0(),
            )
            .await
            .unwrap();
        for m in [20, 40, 59] {
            assert!(
                s.session(&token, idle, at(m)).await.unwrap().is_some(),
                "{engine}: active à {m} min"
            );
        }
        assert!(
            s.session(&token, idle, at(60)).await.unwrap().is_none(),
            "{engine}: durée maximale atteinte"
        );
        assert!(
            s.session(&token, idle, at(30)).await.unwrap().is_none(),
            "{engine}: session expirée supprimée"
        );

        // Logout deletes the session and is audited.
        let (token, _) = s
            .create_session(
                &actor,
                None,
                Duration::hours(12),
                serde_json::json!({}),
                at(100),
            )
            .await
            .unwrap();
        let info = s.session(&token, idle, at(101)).await.unwrap().unwrap();
        s.delete_session(&actor, &info.token_hash, at(102))
            .await
            .unwrap();
        assert!(s.session(&token, idle, at(103)).await.unwrap().is_none());
        let logout = audit_by_action(s, "deconnexion").await;
        assert_eq!(logout.len(), 1);
        assert_eq!(logout[0].utilisateur_id, Some(u.id));
        assert_eq!(
            audit_by_action(s, "connexion")
                .await
                .iter()
                .filter(|e| e.outcome == "succes")
                .count(),
            3
        );

        // Housekeeping removes dead sessions only.
        let (dead, _) = s
            .create_session(
                &actor,
                None,
                Duration::hours(1),
                serde_json::json!({}),
                at(200),
            )
            .await
            .unwrap();
        let (alive, _) = s
            .create_session(
                &actor,
                None,
                Duration::hours(12),
                serde_json::json!({}),
                at(200),
            )
            .await
            .unwrap();
        assert!(s.session(&alive, idle, at(225)).await.unwrap().is_some());
        assert!(s.session(&alive, idle, at(250)).await.unwrap().is_some());
        assert_eq!(
            s.purge_sessions(idle, at(262)).await.unwrap(),
            1,
            "{engine}"
        );
        assert!(s.session(&alive, idle, at(263)).await.unwrap().is_some());
        assert!(s.session(&dead, idle, at(210)).await.unwrap().is_none());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn password_reset_and_deactivation_end_sessions() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let u = create_user(s, "denis", Role::Educateur, &[org.a]).await;
        let actor = actor_of(u.id, "denis");
        let idle = Duration::minutes(30);

        let (token, _) = s
            .create_session(
                &actor,
                None,
                Duration::hours(12),
                serde_json::json!({}),
                t0(),
            )
            .await
            .unwrap();
        s.set_password(&admin(), u.id, "nouveau-hash", true, at(1))
            .await
            .unwrap();
        assert!(
            s.session(&token, idle, at(2)).await.unwrap().is_none(),
            "{engine}: réinitialisation = déconnexion"
        );
        assert!(s.utilisateur(u.id).await.unwrap().unwrap().doit_changer_mdp);

        let (token, _) = s
            .create_session(
                &actor,
                None,
                Duration::hours(12),
                serde_json::json!({}),
                at(3),
            )
            .await
            .unwrap();
        let mut off = user_input("denis", Role::Educateur, &[org.a]);
        off.actif = false;
        let v = s.utilisateur(u.id).await.unwrap().unwrap().version;
        s.update_utilisateur(&admin(), u.id, v, &off, at(4))
            .await
            .unwrap();
        assert!(
            s.session(&token, idle, at(5)).await.unwrap().is_none(),
            "{engine}: compte désactivé = déconnexion"
        );
        assert!(matches!(
            s.set_password(&admin(), 999_999, "h", true, at(6)).await,
            Err(dui_store::StoreError::NotFound)
        ));
        db.cleanup().await;
    }
}

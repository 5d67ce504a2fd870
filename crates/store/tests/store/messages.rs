//! Messages to professionals through the store on both engines (issue 13, COO-3/4): unread
//! marks per recipient, a message about a person withheld from a reader out of that file's
//! scope at reading time, who may send and receive, keyset pages, audit.

use dui_domain::policy::{Action, Role, Section};
use dui_store::page::Page;
use dui_store::policy::load_matrix;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{Boite, MessageInput};
use dui_store::StoreError;

use crate::common::{at, audit_by_action, check, create_user, insert_usager, principal, seed_org};

const U1: i64 = 901;

fn message(dest: &[i64], objet: &str) -> MessageInput {
    MessageInput {
        destinataires: dest.to_vec(),
        objet: objet.into(),
        texte: "Mme DUPONT a mal dormi : à surveiller.".into(),
        evenement_id: None,
    }
}

#[tokio::test]
async fn recipients_read_with_their_own_mark_and_out_of_scope_readers_see_no_name() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let m = load_matrix(s).await.unwrap();
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let educ = create_user(s, "educ", Role::Educateur, &[org.a]).await;
        let loin = create_user(s, "loin", Role::Educateur, &[org.b]).await;
        let inf = create_user(s, "inf", Role::Infirmier, &[org.a]).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        let sujet = check(s, &cadre, U1, Section::Accompagnement, Action::Lire, at(1))
            .await
            .unwrap();
        let id = s
            .envoyer_message(
                &principal(&cadre),
                Some(&sujet),
                &message(&[educ.id, loin.id, educ.id], "Nuit agitée"),
                at(2),
            )
            .await
            .unwrap();
        assert_eq!(
            audit_by_action(s, "message.envoi").await.len(),
            1,
            "{engine}"
        );

        // The educator of the file's établissement: the name, unread.
        assert_eq!(
            s.messages_non_lus(&principal(&educ)).await.unwrap(),
            1,
            "{engine}"
        );
        let recus = s
            .messages(&principal(&educ), &m, Boite::Recus, Page::first(10), at(3))
            .await
            .unwrap();
        assert_eq!(recus.len(), 1, "{engine}");
        assert!(recus[0].non_lu && !recus[0].hors_perimetre, "{engine}");
        assert_eq!(
            recus[0].usager.as_deref(),
            Some("DUPONT Hélène"),
            "{engine}"
        );
        let lu = s
            .lire_message(&principal(&educ), &m, id, at(4))
            .await
            .unwrap();
        assert_eq!(lu.objet, "Nuit agitée", "{engine}");
        assert_eq!(
            s.messages_non_lus(&principal(&educ)).await.unwrap(),
            0,
            "{engine}: mark cleared"
        );

        // The other établissement's educator: a recipient, but out of the file's scope now.
        let vu = s
            .lire_message(&principal(&loin), &m, id, at(5))
            .await
            .unwrap();
        assert!(vu.hors_perimetre, "{engine}");
        assert!(
            vu.usager.is_none()
                && vu.usager_id.is_none()
                && vu.objet.is_empty()
                && vu.texte.is_empty(),
            "{engine}: nothing of the person"
        );
        let liste = s
            .messages(&principal(&loin), &m, Boite::Recus, Page::first(10), at(5))
            .await
            .unwrap();
        assert!(
            liste[0].hors_perimetre && liste[0].objet.is_empty(),
            "{engine}"
        );
        assert_eq!(
            s.messages_non_lus(&principal(&loin)).await.unwrap(),
            0,
            "{engine}: opened all the same"
        );

        // Not a recipient: not found. The sender sees each recipient's mark.
        assert!(
            matches!(
                s.lire_message(&principal(&inf), &m, id, at(6)).await,
                Err(StoreError::NotFound)
            ),
            "{engine}"
        );
        let envoyes = s
            .messages(
                &principal(&cadre),
                &m,
                Boite::Envoyes,
                Page::first(10),
                at(7),
            )
            .await
            .unwrap();
        assert_eq!(
            envoyes[0].destinataires.len(),
            2,
            "{engine}: recipients once each"
        );
        assert!(
            envoyes[0].destinataires.iter().all(|d| d.lu_at.is_some()),
            "{engine}"
        );
        assert!(
            !audit_by_action(s, "message.lecture").await.is_empty(),
            "{engine}"
        );
    }
}

#[tokio::test]
async fn only_professionals_exchange_messages_and_a_person_needs_the_support_section() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let m = load_matrix(s).await.unwrap();
        let org = seed_org(s).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;
        let educ = create_user(s, "educ", Role::Educateur, &[org.a]).await;
        let proche = create_user(s, "proche", Role::Proche, &[]).await;
        let admin = create_user(s, "adm", Role::Administrateur, &[org.a]).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        for d in [proche.id, admin.id, 999_999] {
            assert!(
                matches!(
                    s.envoyer_message(&principal(&cadre), None, &message(&[d], "Objet"), at(1))
                        .await,
                    Err(StoreError::Invalid(_))
                ),
                "{engine}: {d}"
            );
        }
        assert!(
            matches!(
                s.envoyer_message(&principal(&cadre), None, &message(&[], "Objet"), at(1))
                    .await,
                Err(StoreError::Invalid(_))
            ),
            "{engine}"
        );
        assert!(
            matches!(
                s.envoyer_message(&principal(&cadre), None, &message(&[educ.id], " "), at(1))
                    .await,
                Err(StoreError::Invalid(_))
            ),
            "{engine}"
        );
        let huge = "x".repeat(301);
        assert!(
            matches!(
                s.envoyer_message(&principal(&cadre), None, &message(&[educ.id], &huge), at(1))
                    .await,
                Err(StoreError::Invalid(_))
            ),
            "{engine}"
        );
        // A capability of the administrative section does not name a person in a message.
        let adm = check(s, &cadre, U1, Section::Administratif, Action::Lire, at(1))
            .await
            .unwrap();
        assert!(
            matches!(
                s.envoyer_message(
                    &principal(&cadre),
                    Some(&adm),
                    &message(&[educ.id], "Objet"),
                    at(1)
                )
                .await,
                Err(StoreError::Denied(_))
            ),
            "{engine}"
        );
        assert_eq!(
            s.messages_non_lus(&principal(&educ)).await.unwrap(),
            0,
            "{engine}: nothing sent"
        );

        // Pages, newest first.
        for k in 0..3 {
            s.envoyer_message(
                &principal(&cadre),
                None,
                &message(&[educ.id], &format!("Info {k}")),
                at(10 + k),
            )
            .await
            .unwrap();
        }
        let p1 = s
            .messages(&principal(&educ), &m, Boite::Recus, Page::first(2), at(20))
            .await
            .unwrap();
        assert_eq!(p1.len(), 3, "{engine}: one more than asked");
        assert_eq!(p1[0].objet, "Info 2", "{engine}");
        let p2 = s
            .messages(
                &principal(&educ),
                &m,
                Boite::Recus,
                Page {
                    after: Some(p1[1].id),
                    limit: 2,
                },
                at(20),
            )
            .await
            .unwrap();
        assert_eq!(p2.len(), 1, "{engine}");
        assert_eq!(p2[0].objet, "Info 0", "{engine}");
    }
}

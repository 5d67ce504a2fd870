//! Around the relève, on every engine: the account's last relève (its last marks), the count
//! of transmissions it has not read since (psychology counted for psychologists only), the
//! colleagues it may filter on.

use dui_domain::policy::{Role, Section};
use dui_store::testing::engines;

use crate::common::{at, create_user, insert_usager, seed_org};
use crate::transmissions::{ecrire, narrative, releve_cap};

#[tokio::test]
async fn unread_since_the_last_releve_are_counted_within_what_the_role_reads() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let edu = create_user(s, "edu", Role::Educateur, &[org.a]).await;
        let psy = create_user(s, "psy", Role::Psychologue, &[org.a]).await;
        let ailleurs = create_user(s, "ailleurs", Role::Educateur, &[org.b]).await;
        let _admin = create_user(s, "adm2", Role::Administrateur, &[org.a]).await;
        insert_usager(&db, 1, "MARTIN", org.a, None).await;
        let t1 = ecrire(
            s,
            &edu,
            1,
            &narrative(Section::Accompagnement, "Bonne journée."),
            10,
        )
        .await;
        ecrire(
            s,
            &edu,
            1,
            &narrative(Section::Accompagnement, "Repas pris."),
            11,
        )
        .await;
        ecrire(
            s,
            &psy,
            1,
            &narrative(Section::Psychologie, "Entretien."),
            12,
        )
        .await;

        let ce = releve_cap(s, &edu).await.unwrap();
        let cp = releve_cap(s, &psy).await.unwrap();
        assert_eq!(s.derniere_releve(&ce).await.unwrap(), None);
        // Never done: the last 24 hours.
        assert_eq!(
            s.debut_releve(&ce, at(30)).await.unwrap(),
            at(30) - chrono::Duration::hours(24)
        );
        assert_eq!(s.nombre_non_lues(&ce, at(0)).await.unwrap(), 2, "{engine}");
        assert_eq!(s.nombre_non_lues(&cp, at(0)).await.unwrap(), 3, "{engine}");
        let cx = releve_cap(s, &ailleurs).await.unwrap();
        assert_eq!(
            s.nombre_non_lues(&cx, at(0)).await.unwrap(),
            0,
            "{engine}: out of scope"
        );

        s.marquer_transmissions_lues(&ce, &[t1], at(20))
            .await
            .unwrap();
        assert_eq!(
            s.derniere_releve(&ce).await.unwrap(),
            Some(at(20)),
            "{engine}"
        );
        assert_eq!(s.nombre_non_lues(&ce, at(0)).await.unwrap(), 1);
        let debut = s.debut_releve(&ce, at(30)).await.unwrap();
        assert_eq!(debut, at(20));
        assert_eq!(s.nombre_non_lues(&ce, debut).await.unwrap(), 0);
        // Long ago: a week back at most.
        let tard = at(20) + chrono::Duration::days(30);
        assert_eq!(
            s.debut_releve(&ce, tard).await.unwrap(),
            tard - chrono::Duration::days(7)
        );

        let noms: Vec<String> = s
            .auteurs_releve(&ce)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.nom)
            .collect();
        assert_eq!(noms.len(), 2, "{engine}: {noms:?}");
        db.cleanup().await;
    }
}

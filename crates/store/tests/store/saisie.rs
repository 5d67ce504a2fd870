//! The store's own guard on input: no control character bound to a statement, no text over
//! its maximum written, no search over its words, whoever the caller (both engines alike: a
//! NUL made PostgreSQL fail with an error, a 4,000-character name was stored, a search of a
//! thousand words overflowed SQLite's expression depth).

use dui_domain::policy::Role;
use dui_domain::saisie as lim;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{ProfessionnelInput, Recherche};
use dui_store::StoreError;

use crate::common::{
    admin, create_user, etablissement, finess, organisme, principal, seed_org, t0,
};

fn invalid<T: std::fmt::Debug>(r: Result<T, StoreError>, says: &str, what: &str) {
    match r {
        Err(StoreError::Invalid(m)) => assert!(m.contains(says), "{what}: {m}"),
        other => panic!("{what}: {other:?}"),
    }
}

/// A name that does not compress (as real text does not).
fn long_name(n: usize) -> String {
    let mut x: u32 = 12345;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            char::from(b'a' + ((x >> 16) % 26) as u8)
        })
        .collect()
}

#[tokio::test]
async fn texts_over_their_maximum_or_with_control_characters_are_not_written() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let secr = create_user(s, "secr", Role::Secretariat, &[org.a]).await;

        let pro = |nom: String| ProfessionnelInput {
            nom,
            prenom: "Luc".into(),
            fonction: "Médecin généraliste".into(),
            ..Default::default()
        };
        let r = s
            .create_professionnel(&admin(), &pro(long_name(4000)), t0())
            .await;
        invalid(r, "ne peut dépasser 100 caractères (4000 saisis)", engine);
        let r = s
            .create_professionnel(&admin(), &pro("Ber\u{0}nard".into()), t0())
            .await;
        invalid(r, "caractère de contrôle (U+0000)", engine);
        assert!(
            s.professionnels("", 200).await.unwrap().is_empty(),
            "{engine}"
        );
        // At the maximum: written.
        s.create_professionnel(&admin(), &pro(long_name(lim::NOM_PERSONNE)), t0())
            .await
            .unwrap();

        let r = s
            .create_organisme(&admin(), &organisme(&long_name(201), &finess(75, 1)), t0())
            .await;
        invalid(r, "200 caractères", engine);
        let r = s
            .create_etablissement(
                &admin(),
                &etablissement(org.organisme, "Foyer\u{1b}[31m", &finess(75, 2)),
                t0(),
            )
            .await;
        invalid(r, "U+001B", engine);
        assert_eq!(s.organismes().await.unwrap().len(), 1, "{engine}");
        assert_eq!(s.etablissements(None).await.unwrap().len(), 2, "{engine}");

        // Reads bind texts too: a login name with a NUL is refused, not sent to the engine.
        invalid(s.credentials("ad\u{0}min").await, "U+0000", engine);

        // Searches: words and length bounded, control characters refused.
        let who = principal(&secr);
        for (texte, says) in [
            (
                (0..1000)
                    .map(|i| format!("mot{i}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                "« q »",
            ),
            (
                "jean-pierre marie l'hermite de la tour d'auvergne lyon".into(),
                "plus de 10 mots (11 saisis)",
            ),
            ("a".repeat(201), "200 caractères"),
            ("dupont\u{0}".into(), "U+0000"),
        ] {
            let r = Recherche {
                texte,
                limit: 20,
                ..Default::default()
            };
            invalid(
                s.rechercher_usagers(&crate::common::recherche(s, &who).await, &r, t0())
                    .await,
                says,
                engine,
            );
        }
        invalid(
            s.professionnels(&"a b ".repeat(6), 20).await,
            "plus de 10 mots",
            engine,
        );
        let ok = Recherche {
            texte: "dupont hélène 12/04/1938".into(),
            limit: 20,
            ..Default::default()
        };
        s.rechercher_usagers(&crate::common::recherche(s, &who).await, &ok, t0())
            .await
            .unwrap();
        db.cleanup().await;
    }
}

//! Transmissions through the store on both engines: append-only writes audited, corrections,
//! psychology notes invisible to every other role through every read (file, relève, search,
//! counts), the relève's scope and unread marks, French full-text search.

use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::transmission::CategorieTransmission;
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::page::Page;
use dui_store::policy::{authorize_releve, authorize_transmissions, load_matrix, CapaciteReleve};
use dui_store::testing::engines;
use dui_store::usager::{ContenuTransmission, FiltreReleve, Transmission, TransmissionInput};
use dui_store::{Store, StoreError};

use crate::common::{
    at, audit_by_action, check, create_user, insert_usager, principal, refus, seed_org,
};

const U1: i64 = 501;
const U2: i64 = 502;
const UB: i64 = 503;

pub(crate) fn narrative(section: Section, texte: &str) -> TransmissionInput {
    TransmissionInput {
        section,
        categorie: CategorieTransmission::Sante,
        contenu: ContenuTransmission {
            texte: Some(texte.into()),
            ..ContenuTransmission::default()
        },
        date_fait: None,
        corrige_id: None,
    }
}

fn ciblee(cible: &str, donnees: &str) -> TransmissionInput {
    TransmissionInput {
        contenu: ContenuTransmission {
            cible: Some(cible.into()),
            donnees: Some(donnees.into()),
            actions: Some("Surveillance renforcée.".into()),
            ..ContenuTransmission::default()
        },
        ..narrative(Section::Accompagnement, "")
    }
}

pub(crate) async fn ecrire(
    s: &Store,
    who: &Utilisateur,
    usager: i64,
    t: &TransmissionInput,
    m: i64,
) -> i64 {
    let cap = check(s, who, usager, t.section, Action::Ecrire, at(m))
        .await
        .unwrap();
    s.add_transmission(&cap, t).await.unwrap()
}

pub(crate) async fn releve_cap(s: &Store, who: &Utilisateur) -> Result<CapaciteReleve, StoreError> {
    let m = load_matrix(s).await.unwrap();
    authorize_releve(s, &m, &principal(who), at(0)).await
}

async fn releve(s: &Store, who: &Utilisateur, f: &FiltreReleve) -> Vec<Transmission> {
    let cap = releve_cap(s, who).await.unwrap();
    s.releve_page(&cap, f, Page::first(100), at(100))
        .await
        .unwrap()
}

async fn dossier(
    s: &Store,
    who: &Utilisateur,
    usager: i64,
) -> Result<Vec<Transmission>, StoreError> {
    let m = load_matrix(s).await.unwrap();
    let cap = authorize_transmissions(s, &m, &principal(who), UsagerId(usager), at(100)).await?;
    s.transmissions_page(&cap, Page::first(100)).await
}

fn ids(v: &[Transmission]) -> Vec<i64> {
    v.iter().map(|t| t.id).collect()
}

fn q(text: &str) -> FiltreReleve {
    FiltreReleve {
        q: Some(text.into()),
        ..FiltreReleve::default()
    }
}

#[tokio::test]
async fn written_audited_newest_first_and_corrected_by_a_new_one() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let educ = create_user(s, "educ", Role::Educateur, &[org.a]).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        let first = ecrire(
            s,
            &educ,
            U1,
            &narrative(Section::Accompagnement, "Bonne journée."),
            1,
        )
        .await;
        let second = ecrire(s, &educ, U1, &ciblee("Chute", "Retrouvée au sol."), 2).await;
        let mut correction = narrative(Section::Accompagnement, "Correction : journée agitée.");
        correction.corrige_id = Some(first);
        let third = ecrire(s, &educ, U1, &correction, 3).await;
        let list = dossier(s, &educ, U1).await.unwrap();
        assert_eq!(ids(&list), vec![third, second, first], "{engine}");
        assert_eq!(list[0].corrige_id, Some(first));
        assert_eq!(list[2].corrigee_par, Some(third));
        assert_eq!(list[1].contenu.cible.as_deref(), Some("Chute"));
        assert_eq!(list[1].auteur, "Camille Nom-educ");
        assert_eq!(
            audit_by_action(s, "usager.transmission.ajout").await.len(),
            3
        );

        // Keyset pages.
        let m = load_matrix(s).await.unwrap();
        let cap = authorize_transmissions(s, &m, &principal(&educ), UsagerId(U1), at(9))
            .await
            .unwrap();
        let p1 = s.transmissions_page(&cap, Page::first(2)).await.unwrap();
        assert_eq!(ids(&p1), vec![third, second, first]);
        let p2 = s
            .transmissions_page(
                &cap,
                Page {
                    after: Some(second),
                    limit: 2,
                },
            )
            .await
            .unwrap();
        assert_eq!(ids(&p2), vec![first]);

        // A correction of another file, a targeted one without data, a fact in the future.
        let mut autre = correction.clone();
        autre.corrige_id = Some(9999);
        let cap = check(s, &educ, U1, Section::Accompagnement, Action::Ecrire, at(4))
            .await
            .unwrap();
        assert!(matches!(
            s.add_transmission(&cap, &autre).await,
            Err(StoreError::Invalid(_))
        ));
        let mut vide = ciblee("Chute", "");
        vide.contenu.actions = None;
        assert!(matches!(
            s.add_transmission(&cap, &vide).await,
            Err(StoreError::Invalid(_))
        ));
        let mut futur = narrative(Section::Accompagnement, "x");
        futur.date_fait = Some(at(600));
        assert!(matches!(
            s.add_transmission(&cap, &futur).await,
            Err(StoreError::Invalid(_))
        ));
        // A capability on one section does not write in another.
        assert!(matches!(
            s.add_transmission(&cap, &narrative(Section::Soins, "x"))
                .await,
            Err(StoreError::Denied(_))
        ));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn psychology_is_invisible_to_every_other_role_through_every_read() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        let psy = create_user(s, "psy", Role::Psychologue, &[org.a]).await;
        let educ = create_user(s, "educ", Role::Educateur, &[org.a]).await;
        let note = ecrire(
            s,
            &psy,
            U1,
            &narrative(Section::Psychologie, "Angoisse nocturne évoquée."),
            1,
        )
        .await;
        let visible = ecrire(
            s,
            &educ,
            U1,
            &narrative(Section::Accompagnement, "Angoisse au coucher."),
            2,
        )
        .await;
        assert_eq!(
            ids(&dossier(s, &psy, U1).await.unwrap()),
            vec![visible, note]
        );
        assert_eq!(
            ids(&releve(s, &psy, &q("angoisses")).await),
            vec![visible, note]
        );
        // Every other role, in scope, with every grant an administrator could add.
        for role in Role::ALL
            .iter()
            .copied()
            .filter(|r| *r != Role::Psychologue)
        {
            for sec in [Section::Psychologie, Section::Accompagnement] {
                for act in [Action::Lire, Action::Ecrire] {
                    db.exec(&format!(
                        "INSERT INTO permission (role, section, action) SELECT '{}', '{}', '{}' WHERE NOT EXISTS \
                         (SELECT 1 FROM permission WHERE role = '{0}' AND section = '{1}' AND action = '{2}')",
                        role.code(), sec.code(), act.code()
                    ))
                    .await
                    .unwrap();
                }
            }
            let u = create_user(s, &format!("autre.{}", role.code()), role, &[org.a]).await;
            let file = dossier(s, &u, U1).await;
            if let Ok(list) = &file {
                assert!(!ids(list).contains(&note), "{engine} {role:?}");
            }
            assert!(
                refus(check(s, &u, U1, Section::Psychologie, Action::Lire, at(5)).await)
                    == dui_domain::policy::Refus::NonPermisParLeRole
            );
            if let Ok(cap) = releve_cap(s, &u).await {
                assert!(!cap.sections().contains(&Section::Psychologie));
                for f in [
                    FiltreReleve::default(),
                    q("angoisse"),
                    FiltreReleve {
                        usager: Some(U1),
                        ..FiltreReleve::default()
                    },
                ] {
                    let r = s
                        .releve_page(&cap, &f, Page::first(100), at(100))
                        .await
                        .unwrap();
                    assert!(!ids(&r).contains(&note), "{engine} {role:?}");
                }
                // Marking it read does nothing either.
                assert_eq!(
                    s.marquer_transmissions_lues(&cap, &[note], at(6))
                        .await
                        .unwrap(),
                    0
                );
            }
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn french_full_text_search_accents_plurals_stems_on_both_engines() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, UB, "MARTIN", org.b, None).await;
        let ide = create_user(s, "ide", Role::Infirmier, &[org.a]).await;
        let ide_b = create_user(s, "ide.b", Role::Infirmier, &[org.b]).await;
        let chute = ecrire(
            s,
            &ide,
            U1,
            &ciblee(
                "Chute",
                "Mme a chuté dans la salle de bains, transférée à l'hôpital.",
            ),
            1,
        )
        .await;
        let repas = ecrire(
            s,
            &ide,
            U1,
            &narrative(Section::Soins, "Repas pris en totalité, pas de douleurs."),
            2,
        )
        .await;
        let ailleurs = ecrire(
            s,
            &ide_b,
            UB,
            &narrative(Section::Accompagnement, "Deux chutes cette nuit."),
            3,
        )
        .await;
        for (text, want) in [
            ("chute", vec![chute]),
            ("CHUTES", vec![chute]),
            ("chuté", vec![chute]),
            ("hopitaux", vec![chute]),
            ("hôpital chute", vec![chute]),
            ("transferee", vec![chute]),
            ("douleur", vec![repas]),
            ("repas douloureux", vec![]),
            ("salles", vec![chute]),
            ("nuit", vec![]),
        ] {
            assert_eq!(
                ids(&releve(s, &ide, &q(text)).await),
                want,
                "{engine} {text}"
            );
        }
        assert_eq!(
            ids(&releve(s, &ide_b, &q("chutes")).await),
            vec![ailleurs],
            "{engine}"
        );
        let cap = releve_cap(s, &ide).await.unwrap();
        assert!(matches!(
            s.releve_page(&cap, &q(" ; a "), Page::first(10), at(9))
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(audit_by_action(s, "transmission.recherche").await.len(), 11);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn releve_scope_filters_and_unread_marks() {
    for engine in engines() {
        let db = dui_store::testing::TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "BERNARD", org.a, None).await;
        insert_usager(&db, UB, "MARTIN", org.b, None).await;
        let as1 = create_user(s, "as1", Role::AideSoignant, &[org.a]).await;
        let as2 = create_user(s, "as2", Role::AideSoignant, &[org.a]).await;
        let as_b = create_user(s, "asb", Role::AideSoignant, &[org.b]).await;
        let old = ecrire(s, &as1, U1, &narrative(Section::Soins, "Nuit calme."), 1).await;
        let mut imp = ciblee("Douleur", "Douleur au genou droit.");
        imp.contenu.importante = true;
        let t1 = ecrire(s, &as1, U1, &imp, 50).await;
        let t2 = ecrire(
            s,
            &as2,
            U2,
            &narrative(Section::Accompagnement, "Visite de sa fille."),
            60,
        )
        .await;
        let tb = ecrire(
            s,
            &as_b,
            UB,
            &narrative(Section::Accompagnement, "Sortie au marché."),
            61,
        )
        .await;
        let since = FiltreReleve {
            depuis: Some(at(30)),
            ..FiltreReleve::default()
        };
        let r = releve(s, &as2, &since).await;
        assert_eq!(
            ids(&r),
            vec![t2, t1],
            "{engine}: établissement A only, since t+30"
        );
        assert!(r.iter().all(|t| t.lue == Some(false)));
        assert_eq!(r[1].usager.as_deref(), Some("DUPONT Hélène"));
        assert_eq!(ids(&releve(s, &as_b, &since).await), vec![tb]);
        let imp_only = FiltreReleve {
            importantes: true,
            ..since.clone()
        };
        assert_eq!(ids(&releve(s, &as2, &imp_only).await), vec![t1]);
        let by_author = FiltreReleve {
            auteur: Some(as2.id),
            ..FiltreReleve::default()
        };
        assert_eq!(ids(&releve(s, &as1, &by_author).await), vec![t2]);
        let by_cible = FiltreReleve {
            cible: Some("Douleur".into()),
            ..FiltreReleve::default()
        };
        assert_eq!(ids(&releve(s, &as1, &by_cible).await), vec![t1]);
        let by_person = FiltreReleve {
            usager: Some(U1),
            ..FiltreReleve::default()
        };
        assert_eq!(ids(&releve(s, &as1, &by_person).await), vec![t1, old]);
        let other_etab = FiltreReleve {
            etablissement: Some(org.b),
            ..FiltreReleve::default()
        };
        assert!(releve(s, &as1, &other_etab).await.is_empty());

        // Unread marks are per professional.
        let cap2 = releve_cap(s, &as2).await.unwrap();
        assert_eq!(
            s.marquer_transmissions_lues(&cap2, &[t1, tb], at(70))
                .await
                .unwrap(),
            1,
            "{engine}: tb is out of scope"
        );
        assert_eq!(
            s.marquer_transmissions_lues(&cap2, &[t1], at(71))
                .await
                .unwrap(),
            0
        );
        let unread = FiltreReleve {
            non_lues: true,
            ..since.clone()
        };
        assert_eq!(ids(&releve(s, &as2, &unread).await), vec![t2]);
        let r = releve(s, &as2, &since).await;
        assert_eq!(
            r.iter().map(|t| t.lue).collect::<Vec<_>>(),
            vec![Some(false), Some(true)]
        );
        assert_eq!(ids(&releve(s, &as1, &unread).await), vec![t2, t1]);
        assert!(!audit_by_action(s, "transmission.releve").await.is_empty());

        // The portal roles have no relève.
        let proche = create_user(s, "proche", Role::Proche, &[]).await;
        assert!(matches!(
            releve_cap(s, &proche).await,
            Err(StoreError::Denied(_))
        ));
        db.cleanup().await;
    }
}

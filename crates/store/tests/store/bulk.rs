//! The bulk path (demo data, benchmarks, imports: COPY on PostgreSQL, prepared inserts on
//! SQLite) writes the same rows as the normal path: read back through the same reads, found
//! by the same search, audited; on both engines.

use chrono::NaiveDate;
use dui_domain::grille::registre::Registre;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_domain::transmission::CategorieTransmission;
use dui_store::page::Page;
use dui_store::policy::{authorize_releve, authorize_transmissions, load_matrix};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    BulkEvaluation, BulkTransmission, ContenuTransmission, CorrigeEnMasse, FiltreReleve,
    NouvelleEvaluation, Transmission, TransmissionInput,
};
use serde_json::json;

use crate::common::{
    admin, at, audit_by_action, check, create_user, insert_usager, principal, seed_org,
};

const U1: i64 = 601;

fn ciblee() -> TransmissionInput {
    TransmissionInput {
        section: Section::Soins,
        categorie: CategorieTransmission::Incident,
        contenu: ContenuTransmission {
            texte: None,
            cible: Some("Chute".into()),
            donnees: Some("Retrouvée assise au sol près du lit, à l'hôpital ensuite.".into()),
            actions: Some("Relevée à deux, médecin informé.".into()),
            resultats: Some("Pas de douleur au réveil.".into()),
            importante: true,
        },
        date_fait: None,
        corrige_id: None,
    }
}

/// What a reader sees of a transmission but its id, dates and corrections.
fn sans_cle(t: &Transmission) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap();
    for k in [
        "id",
        "date_fait",
        "created_at",
        "corrige_id",
        "corrigee_par",
    ] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

#[tokio::test]
async fn bulk_transmissions_and_evaluations_read_as_the_normal_path_on_both_engines() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        let ide = create_user(s, "ide", Role::Infirmier, &[org.a]).await;
        let cadre = create_user(s, "cadre", Role::Cadre, &[org.a]).await;

        // The normal path, then the same transmission in bulk, with two corrections: one of
        // its own batch, one of the normal path's.
        let input = ciblee();
        let cap = check(s, &ide, U1, Section::Soins, Action::Ecrire, at(1))
            .await
            .unwrap();
        let normale = s.add_transmission(&cap, &input).await.unwrap();
        let bulk = BulkTransmission {
            usager_id: U1,
            section: "soins",
            categorie: "incident",
            contenu: input.contenu.clone(),
            date: at(2),
            auteur_id: ide.id,
            auteur: format!("{} {}", ide.prenom, ide.nom),
            auteur_role: ide.role.code(),
            corrige: None,
            termes: input.contenu.contenu().termes(),
            etablissement_id: None,
        };
        let correction = |corrige| BulkTransmission {
            categorie: "autre",
            contenu: ContenuTransmission {
                texte: Some("Correction : c'était la veille.".into()),
                ..ContenuTransmission::default()
            },
            termes: dui_domain::transmission::termes("Correction : c'était la veille.").join(" "),
            date: at(3),
            corrige: Some(corrige),
            ..bulk.clone()
        };
        let ids = s
            .insert_transmissions_bulk(
                &admin(),
                &[
                    bulk.clone(),
                    correction(CorrigeEnMasse::Lot(0)),
                    correction(CorrigeEnMasse::Id(normale)),
                ],
                at(4),
            )
            .await
            .unwrap();
        assert_eq!(ids.len(), 3, "{engine}");
        assert!(
            ids[0] > normale,
            "{engine}: ids follow the table's sequence"
        );

        let m = load_matrix(s).await.unwrap();
        let cap = authorize_transmissions(s, &m, &principal(&ide), UsagerId(U1), at(5))
            .await
            .unwrap();
        let list = s.transmissions_page(&cap, Page::first(10)).await.unwrap();
        let by_id = |id: i64| list.iter().find(|t| t.id == id).unwrap();
        assert_eq!(
            sans_cle(by_id(normale)),
            sans_cle(by_id(ids[0])),
            "{engine}: same rows"
        );
        assert_eq!(by_id(ids[1]).corrige_id, Some(ids[0]), "{engine}");
        assert_eq!(by_id(ids[2]).corrige_id, Some(normale), "{engine}");
        assert_eq!(by_id(ids[0]).corrigee_par, Some(ids[1]), "{engine}");

        // A large load (PostgreSQL: indexes and keys dropped, then built again in the same
        // transaction) leaves the table's definitions as they were; a failed one rolls back.
        let before = db.definitions("transmission").await.unwrap();
        assert!(before.len() >= 4, "{engine}: {before:?}");
        let mut grande = s.charger_transmissions(true).await.unwrap();
        let autre = grande
            .ecrire(
                &admin(),
                &[BulkTransmission {
                    date: at(4),
                    ..bulk.clone()
                }],
                at(4),
            )
            .await
            .unwrap();
        grande.terminer().await.unwrap();
        assert_eq!(
            db.definitions("transmission").await.unwrap(),
            before,
            "{engine}"
        );
        let mut ratee = s.charger_transmissions(true).await.unwrap();
        let orphan = BulkTransmission {
            usager_id: 999_999,
            ..bulk.clone()
        };
        // PostgreSQL checks the keys when it puts them back, SQLite at the insert.
        match ratee.ecrire(&admin(), &[orphan], at(4)).await {
            Ok(_) => assert!(ratee.terminer().await.is_err(), "{engine}"),
            Err(_) => drop(ratee),
        }
        assert_eq!(
            db.definitions("transmission").await.unwrap(),
            before,
            "{engine}"
        );

        // The search finds both, newest written first, page by page (keyset on the id).
        let cap = authorize_releve(s, &m, &principal(&ide), at(5))
            .await
            .unwrap();
        let f = FiltreReleve {
            q: Some("hôpitaux chutes".into()),
            ..FiltreReleve::default()
        };
        let p1 = s
            .releve_page(&cap, &f, Page::first(1), at(6))
            .await
            .unwrap();
        let p1: Vec<i64> = p1.iter().map(|t| t.id).collect();
        assert_eq!(p1, vec![autre[0], ids[0]], "{engine}");
        let p2 = s
            .releve_page(
                &cap,
                &f,
                Page {
                    after: Some(ids[0]),
                    limit: 2,
                },
                at(6),
            )
            .await
            .unwrap();
        assert_eq!(p2.iter().map(|t| t.id).collect::<Vec<_>>(), vec![normale]);
        let f = FiltreReleve {
            q: Some("veille".into()),
            ..FiltreReleve::default()
        };
        let found = s
            .releve_page(&cap, &f, Page::first(10), at(6))
            .await
            .unwrap();
        assert_eq!(
            found.len(),
            2,
            "{engine}: the corrections' terms are indexed"
        );

        // Evaluations: the results are computed from the grid in bulk as in the normal path.
        let aggir = Registre::officiel().courante("aggir").unwrap();
        let e = NouvelleEvaluation {
            date_evaluation: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            reponses: json!({"variables": {"coherence": "C", "orientation": "C", "toilette": "C",
                "habillage": "C", "alimentation": "B", "elimination": "C", "transferts": "B",
                "deplacements_interieurs": "B", "deplacements_exterieurs": "C", "alerter": "C"}}),
            commentaire: Some("Évaluation d'entrée.".into()),
            valider: true,
            corrige_id: None,
        };
        let cap = check(
            s,
            &cadre,
            U1,
            Section::Accompagnement,
            Action::Valider,
            at(7),
        )
        .await
        .unwrap();
        let normale = s.ajouter_evaluation(&cap, &aggir, &e).await.unwrap();
        let n = s
            .insert_evaluations_bulk(
                &admin(),
                &aggir,
                &[BulkEvaluation {
                    usager_id: U1,
                    evaluation: e.clone(),
                    auteur_id: Some(cadre.id),
                    auteur: cadre.username.clone(),
                }],
                at(8),
            )
            .await
            .unwrap();
        assert_eq!(n, 1);
        let list = s.evaluations(&cap, Some("aggir"), None, 10).await.unwrap();
        assert_eq!(list.len(), 2, "{engine}");
        let (b, a) = (&list[0], &list[1]);
        assert_eq!(a.id, normale.id);
        assert!(b.gir.is_some(), "{engine}");
        for (x, y) in [
            (&b.grille_version, &a.grille_version),
            (&b.statut, &a.statut),
            (&b.auteur, &a.auteur),
        ] {
            assert_eq!(x, y, "{engine}");
        }
        assert_eq!(b.gir, a.gir, "{engine}");
        assert_eq!(
            serde_json::to_value(&b.resultats).unwrap(),
            serde_json::to_value(&a.resultats).unwrap(),
            "{engine}"
        );
        assert_eq!(b.valide_par.as_deref(), Some("cadre"));

        // A bad grid answer is refused, nothing written.
        let mut bad = e.clone();
        bad.reponses = json!({"variables": {"coherence": "Z"}});
        assert!(s
            .insert_evaluations_bulk(
                &admin(),
                &aggir,
                &[BulkEvaluation {
                    usager_id: U1,
                    evaluation: bad,
                    auteur_id: None,
                    auteur: "x".into(),
                }],
                at(9),
            )
            .await
            .is_err());
        assert_eq!(
            s.evaluations(&cap, None, None, 10).await.unwrap().len(),
            2,
            "{engine}"
        );

        // Each load is one import entry (the failed one left none), in the chain.
        assert_eq!(
            audit_by_action(s, "usager.import").await.len(),
            3,
            "{engine}"
        );
        s.audit_seal(at(10)).await.unwrap();
        assert!(s.audit_verify().await.unwrap().first_broken.is_none());
        db.cleanup().await;
    }
}

//! Stored values that do not decode: the read fails (`StoreError::Corrupt`, naming the
//! column), never a plausible default; the RNIV rule on the INS applied by the store.

use super::*;
use dui_domain::usager::{Attributs, StatutIdentite};
use dui_store::policy::open_file;

/// Each column holding a code, a date or a timestamp, with a value the domain does not know.
const CORRUPTIONS: &[(&str, &str)] = &[
    ("statut_identite", "ZZZ"),
    ("statut_identite", "provisoire"),
    ("sexe", "X"),
    ("attributs_identite", "DOUT,ZZZ"),
    ("date_naissance", "hier"),
    ("justificatif_type", "permis_de_chasse"),
    ("justificatif_at", "la veille"),
    ("created_at", "2026-13-01"),
];

#[tokio::test]
async fn a_corrupt_stored_value_makes_the_read_fail_instead_of_a_default() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let dupont = ident("DUPONT", &["Hélène"], "1979-03-12", "F");
        let id = create_usager(s, &w.secr_a, &dupont, w.org.a).await;
        let c = cap(s, &w.secr_a, id, Action::Valider).await;
        let good = s.usager(&c).await.unwrap().unwrap();
        assert_eq!(good.statut_identite, StatutIdentite::Provisoire);
        let m = load_matrix(s).await.unwrap();
        for (column, value) in CORRUPTIONS {
            w.db.exec(&format!(
                "UPDATE usager SET {column} = '{value}' WHERE id = {id}"
            ))
            .await
            .unwrap();
            let read = s.usager(&c).await;
            match &read {
                Err(StoreError::Corrupt(m)) => assert!(
                    m.contains(column) || m.contains(value),
                    "{engine} {column}: {m}"
                ),
                other => panic!("{engine} {column}={value}: Corrupt attendu, obtenu {other:?}"),
            }
            // Opening the file (the policy reads the same row) fails the same way.
            let opened = open_file(s, &m, &principal(&w.secr_a), UsagerId(id), at(2)).await;
            assert!(
                matches!(opened, Err(StoreError::Corrupt(_))),
                "{engine} {column}: {:?}",
                opened.map(|_| ())
            );
            // A change on a corrupt row writes nothing.
            let change = StatutChange {
                statut: StatutIdentite::Provisoire,
                attributs: Attributs::AUCUN,
                ins: None,
                justificatif: None,
                ins_interroge: false,
            };
            let changed = s
                .set_statut_identite(&c, good.version, &change, serde_json::json!({}))
                .await;
            assert!(
                matches!(changed, Err(StoreError::Corrupt(_))),
                "{engine} {column}: {changed:?}"
            );
            // Restore the column from the good row before the next corruption.
            let restore = match *column {
                "statut_identite" => format!("'{}'", good.statut_identite.code()),
                "sexe" => format!("'{}'", good.sexe.code()),
                "attributs_identite" => format!("'{}'", good.attributs_identite.codes()),
                "date_naissance" => format!("'{}'", good.date_naissance),
                "created_at" => format!("'{}'", dui_store::ts(good.created_at)),
                // Nullable columns, empty on the new file.
                _ => "NULL".to_string(),
            };
            w.db.exec(&format!(
                "UPDATE usager SET {column} = {restore} WHERE id = {id}"
            ))
            .await
            .unwrap();
            let again = s.usager(&c).await.unwrap().unwrap();
            assert_eq!(again.version, good.version, "{engine}");
        }
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn leaving_a_retrieved_status_withdraws_the_ins_in_the_store() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let dupont = ident("DUPONT", &["Hélène", "Marie"], "1979-03-12", "F");
        let id = create_usager(s, &w.secr_a, &dupont, w.org.a).await;
        let c = cap(s, &w.secr_a, id, Action::Valider).await;
        let recup = StatutChange {
            statut: StatutIdentite::Recuperee,
            attributs: Attributs::AUCUN,
            ins: Some(Some((INS_DUPONT.into(), OID_TEST.into()))),
            justificatif: None,
            ins_interroge: true,
        };
        s.set_statut_identite(&c, 1, &recup, serde_json::json!({}))
            .await
            .unwrap();
        // A doubt reported: the caller says nothing about the INS, the store removes it.
        let doute = StatutChange {
            statut: StatutIdentite::Provisoire,
            attributs: Attributs::from_codes("DOUT").unwrap(),
            ins: None,
            justificatif: None,
            ins_interroge: false,
        };
        s.set_statut_identite(&c, 2, &doute, serde_json::json!({"evenement": "doute"}))
            .await
            .unwrap();
        let u = s.usager(&c).await.unwrap().unwrap();
        assert_eq!(
            (u.statut_identite, u.matricule_ins, u.oid_ins, u.ins_at),
            (StatutIdentite::Provisoire, None, None, None),
            "{engine}"
        );
        assert!(u.attributs_identite.douteuse);
        let audit = audit_by_action(s, "usager.identite.statut").await;
        let last: serde_json::Value = serde_json::from_str(&audit.last().unwrap().detail).unwrap();
        assert_eq!(
            (&last["avant"], &last["apres"], &last["evenement"]),
            (
                &serde_json::json!("RECUP"),
                &serde_json::json!("PROV"),
                &serde_json::json!("doute")
            ),
            "{engine}"
        );
        // Clearing the doubt keeps PROV and has no INS to withdraw.
        let leve = StatutChange {
            attributs: Attributs::AUCUN,
            ..doute
        };
        s.set_statut_identite(&c, 3, &leve, serde_json::json!({}))
            .await
            .unwrap();
        let u = s.usager(&c).await.unwrap().unwrap();
        assert!(!u.attributs_identite.douteuse && u.matricule_ins.is_none());
        w.db.cleanup().await;
    }
}

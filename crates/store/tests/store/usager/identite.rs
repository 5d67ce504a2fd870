//! Identity versions and the RNIV status with its INS and document.

use super::*;
use dui_domain::usager::{Attributs, StatutIdentite, TypeJustificatif};

#[tokio::test]
async fn identity_updates_need_the_current_version_and_keep_every_version() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = create_usager(
            s,
            &w.secr_a,
            &with_used_name(ident("DUPONT", &["Odette"], "1943-04-04", "F"), "MARTIN"),
            w.org.a,
        )
        .await;
        let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
        let v1 = s.usager(&write).await.unwrap().unwrap();
        assert_eq!((v1.version, v1.statut_identite.code()), (1, "PROV"));

        let edit = with_used_name(ident("DUPONT", &["Odette"], "1943-04-04", "F"), "ROUX");
        let v = s
            .update_identite_unchecked(
                &write,
                1,
                &edit,
                "PROV",
                false,
                serde_json::json!({"traits_modifies": false}),
            )
            .await
            .unwrap();
        assert_eq!(v, 2, "{engine}");
        assert_eq!(found(s, &w.secr_a, "roux").await, vec![id]);
        // The later words typed are checked against the new names too.
        assert_eq!(
            found(s, &w.secr_a, "dupont roux").await,
            vec![id],
            "{engine}"
        );
        assert!(
            found(s, &w.secr_a, "dupont martin").await.is_empty(),
            "{engine}"
        );
        assert!(
            found(s, &w.secr_a, "martin").await.is_empty(),
            "{engine}: l'ancien nom n'est plus indexé"
        );

        // Stale: refused, nothing changed, no version kept.
        let stale = with_used_name(ident("DURAND", &["Odile"], "1943-04-04", "F"), "BLANC");
        let err = s
            .update_identite_unchecked(&write, 1, &stale, "PROV", false, serde_json::json!({}))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::StaleVersion), "{engine}: {err:?}");
        let now = s.usager(&write).await.unwrap().unwrap();
        assert_eq!(
            (
                now.version,
                now.nom_naissance.as_str(),
                now.nom_utilise.as_deref(),
                now.premier_prenom.as_str()
            ),
            (2, "DUPONT", Some("ROUX"), "Odette")
        );
        assert!(found(s, &w.secr_a, "blanc").await.is_empty());
        assert!(found(s, &w.secr_a, "durand").await.is_empty());
        let versions = s.identite_versions(&write).await.unwrap();
        assert_eq!(versions.len(), 1, "{engine}");
        let (n, data, by, _) = &versions[0];
        assert_eq!((*n, *by), (1, Some(w.secr_a.id)));
        let old: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(
            (old["version"].as_i64(), old["nom_utilise"].as_str()),
            (Some(1), Some("MARTIN"))
        );

        // A read capability cannot write; another file's capability is not this one.
        let read = cap(s, &w.educ_a, id, Action::Lire).await;
        assert_eq!(
            refus(
                s.update_identite_unchecked(&read, 2, &edit, "PROV", false, serde_json::json!({}))
                    .await
            ),
            Refus::NonPermisParLeRole
        );

        let edit3 = ident("DUPOND", &["Odette", "Jeanne"], "1943-04-04", "F");
        assert_eq!(
            s.update_identite_unchecked(&write, 2, &edit3, "PROV", false, serde_json::json!({}))
                .await
                .unwrap(),
            3
        );
        let versions: Vec<i64> = s
            .identite_versions(&write)
            .await
            .unwrap()
            .iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(
            versions,
            vec![2, 1],
            "{engine}: du plus récent au plus ancien"
        );
        assert_eq!(found(s, &w.secr_a, "jeanne").await, vec![id]);
        assert_eq!(
            audit_by_action(s, "usager.identite.modification")
                .await
                .len(),
            2
        );

        // Two saves from the same version at the same time: one wins, the other is told its
        // version is stale (on PostgreSQL both read version 3 before either writes).
        let a = ident("DUPOND", &["Odette", "Marie"], "1943-04-04", "F");
        let b = ident("DUPOND", &["Odette", "Louise"], "1943-04-04", "F");
        let (ra, rb) = tokio::join!(
            s.update_identite_unchecked(&write, 3, &a, "PROV", false, serde_json::json!({})),
            s.update_identite_unchecked(&write, 3, &b, "PROV", false, serde_json::json!({}))
        );
        let oks = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
        assert_eq!(oks, 1, "{engine}: {ra:?} {rb:?}");
        let lost = if ra.is_ok() { rb } else { ra };
        assert!(
            matches!(lost, Err(StoreError::StaleVersion)),
            "{engine}: {lost:?}"
        );
        assert_eq!(s.usager(&write).await.unwrap().unwrap().version, 4);
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn identity_status_stores_the_ins_and_the_document() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let id = create_usager(
            s,
            &w.secr_a,
            &ident("DUPONT", &["Hélène", "Marie"], "1979-03-12", "F"),
            w.org.a,
        )
        .await;
        let valider = cap(s, &w.secr_a, id, Action::Valider).await;
        let recup = StatutChange {
            statut: StatutIdentite::Recuperee,
            attributs: Attributs::AUCUN,
            ins: Some(Some((INS_DUPONT.into(), OID_TEST.into()))),
            justificatif: None,
            ins_interroge: true,
        };
        assert_eq!(
            s.set_statut_identite(&valider, 1, &recup, serde_json::json!({}))
                .await
                .unwrap(),
            2
        );
        let u = s.usager(&valider).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.code(),
                u.matricule_ins.as_deref(),
                u.oid_ins.as_deref()
            ),
            ("RECUP", Some(INS_DUPONT), Some(OID_TEST)),
            "{engine}"
        );
        assert!(u.ins_at.is_some() && u.justificatif_type.is_none());
        assert_eq!(found(s, &w.secr_a, INS_DUPONT).await, vec![id]);

        // Stale version: refused, nothing changed.
        let qual = StatutChange {
            statut: StatutIdentite::Qualifiee,
            attributs: Attributs::AUCUN,
            ins: None,
            justificatif: Some(TypeJustificatif::Passeport),
            ins_interroge: false,
        };
        assert!(matches!(
            s.set_statut_identite(&valider, 1, &qual, serde_json::json!({}))
                .await,
            Err(StoreError::StaleVersion)
        ));
        assert_eq!(
            s.usager(&valider)
                .await
                .unwrap()
                .unwrap()
                .statut_identite
                .code(),
            "RECUP"
        );
        assert_eq!(
            s.set_statut_identite(&valider, 2, &qual, serde_json::json!({}))
                .await
                .unwrap(),
            3
        );
        let u = s.usager(&valider).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.code(),
                u.justificatif_type.map(|t| t.code()),
                u.matricule_ins.as_deref()
            ),
            ("QUAL", Some("passeport"), Some(INS_DUPONT)),
            "{engine}"
        );
        assert!(u.justificatif_at.is_some());

        // Doubt: down to PROV, matricule removed.
        let doute = StatutChange {
            statut: StatutIdentite::Provisoire,
            attributs: Attributs::from_codes("DOUT").unwrap(),
            ins: Some(None),
            justificatif: None,
            ins_interroge: false,
        };
        s.set_statut_identite(&valider, 3, &doute, serde_json::json!({}))
            .await
            .unwrap();
        let u = s.usager(&valider).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.code(),
                u.attributs_identite.codes().as_str(),
                u.matricule_ins.as_deref(),
                u.oid_ins.as_deref(),
                u.ins_at
            ),
            ("PROV", "DOUT", None, None, None)
        );
        assert!(found(s, &w.secr_a, INS_DUPONT).await.is_empty());
        assert_eq!(s.identite_versions(&valider).await.unwrap().len(), 3);

        let read = cap(s, &w.educ_a, id, Action::Lire).await;
        assert_eq!(
            refus(
                s.set_statut_identite(&read, 4, &qual, serde_json::json!({}))
                    .await
            ),
            Refus::NonPermisParLeRole
        );
        assert_eq!(audit_by_action(s, "usager.identite.statut").await.len(), 3);
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn an_identity_edit_applies_the_rniv_rule_in_the_store() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let dupont = ident("DUPONT", &["Hélène", "Marie"], "1979-03-12", "F");
        let id = create_usager(s, &w.secr_a, &dupont, w.org.a).await;
        let valider = cap(s, &w.secr_a, id, Action::Valider).await;
        let recup = StatutChange {
            statut: StatutIdentite::Recuperee,
            attributs: Attributs::AUCUN,
            ins: Some(Some((INS_DUPONT.into(), OID_TEST.into()))),
            justificatif: None,
            ins_interroge: true,
        };
        s.set_statut_identite(&valider, 1, &recup, serde_json::json!({}))
            .await
            .unwrap();
        let write = cap(s, &w.secr_a, id, Action::Ecrire).await;
        // No strict trait changed: status and INS kept.
        let current = s.usager(&write).await.unwrap().unwrap();
        let mut edit = dupont.clone();
        edit.nom_utilise = Some("MARTIN".into());
        let v = s
            .update_identite_editee(&write, 2, &current, &edit, false, None)
            .await
            .unwrap();
        let u = s.usager(&write).await.unwrap().unwrap();
        assert_eq!(
            (u.statut_identite.code(), u.matricule_ins.as_deref()),
            ("RECUP", Some(INS_DUPONT)),
            "{engine}"
        );
        // A strict trait changed: down to PROV, the retrieved INS withdrawn.
        edit.nom_naissance = "DUPOND".into();
        s.update_identite_editee(&write, v, &u, &edit, true, None)
            .await
            .unwrap();
        let u = s.usager(&write).await.unwrap().unwrap();
        assert_eq!(
            (
                u.statut_identite.code(),
                u.matricule_ins.as_deref(),
                u.oid_ins.as_deref()
            ),
            ("PROV", None, None),
            "{engine}"
        );
        w.db.cleanup().await;
    }
}

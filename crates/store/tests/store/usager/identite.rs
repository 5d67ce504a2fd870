//! Probable duplicates, identity versions and the RNIV status with its INS and document.

use super::*;
use crate::common::recherche;
use dui_domain::policy::Section;
use dui_domain::usager::{Attributs, StatutIdentite, TypeJustificatif};
use dui_store::policy::authorize;
use dui_store::usager::DroitDoublons;

#[tokio::test]
async fn probable_duplicates_compare_close_names_on_the_same_birth_date() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let a = w.org.a;
        let lefevre = create_usager(
            s,
            &w.secr_a,
            &ident("LEFEVRE", &["Hélène"], "1940-01-01", "F"),
            a,
        )
        .await;
        let jp = create_usager(
            s,
            &w.secr_a,
            &ident("DUBOIS", &["Jean-Pierre"], "1941-02-02", "M"),
            a,
        )
        .await;
        let dart = create_usager(
            s,
            &w.secr_a,
            &ident("D'ARTAGNAN", &["Charles"], "1942-03-03", "M"),
            a,
        )
        .await;
        let epouse = create_usager(
            s,
            &w.secr_a,
            &with_used_name(ident("DUPONT", &["Odette"], "1943-04-04", "F"), "MARTIN"),
            a,
        )
        .await;
        let ins = create_usager_with(
            s,
            &w.secr_a,
            &ident("BERNARD", &["Paul"], "1944-05-05", "M"),
            Some(INS_DUPONT),
            a,
            &[],
        )
        .await;
        let girard_b = create_usager(
            s,
            &w.secr_b,
            &ident("GIRARD", &["Anne"], "1946-06-06", "F"),
            w.org.b,
        )
        .await;

        let who = principal(&w.secr_a);
        let m = load_matrix(s).await.unwrap();
        let ids = |c: &[dui_store::usager::Candidat]| c.iter().map(|x| x.id).collect::<Vec<_>>();

        for (traits, expected, label) in [
            (
                traits("LEFEBVRE", "Hélène", "1940-01-01"),
                lefevre,
                "Lefèvre / LEFEBVRE",
            ),
            (
                traits("LEFEVRE", "HELENE", "1940-01-01"),
                lefevre,
                "Hélène / HELENE",
            ),
            (
                traits("DUBOIS", "JEAN PIERRE", "1941-02-02"),
                jp,
                "Jean-Pierre / JEAN PIERRE",
            ),
            (
                traits("DARTAGNAN", "Charles", "1942-03-03"),
                dart,
                "D'Artagnan / DARTAGNAN",
            ),
            (
                traits("MARTIN", "Odette", "1943-04-04"),
                epouse,
                "nom d'usage / nom de naissance",
            ),
        ] {
            let c = s
                .doublons_probables(
                    DroitDoublons::Creation(&recherche(s, &who).await),
                    &m,
                    &traits,
                    at(1),
                )
                .await
                .unwrap();
            assert_eq!(ids(&c), vec![expected], "{engine}: {label}");
            let c = &c[0];
            assert_eq!(c.motif, "même date de naissance et noms proches", "{label}");
            assert!(c.visible, "{label}");
            assert_eq!(c.numero, Some(numero(expected)));
            assert!(
                c.nom_naissance.is_some()
                    && c.premier_prenom.is_some()
                    && c.date_naissance.is_some()
            );
        }
        // The used name typed at creation is compared too.
        let typed_used = TraitsCompares {
            nom_naissance: "ROUX",
            nom_utilise: Some("Dupont"),
            ..traits("", "odette", "1943-04-04")
        };
        assert_eq!(
            ids(&s
                .doublons_probables(
                    DroitDoublons::Creation(&recherche(s, &who).await),
                    &m,
                    &typed_used,
                    at(1)
                )
                .await
                .unwrap()),
            vec![epouse]
        );

        // Same INS, whatever the names and birth date.
        let same_ins = TraitsCompares {
            ins: Some(INS_DUPONT),
            ..traits("ROUSSEAU", "Luc", "1999-09-09")
        };
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &who).await),
                &m,
                &same_ins,
                at(1),
            )
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![ins], "{engine}");
        assert!(c[0].motif.contains("INS"), "{}", c[0].motif);

        // Not candidates: another birth date, other first name, other name.
        for (traits, label) in [
            (traits("LEFEVRE", "Hélène", "1940-01-02"), "autre date"),
            (traits("LEFEVRE", "Paulette", "1940-01-01"), "autre prénom"),
            (traits("GARNIER", "Hélène", "1940-01-01"), "autre nom"),
            (
                traits("DUPONT", "Charles", "1943-04-04"),
                "nom proche, prénom différent",
            ),
        ] {
            assert!(
                s.doublons_probables(
                    DroitDoublons::Creation(&recherche(s, &who).await),
                    &m,
                    &traits,
                    at(1)
                )
                .await
                .unwrap()
                .is_empty(),
                "{engine}: {label}"
            );
        }

        // Out of scope: listed, but neither number, names nor birth date shown.
        let girard = traits("GIRARD", "Anne", "1946-06-06");
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &who).await),
                &m,
                &girard,
                at(1),
            )
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![girard_b], "{engine}");
        assert!(!c[0].visible);
        assert_eq!(c[0].numero, None);
        assert!(c[0].nom_naissance.is_none() && c[0].nom_utilise.is_none());
        assert!(c[0].premier_prenom.is_none() && c[0].date_naissance.is_none());
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &principal(&w.secr_b)).await),
                &m,
                &girard,
                at(1),
            )
            .await
            .unwrap();
        assert!(c[0].visible);
        assert_eq!(c[0].nom_naissance.as_deref(), Some("GIRARD"));

        // Created anyway as a different person: HOMA, and the pair is never proposed again.
        let homonyme = create_usager_with(
            s,
            &w.secr_a,
            &ident("LEFEBVRE", &["Hélène"], "1940-01-01", "F"),
            None,
            a,
            &[lefevre],
        )
        .await;
        let read = cap(s, &w.secr_a, homonyme, Action::Lire).await;
        assert_eq!(
            s.usager(&read)
                .await
                .unwrap()
                .unwrap()
                .attributs_identite
                .codes(),
            "HOMA"
        );
        let lefevre_traits = traits("LEFEVRE", "Hélène", "1940-01-01");
        let c = s
            .doublons_probables(
                DroitDoublons::Dossier(
                    &authorize(
                        s,
                        &m,
                        &who,
                        UsagerId(lefevre),
                        Section::Administratif,
                        Action::Lire,
                        at(1),
                    )
                    .await
                    .unwrap(),
                    &who,
                ),
                &m,
                &lefevre_traits,
                at(1),
            )
            .await
            .unwrap();
        assert!(
            c.is_empty(),
            "{engine}: paire confirmée à la création : {c:?}"
        );
        // A later typo is proposed until someone confirms it is another person.
        let typo = create_usager(
            s,
            &w.secr_a,
            &ident("LEFEVRE", &["Helene"], "1940-01-01", "F"),
            a,
        )
        .await;
        let c = s
            .doublons_probables(
                DroitDoublons::Dossier(
                    &authorize(
                        s,
                        &m,
                        &who,
                        UsagerId(lefevre),
                        Section::Administratif,
                        Action::Lire,
                        at(1),
                    )
                    .await
                    .unwrap(),
                    &who,
                ),
                &m,
                &lefevre_traits,
                at(1),
            )
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![typo], "{engine}");
        let reader = cap(s, &w.educ_a, lefevre, Action::Lire).await;
        assert_eq!(
            refus(s.confirmer_non_doublon(&reader, UsagerId(typo)).await),
            Refus::NonPermisParLeRole
        );
        let valider = cap(s, &w.secr_a, lefevre, Action::Valider).await;
        s.confirmer_non_doublon(&valider, UsagerId(typo))
            .await
            .unwrap();
        s.confirmer_non_doublon(&valider, UsagerId(typo))
            .await
            .unwrap(); // idempotent
        assert!(s
            .doublons_probables(
                DroitDoublons::Dossier(
                    &authorize(
                        s,
                        &m,
                        &who,
                        UsagerId(lefevre),
                        Section::Administratif,
                        Action::Lire,
                        at(1)
                    )
                    .await
                    .unwrap(),
                    &who
                ),
                &m,
                &lefevre_traits,
                at(1)
            )
            .await
            .unwrap()
            .is_empty());
        // The pair is symmetric.
        let c = s
            .doublons_probables(
                DroitDoublons::Dossier(
                    &authorize(
                        s,
                        &m,
                        &who,
                        UsagerId(typo),
                        Section::Administratif,
                        Action::Lire,
                        at(1),
                    )
                    .await
                    .unwrap(),
                    &who,
                ),
                &m,
                &lefevre_traits,
                at(1),
            )
            .await
            .unwrap();
        assert_eq!(ids(&c), vec![homonyme], "{engine}");
        // Without `exclude` (a new file) every close file is listed.
        let mut all = ids(&s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &who).await),
                &m,
                &lefevre_traits,
                at(1),
            )
            .await
            .unwrap());
        all.sort_unstable();
        assert_eq!(all, vec![lefevre, homonyme, typo]);
        assert_eq!(audit_by_action(s, "usager.non_doublon").await.len(), 2);
        w.db.cleanup().await;
    }
}

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
            .update_identite_editee(&write, 2, &current, &edit, false)
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
        s.update_identite_editee(&write, v, &u, &edit, true)
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

//! Probable duplicates across établissements (issue 14, defect 8): the caller is told in
//! full only of the files they may open; of the others only that one exists and whom to ask;
//! every check is audited with the candidates' ids.

use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Role, Section};
use dui_store::policy::{authorize, load_matrix};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    candidats_montres, numero, DroitDoublons, DOUBLON_CONTACT, DOUBLON_HORS_PERIMETRE,
};
use dui_store::Store;
use serde_json::{json, Value};

use crate::common::{
    admin, at, audit_by_action, create_usager_with, create_user, etablissement, finess, ident,
    principal, recherche, seed_org, t0, traits,
};

/// The details of the `usager.doublons` entries, oldest first, with the file they concern.
async fn checks(s: &Store) -> Vec<(String, Option<i64>, Value)> {
    audit_by_action(s, "usager.doublons")
        .await
        .into_iter()
        .map(|e| {
            assert_eq!(e.section.as_deref(), Some("administratif"));
            (
                e.username,
                e.usager_id,
                serde_json::from_str(&e.detail).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_duplicate_outside_the_scope_is_told_without_id_or_number_and_every_check_is_audited() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        let mut input = etablissement(org.organisme, "CHRS Le Relais", &finess(69, 300));
        input.categorie = "214".into();
        input.domaine = dui_domain::organisation::Domaine::Ahi;
        let chrs = s
            .create_etablissement(&admin(), &input, t0())
            .await
            .unwrap();
        let secr_ehpad = create_user(s, "secretariat.ehpad", Role::Secretariat, &[org.a]).await;
        let secr_chrs = create_user(s, "secretariat.chrs", Role::Secretariat, &[chrs]).await;
        let lambert = ident("LAMBERT", &["Julien"], "1980-05-17", "M");
        let in_chrs = create_usager_with(s, &secr_chrs, &lambert, None, chrs, &[]).await;
        let in_ehpad = create_usager_with(
            s,
            &secr_ehpad,
            &ident("MOREL", &["Simone"], "1935-02-03", "F"),
            None,
            org.a,
            &[],
        )
        .await;
        let m = load_matrix(s).await.unwrap();
        let ehpad = principal(&secr_ehpad);

        // The EHPAD creates the person staying at the CHRS: told that a duplicate exists
        // elsewhere and whom to ask; no id, number, name, birth date or établissement.
        let t_lambert = traits("LAMBERT", "Julien", "1980-05-17");
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &ehpad).await),
                &m,
                &t_lambert,
                at(1),
            )
            .await
            .unwrap();
        assert_eq!(c.len(), 1, "{engine}");
        assert!(!c[0].visible && c[0].numero.is_none() && c[0].nom_naissance.is_none());
        assert!(c[0].premier_prenom.is_none() && c[0].date_naissance.is_none());
        let shown = serde_json::to_value(candidats_montres(&c)).unwrap();
        assert_eq!(
            shown,
            json!([{"visible": false, "meme_ins": false, "message": DOUBLON_HORS_PERIMETRE, "contact": DOUBLON_CONTACT}]),
            "{engine}"
        );
        assert!(DOUBLON_CONTACT.contains("direction"));
        // The CHRS's own secretariat is shown the file in full, with its number.
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &principal(&secr_chrs)).await),
                &m,
                &t_lambert,
                at(2),
            )
            .await
            .unwrap();
        let shown = serde_json::to_value(candidats_montres(&c)).unwrap();
        assert_eq!(shown[0]["id"], in_chrs, "{engine}: {shown}");
        assert_eq!(shown[0]["numero"], numero(in_chrs));
        assert_eq!(shown[0]["nom_naissance"], "LAMBERT");
        assert_eq!(shown[0]["visible"], true);
        // In the caller's scope: in full (the id makes the link).
        let t_morel = traits("MOREL", "Simone", "1935-02-03");
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &ehpad).await),
                &m,
                &t_morel,
                at(3),
            )
            .await
            .unwrap();
        let shown = serde_json::to_value(candidats_montres(&c)).unwrap();
        assert_eq!(
            (
                &shown[0]["id"],
                &shown[0]["numero"],
                &shown[0]["date_naissance"]
            ),
            (
                &json!(in_ehpad),
                &json!(numero(in_ehpad)),
                &json!("1935-02-03")
            ),
            "{engine}: {shown}"
        );

        // Two files out of scope: one notice still (neither which nor how many).
        let homonyme = create_usager_with(s, &secr_chrs, &lambert, None, chrs, &[in_chrs]).await;
        let c = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &ehpad).await),
                &m,
                &t_lambert,
                at(4),
            )
            .await
            .unwrap();
        assert_eq!(c.len(), 2, "{engine}");
        assert_eq!(candidats_montres(&c).len(), 1);

        // Every check that found something is audited with the candidates' ids, those out
        // of scope apart; a check on an existing file is audited on that file even when it
        // finds nothing. A new file's check that finds nothing is recorded by its creation.
        let none = s
            .doublons_probables(
                DroitDoublons::Creation(&recherche(s, &ehpad).await),
                &m,
                &traits("MOREL", "Simone", "1935-02-04"),
                at(5),
            )
            .await
            .unwrap();
        assert!(none.is_empty());
        let c = s
            .doublons_probables(
                DroitDoublons::Dossier(
                    &authorize(
                        s,
                        &m,
                        &ehpad,
                        UsagerId(in_ehpad),
                        Section::Administratif,
                        Action::Lire,
                        at(6),
                    )
                    .await
                    .unwrap(),
                    &ehpad,
                ),
                &m,
                &t_morel,
                at(6),
            )
            .await
            .unwrap();
        assert!(c.is_empty(), "{engine}: {c:?}");
        let ehpad_name = || "secretariat.ehpad".to_string();
        assert_eq!(
            checks(s).await,
            vec![
                (
                    ehpad_name(),
                    None,
                    json!({"candidats": [], "hors_perimetre": [in_chrs]})
                ),
                (
                    "secretariat.chrs".into(),
                    None,
                    json!({"candidats": [in_chrs], "hors_perimetre": []})
                ),
                (
                    ehpad_name(),
                    None,
                    json!({"candidats": [in_ehpad], "hors_perimetre": []})
                ),
                (
                    ehpad_name(),
                    None,
                    json!({"candidats": [], "hors_perimetre": [in_chrs, homonyme]})
                ),
                (
                    ehpad_name(),
                    Some(in_ehpad),
                    json!({"candidats": [], "hors_perimetre": []})
                ),
            ],
            "{engine}"
        );
        db.cleanup().await;
    }
}

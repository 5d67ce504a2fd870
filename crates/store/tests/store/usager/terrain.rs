//! Field staff (issue 16): "my people" (the stays of today by unit, the people assigned),
//! the exact identity matched outside the scope, the history of a circle entry, the end of
//! an assignment, and the break-the-glass report naming people.

use super::*;
use chrono::NaiveDate;
use dui_store::policy::authorize_recherche;
use dui_store::usager::Correspondance;

fn jour(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn my_people_are_the_stays_of_today_by_unit_or_the_assigned_people_in_pages() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let mut ids = Vec::new();
        for (k, nom) in ["DURAND", "BERNARD", "ARNAUD", "MOREAU", "PETIT"]
            .iter()
            .enumerate()
        {
            let i = ident(nom, &["Jeanne"], &format!("194{k}-01-01"), "F");
            ids.push(create_usager(s, &w.secr_a, &i, w.org.a).await);
        }
        let in_b = create_usager(
            s,
            &w.secr_b,
            &ident("LEROY", &["Paul"], "1950-01-01", "M"),
            w.org.b,
        )
        .await;
        let who = principal(&w.educ_a);
        let m = load_matrix(s).await.unwrap();
        let cap = authorize_recherche(s, &m, &who, t0()).await.unwrap();
        // The stays began on 2025-01-06: nobody before, everyone of A after, by name, in pages.
        let (avant, _) = s
            .mes_personnes(&cap, None, 10, jour("2025-01-05"), at(1))
            .await
            .unwrap()
            .unwrap();
        assert!(avant.is_empty(), "{engine}");
        let mut vus = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = s
                .mes_personnes(&cap, cursor.as_deref(), 2, jour("2026-12-06"), at(1))
                .await
                .unwrap()
                .unwrap();
            assert!(page.len() <= 2, "{engine}");
            vus.extend(page.iter().map(|p| (p.nom_naissance.clone(), p.id.get())));
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let noms: Vec<&str> = vus.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            noms,
            ["ARNAUD", "BERNARD", "DURAND", "MOREAU", "PETIT"],
            "{engine}"
        );
        assert!(
            !vus.iter().any(|(_, id)| *id == in_b),
            "{engine}: out of scope"
        );
        // Audited as searches listing the files shown.
        let entries = audit_by_action(s, "usager.recherche").await;
        assert!(
            entries.iter().any(|e| e.detail.contains("\"accueil\"") && e.detail.contains(&ids[2].to_string())),
            "{engine}"
        );
        // A home-care worker: the people assigned, with their établissement.
        let (page, _) = {
            let who = principal(&w.intervenant_a);
            let cap = authorize_recherche(s, &m, &who, t0()).await.unwrap();
            let vide = s
                .mes_personnes(&cap, None, 10, jour("2026-12-06"), at(1))
                .await
                .unwrap()
                .unwrap();
            assert!(vide.0.is_empty(), "{engine}: nobody assigned yet");
            s.assign(
                &cap_at(s, &w.secr_a, ids[0], Action::Ecrire, at(1))
                    .await
                    .unwrap(),
                w.intervenant_a.id,
            )
            .await
            .unwrap();
            s.mes_personnes(&cap, None, 10, jour("2026-12-06"), at(2))
                .await
                .unwrap()
                .unwrap()
        };
        assert_eq!(page.len(), 1, "{engine}");
        assert_eq!(page[0].id.get(), ids[0], "{engine}");
        assert_eq!(
            page[0].etablissement.as_deref(),
            Some("EHPAD Les Tilleuls"),
            "{engine}"
        );
        // Ending the assignment: audited, then nobody; ending it again is NotFound.
        let c = cap_at(s, &w.secr_a, ids[0], Action::Ecrire, at(3))
            .await
            .unwrap();
        assert_eq!(s.affectations(&c).await.unwrap().len(), 1, "{engine}");
        s.fin_affectation(&c, w.intervenant_a.id).await.unwrap();
        assert!(
            matches!(
                s.fin_affectation(&c, w.intervenant_a.id).await,
                Err(StoreError::NotFound)
            ),
            "{engine}"
        );
        assert_eq!(
            audit_by_action(s, "usager.affectation.fin").await.len(),
            1,
            "{engine}"
        );
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn an_exact_identity_outside_the_scope_is_matched_and_nothing_else() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let h = create_usager(
            s,
            &w.secr_b,
            &ident("DUPONT", &["Hélène", "Marie"], "1938-04-12", "F"),
            w.org.b,
        )
        .await;
        let m = load_matrix(s).await.unwrap();
        let cap = authorize_recherche(s, &m, &principal(&w.educ_a), t0())
            .await
            .unwrap();
        let num = numero(h);
        for (texte, attendu) in [
            (
                "Dupont Hélène 12/04/1938",
                Some(Correspondance::Une(UsagerId(h))),
            ),
            (
                "hélène DUPONT 1938-04-12",
                Some(Correspondance::Une(UsagerId(h))),
            ),
            (num.as_str(), Some(Correspondance::Une(UsagerId(h)))),
            ("Dupont 12/04/1938", None),
            ("Dup Hél 12/04/1938", None),
            ("Dupont Hélène", None),
            ("1938", None),
        ] {
            assert_eq!(
                s.correspondance_hors_perimetre(&cap, texte, at(1))
                    .await
                    .unwrap(),
                attendu,
                "{engine}: {texte}"
            );
        }
        // Two files with the same identity: the identity must be made precise.
        create_usager(
            s,
            &w.secr_b,
            &ident("DUPONT", &["Hélène"], "1938-04-12", "F"),
            w.org.b,
        )
        .await;
        assert_eq!(
            s.correspondance_hors_perimetre(&cap, "Dupont Hélène 12/04/1938", at(1))
                .await
                .unwrap(),
            Some(Correspondance::Plusieurs),
            "{engine}"
        );
        // Not for a relative (no break-the-glass).
        let proche = create_user(s, "proche.t", Role::Proche, &[]).await;
        let cp = authorize_recherche(s, &m, &principal(&proche), t0())
            .await
            .unwrap();
        assert_eq!(
            s.correspondance_hors_perimetre(&cp, num.as_str(), at(1))
                .await
                .unwrap(),
            None,
            "{engine}"
        );
        // The break-the-glass report names the person and the professional.
        s.ouvrir_acces_exceptionnel(&principal(&w.educ_a), UsagerId(h), MOTIF, 4, at(2))
            .await
            .unwrap();
        let acces = s
            .liste_acces_exceptionnels(None, None, t0(), 10)
            .await
            .unwrap();
        assert_eq!(acces[0].personne, "DUPONT Hélène", "{engine}");
        assert!(
            acces[0].utilisateur.starts_with("NOM-EDUC.A Camille"),
            "{engine}: {}",
            acces[0].utilisateur
        );
        assert_eq!(acces[0].role, "Éducateur / accompagnant", "{engine}");
        assert_eq!(acces[0].clone().vue_technique().personne, "", "{engine}");
        w.db.cleanup().await;
    }
}

#[tokio::test]
async fn a_circle_entry_keeps_what_each_change_replaced() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let h = helene(&w).await;
        let c = cap(s, &w.secr_a, h, Action::Ecrire).await;
        let mut e = EntourageInput {
            nom: "DUPONT".into(),
            prenom: "Paul".into(),
            relation: dui_domain::usager::entourage::Relation::Enfant,
            mesure_protection: None,
            mesure_debut: None,
            mesure_fin: None,
            mesure_reference: None,
            personne_confiance: false,
            date_designation: None,
            personne_a_prevenir: true,
            telephone: Some("06 11 22 33 44".into()),
            email: None,
            adresse: None,
            commentaire: None,
        };
        let eid = s.add_entourage(&c, &e).await.unwrap();
        assert_eq!(
            s.entourage_a_appeler(&c).await.unwrap().map(|x| x.id),
            Some(eid),
            "{engine}"
        );
        e.telephone = Some("07 99 88 77 66".into());
        s.update_entourage(&c, eid, 1, &e).await.unwrap();
        assert!(
            matches!(
                s.update_entourage(&c, eid, 1, &e).await,
                Err(StoreError::StaleVersion)
            ),
            "{engine}"
        );
        let v = s.entourage_versions(&c, eid).await.unwrap();
        assert_eq!(v.len(), 1, "{engine}");
        assert_eq!(v[0].version, 1, "{engine}");
        assert_eq!(v[0].donnees["telephone"], "06 11 22 33 44", "{engine}");
        assert_eq!(v[0].modifie_par, Some(w.secr_a.id), "{engine}");
        // Another file's capability reads no history of this entry.
        let autre = create_usager(
            s,
            &w.secr_a,
            &ident("MARTIN", &["Luc"], "1950-02-02", "M"),
            w.org.a,
        )
        .await;
        let ca = cap(s, &w.secr_a, autre, Action::Lire).await;
        assert!(
            s.entourage_versions(&ca, eid).await.unwrap().is_empty(),
            "{engine}"
        );
        w.db.cleanup().await;
    }
}

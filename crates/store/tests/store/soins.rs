//! The care section through the store on both engines (issue 12): the medical summary (dated,
//! authored, ended with a version, corrected, the header's alerts, the identity's alerts
//! migrated into it), observations (append-only, typed, received ones with their source), the
//! DLU assembled live with its missing items. The sealed psychology section is in
//! `psychologie.rs`.

use chrono::{Duration, NaiveDate};
use dui_domain::dlu::ElementDlu;
use dui_domain::observation::TypeObservation;
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::soins::Rubrique;
use dui_domain::usager::entourage::{Relation, RoleProfessionnel};
use dui_store::page::Page;
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    EntourageInput, EntreeSoinsInput, FinEntreeSoins, ObservationInput, ProfessionnelInput,
    RetourUrgencesInput,
};
use dui_store::StoreError;

use crate::common::{admin, at, check, create_user, insert_usager, refus, seed_org, t0};

/// The two files of the care tests.
pub(crate) const U1: i64 = 601;
pub(crate) const U2: i64 = 602;

fn entree(rubrique: Rubrique, libelle: &str) -> EntreeSoinsInput {
    EntreeSoinsInput {
        rubrique,
        libelle: libelle.into(),
        code_cim10: None,
        details: None,
        date_debut: None,
        corrige_id: None,
    }
}

pub(crate) fn invalide<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(m)) => m,
        other => panic!("refus de contenu attendu, obtenu {other:?}"),
    }
}

#[tokio::test]
async fn summary_entries_are_dated_authored_ended_with_a_version_and_corrected() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "MARTIN", org.a, None).await;
        let medecin = create_user(s, "medecin", Role::Medecin, &[org.a]).await;
        let educ = create_user(s, "educ", Role::Educateur, &[org.a]).await;
        let c = check(s, &medecin, U1, Section::Soins, Action::Ecrire, at(1))
            .await
            .unwrap();
        let allergie = s
            .add_entree_soins(&c, &entree(Rubrique::Allergie, "Pénicilline"))
            .await
            .unwrap();
        let mut diabete = entree(Rubrique::Probleme, "Diabète de type 2");
        diabete.code_cim10 = Some("E11.9".into());
        diabete.date_debut = NaiveDate::from_ymd_opt(2020, 5, 1);
        let probleme = s.add_entree_soins(&c, &diabete).await.unwrap();
        let chute = s
            .add_entree_soins(&c, &entree(Rubrique::Risque, "Risque de chute"))
            .await
            .unwrap();
        // Refused content: a made-up code, a code on an allergy, no label, a future date.
        let mut faux = diabete.clone();
        faux.code_cim10 = Some("diabète".into());
        assert!(invalide(s.add_entree_soins(&c, &faux).await).contains("CIM-10"));
        let mut code_allergie = entree(Rubrique::Allergie, "Iode");
        code_allergie.code_cim10 = Some("T88.7".into());
        assert!(invalide(s.add_entree_soins(&c, &code_allergie).await).contains("CIM-10"));
        invalide(
            s.add_entree_soins(&c, &entree(Rubrique::Allergie, "  "))
                .await,
        );
        let mut futur = entree(Rubrique::Vaccination, "Grippe");
        futur.date_debut = Some(t0().date_naive() + Duration::days(3));
        invalide(s.add_entree_soins(&c, &futur).await);

        let toutes = s.synthese_soins(&c).await.unwrap();
        assert_eq!(toutes.len(), 3, "{engine}");
        let p = toutes.iter().find(|e| e.id == probleme).unwrap();
        assert_eq!(
            (
                p.code_cim10.as_deref(),
                p.date_debut.as_deref(),
                p.auteur_role.as_str()
            ),
            (Some("E11.9"), Some("2020-05-01"), "medecin")
        );
        assert_eq!(p.auteur, "Camille Nom-medecin");
        // The header's alerts: the allergy and the risk, not the problem.
        let alertes: Vec<i64> = s
            .alertes_soins(&c)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(alertes, [allergie, chute], "{engine}");

        // Ended with the version read: stale → 409, then ended, then already ended → conflict.
        let fin = |version| FinEntreeSoins {
            date_fin: t0().date_naive(),
            motif: Some("Plus de chute depuis six mois.".into()),
            version,
        };
        assert!(matches!(
            s.fin_entree_soins(&c, chute, &fin(7)).await,
            Err(StoreError::StaleVersion)
        ));
        assert_eq!(s.fin_entree_soins(&c, chute, &fin(1)).await.unwrap(), 2);
        assert!(matches!(
            s.fin_entree_soins(&c, chute, &fin(2)).await,
            Err(StoreError::Conflict(_))
        ));
        let mut avant = fin(2);
        avant.date_fin = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
        assert!(invalide(
            s.fin_entree_soins(
                &c,
                probleme,
                &FinEntreeSoins {
                    version: 1,
                    ..avant
                }
            )
            .await
        )
        .contains("précéder"));
        assert!(matches!(
            s.fin_entree_soins(&c, 999_999, &fin(1)).await,
            Err(StoreError::NotFound)
        ));

        // A correction names an entry of the same file; both are kept.
        let c2 = check(s, &medecin, U2, Section::Soins, Action::Ecrire, at(1))
            .await
            .unwrap();
        let ailleurs = s
            .add_entree_soins(&c2, &entree(Rubrique::Allergie, "Latex"))
            .await
            .unwrap();
        let mut correction = entree(Rubrique::Allergie, "Amoxicilline");
        correction.corrige_id = Some(ailleurs);
        invalide(s.add_entree_soins(&c, &correction).await);
        correction.corrige_id = Some(allergie);
        let corrigee = s.add_entree_soins(&c, &correction).await.unwrap();
        let toutes = s.synthese_soins(&c).await.unwrap();
        let ancienne = toutes.iter().find(|e| e.id == allergie).unwrap();
        assert_eq!(ancienne.corrigee_par, Some(corrigee));
        assert!(!ancienne.active());
        let close = toutes.iter().find(|e| e.id == chute).unwrap();
        assert_eq!(
            (close.version, close.fin_par.as_deref()),
            (2, Some("Camille Nom-medecin"))
        );
        let alertes: Vec<i64> = s
            .alertes_soins(&c)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(alertes, [corrigee], "{engine}");
        // Keyset pages of the history, newest first.
        let page = s.entrees_soins_page(&c, Page::first(2)).await.unwrap();
        assert_eq!(
            page.iter().map(|e| e.id).collect::<Vec<_>>(),
            [corrigee, chute, probleme]
        );

        // Reading does not write; a role without the care section neither reads nor writes.
        let lire = check(s, &medecin, U1, Section::Soins, Action::Lire, at(2))
            .await
            .unwrap();
        assert!(matches!(
            s.add_entree_soins(&lire, &entree(Rubrique::Alerte, "x"))
                .await,
            Err(StoreError::Denied(_))
        ));
        assert_eq!(
            refus(check(s, &educ, U1, Section::Soins, Action::Lire, at(2)).await),
            Refus::NonPermisParLeRole
        );
        let ajouts = crate::common::audit_by_action(s, "usager.soins.entree.ajout").await;
        assert_eq!(ajouts.len(), 5, "{engine}");
        assert_eq!(
            crate::common::audit_by_action(s, "usager.soins.entree.fin")
                .await
                .len(),
            1
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_alerts_of_the_identity_are_migrated_into_the_summary_nothing_lost() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "MARTIN", org.a, None).await;
        let long = "Allergie à la pénicilline. ".repeat(20);
        // A base of the previous version: the column was there (migration 37 drops it).
        db.exec("ALTER TABLE usager ADD COLUMN alertes TEXT NOT NULL DEFAULT ''")
            .await
            .unwrap();
        db.exec("ALTER TABLE usager DROP COLUMN nom_naissance_saisi")
            .await
            .unwrap();
        db.exec("UPDATE usager SET alertes = 'Risque de chute.' WHERE id = 601")
            .await
            .unwrap();
        db.exec(&format!(
            "UPDATE usager SET alertes = '{long}' WHERE id = 602"
        ))
        .await
        .unwrap();
        // Run migration 24 again over these files, as a base of the previous version would.
        db.exec("DROP TABLE observation").await.unwrap();
        db.exec("DROP TABLE soins_entree").await.unwrap();
        db.exec("DELETE FROM schema_migration WHERE version IN (24, 37)")
            .await
            .unwrap();
        s.migrate().await.unwrap();
        let medecin = create_user(s, "medecin", Role::Medecin, &[org.a]).await;
        let lire = |u| check(s, &medecin, u, Section::Soins, Action::Lire, at(1));
        let e1 = s.synthese_soins(&lire(U1).await.unwrap()).await.unwrap();
        assert_eq!(e1.len(), 1, "{engine}");
        assert_eq!(
            (
                e1[0].rubrique,
                e1[0].libelle.as_str(),
                e1[0].details.as_deref()
            ),
            (Rubrique::Alerte, "Risque de chute.", None)
        );
        let e2 = s.synthese_soins(&lire(U2).await.unwrap()).await.unwrap();
        assert_eq!(e2[0].libelle.chars().count(), 300, "{engine}");
        assert!(e2[0].libelle.ends_with('…'));
        assert_eq!(e2[0].details.as_deref(), Some(long.trim()));
        // The emptied column is gone.
        assert!(
            db.exec("UPDATE usager SET alertes = '' WHERE id = 601")
                .await
                .is_err(),
            "{engine}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn observations_are_append_only_typed_and_received_ones_carry_their_source() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "MARTIN", org.a, None).await;
        let medecin = create_user(s, "medecin", Role::Medecin, &[org.a]).await;
        let ide = create_user(s, "ide", Role::Infirmier, &[org.a]).await;
        let obs = |t, texte: &str, source: Option<&str>| ObservationInput {
            type_observation: t,
            texte: texte.into(),
            date_observation: Some(at(-60)),
            source: source.map(str::to_string),
            corrige_id: None,
        };
        let ci = check(s, &ide, U1, Section::Soins, Action::Ecrire, at(1))
            .await
            .unwrap();
        let cm = check(s, &medecin, U1, Section::Soins, Action::Ecrire, at(1))
            .await
            .unwrap();
        let soin = s
            .add_observation(
                &ci,
                &obs(TypeObservation::Infirmiere, "Pansement refait.", None),
            )
            .await
            .unwrap();
        // A medical observation is a doctor's, unless received with its source.
        let m = invalide(
            s.add_observation(&ci, &obs(TypeObservation::Medicale, "Examen.", None))
                .await,
        );
        assert!(m.contains("médecin"), "{m}");
        let recue = s
            .add_observation(
                &ci,
                &obs(
                    TypeObservation::Medicale,
                    "Compte rendu d'hospitalisation.",
                    Some("CH Lyon Sud"),
                ),
            )
            .await
            .unwrap();
        let medicale = s
            .add_observation(
                &cm,
                &obs(TypeObservation::Medicale, "Auscultation normale.", None),
            )
            .await
            .unwrap();
        invalide(
            s.add_observation(&ci, &obs(TypeObservation::Infirmiere, " ", None))
                .await,
        );
        let mut futur = obs(TypeObservation::Kinesitherapie, "Marche.", None);
        futur.date_observation = Some(at(60 * 24));
        invalide(s.add_observation(&ci, &futur).await);
        // Corrections: same file only, both kept.
        let c2 = check(s, &ide, U2, Section::Soins, Action::Ecrire, at(1))
            .await
            .unwrap();
        let ailleurs = s
            .add_observation(&c2, &obs(TypeObservation::Infirmiere, "Autre.", None))
            .await
            .unwrap();
        let mut corr = obs(
            TypeObservation::Infirmiere,
            "Pansement du talon gauche refait.",
            None,
        );
        corr.corrige_id = Some(ailleurs);
        invalide(s.add_observation(&ci, &corr).await);
        corr.corrige_id = Some(soin);
        let correction = s.add_observation(&ci, &corr).await.unwrap();
        let page = s.observations_page(&cm, Page::first(10)).await.unwrap();
        let ids: Vec<i64> = page.iter().map(|o| o.id).collect();
        assert_eq!(ids, [correction, medicale, recue, soin], "{engine}");
        let o = |id| page.iter().find(|o| o.id == id).unwrap();
        assert_eq!(o(soin).corrigee_par, Some(correction));
        assert_eq!(o(correction).corrige_id, Some(soin));
        assert_eq!(
            (o(recue).source.as_deref(), o(recue).auteur_role.as_str()),
            (Some("CH Lyon Sud"), "infirmier")
        );
        let deux = s
            .observations_page(
                &cm,
                Page {
                    after: Some(medicale),
                    limit: 1,
                },
            )
            .await
            .unwrap();
        assert_eq!(deux[0].id, recue);
        assert_eq!(
            crate::common::audit_by_action(s, "usager.observation.ajout")
                .await
                .len(),
            5
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_dlu_is_assembled_live_and_flags_the_missing_mandatory_items() {
    for engine in engines() {
        let db = TestDb::new(engine).await.unwrap();
        let s = &db.store;
        let org = seed_org(s).await;
        insert_usager(&db, U1, "DUPONT", org.a, None).await;
        insert_usager(&db, U2, "MARTIN", org.a, None).await;
        let medecin = create_user(s, "medecin", Role::Medecin, &[org.a]).await;
        let secr = create_user(s, "secr", Role::Secretariat, &[org.a]).await;
        let adm = check(s, &medecin, U1, Section::Administratif, Action::Lire, at(1))
            .await
            .unwrap();
        let soins = check(s, &medecin, U1, Section::Soins, Action::Ecrire, at(1))
            .await
            .unwrap();
        let dlu = s.dlu(&adm, &soins).await.unwrap();
        assert_eq!(dlu.manquants, ElementDlu::ALL, "{engine}");
        assert_eq!(dlu.sejour.as_ref().map(|x| x.etablissement_id), Some(org.a));
        for (r, l) in [
            (Rubrique::Allergie, "Aucune allergie connue"),
            (Rubrique::Directives, "Pas de directives anticipées"),
            (Rubrique::Palliatif, "Non"),
            (Rubrique::Traitement, "Paracétamol 1 g si douleur"),
        ] {
            s.add_entree_soins(&soins, &entree(r, l)).await.unwrap();
        }
        let dlu = s.dlu(&adm, &soins).await.unwrap();
        assert_eq!(
            dlu.manquants,
            [
                ElementDlu::MatriculeIns,
                ElementDlu::MedecinTraitant,
                ElementDlu::PersonneConfiance
            ],
            "{engine}"
        );
        // The circle and the médecin traitant, written by the secretariat.
        let a = check(s, &secr, U1, Section::Administratif, Action::Ecrire, at(2))
            .await
            .unwrap();
        let pdc = EntourageInput {
            nom: "Dupont".into(),
            prenom: "Paul".into(),
            relation: Relation::Enfant,
            mesure_protection: None,
            mesure_debut: None,
            mesure_fin: None,
            mesure_reference: None,
            personne_confiance: true,
            date_designation: Some("2025-01-06".into()),
            personne_a_prevenir: true,
            telephone: Some("06 12 34 56 78".into()),
            email: None,
            adresse: None,
            commentaire: None,
        };
        s.add_entourage(&a, &pdc).await.unwrap();
        let pro = ProfessionnelInput {
            nom: "Lambert".into(),
            prenom: "Jeanne".into(),
            fonction: "Médecin généraliste".into(),
            ..Default::default()
        };
        let lambert = s.create_professionnel(&admin(), &pro, at(2)).await.unwrap();
        s.link_professionnel(&a, lambert, RoleProfessionnel::MedecinTraitant)
            .await
            .unwrap();
        let dlu = s.dlu(&adm, &soins).await.unwrap();
        assert_eq!(dlu.manquants, [ElementDlu::MatriculeIns], "{engine}");
        assert_eq!(
            dlu.personne_confiance.as_ref().map(|p| p.prenom.as_str()),
            Some("Paul")
        );
        assert_eq!(dlu.personnes_a_prevenir.len(), 1);
        assert_eq!(
            dlu.medecin_traitant.as_ref().map(|p| p.nom.as_str()),
            Some("Lambert")
        );
        assert_eq!(
            dlu.rubrique(Rubrique::Allergie)[0].libelle,
            "Aucune allergie connue"
        );
        // Live: ending the treatment flags it again.
        let traitement = dlu.rubrique(Rubrique::Traitement)[0].id;
        let fin = FinEntreeSoins {
            date_fin: t0().date_naive(),
            motif: None,
            version: 1,
        };
        s.fin_entree_soins(&soins, traitement, &fin).await.unwrap();
        let dlu = s.dlu(&adm, &soins).await.unwrap();
        assert_eq!(
            dlu.manquants,
            [ElementDlu::MatriculeIns, ElementDlu::Traitements]
        );
        // The return sheet of the emergency service.
        let retour = RetourUrgencesInput {
            date_retour: t0().date_naive(),
            service: Some("Urgences du CH".into()),
            diagnostic: "Contusion du genou.".into(),
            examens: None,
            traitement: None,
            surveillance: Some("Douleur".into()),
            suivi: None,
        };
        let r = s.add_retour_urgences(&soins, &retour).await.unwrap();
        invalide(
            s.add_retour_urgences(
                &soins,
                &RetourUrgencesInput {
                    diagnostic: " ".into(),
                    ..retour.clone()
                },
            )
            .await,
        );
        let dlu = s.dlu(&adm, &soins).await.unwrap();
        assert_eq!(dlu.retours.iter().map(|x| x.id).collect::<Vec<_>>(), [r]);
        // Two files' capabilities never make one DLU.
        let autre = check(s, &medecin, U2, Section::Soins, Action::Lire, at(3))
            .await
            .unwrap();
        assert!(matches!(
            s.dlu(&adm, &autre).await,
            Err(StoreError::Denied(_))
        ));
        db.cleanup().await;
    }
}

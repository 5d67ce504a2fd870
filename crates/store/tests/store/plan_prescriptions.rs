//! Care (issue 12, SOI-1 and SOI-3): the care plan with versions, the worksheet generated
//! from it and its acts validated once only, vital signs with bounds and alerts against
//! default or personal thresholds, prescriptions by an RPPS, their history, and the
//! medication round (no dose without an active prescription, refusals recorded); care aides
//! record acts and measures but neither prescribe nor give medicines.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use dui_domain::constantes::{Alerte, Seuils, TypeMesure};
use dui_domain::feuille_soins::{Poste, StatutActe};
use dui_domain::plan_soins::{Intervenant, TypeActe, TypeFrequence};
use dui_domain::policy::{Action, Refus, Role, Section};
use dui_domain::prescription::{StatutAdministration, TypePrescription, Voie};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::policy::{authorize_soins_unite, load_matrix, Capability, CapaciteSoins};
use dui_store::testing::{engines, TestDb};
use dui_store::usager::{
    ActePlanInput, Administration, ConstanteInput, PrescriptionInput, Realisation,
    TermesPrescription,
};
use dui_store::{Store, StoreError, StoreResult};

use crate::common::{
    audit_by_action, check, create_usager, create_user, ident, principal, refus, seed_org,
};
use crate::sejours::d;

/// 2026-03-02 (a Monday) 10:00 in Paris.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A valid RPPS number (Luhn key).
pub(crate) const RPPS: &str = "10000000009";

pub(crate) struct World {
    pub(crate) db: TestDb,
    pub(crate) etab: i64,
    pub(crate) autre: i64,
    pub(crate) usager: i64,
    pub(crate) infirmier: Utilisateur,
    pub(crate) aide: Utilisateur,
    pub(crate) medecin: Utilisateur,
}

pub(crate) async fn world(engine: &str) -> World {
    let db = TestDb::new(engine).await.unwrap();
    let s = &db.store;
    let org = seed_org(s).await;
    let secr = create_user(s, "secr", Role::Secretariat, &[org.a]).await;
    let infirmier = create_user(s, "ide", Role::Infirmier, &[org.a]).await;
    let aide = create_user(s, "as", Role::AideSoignant, &[org.a]).await;
    let medecin = create_user(s, "medco", Role::Medecin, &[org.a]).await;
    let usager = create_usager(
        s,
        &secr,
        &ident("MARTIN", &["Jeanne"], "1935-05-01", "F"),
        org.a,
    )
    .await;
    World {
        db,
        etab: org.a,
        autre: org.b,
        usager,
        infirmier,
        aide,
        medecin,
    }
}

pub(crate) async fn soins(
    s: &Store,
    who: &Utilisateur,
    usager: i64,
    action: Action,
) -> StoreResult<Capability> {
    check(s, who, usager, Section::Soins, action, now()).await
}

pub(crate) async fn unite(
    s: &Store,
    who: &Utilisateur,
    etab: i64,
    action: Action,
) -> StoreResult<CapaciteSoins> {
    let m = load_matrix(s).await?;
    authorize_soins_unite(s, &m, &principal(who), etab, action, now()).await
}

fn acte(libelle: &str, horaires: &str) -> ActePlanInput {
    ActePlanInput {
        type_acte: TypeActe::SoinInfirmier,
        libelle: libelle.into(),
        intervenant: Intervenant::Infirmier,
        type_frequence: TypeFrequence::Quotidien,
        jours_semaine: String::new(),
        intervalle: 1,
        horaires: horaires.into(),
        date_debut: "2026-03-01".into(),
        date_fin: None,
        consignes: None,
        actif: true,
    }
}

#[tokio::test]
async fn the_worksheet_comes_from_the_plans_and_acts_are_validated_once() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let ide = soins(s, &w.infirmier, w.usager, Action::Valider)
            .await
            .unwrap();
        let pansement = s
            .ajouter_acte_plan(&ide, &acte("Pansement talon", "08:00, 18:00"))
            .await
            .unwrap();
        let mut toilette = acte("Aide à la toilette", "07:30");
        toilette.type_acte = TypeActe::Hygiene;
        toilette.intervenant = Intervenant::AideSoignant;
        let toilette = s.ajouter_acte_plan(&ide, &toilette).await.unwrap();
        // A care aide does not change the plan.
        let as_ecrit = soins(s, &w.aide, w.usager, Action::Ecrire).await.unwrap();
        assert_eq!(
            refus(s.ajouter_acte_plan(&as_ecrit, &acte("X", "09:00")).await),
            Refus::NonPermisParLeRole
        );
        assert!(soins(s, &w.aide, w.usager, Action::Valider).await.is_err());
        // Bad frequencies are refused in French.
        let mut mauvais = acte("Y", "25:00");
        assert!(
            matches!(s.ajouter_acte_plan(&ide, &mauvais).await, Err(StoreError::Invalid(m)) if m.contains("HH:MM"))
        );
        mauvais.horaires = "09:00".into();
        mauvais.type_frequence = TypeFrequence::JoursSemaine;
        assert!(matches!(
            s.ajouter_acte_plan(&ide, &mauvais).await,
            Err(StoreError::Invalid(_))
        ));
        // Versions: a stale edit is refused.
        let a = s.acte_plan(&ide, pansement).await.unwrap().unwrap();
        let mut change = a.fields.clone();
        change.horaires = "08:00,18:00".into();
        change.consignes = Some("Hydrocolloïde".into());
        let v2 = s
            .modifier_acte_plan(&ide, pansement, a.version, &change)
            .await
            .unwrap();
        assert_eq!(v2, a.version + 1);
        assert!(matches!(
            s.modifier_acte_plan(&ide, pansement, a.version, &change)
                .await,
            Err(StoreError::StaleVersion)
        ));
        assert_eq!(s.plan_soins(&ide, false).await.unwrap().len(), 2);

        // The morning of 2026-03-02: the toilet at 07:30 and the dressing at 08:00.
        let lire = unite(s, &w.aide, w.etab, Action::Lire).await.unwrap();
        let f = s
            .feuille_soins(&lire, None, d("2026-03-02"), Poste::Matin)
            .await
            .unwrap();
        let dus: Vec<(&str, &str)> = f
            .actes
            .iter()
            .map(|a| (a.horaire.as_str(), a.libelle.as_str()))
            .collect();
        assert_eq!(
            dus,
            [
                ("07:30", "Aide à la toilette"),
                ("08:00", "Pansement talon")
            ],
            "{engine}"
        );
        assert_eq!(f.actes[0].nom, "MARTIN Jeanne");
        let soir = s
            .feuille_soins(&lire, None, d("2026-03-02"), Poste::ApresMidi)
            .await
            .unwrap();
        assert_eq!(soir.actes.len(), 1);
        assert!(
            unite(s, &w.aide, w.autre, Action::Lire).await.is_err(),
            "another établissement"
        );

        // The care aide validates both at once: done, and not done with its reason.
        let ecrire = unite(s, &w.aide, w.etab, Action::Ecrire).await.unwrap();
        let prevu = |i: usize| dui_store::parse_ts(&f.actes[i].prevu_a).unwrap();
        let saisie = [
            Realisation {
                cible: toilette,
                prevu_a: prevu(0),
                statut: StatutActe::Fait,
                motif: None,
            },
            Realisation {
                cible: pansement,
                prevu_a: prevu(1),
                statut: StatutActe::NonFait,
                motif: Some("Refus de la personne".into()),
            },
        ];
        assert_eq!(s.valider_actes(&ecrire, &saisie).await.unwrap(), 2);
        // Once only.
        assert!(matches!(
            s.valider_actes(&ecrire, &saisie[..1]).await,
            Err(StoreError::Conflict(_))
        ));
        // Not done needs a reason; an act not due then is refused.
        let sans = [Realisation {
            cible: pansement,
            prevu_a: prevu(1) + Duration::hours(10),
            statut: StatutActe::NonFait,
            motif: None,
        }];
        assert!(matches!(
            s.valider_actes(&ecrire, &sans).await,
            Err(StoreError::Invalid(_))
        ));
        let hors = [Realisation {
            cible: pansement,
            prevu_a: prevu(1) + Duration::minutes(5),
            statut: StatutActe::Fait,
            motif: None,
        }];
        assert!(
            matches!(s.valider_actes(&ecrire, &hors).await, Err(StoreError::Invalid(m)) if m.contains("pas prévu"))
        );
        // A read capability does not write.
        assert!(s.valider_actes(&lire, &saisie).await.is_err());
        let f = s
            .feuille_soins(&lire, None, d("2026-03-02"), Poste::Matin)
            .await
            .unwrap();
        assert_eq!(f.actes[0].statut, Some(StatutActe::Fait));
        assert_eq!(f.actes[1].statut, Some(StatutActe::NonFait));
        assert_eq!(f.actes[1].motif.as_deref(), Some("Refus de la personne"));
        assert_eq!(f.actes[0].par.as_deref(), Some("Camille Nom-as"));
        assert_eq!(audit_by_action(s, "feuille_soins.saisie").await.len(), 1);
        assert_eq!(audit_by_action(s, "feuille_soins.lecture").await.len(), 3);
        // A withdrawn act leaves the worksheet.
        let a = s.acte_plan(&ide, pansement).await.unwrap().unwrap();
        let mut retire = a.fields.clone();
        retire.actif = false;
        s.modifier_acte_plan(&ide, pansement, a.version, &retire)
            .await
            .unwrap();
        let f = s
            .feuille_soins(&lire, None, d("2026-03-03"), Poste::Matin)
            .await
            .unwrap();
        assert_eq!(f.actes.len(), 1, "{engine}");
        assert_eq!(
            s.plan_soins(&ide, true).await.unwrap().len(),
            2,
            "kept in the history"
        );
    }
}

#[tokio::test]
async fn vital_signs_are_bounded_and_raise_alerts_against_the_thresholds_in_force() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        let aide = soins(s, &w.aide, w.usager, Action::Ecrire).await.unwrap();
        let mesure = |t, v, v2, minutes| ConstanteInput {
            type_mesure: t,
            valeur: v,
            valeur2: v2,
            mesure_a: now() - Duration::minutes(minutes),
            commentaire: None,
        };
        let (_, a) = s
            .ajouter_constante(&aide, &mesure(TypeMesure::Temperature, 37.8, None, 60))
            .await
            .unwrap();
        assert_eq!(a, None, "below the default 38 °C");
        let (_, a) = s
            .ajouter_constante(&aide, &mesure(TypeMesure::Temperature, 38.6, None, 30))
            .await
            .unwrap();
        assert_eq!(a, Some(Alerte::Haute));
        let r = s
            .ajouter_constante(&aide, &mesure(TypeMesure::Temperature, 52.0, None, 10))
            .await;
        assert!(
            matches!(r, Err(StoreError::Invalid(m)) if m.contains("entre 30 et 45")),
            "{engine}"
        );
        assert!(s
            .ajouter_constante(&aide, &mesure(TypeMesure::Tension, 135.0, None, 10))
            .await
            .is_err());
        s.ajouter_constante(&aide, &mesure(TypeMesure::Tension, 135.0, Some(80.0), 10))
            .await
            .unwrap();
        assert!(
            s.ajouter_constante(&aide, &mesure(TypeMesure::Pouls, 80.0, None, -60))
                .await
                .is_err(),
            "future"
        );
        // Personal thresholds: nurses and doctors only, with versions.
        let ide = soins(s, &w.infirmier, w.usager, Action::Valider)
            .await
            .unwrap();
        let propres = Seuils {
            bas: Some(36.0),
            haut: Some(37.5),
        };
        assert!(soins(s, &w.aide, w.usager, Action::Valider).await.is_err());
        assert_eq!(
            refus(
                s.modifier_seuils(&aide, TypeMesure::Temperature, Some(propres), 0)
                    .await
            ),
            Refus::NonPermisParLeRole
        );
        let v = s
            .modifier_seuils(&ide, TypeMesure::Temperature, Some(propres), 0)
            .await
            .unwrap();
        assert_eq!(v, 1);
        assert!(matches!(
            s.modifier_seuils(&ide, TypeMesure::Temperature, Some(propres), 0)
                .await,
            Err(StoreError::StaleVersion)
        ));
        let inverses = Seuils {
            bas: Some(38.0),
            haut: Some(37.0),
        };
        assert!(matches!(
            s.modifier_seuils(&ide, TypeMesure::Temperature, Some(inverses), 1)
                .await,
            Err(StoreError::Invalid(_))
        ));
        let (_, a) = s
            .ajouter_constante(&aide, &mesure(TypeMesure::Temperature, 37.8, None, 5))
            .await
            .unwrap();
        assert_eq!(
            a,
            Some(Alerte::Haute),
            "{engine}: the person's own threshold"
        );
        let seuils = s.seuils_constantes(&ide).await.unwrap();
        let t = seuils
            .iter()
            .find(|x| x.type_mesure == TypeMesure::Temperature)
            .unwrap();
        assert!(t.personnalises);
        assert_eq!(t.seuils(), propres);
        // Back to the defaults.
        assert_eq!(
            s.modifier_seuils(&ide, TypeMesure::Temperature, None, 1)
                .await
                .unwrap(),
            0
        );
        // Reads: the chart's period, the latest of each kind, the alerts.
        let serie = s
            .constantes_periode(
                &ide,
                TypeMesure::Temperature,
                now() - Duration::days(1),
                now(),
            )
            .await
            .unwrap();
        let valeurs: Vec<f64> = serie.iter().map(|c| c.valeur).collect();
        assert_eq!(valeurs, [37.8, 38.6, 37.8]);
        assert_eq!(serie[1].affichage(), "38,6 °C");
        let dernieres = s.dernieres_constantes(&ide).await.unwrap();
        assert_eq!(dernieres.len(), 2);
        assert_eq!(dernieres[1].affichage(), "135/80 mmHg");
        assert_eq!(
            s.alertes_constantes(&ide, now() - Duration::days(1))
                .await
                .unwrap()
                .len(),
            2
        );
        // The worksheet shows the alerts of the unit.
        let lire = unite(s, &w.aide, w.etab, Action::Lire).await.unwrap();
        let f = s
            .feuille_soins(&lire, None, d("2026-03-02"), Poste::Matin)
            .await
            .unwrap();
        assert_eq!(f.alertes.len(), 2, "{engine}");
        assert_eq!(f.alertes[0].nom, "MARTIN Jeanne");
        assert_eq!(audit_by_action(s, "usager.constante.ajout").await.len(), 4);
    }
}

pub(crate) fn paracetamol() -> PrescriptionInput {
    PrescriptionInput {
        type_prescription: Some(TypePrescription::Medicament),
        termes: TermesPrescription {
            libelle: "Paracétamol 500 mg, comprimé".into(),
            medicament_code: Some("LOC-PARA500".into()),
            source: Some("referentiel_local".into()),
            dose: Some("1 comprimé".into()),
            voie: Some(Voie::Orale),
            horaires: "08:00,20:00".into(),
            si_besoin: false,
            max_par_24h: None,
            date_debut: d("2026-03-01"),
            date_fin: None,
            consignes: None,
        },
        prescripteur_nom: Some("Dr Durand".into()),
        prescripteur_rpps: Some(RPPS.into()),
    }
}

#[tokio::test]
async fn prescriptions_keep_their_history_and_the_round_needs_an_active_one() {
    for engine in engines() {
        let w = world(engine).await;
        let s = &w.db.store;
        // A care aide does not prescribe.
        assert!(soins(s, &w.aide, w.usager, Action::Valider).await.is_err());
        let ide = soins(s, &w.infirmier, w.usager, Action::Valider)
            .await
            .unwrap();
        let mut faux = paracetamol();
        faux.prescripteur_rpps = Some("10000000008".into());
        assert!(
            matches!(s.prescrire(&ide, &faux).await, Err(StoreError::Invalid(m)) if m.contains("RPPS")),
            "{engine}"
        );
        let mut sans = paracetamol();
        sans.termes.horaires = String::new();
        assert!(matches!(
            s.prescrire(&ide, &sans).await,
            Err(StoreError::Invalid(_))
        ));
        let para = s.prescrire(&ide, &paracetamol()).await.unwrap();
        // A doctor prescribes under the RPPS of the account, which this one lacks.
        let med = soins(s, &w.medecin, w.usager, Action::Valider)
            .await
            .unwrap();
        let mut propre = paracetamol();
        propre.prescripteur_nom = None;
        propre.prescripteur_rpps = None;
        assert!(
            matches!(s.prescrire(&med, &propre).await, Err(StoreError::Invalid(m)) if m.contains("RPPS"))
        );

        // The round of 08:00 (07:00 UTC in winter).
        let lire = unite(s, &w.aide, w.etab, Action::Lire).await.unwrap();
        let huit = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let t = s
            .tour_medicaments(&lire, None, d("2026-03-02"), huit)
            .await
            .unwrap();
        assert_eq!(t.heures, ["08:00", "20:00"]);
        assert_eq!(t.doses.len(), 1);
        assert_eq!(t.doses[0].prevu_a, "2026-03-02T07:00:00.000000Z");
        // Care aides do not give medicines unless granted.
        assert_eq!(
            refus(unite(s, &w.aide, w.etab, Action::Valider).await),
            Refus::NonPermisParLeRole
        );
        let donner = unite(s, &w.infirmier, w.etab, Action::Valider)
            .await
            .unwrap();
        let prevu = dui_store::parse_ts(&t.doses[0].prevu_a).unwrap();
        let dose = |statut, motif: Option<&str>, prevu| Administration {
            cible: para,
            prevu_a: prevu,
            statut,
            motif: motif.map(String::from),
        };
        assert_eq!(
            s.administrer(&donner, &[dose(StatutAdministration::Donne, None, prevu)])
                .await
                .unwrap(),
            1
        );
        assert!(matches!(
            s.administrer(&donner, &[dose(StatutAdministration::Donne, None, prevu)])
                .await,
            Err(StoreError::Conflict(_))
        ));
        // Not one of its times; not given without a reason.
        let midi = prevu + Duration::hours(4);
        assert!(matches!(
            s.administrer(&donner, &[dose(StatutAdministration::Donne, None, midi)])
                .await,
            Err(StoreError::Invalid(_))
        ));
        let veille = prevu - Duration::days(1);
        assert!(matches!(
            s.administrer(
                &donner,
                &[dose(StatutAdministration::NonDonne, None, veille)]
            )
            .await,
            Err(StoreError::Invalid(_))
        ));
        // The refusal of the evening before is recorded.
        let veille_soir = prevu - Duration::hours(12);
        s.administrer(
            &donner,
            &[dose(
                StatutAdministration::Refuse,
                Some("Refuse de prendre"),
                veille_soir,
            )],
        )
        .await
        .unwrap();
        let t = s
            .tour_medicaments(&lire, None, d("2026-03-02"), huit)
            .await
            .unwrap();
        assert_eq!(t.doses[0].statut, Some(StatutAdministration::Donne));
        assert_eq!(audit_by_action(s, "tour_medicaments.saisie").await.len(), 2);

        // A change stops it and adds the new one pointing back; the old one is kept.
        let p = s.prescription(&ide, para).await.unwrap().unwrap();
        assert!(p.active);
        let mut dose_changee = paracetamol();
        dose_changee.termes.libelle = "Paracétamol 1 g, comprimé".into();
        dose_changee.termes.horaires = "08:00".into();
        let nouvelle = s
            .modifier_prescription(&ide, para, p.version, &dose_changee)
            .await
            .unwrap();
        assert!(matches!(
            s.modifier_prescription(&ide, para, p.version, &dose_changee)
                .await,
            Err(StoreError::StaleVersion)
        ));
        let toutes = s.prescriptions(&ide, true).await.unwrap();
        assert_eq!(toutes.len(), 2);
        assert_eq!(toutes[0].remplace_id, Some(para));
        assert!(!toutes[1].active && toutes[1].arret_a.is_some());
        assert_eq!(s.traitements_en_cours(&ide).await.unwrap().len(), 1);
        // No dose outside an active prescription: one that starts later.
        let mut plus_tard = paracetamol();
        plus_tard.termes.date_debut = d("2026-03-05");
        let futur = s.prescrire(&ide, &plus_tard).await.unwrap();
        let r = s
            .administrer(
                &donner,
                &[Administration {
                    cible: futur,
                    ..dose(StatutAdministration::Donne, None, veille_soir)
                }],
            )
            .await;
        assert!(
            matches!(r, Err(StoreError::Invalid(m)) if m.contains("Aucune prescription active")),
            "{engine}"
        );
        // Stopping.
        let n = s.prescription(&ide, nouvelle).await.unwrap().unwrap();
        s.arreter_prescription(&ide, nouvelle, n.version, Some("Fin du traitement"))
            .await
            .unwrap();
        assert!(matches!(
            s.arreter_prescription(&ide, nouvelle, n.version + 1, None)
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(
            s.traitements_en_cours(&ide).await.unwrap().is_empty(),
            "the one starting later is not yet"
        );
        assert_eq!(
            audit_by_action(s, "usager.prescription.arret").await.len(),
            1
        );
    }
}

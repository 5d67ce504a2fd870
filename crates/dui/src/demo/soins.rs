//! Demo care data, written through the product's own path (each write authorized for a demo
//! account and audited): medical summaries (allergies, problems with CIM-10 codes, history,
//! treatments, vaccinations, devices, diet, risks, advance directives…) for the EHPAD's
//! residents, some with a DLU item missing on purpose (no advance directives, no médecin
//! traitant), an ended entry and a correction in the history; nursing, medical and received
//! observations; a return sheet of the emergency service; psychologists' notes at the IME.

use chrono::{Duration, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::observation::TypeObservation;
use dui_domain::policy::{Action, Matrice, Role, Section};
use dui_domain::psychologie::TypeNote;
use dui_domain::soins::Rubrique;
use dui_domain::usager::entourage::{Relation, RoleProfessionnel};
use dui_store::policy::{authorize, load_matrix, Capability, Principal};
use dui_store::usager::{
    EntourageInput, EntreeSoinsInput, FinEntreeSoins, NotePsychologieInput, ObservationInput,
    ProfessionnelInput, Recherche, RetourUrgencesInput,
};
use dui_store::Store;

use super::DemoOrg;

/// Residents of the EHPAD who get a medical summary.
const RESIDENTS: i64 = 24;
/// Children of the IME who get psychologists' notes.
const ENFANTS: i64 = 6;

const PROBLEMES: &[(&str, &str)] = &[
    ("Maladie d'Alzheimer", "G30.9"),
    ("Hypertension artérielle", "I10"),
    ("Diabète de type 2", "E11.9"),
    ("Insuffisance cardiaque", "I50.9"),
    ("Arthrose des genoux", "M17.9"),
    ("Dénutrition modérée", "E44.0"),
];
const ALLERGIES: &[&str] = &[
    "Pénicilline",
    "Aucune allergie connue",
    "Iode (produits de contraste)",
    "Aucune allergie connue",
    "Latex",
];
const TRAITEMENTS: &[&str] = &[
    "Paracétamol 1 g matin et soir",
    "Amlodipine 5 mg le matin",
    "Metformine 500 mg matin et soir",
    "Furosémide 40 mg le matin",
    "Donépézil 10 mg le soir",
];
const RISQUES: &[&str] = &[
    "Risque de chute",
    "Risque de fausse route",
    "Risque d'escarre",
    "Risque de fugue / déambulation",
];

/// Up to `n` usagers staying in `etablissement`.
pub(super) async fn usagers(
    store: &Store,
    m: &Matrice,
    etablissement: i64,
    n: i64,
) -> anyhow::Result<Vec<i64>> {
    let now = Utc::now();
    let who = Principal {
        id: 0,
        username: "demo".into(),
        role: Role::Direction,
        etablissements: vec![etablissement],
        usager_id: None,
        ip: None,
    };
    let cap = dui_store::policy::authorize_recherche(store, m, &who, now).await?;
    let mut ids = Vec::new();
    for lettre in ["A", "E", "I", "O", "U"] {
        let r = Recherche {
            texte: lettre.into(),
            etablissement: Some(etablissement),
            limit: n,
            cursor: None,
        };
        for f in store.rechercher_usagers(&cap, &r, now).await?.0 {
            if !ids.contains(&f.id) && (ids.len() as i64) < n {
                ids.push(f.id);
            }
        }
    }
    Ok(ids)
}

/// The capability of `who` on a section of a file.
async fn cap(
    store: &Store,
    m: &Matrice,
    who: &Principal,
    id: i64,
    section: Section,
    action: Action,
) -> anyhow::Result<Capability> {
    Ok(authorize(store, m, who, UsagerId(id), section, action, Utc::now()).await?)
}

fn entree(
    rubrique: Rubrique,
    libelle: &str,
    code: Option<&str>,
    debut: Option<NaiveDate>,
) -> EntreeSoinsInput {
    EntreeSoinsInput {
        rubrique,
        libelle: libelle.into(),
        code_cim10: code.map(str::to_string),
        details: None,
        date_debut: debut,
        corrige_id: None,
    }
}

/// The medical summary of the `i`-th resident, written by the doctor.
async fn synthese(store: &Store, c: &Capability, i: usize) -> anyhow::Result<()> {
    let today = dui_domain::feuille_soins::jour_local(Utc::now());
    let an = |n: i64| Some(today - Duration::days(365 * n));
    let mut entrees = vec![
        entree(
            Rubrique::Allergie,
            ALLERGIES[i % ALLERGIES.len()],
            None,
            None,
        ),
        entree(
            Rubrique::Probleme,
            PROBLEMES[i % PROBLEMES.len()].0,
            Some(PROBLEMES[i % PROBLEMES.len()].1),
            an(3),
        ),
        entree(
            Rubrique::Probleme,
            PROBLEMES[(i + 2) % PROBLEMES.len()].0,
            Some(PROBLEMES[(i + 2) % PROBLEMES.len()].1),
            an(6),
        ),
        entree(
            Rubrique::Antecedent,
            "Fracture du col du fémur droit opérée",
            Some("S72.0"),
            an(4),
        ),
        entree(
            Rubrique::Traitement,
            TRAITEMENTS[i % TRAITEMENTS.len()],
            None,
            an(1),
        ),
        entree(
            Rubrique::Vaccination,
            "Grippe saisonnière",
            None,
            Some(today - Duration::days(50)),
        ),
        entree(Rubrique::Risque, RISQUES[i % RISQUES.len()], None, None),
        entree(Rubrique::Palliatif, "Non", None, None),
        entree(
            Rubrique::Communication,
            if i.is_multiple_of(2) {
                "Porte des lunettes ; entend bien"
            } else {
                "Appareil auditif à gauche ; comprend les phrases simples"
            },
            None,
            None,
        ),
        entree(
            Rubrique::EtatHabituel,
            "Se déplace avec un déambulateur, continente le jour, orientée dans le service",
            None,
            None,
        ),
    ];
    if i % 3 != 2 {
        // Every third resident has no advance directives recorded: the DLU flags it.
        entrees.push(entree(
            Rubrique::Directives,
            "Directives anticipées rédigées : classeur de l'infirmerie",
            None,
            an(2),
        ));
    }
    if i % 4 == 1 {
        entrees.push(entree(
            Rubrique::Regime,
            "Texture mixée, eau gélifiée",
            None,
            None,
        ));
        entrees.push(entree(
            Rubrique::Dispositif,
            "Sonde urinaire à demeure",
            None,
            an(1),
        ));
    }
    for e in &entrees {
        store.add_entree_soins(c, e).await?;
    }
    if i.is_multiple_of(5) {
        // History: a risk that no longer applies, and a corrected entry.
        let id = store
            .add_entree_soins(
                c,
                &entree(
                    Rubrique::Risque,
                    "Risque de fugue / déambulation",
                    None,
                    an(2),
                ),
            )
            .await?;
        let fin = FinEntreeSoins {
            date_fin: today - Duration::days(30),
            motif: Some("Plus de déambulation depuis le changement de traitement.".into()),
            version: 1,
        };
        store.fin_entree_soins(c, id, &fin).await?;
        let faux = store
            .add_entree_soins(
                c,
                &entree(
                    Rubrique::Vaccination,
                    "COVID-19 (rappel)",
                    None,
                    Some(today - Duration::days(400)),
                ),
            )
            .await?;
        let mut juste = entree(
            Rubrique::Vaccination,
            "COVID-19 (rappel)",
            None,
            Some(today - Duration::days(40)),
        );
        juste.corrige_id = Some(faux);
        store.add_entree_soins(c, &juste).await?;
    }
    Ok(())
}

fn observation(
    t: TypeObservation,
    texte: &str,
    source: Option<&str>,
    jours: i64,
) -> ObservationInput {
    ObservationInput {
        type_observation: t,
        texte: texte.into(),
        date_observation: Some(Utc::now() - Duration::days(jours)),
        source: source.map(str::to_string),
        corrige_id: None,
    }
}

/// Adds the demo care data (once: [`super::ensure_demo_usagers`] runs on an empty base).
/// `premier`: a file to serve first (Hélène Dupont in `serve --demo`).
pub async fn ajouter(store: &Store, org: &DemoOrg, premier: Option<i64>) -> anyhow::Result<String> {
    let m = load_matrix(store).await?;
    let (Some(medecin), Some(infirmier), Some(psy), Some(secretariat)) = (
        super::principal(store, "medecin").await?,
        super::principal(store, "infirmier").await?,
        super::principal(store, "psychologue").await?,
        super::principal(store, "secretariat").await?,
    ) else {
        return Ok("Pas de comptes de démonstration : pas de données de soins.".into());
    };
    let etab = |d: &str| {
        org.etablissements
            .iter()
            .find(|(_, x)| *x == d)
            .map(|(id, _)| *id)
    };
    let mut residents = 0;
    if let Some(ehpad) = etab("PA") {
        let mut ids: Vec<i64> = premier.into_iter().collect();
        for id in usagers(store, &m, ehpad, RESIDENTS).await? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let pro = ProfessionnelInput {
            nom: "Lambert".into(),
            prenom: "Jeanne".into(),
            fonction: "Médecin généraliste".into(),
            telephone: Some("04 78 00 00 01".into()),
            ..Default::default()
        };
        let lambert = store
            .create_professionnel(&secretariat.actor(), &pro, Utc::now())
            .await?;
        for (i, id) in ids.iter().enumerate() {
            let c = cap(store, &m, &medecin, *id, Section::Soins, Action::Ecrire).await?;
            synthese(store, &c, i).await?;
            let adm = cap(
                store,
                &m,
                &secretariat,
                *id,
                Section::Administratif,
                Action::Ecrire,
            )
            .await?;
            if i % 4 != 3 {
                // Every fourth resident has no médecin traitant linked: the DLU flags it.
                store
                    .link_professionnel(&adm, lambert, RoleProfessionnel::MedecinTraitant)
                    .await?;
            }
            if i.is_multiple_of(2) {
                store.add_entourage(&adm, &confiance(i)).await?;
            }
            let n = cap(store, &m, &infirmier, *id, Section::Soins, Action::Ecrire).await?;
            store
                .add_observation(
                    &n,
                    &observation(
                        TypeObservation::Infirmiere,
                        "Pansement du talon refait, plaie propre, pas de signe d'infection.",
                        None,
                        3,
                    ),
                )
                .await?;
            store
                .add_observation(
                    &n,
                    &observation(
                        TypeObservation::Infirmiere,
                        "Douleur évaluée à 2/10 (EVA) après le paracétamol du matin.",
                        None,
                        1,
                    ),
                )
                .await?;
            store.add_observation(&c, &observation(TypeObservation::Medicale, "Examen clinique : auscultation normale, tension 13/8. Poursuite du traitement.", None, 7)).await?;
            if i.is_multiple_of(3) {
                store.add_observation(&n, &observation(TypeObservation::Medicale, "Compte rendu d'hospitalisation : décompensation cardiaque traitée, retour avec furosémide augmenté.", Some("CH Lyon Sud, cardiologie"), 20)).await?;
                let retour = RetourUrgencesInput {
                    date_retour: dui_domain::feuille_soins::jour_local(Utc::now())
                        - Duration::days(20),
                    service: Some("Urgences du CH Lyon Sud".into()),
                    diagnostic: "Chute sans traumatisme grave, radiographie du bassin normale."
                        .into(),
                    examens: Some("Radiographie du bassin, bilan sanguin.".into()),
                    traitement: None,
                    surveillance: Some("Surveiller la douleur et la marche 48 h.".into()),
                    suivi: Some("Consultation du médecin traitant sous 8 jours.".into()),
                };
                store.add_retour_urgences(&n, &retour).await?;
            }
            residents += 1;
        }
    }
    let mut notes = 0;
    if let Some(ime) = etab("PH") {
        for id in usagers(store, &m, ime, ENFANTS).await? {
            let c = cap(store, &m, &psy, id, Section::Psychologie, Action::Ecrire).await?;
            for n in notes_psy() {
                store.add_note_psychologie(&c, &n).await?;
                notes += 1;
            }
        }
    }
    Ok(format!(
        "{residents} synthèses médicales (DLU, observations) à l'EHPAD et {notes} notes de psychologie à l'IME de démonstration."
    ))
}

fn confiance(i: usize) -> EntourageInput {
    EntourageInput {
        nom: ["Martin", "Bernard", "Petit", "Robert"][i % 4].into(),
        prenom: ["Sylvie", "Jacques", "Nathalie", "Pierre"][i % 4].into(),
        relation: Relation::Enfant,
        mesure_protection: None,
        mesure_debut: None,
        mesure_fin: None,
        mesure_reference: None,
        personne_confiance: true,
        date_designation: Some("2024-09-02".into()),
        personne_a_prevenir: true,
        telephone: Some("06 12 34 56 78".into()),
        email: None,
        adresse: None,
        commentaire: None,
    }
}

fn notes_psy() -> Vec<NotePsychologieInput> {
    let today = dui_domain::feuille_soins::jour_local(Utc::now());
    vec![
        NotePsychologieInput {
            type_note: TypeNote::Entretien,
            titre: "Entretien de suivi".into(),
            texte: "Enfant plus apaisé depuis la rentrée ; évoque ses difficultés avec un camarade. Travail sur l'expression des émotions.".into(),
            outil: None,
            resultat: None,
            date_note: Some(today - Duration::days(14)),
            corrige_id: None,
        },
        NotePsychologieInput {
            type_note: TypeNote::Test,
            titre: "Bilan cognitif".into(),
            texte: "Passation en deux séances, bonne coopération.".into(),
            outil: Some("WISC-V".into()),
            resultat: Some("Profil hétérogène, compréhension verbale préservée.".into()),
            date_note: Some(today - Duration::days(60)),
            corrige_id: None,
        },
    ]
}

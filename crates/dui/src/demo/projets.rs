//! A personalised project for each demo usager: a validated version (some overdue for review)
//! with objectives linked to SERAFIN-PH needs and services and actions, at times a draft
//! after it with objectives « à revoir ».

use chrono::{Duration, NaiveDate};
use dui_domain::ids::UsagerId;
use dui_domain::projet::{
    ActionPlan, CodeSerafin, Contenu, Objectif, ObservationBesoin, Participant, TypeProjet,
    VoletPpe,
};
use dui_domain::serafin;
use dui_store::usager::BulkProjet;
use rand::rngs::StdRng;
use rand::Rng;

/// (objective, SERAFIN-PH codes, action) by domain.
type Modele = (&'static str, &'static [&'static str], &'static str);

const PA: &[Modele] = &[
    (
        "Marcher jusqu'au jardin avec sa canne",
        &["1.2.1.3", "2.1.2.1"],
        "Marche accompagnée trois fois par semaine",
    ),
    (
        "Garder le lien avec sa famille",
        &["1.3.1.1", "2.3.1.1"],
        "Appel vidéo hebdomadaire avec sa fille",
    ),
    (
        "Participer à l'atelier mémoire",
        &["1.1.1", "2.3.3.1"],
        "Inscription à l'atelier du mardi",
    ),
    (
        "Retrouver l'appétit et maintenir son poids",
        &["1.1.6", "2.1.1.1"],
        "Pesée mensuelle et enrichissement des repas",
    ),
    (
        "Choisir ses sorties et ses activités",
        &["1.2.1.4", "2.2.3"],
        "Point mensuel sur les souhaits d'activités",
    ),
];
const PH: &[Modele] = &[
    (
        "Communiquer ses besoins avec des pictogrammes",
        &["1.2.1.2", "2.2.2"],
        "Séances d'orthophonie hebdomadaires",
    ),
    (
        "Aller seul à l'école par le bus",
        &["1.2.1.3", "2.3.4.1"],
        "Trajets accompagnés puis en autonomie",
    ),
    (
        "S'habiller seul le matin",
        &["1.2.1.1", "2.2.1"],
        "Apprentissage en séquences avec l'éducateur",
    ),
    (
        "Participer à une activité sportive",
        &["1.3.4.1", "2.3.3.1"],
        "Inscription au club de sport adapté",
    ),
];
const PDE: &[Modele] = &[
    (
        "Reprendre une scolarité régulière",
        &["1.3.3.1", "2.3.3.1"],
        "Rencontre avec l'équipe enseignante",
    ),
    (
        "Maintenir les liens avec sa mère",
        &["1.3.1.1", "2.3.2.1"],
        "Visites médiatisées toutes les deux semaines",
    ),
    (
        "Reprendre le suivi de santé",
        &["1.1.10", "2.1.1.1"],
        "Bilan pédiatrique et vaccinations à jour",
    ),
    (
        "Préparer l'accès à l'autonomie",
        &["1.3.2.1", "2.3.2.1"],
        "Ouverture d'un compte et gestion d'un budget",
    ),
];
const DOM: &[Modele] = &[
    (
        "Rester vivre chez soi en sécurité",
        &["1.2.1.4", "2.2.3"],
        "Installation de la téléassistance",
    ),
    (
        "Faire sa toilette avec une aide partielle",
        &["1.2.1.1", "2.2.1"],
        "Passage quotidien de l'aide à domicile",
    ),
    (
        "Sortir faire ses courses chaque semaine",
        &["1.2.1.3", "2.3.4.2"],
        "Accompagnement au marché le jeudi",
    ),
];
const AHI: &[Modele] = &[
    (
        "Accéder à un logement autonome",
        &["1.3.2.1", "2.3.2.1"],
        "Dépôt d'une demande de logement social",
    ),
    (
        "Retrouver un emploi",
        &["1.3.3.2", "2.3.3.2"],
        "Rendez-vous mensuel avec la conseillère d'insertion",
    ),
    (
        "Ouvrir ses droits à la santé",
        &["1.1.10", "2.3.1.2"],
        "Demande de complémentaire santé solidaire",
    ),
];

const STATUTS: &[&str] = &[
    "en_cours",
    "en_cours",
    "a_engager",
    "en_revision",
    "atteint",
];

fn modeles(domaine: &str) -> &'static [Modele] {
    match domaine {
        "PA" => PA,
        "PH" => PH,
        "PDE" => PDE,
        "DOM" => DOM,
        _ => AHI,
    }
}

/// The project of a demo usager born on `naissance`, supported in `domaine`; actions are
/// assigned to `responsable` (the demo account who follows the domain), due around today.
pub(super) fn projet(
    rng: &mut StdRng,
    usager_id: UsagerId,
    naissance: Option<NaiveDate>,
    domaine: &str,
    today: NaiveDate,
    responsable: Option<i64>,
) -> BulkProjet {
    let type_projet = if domaine == "PDE" {
        TypeProjet::Ppe
    } else {
        TypeProjet::Ppa
    };
    let valide_le = today - Duration::days(rng.gen_range(20..420));
    let m = modeles(domaine);
    let n = rng.gen_range(2..=m.len().min(4));
    let debut = rng.gen_range(0..m.len());
    let objectifs: Vec<Objectif> = (0..n)
        .map(|k| {
            let (libelle, codes, action) = m[(debut + k) % m.len()];
            let echeance = today + Duration::days(rng.gen_range(-15..60));
            Objectif {
                cle: format!("o{}", k + 1),
                libelle: libelle.into(),
                statut: STATUTS[rng.gen_range(0..STATUTS.len())].into(),
                echeance: Some((valide_le + Duration::days(365)).to_string()),
                serafin: codes
                    .iter()
                    .map(|c| CodeSerafin {
                        systeme: serafin::SYSTEME.into(),
                        code: (*c).into(),
                    })
                    .collect(),
                actions: vec![ActionPlan {
                    libelle: action.into(),
                    responsable_id: responsable.filter(|_| k == 0),
                    intervenant: (k != 0).then(|| "Équipe pluridisciplinaire".to_string()),
                    echeance: Some(echeance.to_string()),
                    duree: Some("6 mois".into()),
                }],
            }
        })
        .collect();
    let ppe = (type_projet == TypeProjet::Ppe).then(|| VoletPpe {
        decision_nature: if rng.gen_bool(0.7) {
            "judiciaire"
        } else {
            "administrative"
        }
        .into(),
        decision_reference: Some(format!(
            "JE Lyon n° {}/{}",
            rng.gen_range(100..999),
            valide_le.format("%Y")
        )),
        decision_date: Some((valide_le - Duration::days(60)).to_string()),
        decision_objectifs: Some(
            "Protéger l'enfant et travailler le retour progressif auprès de sa mère.".into(),
        ),
        besoins_fondamentaux: vec![
            ObservationBesoin {
                besoin: "securite".into(),
                observation: "Sommeil apaisé depuis l'accueil ; suivi pédiatrique repris.".into(),
            },
            ObservationBesoin {
                besoin: "estime".into(),
                observation: "Se dévalorise à l'école ; valoriser ses réussites en sport.".into(),
            },
        ],
        projet_autonomie: Some("Apprendre à gérer un petit budget et les trajets seul.".into()),
        avis_enfant: Some("Veut voir sa mère plus souvent et rester dans son collège.".into()),
        avis_parents: Some("La mère adhère aux visites médiatisées.".into()),
        referent_ase: Some("Mme Roux, Maison de la Métropole Lyon 8e".into()),
        referent_ase_coordonnees: Some("04 72 00 00 00".into()),
    });
    let valide = Contenu {
        attentes: Some(
            match domaine {
                "PDE" => "Retourner vivre chez sa mère quand ce sera possible.",
                "PA" => "Rester autonome le plus longtemps possible et voir ses petits-enfants.",
                "PH" => "Faire les choses tout seul comme les grands.",
                "DOM" => "Rester chez moi.",
                _ => "Avoir un logement à moi et un travail.",
            }
            .into(),
        ),
        synthese: Some(
            "Projet construit avec la personne et ses proches lors de la réunion de projet.".into(),
        ),
        objectifs,
        participants: vec![
            Participant {
                nom: "La personne accompagnée".into(),
                qualite: "personne".into(),
            },
            Participant {
                nom: "Référent de l'établissement".into(),
                qualite: "professionnel".into(),
            },
        ],
        ppe,
    };
    // A third of the projects are being reviewed: a draft with objectives « à revoir ».
    let brouillon = rng.gen_bool(0.35).then(|| {
        let mut b = valide.clone();
        for o in &mut b.objectifs {
            if o.statut == "en_cours" {
                o.statut = "en_revision".into();
            }
        }
        b
    });
    BulkProjet {
        usager_id,
        type_projet,
        naissance,
        valide,
        valide_le,
        valide_par: responsable,
        brouillon,
    }
}

/// The project of the demo's first file (Hélène DUPONT, EHPAD): validated 350 days ago, so
/// that its review is announced on the home page of her referent (the cadre).
pub(super) fn projet_helene(
    usager_id: UsagerId,
    cadre: Option<i64>,
    today: NaiveDate,
) -> BulkProjet {
    use rand::SeedableRng;
    let mut rng = StdRng::seed_from_u64(17);
    let naissance = NaiveDate::from_ymd_opt(1938, 4, 12);
    let mut p = projet(&mut rng, usager_id, naissance, "PA", today, cadre);
    p.valide_le = today - Duration::days(350);
    p.brouillon = None;
    p
}

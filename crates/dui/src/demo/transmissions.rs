//! Demo transmissions: each usager gets some twenty over the last six months (narrative and
//! targeted, varied *cibles*, psychologists' notes in the IME and the MECS, a few important
//! ones and a few corrections), the newest in the last day so that the relève is alive.
//!
//! Texts are drawn from fixed phrases whose search terms are computed once (a transmission's
//! terms are the union of its phrases' terms): stemming every row would cost more than the
//! whole insertion.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use dui_domain::transmission::termes;
use dui_store::usager::{BulkTransmission, ContenuTransmission};
use dui_store::Store;
use rand::rngs::StdRng;
use rand::Rng;

const NARRATIFS: &[(&str, &str)] = &[
    (
        "vie_quotidienne",
        "Bonne journée dans l'ensemble, a participé à la toilette et s'est habillé seul.",
    ),
    (
        "sommeil",
        "Nuit calme, aucun lever signalé. Dort bien jusqu'à 6 h 30.",
    ),
    (
        "sommeil",
        "Nuit agitée : s'est levé trois fois, rassuré par l'équipe de nuit.",
    ),
    (
        "alimentation",
        "Repas pris en totalité au restaurant, bonne hydratation.",
    ),
    (
        "alimentation",
        "Mange peu ce midi, a refusé le dessert. Collation proposée à 16 h.",
    ),
    (
        "activites",
        "A participé à l'atelier mémoire et à la chorale, très souriant.",
    ),
    (
        "activites",
        "Sortie au marché avec le groupe, a choisi ses fruits.",
    ),
    (
        "famille",
        "Visite de sa fille cet après-midi, moment apprécié.",
    ),
    (
        "famille",
        "Appel téléphonique de son fils, inquiet pour le rendez-vous de la semaine prochaine.",
    ),
    (
        "comportement",
        "Humeur triste ce matin, évoque son ancien domicile. Temps d'échange proposé.",
    ),
    (
        "comportement",
        "Tensions avec un voisin de table au repas, la situation s'est apaisée.",
    ),
    (
        "sante",
        "Se plaint de douleurs au genou droit, l'infirmière est prévenue.",
    ),
    (
        "sante",
        "Rendez-vous chez le dentiste confirmé pour jeudi, transport réservé.",
    ),
    (
        "administratif",
        "Dossier APA transmis au département, en attente de réponse.",
    ),
    (
        "vie_quotidienne",
        "Refuse la douche ce matin, reproposée en fin de journée et acceptée.",
    ),
];

/// A targeted transmission's phrases: (cible, category, données, actions, résultats).
type Ciblee = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const CIBLEES: &[Ciblee] = &[
    (
        "Chute",
        "incident",
        &[
            "Retrouvée assise au sol près du lit à 3 h, pas de plaie visible.",
            "Chute dans le couloir en se rendant aux toilettes.",
        ],
        &[
            "Relevée à deux, constantes prises, médecin informé.",
            "Surveillance renforcée la nuit, sonnette rapprochée.",
        ],
        &[
            "Pas de douleur au réveil, marche sans difficulté.",
            "Hématome à l'avant-bras, surveillé.",
        ],
    ),
    (
        "Douleur",
        "sante",
        &[
            "Douleur lombaire cotée 6 sur 10 au lever.",
            "Se plaint du genou gauche à la marche.",
        ],
        &[
            "Antalgique donné selon la prescription, installation au fauteuil.",
            "Application de froid, repos proposé.",
        ],
        &[
            "Douleur cotée 2 sur 10 une heure après.",
            "Soulagée, a pu participer à l'activité.",
        ],
    ),
    (
        "Alimentation",
        "alimentation",
        &[
            "Perte d'appétit depuis trois jours, a mangé un quart du plateau.",
            "Difficultés à avaler les morceaux.",
        ],
        &[
            "Enrichissement des repas, pesée prévue lundi.",
            "Texture mixée proposée, avis de l'orthophoniste demandé.",
        ],
        &[
            "A mangé la moitié du repas du soir.",
            "Repas pris sans fausse route.",
        ],
    ),
    (
        "Agitation",
        "comportement",
        &[
            "Déambulation et cris en fin d'après-midi.",
            "Agité et opposant lors du soin du soir.",
        ],
        &[
            "Diversion par la musique, présence rassurante.",
            "Soin différé puis repris calmement.",
        ],
        &[
            "Apaisé au bout de vingt minutes.",
            "Soin réalisé sans opposition.",
        ],
    ),
    (
        "Sommeil",
        "sommeil",
        &[
            "Difficultés d'endormissement, réveillé à 2 h.",
            "Somnolence importante dans la journée.",
        ],
        &[
            "Tisane et échange avec le veilleur.",
            "Sieste limitée, activité proposée l'après-midi.",
        ],
        &["Endormi vers 23 h.", "Plus éveillé au repas du soir."],
    ),
    (
        "Élimination",
        "sante",
        &[
            "Constipation depuis quatre jours.",
            "Fuites urinaires la nuit.",
        ],
        &[
            "Hydratation renforcée, infirmière informée.",
            "Protections adaptées, accompagnement aux toilettes programmé.",
        ],
        &["Selles ce matin.", "Nuit sans fuite."],
    ),
    (
        "Conflit",
        "incident",
        &[
            "Dispute avec un autre jeune au foyer, insultes échangées.",
            "Refus de se rendre au collège ce matin.",
        ],
        &[
            "Entretien individuel avec l'éducateur référent.",
            "Appel au collège, reprise prévue demain.",
        ],
        &[
            "Excuses présentées au groupe.",
            "Retourné en cours l'après-midi.",
        ],
    ),
    (
        "Visite de la famille",
        "famille",
        &[
            "Visite médiatisée avec sa mère, ponctualité respectée.",
            "Le père ne s'est pas présenté à la visite prévue.",
        ],
        &[
            "Accompagnement de la visite, temps de reprise ensuite.",
            "Échange avec l'enfant sur sa déception.",
        ],
        &[
            "Enfant détendu après la visite.",
            "Triste mais a pu en parler.",
        ],
    ),
];

const PSYCHOLOGIE: &[&str] = &[
    "Entretien individuel : évoque des angoisses nocturnes liées à son histoire familiale.",
    "Séance de soutien : meilleure estime de soi, projets scolaires évoqués.",
    "Bilan psychologique en cours, deuxième séance réalisée.",
    "Entretien avec le jeune : colère exprimée contre les décisions du juge, travail sur les émotions.",
    "Observation en groupe : repli, peu d'échanges avec les pairs.",
];

const CORRECTIONS: &[&str] = &[
    "Correction : l'heure indiquée était erronée, le fait a eu lieu en fin d'après-midi.",
    "Correction : transmission écrite dans le mauvais dossier, ne pas en tenir compte.",
    "Correction : la douleur concernait le genou gauche et non le droit.",
];

/// An author of demo transmissions: id, name, role code.
#[derive(Clone, Debug)]
pub struct Auteur {
    pub id: i64,
    pub nom: String,
    pub role: &'static str,
}

/// The demo accounts that write, by their username.
pub async fn auteurs(store: &Store) -> anyhow::Result<HashMap<&'static str, Auteur>> {
    let mut out = HashMap::new();
    for name in [
        "aide-soignant",
        "infirmier",
        "cadre",
        "educateur",
        "psychologue",
        "intervenant",
        "direction",
        "medecin",
    ] {
        if let Some(c) = store.credentials(name).await? {
            out.insert(
                name,
                Auteur {
                    id: c.user.id,
                    nom: format!("{} {}", c.user.prenom, c.user.nom),
                    role: c.user.role.code(),
                },
            );
        }
    }
    Ok(out)
}

/// The search terms of phrases, each computed once.
#[derive(Default)]
pub struct Termes(HashMap<&'static str, Vec<String>>);

impl Termes {
    fn de(&mut self, phrases: &[&'static str]) -> String {
        let mut all = BTreeSet::new();
        for p in phrases {
            let t = self.0.entry(p).or_insert_with(|| termes(p));
            all.extend(t.iter().cloned());
        }
        all.into_iter().collect::<Vec<_>>().join(" ")
    }
}

fn pick<T: Copy>(rng: &mut StdRng, list: &[T]) -> T {
    list[rng.gen_range(0..list.len())]
}

/// The writers of a domain: (account, section) pairs, with their weights.
fn ecrivains(domaine: &str) -> &'static [(&'static str, &'static str)] {
    match domaine {
        "PA" => &[
            ("aide-soignant", "soins"),
            ("aide-soignant", "accompagnement"),
            ("infirmier", "soins"),
            ("cadre", "accompagnement"),
        ],
        "PH" | "PDE" => &[
            ("educateur", "accompagnement"),
            ("educateur", "accompagnement"),
            ("educateur", "accompagnement"),
            ("psychologue", "psychologie"),
        ],
        "DOM" => &[
            ("intervenant", "accompagnement"),
            ("intervenant", "accompagnement"),
            ("infirmier", "soins"),
        ],
        _ => &[("direction", "accompagnement")],
    }
}

/// What a demo transmission says: indexes in the phrase tables above (a few bytes, so that
/// the whole base's transmissions can be held and sorted by date before they are written).
#[derive(Clone, Copy, Debug)]
enum Propos {
    Psychologie(u8),
    Ciblee {
        cible: u8,
        donnees: u8,
        actions: u8,
        resultats: Option<u8>,
        importante: bool,
    },
    Narratif(u8, bool),
    Correction(u8),
}

/// A demo transmission to write: who, when, what, and the index (among all those drawn) of
/// the one it corrects.
#[derive(Clone, Copy, Debug)]
pub struct Brouillon {
    pub date: DateTime<Utc>,
    usager_id: i64,
    /// The person's établissement (their one stay), where a psychology one is read.
    etablissement_id: i64,
    qui: &'static str,
    section: &'static str,
    propos: Propos,
    pub corrige: Option<usize>,
}

/// The body of `POST /api/v1/usagers/{id}/transmissions` for the `k`-th writing of a
/// benchmark: narrative or targeted in the demo's proportions, from the demo's phrases.
pub fn corps_api(k: u64) -> serde_json::Value {
    let mut rng = <StdRng as rand::SeedableRng>::seed_from_u64(k);
    if rng.gen_bool(0.45) {
        let (cible, categorie, d, a, r) = pick(&mut rng, CIBLEES);
        serde_json::json!({
            "cible": cible,
            "categorie": categorie,
            "donnees": pick(&mut rng, d),
            "actions": pick(&mut rng, a),
            "resultats": pick(&mut rng, r),
        })
    } else {
        let (categorie, texte) = pick(&mut rng, NARRATIFS);
        serde_json::json!({"categorie": categorie, "texte": texte})
    }
}

fn index(rng: &mut StdRng, len: usize) -> u8 {
    rng.gen_range(0..len) as u8
}

/// Some twenty transmissions for usager `id` staying in `etablissement` of `domaine`, dated
/// up to `now`, appended to `out` (a correction names the index in `out` of what it corrects).
pub fn pour(
    rng: &mut StdRng,
    (id, etablissement_id): (i64, i64),
    domaine: &str,
    now: DateTime<Utc>,
    out: &mut Vec<Brouillon>,
) {
    let n = rng.gen_range(14..=26);
    // Oldest first, so that a correction comes after what it corrects.
    let mut dates: Vec<DateTime<Utc>> = (0..n)
        .map(|k| {
            let minutes = if k == 0 && rng.gen_bool(0.6) {
                rng.gen_range(10..24 * 60)
            } else {
                rng.gen_range(0..180 * 24 * 60)
            };
            now - Duration::minutes(minutes)
        })
        .collect();
    dates.sort_unstable();
    for date in dates {
        let (qui, section) = pick(rng, ecrivains(domaine));
        let propos = if section == "psychologie" {
            Propos::Psychologie(index(rng, PSYCHOLOGIE.len()))
        } else if rng.gen_bool(0.45) {
            let cible = index(rng, CIBLEES.len());
            let c = CIBLEES[usize::from(cible)];
            Propos::Ciblee {
                cible,
                donnees: index(rng, c.2.len()),
                actions: index(rng, c.3.len()),
                resultats: rng.gen_bool(0.8).then(|| index(rng, c.4.len())),
                importante: c.1 == "incident" || rng.gen_bool(0.05),
            }
        } else {
            Propos::Narratif(index(rng, NARRATIFS.len()), rng.gen_bool(0.04))
        };
        out.push(Brouillon {
            date,
            usager_id: id,
            etablissement_id,
            qui,
            section,
            propos,
            corrige: None,
        });
        if rng.gen_bool(0.02) {
            out.push(Brouillon {
                date: date + Duration::minutes(rng.gen_range(5..90)).min(now - date),
                propos: Propos::Correction(index(rng, CORRECTIONS.len())),
                corrige: Some(out.len() - 1),
                ..out[out.len() - 1]
            });
        }
    }
}

impl Brouillon {
    /// The transmission to write (`corrige` left to the caller), or None when its author's
    /// account is missing.
    pub fn ecrire(
        &self,
        cache: &mut Termes,
        auteurs: &HashMap<&'static str, Auteur>,
    ) -> Option<BulkTransmission> {
        let a = auteurs.get(self.qui).or_else(|| auteurs.values().next())?;
        let mut t = BulkTransmission {
            usager_id: self.usager_id,
            section: self.section,
            categorie: "autre",
            contenu: ContenuTransmission::default(),
            date: self.date,
            auteur_id: a.id,
            auteur: a.nom.clone(),
            auteur_role: a.role,
            corrige: None,
            termes: String::new(),
            // Where the author works and the person stays, else the person's établissement
            // (decision 0044): the person's one stay either way.
            etablissement_id: (self.section == "psychologie").then_some(self.etablissement_id),
        };
        let texte = |t: &mut BulkTransmission, cat: &'static str, p: &'static str| {
            t.categorie = cat;
            t.contenu.texte = Some(p.into());
        };
        match self.propos {
            Propos::Psychologie(i) => {
                let p = PSYCHOLOGIE[usize::from(i)];
                texte(&mut t, "comportement", p);
                t.termes = cache.de(&[p]);
            }
            Propos::Narratif(i, importante) => {
                let (cat, p) = NARRATIFS[usize::from(i)];
                texte(&mut t, cat, p);
                t.contenu.importante = importante;
                t.termes = cache.de(&[p]);
            }
            Propos::Correction(i) => {
                let p = CORRECTIONS[usize::from(i)];
                texte(&mut t, "autre", p);
                t.termes = cache.de(&[p]);
            }
            Propos::Ciblee {
                cible,
                donnees,
                actions,
                resultats,
                importante,
            } => {
                let (cible, cat, d, ac, r) = CIBLEES[usize::from(cible)];
                let (d, ac) = (d[usize::from(donnees)], ac[usize::from(actions)]);
                let r = resultats.map(|i| r[usize::from(i)]);
                t.categorie = cat;
                t.contenu.cible = Some(cible.into());
                t.contenu.donnees = Some(d.into());
                t.contenu.actions = Some(ac.into());
                t.contenu.resultats = r.map(str::to_string);
                t.contenu.importante = importante;
                let mut parts = vec![cible, d, ac];
                parts.extend(r);
                t.termes = cache.de(&parts);
            }
        }
        Some(t)
    }
}

//! The grid engine: a grid is data (questions, answer types, scores, conditions, computed
//! results), read from a versioned JSON file; an evaluation's results are computed from the
//! data alone, except for grids whose `algorithme` names an official algorithm (AGGIR), whose
//! answers are then those of that algorithm. See `docs/decisions/0031-grilles-grid-engine.md`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::saisie::{Erreurs, SaisieAggir};

/// A grid definition, one version of one grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Stable ASCII id (`aggir`, `braden`…), the same across versions.
    pub id: String,
    /// Version label (`2008`, `1.1`…): an evaluation keeps the one it used.
    pub version: String,
    /// French title.
    pub titre: String,
    /// Where it comes from (legal text, publication, author).
    #[serde(default)]
    pub source: String,
    /// An official algorithm computing the results instead of the scores (`aggir`).
    #[serde(default)]
    pub algorithme: Option<String>,
    /// The questions, in display order.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// Results computed from the answers.
    #[serde(default)]
    pub resultats: Vec<ResultatDef>,
}

/// One question (unknown members are ignored: `deny_unknown_fields` does not work with the
/// flattened answer type).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Question {
    /// Id, unique in the grid.
    pub id: String,
    /// French wording.
    pub libelle: String,
    /// Help shown under the question.
    #[serde(default)]
    pub aide: String,
    /// Answer type.
    #[serde(flatten)]
    pub reponse: TypeReponse,
    /// Not required.
    #[serde(default)]
    pub facultative: bool,
    /// Asked only when an earlier question has this answer.
    #[serde(default)]
    pub si: Option<Condition>,
}

/// The type of an answer and how it scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypeReponse {
    /// One option among several, each with its score.
    Choix {
        /// Options.
        options: Vec<OptionChoix>,
    },
    /// Yes or no; `score` when yes.
    Booleen {
        /// Score when yes.
        #[serde(default)]
        score: f64,
    },
    /// A number between bounds; its value is its score.
    Nombre {
        /// Least value.
        min: f64,
        /// Greatest value.
        max: f64,
    },
    /// The four AGGIR adverbs S/T/C/H (grids computed by the AGGIR algorithm).
    Adverbes,
    /// Free text (no score).
    Texte {
        /// Most characters.
        max: usize,
    },
}

/// An option of a choice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionChoix {
    /// Stored value.
    pub valeur: String,
    /// French label.
    pub libelle: String,
    /// Score.
    #[serde(default)]
    pub score: f64,
}

/// `question` answered with `egal`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// An earlier question.
    pub question: String,
    /// The answer that makes this question asked (`true`/`false` for a yes/no question).
    #[schema(value_type = Object)]
    pub egal: Value,
}

/// A computed result: the sum of the scores of some questions, and its reading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultatDef {
    /// Id (`total`, `gir`…).
    pub id: String,
    /// French label.
    pub libelle: String,
    /// Questions summed (empty: every scored question).
    #[serde(default)]
    pub somme: Vec<String>,
    /// Readings, by descending minimum: the first whose `min` the value reaches.
    #[serde(default)]
    pub interpretation: Vec<Seuil>,
}

/// A reading of a result from `min` up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Seuil {
    /// Least value (inclusive).
    pub min: f64,
    /// French reading.
    pub libelle: String,
}

/// One computed result of an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResultatCalcule {
    /// Result id.
    pub id: String,
    /// Its label in the definition used.
    pub libelle: String,
    /// Value.
    pub valeur: f64,
    /// Its reading, if the definition gives one.
    pub interpretation: Option<String>,
}

/// The results of an evaluation.
pub type Resultats = Vec<ResultatCalcule>;

impl Definition {
    /// Reads and checks a definition (French messages naming the place at fault).
    pub fn depuis_json(texte: &str) -> Result<Definition, String> {
        let d: Definition = serde_json::from_str(texte).map_err(|e| super::lecture::message(&e))?;
        d.verifier()
            .map_err(|m| super::lecture::situer(texte, &m))?;
        Ok(d)
    }

    /// Checks ids, options, conditions and results.
    pub fn verifier(&self) -> Result<(), String> {
        let ascii = |s: &str| {
            !s.is_empty()
                && s.len() <= 50
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
        };
        if !ascii(&self.id) {
            return Err("Identifiant de grille invalide : lettres minuscules, chiffres, « _ », « . » ou « - ».".into());
        }
        if self.version.trim().is_empty() || self.version.len() > 20 {
            return Err(format!(
                "Grille « {} » : version manquante ou trop longue.",
                self.id
            ));
        }
        if self.titre.trim().is_empty() {
            return Err(format!("Grille « {} » : titre manquant.", self.id));
        }
        match self.algorithme.as_deref() {
            None | Some("aggir") => {}
            Some(a) => {
                return Err(format!(
                    "Grille « {} » : algorithme inconnu « {a} ».",
                    self.id
                ))
            }
        }
        let mut vues: BTreeMap<&str, &Question> = BTreeMap::new();
        for q in &self.questions {
            if !ascii(&q.id) || vues.contains_key(q.id.as_str()) {
                return Err(format!(
                    "Question « {} » : identifiant invalide ou en double.",
                    q.id
                ));
            }
            if let TypeReponse::Choix { options } = &q.reponse {
                let valeurs: BTreeSet<&str> = options.iter().map(|o| o.valeur.as_str()).collect();
                if options.is_empty() || valeurs.len() != options.len() {
                    return Err(format!(
                        "Question « {} » : options vides ou en double.",
                        q.id
                    ));
                }
            }
            if let TypeReponse::Nombre { min, max } = q.reponse {
                if !(min.is_finite() && max.is_finite() && min <= max) {
                    return Err(format!("Question « {} » : bornes invalides.", q.id));
                }
            }
            if let Some(c) = &q.si {
                let Some(avant) = vues.get(c.question.as_str()) else {
                    return Err(format!(
                        "Question « {} » : la condition doit porter sur une question précédente.",
                        q.id
                    ));
                };
                if valider(avant, &c.egal).is_err() {
                    return Err(format!(
                        "Question « {} » : valeur de condition impossible.",
                        q.id
                    ));
                }
            }
            vues.insert(&q.id, q);
        }
        for r in &self.resultats {
            for s in &r.somme {
                if !vues.get(s.as_str()).is_some_and(|q| q.score_possible()) {
                    return Err(format!(
                        "Résultat « {} » : « {s} » n'est pas une question notée de la grille.",
                        r.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// The question `id`.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Checks the answers (an object: question id → answer) and computes the results.
    /// Unasked questions (condition not met) must not be answered.
    pub fn evaluer(&self, reponses: &Value) -> Result<Resultats, Erreurs> {
        if self.algorithme.as_deref() == Some("aggir") {
            let saisie: SaisieAggir = serde_json::from_value(reponses.clone()).map_err(|_| {
                Erreurs::from([(
                    "reponses".to_string(),
                    "Réponses illisibles : « variables » ou « sous_variables » attendu."
                        .to_string(),
                )])
            })?;
            let g = saisie.evaluer()?;
            return Ok(vec![
                ResultatCalcule {
                    id: "gir".into(),
                    libelle: "GIR".into(),
                    valeur: f64::from(g.resultat.gir.numero()),
                    interpretation: None,
                },
                ResultatCalcule {
                    id: "rang".into(),
                    libelle: "Rang".into(),
                    valeur: f64::from(g.resultat.rang),
                    interpretation: None,
                },
            ]);
        }
        let mut erreurs = Erreurs::new();
        let Some(obj) = reponses.as_object() else {
            erreurs.insert(
                "reponses".into(),
                "Un objet question → réponse est attendu.".into(),
            );
            return Err(erreurs);
        };
        for k in obj.keys() {
            if self.question(k).is_none() {
                erreurs.insert(k.clone(), "Question inconnue de cette grille.".into());
            }
        }
        let mut scores: BTreeMap<&str, f64> = BTreeMap::new();
        for q in &self.questions {
            let posee =
                q.si.as_ref()
                    .is_none_or(|c| obj.get(&c.question) == Some(&c.egal));
            match (obj.get(&q.id), posee) {
                (Some(_), false) => {
                    erreurs.insert(
                        q.id.clone(),
                        "Cette question ne se pose pas ici : ne pas y répondre.".into(),
                    );
                }
                (None | Some(Value::Null), true) if !q.facultative => {
                    erreurs.insert(q.id.clone(), "Réponse manquante.".into());
                }
                (Some(v), true) if !v.is_null() => match valider(q, v) {
                    Ok(s) => {
                        scores.insert(&q.id, s);
                    }
                    Err(m) => {
                        erreurs.insert(q.id.clone(), m);
                    }
                },
                _ => {}
            }
        }
        if !erreurs.is_empty() {
            return Err(erreurs);
        }
        Ok(self
            .resultats
            .iter()
            .map(|r| {
                let valeur: f64 = if r.somme.is_empty() {
                    scores.values().sum()
                } else {
                    r.somme.iter().filter_map(|s| scores.get(s.as_str())).sum()
                };
                let interpretation = r
                    .interpretation
                    .iter()
                    .find(|s| valeur >= s.min)
                    .map(|s| s.libelle.clone());
                ResultatCalcule {
                    id: r.id.clone(),
                    libelle: r.libelle.clone(),
                    valeur,
                    interpretation,
                }
            })
            .collect())
    }
}

impl Question {
    fn score_possible(&self) -> bool {
        matches!(
            self.reponse,
            TypeReponse::Choix { .. } | TypeReponse::Booleen { .. } | TypeReponse::Nombre { .. }
        )
    }
}

/// The score of an answer, or the French reason it is refused.
fn valider(q: &Question, v: &Value) -> Result<f64, String> {
    match &q.reponse {
        TypeReponse::Choix { options } => {
            let s = v.as_str().unwrap_or_default();
            options
                .iter()
                .find(|o| o.valeur == s)
                .map(|o| o.score)
                .ok_or_else(|| {
                    let permis: Vec<&str> = options.iter().map(|o| o.valeur.as_str()).collect();
                    format!("Réponse invalide : une de {} attendue.", permis.join(", "))
                })
        }
        TypeReponse::Booleen { score } => match v.as_bool() {
            Some(true) => Ok(*score),
            Some(false) => Ok(0.0),
            None => Err("Réponse invalide : oui (true) ou non (false) attendu.".into()),
        },
        TypeReponse::Nombre { min, max } => match v.as_f64() {
            Some(x) if x >= *min && x <= *max => Ok(x),
            _ => Err(format!(
                "Réponse invalide : un nombre entre {min} et {max} attendu."
            )),
        },
        TypeReponse::Adverbes => {
            Err("Cette question n'est évaluée que par l'algorithme AGGIR.".into())
        }
        TypeReponse::Texte { max } => match v.as_str() {
            Some(s) if s.chars().count() <= *max && crate::saisie::controle(s, true).is_none() => {
                Ok(0.0)
            }
            _ => Err(format!(
                "Réponse invalide : un texte de {max} caractères au plus attendu."
            )),
        },
    }
}

//! What a person or a program sends to evaluate an AGGIR grid: either the codes of the
//! variables, or the adverbs of each sub-variable (and of each variable without
//! sub-variables). Every mistake is reported against the key of the (sub-)variable at fault,
//! in French.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::aggir::{Adverbes, Codes, Illustrative, Modalite, Resultat, SousVariable, Variable};

/// A value as decoded: of the expected type, or anything else (reported, never a decoding
/// failure of the whole body).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Valeur<T> {
    /// Of the expected type.
    Bonne(T),
    /// Of another type.
    Autre(IgnoredAny),
}

/// The adverbs of one (sub-)variable as decoded: letter → satisfied.
pub type AdverbesSaisis = Valeur<BTreeMap<String, Valeur<bool>>>;

/// The body of `POST /api/v1/grilles/aggir/calcul` (and the `reponses` of an AGGIR
/// evaluation).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SaisieAggir {
    /// `{"coherence": "A", …}`.
    #[serde(default)]
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub variables: Option<BTreeMap<String, Valeur<String>>>,
    /// `{"coherence.communication": {"S": true, "T": true, "C": false, "H": true}, …}`.
    #[serde(default)]
    #[schema(value_type = Option<BTreeMap<String, BTreeMap<String, bool>>>)]
    pub sous_variables: Option<BTreeMap<String, AdverbesSaisis>>,
}

/// A grid evaluated from valid input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrilleAggir {
    /// Codes of the ten discriminant variables and of the illustrative ones given.
    pub variables: BTreeMap<&'static str, Modalite>,
    /// When adverbs were given: each (sub-)variable's adverbs and code.
    pub sous_variables: Option<BTreeMap<&'static str, (Adverbes, Modalite)>>,
    /// The discriminant codes in the algorithm's order.
    #[serde(skip)]
    pub codes: Codes,
    /// Rank and GIR.
    pub resultat: Resultat,
}

/// Field → French message.
pub type Erreurs = BTreeMap<String, String>;

const MANQUANTE: &str = "Valeur manquante : A, B ou C attendu.";

impl SaisieAggir {
    /// Checks the input and runs the algorithm.
    pub fn evaluer(&self) -> Result<GrilleAggir, Erreurs> {
        match (&self.variables, &self.sous_variables) {
            (Some(v), None) => par_codes(v),
            (None, Some(s)) => par_adverbes(s),
            _ => Err(BTreeMap::from([(
                "variables".to_string(),
                "Envoyer soit « variables » (les codes A, B, C), soit « sous_variables » (les adverbes), l'un des deux.".to_string(),
            )])),
        }
    }

    /// The input of a grid given by its codes (the inverse of `evaluer` for codes).
    pub fn des_codes(codes: &Codes) -> SaisieAggir {
        SaisieAggir {
            variables: Some(
                Variable::ALL
                    .iter()
                    .map(|&v| {
                        (
                            v.code().to_string(),
                            Valeur::Bonne(codes.get(v).code().to_string()),
                        )
                    })
                    .collect(),
            ),
            sous_variables: None,
        }
    }
}

fn cle_connue_codes(k: &str) -> bool {
    Variable::from_code(k).is_some() || Illustrative::from_code(k).is_some()
}

fn par_codes(entree: &BTreeMap<String, Valeur<String>>) -> Result<GrilleAggir, Erreurs> {
    let mut erreurs = Erreurs::new();
    let mut variables = BTreeMap::new();
    for (k, v) in entree {
        if !cle_connue_codes(k) {
            let msg = if SousVariable::from_code(k).is_some() {
                "Une sous-variable se renseigne par ses adverbes, dans « sous_variables »."
            } else {
                "Variable inconnue de la grille AGGIR."
            };
            erreurs.insert(k.clone(), msg.into());
            continue;
        }
        match v {
            Valeur::Bonne(s) => match Modalite::from_code(s) {
                Some(m) => {
                    let cle = Variable::from_code(k)
                        .map(|x| x.code())
                        .or_else(|| Illustrative::from_code(k).map(|x| x.code()))
                        .unwrap_or("");
                    variables.insert(cle, m);
                }
                None => {
                    erreurs.insert(k.clone(), "Modalité invalide : A, B ou C attendu.".into());
                }
            },
            Valeur::Autre(_) => {
                erreurs.insert(
                    k.clone(),
                    "Modalité invalide : la lettre A, B ou C attendue.".into(),
                );
            }
        }
    }
    for v in Variable::ALL {
        if !entree.contains_key(v.code()) {
            erreurs.insert(v.code().into(), MANQUANTE.into());
        }
    }
    if !erreurs.is_empty() {
        return Err(erreurs);
    }
    let codes = codes_de(&variables);
    Ok(GrilleAggir {
        variables,
        sous_variables: None,
        resultat: codes.resultat(),
        codes,
    })
}

fn codes_de(variables: &BTreeMap<&'static str, Modalite>) -> Codes {
    let mut c = [Modalite::A; 10];
    for (i, v) in Variable::ALL.iter().enumerate() {
        c[i] = variables.get(v.code()).copied().unwrap_or(Modalite::A);
    }
    Codes(c)
}

/// The keys assessed by adverbs: every sub-variable and every discriminant variable without
/// sub-variables, then the illustrative variables (optional).
pub fn cles_adverbes() -> impl Iterator<Item = &'static str> {
    Variable::ALL.iter().flat_map(|v| {
        let s = v.sous_variables();
        let own = s.is_empty().then_some(v.code());
        s.iter().map(|x| x.code()).chain(own)
    })
}

fn par_adverbes(entree: &BTreeMap<String, AdverbesSaisis>) -> Result<GrilleAggir, Erreurs> {
    let mut erreurs = Erreurs::new();
    let mut lus: BTreeMap<&'static str, (Adverbes, Modalite)> = BTreeMap::new();
    for (k, v) in entree {
        let cle = cles_adverbes()
            .chain(Illustrative::ALL.iter().map(|i| i.code()))
            .find(|c| c == k);
        let Some(cle) = cle else {
            let msg = if Variable::from_code(k).is_some() {
                "Cette variable se renseigne par ses sous-variables."
            } else {
                "Variable inconnue de la grille AGGIR."
            };
            erreurs.insert(k.clone(), msg.into());
            continue;
        };
        let Valeur::Bonne(map) = v else {
            erreurs.insert(
                k.clone(),
                "Attendu : les adverbes S, T, C, H, chacun vrai ou faux.".into(),
            );
            continue;
        };
        let mut a = Adverbes::default();
        let mut faute = None;
        for lettre in map.keys() {
            if Adverbes::default().get(lettre).is_none() {
                faute = Some(format!(
                    "Adverbe inconnu « {lettre} » : S, T, C ou H attendu."
                ));
            }
        }
        for (lettre, nom) in Adverbes::LETTRES {
            let b = match map.get(lettre) {
                Some(Valeur::Bonne(b)) => *b,
                Some(Valeur::Autre(_)) => {
                    faute = Some(format!("{nom} ({lettre}) : vrai ou faux attendu."));
                    false
                }
                None => {
                    faute = Some(format!("{nom} ({lettre}) manquant : vrai ou faux attendu."));
                    false
                }
            };
            match lettre {
                "S" => a.spontanement = b,
                "T" => a.totalement = b,
                "C" => a.correctement = b,
                _ => a.habituellement = b,
            }
        }
        match faute {
            Some(m) => {
                erreurs.insert(k.clone(), m);
            }
            None => {
                lus.insert(cle, (a, a.modalite()));
            }
        }
    }
    for k in cles_adverbes() {
        if !entree.contains_key(k) {
            erreurs.insert(k.into(), "Adverbes manquants (S, T, C, H).".into());
        }
    }
    if !erreurs.is_empty() {
        return Err(erreurs);
    }
    let mut variables = BTreeMap::new();
    for v in Variable::ALL {
        let m = match v.regle() {
            Some(regle) => {
                let sous: Vec<Modalite> = v
                    .sous_variables()
                    .iter()
                    .map(|s| lus.get(s.code()).map_or(Modalite::A, |x| x.1))
                    .collect();
                regle.combiner(&sous)
            }
            None => lus.get(v.code()).map_or(Modalite::A, |x| x.1),
        };
        variables.insert(v.code(), m);
    }
    for i in Illustrative::ALL {
        if let Some((_, m)) = lus.get(i.code()) {
            variables.insert(i.code(), *m);
        }
    }
    let codes = codes_de(&variables);
    Ok(GrilleAggir {
        variables,
        sous_variables: Some(lus),
        resultat: codes.resultat(),
        codes,
    })
}

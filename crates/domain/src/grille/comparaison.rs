//! What changed between two evaluations of the same grid: per variable for AGGIR (the codes
//! derived from codes or adverbs), per question otherwise (answers shown by their labels).

use serde_json::Value;

use super::aggir::{Illustrative, Variable};
use super::definition::{Definition, TypeReponse};
use super::saisie::SaisieAggir;

/// One answer that changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ecart {
    /// Question or variable label.
    pub libelle: String,
    /// Before (`—` when unanswered).
    pub avant: String,
    /// After.
    pub apres: String,
}

fn codes_aggir(r: &Value) -> Option<std::collections::BTreeMap<&'static str, &'static str>> {
    let s: SaisieAggir = serde_json::from_value(r.clone()).ok()?;
    let g = s.evaluer().ok()?;
    Some(g.variables.iter().map(|(k, m)| (*k, m.code())).collect())
}

impl Definition {
    /// The answers that differ from `avant` to `apres`, in the grid's order.
    pub fn comparer(&self, avant: &Value, apres: &Value) -> Vec<Ecart> {
        if self.algorithme.as_deref() == Some("aggir") {
            let (Some(a), Some(b)) = (codes_aggir(avant), codes_aggir(apres)) else {
                return Vec::new();
            };
            let labels = Variable::ALL
                .iter()
                .map(|v| (v.code(), v.label_fr()))
                .chain(Illustrative::ALL.iter().map(|v| (v.code(), v.label_fr())));
            return labels
                .filter_map(|(k, l)| {
                    let (x, y) = (
                        a.get(k).copied().unwrap_or("—"),
                        b.get(k).copied().unwrap_or("—"),
                    );
                    (x != y).then(|| Ecart {
                        libelle: l.into(),
                        avant: x.into(),
                        apres: y.into(),
                    })
                })
                .collect();
        }
        self.questions
            .iter()
            .filter_map(|q| {
                let (x, y) = (avant.get(&q.id), apres.get(&q.id));
                if x == y {
                    return None;
                }
                Some(Ecart {
                    libelle: q.libelle.clone(),
                    avant: montrer(&q.reponse, x),
                    apres: montrer(&q.reponse, y),
                })
            })
            .collect()
    }

    /// The answered questions with their answers as read (an option by its label), in the
    /// grid's order; empty for AGGIR (shown by its variables' codes).
    pub fn reponses_lues(&self, reponses: &Value) -> Vec<(String, String)> {
        if self.algorithme.as_deref() == Some("aggir") {
            return Vec::new();
        }
        self.questions
            .iter()
            .filter_map(|q| {
                let v = reponses.get(&q.id).filter(|v| !v.is_null())?;
                Some((q.libelle.clone(), montrer(&q.reponse, Some(v))))
            })
            .collect()
    }
}

/// An answer as read: an option by its label, yes/no, the text or number; `—` when none.
fn montrer(t: &TypeReponse, v: Option<&Value>) -> String {
    match (v, t) {
        (None | Some(Value::Null), _) => "—".into(),
        (Some(v), TypeReponse::Choix { options }) => options
            .iter()
            .find(|o| Some(o.valeur.as_str()) == v.as_str())
            .map_or_else(|| v.to_string(), |o| o.libelle.clone()),
        (Some(Value::Bool(b)), _) => if *b { "oui" } else { "non" }.into(),
        (Some(Value::String(s)), _) => s.clone(),
        (Some(v), _) => v.to_string(),
    }
}

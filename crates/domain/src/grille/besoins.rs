//! The evaluation of a person's needs against the SERAFIN-PH needs nomenclature: an official
//! grid file (`reference/grilles/serafin-besoins-2023.1.0.json`) with one question per leaf
//! need (its ANS code as question id, a level from « pas de besoin » to « permanent ou
//! intensif ») and an optional observation per need (`<code>-commentaire`). The needs it
//! identifies (level ≥ 1) are offered first as the needs of the project's objectives.

use serde_json::Value;

use super::definition::{Definition, TypeReponse};
use crate::serafin;

/// The grid id.
pub const GRILLE: &str = "serafin-besoins";

/// Suffix of a need's observation question.
pub const COMMENTAIRE: &str = "-commentaire";

/// A need identified by an evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BesoinIdentifie {
    /// ANS code of the need (`1.2.1.3`).
    pub code: String,
    /// Its label (corrected wording).
    pub libelle: String,
    /// 1 (ponctuel) to 3 (permanent ou intensif).
    pub niveau: u8,
    /// The level's label in the grid version used.
    pub niveau_libelle: String,
    /// The observation written, if any.
    pub commentaire: Option<String>,
}

/// The needs of level 1 or more in the answers of an evaluation made with `d`, the most
/// intense first (then in the nomenclature's order).
pub fn besoins_identifies(d: &Definition, reponses: &Value) -> Vec<BesoinIdentifie> {
    let mut out: Vec<BesoinIdentifie> = d
        .questions
        .iter()
        .filter_map(|q| {
            let TypeReponse::Choix { options } = &q.reponse else {
                return None;
            };
            let element = serafin::element(&q.id)?;
            let v = reponses.get(&q.id)?.as_str()?;
            let o = options.iter().find(|o| o.valeur == v)?;
            let niveau = o.score as u8;
            (niveau >= 1).then(|| BesoinIdentifie {
                code: q.id.clone(),
                libelle: element.libelle.clone(),
                niveau,
                niveau_libelle: o.libelle.clone(),
                commentaire: reponses
                    .get(format!("{}{COMMENTAIRE}", q.id))
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(String::from),
            })
        })
        .collect();
    out.sort_by_key(|b| std::cmp::Reverse(b.niveau));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grille::registre::Registre;
    use crate::serafin::Famille;
    use serde_json::json;

    #[test]
    fn the_grid_asks_every_leaf_need_of_the_nomenclature_once_with_its_code_and_label() {
        let d = Registre::officiel().courante(GRILLE).unwrap();
        assert_eq!(d.version, serafin::VERSION);
        let leaves: Vec<&serafin::Element> = serafin::famille(Famille::Besoins)
            .filter(|e| e.feuille)
            .collect();
        assert_eq!(leaves.len(), 25);
        let niveaux: Vec<_> = d
            .questions
            .iter()
            .filter(|q| !q.id.ends_with(COMMENTAIRE))
            .collect();
        assert_eq!(niveaux.len(), leaves.len());
        for (q, e) in niveaux.iter().zip(&leaves) {
            assert_eq!(q.id, e.code);
            assert_eq!(q.libelle, format!("{} {}", e.code, e.libelle));
            assert!(q.facultative, "{}: a need may be left unevaluated", q.id);
            assert!(d.question(&format!("{}{COMMENTAIRE}", e.code)).is_some());
        }
    }

    #[test]
    fn identified_needs_are_those_of_level_one_or_more_most_intense_first() {
        let d = Registre::officiel().courante(GRILLE).unwrap();
        let r = json!({
            "1.1.2": "1",
            "1.2.1.3": "3",
            "1.2.1.3-commentaire": "Fauteuil roulant pour les sorties",
            "1.3.3.1": "0",
            "1.1.3-commentaire": "   "
        });
        let res = d.evaluer(&r).unwrap();
        assert_eq!(res[0].valeur, 4.0);
        let b = besoins_identifies(&d, &r);
        assert_eq!(
            b.iter()
                .map(|b| (b.code.as_str(), b.niveau))
                .collect::<Vec<_>>(),
            [("1.2.1.3", 3), ("1.1.2", 1)]
        );
        assert_eq!(b[0].libelle, "Besoins pour la mobilité");
        assert_eq!(b[0].niveau_libelle, "Besoin permanent ou intensif");
        assert_eq!(
            b[0].commentaire.as_deref(),
            Some("Fauteuil roulant pour les sorties")
        );
        assert_eq!(b[1].commentaire, None);
        assert!(d.evaluer(&json!({"1.1.2": "4"})).is_err());
    }
}

//! The OpenAPI schema of a project's document (`dui_domain::projet::Contenu`), for
//! `crate::openapi`.

use dui_domain::projet::{BesoinFondamental, Qualite, StatutObjectif};
use dui_domain::serafin;
use serde_json::{json, Map, Value};

fn obj(props: &[(&str, Value)], required: &[&str]) -> Value {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert((*k).to_string(), v.clone());
    }
    json!({"type": "object", "properties": p, "required": required})
}

fn s() -> Value {
    json!({"type": "string"})
}

fn i() -> Value {
    json!({"type": "integer"})
}

/// The codes of an enumeration, for `enum`.
pub(crate) fn codes(c: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    c.collect()
}

/// The document of a project version (`dui_domain::projet::Contenu`).
pub(crate) fn contenu() -> Value {
    let tableau = |items: Value| json!({"type": "array", "items": items});
    let code_serafin = obj(
        &[
            (
                "systeme",
                json!({"type": "string", "const": serafin::SYSTEME, "description": "Système de codes ANS, obligatoire : les numérotations CNSA et ANS diffèrent"}),
            ),
            ("code", s()),
        ],
        &["systeme", "code"],
    );
    let action = obj(
        &[
            ("libelle", s()),
            ("responsable_id", i()),
            ("intervenant", s()),
            ("echeance", s()),
            ("duree", s()),
        ],
        &["libelle"],
    );
    let objectif = obj(
        &[
            (
                "cle",
                json!({"type": "string", "description": "Clé stable dans le projet, donnée à l'enregistrement"}),
            ),
            ("libelle", s()),
            (
                "statut",
                json!({"enum": codes(StatutObjectif::ALL.iter().map(|x| x.code()))}),
            ),
            ("echeance", s()),
            ("serafin", tableau(code_serafin)),
            ("actions", tableau(action)),
        ],
        &["libelle", "statut"],
    );
    let participant = obj(
        &[
            ("nom", s()),
            (
                "qualite",
                json!({"enum": codes(Qualite::ALL.iter().map(|x| x.code()))}),
            ),
        ],
        &["nom", "qualite"],
    );
    let besoin = obj(
        &[
            (
                "besoin",
                json!({"enum": codes(BesoinFondamental::ALL.iter().map(|x| x.code()))}),
            ),
            ("observation", s()),
        ],
        &["besoin"],
    );
    let ppe = obj(
        &[
            (
                "decision_nature",
                json!({"enum": ["", "administrative", "judiciaire"]}),
            ),
            ("decision_reference", s()),
            ("decision_date", s()),
            ("decision_objectifs", s()),
            ("besoins_fondamentaux", tableau(besoin)),
            ("projet_autonomie", s()),
            ("avis_enfant", s()),
            ("avis_parents", s()),
            ("referent_ase", s()),
            ("referent_ase_coordonnees", s()),
        ],
        &[],
    );
    obj(
        &[
            ("attentes", s()),
            ("synthese", s()),
            ("objectifs", tableau(objectif)),
            ("participants", tableau(participant)),
            ("ppe", ppe),
        ],
        &[],
    )
}

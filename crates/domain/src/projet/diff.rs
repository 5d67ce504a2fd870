//! The differences between two versions of a project, field by field, objectives matched by
//! their key (so that a renamed objective is a change, not a removal and an addition).

use serde::Serialize;

use super::{BesoinFondamental, Contenu, NatureDecision, Qualite, StatutObjectif};
use crate::serafin;

/// One field that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Difference {
    /// Stable path of the field (`objectifs.o2.statut`).
    pub cle: String,
    /// French label of the field (« Objectif « Marcher seule » — statut »).
    pub libelle: String,
    /// Value in the older version (`None`: absent).
    pub avant: Option<String>,
    /// Value in the newer version (`None`: removed).
    pub apres: Option<String>,
}

fn libelle_de<T: Copy>(
    code: &str,
    parse: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> String {
    parse(code).map_or_else(|| code.to_string(), |v| label(v).to_string())
}

/// The content as lines (path, label, value), empty values left out.
fn lignes(c: &Contenu) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut push = |cle: String, libelle: String, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            out.push((cle, libelle, v));
        }
    };
    push(
        "attentes".into(),
        "Attentes de la personne".into(),
        c.attentes.clone(),
    );
    push(
        "synthese".into(),
        "Synthèse de l'évaluation".into(),
        c.synthese.clone(),
    );
    for o in &c.objectifs {
        let p = format!("objectifs.{}", o.cle);
        let l = format!("Objectif « {} »", o.libelle);
        push(
            p.clone(),
            format!("{l} — intitulé"),
            Some(o.libelle.clone()),
        );
        push(
            format!("{p}.statut"),
            format!("{l} — statut"),
            Some(libelle_de(
                &o.statut,
                StatutObjectif::from_code,
                StatutObjectif::label_fr,
            )),
        );
        push(
            format!("{p}.echeance"),
            format!("{l} — échéance"),
            o.echeance.clone(),
        );
        let codes: Vec<String> = o
            .serafin
            .iter()
            .map(|s| match serafin::element(&s.code) {
                Some(e) => format!("{} {}", e.code, e.libelle),
                None => s.code.clone(),
            })
            .collect();
        push(
            format!("{p}.serafin"),
            format!("{l} — besoins et prestations SERAFIN-PH"),
            Some(codes.join(" ; ")),
        );
        let actions: Vec<String> = o
            .actions
            .iter()
            .map(|a| {
                let mut s = a.libelle.clone();
                if let Some(i) = &a.intervenant {
                    s.push_str(&format!(" — {i}"));
                }
                if let Some(r) = a.responsable_id {
                    s.push_str(&format!(" — compte n° {r}"));
                }
                if let Some(d) = &a.echeance {
                    s.push_str(&format!(" — pour le {d}"));
                }
                if let Some(d) = &a.duree {
                    s.push_str(&format!(" — {d}"));
                }
                s
            })
            .collect();
        push(
            format!("{p}.actions"),
            format!("{l} — actions"),
            Some(actions.join(" ; ")),
        );
    }
    let participants: Vec<String> = c
        .participants
        .iter()
        .map(|p| {
            format!(
                "{} ({})",
                p.nom,
                libelle_de(&p.qualite, Qualite::from_code, Qualite::label_fr)
            )
        })
        .collect();
    push(
        "participants".into(),
        "Participants".into(),
        Some(participants.join(" ; ")),
    );
    if let Some(v) = &c.ppe {
        push(
            "ppe.decision_nature".into(),
            "Décision mise en œuvre".into(),
            Some(libelle_de(
                &v.decision_nature,
                NatureDecision::from_code,
                NatureDecision::label_fr,
            )),
        );
        for (cle, libelle, val) in [
            (
                "decision_reference",
                "Référence de la décision",
                &v.decision_reference,
            ),
            ("decision_date", "Date de la décision", &v.decision_date),
            (
                "decision_objectifs",
                "Objectifs de la décision",
                &v.decision_objectifs,
            ),
            (
                "projet_autonomie",
                "Projet d'accès à l'autonomie",
                &v.projet_autonomie,
            ),
            ("avis_enfant", "Avis de l'enfant", &v.avis_enfant),
            ("avis_parents", "Avis des parents", &v.avis_parents),
            ("referent_ase", "Référent ASE", &v.referent_ase),
            (
                "referent_ase_coordonnees",
                "Coordonnées du référent ASE",
                &v.referent_ase_coordonnees,
            ),
        ] {
            push(format!("ppe.{cle}"), libelle.into(), val.clone());
        }
        for b in &v.besoins_fondamentaux {
            push(
                format!("ppe.besoins_fondamentaux.{}", b.besoin),
                libelle_de(
                    &b.besoin,
                    BesoinFondamental::from_code,
                    BesoinFondamental::label_fr,
                ),
                Some(b.observation.clone()),
            );
        }
    }
    out
}

/// The fields that differ from `avant` to `apres`, in the order of `apres` (removed fields
/// last, in the order of `avant`).
pub fn diff(avant: &Contenu, apres: &Contenu) -> Vec<Difference> {
    let a = lignes(avant);
    let b = lignes(apres);
    let mut out = Vec::new();
    for (cle, libelle, v) in &b {
        let old = a.iter().find(|(c, _, _)| c == cle).map(|(_, _, v)| v);
        if old != Some(v) {
            out.push(Difference {
                cle: cle.clone(),
                libelle: libelle.clone(),
                avant: old.cloned(),
                apres: Some(v.clone()),
            });
        }
    }
    for (cle, libelle, v) in &a {
        if !b.iter().any(|(c, _, _)| c == cle) {
            out.push(Difference {
                cle: cle.clone(),
                libelle: libelle.clone(),
                avant: Some(v.clone()),
                apres: None,
            });
        }
    }
    out
}

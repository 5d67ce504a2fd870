//! The changes of a project's draft made one at a time by the *Projet* tab's small forms
//! (an objective, its status or an action, the texts, a participant, the child's part): the
//! form as typed, the change it asks for, and that change checked alone before the store so
//! that each refusal names its field (the store checks the whole content again).

use std::collections::BTreeMap;

use dui_domain::projet::{
    ActionPlan, BesoinFondamental, CodeSerafin, Contenu, Modification, Objectif, ObservationBesoin,
    Participant, TypeProjet, VoletPpe, CHAMPS,
};
use dui_domain::saisie::Champ;
use dui_domain::serafin;
use serde::{Deserialize, Serialize};

use super::projet_page::entier;
use crate::forms::opt;
use crate::{AppError, WebResult};

/// One change of the draft, from one of the page's forms (`operation` names which).
#[derive(Deserialize, Serialize, Default)]
pub struct EditionForm {
    #[serde(default)]
    pub(super) operation: String,
    pub(super) version: Option<String>,
    attentes: Option<String>,
    synthese: Option<String>,
    pub(super) cle: Option<String>,
    libelle: Option<String>,
    statut: Option<String>,
    echeance: Option<String>,
    serafin: Option<String>,
    responsable: Option<String>,
    intervenant: Option<String>,
    duree: Option<String>,
    nom: Option<String>,
    qualite: Option<String>,
    decision_nature: Option<String>,
    decision_reference: Option<String>,
    decision_date: Option<String>,
    decision_objectifs: Option<String>,
    projet_autonomie: Option<String>,
    avis_enfant: Option<String>,
    avis_parents: Option<String>,
    referent_ase: Option<String>,
    referent_ase_coordonnees: Option<String>,
    #[serde(flatten)]
    besoins: std::collections::HashMap<String, String>,
}

impl crate::saisie::Champs for EditionForm {
    const CHAMPS: &'static [Champ] = CHAMPS;
}

pub(super) fn version(v: &Option<String>) -> WebResult<i64> {
    entier(v.as_deref()).ok_or_else(|| {
        AppError::field(
            "version",
            "La version du projet lu est obligatoire : rechargez la page.",
        )
    })
}

impl EditionForm {
    /// The change this form asks for.
    pub(super) fn modification(&self, me: i64) -> WebResult<Modification> {
        let s = |v: &Option<String>| opt(v).unwrap_or_default();
        Ok(match self.operation.as_str() {
            "textes" => Modification::Textes {
                attentes: opt(&self.attentes),
                synthese: opt(&self.synthese),
            },
            "objectif" => Modification::AjoutObjectif(Objectif {
                libelle: s(&self.libelle),
                statut: opt(&self.statut).unwrap_or_else(|| "a_engager".into()),
                echeance: opt(&self.echeance),
                serafin: opt(&self.serafin)
                    .map(|code| CodeSerafin {
                        systeme: serafin::SYSTEME.into(),
                        code,
                    })
                    .into_iter()
                    .collect(),
                ..Default::default()
            }),
            "statut" => Modification::StatutObjectif {
                cle: s(&self.cle),
                statut: s(&self.statut),
            },
            "action" => Modification::AjoutAction {
                cle: s(&self.cle),
                action: ActionPlan {
                    libelle: s(&self.libelle),
                    responsable_id: match opt(&self.responsable).as_deref() {
                        None => None,
                        Some("moi") => Some(me),
                        Some(r) => Some(r.parse().map_err(|_| {
                            AppError::field(
                                "responsable",
                                "Choisissez le professionnel dans la liste.",
                            )
                        })?),
                    },
                    intervenant: opt(&self.intervenant),
                    echeance: opt(&self.echeance),
                    duree: opt(&self.duree),
                },
            },
            "participant" => Modification::AjoutParticipant(Participant {
                nom: s(&self.nom),
                qualite: s(&self.qualite),
            }),
            "ppe" => Modification::VoletPpe(VoletPpe {
                decision_nature: s(&self.decision_nature),
                decision_reference: opt(&self.decision_reference),
                decision_date: opt(&self.decision_date),
                decision_objectifs: opt(&self.decision_objectifs),
                besoins_fondamentaux: BesoinFondamental::ALL
                    .iter()
                    .filter_map(|b| {
                        let o = self.besoins.get(&format!("besoin_{}", b.code()))?.trim();
                        (!o.is_empty()).then(|| ObservationBesoin {
                            besoin: b.code().into(),
                            observation: o.into(),
                        })
                    })
                    .collect(),
                projet_autonomie: opt(&self.projet_autonomie),
                avis_enfant: opt(&self.avis_enfant),
                avis_parents: opt(&self.avis_parents),
                referent_ase: opt(&self.referent_ase),
                referent_ase_coordonnees: opt(&self.referent_ase_coordonnees),
            }),
            _ => {
                return Err(AppError::BadRequest(
                    "Modification du projet inconnue.".into(),
                ))
            }
        })
    }
}

/// The refusals of change `m` alone, each on the field of the form that typed it (the last
/// part of the content's path: `objectifs[0].actions[0].echeance` is `echeance`); the
/// objective a status or an action goes to stands for the one of the draft.
pub(super) fn verifier(m: &Modification) -> WebResult<()> {
    let mut c = Contenu::default();
    let t = match m {
        Modification::StatutObjectif { cle, .. } | Modification::AjoutAction { cle, .. } => {
            c.objectifs.push(Objectif {
                cle: cle.clone(),
                libelle: cle.clone(),
                statut: "a_engager".into(),
                ..Objectif::default()
            });
            TypeProjet::Ppa
        }
        Modification::VoletPpe(_) => TypeProjet::Ppe,
        _ => TypeProjet::Ppa,
    };
    // An objective that is not there is the store's refusal (the page read is stale).
    if c.appliquer(m.clone()).is_err() {
        return Ok(());
    }
    let fields: BTreeMap<String, String> = c
        .erreurs(t)
        .into_iter()
        .map(|(chemin, message)| {
            let dernier = chemin.rsplit('.').next().unwrap_or(&chemin);
            let champ = dernier.split('[').next().unwrap_or(dernier);
            (champ.to_string(), message)
        })
        .collect();
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::fields(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refus(m: Modification) -> Vec<String> {
        match verifier(&m) {
            Err(AppError::Invalid { fields, .. }) => fields.into_keys().collect(),
            Err(_) => vec!["?".into()],
            Ok(()) => vec![],
        }
    }

    #[test]
    fn a_change_is_refused_on_the_field_that_typed_it() {
        let action = ActionPlan {
            libelle: " ".into(),
            echeance: Some("demain".into()),
            ..ActionPlan::default()
        };
        let cle = "o3".to_string();
        assert_eq!(
            refus(Modification::AjoutAction { cle, action }),
            ["echeance", "libelle"]
        );
        let statut = Modification::StatutObjectif {
            cle: "o3".into(),
            statut: "fini".into(),
        };
        assert_eq!(refus(statut), ["statut"]);
        let ppe = VoletPpe {
            decision_date: Some("32/13/2026".into()),
            ..VoletPpe::default()
        };
        assert_eq!(refus(Modification::VoletPpe(ppe)), ["decision_date"]);
        let objectif = Objectif {
            libelle: "Marcher".into(),
            statut: "en_cours".into(),
            ..Objectif::default()
        };
        assert!(refus(Modification::AjoutObjectif(objectif)).is_empty());
    }
}

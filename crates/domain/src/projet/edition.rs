//! One change of a draft at a time, as the page's small forms send them (the API sends the
//! whole content instead).

use super::{ActionPlan, Contenu, Objectif, Participant, StatutObjectif, VoletPpe};

/// A change of a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modification {
    /// The person's expectations and the evaluation summary.
    Textes {
        /// Expectations.
        attentes: Option<String>,
        /// Summary.
        synthese: Option<String>,
    },
    /// A new objective (its key is given at save).
    AjoutObjectif(Objectif),
    /// The status of objective `cle`.
    StatutObjectif {
        /// Key of the objective.
        cle: String,
        /// [`StatutObjectif`] code.
        statut: String,
    },
    /// A new action of objective `cle`.
    AjoutAction {
        /// Key of the objective.
        cle: String,
        /// The action.
        action: ActionPlan,
    },
    /// A participant.
    AjoutParticipant(Participant),
    /// The PPE part, whole.
    VoletPpe(VoletPpe),
}

impl Contenu {
    /// Applies `m`; a change naming an objective that is not there is refused (French
    /// message). The result is checked by [`Contenu::erreurs`] before it is saved.
    ///
    /// # Errors
    /// The objective does not exist.
    pub fn appliquer(&mut self, m: Modification) -> Result<(), String> {
        let absent = || {
            "Cet objectif n'existe pas (ou plus) dans le projet : rechargez la page.".to_string()
        };
        match m {
            Modification::Textes { attentes, synthese } => {
                self.attentes = attentes;
                self.synthese = synthese;
            }
            Modification::AjoutObjectif(o) => self.objectifs.push(Objectif {
                cle: String::new(),
                ..o
            }),
            Modification::StatutObjectif { cle, statut } => {
                let o = self
                    .objectifs
                    .iter_mut()
                    .find(|o| o.cle == cle)
                    .ok_or_else(absent)?;
                o.statut = StatutObjectif::from_code(&statut)
                    .map(|s| s.code().to_string())
                    .unwrap_or(statut);
            }
            Modification::AjoutAction { cle, action } => {
                let o = self
                    .objectifs
                    .iter_mut()
                    .find(|o| o.cle == cle)
                    .ok_or_else(absent)?;
                o.actions.push(action);
            }
            Modification::AjoutParticipant(p) => self.participants.push(p),
            Modification::VoletPpe(v) => self.ppe = Some(v),
        }
        Ok(())
    }
}

//! Medical and paramedical observations (SOI-2): typed and dated, append-only (a correction
//! is a new observation naming the one it corrects, both visible), and those received from
//! outside marked with their source.

use crate::policy::Role;

code_enum! {
    /// The kind of a medical or paramedical observation (SOI-2).
    TypeObservation {
        /// Medical (written by a doctor, or received from outside).
        Medicale = "medicale", "Médicale";
        /// Nursing.
        Infirmiere = "infirmiere", "Infirmière";
        /// Care aide.
        AideSoignante = "aide_soignante", "Aide-soignante";
        /// Physiotherapy.
        Kinesitherapie = "kinesitherapie", "Kinésithérapie";
        /// Speech therapy.
        Orthophonie = "orthophonie", "Orthophonie";
        /// Occupational therapy.
        Ergotherapie = "ergotherapie", "Ergothérapie";
        /// Psychomotor therapy.
        Psychomotricite = "psychomotricite", "Psychomotricité";
        /// Dietetics.
        Dietetique = "dietetique", "Diététique";
        /// Anything else.
        Autre = "autre", "Autre";
    }
}

/// Whether `role` may write an observation of kind `t`: a medical observation is a doctor's,
/// unless it is received from outside (`recue`: a hospital report entered by a nurse or the
/// secretariat); the other kinds are open to whoever may write in the care section.
pub fn observation_permise(role: Role, t: TypeObservation, recue: bool) -> bool {
    t != TypeObservation::Medicale || recue || role == Role::Medecin
}

/// The French refusal of [`observation_permise`].
pub const OBSERVATION_MEDICALE_REFUSEE: &str = "Une observation médicale s'écrit par un médecin ; une observation reçue d'un autre professionnel s'enregistre avec sa source.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_medical_observation_is_a_doctors_unless_received_from_outside() {
        for role in Role::ALL {
            for t in TypeObservation::ALL {
                let permis = observation_permise(*role, *t, false);
                assert_eq!(
                    permis,
                    *t != TypeObservation::Medicale || *role == Role::Medecin,
                    "{role:?} {t:?}"
                );
                assert!(observation_permise(*role, *t, true));
            }
        }
    }
}

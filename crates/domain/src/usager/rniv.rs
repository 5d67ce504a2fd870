//! RNIV identity state machine (*cycle de vie du statut de l'identité*) as a pure function.
//!
//! Source: RNIV statuses and transitions as summarised in `shared/interop/01-ins.md` §4.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::identity::{AttributIdentite, Attributs, StatutIdentite, TypeJustificatif};

/// Event that may change the status or attributes of an identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EvenementIdentite {
    /// The traits were checked against an identity document (*contrôle de cohérence
    /// avec un justificatif*).
    JustificatifVerifie {
        /// Document shown.
        type_justificatif: TypeJustificatif,
        /// True when the person is a minor (livret de famille / acte de naissance).
        is_minor: bool,
    },
    /// INSi search by traits returned one identity whose traits match the local ones
    /// (*INS récupérée*).
    InsRecupere,
    /// INSi verification of the stored matricule and traits succeeded.
    InsVerifie,
    /// A strict INS trait was edited by hand (*modification d'un trait strict*).
    TraitModifie,
    /// The identity is reported as doubtful (*identité douteuse*).
    DouteSignale,
    /// The identity is declared fictitious (*identité fictive*).
    FictiveSignalee,
    /// The doubt is cleared (*levée du doute*).
    DouteLeve,
}

/// Refused transition; `Display` is the French message shown to the user.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TransitionRefusee {
    /// A doubtful identity can be neither validated, retrieved nor qualified.
    #[error("Une identité douteuse ne peut être ni validée, ni récupérée, ni qualifiée : levez d'abord le doute.")]
    IdentiteDouteuse,
    /// A fictitious identity can be neither validated, retrieved nor qualified.
    #[error("Une identité fictive ne peut être ni validée, ni récupérée, ni qualifiée.")]
    IdentiteFictive,
    /// A low-trust document cannot validate an identity.
    #[error("Le justificatif « {} » n'est pas un titre d'identité à haut niveau de confiance : il ne permet pas de valider l'identité.", .0.label_fr())]
    JustificatifInsuffisant(TypeJustificatif),
    /// Livret de famille or acte de naissance shown for an adult.
    #[error("Le justificatif « {} » ne permet de valider que l'identité d'un mineur.", .0.label_fr())]
    JustificatifReserveAuxMineurs(TypeJustificatif),
    /// INSi verification on an identity whose INS was never retrieved.
    #[error("Aucune INS n'a été récupérée pour cette identité : il n'y a rien à vérifier auprès du téléservice INSi.")]
    AucuneInsAVerifier,
    /// Clearing a doubt on an identity that is not doubtful.
    #[error("Cette identité n'est pas signalée comme douteuse : il n'y a pas de doute à lever.")]
    AucunDoute,
}

impl TransitionRefusee {
    /// French message (same as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// Refuses raising the status of a douteuse or fictive identity (fictive reported first).
fn verifier_elevation(attributs: &Attributs) -> Result<(), TransitionRefusee> {
    if attributs.fictive {
        Err(TransitionRefusee::IdentiteFictive)
    } else if attributs.douteuse {
        Err(TransitionRefusee::IdentiteDouteuse)
    } else {
        Ok(())
    }
}

/// True when a status change withdraws the matricule INS (and its OID): leaving a status
/// with a retrieved INS (RECUP, QUAL) for one without (PROV, VALI). RNIV: the INS must then
/// be fetched again from INSi. The store applies it to every status change that does not
/// set or remove the matricule itself.
pub fn ins_retiree(avant: StatutIdentite, apres: StatutIdentite) -> bool {
    avant.ins_recupere() && !apres.ins_recupere()
}

/// The RNIV status after an identity edit, and whether the matricule INS (and its OID) must
/// be withdrawn: unchanged when no strict INS trait changed; otherwise the
/// [`EvenementIdentite::TraitModifie`] transition (down to PROV, never refused), which
/// withdraws the INS when the previous status carried a retrieved one
/// ([`StatutIdentite::ins_recupere`]).
pub fn statut_apres_edition(
    statut: StatutIdentite,
    traits_modifies: bool,
) -> (StatutIdentite, bool) {
    if !traits_modifies {
        return (statut, false);
    }
    let nouveau = StatutIdentite::Provisoire;
    (nouveau, ins_retiree(statut, nouveau))
}

/// Applies an event to an identity (RNIV), returning the new status and attributes.
///
/// Rules, checked in this order:
/// - `TraitModifie` → PROV, attributes unchanged (the document check and the INS no
///   longer hold: the caller must drop the matricule INS and OID, see
///   [`StatutIdentite::ins_recupere`], and call INSi again);
/// - `DouteSignale` / `FictiveSignalee` → the attribute is set and the status goes down
///   to PROV (same consequence on the matricule);
/// - `DouteLeve` → DOUT removed, status unchanged (never raised); refused when the
///   identity is not douteuse;
/// - `JustificatifVerifie` and `InsRecupere` are refused on a fictive (checked first) or
///   douteuse identity; then a document must be high-trust for this person
///   ([`TypeJustificatif::high_trust`]): PROV → VALI, RECUP → QUAL, VALI and QUAL
///   unchanged; an INSi retrieval: PROV → RECUP, VALI → QUAL, RECUP and QUAL unchanged;
/// - `InsVerifie` leaves RECUP and QUAL unchanged and is refused on PROV and VALI.
///
/// The *homonyme* attribute is an alert only and never changes the outcome.
///
/// # Errors
/// [`TransitionRefusee`] with the French reason.
pub fn transition(
    statut: StatutIdentite,
    attributs: &Attributs,
    ev: &EvenementIdentite,
) -> Result<(StatutIdentite, Attributs), TransitionRefusee> {
    use StatutIdentite::{Provisoire, Qualifiee, Recuperee, Validee};
    let attributs = *attributs;
    match *ev {
        EvenementIdentite::TraitModifie => Ok((Provisoire, attributs)),
        EvenementIdentite::DouteSignale => {
            Ok((Provisoire, attributs.avec(AttributIdentite::Douteuse, true)))
        }
        EvenementIdentite::FictiveSignalee => {
            Ok((Provisoire, attributs.avec(AttributIdentite::Fictive, true)))
        }
        EvenementIdentite::DouteLeve => {
            if attributs.douteuse {
                Ok((statut, attributs.avec(AttributIdentite::Douteuse, false)))
            } else {
                Err(TransitionRefusee::AucunDoute)
            }
        }
        EvenementIdentite::JustificatifVerifie {
            type_justificatif,
            is_minor,
        } => {
            verifier_elevation(&attributs)?;
            if !type_justificatif.high_trust(is_minor) {
                return Err(if type_justificatif.reserve_aux_mineurs() {
                    TransitionRefusee::JustificatifReserveAuxMineurs(type_justificatif)
                } else {
                    TransitionRefusee::JustificatifInsuffisant(type_justificatif)
                });
            }
            let nouveau = match statut {
                Provisoire | Validee => Validee,
                Recuperee | Qualifiee => Qualifiee,
            };
            Ok((nouveau, attributs))
        }
        EvenementIdentite::InsRecupere => {
            verifier_elevation(&attributs)?;
            let nouveau = match statut {
                Provisoire | Recuperee => Recuperee,
                Validee | Qualifiee => Qualifiee,
            };
            Ok((nouveau, attributs))
        }
        EvenementIdentite::InsVerifie => {
            if statut.ins_recupere() {
                Ok((statut, attributs))
            } else {
                Err(TransitionRefusee::AucuneInsAVerifier)
            }
        }
    }
}

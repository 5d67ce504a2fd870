//! Creating an usager's file with its checks: the right to create, the établissement, the
//! identity rules (through the caller's validation), the duplicate check and the INS
//! already given to another file. One call for the page form and the API.

use chrono::{DateTime, Utc};
use dui_domain::identifiers::Finess;
use dui_domain::policy::Matrice;
use dui_domain::usager::creation::{
    decider_doublons, peut_confirmer_doublon, peut_creer, DecisionDoublons, RefusCreation,
};

use super::{Candidat, IdentiteInput, TraitsCompares};
use crate::db::Store;
use crate::error::StoreError;
use crate::policy::Principal;

/// What the caller asks besides the identity.
#[derive(Debug, Clone, Copy)]
pub struct DemandeCreation<'a> {
    /// FINESS of the établissement as typed (empty: the caller's only établissement).
    pub etablissement: &'a str,
    /// The caller confirms that the probable duplicates are other people.
    pub confirme: bool,
}

/// A validated identity, ready to be written.
#[derive(Debug, Clone)]
pub struct NouvelUsager {
    /// The identity.
    pub identite: IdentiteInput,
    /// The NIR typed, if any.
    pub nir: Option<String>,
    /// Entry date of the first stay (ISO).
    pub date_entree: String,
}

/// The outcome of a creation attempt.
#[derive(Debug)]
pub enum IssueCreation {
    /// Created with this id.
    Cree(dui_domain::ids::UsagerId),
    /// Probable duplicates, not confirmed: nothing created.
    Doublons(Vec<Candidat>),
    /// A candidate already carries this INS: nothing created.
    InsDejaAttribuee(Vec<Candidat>),
    /// Refused (rights, établissement): nothing created.
    Refusee(RefusCreation),
}

impl Store {
    /// Creates an usager's file after its checks, in this order: the caller's profile, the
    /// établissement (and that the caller works there), the identity (`valider`, the
    /// caller's parsing of its input; its error is returned as is), the duplicate check,
    /// the confirmation right and the INS already given to another file.
    pub async fn create_usager_checked<E: From<StoreError>>(
        &self,
        who: &Principal,
        m: &Matrice,
        demande: DemandeCreation<'_>,
        valider: impl FnOnce() -> Result<NouvelUsager, E>,
        now: DateTime<Utc>,
    ) -> Result<IssueCreation, E> {
        if !peut_creer(m, who.role) {
            return Ok(IssueCreation::Refusee(RefusCreation::Profil));
        }
        let finess = demande.etablissement.trim();
        let etab = if finess.is_empty() {
            // One établissement only: no need to choose.
            match who.etablissements.as_slice() {
                [one] => self.etablissement(*one).await?,
                _ => return Ok(IssueCreation::Refusee(RefusCreation::EtablissementAChoisir)),
            }
        } else {
            match Finess::parse(finess) {
                Ok(f) => self.etablissement_by_finess(f.as_str()).await?,
                Err(e) => {
                    return Ok(IssueCreation::Refusee(RefusCreation::FinessInvalide(
                        e.to_string(),
                    )))
                }
            }
        };
        let Some(etab) = etab else {
            return Ok(IssueCreation::Refusee(RefusCreation::FinessInconnu));
        };
        if !who.etablissements.contains(&etab.id) {
            return Ok(IssueCreation::Refusee(RefusCreation::HorsEtablissement));
        }
        let n = valider()?;
        let i = &n.identite;
        let traits = TraitsCompares {
            nom_naissance: &i.nom_naissance,
            nom_utilise: i.nom_utilise.as_deref(),
            premier_prenom: i
                .prenoms_naissance
                .first()
                .map(String::as_str)
                .unwrap_or(""),
            date_naissance: &i.date_naissance,
            ins: n.nir.as_deref(),
            prenoms: &i.prenoms_naissance,
        };
        let candidats = self.doublons(who, m, &traits, None, now).await?;
        match decider_doublons(
            !candidats.is_empty(),
            candidats.iter().any(|c| c.meme_ins),
            demande.confirme,
            peut_confirmer_doublon(m, who.role),
        ) {
            DecisionDoublons::Montrer => return Ok(IssueCreation::Doublons(candidats)),
            DecisionDoublons::Refus => {
                return Ok(IssueCreation::Refusee(RefusCreation::ConfirmationReservee))
            }
            DecisionDoublons::InsDejaAttribuee => {
                return Ok(IssueCreation::InsDejaAttribuee(candidats))
            }
            DecisionDoublons::Creer => {}
        }
        let ids: Vec<i64> = candidats.iter().map(|c| c.id).collect();
        let id = self
            .create_usager(
                &who.actor(),
                i,
                n.nir.as_deref(),
                etab.id,
                &n.date_entree,
                &ids,
                now,
            )
            .await?;
        Ok(IssueCreation::Cree(id))
    }
}

//! The search strategy of the identitovigilance guides and of the public
//! clients, and the verification of a stored INS through a search.
//!
//! Search: first with the first prénom only; on `02` (several identities),
//! again with every prénom; on `02` still, with the birth place (COG) too.
//! The step that answered is recorded ([`Etape`]).
//!
//! Verification: the service has no verification operation; the stored INS
//! is verified by searching with the stored traits and comparing the INS
//! and the traits returned.

use serde::{Deserialize, Serialize};

use super::alphabet;
use super::{InsIdentity, Insi, InsiError, InsiOutcome, TraitsQuery};

/// The call of the strategy that gave the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Etape {
    /// Nom, first prénom, sexe, date.
    PremierPrenom,
    /// Nom, every prénom, sexe, date.
    TousLesPrenoms,
    /// Nom, every prénom, sexe, date and birth place.
    LieuNaissance,
}

impl Etape {
    /// Code written in the audit detail.
    pub fn code(self) -> &'static str {
        match self {
            Etape::PremierPrenom => "premier_prenom",
            Etape::TousLesPrenoms => "tous_les_prenoms",
            Etape::LieuNaissance => "lieu_naissance",
        }
    }
}

/// Result of [`rechercher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recherche {
    /// Answer of the last call.
    pub resultat: InsiOutcome,
    /// The call that gave it.
    pub etape: Etape,
    /// Number of calls made (1 to 3).
    pub appels: u8,
}

/// Runs the search strategy with the traits of a file.
pub async fn rechercher<I: Insi + ?Sized>(
    insi: &I,
    traits: &TraitsQuery,
) -> Result<Recherche, InsiError> {
    let Some(premier) = traits.prenoms.first() else {
        return Err(InsiError::Traits(
            "Le premier prénom de naissance manque : le téléservice INSi ne peut pas être interrogé."
                .to_owned(),
        ));
    };
    let mut q = TraitsQuery {
        prenoms: vec![premier.clone()],
        lieu_naissance: None,
        ..traits.clone()
    };
    let mut etape = Etape::PremierPrenom;
    let mut appels = 1;
    let mut resultat = insi.search_by_traits(&q).await?;
    if resultat == InsiOutcome::Multiple && traits.prenoms.len() > 1 {
        q.prenoms.clone_from(&traits.prenoms);
        etape = Etape::TousLesPrenoms;
        appels += 1;
        resultat = insi.search_by_traits(&q).await?;
    }
    if resultat == InsiOutcome::Multiple && traits.lieu_naissance.is_some() {
        q.prenoms.clone_from(&traits.prenoms);
        q.lieu_naissance.clone_from(&traits.lieu_naissance);
        etape = Etape::LieuNaissance;
        appels += 1;
        resultat = insi.search_by_traits(&q).await?;
    }
    Ok(Recherche {
        resultat,
        etape,
        appels,
    })
}

/// Result of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The service returns the same INS with the same traits.
    Confirmee,
    /// It does not; the reason, in French.
    NonConfirmee(String),
}

/// Verifies a stored INS by searching with its traits.
pub async fn verifier<I: Insi + ?Sized>(
    insi: &I,
    stored: &InsIdentity,
) -> Result<Verification, InsiError> {
    let recherche = rechercher(insi, &stored.traits_query()).await?;
    let found = match recherche.resultat {
        InsiOutcome::Found(found) => found,
        InsiOutcome::NotFound => {
            return Ok(Verification::NonConfirmee(
                "le téléservice ne trouve aucune identité avec les traits du dossier".to_owned(),
            ))
        }
        InsiOutcome::Multiple => {
            return Ok(Verification::NonConfirmee(
                "le téléservice trouve plusieurs identités avec les traits du dossier".to_owned(),
            ))
        }
    };
    Ok(comparer(stored, &found))
}

/// Compares a stored INS and its traits with the identity the service returned.
pub fn comparer(stored: &InsIdentity, found: &InsIdentity) -> Verification {
    if found.matricule_ins() != stored.matricule_ins() {
        let remplacee = found
            .historique
            .iter()
            .any(|h| h.matricule == stored.matricule);
        return Verification::NonConfirmee(if remplacee {
            format!(
                "l'INS du dossier ({}) a été remplacée par l'INS {}",
                stored.matricule_ins(),
                found.matricule_ins()
            )
        } else {
            format!(
                "le téléservice renvoie l'INS {} et non celle du dossier ({})",
                found.matricule_ins(),
                stored.matricule_ins()
            )
        });
    }
    if found.oid != stored.oid {
        return Verification::NonConfirmee(format!(
            "l'autorité d'affectation (OID) renvoyée, {}, diffère de celle du dossier, {}",
            found.oid, stored.oid
        ));
    }
    let same = |a: &str, b: &str| {
        let (a, b) = (
            alphabet::vers_alphabet("", a),
            alphabet::vers_alphabet("", b),
        );
        a.is_ok() && a == b
    };
    let ecart = if !same(&stored.nom_naissance, &found.nom_naissance) {
        Some("nom de naissance")
    } else if !same(&stored.liste_prenoms(), &found.liste_prenoms()) {
        Some("prénoms de naissance")
    } else if stored.sexe.trim() != found.sexe.trim() {
        Some("sexe")
    } else if stored.date_naissance.trim() != found.date_naissance.trim() {
        Some("date de naissance")
    } else if matches!((&stored.lieu_naissance, &found.lieu_naissance), (Some(a), Some(b)) if a.trim() != b.trim())
    {
        Some("lieu de naissance")
    } else {
        None
    };
    match ecart {
        Some(trait_) => Verification::NonConfirmee(format!(
            "{trait_} : la valeur renvoyée par le téléservice diffère de celle du dossier"
        )),
        None => Verification::Confirmee,
    }
}

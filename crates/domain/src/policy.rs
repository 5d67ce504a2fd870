//! The permission policy (HAB-1): one decision `(user, usager, section, action) → allowed?`.
//!
//! The decision is a pure function of facts loaded by the store: the role × section × action
//! matrix (configured by administrators, deny by default), the scope of the role
//! (établissements, assigned usagers only, or oneself), and break-the-glass grants.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// Professional (or personal) role of an account.
    Role {
        /// Manages the organisation, accounts and permissions; no access to care by default.
        Administrateur = "administrateur", "Administrateur";
        /// Direction of an establishment.
        Direction = "direction", "Direction";
        /// Secrétariat / admission.
        Secretariat = "secretariat", "Secrétariat / admission";
        /// Cadre / chef de service.
        Cadre = "cadre", "Cadre / chef de service";
        /// Éducateur / accompagnant.
        Educateur = "educateur", "Éducateur / accompagnant";
        /// Aide-soignant / AES.
        AideSoignant = "aide_soignant", "Aide-soignant / AES";
        /// Infirmier.
        Infirmier = "infirmier", "Infirmier";
        /// Médecin.
        Medecin = "medecin", "Médecin";
        /// Psychologue.
        Psychologue = "psychologue", "Psychologue";
        /// Intervenant à domicile: sees only the usagers they are assigned to.
        IntervenantDomicile = "intervenant_domicile", "Intervenant à domicile";
        /// The usager themself (portal).
        Usager = "usager", "Usager";
        /// A relative authorised by the usager (portal).
        Proche = "proche", "Proche";
    }
}

code_enum! {
    /// Section of a person's file.
    Section {
        /// Identity, stays, contracts, benefits.
        Administratif = "administratif", "Administratif";
        /// Projects, transmissions, evaluations.
        Accompagnement = "accompagnement", "Accompagnement";
        /// Care: observations, prescriptions, care plans.
        Soins = "soins", "Soins";
        /// Psychologists' notes, closed to everyone else.
        Psychologie = "psychologie", "Psychologie";
        /// Documents of the file.
        Documents = "documents", "Documents";
    }
}

code_enum! {
    /// What is done on a section.
    Action {
        /// Read.
        Lire = "lire", "Lire";
        /// Create or modify.
        Ecrire = "ecrire", "Écrire";
        /// Validate or sign (identity validation, merging files, signing documents).
        Valider = "valider", "Valider";
    }
}

/// How far a role reaches among usagers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Portee {
    /// The usagers with a stay in one of the user's établissements.
    Etablissements,
    /// Only the usagers the user is assigned to (home care, relatives).
    Affectation,
    /// Only the user's own file (portal of the usager).
    SoiMeme,
}

impl Role {
    /// The scope of the role (HAB-1: a home-care worker sees only the people they visit).
    pub fn portee(self) -> Portee {
        match self {
            Role::IntervenantDomicile | Role::Proche => Portee::Affectation,
            Role::Usager => Portee::SoiMeme,
            _ => Portee::Etablissements,
        }
    }

    /// Whether the role is a professional one (may use break-the-glass, appears in teams).
    pub fn est_professionnel(self) -> bool {
        !matches!(self, Role::Usager | Role::Proche)
    }
}

/// The role × section × action matrix: a grant is present when allowed (deny by default).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrice(BTreeSet<(Role, Section, Action)>);

impl Matrice {
    /// An empty matrix: nothing allowed.
    pub fn vide() -> Self {
        Self::default()
    }

    /// Builds a matrix from grants.
    pub fn from_grants(grants: impl IntoIterator<Item = (Role, Section, Action)>) -> Self {
        Self(grants.into_iter().collect())
    }

    /// Whether the role may do the action on the section.
    pub fn permet(&self, role: Role, section: Section, action: Action) -> bool {
        self.0.contains(&(role, section, action))
    }

    /// Every grant, sorted.
    pub fn grants(&self) -> impl Iterator<Item = &(Role, Section, Action)> {
        self.0.iter()
    }

    /// The matrix shipped by default, inspired by usual ESSMS practice; administrators change it.
    pub fn par_defaut() -> Self {
        use Action::*;
        use Role::*;
        use Section::*;
        let mut g = Vec::new();
        let mut add = |role: Role, sections: &[Section], actions: &[Action]| {
            for s in sections {
                for a in actions {
                    g.push((role, *s, *a));
                }
            }
        };
        add(
            Direction,
            &[Administratif, Accompagnement, Documents],
            &[Lire, Ecrire, Valider],
        );
        add(Direction, &[Soins], &[Lire]);
        add(
            Secretariat,
            &[Administratif, Documents],
            &[Lire, Ecrire, Valider],
        );
        add(
            Cadre,
            &[Administratif, Accompagnement, Documents],
            &[Lire, Ecrire, Valider],
        );
        add(Cadre, &[Soins], &[Lire]);
        add(Educateur, &[Administratif], &[Lire]);
        add(Educateur, &[Accompagnement, Documents], &[Lire, Ecrire]);
        add(AideSoignant, &[Administratif], &[Lire]);
        add(AideSoignant, &[Accompagnement, Soins], &[Lire, Ecrire]);
        add(Infirmier, &[Administratif, Documents], &[Lire]);
        add(Infirmier, &[Accompagnement], &[Lire, Ecrire]);
        add(Infirmier, &[Soins], &[Lire, Ecrire, Valider]);
        add(
            Medecin,
            &[Administratif, Accompagnement, Documents],
            &[Lire],
        );
        add(Medecin, &[Soins], &[Lire, Ecrire, Valider]);
        add(Psychologue, &[Administratif, Accompagnement], &[Lire]);
        add(Psychologue, &[Psychologie], &[Lire, Ecrire, Valider]);
        add(IntervenantDomicile, &[Administratif], &[Lire]);
        add(IntervenantDomicile, &[Accompagnement], &[Lire, Ecrire]);
        add(Usager, &[Administratif, Accompagnement, Documents], &[Lire]);
        add(Proche, &[Administratif, Accompagnement], &[Lire]);
        Self::from_grants(g)
    }
}

/// The facts the decision needs about one user and one usager, loaded by the store.
#[derive(Clone, Debug, Default)]
pub struct Faits {
    /// Établissements the user works in.
    pub etablissements_utilisateur: Vec<i64>,
    /// Établissements where the usager has (or had) a stay.
    pub etablissements_usager: Vec<i64>,
    /// The user is assigned to this usager (home care, relative with portal access).
    pub affecte: bool,
    /// The account is this usager's own account.
    pub soi_meme: bool,
    /// End of a running break-the-glass access, if any.
    pub acces_exceptionnel_jusqua: Option<DateTime<Utc>>,
}

/// Why access was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Motif {
    /// Within the role's normal scope.
    Normal,
    /// Through a running break-the-glass access.
    AccesExceptionnel,
}

/// Why access was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refus {
    /// The matrix does not grant the action on the section to the role.
    NonPermisParLeRole,
    /// The usager is outside the user's scope (no break-the-glass running).
    HorsPerimetre,
    /// The usager is outside the user's scope and a running break-the-glass does not open
    /// validation (identity validation, merges, signatures).
    ValidationHorsPerimetre,
}

impl Refus {
    /// French message shown to the user.
    pub fn message_fr(self) -> &'static str {
        match self {
            Refus::NonPermisParLeRole => {
                "Votre profil ne permet pas cette action sur cette partie du dossier."
            }
            Refus::HorsPerimetre => "Ce dossier ne fait pas partie de votre périmètre.",
            Refus::ValidationHorsPerimetre => {
                "L'accès exceptionnel permet de consulter ce dossier et d'y écrire selon votre profil, pas de valider (identité, fusion, signature) : adressez-vous à un professionnel de l'établissement qui suit cette personne."
            }
        }
    }
}

/// Decides whether `role` may do `action` on `section` of an usager described by `faits`.
///
/// Deny by default. Break-the-glass widens the scope only (never the matrix), only until it
/// expires, and only for reading and writing: never for [`Action::Valider`] (identity
/// validation, merges, signatures), which stays with the professionals whose normal scope
/// holds the file. It is not available to the portal roles (usager, proche).
pub fn decider(
    matrice: &Matrice,
    role: Role,
    faits: &Faits,
    section: Section,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Motif, Refus> {
    if !matrice.permet(role, section, action) {
        return Err(Refus::NonPermisParLeRole);
    }
    let dans_perimetre = match role.portee() {
        Portee::Etablissements => faits
            .etablissements_usager
            .iter()
            .any(|e| faits.etablissements_utilisateur.contains(e)),
        Portee::Affectation => faits.affecte,
        Portee::SoiMeme => faits.soi_meme,
    };
    if dans_perimetre {
        return Ok(Motif::Normal);
    }
    match faits.acces_exceptionnel_jusqua {
        Some(fin) if role.est_professionnel() && fin > now => match action {
            Action::Lire | Action::Ecrire => Ok(Motif::AccesExceptionnel),
            Action::Valider => Err(Refus::ValidationHorsPerimetre),
        },
        _ => Err(Refus::HorsPerimetre),
    }
}

/// Longest break-the-glass access, in hours.
pub const ACCES_EXCEPTIONNEL_DUREE_MAX_HEURES: i64 = 24;

/// Checks the stated reason of a break-the-glass request (at least 15 meaningful characters).
pub fn valider_motif_acces_exceptionnel(motif: &str) -> Result<String, &'static str> {
    let motif = motif.trim();
    if motif.chars().filter(|c| c.is_alphanumeric()).count() < 15 {
        return Err("Précisez le motif de l'accès exceptionnel (au moins 15 caractères).");
    }
    if motif.chars().count() > 1000 {
        return Err("Le motif ne peut dépasser 1 000 caractères.");
    }
    Ok(motif.to_string())
}

#[cfg(test)]
mod tests;

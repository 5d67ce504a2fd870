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
        /// An outside professional (SSIAD nurse, physiotherapist…) invited by the cadre to
        /// the liaison book of the usagers they are assigned to, and to nothing else.
        Partenaire = "partenaire", "Partenaire extérieur";
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
        /// The liaison book of a person at home, shared with partners and relatives.
        Liaison = "liaison", "Cahier de liaison";
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
            Role::IntervenantDomicile | Role::Proche | Role::Partenaire => Portee::Affectation,
            Role::Usager => Portee::SoiMeme,
            _ => Portee::Etablissements,
        }
    }

    /// Whether the role is a professional one (may use break-the-glass, appears in teams).
    pub fn est_professionnel(self) -> bool {
        !matches!(self, Role::Usager | Role::Proche | Role::Partenaire)
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
    /// It is every grant of [`DEFAUTS`], whatever the version that introduced it.
    pub fn par_defaut() -> Self {
        Self::from_grants(grants_par_defaut(DEFAUTS, 0))
    }
}

/// One block of default grants: `(version, role, sections, actions)` grants every action on
/// every section to the role, from version `version` of the defaults on.
pub type BlocDefaut = (u32, Role, &'static [Section], &'static [Action]);

/// The default grants, each block with the version of the defaults that introduced it.
///
/// A database records the version it has applied; at start, the grants of the blocks newer
/// than that version are added (and only those: a grant of an older block that an
/// administrator removed stays removed). To grant a new section by default, append blocks
/// with `DEFAUTS_VERSION + 1` and raise [`DEFAUTS_VERSION`]; never change an existing block.
pub const DEFAUTS: &[BlocDefaut] = {
    use Action::*;
    use Role::*;
    use Section::*;
    const LEV: &[Action] = &[Lire, Ecrire, Valider];
    const LE: &[Action] = &[Lire, Ecrire];
    const L: &[Action] = &[Lire];
    &[
        (
            1,
            Direction,
            &[Administratif, Accompagnement, Documents],
            LEV,
        ),
        (1, Direction, &[Soins], L),
        (1, Secretariat, &[Administratif, Documents], LEV),
        (1, Cadre, &[Administratif, Accompagnement, Documents], LEV),
        (1, Cadre, &[Soins], L),
        (1, Educateur, &[Administratif], L),
        (1, Educateur, &[Accompagnement, Documents], LE),
        (1, AideSoignant, &[Administratif], L),
        (1, AideSoignant, &[Accompagnement, Soins], LE),
        (1, Infirmier, &[Administratif, Documents], L),
        (1, Infirmier, &[Accompagnement], LE),
        (1, Infirmier, &[Soins], LEV),
        (1, Medecin, &[Administratif, Accompagnement, Documents], L),
        (1, Medecin, &[Soins], LEV),
        (1, Psychologue, &[Administratif, Accompagnement], L),
        (1, Psychologue, &[Psychologie], LEV),
        (1, IntervenantDomicile, &[Administratif], L),
        (1, IntervenantDomicile, &[Accompagnement], LE),
        (1, Usager, &[Administratif, Accompagnement, Documents], L),
        (1, Proche, &[Administratif, Accompagnement], L),
        // Issue 13 (h13c): the liaison book. A relative writes only where the cadre allowed
        // it (checked by the store, `dui_domain::liaison::peut_ecrire`).
        (2, Direction, &[Liaison], L),
        (2, Cadre, &[Liaison], LEV),
        (2, Educateur, &[Liaison], LE),
        (2, AideSoignant, &[Liaison], LE),
        (2, Infirmier, &[Liaison], LE),
        (2, Medecin, &[Liaison], LE),
        (2, IntervenantDomicile, &[Liaison], LE),
        (2, Proche, &[Liaison], LE),
        (2, Partenaire, &[Liaison], LE),
    ]
};

/// The version of the newest block of [`DEFAUTS`].
pub const DEFAUTS_VERSION: u32 = 2;

/// The version of the newest block of `defauts` (0 when there is none).
pub fn version_defauts(defauts: &[BlocDefaut]) -> u32 {
    defauts.iter().map(|b| b.0).max().unwrap_or(0)
}

/// The grants of the blocks of `defauts` introduced after version `appliquee`, sorted and
/// without duplicates.
pub fn grants_par_defaut(defauts: &[BlocDefaut], appliquee: u32) -> Vec<(Role, Section, Action)> {
    let mut g: BTreeSet<(Role, Section, Action)> = BTreeSet::new();
    for (version, role, sections, actions) in defauts {
        if *version > appliquee {
            for s in *sections {
                for a in *actions {
                    g.insert((*role, *s, *a));
                }
            }
        }
    }
    g.into_iter().collect()
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
    /// The person has left: the file has stays and none runs today or later (see
    /// [`crate::suivi::dossier_clos`]); it is read-mostly (decision 0043-parcours-droits-mesures-suivi).
    pub dossier_clos: bool,
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
    /// The role may not read administrative data, hence may not search the usagers.
    RechercheNonPermise,
    /// The file's audit (*Traçabilité*) is reserved (see [`peut_lire_tracabilite`]).
    TracabiliteReservee,
    /// The person has left: the file is read-mostly, completed only by the roles that may
    /// validate the section (see [`decider`]).
    DossierClos,
    /// The psychology section is outside the psychologist's normal scope: break-the-glass
    /// never opens it (decision 0044-soins-psychologie-dlu).
    PsychologieHorsPerimetre,
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
            Refus::RechercheNonPermise => "Votre profil ne permet pas de rechercher des usagers.",
            Refus::TracabiliteReservee => {
                "La traçabilité du dossier est réservée à la direction, au cadre, au référent et à l'usager."
            }
            Refus::DossierClos => {
                "La personne est sortie : son dossier est en lecture seule. Seuls les professionnels habilités à valider cette partie du dossier (cadre, direction, secrétariat pour l'administratif) peuvent encore le compléter."
            }
            Refus::PsychologieHorsPerimetre => {
                "La partie psychologie ne s'ouvre qu'aux psychologues de l'établissement qui suit la personne, jamais par un accès exceptionnel."
            }
        }
    }
}

/// Decides whether `role` may do `action` on `section` of an usager described by `faits`.
///
/// Deny by default. Break-the-glass widens the scope only (never the matrix), only until it
/// expires, and only for reading and writing: never for [`Action::Valider`] (identity
/// validation, merges, signatures), which stays with the professionals whose normal scope
/// holds the file, and never for the psychology section (sealed: a psychologist reads it in
/// their normal scope only). It is not available to the portal roles (usager, proche).
///
/// The scope part of this rule is also written in SQL for the search (`visibility` in
/// `crates/store/src/usager/recherche.rs`); a store test checks on both engines that the search
/// returns exactly the files this function lets each role read. Change both together.
pub fn decider(
    matrice: &Matrice,
    role: Role,
    faits: &Faits,
    section: Section,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Motif, Refus> {
    if !section_permise(matrice, role, section, action) {
        return Err(Refus::NonPermisParLeRole);
    }
    if faits.dossier_clos
        && action == Action::Ecrire
        && !section_permise(matrice, role, section, Action::Valider)
    {
        return Err(Refus::DossierClos);
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
    if section == Section::Psychologie {
        return Err(Refus::PsychologieHorsPerimetre);
    }
    match faits.acces_exceptionnel_jusqua {
        Some(fin) if role.est_professionnel() && fin > now => match action {
            Action::Lire | Action::Ecrire => Ok(Motif::AccesExceptionnel),
            Action::Valider => Err(Refus::ValidationHorsPerimetre),
        },
        _ => Err(Refus::HorsPerimetre),
    }
}

/// Whether the matrix lets `role` do `action` on `section`, the psychology section being
/// closed to every role but the psychologist whatever the matrix grants (an administrator
/// cannot open it to another role; decision 0026-transmissions-psychologie).
pub fn section_permise(matrice: &Matrice, role: Role, section: Section, action: Action) -> bool {
    matrice.permet(role, section, action)
        && (section != Section::Psychologie || role == Role::Psychologue)
}

/// The sections `role` may do `action` on in the files of its scope ([`section_permise`]):
/// what a list across files (the relève, the search of transmissions) may show it.
pub fn sections_permises(matrice: &Matrice, role: Role, action: Action) -> Vec<Section> {
    Section::ALL
        .iter()
        .copied()
        .filter(|s| section_permise(matrice, role, *s, action))
        .collect()
}

/// The rule shared by the pages spanning the files of one établissement (presences, a
/// unit's care), once the matrix has said whether `role` may (`permis`): professionals of
/// établissements only (`NonPermisParLeRole` otherwise), in one of theirs,
/// `etablissements_utilisateur` (`HorsPerimetre` otherwise).
pub fn peut_page_etablissement(
    permis: bool,
    role: Role,
    etablissements_utilisateur: &[i64],
    etablissement: i64,
) -> Result<(), Refus> {
    if !permis || role.portee() != Portee::Etablissements {
        return Err(Refus::NonPermisParLeRole);
    }
    if !etablissements_utilisateur.contains(&etablissement) {
        return Err(Refus::HorsPerimetre);
    }
    Ok(())
}

/// A kind of page spanning the files of one établissement (its activities, its presences, a
/// unit's care): what the matrix must permit a role for an action. [`Self::peut`] adds the
/// établissement's scope ([`peut_page_etablissement`]).
#[derive(Clone, Copy)]
pub struct PageEtablissement(pub fn(&Matrice, Role, Action) -> bool);

impl PageEtablissement {
    /// Whether `role` may `action` these pages of `etablissement`, one of
    /// `etablissements_utilisateur`.
    pub fn peut(
        self,
        matrice: &Matrice,
        role: Role,
        etablissements_utilisateur: &[i64],
        etablissement: i64,
        action: Action,
    ) -> Result<(), Refus> {
        let permis = (self.0)(matrice, role, action);
        peut_page_etablissement(permis, role, etablissements_utilisateur, etablissement)
    }
}

/// Whether `role` may search (and list) the usagers of its scope: it must be allowed to read
/// their administrative data; the scope itself is applied by the search (the same rule as
/// [`decider`], written in SQL).
pub fn peut_rechercher(matrice: &Matrice, role: Role) -> Result<(), Refus> {
    if matrice.permet(role, Section::Administratif, Action::Lire) {
        Ok(())
    } else {
        Err(Refus::RechercheNonPermise)
    }
}

/// Whether an account may read the audit of a file it may already read (*Traçabilité*: who
/// opened or changed the file): the direction, the cadre (and the administrator, who holds no
/// capability on person data by default), the file's referent (`referent`: the account is the
/// usager's referent), and the usager themself (`soi_meme`). The store enforces it on
/// `usager_audit`; the web only asks the capability.
pub fn peut_lire_tracabilite(role: Role, referent: bool, soi_meme: bool) -> bool {
    matches!(role, Role::Direction | Role::Cadre | Role::Administrateur)
        || referent
        || (role == Role::Usager && soi_meme)
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

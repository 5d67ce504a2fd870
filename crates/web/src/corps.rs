//! Answer bodies of `/api/v1` that are not a store type: each handler serializes its type
//! from here, whose `ToSchema` is the OpenAPI document's schema. Imports no feature module.

use dui_domain::ids::UsagerId;
use dui_domain::usager::StatutIdentite;
use dui_store::usager::{Sejour, Usager};
use serde::Serialize;
use utoipa::ToSchema;

/// A record just created or updated: its id and its new version.
#[derive(Serialize, ToSchema)]
pub struct Cree {
    /// Id of the record.
    pub id: i64,
    /// Its version (to send back with If-Match or `version`).
    pub version: i64,
}

/// A person's file just created.
#[derive(Serialize, ToSchema)]
pub struct UsagerCree {
    /// Id of the file.
    pub id: UsagerId,
    /// Its internal number.
    pub numero: String,
    /// Its version.
    pub version: i64,
}

/// The opened file: the identity, its stays and the sections the caller may read.
#[derive(Serialize, ToSchema)]
pub struct Dossier {
    /// The identity (the body that `PUT /usagers/{id}` accepts back).
    #[serde(flatten)]
    pub usager: Usager,
    /// Its stays.
    pub sejours: Vec<Sejour>,
    /// Codes of the sections the caller may read.
    pub sections: Vec<String>,
}

/// One earlier version of an identity.
#[derive(Serialize, ToSchema)]
pub struct VersionIdentite {
    /// The version number it had.
    pub version: i64,
    /// The identity as it was (the fields of the usager).
    #[schema(value_type = Object)]
    pub donnees: serde_json::Value,
    /// Id of the account that changed it.
    pub modifie_par: Option<i64>,
    /// When it was changed.
    pub modifie_at: String,
}

/// The identity's state after an identitovigilance action.
#[derive(Serialize, ToSchema)]
pub struct EtatIdentite {
    /// New version of the file.
    pub version: i64,
    /// RNIV status (its code: PROV, RECUP, VALI, QUAL).
    pub statut_identite: StatutIdentite,
    /// Attribute codes (DOUT, FICT, HOMA), comma-separated.
    pub attributs_identite: String,
    /// Matricule INS.
    pub matricule_ins: Option<String>,
    /// OID of the matricule's authority.
    pub oid_ins: Option<String>,
}

/// A merge just done.
#[derive(Serialize, ToSchema)]
pub struct FusionFaite {
    /// Id of the merge (to cancel it).
    pub id: i64,
    /// The file kept.
    pub conserve_id: UsagerId,
    /// The file absorbed.
    pub absorbe_id: UsagerId,
}

/// A break-the-glass access just opened.
#[derive(Serialize, ToSchema)]
pub struct AccesOuvert {
    /// Id of the access.
    pub id: i64,
    /// Its duration in hours.
    pub heures: i64,
}

/// A photo just saved.
#[derive(Serialize, ToSchema)]
pub struct PhotoEnregistree {
    /// SHA-256 of the stored image.
    pub empreinte: String,
    /// `image/jpeg` or `image/png`.
    #[serde(rename = "type")]
    pub media_type: String,
    /// Size in bytes.
    pub octets: i64,
}

/// A temporary password, shown once.
#[derive(Serialize, ToSchema)]
pub struct MotDePasseTemporaire {
    /// The password to hand to the person.
    pub mot_de_passe_temporaire: String,
    /// Always true: it must be changed at the next login.
    pub doit_changer_mdp: bool,
}

/// A transmission just written.
#[derive(Serialize, ToSchema)]
pub struct TransmissionEcrite {
    /// Its id.
    pub id: i64,
}

/// A record of an append-only part of the file just written (an entry of the medical
/// summary, an observation, a psychology note, a return sheet): its id.
#[derive(Serialize, ToSchema)]
pub struct Ecrite {
    /// Its id.
    pub id: i64,
}

/// The medical summary of a file: its active entries, by heading then oldest first.
#[derive(Serialize, ToSchema)]
pub struct SyntheseSoins {
    /// The file.
    pub usager_id: UsagerId,
    /// When the summary last changed (RFC 3339, UTC).
    pub mise_a_jour: Option<String>,
    /// The active entries (neither ended nor corrected).
    pub entrees: Vec<dui_store::usager::EntreeSoins>,
}

/// How many transmissions were newly marked read.
#[derive(Serialize, ToSchema)]
pub struct TransmissionsMarquees {
    /// Count.
    pub marquees: u64,
}

/// A personalised project and its current version (the draft if one is open, else the last
/// validated one): the body that `PUT /usagers/{id}/projets/{pid}` accepts back.
#[derive(Serialize, ToSchema)]
pub struct ProjetCourant {
    /// The project (with its `version`, to send back).
    #[serde(flatten)]
    pub projet: dui_store::usager::Projet,
    /// Number of the version shown.
    pub numero: Option<i64>,
    /// `brouillon` or `valide`.
    pub statut: Option<String>,
    /// Its document.
    pub contenu: Option<dui_domain::projet::Contenu>,
    /// The signatures recorded on it.
    pub signatures: Vec<dui_store::usager::Signature>,
    /// Last changed at.
    pub modifie_at: Option<String>,
    /// Validated at.
    pub valide_at: Option<String>,
}

/// A project created, validated or signed: its id, the version number concerned and the
/// project's new version.
#[derive(Serialize, ToSchema)]
pub struct ProjetFait {
    /// The project.
    pub id: i64,
    /// The version number created, validated or signed.
    pub numero: i64,
    /// The project's version (to send back with If-Match or `version`).
    pub version: i64,
}

/// The differences between two versions of a project.
#[derive(Serialize, ToSchema)]
pub struct DiffProjet {
    /// The older version.
    pub de: i64,
    /// The newer version.
    pub a: i64,
    /// The fields that differ.
    pub differences: Vec<dui_domain::projet::Difference>,
}

/// An application linked to the person's file (created from it, or existing).
#[derive(Serialize, ToSchema)]
pub struct DossierCandidature {
    /// The file.
    pub usager_id: UsagerId,
    /// The application's new version.
    pub version: i64,
}

/// The first interview of an application planned.
#[derive(Serialize, ToSchema)]
pub struct EntretienPlanifie {
    /// The appointment.
    pub rendez_vous_id: i64,
    /// The application's new version.
    pub version: i64,
}

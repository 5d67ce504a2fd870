//! A person's identity and stays as stored, and how a row decodes into them: what the policy
//! hands out with an opened file (`policy::open_file`) and the `usager` module works on. This
//! module imports neither of them.

use serde::Serialize;

use crate::{StoreError, StoreResult};

/// An usager's identity and file header.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Usager {
    /// Id (the internal file number is `U` + id on 7 digits).
    pub id: i64,
    /// Internal file number.
    pub numero: String,
    /// *Nom de naissance* (INS form: upper case, no accents).
    pub nom_naissance: String,
    /// *Prénoms de naissance*, first one first.
    pub prenoms_naissance: Vec<String>,
    /// *Premier prénom de naissance*.
    pub premier_prenom: String,
    /// Birth date, ISO with `00` for unknown parts.
    pub date_naissance: String,
    /// `F`, `M` or `I`.
    pub sexe: String,
    /// INSEE/COG code of the birth place.
    pub lieu_naissance: Option<String>,
    /// *Nom utilisé*.
    pub nom_utilise: Option<String>,
    /// *Prénom utilisé*.
    pub prenom_utilise: Option<String>,
    /// Matricule INS (15 characters) once retrieved from INSi, or a NIR typed at creation.
    pub matricule_ins: Option<String>,
    /// OID of the matricule's authority.
    pub oid_ins: Option<String>,
    /// RNIV status code (PROV, RECUP, VALI, QUAL).
    pub statut_identite: String,
    /// Attribute codes (DOUT, FICT, HOMA), comma-separated.
    pub attributs_identite: String,
    /// Identity document checked (type code).
    pub justificatif_type: Option<String>,
    /// When the document was checked.
    pub justificatif_at: Option<String>,
    /// When the INS was retrieved or last verified.
    pub ins_at: Option<String>,
    /// Referent professional.
    pub referent_id: Option<i64>,
    /// Alerts (allergies… until the care section stores them), free text.
    pub alertes: String,
    /// Kept file when this one was merged into another.
    pub fusionne_dans: Option<i64>,
    /// Version for optimistic concurrency.
    pub version: i64,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// Fields of an usager's identity, already validated by the domain rules.
#[derive(Clone, Debug)]
pub struct IdentiteInput {
    /// Nom de naissance (INS form).
    pub nom_naissance: String,
    /// Prénoms de naissance.
    pub prenoms_naissance: Vec<String>,
    /// Birth date (ISO, `00` for unknown parts).
    pub date_naissance: String,
    /// Sex code.
    pub sexe: String,
    /// COG of the birth place.
    pub lieu_naissance: Option<String>,
    /// Nom utilisé.
    pub nom_utilise: Option<String>,
    /// Prénom utilisé.
    pub prenom_utilise: Option<String>,
    /// Referent professional.
    pub referent_id: Option<i64>,
    /// Alerts.
    pub alertes: String,
}

/// RNIV status change to store.
#[derive(Clone, Debug)]
pub struct StatutChange {
    /// New status code.
    pub statut: String,
    /// New attribute codes.
    pub attributs: String,
    /// `Some(Some(..))` sets the matricule and OID, `Some(None)` removes them.
    pub ins: Option<Option<(String, String)>>,
    /// Document checked, if this change records one.
    pub justificatif: Option<String>,
    /// Whether this change records an INSi retrieval or verification.
    pub ins_interroge: bool,
}

/// A stay (*séjour*, *prise en charge*) in an établissement.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Sejour {
    /// Id.
    pub id: i64,
    /// Établissement.
    pub etablissement_id: i64,
    /// Its name.
    pub etablissement: String,
    /// Unit.
    pub unite_id: Option<i64>,
    /// Entry date.
    pub date_entree: String,
    /// Exit date.
    pub date_sortie: Option<String>,
}

/// The stays as the policy's statement reads them: a JSON array of
/// `[id, etablissement_id, nom, unite_id, date_entree, date_sortie]`, newest first.
pub(crate) fn sejours_from_json(json: Option<&str>) -> StoreResult<Vec<Sejour>> {
    type Raw = (i64, i64, String, Option<i64>, String, Option<String>);
    let raw: Vec<Raw> = match json {
        None => Vec::new(),
        Some(j) => serde_json::from_str(j).map_err(|e| StoreError::Invalid(e.to_string()))?,
    };
    Ok(raw
        .into_iter()
        .map(
            |(id, etablissement_id, etablissement, unite_id, date_entree, date_sortie)| Sejour {
                id,
                etablissement_id,
                etablissement,
                unite_id,
                date_entree,
                date_sortie,
            },
        )
        .collect())
}

/// Internal file number of an usager id.
pub fn numero(id: i64) -> String {
    format!("U{id:07}")
}

/// The usager id of a file number as typed: `U0000042`, `u42` or `42`.
pub fn parse_numero(s: &str) -> Option<i64> {
    s.trim().trim_start_matches(['U', 'u']).parse().ok()
}

pub(crate) const USAGER_COLUMNS: &str = "id, nom_naissance, prenoms_naissance, premier_prenom, date_naissance, sexe, lieu_naissance, nom_utilise, prenom_utilise, \
    matricule_ins, oid_ins, statut_identite, attributs_identite, justificatif_type, justificatif_at, ins_at, referent_id, alertes, fusionne_dans, version, created_at, updated_at";

pub(crate) fn usager_from(r: &crate::sql::Row) -> StoreResult<Usager> {
    let id: i64 = r.try_get("id")?;
    let prenoms: String = r.try_get("prenoms_naissance")?;
    Ok(Usager {
        id,
        numero: numero(id),
        nom_naissance: r.try_get("nom_naissance")?,
        // A JSON list as written by this code; rows written by other tools may hold the INS
        // form (first names separated by spaces).
        prenoms_naissance: serde_json::from_str(&prenoms)
            .unwrap_or_else(|_| prenoms.split_whitespace().map(str::to_string).collect()),
        premier_prenom: r.try_get("premier_prenom")?,
        date_naissance: r.try_get("date_naissance")?,
        sexe: r.try_get("sexe")?,
        lieu_naissance: r.try_get("lieu_naissance")?,
        nom_utilise: r.try_get("nom_utilise")?,
        prenom_utilise: r.try_get("prenom_utilise")?,
        matricule_ins: r.try_get("matricule_ins")?,
        oid_ins: r.try_get("oid_ins")?,
        statut_identite: r.try_get("statut_identite")?,
        attributs_identite: r.try_get("attributs_identite")?,
        justificatif_type: r.try_get("justificatif_type")?,
        justificatif_at: r.try_get("justificatif_at")?,
        ins_at: r.try_get("ins_at")?,
        referent_id: r.try_get("referent_id")?,
        alertes: r.try_get("alertes")?,
        fusionne_dans: r.try_get("fusionne_dans")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

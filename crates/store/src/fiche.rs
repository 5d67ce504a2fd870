//! A person's identity and stays as stored, and how a row decodes into them: what the policy
//! hands out with an opened file (`policy::open_file`) and the `usager` module works on. This
//! module imports neither of them.

use chrono::{DateTime, Utc};
use dui_domain::ids::{UsagerId, UtilisateurId};
use dui_domain::usager::{Attributs, DateNaissance, Sexe, StatutIdentite, TypeJustificatif};
use serde::{Serialize, Serializer};

use crate::{parse_ts, ts, StoreError, StoreResult};

/// An usager's identity and file header.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Usager {
    /// Id (the internal file number is `U` + id on 7 digits).
    pub id: UsagerId,
    /// Internal file number.
    pub numero: String,
    /// *Nom de naissance* (INS form: upper case, no accents).
    pub nom_naissance: String,
    /// *Prénoms de naissance*, first one first.
    pub prenoms_naissance: Vec<String>,
    /// *Premier prénom de naissance*.
    pub premier_prenom: String,
    /// Birth date, possibly partial (ISO with `00` for unknown parts in JSON).
    pub date_naissance: DateNaissance,
    /// Sex (`F`, `M` or `I` in JSON).
    pub sexe: Sexe,
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
    /// RNIV status (PROV, RECUP, VALI, QUAL in JSON).
    pub statut_identite: StatutIdentite,
    /// Attributes (DOUT, FICT, HOMA), comma-separated in JSON as stored.
    #[serde(serialize_with = "attributs_codes")]
    #[schema(value_type = String, example = "DOUT,HOMA")]
    pub attributs_identite: Attributs,
    /// Identity document checked.
    pub justificatif_type: Option<TypeJustificatif>,
    /// When the document was checked.
    #[serde(serialize_with = "opt_horodatage")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub justificatif_at: Option<DateTime<Utc>>,
    /// When the INS was retrieved or last verified.
    #[serde(serialize_with = "opt_horodatage")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ins_at: Option<DateTime<Utc>>,
    /// Referent professional.
    pub referent_id: Option<UtilisateurId>,
    /// Alerts (allergies… until the care section stores them), free text.
    pub alertes: String,
    /// Kept file when this one was merged into another.
    pub fusionne_dans: Option<UsagerId>,
    /// Version for optimistic concurrency.
    pub version: i64,
    /// Created.
    #[serde(serialize_with = "horodatage")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// Last change.
    #[serde(serialize_with = "horodatage")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
}

/// Attributes in JSON as stored: `"DOUT,HOMA"`.
fn attributs_codes<S: Serializer>(a: &Attributs, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&a.codes())
}

/// A timestamp in JSON as stored ([`crate::ts`]: fixed width, microseconds, `Z`).
fn horodatage<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ts(*t))
}

fn opt_horodatage<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => horodatage(t, s),
        None => s.serialize_none(),
    }
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

/// RNIV status change to store (the outcome of [`dui_domain::usager::transition`]).
#[derive(Clone, Debug)]
pub struct StatutChange {
    /// New status.
    pub statut: StatutIdentite,
    /// New attributes.
    pub attributs: Attributs,
    /// `Some(Some(..))` sets the matricule and OID, `Some(None)` removes them; `None` leaves
    /// them, unless the status change withdraws a retrieved INS
    /// ([`dui_domain::usager::ins_retiree`], applied by the store).
    pub ins: Option<Option<(String, String)>>,
    /// Document checked, if this change records one.
    pub justificatif: Option<TypeJustificatif>,
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
    let id: UsagerId = r.try_get("id")?;
    let prenoms: String = r.try_get("prenoms_naissance")?;
    Ok(Usager {
        id,
        numero: numero(id.get()),
        nom_naissance: r.try_get("nom_naissance")?,
        // A JSON list as written by this code; rows written by other tools may hold the INS
        // form (first names separated by spaces).
        prenoms_naissance: serde_json::from_str(&prenoms)
            .unwrap_or_else(|_| prenoms.split_whitespace().map(str::to_string).collect()),
        premier_prenom: r.try_get("premier_prenom")?,
        date_naissance: code(r, "date_naissance", |s| {
            DateNaissance::from_iso_ou_fr(s).ok()
        })?,
        sexe: code(r, "sexe", Sexe::from_code)?,
        lieu_naissance: r.try_get("lieu_naissance")?,
        nom_utilise: r.try_get("nom_utilise")?,
        prenom_utilise: r.try_get("prenom_utilise")?,
        matricule_ins: r.try_get("matricule_ins")?,
        oid_ins: r.try_get("oid_ins")?,
        statut_identite: code(r, "statut_identite", StatutIdentite::from_code)?,
        attributs_identite: code(r, "attributs_identite", Attributs::from_codes)?,
        justificatif_type: opt_code(r, "justificatif_type", TypeJustificatif::from_code)?,
        justificatif_at: opt_horodatage_lu(r, "justificatif_at")?,
        ins_at: opt_horodatage_lu(r, "ins_at")?,
        referent_id: r.try_get("referent_id")?,
        alertes: r.try_get("alertes")?,
        fusionne_dans: r.try_get("fusionne_dans")?,
        version: r.try_get("version")?,
        created_at: parse_ts(&r.try_get::<String, _>("created_at")?)?,
        updated_at: parse_ts(&r.try_get::<String, _>("updated_at")?)?,
    })
}

/// A stored code decoded by the domain: a value it does not know is corruption, never a
/// default (`StoreError::Corrupt`, naming the column and the value).
pub(crate) fn code<T>(
    r: &crate::sql::Row,
    column: &str,
    decode: impl Fn(&str) -> Option<T>,
) -> StoreResult<T> {
    let s: String = r.try_get(column)?;
    decode(&s).ok_or_else(|| corrupt(column, &s))
}

/// As [`code`], for a nullable column.
pub(crate) fn opt_code<T>(
    r: &crate::sql::Row,
    column: &str,
    decode: impl Fn(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    let s: Option<String> = r.try_get(column)?;
    s.map(|s| decode(&s).ok_or_else(|| corrupt(column, &s)))
        .transpose()
}

fn opt_horodatage_lu(r: &crate::sql::Row, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
    let s: Option<String> = r.try_get(column)?;
    s.as_deref().map(parse_ts).transpose()
}

fn corrupt(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "valeur {value:?} illisible dans la colonne {column}"
    ))
}

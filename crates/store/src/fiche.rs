//! A person's identity and stays as stored, and how a row decodes into them: what the policy
//! hands out with an opened file (`policy::open_file`) and the `usager` module works on. This
//! module imports neither of them.

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::ids::{UsagerId, UtilisateurId};
use dui_domain::sejour::{Financement, ModeSortie, TypeAccompagnement};
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
    /// The birth name as typed, accents kept (« Dupônt »), when it differs from the INS form.
    pub nom_naissance_saisi: Option<String>,
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
    /// The birth name as typed, when it says more than the INS form
    /// ([`dui_domain::usager::nommage::nom_naissance_a_garder`]).
    pub nom_naissance_saisi: Option<String>,
}

impl IdentiteInput {
    /// The identity of birth alone (name, first names, date, sex), nothing optional filled:
    /// the base that an import, an application or a test completes.
    pub fn new(
        nom_naissance: String,
        prenoms_naissance: Vec<String>,
        date_naissance: String,
        sexe: String,
    ) -> Self {
        IdentiteInput {
            nom_naissance,
            prenoms_naissance,
            date_naissance,
            sexe,
            lieu_naissance: None,
            nom_utilise: None,
            prenom_utilise: None,
            referent_id: None,
            nom_naissance_saisi: None,
        }
    }
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

/// A stay (*séjour*, *prise en charge*) in an établissement: `[date_entree, date_sortie)`.
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
    /// Its name.
    pub unite: Option<String>,
    /// Kind of support.
    pub type_accompagnement: TypeAccompagnement,
    /// Entry date (`AAAA-MM-JJ`).
    pub date_entree: String,
    /// Exit date (`AAAA-MM-JJ`), the first day out.
    pub date_sortie: Option<String>,
    /// Planned end (temporary stays, measures).
    pub date_fin_prevue: Option<String>,
    /// Who pays.
    pub financement: Option<Financement>,
    /// Referent professional of the stay.
    pub referent_id: Option<i64>,
    /// The usager's number in the établissement.
    pub numero_usager: Option<String>,
    /// How it ended.
    pub mode_sortie: Option<ModeSortie>,
    /// Where the person went.
    pub destination: Option<String>,
    /// The stay this one follows after a transfer.
    pub transfert_de: Option<i64>,
    /// Admitted over capacity (explicit, audited override).
    pub depassement_capacite: bool,
    /// Version for optimistic concurrency.
    pub version: i64,
}

impl Sejour {
    /// Whether the stay is running (no exit date).
    pub fn en_cours(&self) -> bool {
        self.date_sortie.is_none()
    }
}

/// The columns of a stay, for a statement over `sejour s JOIN etablissement e LEFT JOIN
/// unite un` (decoded by [`sejour_from`]).
pub(crate) const SEJOUR_COLUMNS: &str = "s.id, s.etablissement_id, e.nom AS etablissement, s.unite_id, un.nom AS unite, s.type_accompagnement, s.date_entree, s.date_sortie, \
    s.date_fin_prevue, s.financement, s.referent_id, s.numero_usager, s.mode_sortie, s.destination, s.transfert_de, s.depassement_capacite, s.version";

/// The joins [`SEJOUR_COLUMNS`] reads.
pub(crate) const SEJOUR_FROM: &str = "sejour s JOIN etablissement e ON e.id = s.etablissement_id LEFT JOIN unite un ON un.id = s.unite_id";

/// A stay as stored, before its codes are decoded (a row, or an object of the policy's
/// statement).
#[derive(serde::Deserialize)]
struct SejourBrut {
    id: i64,
    etablissement_id: i64,
    etablissement: String,
    unite_id: Option<i64>,
    unite: Option<String>,
    type_accompagnement: String,
    date_entree: String,
    date_sortie: Option<String>,
    date_fin_prevue: Option<String>,
    financement: Option<String>,
    referent_id: Option<i64>,
    numero_usager: Option<String>,
    mode_sortie: Option<String>,
    destination: Option<String>,
    transfert_de: Option<i64>,
    depassement_capacite: i64,
    version: i64,
}

impl SejourBrut {
    fn decoder(self) -> StoreResult<Sejour> {
        let opt = |col: &str, v: Option<String>, f: fn(&str) -> bool| match v {
            Some(s) if !f(&s) => Err(corrupt(col, &s)),
            other => Ok(other),
        };
        let financement = opt("financement", self.financement, |s| {
            Financement::from_code(s).is_some()
        })?;
        let mode = opt("mode_sortie", self.mode_sortie, |s| {
            ModeSortie::from_code(s).is_some()
        })?;
        Ok(Sejour {
            id: self.id,
            etablissement_id: self.etablissement_id,
            etablissement: self.etablissement,
            unite_id: self.unite_id,
            unite: self.unite,
            type_accompagnement: TypeAccompagnement::from_code(&self.type_accompagnement)
                .ok_or_else(|| corrupt("type_accompagnement", &self.type_accompagnement))?,
            date_entree: self.date_entree,
            date_sortie: self.date_sortie,
            date_fin_prevue: self.date_fin_prevue,
            financement: financement.as_deref().and_then(Financement::from_code),
            referent_id: self.referent_id,
            numero_usager: self.numero_usager,
            mode_sortie: mode.as_deref().and_then(ModeSortie::from_code),
            destination: self.destination,
            transfert_de: self.transfert_de,
            depassement_capacite: self.depassement_capacite != 0,
            version: self.version,
        })
    }
}

/// Decodes a row of [`SEJOUR_COLUMNS`].
pub(crate) fn sejour_from(r: &crate::sql::Row) -> StoreResult<Sejour> {
    colonnes!(r => SejourBrut {
        id, etablissement_id, etablissement, unite_id, unite, type_accompagnement, date_entree,
        date_sortie, date_fin_prevue, financement, referent_id, numero_usager, mode_sortie,
        destination, transfert_de, depassement_capacite, version,
    })
    .decoder()
}

/// The object of one stay in the policy's statement: the columns of [`SEJOUR_COLUMNS`] by
/// name, for `json_object` (SQLite) or `json_build_object` (PostgreSQL).
pub(crate) fn sejour_json_pairs() -> String {
    SEJOUR_COLUMNS
        .split(',')
        .map(|c| {
            let c = c.trim();
            let (expr, name) = match c.split_once(" AS ") {
                Some((e, n)) => (e, n),
                None => (c, c.trim_start_matches("s.")),
            };
            format!("'{name}', {expr}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stays as the policy's statement reads them: a JSON array of objects of
/// [`sejour_json_pairs`], newest first.
pub(crate) fn sejours_from_json(json: Option<&str>) -> StoreResult<Vec<Sejour>> {
    let raw: Vec<SejourBrut> = match json {
        None => Vec::new(),
        Some(j) => serde_json::from_str(j).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    };
    raw.into_iter().map(SejourBrut::decoder).collect()
}

/// Internal file number of an usager id.
pub fn numero(id: i64) -> String {
    format!("U{id:07}")
}

/// The usager id of a file number as typed: `U0000042`, `u42` or `42`.
pub fn parse_numero(s: &str) -> Option<i64> {
    s.trim().trim_start_matches(['U', 'u']).parse().ok()
}

pub(crate) const USAGER_COLUMNS: &str = "id, nom_naissance, nom_naissance_saisi, prenoms_naissance, premier_prenom, date_naissance, sexe, lieu_naissance, nom_utilise, prenom_utilise, \
    matricule_ins, oid_ins, statut_identite, attributs_identite, justificatif_type, justificatif_at, ins_at, referent_id, fusionne_dans, version, created_at, updated_at";

pub(crate) fn usager_from(r: &crate::sql::Row) -> StoreResult<Usager> {
    let id: UsagerId = r.try_get("id")?;
    let prenoms: String = r.try_get("prenoms_naissance")?;
    Ok(Usager {
        id,
        numero: numero(id.get()),
        nom_naissance: r.try_get("nom_naissance")?,
        nom_naissance_saisi: r.try_get("nom_naissance_saisi")?,
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

/// A stored day (`AAAA-MM-JJ`), as [`code`] and [`opt_code`] decode it.
pub(crate) fn jour(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
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

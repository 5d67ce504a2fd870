//! Identity input as typed in the form or the API, checked by the domain rules.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use dui_domain::identifiers::{CodeCog, Nir};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::usager::{
    ecarts_nir, message_ecarts, DateNaissance, Sexe, TraitsIns, TypeJustificatif,
};
use dui_store::usager::IdentiteInput;
use serde::Deserialize;

use crate::AppError;

/// Identity fields (creation and edit).
#[derive(Deserialize, Default, Clone, Debug, utoipa::ToSchema)]
pub struct IdentiteFields {
    /// Nom de naissance.
    #[serde(default)]
    pub nom_naissance: String,
    /// Prénoms de naissance (JSON list; forms send one space-separated text). Also read as
    /// `prenoms_naissance`, the name GET gives it, so that GET's body is accepted by PUT.
    #[serde(default, alias = "prenoms_naissance", deserialize_with = "prenoms")]
    pub prenoms: Vec<String>,
    /// Birth date: `AAAA-MM-JJ` (00 for unknown parts) or `JJ/MM/AAAA`.
    #[serde(default)]
    pub date_naissance: String,
    /// `F`, `M`, `I`.
    #[serde(default)]
    pub sexe: String,
    /// Birthplace: its COG code, or its name as the lookup gives it (« Reims (51) »,
    /// « Espagne »; `GET /api/v1/lieux-naissance?q=`), or a name only one place has.
    pub lieu_naissance: Option<String>,
    /// NIR typed (optional). In an edit, absent leaves the matricule as it is, empty removes
    /// a typed NIR; it can be changed only while INSi has not returned it and the identity is
    /// provisional.
    pub nir: Option<String>,
    /// Nom utilisé.
    pub nom_utilise: Option<String>,
    /// Prénom utilisé.
    pub prenom_utilise: Option<String>,
    /// FINESS of the établissement (creation).
    pub etablissement: Option<String>,
    /// Entry date (creation), default today.
    pub date_entree: Option<String>,
    /// Confirm creation despite probable duplicates.
    #[serde(default, deserialize_with = "crate::forms::string_or_bool")]
    #[schema(value_type = Option<bool>)]
    pub confirmer_doublon: Option<String>,
    /// Referent professional (account id).
    #[serde(default, deserialize_with = "crate::forms::string_or_number")]
    #[schema(value_type = Option<i64>)]
    pub referent_id: Option<String>,
    /// No longer taken (the alerts are in the medical summary): only empty is accepted.
    pub alertes: Option<String>,
    /// Version (edit).
    pub version: Option<i64>,
}

impl crate::saisie::Champs for IdentiteFields {
    const CHAMPS: &'static [Champ] = &[
        Champ::ligne("nom_naissance", lim::NOM_PERSONNE),
        Champ::ligne("prenoms", lim::NOM_PERSONNE),
        Champ::ligne("prenoms_naissance", lim::NOM_PERSONNE),
        Champ::ligne("date_naissance", lim::DATE),
        Champ::ligne("sexe", lim::CODE),
        Champ::ligne("lieu_naissance", lim::NOM_STRUCTURE),
        Champ::ligne("nir", lim::NUMERO),
        Champ::ligne("nom_utilise", lim::NOM_PERSONNE),
        Champ::ligne("prenom_utilise", lim::NOM_PERSONNE),
        Champ::ligne("etablissement", lim::NUMERO),
        Champ::ligne("date_entree", lim::DATE),
        Champ::ligne("confirmer_doublon", lim::CODE),
        Champ::ligne("referent_id", 20),
        Champ::texte("alertes", lim::ALERTES),
        Champ::ligne("version", 20),
    ];
}

impl IdentiteFields {
    /// A field as the form shows it again (`""` when absent): the text fields by their name,
    /// the first names as one line.
    pub fn texte(&self, champ: &str) -> String {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        match champ {
            "nom_naissance" => self.nom_naissance.clone(),
            "prenoms" => self.prenoms.join(" "),
            "date_naissance" => self.date_naissance.clone(),
            "sexe" => self.sexe.clone(),
            "lieu_naissance" => o(&self.lieu_naissance),
            "nir" => o(&self.nir),
            "nom_utilise" => o(&self.nom_utilise),
            "prenom_utilise" => o(&self.prenom_utilise),
            "etablissement" => o(&self.etablissement),
            "date_entree" => o(&self.date_entree),
            "referent_id" => o(&self.referent_id),
            "alertes" => o(&self.alertes),
            _ => String::new(),
        }
    }

    /// The edit form of a stored identity: the birth date as `JJ/MM/AAAA` (`00` for an
    /// unknown part), the typed NIR while INSi has not confirmed it.
    pub fn depuis_usager(u: &dui_store::usager::Usager) -> Self {
        let d = &u.date_naissance;
        Self {
            nom_naissance: dui_domain::usager::nommage::nom_naissance_affichable(
                &u.nom_naissance,
                u.nom_naissance_saisi.as_deref(),
            )
            .to_string(),
            prenoms: u.prenoms_naissance.clone(),
            date_naissance: format!(
                "{:02}/{:02}/{:04}",
                d.jour().unwrap_or(0),
                d.mois().unwrap_or(0),
                d.annee()
            ),
            sexe: u.sexe.code().to_string(),
            lieu_naissance: u.lieu_naissance.as_deref().map(dui_domain::lieux::libelle),
            nir: u.matricule_ins.clone().filter(|_| u.oid_ins.is_none()),
            nom_utilise: u.nom_utilise.clone(),
            prenom_utilise: u.prenom_utilise.clone(),
            referent_id: u.referent_id.map(|r| r.to_string()),
            version: Some(u.version),
            ..Self::default()
        }
    }
}

/// The identity's fields, in display order: both forms open with them.
const IDENTITE: [&str; 8] = [
    "nom_naissance",
    "prenoms",
    "date_naissance",
    "sexe",
    "lieu_naissance",
    "nom_utilise",
    "prenom_utilise",
    "nir",
];

/// The identity's fields, then a form's own two.
const fn identite_puis(fin: [&'static str; 2]) -> [&'static str; 10] {
    let mut v = [""; 10];
    let mut i = 0;
    while i < IDENTITE.len() {
        v[i] = IDENTITE[i];
        i += 1;
    }
    v[8] = fin[0];
    v[9] = fin[1];
    v
}

/// The fields of the creation form, in display order (errors in place).
pub const CHAMPS_CREATION: &[&str] = &identite_puis(["etablissement", "date_entree"]);

/// The fields of the identity edit form, in display order.
pub const CHAMPS_EDITION: &[&str] = &identite_puis(["referent_id", "alertes"]);

fn prenoms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::List(l)) => l,
        Some(V::Text(t)) => t.split_whitespace().map(str::to_string).collect(),
        None => Vec::new(),
    })
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
}

/// Checks a used name: same characters as INS names, at most 100.
fn check_name(
    errors: &mut BTreeMap<String, String>,
    field: &str,
    label: &str,
    v: &Option<String>,
) -> Option<String> {
    let v = clean(v)?;
    let ok = v
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '’');
    if !ok {
        errors.insert(field.into(), format!("{label} contient un caractère non autorisé : seuls les lettres, les espaces, les tirets et les apostrophes sont admis."));
    } else if v.chars().count() > 100 {
        errors.insert(
            field.into(),
            format!("{label} ne doit pas dépasser 100 caractères."),
        );
    }
    Some(v)
}

/// The checked identity.
pub struct Identite {
    /// For the store.
    pub input: IdentiteInput,
    /// The strict INS traits.
    pub traits: TraitsIns,
    /// NIR typed (15 characters).
    pub nir: Option<String>,
}

impl IdentiteFields {
    /// Checks every field; all problems at once, per field, in French.
    pub fn validate(&self, today: NaiveDate) -> Result<Identite, AppError> {
        let mut errors = BTreeMap::new();
        let date = match DateNaissance::parse(&self.date_naissance, today) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.insert("date_naissance".into(), e.to_string());
                None
            }
        };
        let sexe = Sexe::from_code(self.sexe.trim());
        if sexe.is_none() {
            errors.insert(
                "sexe".into(),
                "Indiquez le sexe : F (féminin), M (masculin) ou I (indéterminé).".into(),
            );
        }
        // A birthplace typed or chosen by name (« Reims (51) »), or its code.
        let lieu = match clean(&self.lieu_naissance).map(|t| {
            dui_domain::lieux::resoudre(&t)
                .map_err(|e| e.to_string())
                .and_then(|c| CodeCog::parse(&c).map_err(|e| e.to_string()))
        }) {
            Some(Ok(c)) => Some(c),
            Some(Err(e)) => {
                errors.insert("lieu_naissance".into(), e);
                None
            }
            None => None,
        };
        let nir = match clean(&self.nir).map(|n| Nir::parse(&n)) {
            Some(Ok(n)) => Some(n),
            Some(Err(e)) => {
                errors.insert("nir".into(), e.to_string());
                None
            }
            None => None,
        };
        let nom_utilise = check_name(
            &mut errors,
            "nom_utilise",
            "Le nom utilisé",
            &self.nom_utilise,
        );
        let prenom_utilise = check_name(
            &mut errors,
            "prenom_utilise",
            "Le prénom utilisé",
            &self.prenom_utilise,
        );
        let referent_id = match clean(&self.referent_id).map(|r| r.parse::<i64>()) {
            Some(Ok(r)) => Some(r),
            Some(Err(_)) => {
                errors.insert(
                    "referent_id".into(),
                    "Le référent doit être désigné par le numéro de son compte.".into(),
                );
                None
            }
            None => None,
        };
        if self.prenoms.join(" ").chars().count() > lim::NOM_PERSONNE {
            errors.insert(
                "prenoms".into(),
                format!(
                    "Les prénoms ne peuvent dépasser {} caractères ensemble.",
                    lim::NOM_PERSONNE
                ),
            );
        }
        // The alerts moved to the medical summary (care section, migration 0024): the identity
        // no longer takes any, and says where they go rather than dropping them.
        if !self
            .alertes
            .as_deref()
            .unwrap_or_default()
            .trim()
            .is_empty()
        {
            errors.insert(
                "alertes".into(),
                "Les alertes (allergies, risques…) se saisissent dans la synthèse médicale de l'onglet Soins.".into(),
            );
        }
        let traits = match (date, sexe) {
            (Some(d), Some(s)) => {
                match TraitsIns::new(&self.nom_naissance, &self.prenoms, d, s, lieu.clone()) {
                    Ok(t) => Some(t),
                    Err(list) => {
                        for (champ, msg) in list {
                            let field = match champ.as_str() {
                                "nom_naissance" => "nom_naissance",
                                _ => "prenoms",
                            };
                            errors.entry(field.into()).or_insert(msg);
                        }
                        None
                    }
                }
            }
            _ => {
                // Still report name problems when the date or sex is wrong.
                let d = DateNaissance::parse("2000-01-01", today).ok();
                if let Some(d) = d {
                    if let Err(list) =
                        TraitsIns::new(&self.nom_naissance, &self.prenoms, d, Sexe::I, None)
                    {
                        for (champ, msg) in list {
                            let field = if champ.as_str() == "nom_naissance" {
                                "nom_naissance"
                            } else {
                                "prenoms"
                            };
                            errors.entry(field.into()).or_insert(msg);
                        }
                    }
                }
                None
            }
        };
        if let (Some(t), Some(n)) = (&traits, &nir) {
            let ecarts = ecarts_nir(n, t.sexe(), &t.date_naissance(), t.lieu_naissance());
            if !ecarts.is_empty() {
                errors.insert("nir".into(), message_ecarts(&ecarts));
            }
        }
        let nir = nir.map(|n| n.as_str().to_string());
        match traits {
            Some(traits) if errors.is_empty() => Ok(Identite {
                input: IdentiteInput {
                    nom_naissance: traits.nom_naissance().to_string(),
                    nom_naissance_saisi: dui_domain::usager::nommage::nom_naissance_a_garder(
                        &self.nom_naissance,
                        traits.nom_naissance(),
                    ),
                    prenoms_naissance: traits.prenoms_naissance().to_vec(),
                    date_naissance: traits.date_naissance().to_string(),
                    sexe: traits.sexe().code().to_string(),
                    lieu_naissance: traits.lieu_naissance().map(|c| c.as_str().to_string()),
                    nom_utilise,
                    prenom_utilise,
                    referent_id,
                },
                traits,
                nir,
            }),
            _ => Err(AppError::fields(errors)),
        }
    }
}

/// A document type from its API code (`passeport`, `carte_identite`…).
pub fn justificatif(code: &str) -> Option<TypeJustificatif> {
    TypeJustificatif::from_code(code.trim())
}

/// Strict traits of a stored usager (to compare with INSi or detect hand edits).
pub fn stored_traits(u: &dui_store::usager::Usager) -> Option<TraitsIns> {
    let (d, s) = (u.date_naissance, u.sexe);
    let lieu = u
        .lieu_naissance
        .as_deref()
        .and_then(|c| CodeCog::parse(c).ok());
    TraitsIns::new(&u.nom_naissance, &u.prenoms_naissance, d, s, lieu).ok()
}

/// A form naming another file by its number (`U0000042`): the merge and « different
/// person » forms of the file page.
#[derive(Deserialize, serde::Serialize)]
pub struct AutreDossierForm {
    autre_id: String,
}

impl crate::saisie::Champs for AutreDossierForm {
    const CHAMPS: &'static [Champ] = &[Champ::ligne("autre_id", lim::NUMERO)];
}

impl AutreDossierForm {
    /// The other file's id; a number that is no file number is a 422 on `autre_id` saying
    /// which file to name (`quel`: « de l'autre dossier », « du dossier à fusionner »).
    pub fn autre(&self, quel: &str) -> Result<dui_domain::ids::UsagerId, AppError> {
        dui_store::usager::parse_numero(&self.autre_id)
            .map(dui_domain::ids::UsagerId)
            .ok_or_else(|| {
                AppError::field(
                    "autre_id",
                    format!("Indiquez le numéro {quel} (par exemple U0000042)."),
                )
            })
    }
}

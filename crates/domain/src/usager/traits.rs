//! *Traits INS* (strict identity traits) and their comparison with an INSi answer.
//!
//! Source: `shared/interop/01-ins.md` §3 (nom de naissance, prénoms de naissance,
//! date de naissance, sexe, lieu de naissance).

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::date_naissance::DateNaissance;
use super::identity::Sexe;
use super::normalize::{cle_recherche, majuscules_sans_accents};
use crate::identifiers::CodeCog;

/// Maximum length of a name or of one first name, in characters.
pub const LONGUEUR_MAX_NOM: usize = 100;

/// A strict INS trait, used to report errors and mismatches field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChampTrait {
    /// *Nom de naissance*.
    NomNaissance,
    /// *Premier prénom de naissance*.
    PremierPrenom,
    /// *Liste des prénoms de naissance*.
    PrenomsNaissance,
    /// *Date de naissance*.
    DateNaissance,
    /// *Sexe*.
    Sexe,
    /// *Lieu de naissance* (code COG).
    LieuNaissance,
}

impl ChampTrait {
    /// Field name (snake_case, as in the API and in [`TraitsIns`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NomNaissance => "nom_naissance",
            Self::PremierPrenom => "premier_prenom",
            Self::PrenomsNaissance => "prenoms_naissance",
            Self::DateNaissance => "date_naissance",
            Self::Sexe => "sexe",
            Self::LieuNaissance => "lieu_naissance",
        }
    }

    /// French label with a capital, e.g. « Nom de naissance ».
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::NomNaissance => "Nom de naissance",
            Self::PremierPrenom => "Premier prénom de naissance",
            Self::PrenomsNaissance => "Prénoms de naissance",
            Self::DateNaissance => "Date de naissance",
            Self::Sexe => "Sexe",
            Self::LieuNaissance => "Lieu de naissance",
        }
    }
}

/// The strict INS traits of an identity (*traits stricts*).
///
/// The *nom de naissance* is stored in upper case without diacritics (INS form, hyphens
/// and apostrophes kept); first names are stored as typed (trimmed, spaces collapsed)
/// and compared through [`cle_recherche`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TraitsInsBrut")]
pub struct TraitsIns {
    nom_naissance: String,
    prenoms_naissance: Vec<String>,
    date_naissance: DateNaissance,
    sexe: Sexe,
    lieu_naissance: Option<CodeCog>,
}

/// Unchecked traits, as read by serde before [`TraitsIns::new`].
#[derive(Deserialize)]
struct TraitsInsBrut {
    nom_naissance: String,
    prenoms_naissance: Vec<String>,
    date_naissance: DateNaissance,
    sexe: Sexe,
    lieu_naissance: Option<CodeCog>,
}

impl TryFrom<TraitsInsBrut> for TraitsIns {
    type Error = String;
    fn try_from(b: TraitsInsBrut) -> Result<Self, Self::Error> {
        TraitsIns::new(
            &b.nom_naissance,
            &b.prenoms_naissance,
            b.date_naissance,
            b.sexe,
            b.lieu_naissance,
        )
        .map_err(|e| e.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "))
    }
}

/// True for characters allowed in names (RNIV): letters (accented or not, œ, æ, ß),
/// spaces, hyphens and apostrophes.
fn caractere_autorise(c: char) -> bool {
    est_lettre(c) || c == ' ' || matches!(c, '-' | '‐' | '‑' | '\'' | '’' | 'ʼ')
}

fn est_lettre(c: char) -> bool {
    matches!(c, 'œ' | 'Œ' | 'æ' | 'Æ' | 'ß')
        || c.nfd().next().is_some_and(|b| b.is_ascii_alphabetic())
}

/// Checks one name; `sujet` starts the message (« Le nom de naissance »).
fn verifier_nom(saisie: &str, sujet: &str) -> Result<String, String> {
    let propre = saisie.split_whitespace().collect::<Vec<_>>().join(" ");
    if propre.is_empty() {
        return Err(format!("{sujet} est obligatoire."));
    }
    if let Some(c) = propre.chars().find(|&c| !caractere_autorise(c)) {
        return Err(format!(
            "{sujet} contient un caractère non autorisé : « {c} ». Seuls les lettres, les espaces, les tirets et les apostrophes sont admis."
        ));
    }
    if !propre.chars().any(est_lettre) {
        return Err(format!("{sujet} doit contenir au moins une lettre."));
    }
    let n = propre.chars().count();
    if n > LONGUEUR_MAX_NOM {
        return Err(format!(
            "{sujet} ne doit pas dépasser {LONGUEUR_MAX_NOM} caractères ({n} saisis)."
        ));
    }
    Ok(propre)
}

impl TraitsIns {
    /// Checks and normalises the traits.
    ///
    /// # Errors
    /// Every problem found, as `(field, French message)`: empty name, forbidden
    /// character (only letters, spaces, hyphens and apostrophes are allowed), no letter,
    /// more than 100 characters, no first name.
    pub fn new<S: AsRef<str>>(
        nom_naissance: &str,
        prenoms_naissance: &[S],
        date_naissance: DateNaissance,
        sexe: Sexe,
        lieu_naissance: Option<CodeCog>,
    ) -> Result<Self, Vec<(ChampTrait, String)>> {
        let mut erreurs = Vec::new();
        let nom = match verifier_nom(nom_naissance, "Le nom de naissance") {
            Ok(n) => majuscules_sans_accents(&n),
            Err(m) => {
                erreurs.push((ChampTrait::NomNaissance, m));
                String::new()
            }
        };
        if prenoms_naissance.is_empty() {
            erreurs.push((
                ChampTrait::PrenomsNaissance,
                "Au moins un prénom de naissance est obligatoire.".to_owned(),
            ));
        }
        let mut prenoms = Vec::with_capacity(prenoms_naissance.len());
        for (i, p) in prenoms_naissance.iter().enumerate() {
            let sujet = if i == 0 {
                "Le premier prénom de naissance".to_owned()
            } else {
                format!("Le {}e prénom de naissance", i + 1)
            };
            let champ = if i == 0 {
                ChampTrait::PremierPrenom
            } else {
                ChampTrait::PrenomsNaissance
            };
            match verifier_nom(p.as_ref(), &sujet) {
                Ok(p) => prenoms.push(p),
                Err(m) => erreurs.push((champ, m)),
            }
        }
        if !erreurs.is_empty() {
            return Err(erreurs);
        }
        Ok(Self {
            nom_naissance: nom,
            prenoms_naissance: prenoms,
            date_naissance,
            sexe,
            lieu_naissance,
        })
    }

    /// *Nom de naissance*, upper case without diacritics.
    pub fn nom_naissance(&self) -> &str {
        &self.nom_naissance
    }

    /// *Prénoms de naissance*, the first one being the *premier prénom*.
    pub fn prenoms_naissance(&self) -> &[String] {
        &self.prenoms_naissance
    }

    /// *Premier prénom de naissance*.
    pub fn premier_prenom(&self) -> &str {
        self.prenoms_naissance.first().map_or("", String::as_str)
    }

    /// *Liste des prénoms de naissance*, space-separated as in INSi and CDA.
    pub fn liste_prenoms(&self) -> String {
        self.prenoms_naissance.join(" ")
    }

    /// *Date de naissance*.
    pub fn date_naissance(&self) -> DateNaissance {
        self.date_naissance
    }

    /// *Sexe*.
    pub fn sexe(&self) -> Sexe {
        self.sexe
    }

    /// *Lieu de naissance* (code COG of the commune, or of the country if born abroad).
    pub fn lieu_naissance(&self) -> Option<&CodeCog> {
        self.lieu_naissance.as_ref()
    }
}

/// A mismatch between the local traits and those returned by INSi (*écart*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ecart {
    /// The trait that differs.
    pub champ: ChampTrait,
    /// Local value, as displayed.
    pub local: String,
    /// INSi value, as displayed.
    pub insi: String,
}

impl std::fmt::Display for Ecart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} : « {} » dans le dossier, « {} » selon le téléservice INSi.",
            self.champ.label_fr(),
            self.local,
            self.insi
        )
    }
}

/// Compares the local traits with an INSi answer, field by field, before accepting the
/// INS (RNIV: the traits must match). Names and first names are compared through
/// [`cle_recherche`] (accents, case, hyphens and apostrophes ignored); the first name
/// and the whole list are both checked. The birthplace is compared only when both sides
/// know it (a missing local birthplace is to be completed from INSi). An empty result
/// means the traits match.
pub fn traits_concordants(local: &TraitsIns, insi: &TraitsIns) -> Vec<Ecart> {
    let mut ecarts = Vec::new();
    let mut comparer = |champ, l: String, i: String, egaux: bool| {
        if !egaux {
            ecarts.push(Ecart {
                champ,
                local: l,
                insi: i,
            });
        }
    };
    comparer(
        ChampTrait::NomNaissance,
        local.nom_naissance.clone(),
        insi.nom_naissance.clone(),
        cle_recherche(&local.nom_naissance) == cle_recherche(&insi.nom_naissance),
    );
    comparer(
        ChampTrait::PremierPrenom,
        local.premier_prenom().to_owned(),
        insi.premier_prenom().to_owned(),
        cle_recherche(local.premier_prenom()) == cle_recherche(insi.premier_prenom()),
    );
    comparer(
        ChampTrait::PrenomsNaissance,
        local.liste_prenoms(),
        insi.liste_prenoms(),
        cle_recherche(&local.liste_prenoms()) == cle_recherche(&insi.liste_prenoms()),
    );
    comparer(
        ChampTrait::DateNaissance,
        local.date_naissance.display_fr(),
        insi.date_naissance.display_fr(),
        local.date_naissance == insi.date_naissance,
    );
    comparer(
        ChampTrait::Sexe,
        local.sexe.label_fr().to_owned(),
        insi.sexe.label_fr().to_owned(),
        local.sexe == insi.sexe,
    );
    if let (Some(l), Some(i)) = (&local.lieu_naissance, &insi.lieu_naissance) {
        comparer(
            ChampTrait::LieuNaissance,
            l.to_string(),
            i.to_string(),
            l == i,
        );
    }
    ecarts
}

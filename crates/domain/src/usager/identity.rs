//! Identity vocabulary of the RNIV (*Référentiel national d'identitovigilance*): sex,
//! identity status, identity attributes and identity documents.
//!
//! Codes: HL7 France fr-core `fr-core-cs-identity-status` (PROV/RECUP/VALI/QUAL, which
//! quotes RNIV [EXI SI 07]) and `fr-core-cs-identity-status-comment` (DOUT/FICT/HOMA);
//! see `shared/interop/01-ins.md` §4.

use serde::{Deserialize, Serialize};

/// *Sexe*, an INS trait. Serialised as `"F"`, `"M"` or `"I"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sexe {
    /// Féminin.
    F,
    /// Masculin.
    M,
    /// Indéterminé (coded `U` in INS exchanges: CDA, FHIR, INSi).
    I,
}

impl Sexe {
    /// Every value, in display order.
    pub const ALL: [Sexe; 3] = [Self::F, Self::M, Self::I];

    /// Code stored and used by our API: `F`, `M`, `I`.
    pub fn code(self) -> &'static str {
        match self {
            Self::F => "F",
            Self::M => "M",
            Self::I => "I",
        }
    }

    /// Code used in INS exchanges (fr-core `fr-core-vs-patient-gender-INS`, CDA
    /// `administrativeGenderCode`): `F`, `M`, `U`.
    pub fn code_ins(self) -> &'static str {
        match self {
            Self::I => "U",
            other => other.code(),
        }
    }

    /// Parses `F`, `M`, `I` or the INS code `U` (case-insensitive).
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_uppercase().as_str() {
            "F" => Some(Self::F),
            "M" => Some(Self::M),
            "I" | "U" => Some(Self::I),
            _ => None,
        }
    }

    /// French label: « Féminin », « Masculin », « Indéterminé ».
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::F => "Féminin",
            Self::M => "Masculin",
            Self::I => "Indéterminé",
        }
    }
}

/// *Statut de l'identité* (RNIV [EXI SI 07]): product of two facts, « INS retrieved
/// from INSi » and « traits checked on a high-trust identity document ».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatutIdentite {
    /// *Identité provisoire* (PROV): neither INSi retrieval nor document check.
    #[serde(rename = "PROV")]
    Provisoire,
    /// *Identité récupérée* (RECUP): INS retrieved, no document check.
    #[serde(rename = "RECUP")]
    Recuperee,
    /// *Identité validée* (VALI): document checked, no INS.
    #[serde(rename = "VALI")]
    Validee,
    /// *Identité qualifiée* (QUAL): both; the only status allowing the INS in exchanges.
    #[serde(rename = "QUAL")]
    Qualifiee,
}

impl StatutIdentite {
    /// Every status, from the lowest to the highest.
    pub const ALL: [StatutIdentite; 4] = [
        Self::Provisoire,
        Self::Recuperee,
        Self::Validee,
        Self::Qualifiee,
    ];

    /// fr-core code: `PROV`, `RECUP`, `VALI`, `QUAL`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Provisoire => "PROV",
            Self::Recuperee => "RECUP",
            Self::Validee => "VALI",
            Self::Qualifiee => "QUAL",
        }
    }

    /// Parses a fr-core code (exact, upper case).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// French label, e.g. « Identité provisoire ».
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Provisoire => "Identité provisoire",
            Self::Recuperee => "Identité récupérée",
            Self::Validee => "Identité validée",
            Self::Qualifiee => "Identité qualifiée",
        }
    }

    /// True when the INS was retrieved from INSi (RECUP, QUAL). When a transition leaves
    /// such a status for PROV or VALI, the stored matricule INS and OID must be dropped.
    pub fn ins_recupere(self) -> bool {
        matches!(self, Self::Recuperee | Self::Qualifiee)
    }

    /// True when the traits were checked on a high-trust document (VALI, QUAL).
    pub fn justificatif_verifie(self) -> bool {
        matches!(self, Self::Validee | Self::Qualifiee)
    }

    /// True only for QUAL: the matricule INS may be sent in exchanges (CDA, FHIR,
    /// MSSanté, DMP).
    pub fn ins_partageable(self) -> bool {
        self == Self::Qualifiee
    }
}

/// *Attribut de l'identité* (fr-core `fr-core-cs-identity-status-comment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttributIdentite {
    /// *Identité douteuse* (DOUT): the traits are doubtful; the identity stays provisoire.
    #[serde(rename = "DOUT")]
    Douteuse,
    /// *Identité fictive* (FICT): voluntarily fictitious (anonymity, exercise).
    #[serde(rename = "FICT")]
    Fictive,
    /// *Homonyme avéré* (HOMA): alert for secondary identification, no effect on status.
    #[serde(rename = "HOMA")]
    Homonyme,
}

impl AttributIdentite {
    /// Every attribute.
    pub const ALL: [AttributIdentite; 3] = [Self::Douteuse, Self::Fictive, Self::Homonyme];

    /// fr-core code: `DOUT`, `FICT`, `HOMA`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Douteuse => "DOUT",
            Self::Fictive => "FICT",
            Self::Homonyme => "HOMA",
        }
    }

    /// Parses a fr-core code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// French label, e.g. « Identité douteuse ».
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Douteuse => "Identité douteuse",
            Self::Fictive => "Identité fictive",
            Self::Homonyme => "Homonyme avéré",
        }
    }
}

/// Set of identity attributes (*attributs de l'identité*), one flag per
/// [`AttributIdentite`]. Serialised as `{"douteuse": bool, "fictive": bool,
/// "homonyme": bool}` (missing flags read as false).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(default)]
pub struct Attributs {
    /// *Identité douteuse* (DOUT).
    pub douteuse: bool,
    /// *Identité fictive* (FICT).
    pub fictive: bool,
    /// *Homonyme avéré* (HOMA).
    pub homonyme: bool,
}

impl Attributs {
    /// No attribute.
    pub const AUCUN: Attributs = Attributs {
        douteuse: false,
        fictive: false,
        homonyme: false,
    };

    /// True when `a` is set.
    pub fn contient(self, a: AttributIdentite) -> bool {
        match a {
            AttributIdentite::Douteuse => self.douteuse,
            AttributIdentite::Fictive => self.fictive,
            AttributIdentite::Homonyme => self.homonyme,
        }
    }

    /// Copy with `a` set to `present`.
    pub fn avec(mut self, a: AttributIdentite, present: bool) -> Self {
        match a {
            AttributIdentite::Douteuse => self.douteuse = present,
            AttributIdentite::Fictive => self.fictive = present,
            AttributIdentite::Homonyme => self.homonyme = present,
        }
        self
    }

    /// Attributes set, in [`AttributIdentite::ALL`] order.
    pub fn liste(self) -> Vec<AttributIdentite> {
        AttributIdentite::ALL
            .into_iter()
            .filter(|&a| self.contient(a))
            .collect()
    }

    /// Stored form: the codes set, comma-separated in [`AttributIdentite::ALL`] order
    /// (`""`, `"DOUT"`, `"DOUT,HOMA"`…).
    pub fn codes(self) -> String {
        self.liste()
            .iter()
            .map(|a| a.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the stored form; `None` when a code is unknown (never a silent default).
    /// Blanks around codes and empty items are ignored.
    pub fn from_codes(codes: &str) -> Option<Attributs> {
        codes
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .try_fold(Attributs::AUCUN, |a, c| {
                AttributIdentite::from_code(c).map(|x| a.avec(x, true))
            })
    }

    /// True when the identity may not be validated, retrieved or qualified (douteuse
    /// or fictive).
    pub fn bloque_elevation(self) -> bool {
        self.douteuse || self.fictive
    }
}

crate::schema::schema_codes!(Sexe, StatutIdentite, TypeJustificatif);

/// Identity document (*justificatif d'identité*) shown to check the traits.
///
/// High-trust documents (RNIV 1, « dispositifs à haut niveau de confiance »): passport,
/// national identity card, residence permit; for a minor, the *livret de famille* or an
/// *extrait d'acte de naissance* (our reading of the RNIV, to confirm). The carte Vitale
/// and any other document cannot validate an identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeJustificatif {
    /// *Passeport* (French or foreign).
    Passeport,
    /// *Carte nationale d'identité* (French or of an EU/EEA country).
    CarteIdentite,
    /// *Titre de séjour* (carte de résident, carte de séjour).
    TitreSejour,
    /// *Livret de famille*: accepted for a minor only.
    LivretFamille,
    /// *Extrait d'acte de naissance*: accepted for a minor only.
    ActeNaissance,
    /// *Carte Vitale*: low trust, never validates an identity.
    CarteVitale,
    /// Any other document (permis de conduire, carte de mutuelle…): low trust.
    Autre,
}

impl TypeJustificatif {
    /// Every document type.
    pub const ALL: [TypeJustificatif; 7] = [
        Self::Passeport,
        Self::CarteIdentite,
        Self::TitreSejour,
        Self::LivretFamille,
        Self::ActeNaissance,
        Self::CarteVitale,
        Self::Autre,
    ];

    /// Stored and API code (`passeport`, `carte_identite`…, the serde form).
    pub fn code(self) -> &'static str {
        match self {
            Self::Passeport => "passeport",
            Self::CarteIdentite => "carte_identite",
            Self::TitreSejour => "titre_sejour",
            Self::LivretFamille => "livret_famille",
            Self::ActeNaissance => "acte_naissance",
            Self::CarteVitale => "carte_vitale",
            Self::Autre => "autre",
        }
    }

    /// Parses a stored or API code (exact).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// True when the document can validate the identity of this person.
    pub fn high_trust(self, is_minor: bool) -> bool {
        match self {
            Self::Passeport | Self::CarteIdentite | Self::TitreSejour => true,
            Self::LivretFamille | Self::ActeNaissance => is_minor,
            Self::CarteVitale | Self::Autre => false,
        }
    }

    /// True for documents accepted for minors only.
    pub fn reserve_aux_mineurs(self) -> bool {
        matches!(self, Self::LivretFamille | Self::ActeNaissance)
    }

    /// French label, e.g. « Carte nationale d'identité ».
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Passeport => "Passeport",
            Self::CarteIdentite => "Carte nationale d'identité",
            Self::TitreSejour => "Titre de séjour",
            Self::LivretFamille => "Livret de famille",
            Self::ActeNaissance => "Extrait d'acte de naissance",
            Self::CarteVitale => "Carte Vitale",
            Self::Autre => "Autre document",
        }
    }
}

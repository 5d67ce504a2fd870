//! The rows of a project: types, decoding, the checks of a signature.

use dui_domain::projet::{Contenu, DecisionSignature, Qualite, TypeProjet};
use dui_domain::saisie::{self as lim, Champ};
use serde::Serialize;

use crate::saisie::{borne, l};
use crate::sql::Row;
use crate::{StoreError, StoreResult};

/// Status of a draft version.
pub const BROUILLON: &str = "brouillon";

/// A project of an usager.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Projet {
    /// Id.
    pub id: i64,
    /// `ppa` or `ppe`.
    #[serde(rename = "type")]
    pub type_projet: TypeProjet,
    /// Next review (`AAAA-MM-JJ`), from the last validated version.
    pub prochaine_revision: Option<String>,
    /// Optimistic version of the project (draft saves, validations, signatures).
    pub version: i64,
    /// Number of the last validated version.
    pub derniere_validee: Option<i64>,
    /// Number of the draft, if one is open.
    pub brouillon: Option<i64>,
    /// Created at.
    pub created_at: String,
    /// The merge that archived it (it came with an absorbed file whose kept file had a
    /// project of the same type): readable, no longer changed nor reviewed.
    pub fusion_archive: Option<i64>,
}

/// One version of a project: the draft or a validated one.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VersionProjet {
    /// Number (1, 2…) within the project.
    pub numero: i64,
    /// `brouillon` or `valide`.
    pub statut: String,
    /// The document.
    pub contenu: Contenu,
    /// Last changed by (account id).
    pub modifie_par: Option<i64>,
    /// Last changed at.
    pub modifie_at: String,
    /// Validated by.
    pub valide_par: Option<i64>,
    /// Validated at.
    pub valide_at: Option<String>,
    /// Review date set at validation.
    pub prochaine_revision: Option<String>,
    /// Signatures recorded on this version, oldest first.
    pub signatures: Vec<Signature>,
}

/// A signature offered on a version.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Signature {
    /// Id.
    pub id: i64,
    /// Who (name).
    pub signataire: String,
    /// [`Qualite`] code: the person, their representative, a parent, a professional…
    pub qualite: String,
    /// [`DecisionSignature`] code.
    pub decision: String,
    /// Date of the signature (`AAAA-MM-JJ`).
    pub signe_le: String,
    /// Comment (reason of a refusal…).
    pub commentaire: Option<String>,
    /// Recorded by (account id).
    pub saisi_par: Option<i64>,
    /// Recorded at.
    pub created_at: String,
}

/// A signature to record.
#[derive(Clone, Debug, Default)]
pub struct SignatureInput {
    /// Who.
    pub signataire: String,
    /// [`Qualite`] code.
    pub qualite: String,
    /// [`DecisionSignature`] code.
    pub decision: String,
    /// Date (`AAAA-MM-JJ`).
    pub signe_le: String,
    /// Comment.
    pub commentaire: Option<String>,
}

impl SignatureInput {
    /// The (field, French message) this signature breaks.
    pub fn erreurs(&self) -> Vec<(&'static str, String)> {
        let mut e = Vec::new();
        if self.signataire.trim().is_empty() {
            e.push(("signataire", "Le nom du signataire est obligatoire.".into()));
        }
        if Qualite::from_code(&self.qualite).is_none() {
            e.push(("qualite", "Choisissez la qualité du signataire.".into()));
        }
        if DecisionSignature::from_code(&self.decision).is_none() {
            e.push((
                "decision",
                "Indiquez si la personne a signé, refusé, ou si la signature n'a pas été proposée."
                    .into(),
            ));
        }
        if dui_domain::projet::date_iso(&self.signe_le).is_none() {
            e.push((
                "signe_le",
                "La date de signature doit être au format AAAA-MM-JJ.".into(),
            ));
        }
        e
    }

    pub(super) fn verifier(&self) -> StoreResult<()> {
        borne([
            (
                l("signataire", lim::NOM_STRUCTURE),
                Some(self.signataire.as_str()),
            ),
            (l("qualite", lim::CODE), Some(self.qualite.as_str())),
            (l("decision", lim::CODE), Some(self.decision.as_str())),
            (l("signe_le", lim::DATE), Some(self.signe_le.as_str())),
            (
                Champ::texte("commentaire", lim::COMMENTAIRE),
                self.commentaire.as_deref(),
            ),
        ])?;
        invalide(self.erreurs().into_iter().map(|(_, m)| m))
    }
}

/// `Invalid` with the messages, if any.
pub(super) fn invalide(messages: impl IntoIterator<Item = String>) -> StoreResult<()> {
    let m: Vec<String> = messages.into_iter().collect();
    if m.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(m.join(" ")))
    }
}

pub(super) fn verifier_contenu(c: &Contenu, t: TypeProjet) -> StoreResult<()> {
    invalide(c.erreurs(t).into_iter().map(|(_, m)| m))
}

pub(super) const PROJET_COLUMNS: &str = "p.id, p.type, p.prochaine_revision, p.version, p.created_at, p.fusion_archive, \
    (SELECT MAX(numero) FROM projet_version v WHERE v.projet_id = p.id AND v.statut = 'valide') AS derniere_validee, \
    (SELECT MAX(numero) FROM projet_version v WHERE v.projet_id = p.id AND v.statut = 'brouillon') AS brouillon";

pub(crate) fn projet_from(r: &Row) -> StoreResult<Projet> {
    let t: String = r.try_get("type")?;
    Ok(Projet {
        id: r.try_get("id")?,
        type_projet: TypeProjet::from_code(&t)
            .ok_or_else(|| StoreError::Corrupt(format!("type de projet {t}")))?,
        prochaine_revision: r.try_get("prochaine_revision")?,
        version: r.try_get("version")?,
        derniere_validee: r.try_get("derniere_validee")?,
        brouillon: r.try_get("brouillon")?,
        created_at: r.try_get("created_at")?,
        fusion_archive: r.try_get("fusion_archive")?,
    })
}

pub(super) const VERSION_COLUMNS: &str =
    "id, numero, statut, contenu, modifie_par, modifie_at, valide_par, valide_at, prochaine_revision";

pub(super) fn version_from(r: &Row) -> StoreResult<(i64, VersionProjet)> {
    let contenu: String = r.try_get("contenu")?;
    Ok((
        r.try_get("id")?,
        VersionProjet {
            numero: r.try_get("numero")?,
            statut: r.try_get("statut")?,
            contenu: serde_json::from_str(&contenu)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            modifie_par: r.try_get("modifie_par")?,
            modifie_at: r.try_get("modifie_at")?,
            valide_par: r.try_get("valide_par")?,
            valide_at: r.try_get("valide_at")?,
            prochaine_revision: r.try_get("prochaine_revision")?,
            signatures: Vec::new(),
        },
    ))
}

pub(super) fn signature_from(r: &Row) -> StoreResult<Signature> {
    Ok(Signature {
        id: r.try_get("id")?,
        signataire: r.try_get("signataire")?,
        qualite: r.try_get("qualite")?,
        decision: r.try_get("decision")?,
        signe_le: r.try_get("signe_le")?,
        commentaire: r.try_get("commentaire")?,
        saisi_par: r.try_get("saisi_par")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(super) fn json(c: &Contenu) -> StoreResult<String> {
    serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))
}

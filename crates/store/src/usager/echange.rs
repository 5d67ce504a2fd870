//! Exchanges with the person, the family and partners (issue 13, REL-2): the support
//! section of the file, append-only; a correction is a new entry naming the one it corrects
//! (the list shows the corrected one struck through, as transmissions do).

use chrono::{DateTime, Utc};
use dui_domain::echange::{SensEchange, TypeEchange};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::saisie::{self as lim, Champ};
use serde::{Deserialize, Serialize};

use super::exiger;
use crate::db::Store;
use crate::fiche::code;
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::{parse_ts, ts, StoreError, StoreResult};

/// An exchange to record.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EchangeInput {
    /// When it took place.
    #[schema(value_type = String, format = DateTime)]
    pub date_echange: DateTime<Utc>,
    /// Phone call, mail, letter, meeting, visit.
    pub type_echange: TypeEchange,
    /// Incoming or outgoing.
    pub sens: SensEchange,
    /// With whom (« Mme DUPONT, fille », « SSIAD du Val »).
    pub interlocuteur: String,
    /// Subject.
    pub objet: String,
    /// What was said.
    pub resume: String,
    /// The entry it corrects.
    pub corrige_id: Option<i64>,
}

/// The text fields of [`EchangeInput`].
pub const CHAMPS_ECHANGE: &[Champ] = &[
    Champ::ligne("interlocuteur", lim::NOM_STRUCTURE),
    Champ::ligne("objet", lim::LIBELLE),
    Champ::texte("resume", lim::COMMENTAIRE),
];

/// An exchange as recorded.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Echange {
    /// Id.
    pub id: i64,
    /// The exchange, as its input wrote it.
    #[serde(flatten)]
    #[schema(inline)]
    pub fields: EchangeInput,
    /// Corrected by a later entry.
    pub corrige: bool,
    /// Who recorded it (« NOM Prénom »).
    pub auteur: String,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
}

deref_vers!(Echange => fields: EchangeInput);

/// The most exchanges a list shows.
pub const ECHANGES_MAX: i64 = 500;

impl Store {
    /// Records an exchange in the file of `cap` (support section, audited): its id.
    pub async fn ajouter_echange(&self, cap: &Capability, e: &EchangeInput) -> StoreResult<i64> {
        borne([
            (
                l("interlocuteur", lim::NOM_STRUCTURE),
                Some(e.interlocuteur.as_str()),
            ),
            (l("objet", lim::LIBELLE), Some(e.objet.as_str())),
            (
                Champ::texte("resume", lim::COMMENTAIRE),
                Some(e.resume.as_str()),
            ),
        ])?;
        for (v, m) in [
            (&e.interlocuteur, "Indiquez avec qui l'échange a eu lieu."),
            (&e.objet, "Indiquez l'objet de l'échange."),
            (&e.resume, "Résumez l'échange."),
        ] {
            if v.trim().is_empty() {
                return Err(StoreError::Invalid(m.into()));
            }
        }
        if e.date_echange > cap.at() + chrono::Duration::minutes(5) {
            return Err(StoreError::Invalid(
                "Un échange se trace une fois qu'il a eu lieu : sa date ne peut être future."
                    .into(),
            ));
        }
        let mut tx = self
            .ecriture(cap, Section::Accompagnement, Action::Ecrire)
            .await?;
        if let Some(c) = e.corrige_id {
            let ok = crate::sql::query("SELECT id FROM echange WHERE id = $1 AND usager_id = $2")
                .bind(c)
                .bind(cap.usager_id())
                .fetch_optional(&mut tx)
                .await?;
            if ok.is_none() {
                return Err(StoreError::Invalid(
                    "L'échange corrigé n'appartient pas à ce dossier.".into(),
                ));
            }
        }
        let q = crate::sql::query(
            "INSERT INTO echange (usager_id, date_echange, type_echange, sens, interlocuteur, objet, resume, corrige_id, auteur_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(ts(e.date_echange))
        .bind(e.type_echange.code())
        .bind(e.sens.code())
        .bind(e.interlocuteur.trim())
        .bind(e.objet.trim())
        .bind(e.resume.trim())
        .bind(e.corrige_id);
        let detail = |id| serde_json::json!({"echange_id": id, "corrige_id": e.corrige_id});
        cap.ajout_audite(tx, q, ActionJournal::UsagerEchangeAjout, detail)
            .await
    }

    /// The exchanges of the file of `cap`, latest first ([`ECHANGES_MAX`] at most).
    pub async fn echanges(&self, cap: &Capability) -> StoreResult<Vec<Echange>> {
        exiger(cap, Section::Accompagnement, Action::Lire)?;
        let rows = crate::sql::query(
            "SELECT e.id, e.date_echange, e.type_echange, e.sens, e.interlocuteur, e.objet, e.resume, e.corrige_id, e.created_at, \
             u.nom, u.prenom, EXISTS (SELECT 1 FROM echange c WHERE c.corrige_id = e.id) AS corrige \
             FROM echange e JOIN utilisateur u ON u.id = e.auteur_id WHERE e.usager_id = $1 \
             ORDER BY e.date_echange DESC, e.id DESC LIMIT $2",
        )
        .bind(cap.usager_id())
        .bind(ECHANGES_MAX)
        .fetch_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                let nom: String = r.try_get("nom")?;
                let prenom: String = r.try_get("prenom")?;
                Ok(Echange {
                    id: r.try_get("id")?,
                    fields: EchangeInput {
                        date_echange: parse_ts(&r.try_get::<String, _>("date_echange")?)?,
                        type_echange: code(r, "type_echange", TypeEchange::from_code)?,
                        sens: code(r, "sens", SensEchange::from_code)?,
                        interlocuteur: r.try_get("interlocuteur")?,
                        objet: r.try_get("objet")?,
                        resume: r.try_get("resume")?,
                        corrige_id: r.try_get("corrige_id")?,
                    },
                    corrige: r.try_get::<bool, _>("corrige")?,
                    auteur: format!("{} {prenom}", nom.to_uppercase()),
                    created_at: parse_ts(&r.try_get::<String, _>("created_at")?)?,
                })
            })
            .collect()
    }
}

//! Follow-up after a discharge (GA-5): dated tasks given to a professional of the person's
//! team, proposed by the discharge itself (`dui_domain::suivi::suivis_proposes`) or added
//! by hand, and marked done with a note by the assignee (or by an administrative writer).

use chrono::NaiveDate;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Refus, Section};
use dui_domain::saisie::{self as lim, Champ};
use dui_domain::suivi::SuiviPropose;
use serde::Serialize;

use super::exiger;
use super::prestation::{jour_col, opt_jour_col};
use super::projet::verifier_responsables;
use crate::db::Store;
use crate::policy::Capability;
use crate::saisie::{borne, l};
use crate::sql::Tx;
use crate::{ts, StoreError, StoreResult};

/// A follow-up task to give, typed by the caller.
#[derive(Clone, Debug)]
pub struct SuiviInput {
    /// What to do.
    pub libelle: String,
    /// When.
    pub echeance: NaiveDate,
    /// The professional account it is given to (of the person's team).
    pub assigne_a: i64,
    /// The stay whose discharge it follows, if any.
    pub sejour_id: Option<i64>,
}

/// A follow-up task as recorded.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Suivi {
    /// Id.
    pub id: i64,
    /// The stay it follows.
    pub sejour_id: Option<i64>,
    /// What to do.
    pub libelle: String,
    /// When.
    #[schema(value_type = String, format = Date)]
    pub echeance: NaiveDate,
    /// The account it is given to.
    pub assigne_a: i64,
    /// Its name (first name and name).
    pub assigne: String,
    /// The day it was done.
    #[schema(value_type = Option<String>, format = Date)]
    pub fait_le: Option<NaiveDate>,
    /// What was found (the note of the follow-up).
    pub note: Option<String>,
    /// Version (marking it done requires it).
    pub version: i64,
}

const SELECT: &str = "SELECT t.id, t.sejour_id, t.libelle, t.echeance, t.assigne_a, u.prenom, u.nom, t.fait_le, t.note, t.version \
    FROM suivi t JOIN utilisateur u ON u.id = t.assigne_a";

fn suivi_from(r: &crate::sql::Row) -> StoreResult<Suivi> {
    let prenom: String = r.try_get("prenom")?;
    let nom: String = r.try_get("nom")?;
    Ok(Suivi {
        id: r.try_get("id")?,
        sejour_id: r.try_get("sejour_id")?,
        libelle: r.try_get("libelle")?,
        echeance: jour_col(r, "echeance")?,
        assigne_a: r.try_get("assigne_a")?,
        assigne: format!("{prenom} {nom}"),
        fait_le: opt_jour_col(r, "fait_le")?,
        note: r.try_get("note")?,
        version: r.try_get("version")?,
    })
}

/// Writes follow-up tasks in `tx` (the assignee checked against the team): their ids.
pub(super) async fn inserer(
    tx: &mut Tx,
    cap: &Capability,
    taches: &[SuiviInput],
) -> StoreResult<Vec<i64>> {
    for t in taches {
        borne([(l("libelle", lim::LIBELLE), Some(t.libelle.as_str()))])?;
        if t.libelle.trim().is_empty() {
            return Err(StoreError::Invalid("Indiquez ce qu'il faut faire.".into()));
        }
    }
    let assignes: Vec<i64> = taches.iter().map(|t| t.assigne_a).collect();
    verifier_responsables(tx, cap.usager_id(), &assignes).await?;
    let mut ids = Vec::new();
    for t in taches {
        let id: i64 = crate::sql::query(
            "INSERT INTO suivi (usager_id, sejour_id, libelle, echeance, assigne_a, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(t.sejour_id)
        .bind(t.libelle.trim())
        .bind(t.echeance.to_string())
        .bind(t.assigne_a)
        .bind(cap.actor().utilisateur_id)
        .bind(ts(cap.at()))
        .fetch_scalar(&mut *tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// The proposed tasks of a discharge, given to `assigne_a`, for stay `sejour_id`.
pub(super) fn taches(
    proposes: Vec<SuiviPropose>,
    assigne_a: i64,
    sejour_id: i64,
) -> Vec<SuiviInput> {
    proposes
        .into_iter()
        .map(|p| SuiviInput {
            libelle: p.libelle,
            echeance: p.echeance,
            assigne_a,
            sejour_id: Some(sejour_id),
        })
        .collect()
}

impl Store {
    /// The follow-up tasks of the file, by due date.
    pub async fn suivis(&self, cap: &Capability) -> StoreResult<Vec<Suivi>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let rows = crate::sql::query(&format!(
            "{SELECT} WHERE t.usager_id = $1 ORDER BY t.echeance, t.id"
        ))
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        rows.iter().map(suivi_from).collect()
    }

    /// A page of the follow-up tasks of the file, by id.
    pub async fn suivis_page(
        &self,
        cap: &Capability,
        page: crate::page::Page,
    ) -> StoreResult<Vec<Suivi>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let rows = self
            .keyset_du_dossier(
                &format!("{SELECT} WHERE t.usager_id = $1"),
                cap.usager_id(),
                crate::page::Tri::cle("suivi t", "t.id", crate::page::Ordre::Croissant),
                page,
            )
            .await?;
        rows.iter().map(suivi_from).collect()
    }

    /// Gives a follow-up task to a professional of the person's team (audited): its id.
    pub async fn ajouter_suivi(&self, cap: &Capability, t: &SuiviInput) -> StoreResult<i64> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        if let Some(sid) = t.sejour_id {
            let ok = crate::sql::query("SELECT id FROM sejour WHERE id = $1 AND usager_id = $2")
                .bind(sid)
                .bind(cap.usager_id())
                .fetch_optional(&mut tx)
                .await?;
            if ok.is_none() {
                return Err(StoreError::Invalid(
                    "Ce séjour n'est pas dans ce dossier.".into(),
                ));
            }
        }
        let ids = inserer(&mut tx, cap, std::slice::from_ref(t)).await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerSuiviAjout,
            serde_json::json!({"suivi_id": ids[0], "sejour_id": t.sejour_id}),
        )
        .await?;
        Ok(ids[0])
    }

    /// Marks task `id` (read at `version`) done on `jour` with `note` (audited): its new
    /// version. The assignee does it with the file's read (the task is theirs, even once the
    /// file is closed); anyone else needs the administrative write.
    pub async fn suivi_fait(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        jour: NaiveDate,
        note: &str,
    ) -> StoreResult<i64> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        borne([(Champ::texte("note", lim::COMMENTAIRE), Some(note))])?;
        if note.trim().is_empty() {
            return Err(StoreError::Invalid(
                "Notez ce que le suivi a permis de savoir.".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let t = crate::sql::query(&format!("{SELECT} WHERE t.id = $1 AND t.usager_id = $2"))
            .bind(id)
            .bind(cap.usager_id())
            .fetch_one_with(&mut tx, suivi_from)
            .await?;
        let assigne = cap.actor().utilisateur_id == Some(t.assigne_a);
        if !assigne && cap.action() == Action::Lire {
            return Err(StoreError::Denied(Refus::NonPermisParLeRole));
        }
        if t.fait_le.is_some() {
            return Err(StoreError::Conflict(
                "Ce suivi est déjà marqué comme fait.".into(),
            ));
        }
        let q = crate::sql::query(
            "UPDATE suivi SET fait_le = $1, fait_par = $2, note = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
        )
        .bind(jour.to_string())
        .bind(cap.actor().utilisateur_id)
        .bind(note.trim())
        .bind(ts(cap.at()));
        cap.modification_auditee(
            tx,
            q,
            ("suivi", id, version),
            ActionJournal::UsagerSuiviFait,
            serde_json::json!({"suivi_id": id}),
        )
        .await
    }
}

//! Evaluations of a person with a grid (section *Accompagnement*). Each keeps the grid id and
//! the version of its definition, the answers as sent and the results that the domain computed
//! from that definition (never taken from the caller). A draft may change; a validated
//! evaluation never does: there is no statement that updates one, a correction is a new
//! evaluation naming the one it corrects. See `docs/decisions/0030-grilles-evaluations.md`.

use chrono::NaiveDate;
use dui_domain::grille::definition::{Definition, Resultats};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use serde::Serialize;

use super::exiger;
use crate::db::Store;
use crate::policy::Capability;
use crate::sql::{Lot, Value};
use crate::{ts, StoreError, StoreResult};

/// Draft: may still change.
pub const BROUILLON: &str = "brouillon";
/// Validated: frozen.
pub const VALIDEE: &str = "validee";

/// A stored evaluation.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    /// Id.
    pub id: i64,
    /// The person.
    pub usager_id: i64,
    /// Grid id.
    pub grille: String,
    /// Version of the grid's definition used.
    pub grille_version: String,
    /// `brouillon` or `validee`.
    pub statut: String,
    /// Date of the evaluation.
    #[schema(value_type = String, format = Date)]
    pub date_evaluation: NaiveDate,
    /// Answers as sent (JSON).
    #[schema(value_type = Object)]
    pub reponses: serde_json::Value,
    /// Results computed from the definition used.
    pub resultats: Resultats,
    /// The GIR, for an AGGIR evaluation (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gir: Option<u8>,
    /// Free comment.
    pub commentaire: Option<String>,
    /// The evaluation it corrects.
    pub corrige_id: Option<i64>,
    /// Who recorded it (login name).
    pub auteur: String,
    /// Who validated it.
    pub valide_par: Option<String>,
    /// When it was recorded.
    pub created_at: String,
    /// When it was validated.
    pub valide_at: Option<String>,
    /// Version (drafts: optimistic concurrency).
    pub version: i64,
}

/// What a caller sends (answers checked again here against the definition).
#[derive(Clone, Debug)]
pub struct NouvelleEvaluation {
    /// Date of the evaluation.
    pub date_evaluation: NaiveDate,
    /// Answers.
    pub reponses: serde_json::Value,
    /// Comment.
    pub commentaire: Option<String>,
    /// Validated at once (needs the right to validate).
    pub valider: bool,
    /// The validated evaluation this one corrects.
    pub corrige_id: Option<i64>,
}

const COLUMNS: &str = "id, usager_id, grille, grille_version, statut, date_evaluation, reponses, resultats, gir, commentaire, corrige_id, auteur, valide_par, created_at, valide_at, version";

fn from_row(r: &crate::sql::Row) -> StoreResult<Evaluation> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("évaluation : {e}"));
    let date: String = r.try_get("date_evaluation")?;
    Ok(Evaluation {
        id: r.try_get("id")?,
        usager_id: r.try_get("usager_id")?,
        grille: r.try_get("grille")?,
        grille_version: r.try_get("grille_version")?,
        statut: r.try_get("statut")?,
        date_evaluation: date
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("date d'évaluation {date:?}")))?,
        reponses: serde_json::from_str(&r.try_get::<String, _>("reponses")?).map_err(corrupt)?,
        resultats: serde_json::from_str(&r.try_get::<String, _>("resultats")?).map_err(corrupt)?,
        gir: r
            .try_get::<Option<i64>, _>("gir")?
            .and_then(|g| u8::try_from(g).ok()),
        commentaire: r.try_get("commentaire")?,
        corrige_id: r.try_get("corrige_id")?,
        auteur: r.try_get("auteur")?,
        valide_par: r.try_get("valide_par")?,
        created_at: r.try_get("created_at")?,
        valide_at: r.try_get("valide_at")?,
        version: r.try_get("version")?,
    })
}

/// The results of `e` by `def`, its GIR (AGGIR) and its answers as stored text.
fn calculer(def: &Definition, e: &NouvelleEvaluation) -> StoreResult<(Resultats, Option<i64>)> {
    if let Some(c) = &e.commentaire {
        dui_domain::saisie::Champ::texte("commentaire", dui_domain::saisie::COMMENTAIRE)
            .verifier("commentaire", c)
            .map_err(|r| StoreError::Invalid(r.to_string()))?;
    }
    let resultats = def.evaluer(&e.reponses).map_err(|errs| {
        let (k, m) = errs.into_iter().next().unwrap_or_default();
        StoreError::Invalid(format!("{k} : {m}"))
    })?;
    let gir = resultats
        .iter()
        .find(|v| v.id == "gir" && def.algorithme.as_deref() == Some("aggir"))
        .map(|v| v.valeur as i64);
    Ok((resultats, gir))
}

fn immuable() -> StoreError {
    StoreError::Conflict(
        "une évaluation validée ne change plus : enregistrez une nouvelle évaluation qui la corrige"
            .into(),
    )
}

impl Store {
    /// Records an evaluation of the capability's person with `def` (audited). Validating at
    /// once needs a capability to validate.
    pub async fn ajouter_evaluation(
        &self,
        cap: &Capability,
        def: &Definition,
        e: &NouvelleEvaluation,
    ) -> StoreResult<Evaluation> {
        let action = if e.valider {
            Action::Valider
        } else {
            Action::Ecrire
        };
        exiger(cap, Section::Accompagnement, action)?;
        let (resultats, gir) = calculer(def, e)?;
        let mut tx = self.begin().await?;
        if let Some(c) = e.corrige_id {
            let row = crate::sql::query(
                "SELECT grille, statut FROM evaluation WHERE id = $1 AND usager_id = $2",
            )
            .bind(c)
            .bind(cap.usager_id())
            .fetch_optional(&mut tx)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid("l'évaluation corrigée n'existe pas dans ce dossier".into())
            })?;
            let (grille, statut): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            if grille != def.id || statut != VALIDEE {
                return Err(StoreError::Invalid(
                    "on ne corrige qu'une évaluation validée, de la même grille".into(),
                ));
            }
        }
        let now = ts(cap.at());
        let actor = cap.actor();
        let statut = if e.valider { VALIDEE } else { BROUILLON };
        let id: i64 = crate::sql::query(
            "INSERT INTO evaluation (usager_id, grille, grille_version, statut, date_evaluation, reponses, resultats, gir, commentaire, corrige_id, auteur_id, auteur, valide_par, valide_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        )
        .bind(cap.usager_id())
        .bind(def.id.as_str())
        .bind(def.version.as_str())
        .bind(statut)
        .bind(e.date_evaluation.to_string())
        .bind(e.reponses.to_string())
        .bind(serde_json::to_string(&resultats).unwrap_or_default())
        .bind(gir)
        .bind(e.commentaire.as_deref())
        .bind(e.corrige_id)
        .bind(actor.utilisateur_id)
        .bind(actor.username.as_str())
        .bind(e.valider.then_some(actor.username.as_str()))
        .bind(e.valider.then_some(now.as_str()))
        .bind(now.as_str())
        .fetch_scalar(&mut tx)
        .await?;
        cap.commit_audite(tx, ActionJournal::UsagerEvaluationAjout,
            serde_json::json!({"id": id, "grille": def.id, "grille_version": def.version, "statut": statut})).await?;
        self.evaluation(cap, id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes a draft (optimistic version; a validated one → conflict).
    pub async fn modifier_evaluation(
        &self,
        cap: &Capability,
        def: &Definition,
        id: i64,
        version: i64,
        e: &NouvelleEvaluation,
    ) -> StoreResult<i64> {
        exiger(cap, Section::Accompagnement, Action::Ecrire)?;
        let (resultats, gir) = calculer(def, e)?;
        let mut tx = self.begin().await?;
        let n = crate::sql::query(
            "UPDATE evaluation SET grille_version = $1, date_evaluation = $2, reponses = $3, resultats = $4, gir = $5, commentaire = $6, \
             updated_at = $7, version = version + 1 WHERE id = $8 AND usager_id = $9 AND grille = $10 AND statut = 'brouillon' AND version = $11",
        )
        .bind(def.version.as_str())
        .bind(e.date_evaluation.to_string())
        .bind(e.reponses.to_string())
        .bind(serde_json::to_string(&resultats).unwrap_or_default())
        .bind(gir)
        .bind(e.commentaire.as_deref())
        .bind(ts(cap.at()))
        .bind(id)
        .bind(cap.usager_id())
        .bind(def.id.as_str())
        .bind(version)
        .execute(&mut tx)
        .await?;
        let detail = serde_json::json!({"id": id, "grille": def.id, "grille_version": def.version});
        self.terminer(
            tx,
            cap,
            id,
            n,
            ActionJournal::UsagerEvaluationModification,
            detail,
        )
        .await?;
        Ok(version + 1)
    }

    /// Validates a draft: from then on it never changes.
    pub async fn valider_evaluation(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
    ) -> StoreResult<i64> {
        let mut tx = self
            .ecriture(cap, Section::Accompagnement, Action::Valider)
            .await?;
        let actor = cap.actor();
        let now = ts(cap.at());
        let n = crate::sql::query(
            "UPDATE evaluation SET statut = 'validee', valide_par = $1, valide_at = $2, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND usager_id = $4 AND statut = 'brouillon' AND version = $5",
        )
        .bind(actor.username.as_str())
        .bind(now.as_str())
        .bind(id)
        .bind(cap.usager_id())
        .bind(version)
        .execute(&mut tx)
        .await?;
        let detail = serde_json::json!({"id": id});
        self.terminer(
            tx,
            cap,
            id,
            n,
            ActionJournal::UsagerEvaluationValidation,
            detail,
        )
        .await?;
        Ok(version + 1)
    }

    /// The end of a change of draft `id` that touched `n` rows: none → why (absent,
    /// validated or stale), else audited and committed.
    async fn terminer(
        &self,
        mut tx: crate::sql::Tx,
        cap: &Capability,
        id: i64,
        n: u64,
        action: ActionJournal,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        if n == 0 {
            return Err(self.why_unchanged(&mut tx, cap, id).await);
        }
        cap.commit_audite(tx, action, detail).await
    }

    async fn why_unchanged(
        &self,
        tx: &mut crate::sql::Tx,
        cap: &Capability,
        id: i64,
    ) -> StoreError {
        let row =
            crate::sql::query("SELECT statut FROM evaluation WHERE id = $1 AND usager_id = $2")
                .bind(id)
                .bind(cap.usager_id())
                .fetch_optional(tx)
                .await;
        match row {
            Ok(None) => StoreError::NotFound,
            Ok(Some(r)) => match r.try_get::<String, _>(0) {
                Ok(s) if s == VALIDEE => immuable(),
                Ok(_) => StoreError::StaleVersion,
                Err(e) => e,
            },
            Err(e) => e,
        }
    }

    /// One evaluation of the capability's person.
    pub async fn evaluation(&self, cap: &Capability, id: i64) -> StoreResult<Option<Evaluation>> {
        let select = format!("SELECT {COLUMNS} FROM evaluation WHERE id = $1 AND usager_id = $2");
        self.ligne_du_dossier(cap, Section::Accompagnement, &select, id, from_row)
            .await
    }

    /// The person's evaluations, newest first (keyset: ids below `avant`), of one grid or all.
    pub async fn evaluations(
        &self,
        cap: &Capability,
        grille: Option<&str>,
        avant: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<Evaluation>> {
        exiger(cap, Section::Accompagnement, Action::Lire)?;
        let rows = crate::sql::query(&format!(
            "SELECT {COLUMNS} FROM evaluation WHERE usager_id = $1 AND ($2 = '' OR grille = $2) AND id < $3 \
             ORDER BY id DESC LIMIT $4"
        ))
        .bind(cap.usager_id())
        .bind(grille.unwrap_or(""))
        .bind(avant.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

/// An evaluation to insert in bulk (demo data, imports): recorded by `auteur` on its date.
#[derive(Clone, Debug)]
pub struct BulkEvaluation {
    /// The person.
    pub usager_id: i64,
    /// What was evaluated (results are computed here, from the definition).
    pub evaluation: NouvelleEvaluation,
    /// Author's account.
    pub auteur_id: Option<i64>,
    /// Author's login name.
    pub auteur: String,
}

impl Store {
    /// Inserts evaluations with `def` in one bulk load (`crate::sql::Charge`), their results
    /// computed from `def` as [`Store::ajouter_evaluation`] does, audited as one import
    /// entry; returns how many. A validated one is validated by its author on its date.
    pub async fn insert_evaluations_bulk(
        &self,
        actor: &crate::audit::Actor,
        def: &Definition,
        batch: &[BulkEvaluation],
        now: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<usize> {
        if batch.is_empty() {
            return Ok(0);
        }
        let now_s = ts(now);
        let mut rows = Vec::with_capacity(batch.len());
        for b in batch {
            let e = &b.evaluation;
            if e.corrige_id.is_some() {
                return Err(StoreError::Invalid(
                    "une correction s'enregistre avec ajouter_evaluation".into(),
                ));
            }
            let (resultats, gir) = calculer(def, e)?;
            let at = format!("{}T10:00:00Z", e.date_evaluation);
            rows.push(vec![
                Value::from(b.usager_id),
                def.id.as_str().into(),
                def.version.as_str().into(),
                if e.valider { VALIDEE } else { BROUILLON }.into(),
                e.date_evaluation.to_string().into(),
                e.reponses.to_string().into(),
                serde_json::to_string(&resultats)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?
                    .into(),
                gir.into(),
                e.commentaire.as_deref().into(),
                b.auteur_id.into(),
                b.auteur.as_str().into(),
                e.valider.then_some(b.auteur.as_str()).into(),
                e.valider.then_some(at.as_str()).into(),
                at.as_str().into(),
                now_s.as_str().into(),
            ]);
        }
        let mut charge = self.charge().await?;
        charge
            .ecrire(&Lot {
                table: "evaluation",
                cols: &[
                    "usager_id",
                    "grille",
                    "grille_version",
                    "statut",
                    "date_evaluation",
                    "reponses",
                    "resultats",
                    "gir",
                    "commentaire",
                    "auteur_id",
                    "auteur",
                    "valide_par",
                    "valide_at",
                    "created_at",
                    "updated_at",
                ],
                rows,
            })
            .await?;
        crate::audit::append_lot(
            &mut charge,
            &crate::audit::NewEntry {
                section: Some("accompagnement"),
                ..crate::audit::NewEntry::succes(
                    actor,
                    ActionJournal::UsagerImport,
                    serde_json::json!({"evaluations": batch.len(), "grille": def.id, "grille_version": def.version}),
                    now,
                )
            },
        )
        .await?;
        charge.commit().await?;
        Ok(batch.len())
    }
}

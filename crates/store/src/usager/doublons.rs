//! Identitovigilance: "different person" confirmations, merging two files and undoing a
//! merge (both histories are kept). Probable duplicates are found in `detection`.

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use serde::Serialize;

use super::fusion_deplacements::{deplacer, recorded, recorded_ids};
use super::{exiger, numero};
use crate::audit::{self, NewEntry};
use crate::db::Store;
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// A merge of two files.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Fusion {
    /// Id.
    pub id: i64,
    /// Kept file.
    pub conserve_id: i64,
    /// Absorbed file.
    pub absorbe_id: i64,
    /// When.
    pub fusionne_at: String,
    /// When undone, if it was.
    pub annule_at: Option<String>,
}

/// Tables whose rows move with a merge.
const MOVED: [&str; 24] = [
    "sejour",
    "absence",
    "entourage",
    "affectation",
    "transmission",
    "projet",
    "projet_version",
    "projet_signature",
    "projet_action",
    "evaluation",
    "soins_entree",
    "observation",
    "psychologie_note",
    "dlu_retour",
    // h13c: the liaison book and its participants follow the person.
    "liaison_entree",
    "liaison_participant",
    // hteam: the team (see `EQUIPE_REFERENTS`) and messages about the person.
    "equipe_membre",
    "message",
    // Applications, the agenda (events about the person, participations), exchanges and
    // activities (registrations, attendance) follow the person too.
    "candidature",
    "rendez_vous",
    "evenement_participant",
    "echange",
    "activite_inscription",
    "seance_presence",
];

/// Key (in `fusion.deplacements`) of the absorbed file's referents made co-referents.
const EQUIPE_REFERENTS: &str = "equipe_referents";

/// Key (in `fusion.deplacements`) and table of the professionals linked to the absorbed
/// file (médecin traitant…) moved to the kept file: `[professionnel_id, role]` pairs.
const PROFESSIONNELS: &str = "usager_professionnel";

/// Key (in `fusion.deplacements`) and table of the portal accounts of the absorbed file
/// (the person's own account) moved to the kept file: account ids.
const COMPTES_PORTAIL: &str = "utilisateur";

/// Every table with a `usager_id` column, and what a merge does with its rows: they follow
/// the kept file, or stay with the absorbed one for the reason given. A test compares this
/// list with the schema, so that a new section's table cannot be forgotten by merges.
pub const TABLES_FUSION: &[(&str, Option<&str>)] = &[
    ("sejour", None),
    ("absence", None),
    ("entourage", None),
    ("transmission", None),
    ("affectation", None),
    ("projet", None),
    ("projet_version", None),
    ("projet_signature", None),
    ("projet_action", None),
    ("usager_photo", None),
    ("evaluation", None),
    ("candidature", None),
    ("rendez_vous", None),
    ("evenement_participant", None),
    ("echange", None),
    ("activite_inscription", None),
    ("seance_presence", None),
    (PROFESSIONNELS, None),
    (COMPTES_PORTAIL, None),
    ("soins_entree", None),
    ("observation", None),
    ("psychologie_note", None),
    ("dlu_retour", None),
    ("acte_plan", None),
    ("acte_realise", None),
    ("constante", None),
    ("prescription", None),
    ("administration", None),
    (
        "seuil_constante",
        Some("one set of thresholds per person and measure: the kept file's own stay in force"),
    ),
    (
        "usager_nom",
        Some("the names of the absorbed identity; a merged file is out of every search"),
    ),
    (
        "usager_version",
        Some("the history of the absorbed identity stays with it"),
    ),
    (
        "acces_exceptionnel",
        Some("a break-the-glass access was opened on that file: a fact of its traceability"),
    ),
    (
        "audit",
        Some("append-only: an entry names the file that was read or changed"),
    ),
    // Benefits, freedom-of-movement measures, follow-ups after discharge (h11d).
    ("prestation", None),
    ("prestation_historique", None),
    ("mesure", None),
    ("mesure_revision", None),
    ("suivi", None),
    // Home-care planning and télégestion (h13b): the visits follow the person.
    ("intervention", None),
    ("visite", None),
    ("telegestion_entree", None),
    // The liaison book (h13c).
    ("liaison_entree", None),
    ("liaison_participant", None),
    (
        "liaison_lecture",
        Some("read marks of the absorbed file's book: its entries, moved, show once as new in the kept one"),
    ),
    // The team around the person and messages about a person (hteam).
    ("equipe_membre", None),
    ("message", None),
];

/// Key (in `fusion.deplacements`) of the photo moved to the kept file (its fingerprint).
const PHOTO: &str = "photo";

/// Key (in `fusion.deplacements`) of the assignments both files had: dropped from the
/// absorbed file by the merge, given back by its undoing.
const AFFECTATIONS_COMMUNES: &str = "affectation_commune";

/// The column that names a moved row of `table` in the merge's record: the account for an
/// assignment, the id otherwise.
fn key_of(table: &str) -> &'static str {
    if table == "affectation" {
        "utilisateur_id"
    } else {
        "id"
    }
}

/// The first column of `rows`, as ids.
fn first_ids(rows: &[crate::sql::Row]) -> StoreResult<Vec<i64>> {
    rows.iter().map(|r| r.try_get::<i64, _>(0)).collect()
}

/// Whether the account `utilisateur_id` is assigned to the file `usager_id`.
async fn is_assigned(
    tx: &mut crate::sql::Tx,
    usager_id: i64,
    utilisateur_id: i64,
) -> StoreResult<bool> {
    let row = crate::sql::query(
        "SELECT usager_id FROM affectation WHERE usager_id = $1 AND utilisateur_id = $2",
    )
    .bind(usager_id)
    .bind(utilisateur_id)
    .fetch_optional(tx)
    .await?;
    Ok(row.is_some())
}

/// Assigns the account `utilisateur_id` to the file `usager_id` (given back by an undo).
async fn assign(
    tx: &mut crate::sql::Tx,
    usager_id: i64,
    utilisateur_id: i64,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    crate::sql::query(
        "INSERT INTO affectation (utilisateur_id, usager_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(utilisateur_id)
    .bind(usager_id)
    .bind(ts(at))
    .execute(tx)
    .await?;
    Ok(())
}

impl Store {
    /// Records that the file of `cap` and `other` are two different people (audited).
    pub async fn confirmer_non_doublon(
        &self,
        cap: &Capability,
        other: UsagerId,
    ) -> StoreResult<()> {
        exiger(cap, Section::Administratif, Action::Valider)?;
        let (a, b) = if cap.usager_id() < other {
            (cap.usager_id(), other)
        } else {
            (other, cap.usager_id())
        };
        let mut tx = self.begin().await?;
        let exists = crate::sql::query(
            "SELECT usager_a FROM usager_non_doublon WHERE usager_a = $1 AND usager_b = $2",
        )
        .bind(a)
        .bind(b)
        .fetch_optional(&mut tx)
        .await?;
        if exists.is_none() {
            crate::sql::query("INSERT INTO usager_non_doublon (usager_a, usager_b, confirme_par, confirme_at) VALUES ($1, $2, $3, $4)")
                .bind(a)
                .bind(b)
                .bind(cap.actor().utilisateur_id.unwrap_or_default())
                .bind(ts(cap.at()))
                .execute(&mut tx)
                .await?;
        }
        let detail = serde_json::json!({"autre": other});
        cap.commit_audite(tx, ActionJournal::UsagerNonDoublon, detail)
            .await?;
        Ok(())
    }

    /// Merges `absorbe` into the file of `keep` (both capabilities: administrative
    /// validation). The absorbed file is kept, marked merged, and its stays, circle and
    /// assignments move to the kept file; the moved row ids are recorded to undo.
    pub async fn fusionner_usagers(
        &self,
        keep: &Capability,
        absorbe: &Capability,
    ) -> StoreResult<i64> {
        for cap in [keep, absorbe] {
            exiger(cap, Section::Administratif, Action::Valider)?;
        }
        let (k, a) = (keep.usager_id().get(), absorbe.usager_id().get());
        if k == a {
            return Err(StoreError::Invalid(
                "Un dossier ne peut être fusionné avec lui-même.".into(),
            ));
        }
        let mut tx = self.begin().await?;
        // Checked on the locked rows: a concurrent merge or undo of either file waits here,
        // then sees what the first one did (decision 0005).
        let (fk, fa) = self.lock_files(&mut tx, k, a).await?;
        for (id, into) in [(k, fk), (a, fa)] {
            if let Some(into) = into {
                return Err(StoreError::Conflict(format!(
                    "Le dossier {} a déjà été fusionné dans le dossier {} : la fusion n'a pas été faite. Rechargez la page.",
                    numero(id),
                    numero(into)
                )));
            }
        }
        let archives = super::projet::fusion::a_archiver(&mut tx, k, a).await?;
        let mut moved = serde_json::Map::new();
        for table in MOVED {
            let key = key_of(table);
            let rows =
                crate::sql::query(&format!("SELECT {key} FROM {table} WHERE usager_id = $1"))
                    .bind(a)
                    .fetch_all(&mut tx)
                    .await?;
            let mut ids = first_ids(&rows)?;
            if table == "affectation" {
                // Avoid duplicate assignments: drop those the kept file already has, and
                // remember them apart (they are given back to the absorbed file on undo, and
                // the kept file keeps its own).
                let shared = crate::sql::query("SELECT utilisateur_id FROM affectation WHERE usager_id = $1 AND utilisateur_id IN (SELECT utilisateur_id FROM affectation WHERE usager_id = $2)")
                    .bind(a)
                    .bind(k)
                    .fetch_all(&mut tx)
                    .await?;
                let shared = first_ids(&shared)?;
                crate::sql::query("DELETE FROM affectation WHERE usager_id = $1 AND utilisateur_id IN (SELECT utilisateur_id FROM affectation WHERE usager_id = $2)")
                    .bind(a)
                    .bind(k)
                    .execute(&mut tx)
                    .await?;
                ids.retain(|i| !shared.contains(i));
                moved.insert(AFFECTATIONS_COMMUNES.to_string(), serde_json::json!(shared));
            }
            if table == "equipe_membre" {
                let demotes = super::equipe::referents_en_co(&mut tx, a, k).await?;
                moved.insert(EQUIPE_REFERENTS.to_string(), serde_json::json!(demotes));
            }
            deplacer(&mut tx, table, &[], a, k, Vec::new()).await?;
            moved.insert(table.to_string(), serde_json::json!(ids));
        }
        moved.insert(
            PROFESSIONNELS.to_string(),
            serde_json::json!(move_professionnels(&mut tx, a, k).await?),
        );
        moved.insert(
            COMPTES_PORTAIL.to_string(),
            serde_json::json!(move_portal_accounts(&mut tx, a, k, keep.at()).await?),
        );
        // The photo follows the person when the kept file has none (undoing gives it back).
        let photo: Option<String> = crate::sql::query(
            "UPDATE usager_photo SET usager_id = $1 WHERE usager_id = $2 \
             AND NOT EXISTS (SELECT 1 FROM usager_photo p WHERE p.usager_id = $1) RETURNING empreinte",
        )
        .bind(k)
        .bind(a)
        .fetch_optional(&mut tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        if let Some(fp) = photo {
            moved.insert(PHOTO.to_string(), serde_json::json!(fp));
        }
        crate::sql::query("UPDATE usager SET fusionne_dans = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(k)
            .bind(ts(keep.at()))
            .bind(a)
            .execute(&mut tx)
            .await?;
        let fid: i64 = crate::sql::query(
            "INSERT INTO fusion (conserve_id, absorbe_id, deplacements, fusionne_par, fusionne_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(k)
        .bind(a)
        .bind(serde_json::Value::Object(moved.clone()).to_string())
        .bind(keep.actor().utilisateur_id.unwrap_or_default())
        .bind(ts(keep.at()))
        .fetch_scalar(&mut tx)
        .await?;
        super::projet::fusion::archiver(&mut tx, &archives, fid).await?;
        keep.audit_change(
            &mut tx,
            ActionJournal::UsagerFusion,
            serde_json::json!({"fusion": fid, "absorbe": a, "deplacements": moved}),
        )
        .await?;
        let detail = serde_json::json!({"fusion": fid, "conserve": k});
        absorbe
            .commit_audite(tx, ActionJournal::UsagerFusion, detail)
            .await?;
        // Accounts of the person or relatives may have moved to the kept file.
        self.comptes_modifies();
        Ok(fid)
    }

    /// Undoes a merge: the moved rows go back to the absorbed file, which is active again.
    pub async fn annuler_fusion(&self, keep: &Capability, fusion_id: i64) -> StoreResult<()> {
        let mut tx = self
            .ecriture(keep, Section::Administratif, Action::Valider)
            .await?;
        let row = crate::sql::query(
            "SELECT conserve_id, absorbe_id, deplacements, annule_at FROM fusion WHERE id = $1",
        )
        .bind(fusion_id)
        .fetch_optional(&mut tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let (k, a, moved, annule): (i64, i64, String, Option<String>) = (
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
        );
        if k != keep.usager_id().get() {
            return Err(StoreError::NotFound);
        }
        let deja_annulee = || StoreError::Conflict("Cette fusion a déjà été annulée.".into());
        if annule.is_some() {
            return Err(deja_annulee());
        }
        // As for a merge: both files locked, then the merge's result checked on them, and the
        // merge record marked undone only if it still is not (one of two undos wins).
        let (fk, fa) = self.lock_files(&mut tx, k, a).await?;
        if let Some(into) = fk {
            return Err(StoreError::Conflict(format!(
                "Le dossier {} a été fusionné depuis dans le dossier {} : annulez d'abord cette fusion-là.",
                numero(k),
                numero(into)
            )));
        }
        let undone = crate::sql::query(
            "UPDATE fusion SET annule_par = $1, annule_at = $2 WHERE id = $3 AND annule_at IS NULL",
        )
        .bind(keep.actor().utilisateur_id.unwrap_or_default())
        .bind(ts(keep.at()))
        .bind(fusion_id)
        .execute(&mut tx)
        .await?;
        if undone == 0 || fa != Some(k) {
            return Err(deja_annulee());
        }
        let moved: serde_json::Value =
            serde_json::from_str(&moved).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        super::projet::fusion::restaurer(&mut tx, fusion_id).await?;
        for table in MOVED {
            for id in recorded_ids(&moved, table) {
                if table == "affectation" && !is_assigned(&mut tx, k, id).await? {
                    assign(&mut tx, a, id, keep.at()).await?;
                } else {
                    deplacer(&mut tx, table, &[key_of(table)], k, a, vec![id.into()]).await?;
                }
            }
        }
        let referents: Vec<i64> = recorded_ids(&moved, EQUIPE_REFERENTS).collect();
        super::equipe::referents_rendus(&mut tx, a, &referents).await?;
        for uid in recorded_ids(&moved, AFFECTATIONS_COMMUNES) {
            if !is_assigned(&mut tx, a, uid).await? {
                assign(&mut tx, a, uid, keep.at()).await?;
            }
        }
        for pair in recorded(&moved, PROFESSIONNELS) {
            if let (Some(pid), Some(role)) = (pair[0].as_i64(), pair[1].as_str()) {
                let cle = vec![pid.into(), role.into()];
                deplacer(&mut tx, "usager_professionnel", PRO_CLES, k, a, cle).await?;
            }
        }
        for uid in recorded_ids(&moved, COMPTES_PORTAIL) {
            crate::sql::query("UPDATE utilisateur SET usager_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND usager_id = $4")
                .bind(a)
                .bind(ts(keep.at()))
                .bind(uid)
                .bind(k)
                .execute(&mut tx)
                .await?;
        }
        // The photo moved by the merge goes back, unless the kept file has replaced it since.
        if let Some(fp) = moved.get(PHOTO).and_then(|v| v.as_str()) {
            crate::sql::query(
                "UPDATE usager_photo SET usager_id = $1 WHERE usager_id = $2 AND empreinte = $3 \
                 AND NOT EXISTS (SELECT 1 FROM usager_photo p WHERE p.usager_id = $1)",
            )
            .bind(a)
            .bind(k)
            .bind(fp)
            .execute(&mut tx)
            .await?;
        }
        crate::sql::query("UPDATE usager SET fusionne_dans = NULL, version = version + 1, updated_at = $1 WHERE id = $2").bind(ts(keep.at())).bind(a).execute(&mut tx).await.map_err(|e| match e {
            // The absorbed file's INS is now held by another live file (usager_ins_unique).
            StoreError::Conflict(_) => StoreError::Conflict("Le dossier absorbé porte une INS qu'un autre dossier détient désormais : la fusion ne peut pas être annulée tant que l'un des deux la garde.".into()),
            other => other,
        })?;
        keep.audit_change(
            &mut tx,
            ActionJournal::UsagerFusionAnnulation,
            serde_json::json!({"fusion": fusion_id, "absorbe": a}),
        )
        .await?;
        audit::append(
            &mut tx,
            &NewEntry::succes_administratif(
                keep.actor(),
                ActionJournal::UsagerFusionAnnulation,
                Some(a),
                serde_json::json!({"fusion": fusion_id, "conserve": k}),
                keep.at(),
            ),
        )
        .await?;
        tx.commit().await?;
        self.comptes_modifies();
        Ok(())
    }

    /// Locks the rows of files `k` and `a` in id order (on PostgreSQL; a SQLite transaction
    /// already holds the only writer) and returns where each was merged, if it was. The lock
    /// also holds back rows being attached to either file (stays, circle) until the commit.
    async fn lock_files(
        &self,
        tx: &mut crate::sql::Tx,
        k: i64,
        a: i64,
    ) -> StoreResult<(Option<i64>, Option<i64>)> {
        let lock = match self.engine() {
            crate::Engine::Postgres => " FOR UPDATE",
            crate::Engine::Sqlite => "",
        };
        let rows = crate::sql::query(&format!(
            "SELECT id, fusionne_dans FROM usager WHERE id IN ($1, $2) ORDER BY id{lock}"
        ))
        .bind(k)
        .bind(a)
        .fetch_all(&mut *tx)
        .await?;
        let (mut fk, mut fa) = (None, None);
        for r in rows {
            let (id, into): (i64, Option<i64>) = (r.try_get(0)?, r.try_get(1)?);
            if id == k {
                fk = Some(into);
            } else if id == a {
                fa = Some(into);
            }
        }
        fk.zip(fa).ok_or(StoreError::NotFound)
    }

    /// The file an absorbed file was merged into, if any. Only this pointer is given (no
    /// person data): links to an absorbed file lead to the kept one.
    pub async fn fusionne_dans(&self, id: UsagerId) -> StoreResult<Option<UsagerId>> {
        let r = crate::sql::query("SELECT fusionne_dans FROM usager WHERE id = $1")
            .bind(id)
            .fetch_optional(self)
            .await?;
        Ok(r.map(|r| r.try_get::<Option<UsagerId>, _>(0))
            .transpose()?
            .flatten())
    }

    /// Merges involving the file of `cap`.
    pub async fn fusions(&self, cap: &Capability) -> StoreResult<Vec<Fusion>> {
        self.fusions_page(cap, crate::page::Page::TOUT).await
    }
}

/// Moves to the kept file `k` the professionals of the absorbed file `a` that `k` does not
/// have in the same role; a médecin traitant only when `k` has none (one at a time). Those
/// left stay with `a` and are there again if the merge is undone. Returns the moved pairs.
async fn move_professionnels(
    tx: &mut crate::sql::Tx,
    a: i64,
    k: i64,
) -> StoreResult<Vec<(i64, String)>> {
    let rows = crate::sql::query(
        "SELECT up.professionnel_id, up.role FROM usager_professionnel up WHERE up.usager_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM usager_professionnel x WHERE x.usager_id = $2 AND x.professionnel_id = up.professionnel_id AND x.role = up.role) \
         AND NOT (up.role = 'medecin_traitant' AND EXISTS (SELECT 1 FROM usager_professionnel y WHERE y.usager_id = $2 AND y.role = 'medecin_traitant')) \
         ORDER BY up.professionnel_id, up.role",
    )
    .bind(a)
    .bind(k)
    .fetch_all(&mut *tx)
    .await?;
    let mut pairs = Vec::with_capacity(rows.len());
    for r in &rows {
        let (pid, role): (i64, String) = (r.try_get(0)?, r.try_get(1)?);
        let cle = vec![pid.into(), role.as_str().into()];
        deplacer(&mut *tx, "usager_professionnel", PRO_CLES, a, k, cle).await?;
        pairs.push((pid, role));
    }
    Ok(pairs)
}

/// Links to the kept file `k` the portal accounts of the absorbed file `a` (the person's own
/// account follows their file; its version changes, so a stale edit of it is refused).
/// Returns the accounts moved.
async fn move_portal_accounts(
    tx: &mut crate::sql::Tx,
    a: i64,
    k: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> StoreResult<Vec<i64>> {
    let rows = crate::sql::query("SELECT id FROM utilisateur WHERE usager_id = $1 ORDER BY id")
        .bind(a)
        .fetch_all(&mut *tx)
        .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    if !ids.is_empty() {
        crate::sql::query("UPDATE utilisateur SET usager_id = $1, version = version + 1, updated_at = $2 WHERE usager_id = $3")
            .bind(k)
            .bind(ts(at))
            .bind(a)
            .execute(&mut *tx)
            .await?;
    }
    Ok(ids)
}

/// The key of a professional's link to a file (one professional may hold several roles).
const PRO_CLES: &[&str] = &["professionnel_id", "role"];

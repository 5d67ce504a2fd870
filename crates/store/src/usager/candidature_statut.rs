//! The status flow of an application (ADM-1): a move checked by
//! `dui_domain::candidature::verifier_transition` and applied at the version read (a change
//! made meanwhile refuses it: never applied twice), kept in the history with its motive; and
//! the link of an application to the person's file.

use dui_domain::candidature::{verifier_transition, StatutCandidature};
use dui_domain::journal::ActionJournal;
use dui_domain::saisie::{self as lim, Champ};

use super::candidature::{
    charger, charger_version, commit_audite, ecriture, perimetre, Candidature, ChangementStatut,
};
use crate::db::Store;
use crate::fiche::{code, opt_code};
use crate::policy::{Capability, CapaciteCandidatures};
use crate::saisie::borne;
use crate::sql::Tx;
use crate::{ts, StoreError, StoreResult};

/// Records a status change in the history (in the change's transaction).
pub(super) async fn historiser(
    tx: &mut Tx,
    cap: &CapaciteCandidatures,
    id: i64,
    de: Option<StatutCandidature>,
    vers: StatutCandidature,
    motif: Option<&str>,
) -> StoreResult<()> {
    crate::sql::query(
        "INSERT INTO candidature_statut (candidature_id, de, vers, motif, par, par_nom, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(de.map(|d| d.code()))
    .bind(vers.code())
    .bind(motif)
    .bind(cap.principal().id)
    .bind(cap.principal().username.as_str())
    .bind(ts(cap.at()))
    .execute(tx)
    .await?;
    Ok(())
}

impl Store {
    /// The status changes of application `id`, oldest first (read with it: not audited
    /// again; empty when out of scope).
    pub async fn historique_candidature(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
    ) -> StoreResult<Vec<ChangementStatut>> {
        let (cond, vals) = perimetre(cap, 2);
        let rows = crate::sql::query(&format!(
            "SELECT h.de, h.vers, h.motif, h.par_nom, h.at FROM candidature_statut h JOIN candidature c ON c.id = h.candidature_id \
             WHERE h.candidature_id = $1 AND {cond} ORDER BY h.id"
        ))
        .bind(id)
        .binds(vals)
        .fetch_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ChangementStatut {
                    de: opt_code(r, "de", StatutCandidature::from_code)?,
                    vers: code(r, "vers", StatutCandidature::from_code)?,
                    motif: r.try_get("motif")?,
                    par: r.try_get("par_nom")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// Moves an application in the flow ([`verifier_transition`]; « entretien planifié »
    /// is [`Store::planifier_entretien`]'s), optimistic version: a change made meanwhile
    /// refuses this one (409), so none is applied twice. Kept in the history; audited. The
    /// new version.
    pub async fn changer_statut_candidature(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
        version: i64,
        vers: StatutCandidature,
        motif: Option<&str>,
    ) -> StoreResult<i64> {
        borne([(Champ::texte("motif", lim::MOTIF), motif)])?;
        let mut tx = ecriture(self, cap).await?;
        let c = charger_version(&mut tx, cap, (id, version)).await?;
        self.transition_tx(&mut tx, cap, &c, vers, motif, false)
            .await?;
        commit_audite(
            tx,
            cap,
            ActionJournal::CandidatureStatut,
            serde_json::json!({"candidature_id": id, "de": c.statut.code(), "vers": vers.code()}),
        )
        .await?;
        Ok(version + 1)
    }

    /// Applies a transition to `c` (read in `tx` at its version) and keeps it.
    pub(super) async fn transition_tx(
        &self,
        tx: &mut Tx,
        cap: &CapaciteCandidatures,
        c: &Candidature,
        vers: StatutCandidature,
        motif: Option<&str>,
        planification: bool,
    ) -> StoreResult<()> {
        let motif = motif.map(str::trim).filter(|m| !m.is_empty());
        verifier_transition(c.statut, vers, motif, planification).map_err(StoreError::Invalid)?;
        crate::sql::query(
            "UPDATE candidature SET statut = $1, motif = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(vers.code())
        .bind(motif)
        .bind(ts(cap.at()))
        .execute_versioned(tx, "candidature", c.id, c.version)
        .await?;
        historiser(tx, cap, c.id, Some(c.statut), vers, motif).await
    }

    /// Links application `id` to the file of `dossier` (created from it, or the person's
    /// existing one; the capability proves the account may see it): optimistic version,
    /// audited. Refused when it is linked to another file already. The new version.
    pub async fn rattacher_candidature(
        &self,
        cap: &CapaciteCandidatures,
        id: i64,
        version: i64,
        dossier: &Capability,
    ) -> StoreResult<i64> {
        let mut tx = ecriture(self, cap).await?;
        let c = charger(&mut tx, cap, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let usager = dossier.usager_id().get();
        if c.usager_id.is_some_and(|u| u != usager) {
            return Err(StoreError::Conflict(
                "Cette candidature est déjà rattachée à un autre dossier.".into(),
            ));
        }
        crate::sql::query(
            "UPDATE candidature SET usager_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
        )
        .bind(usager)
        .bind(ts(cap.at()))
        .execute_versioned(&mut tx, "candidature", id, version)
        .await?;
        commit_audite(
            tx,
            cap,
            ActionJournal::CandidatureDossier,
            serde_json::json!({"candidature_id": id, "usager_id": usager}),
        )
        .await?;
        Ok(version + 1)
    }
}

//! The accounts assigned to a person (home-care workers, relatives), as the file lists
//! them, and the end of an assignment. Assigning is `Store::assign`.

use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};

use super::exiger;
use crate::admin::annuaire::CompteNomme;
use crate::db::Store;
use crate::policy::Capability;
use crate::{StoreError, StoreResult};

impl Store {
    /// The accounts assigned to the person of `cap`, by name.
    pub async fn affectations(&self, cap: &Capability) -> StoreResult<Vec<CompteNomme>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let ids: Vec<i64> = crate::sql::query(
            "SELECT utilisateur_id FROM affectation WHERE usager_id = $1 ORDER BY utilisateur_id",
        )
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        let mut comptes: Vec<CompteNomme> =
            self.comptes_nommes(&ids).await?.into_values().collect();
        comptes.sort_by(|a, b| a.nom.cmp(&b.nom).then(a.id.cmp(&b.id)));
        Ok(comptes)
    }

    /// Ends the assignment of account `utilisateur_id` to the person of `cap` (audited);
    /// `NotFound` when it is not assigned.
    pub async fn fin_affectation(&self, cap: &Capability, utilisateur_id: i64) -> StoreResult<()> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        let n = crate::sql::query(
            "DELETE FROM affectation WHERE usager_id = $1 AND utilisateur_id = $2",
        )
        .bind(cap.usager_id())
        .bind(utilisateur_id)
        .execute(&mut tx)
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        cap.commit_audite(
            tx,
            ActionJournal::UsagerFinAffectation,
            serde_json::json!({ "utilisateur_id": utilisateur_id }),
        )
        .await
    }
}

//! The history of a person of the circle: each change keeps the row as it was
//! (`entourage_version`), read back newest first.

use dui_domain::policy::{Action, Section};
use serde::Serialize;

use super::entourage::Entourage;
use super::exiger;
use crate::db::Store;
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// An earlier version of a person of the circle.
#[derive(Clone, Debug, Serialize)]
pub struct VersionEntourage {
    /// Its version number.
    pub version: i64,
    /// The fields as they were (the JSON of the entry then).
    pub donnees: serde_json::Value,
    /// Account that replaced it.
    pub modifie_par: Option<i64>,
    /// When it was replaced.
    pub modifie_at: String,
}

/// Keeps `avant` (the entry before a change committed in `tx`) as a version.
pub(super) async fn garder(
    tx: &mut crate::sql::Tx,
    cap: &Capability,
    avant: &Entourage,
) -> StoreResult<()> {
    let data = serde_json::to_string(avant).map_err(|e| StoreError::Invalid(e.to_string()))?;
    crate::sql::query("INSERT INTO entourage_version (entourage_id, version, donnees, modifie_par, modifie_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(avant.id)
        .bind(avant.version)
        .bind(data)
        .bind(cap.actor().utilisateur_id)
        .bind(ts(cap.at()))
        .execute(&mut *tx)
        .await
        // Two saves of one version: the second is stale, as the UPDATE would have said.
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::StaleVersion,
            other => other,
        })?;
    Ok(())
}

impl Store {
    /// The earlier versions of person `entourage_id` of the circle of `cap`'s file, newest
    /// first; empty when the entry is not in this file.
    pub async fn entourage_versions(
        &self,
        cap: &Capability,
        entourage_id: i64,
    ) -> StoreResult<Vec<VersionEntourage>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let rows = crate::sql::query(
            "SELECT v.version, v.donnees, v.modifie_par, v.modifie_at FROM entourage_version v JOIN entourage e ON e.id = v.entourage_id \
             WHERE v.entourage_id = $1 AND e.usager_id = $2 ORDER BY v.version DESC LIMIT 100",
        )
        .bind(entourage_id)
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                let donnees: String = r.try_get(1)?;
                Ok(VersionEntourage {
                    version: r.try_get(0)?,
                    donnees: serde_json::from_str(&donnees)
                        .map_err(|_| StoreError::Corrupt("entourage_version.donnees".into()))?,
                    modifie_par: r.try_get(2)?,
                    modifie_at: r.try_get(3)?,
                })
            })
            .collect()
    }
}

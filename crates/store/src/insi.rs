//! INSi paths of the store that concern the installation: the `Instance` identifier sent to
//! INSi, kept in the database (the same across restarts). The person-file paths (one INS, one
//! file) are in `usager::insi`.

use chrono::Utc;
use rand::RngCore;

use crate::db::Store;
use crate::{ts, StoreResult};

/// Key of the `Instance` identifier in `installation_parametre`.
const CLE_INSTANCE: &str = "insi_instance";

fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl Store {
    /// The identifier of this installation sent to INSi (`ContexteLPS/LPS/Instance`): a UUID
    /// created at the first call and kept in the database, so that it is the same after a
    /// restart, an update or a restore. Not person data.
    pub async fn instance_insi(&self) -> StoreResult<String> {
        crate::sql::query(
            "INSERT INTO installation_parametre (cle, valeur, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (cle) DO NOTHING",
        )
        .bind(CLE_INSTANCE)
        .bind(uuid_v4())
        .bind(ts(Utc::now()))
        .execute(self)
        .await?;
        let row = crate::sql::query("SELECT valeur FROM installation_parametre WHERE cle = $1")
            .bind(CLE_INSTANCE)
            .fetch_one(self)
            .await?;
        row.try_get(0)
    }
}

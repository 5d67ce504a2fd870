//! The usager's photo: one per file, replaced or removed with an administrative write
//! capability (audited in the same transaction), read with a read capability (the caller
//! audited it when it obtained the capability).

use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::photo::{FormatPhoto, Photo};
use sha2::{Digest, Sha256};

use super::check;
use crate::db::Store;
use crate::policy::Capability;
use crate::{ts, StoreError, StoreResult};

/// A stored photo.
#[derive(Clone, Debug)]
pub struct PhotoStockee {
    /// Its format.
    pub format: FormatPhoto,
    /// The image.
    pub octets: Vec<u8>,
    /// SHA-256 of the image (hex): it names this version of the photo.
    pub empreinte: String,
}

impl Store {
    /// Stores `photo` as the usager's photo, replacing any previous one; returns its
    /// fingerprint.
    pub async fn set_photo(&self, cap: &Capability, photo: &Photo) -> StoreResult<String> {
        let id = cap.usager_id();
        check(cap, id, Section::Administratif, Action::Ecrire)?;
        let empreinte = hex::encode(Sha256::digest(&photo.octets));
        let mut tx = self.begin().await?;
        let replaced = crate::sql::query("DELETE FROM usager_photo WHERE usager_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        crate::sql::query(
            "INSERT INTO usager_photo (usager_id, type_media, contenu, octets, empreinte, modifie_par, modifie_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(photo.format.media_type())
        .bind(photo.octets.clone())
        .bind(photo.octets.len() as i64)
        .bind(empreinte.as_str())
        .bind(cap.actor().utilisateur_id)
        .bind(ts(cap.at()))
        .execute(&mut tx)
        .await?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerPhotoModification,
            serde_json::json!({
                "type": photo.format.media_type(),
                "octets": photo.octets.len(),
                "empreinte": empreinte,
                "remplace": replaced > 0,
            }),
        )
        .await?;
        Ok(empreinte)
    }

    /// Removes the usager's photo; `NotFound` when there is none.
    pub async fn delete_photo(&self, cap: &Capability) -> StoreResult<()> {
        let id = cap.usager_id();
        check(cap, id, Section::Administratif, Action::Ecrire)?;
        let mut tx = self.begin().await?;
        let removed = crate::sql::query("DELETE FROM usager_photo WHERE usager_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        cap.audit_change(
            &mut tx,
            ActionJournal::UsagerPhotoSuppression,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await
    }

    /// The usager's photo, if any.
    pub async fn photo(&self, cap: &Capability) -> StoreResult<Option<PhotoStockee>> {
        let id = cap.usager_id();
        check(cap, id, Section::Administratif, Action::Lire)?;
        let row = crate::sql::query(
            "SELECT type_media, contenu, empreinte FROM usager_photo WHERE usager_id = $1",
        )
        .bind(id)
        .fetch_optional(self)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let media: String = row.try_get(0)?;
        let format = FormatPhoto::from_media_type(&media)
            .ok_or_else(|| StoreError::Corrupt(format!("type de photo inconnu : {media}")))?;
        Ok(Some(PhotoStockee {
            format,
            octets: row.try_get(1)?,
            empreinte: row.try_get(2)?,
        }))
    }
}

//! Projects and merges of files: a merge moves the absorbed file's projects to the kept file
//! (`TABLES_FUSION`); when the kept file already had a project of the same type, the absorbed
//! one is archived by that merge, so that the person has one current project of each type
//! (the kept file's: the identitovigilance team chose which file to keep). An archived
//! project is read as it was, never changed again, and out of the home-page alerts; undoing
//! the merge gives it back as it was.

use crate::sql::Tx;
use crate::StoreResult;

/// Why an archived project refuses a change.
pub(super) const ARCHIVE: &str = "Ce projet vient d'un dossier fusionné dans celui-ci, qui avait déjà un projet du même type : il est archivé et ne se modifie plus. Reprenez ce qui doit l'être dans le projet en cours.";

/// The projects of the file `absorbe` whose type the file `conserve` already has (current
/// ones), to archive when the merge moves them.
pub(crate) async fn a_archiver(tx: &mut Tx, conserve: i64, absorbe: i64) -> StoreResult<Vec<i64>> {
    crate::sql::query(
        "SELECT a.id FROM projet a WHERE a.usager_id = $1 AND a.fusion_archive IS NULL \
         AND EXISTS (SELECT 1 FROM projet k WHERE k.usager_id = $2 AND k.type = a.type AND k.fusion_archive IS NULL)",
    )
    .bind(absorbe)
    .bind(conserve)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>(0))
    .collect()
}

/// Archives `projets` by the merge `fusion`.
pub(crate) async fn archiver(tx: &mut Tx, projets: &[i64], fusion: i64) -> StoreResult<()> {
    for p in projets {
        crate::sql::query("UPDATE projet SET fusion_archive = $1 WHERE id = $2")
            .bind(fusion)
            .bind(*p)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Gives back the projects the merge `fusion` archived (its undoing).
pub(crate) async fn restaurer(tx: &mut Tx, fusion: i64) -> StoreResult<()> {
    crate::sql::query("UPDATE projet SET fusion_archive = NULL WHERE fusion_archive = $1")
        .bind(fusion)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

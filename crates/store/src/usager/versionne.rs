//! What the sections of a file read alike: a page of the file's rows of one table (benefits
//! and measures by id, the append-only sections newest written first). Their writes end with `Capability::ajout_audite` and
//! `Capability::modification_auditee` (`policy/versionne.rs`).

use dui_domain::policy::{Action, Section};

use super::exiger;
use crate::db::Store;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::sql::Row;
use crate::StoreResult;

impl Store {
    /// A page, in the order `tri`, of the rows of its table in the file `cap` opens, the
    /// columns `colonnes` selected, once the reading of `section` is checked.
    pub(crate) async fn page_du_dossier(
        &self,
        cap: &Capability,
        section: Section,
        colonnes: &str,
        tri: Tri<'_>,
        page: Page,
    ) -> StoreResult<Vec<Row>> {
        exiger(cap, section, Action::Lire)?;
        let sql = format!("SELECT {colonnes} FROM {} WHERE usager_id = $1", tri.table);
        self.keyset_du_dossier(&sql, cap.usager_id(), tri, page)
            .await
    }

    /// [`Store::page_du_dossier`] of `table` by id, oldest first.
    pub(crate) async fn page_par_id(
        &self,
        cap: &Capability,
        section: Section,
        (table, colonnes): (&str, &str),
        page: Page,
    ) -> StoreResult<Vec<Row>> {
        let tri = Tri::cle(table, "id", Ordre::Croissant);
        self.page_du_dossier(cap, section, colonnes, tri, page)
            .await
    }
}

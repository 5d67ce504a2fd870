//! Keyset pages of the organisation's lists (`/api/v1`), by name as the pages show them,
//! see [`crate::page`].

use super::organisation::{
    etablissement_from, organisme_from, unite_from, Etablissement, Organisme, Unite, ETAB_COLUMNS,
};
use super::utilisateur::{user_columns, Utilisateur};
use crate::db::Store;
use crate::page::{Ordre, Page, Tri};
use crate::StoreResult;

fn by_name<'a>(table: &'a str, cols: &'a str) -> Tri<'a> {
    Tri {
        cols,
        table,
        id: "id",
        ordre: Ordre::Croissant,
    }
}

impl Store {
    /// A page of the organismes, by name.
    pub async fn organismes_page(&self, page: Page) -> StoreResult<Vec<Organisme>> {
        let sql =
            "SELECT id, nom, finess_juridique, siren, adresse, version FROM organisme WHERE 1 = 1";
        let rows = self
            .keyset(sql, vec![], by_name("organisme", "nom, id"), page)
            .await?;
        rows.iter().map(organisme_from).collect()
    }

    /// A page of the establishments (all, or those in `only`), by name.
    pub async fn etablissements_page(
        &self,
        only: Option<&[i64]>,
        page: Page,
    ) -> StoreResult<Vec<Etablissement>> {
        let filtre = match only {
            None => "1 = 1".to_string(),
            Some([]) => "1 = 0".to_string(),
            Some(ids) => format!(
                "id IN ({})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
        };
        let sql = format!("SELECT {ETAB_COLUMNS} FROM etablissement WHERE {filtre}");
        let rows = self
            .keyset(&sql, vec![], by_name("etablissement", "nom, id"), page)
            .await?;
        rows.iter().map(etablissement_from).collect()
    }

    /// A page of the units of an establishment, by name.
    pub async fn unites_page(&self, etablissement_id: i64, page: Page) -> StoreResult<Vec<Unite>> {
        let sql = "SELECT id, etablissement_id, nom, type_unite, capacite, version FROM unite WHERE etablissement_id = $1";
        let rows = self
            .keyset(
                sql,
                vec![etablissement_id.into()],
                by_name("unite", "nom, id"),
                page,
            )
            .await?;
        rows.iter().map(unite_from).collect()
    }

    /// A page of the accounts, by name.
    pub async fn utilisateurs_page(&self, page: Page) -> StoreResult<Vec<Utilisateur>> {
        let sql = format!(
            "SELECT {} FROM utilisateur WHERE 1 = 1",
            user_columns(self.engine(), "")
        );
        let rows = self
            .keyset(
                &sql,
                vec![],
                by_name("utilisateur", "nom, prenom, id"),
                page,
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.user_from_row(r).await?.user);
        }
        Ok(out)
    }
}

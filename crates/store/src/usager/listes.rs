//! Keyset pages of a file's lists and of the directory (`/api/v1`), see [`crate::page`].

use dui_domain::policy::{Action, Section};
use dui_domain::usager::cle_recherche;
use dui_domain::usager::entourage::RoleProfessionnel;

use super::entourage::{entourage_from, pro_from, ENT_COLUMNS, PRO_COLUMNS};
use super::exiger;
use super::{Entourage, Fusion, Professionnel, ProfessionnelLie, Sejour};
use crate::db::Store;
use crate::page::{Ordre, Page, Tri};
use crate::policy::Capability;
use crate::StoreResult;

impl Store {
    /// A page of the active circle of the usager: the personne de confiance first, then by
    /// name.
    pub async fn entourage_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<Entourage>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let sql = format!("SELECT {ENT_COLUMNS} FROM entourage WHERE usager_id = $1 AND actif = 1");
        let rows = self
            .keyset_du_dossier(
                &sql,
                cap.usager_id(),
                Tri {
                    cols: "1 - personne_confiance, nom, prenom, id",
                    table: "entourage",
                    id: "id",
                    ordre: Ordre::Croissant,
                },
                page,
            )
            .await?;
        rows.iter().map(entourage_from).collect()
    }

    /// A page of the professionals linked to the usager, by role and name: `after` is the
    /// last (professional, role) of the previous page.
    pub async fn professionnels_usager_page(
        &self,
        cap: &Capability,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<ProfessionnelLie>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let cols: String = PRO_COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let apres = if after.is_some() {
            " AND (up.role, p.nom, p.id) > ($4, (SELECT nom FROM professionnel WHERE id = $3), $3)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {cols}, up.role FROM usager_professionnel up JOIN professionnel p ON p.id = up.professionnel_id \
             WHERE up.usager_id = $1{apres} ORDER BY up.role, p.nom, p.id LIMIT $2"
        );
        let mut q = crate::sql::query(&sql)
            .bind(cap.usager_id())
            .bind(limit.max(1).saturating_add(1));
        if let Some((pid, role)) = after {
            q = q.bind(pid).bind(role);
        }
        q.fetch_all(self)
            .await?
            .iter()
            .map(|r| {
                Ok(ProfessionnelLie {
                    professionnel: pro_from(r)?,
                    role: crate::fiche::code(r, "role", RoleProfessionnel::from_code)?,
                })
            })
            .collect()
    }

    /// A page of the shared directory (names starting with `q`, or all), by name.
    pub async fn professionnels_page(
        &self,
        q: &str,
        page: Page,
    ) -> StoreResult<Vec<Professionnel>> {
        crate::saisie::recherche(q)?;
        let key = cle_recherche(q);
        let (filtre, args) = if key.is_empty() {
            ("1 = 1", vec![])
        } else {
            let fin = format!("{key}\u{10FFFF}");
            (
                "cle_nom >= $1 AND cle_nom < $2",
                vec![key.into(), fin.into()],
            )
        };
        let sql = format!("SELECT {PRO_COLUMNS} FROM professionnel WHERE {filtre}");
        let rows = self
            .keyset(
                &sql,
                args,
                Tri {
                    cols: "cle_nom, id",
                    table: "professionnel",
                    id: "id",
                    ordre: Ordre::Croissant,
                },
                page,
            )
            .await?;
        rows.iter().map(pro_from).collect()
    }

    /// A page of the stays of the usager, latest first.
    pub async fn sejours_page(&self, cap: &Capability, page: Page) -> StoreResult<Vec<Sejour>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE s.usager_id = $1",
            crate::fiche::SEJOUR_COLUMNS,
            crate::fiche::SEJOUR_FROM
        );
        let rows = self
            .keyset_du_dossier(
                &sql,
                cap.usager_id(),
                Tri {
                    cols: "s.date_entree, s.id",
                    table: "sejour s",
                    id: "s.id",
                    ordre: Ordre::Decroissant,
                },
                page,
            )
            .await?;
        rows.iter().map(crate::fiche::sejour_from).collect()
    }

    /// A page of the earlier versions of the identity, newest first (by version).
    pub async fn identite_versions_page(
        &self,
        cap: &Capability,
        page: Page,
    ) -> StoreResult<Vec<(i64, String, Option<i64>, String)>> {
        let sql = "SELECT version, donnees, modifie_par, modifie_at FROM usager_version WHERE usager_id = $1";
        let rows = self
            .keyset_du_dossier(
                sql,
                cap.usager_id(),
                Tri::cle("usager_version", "version", Ordre::Decroissant),
                page,
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    /// A page of the merges involving the file of `cap`, newest first.
    pub async fn fusions_page(&self, cap: &Capability, page: Page) -> StoreResult<Vec<Fusion>> {
        let sql = "SELECT id, conserve_id, absorbe_id, fusionne_at, annule_at FROM fusion WHERE (conserve_id = $1 OR absorbe_id = $1)";
        let rows = self
            .keyset_du_dossier(
                sql,
                cap.usager_id(),
                Tri::cle("fusion", "id", Ordre::Decroissant),
                page,
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Fusion {
                    id: r.try_get(0)?,
                    conserve_id: r.try_get(1)?,
                    absorbe_id: r.try_get(2)?,
                    fusionne_at: r.try_get(3)?,
                    annule_at: r.try_get(4)?,
                })
            })
            .collect()
    }
}

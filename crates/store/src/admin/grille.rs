//! Custom evaluation grids added by an administrator (page or API), stored in the database so
//! that every server of a deployment sees them and they survive a restart. A version, once
//! stored, never changes nor goes away (an evaluation made with it is displayed with it).
//! No person data here: grids are forms.

use chrono::{DateTime, Utc};
use dui_domain::grille::definition::Definition;
use dui_domain::journal::ActionJournal;
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::db::Store;
use crate::{ts, StoreError, StoreResult};

/// Most characters of a grid's JSON definition.
pub const GRILLE_MAX: usize = 1024 * 1024;

/// A grid version added by an administrator.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GrilleAjoutee {
    /// Grid id.
    pub grille: String,
    /// Version.
    pub version: String,
    /// Title.
    pub titre: String,
    /// When (UTC, ISO 8601).
    pub created_at: String,
    /// The account that added it.
    pub ajoute_par: Option<String>,
}

impl Store {
    /// Stores one version of a custom grid (already checked by `Definition::verifier` and
    /// against the registry by the caller): a version already stored is a conflict (409),
    /// whatever its content. Audited (`admin.grille.ajout`, the grid id and version).
    pub async fn ajouter_grille(
        &self,
        actor: &Actor,
        d: &Definition,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        d.verifier().map_err(StoreError::Invalid)?;
        let contenu = serde_json::to_string(d)
            .map_err(|e| StoreError::Invalid(format!("Définition illisible : {e}.")))?;
        if contenu.chars().count() > GRILLE_MAX {
            return Err(StoreError::Invalid(
                "La définition de la grille dépasse 1 Mo.".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let existe = crate::sql::query(
            "SELECT id FROM grille_definition WHERE grille = $1 AND version = $2",
        )
        .bind(d.id.as_str())
        .bind(d.version.as_str())
        .fetch_optional(&mut tx)
        .await?;
        if existe.is_some() {
            return Err(StoreError::Conflict(format!(
                "la grille « {} » existe déjà en version « {} » : publiez une nouvelle version",
                d.id, d.version
            )));
        }
        crate::sql::query(
            "INSERT INTO grille_definition (grille, version, titre, contenu, ajoute_par, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(d.id.as_str())
        .bind(d.version.as_str())
        .bind(d.titre.as_str())
        .bind(contenu)
        .bind(actor.utilisateur_id)
        .bind(ts(now))
        .execute(&mut tx)
        .await?;
        let detail = serde_json::json!({"grille": d.id, "version": d.version});
        audit::commit_succes(tx, actor, ActionJournal::AdminGrilleAjout, detail, now).await
    }

    /// The custom grid versions stored, in the order they were added.
    pub async fn grilles_ajoutees(&self) -> StoreResult<Vec<GrilleAjoutee>> {
        crate::sql::query(
            "SELECT g.grille, g.version, g.titre, g.created_at, u.username \
             FROM grille_definition g LEFT JOIN utilisateur u ON u.id = g.ajoute_par ORDER BY g.id",
        )
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| {
            Ok(GrilleAjoutee {
                grille: r.try_get("grille")?,
                version: r.try_get("version")?,
                titre: r.try_get("titre")?,
                created_at: r.try_get("created_at")?,
                ajoute_par: r.try_get("username")?,
            })
        })
        .collect()
    }

    /// The definitions stored, in the order they were added (a row that no longer reads is
    /// `Corrupt`, naming it).
    pub async fn definitions_grilles(&self) -> StoreResult<Vec<Definition>> {
        crate::sql::query("SELECT grille, version, contenu FROM grille_definition ORDER BY id")
            .fetch_all(self)
            .await?
            .iter()
            .map(|r| {
                let contenu: String = r.try_get("contenu")?;
                Definition::depuis_json(&contenu).map_err(|e| {
                    let g: String = r.try_get("grille").unwrap_or_default();
                    let v: String = r.try_get("version").unwrap_or_default();
                    StoreError::Corrupt(format!("grille_definition {g} {v} : {e}"))
                })
            })
            .collect()
    }

    /// How many custom grid versions are stored (a server reloads its registry when this
    /// changes).
    pub async fn nombre_grilles(&self) -> StoreResult<i64> {
        crate::sql::query("SELECT COUNT(*) FROM grille_definition")
            .fetch_scalar(self)
            .await
    }
}

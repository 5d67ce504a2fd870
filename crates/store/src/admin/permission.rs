//! The permission matrix and per-role settings, configured by administrators.

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{
    grants_par_defaut, version_defauts, Action, BlocDefaut, Matrice, Role, Section, DEFAUTS,
};

use crate::audit::{self, Actor, NewEntry};
use crate::db::Store;
use crate::StoreResult;

/// One grant of the matrix.
pub type Grant = (Role, Section, Action);

impl Store {
    /// Replaces the whole matrix (audited with the before/after difference).
    pub async fn save_matrix(
        &self,
        actor: &Actor,
        m: &Matrice,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let before = crate::policy::load_matrix(self).await?;
        let mut tx = self.begin().await?;
        crate::sql::query("DELETE FROM permission")
            .execute(&mut tx)
            .await?;
        for (r, s, a) in m.grants() {
            crate::sql::query("INSERT INTO permission (role, section, action) VALUES ($1, $2, $3)")
                .bind(r.code())
                .bind(s.code())
                .bind(a.code())
                .execute(&mut tx)
                .await?;
        }
        let fmt = |g: &(
            Role,
            dui_domain::policy::Section,
            dui_domain::policy::Action,
        )| format!("{}.{}.{}", g.0, g.1, g.2);
        let added: Vec<String> = m
            .grants()
            .filter(|g| !before.permet(g.0, g.1, g.2))
            .map(fmt)
            .collect();
        let removed: Vec<String> = before
            .grants()
            .filter(|g| !m.permet(g.0, g.1, g.2))
            .map(fmt)
            .collect();
        audit::commit_succes(
            tx,
            actor,
            ActionJournal::AdminPermissionsModification,
            serde_json::json!({"ajouts": added, "retraits": removed}),
            now,
        )
        .await?;
        Ok(())
    }

    /// Brings the matrix up to the shipped defaults ([`DEFAUTS`]): see
    /// [`Store::seed_default_matrix_with`].
    pub async fn seed_default_matrix(&self) -> StoreResult<Vec<Grant>> {
        self.seed_default_matrix_with(DEFAUTS, Utc::now()).await
    }

    /// Adds the default grants introduced after the version of the defaults this database has
    /// applied (all of them on a database without a matrix yet), and records the newest
    /// version of `defauts` as applied. Grants of versions already applied are never added
    /// again (an administrator may have removed them) and nothing is removed. On an existing
    /// matrix the addition is audited (`habilitations.defauts`). Returns the grants added.
    ///
    /// Several servers starting together: the first to raise the recorded version does the
    /// work; the others wait for its commit on the version row, then find nothing to do.
    pub async fn seed_default_matrix_with(
        &self,
        defauts: &[BlocDefaut],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Grant>> {
        let cible = i64::from(version_defauts(defauts));
        let appliquee: Option<i64> =
            crate::sql::query("SELECT version FROM permission_defauts WHERE id = 1")
                .fetch_optional(self)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
        if appliquee.is_some_and(|v| v >= cible) {
            return Ok(Vec::new());
        }
        let mut tx = self.begin().await?;
        let claimed = match appliquee {
            Some(v) => {
                crate::sql::query(
                    "UPDATE permission_defauts SET version = $1 WHERE id = 1 AND version = $2",
                )
                .bind(cible)
                .bind(v)
                .execute(&mut tx)
                .await?
            }
            None => {
                crate::sql::query(
                    "INSERT INTO permission_defauts (id, version) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
                )
                .bind(cible)
                .execute(&mut tx)
                .await?
            }
        };
        if claimed != 1 {
            // Another server applied them meanwhile; the transaction rolls back on drop.
            return Ok(Vec::new());
        }
        let depuis = u32::try_from(appliquee.unwrap_or(0)).unwrap_or(u32::MAX);
        let mut added = Vec::new();
        for (r, s, a) in grants_par_defaut(defauts, depuis) {
            let n = crate::sql::query(
                "INSERT INTO permission (role, section, action) VALUES ($1, $2, $3) ON CONFLICT (role, section, action) DO NOTHING",
            )
            .bind(r.code())
            .bind(s.code())
            .bind(a.code())
            .execute(&mut tx)
            .await?;
            if n == 1 {
                added.push((r, s, a));
            }
        }
        if let (Some(avant), false) = (appliquee, added.is_empty()) {
            let actor = Actor {
                utilisateur_id: None,
                username: "habilitations".into(),
                ip: None,
            };
            let ajouts: Vec<String> = added
                .iter()
                .map(|(r, s, a)| format!("{r}.{s}.{a}"))
                .collect();
            audit::append(
                &mut tx,
                &NewEntry::succes(
                    &actor,
                    ActionJournal::HabilitationsDefauts,
                    serde_json::json!({"version_avant": avant, "version": cible, "ajouts": ajouts}),
                    now,
                ),
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(
            version = cible,
            ajouts = added.len(),
            "habilitations par défaut appliquées"
        );
        Ok(added)
    }

    /// Roles whose accounts must use a TOTP second factor.
    pub async fn totp_required_roles(&self) -> StoreResult<Vec<Role>> {
        let rows = crate::sql::query("SELECT role FROM role_config WHERE totp_obligatoire = 1")
            .fetch_all(self)
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok())
            .filter_map(|c| Role::from_code(&c))
            .collect())
    }

    /// Sets which roles must use a TOTP second factor (audited).
    pub async fn set_totp_required_roles(
        &self,
        actor: &Actor,
        roles: &[Role],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        crate::sql::query("DELETE FROM role_config")
            .execute(&mut tx)
            .await?;
        for r in roles {
            crate::sql::query("INSERT INTO role_config (role, totp_obligatoire) VALUES ($1, 1)")
                .bind(r.code())
                .execute(&mut tx)
                .await?;
        }
        audit::commit_succes(
            tx,
            actor,
            ActionJournal::AdminTotpObligatoireModification,
            serde_json::json!({"roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>()}),
            now,
        )
        .await?;
        Ok(())
    }
}

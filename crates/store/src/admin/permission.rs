//! The permission matrix and per-role settings, configured by administrators.

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Matrice, Role};

use crate::audit::{self, Actor, NewEntry};
use crate::db::Store;
use crate::StoreResult;

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
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::AdminPermissionsModification,
                serde_json::json!({"ajouts": added, "retraits": removed}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Seeds the default matrix when the table is empty (first start).
    pub async fn seed_default_matrix(&self) -> StoreResult<()> {
        let n: i64 = crate::sql::query("SELECT COUNT(*) FROM permission")
            .fetch_scalar(self)
            .await?;
        if n == 0 {
            let mut tx = self.begin().await?;
            for (r, s, a) in Matrice::par_defaut().grants() {
                crate::sql::query(
                    "INSERT INTO permission (role, section, action) VALUES ($1, $2, $3)",
                )
                .bind(r.code())
                .bind(s.code())
                .bind(a.code())
                .execute(&mut tx)
                .await?;
            }
            tx.commit().await?;
        }
        Ok(())
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
        audit::append(
            &mut tx,
            &NewEntry::succes(
                actor,
                ActionJournal::AdminTotpObligatoireModification,
                serde_json::json!({"roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>()}),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

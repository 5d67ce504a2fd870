//! Professional (and portal) accounts.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::Role;
use serde::Serialize;

use crate::audit::{self, Actor, NewEntry};
use crate::db::Store;
use crate::{parse_ts, ts, StoreError, StoreResult};

/// Failed logins before the account is locked.
pub const MAX_ECHECS: i64 = 5;
/// How long an account stays locked.
pub const DUREE_VERROUILLAGE_MINUTES: i64 = 15;

/// An account.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Utilisateur {
    /// Id.
    pub id: i64,
    /// The fields, as its input writes them.
    #[serde(flatten)]
    #[schema(inline)]
    pub fields: UtilisateurInput,
    /// Must change the password at next login.
    pub doit_changer_mdp: bool,
    /// TOTP second factor enrolled.
    pub totp_actif: bool,
    /// Locked until (after repeated failures).
    pub verrouille_jusqua: Option<String>,
    /// Version.
    pub version: i64,
}

impl Utilisateur {
    /// This account as the policy sees it, from client address `ip`.
    pub fn principal(&self, ip: Option<String>) -> crate::policy::Principal {
        crate::policy::Principal {
            id: self.id,
            username: self.username.clone(),
            role: self.role,
            etablissements: self.etablissements.clone(),
            usager_id: self.usager_id,
            ip,
        }
    }
}

deref_vers!(Utilisateur => fields: UtilisateurInput);

/// Fields to create or update an account.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UtilisateurInput {
    /// Login name.
    pub username: String,
    /// Family name.
    pub nom: String,
    /// First name.
    pub prenom: String,
    /// E-mail.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// RPPS or ADELI number (validated by the caller).
    pub identifiant_pro: Option<String>,
    /// Active (inactive accounts cannot log in).
    pub actif: bool,
    /// Établissements the account works in.
    pub etablissements: Vec<i64>,
    /// For portal accounts of an usager.
    pub usager_id: Option<i64>,
}

/// Login data of an account (hash and second factor), never serialised.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The account.
    pub user: Utilisateur,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Base32 TOTP secret.
    pub totp_secret: Option<String>,
    /// Consecutive failures.
    pub echecs: i64,
}

/// Hashes a password with argon2id (CPU-heavy: call from a blocking task).
pub fn hash_password(password: &str) -> StoreResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("mot de passe impossible à chiffrer : {e}")))
}

/// Checks a password against a stored hash (CPU-heavy: call from a blocking task).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks password strength; French message on failure.
pub fn check_password_strength(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < 12 {
        return Err("Le mot de passe doit contenir au moins 12 caractères.".into());
    }
    if n > 256 {
        return Err("Le mot de passe ne peut dépasser 256 caractères.".into());
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|b| **b).count() < 3 {
        return Err("Le mot de passe doit mêler au moins trois types de caractères : minuscules, majuscules, chiffres, symboles.".into());
    }
    Ok(())
}

const USER_COLUMNS: &str =
    "id, username, nom, prenom, email, role, identifiant_pro, doit_changer_mdp, totp_secret, actif, verrouille_jusqua, usager_id, version, password_hash, echecs_connexion";

/// The account columns, with its établissements as one comma-separated column (`etabs`),
/// for a table aliased `alias` (may be empty).
pub(crate) fn user_columns(engine: crate::Engine, alias: &str) -> String {
    let a = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    let agg = match engine {
        crate::Engine::Sqlite => "GROUP_CONCAT(ue.etablissement_id)",
        crate::Engine::Postgres => "string_agg(ue.etablissement_id::text, ',')",
    };
    let cols: Vec<String> = USER_COLUMNS
        .split(", ")
        .map(|c| format!("{a}{c}"))
        .collect();
    format!("{}, (SELECT {agg} FROM utilisateur_etablissement ue WHERE ue.utilisateur_id = {a}id) AS etabs", cols.join(", "))
}

/// Inserts an account and its établissements in `tx` (the caller audits): the administrator's
/// creation, and the cadre's invitation of a partner to a liaison book.
pub(crate) async fn inserer_compte(
    tx: &mut crate::sql::Tx,
    u: &UtilisateurInput,
    password_hash: &str,
    doit_changer: bool,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let id: i64 = crate::sql::query(
        "INSERT INTO utilisateur (username, nom, prenom, email, role, identifiant_pro, password_hash, doit_changer_mdp, actif, usager_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(u.username.trim().to_lowercase())
    .bind(u.nom.as_str())
    .bind(u.prenom.as_str())
    .bind(u.email.as_deref())
    .bind(u.role.code())
    .bind(u.identifiant_pro.as_deref())
    .bind(password_hash)
    .bind(i64::from(doit_changer))
    .bind(i64::from(u.actif))
    .bind(u.usager_id)
    .bind(ts(now))
    .fetch_scalar(&mut *tx)
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => StoreError::Conflict("Ce nom d'utilisateur est déjà pris.".into()),
        other => other,
    })?;
    set_etablissements(tx, id, &u.etablissements).await?;
    Ok(id)
}

/// Sets the établissements an account works in (those it had are replaced).
async fn set_etablissements(tx: &mut crate::sql::Tx, id: i64, etabs: &[i64]) -> StoreResult<()> {
    crate::sql::query("DELETE FROM utilisateur_etablissement WHERE utilisateur_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for e in etabs {
        crate::sql::query(
            "INSERT INTO utilisateur_etablissement (utilisateur_id, etablissement_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(*e)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Ends every session of an account.
async fn end_sessions(tx: &mut crate::sql::Tx, id: i64) -> StoreResult<()> {
    crate::sql::query("DELETE FROM session WHERE utilisateur_id = $1")
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

impl Store {
    pub(crate) async fn user_from_row(&self, r: &crate::sql::Row) -> StoreResult<Credentials> {
        let id: i64 = r.try_get("id")?;
        let role: String = r.try_get("role")?;
        let role = Role::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("rôle inconnu {role}")))?;
        let totp_secret: Option<String> = r.try_get("totp_secret")?;
        let etabs: Option<String> = r.try_get("etabs")?;
        let mut etabs: Vec<i64> = etabs
            .unwrap_or_default()
            .split(',')
            .filter_map(|e| e.trim().parse().ok())
            .collect();
        etabs.sort_unstable();
        let fields = colonnes!(r => UtilisateurInput {
            username, nom, prenom, email, identifiant_pro, usager_id;
            role, actif: r.try_get::<i64, _>("actif")? != 0, etablissements: etabs,
        });
        let user = colonnes!(r => Utilisateur {
            verrouille_jusqua, version;
            id, fields, totp_actif: totp_secret.is_some(),
            doit_changer_mdp: r.try_get::<i64, _>("doit_changer_mdp")? != 0,
        });
        Ok(colonnes!(r => Credentials {
            password_hash;
            user, totp_secret, echecs: r.try_get("echecs_connexion")?,
        }))
    }

    /// Login data by user name (case-insensitive, names are stored lower-case).
    pub async fn credentials(&self, username: &str) -> StoreResult<Option<Credentials>> {
        let row = crate::sql::query(&format!(
            "SELECT {} FROM utilisateur WHERE username = $1",
            user_columns(self.engine(), "")
        ))
        .bind(username.trim().to_lowercase())
        .fetch_optional(self)
        .await?;
        match row {
            Some(r) => Ok(Some(self.user_from_row(&r).await?)),
            None => Ok(None),
        }
    }

    /// One account by id.
    pub async fn utilisateur(&self, id: i64) -> StoreResult<Option<Utilisateur>> {
        Ok(self.credentials_by_id(id).await?.map(|c| c.user))
    }

    /// Login data by id.
    pub async fn credentials_by_id(&self, id: i64) -> StoreResult<Option<Credentials>> {
        let row = crate::sql::query(&format!(
            "SELECT {} FROM utilisateur WHERE id = $1",
            user_columns(self.engine(), "")
        ))
        .bind(id)
        .fetch_optional(self)
        .await?;
        match row {
            Some(r) => Ok(Some(self.user_from_row(&r).await?)),
            None => Ok(None),
        }
    }

    /// Every account, by name.
    pub async fn utilisateurs(&self) -> StoreResult<Vec<Utilisateur>> {
        self.utilisateurs_page(crate::page::Page::TOUT).await
    }

    /// Creates an account with an already hashed password (audited).
    pub async fn create_utilisateur(
        &self,
        actor: &Actor,
        u: &UtilisateurInput,
        password_hash: &str,
        doit_changer: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        u.borner()?;
        let mut tx = self.begin().await?;
        let id = inserer_compte(&mut tx, u, password_hash, doit_changer, now).await?;
        audit::commit_succes(tx, actor, ActionJournal::AdminUtilisateurCreation, serde_json::json!({"id": id, "username": u.username, "role": u.role.code(), "etablissements": u.etablissements}), now).await?;
        Ok(id)
    }

    /// Updates an account (not its password) with optimistic concurrency.
    pub async fn update_utilisateur(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        u: &UtilisateurInput,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        u.borner()?;
        let mut tx = self.begin().await?;
        crate::sql::query(
            "UPDATE utilisateur SET nom = $1, prenom = $2, email = $3, role = $4, identifiant_pro = $5, actif = $6, usager_id = $7, \
             version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
        )
        .bind(u.nom.as_str())
        .bind(u.prenom.as_str())
        .bind(u.email.as_deref())
        .bind(u.role.code())
        .bind(u.identifiant_pro.as_deref())
        .bind(i64::from(u.actif))
        .bind(u.usager_id)
        .bind(ts(now))
        .execute_versioned(&mut tx, "utilisateur", id, version)
        .await?;
        set_etablissements(&mut tx, id, &u.etablissements).await?;
        if !u.actif {
            end_sessions(&mut tx, id).await?;
        }
        audit::commit_succes(tx, actor, ActionJournal::AdminUtilisateurModification, serde_json::json!({"id": id, "role": u.role.code(), "actif": u.actif, "etablissements": u.etablissements}), now).await?;
        self.comptes_modifies();
        Ok(version + 1)
    }

    /// Sets a new password hash; `doit_changer` forces a change at next login (administrator
    /// reset). Unlocks the account and ends its other sessions. Audited.
    pub async fn set_password(
        &self,
        actor: &Actor,
        id: i64,
        password_hash: &str,
        doit_changer: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = crate::sql::query(
            "UPDATE utilisateur SET password_hash = $1, doit_changer_mdp = $2, echecs_connexion = 0, verrouille_jusqua = NULL, version = version + 1, updated_at = $3 WHERE id = $4",
        )
        .bind(password_hash)
        .bind(i64::from(doit_changer))
        .bind(ts(now))
        .bind(id)
        .execute(&mut tx)
        .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        if doit_changer {
            end_sessions(&mut tx, id).await?;
        }
        let action = if doit_changer {
            ActionJournal::AdminUtilisateurReinitialisationMdp
        } else {
            ActionJournal::CompteChangementMdp
        };
        audit::commit_succes(tx, actor, action, serde_json::json!({"id": id}), now).await?;
        self.comptes_modifies();
        Ok(())
    }

    /// Records the use of the TOTP code of time step `step`; false when this step or a later
    /// one was already used (a replayed code), in which case nothing changes. One conditional
    /// update, so two logins racing with the same code cannot both succeed.
    pub async fn use_totp_step(&self, utilisateur_id: i64, step: i64) -> StoreResult<bool> {
        let updated = crate::sql::query(
            "UPDATE utilisateur SET totp_dernier_pas = $1 \
             WHERE id = $2 AND (totp_dernier_pas IS NULL OR totp_dernier_pas < $1)",
        )
        .bind(step)
        .bind(utilisateur_id)
        .execute(self)
        .await?;
        Ok(updated == 1)
    }

    /// Sets or removes the TOTP secret (audited).
    pub async fn set_totp(
        &self,
        actor: &Actor,
        id: i64,
        secret: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        crate::sql::query("UPDATE utilisateur SET totp_secret = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(secret)
            .bind(ts(now))
            .bind(id)
            .execute(&mut tx)
            .await?;
        let action = if secret.is_some() {
            ActionJournal::CompteTotpActivation
        } else {
            ActionJournal::CompteTotpDesactivation
        };
        audit::commit_succes(tx, actor, action, serde_json::json!({"id": id}), now).await?;
        self.comptes_modifies();
        Ok(())
    }

    /// Records a failed login; locks the account after [`MAX_ECHECS`]. Audited.
    /// Returns the lock end when the account is (now) locked.
    pub async fn record_login_failure(
        &self,
        actor: &Actor,
        user_id: Option<i64>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let mut tx = self.begin().await?;
        let mut locked = None;
        if let Some(id) = user_id {
            let n: i64 = crate::sql::query("UPDATE utilisateur SET echecs_connexion = echecs_connexion + 1 WHERE id = $1 RETURNING echecs_connexion")
                .bind(id)
                .fetch_scalar(&mut tx)
                .await?;
            if n >= MAX_ECHECS {
                let until = now + Duration::minutes(DUREE_VERROUILLAGE_MINUTES);
                crate::sql::query("UPDATE utilisateur SET verrouille_jusqua = $1, echecs_connexion = 0 WHERE id = $2")
                    .bind(ts(until))
                    .bind(id)
                    .execute(&mut tx)
                    .await?;
                locked = Some(until);
            }
        }
        super::lockout::audit_login_failure(&mut tx, actor, reason, locked, now).await?;
        tx.commit().await?;
        Ok(locked)
    }

    /// Whether the account is locked at `now`.
    pub fn locked_until(
        user: &Utilisateur,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        match &user.verrouille_jusqua {
            Some(s) => {
                let t = parse_ts(s)?;
                Ok((t > now).then_some(t))
            }
            None => Ok(None),
        }
    }

    /// Assigns a home-care worker (or relative) to an usager (audited). Only through
    /// [`Store::assign`] (a capability) or [`Store::assign_bulk`] (setup).
    pub(crate) async fn affecter(
        &self,
        actor: &Actor,
        utilisateur_id: i64,
        usager_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let exists = crate::sql::query(
            "SELECT usager_id FROM affectation WHERE utilisateur_id = $1 AND usager_id = $2",
        )
        .bind(utilisateur_id)
        .bind(usager_id)
        .fetch_optional(&mut tx)
        .await?;
        if exists.is_none() {
            crate::sql::query("INSERT INTO affectation (utilisateur_id, usager_id, created_at) VALUES ($1, $2, $3)")
                .bind(utilisateur_id)
                .bind(usager_id)
                .bind(ts(now))
                .execute(&mut tx)
                .await?;
            audit::append(
                &mut tx,
                &NewEntry::succes_administratif(
                    actor,
                    ActionJournal::UsagerAffectation,
                    Some(usager_id),
                    serde_json::json!({"utilisateur_id": utilisateur_id}),
                    now,
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

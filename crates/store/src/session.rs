//! Login sessions, kept in the database so that application servers stay stateless.
//!
//! The token is random (256 bits) and only its SHA-256 is stored. The same token serves as
//! the session cookie and as the API bearer token.

use chrono::{DateTime, Duration, Utc};
use dui_domain::journal::ActionJournal;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor};
use crate::db::Store;
use crate::{parse_ts, ts, StoreResult};

/// A session as found from its token.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    /// Hash of the token (the key).
    pub token_hash: String,
    /// The account.
    pub utilisateur_id: i64,
    /// Anti-CSRF token bound to this session.
    pub csrf: String,
    /// Last activity.
    pub last_seen_at: DateTime<Utc>,
    /// Absolute end.
    pub expires_at: DateTime<Utc>,
}

/// A fresh random token, URL-safe hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// The stored key of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Creates a session after a successful login (audited in the same transaction).
    /// Returns `(token, csrf)`.
    pub async fn create_session(
        &self,
        actor: &Actor,
        user_agent: Option<&str>,
        max_age: Duration,
        detail: serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<(String, String)> {
        let token = random_token();
        let csrf = random_token();
        let user_id = actor.utilisateur_id.unwrap_or_default();
        let mut tx = self.begin().await?;
        crate::sql::query(
            "INSERT INTO session (token_hash, utilisateur_id, csrf, created_at, last_seen_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(csrf.as_str())
        .bind(ts(now))
        .bind(ts(now + max_age))
        .bind(actor.ip.as_deref())
        .bind(user_agent.map(|s| s.chars().take(300).collect::<String>()))
        .execute(&mut tx)
        .await?;
        crate::sql::query(
            "UPDATE utilisateur SET echecs_connexion = 0, verrouille_jusqua = NULL WHERE id = $1",
        )
        .bind(user_id)
        .execute(&mut tx)
        .await?;
        audit::commit_succes(tx, actor, ActionJournal::Connexion, detail, now).await?;
        Ok((token, csrf))
    }

    /// Finds a live session: not past its absolute expiry, and active within `idle`.
    /// Refreshes its activity time at most once a minute (so reads stay reads).
    pub async fn session(
        &self,
        token: &str,
        idle: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionInfo>> {
        Ok(self
            .session_user(token, idle, now)
            .await?
            .map(|(info, _)| info))
    }

    /// A live session and its account in one round trip (every request does this).
    pub async fn session_user(
        &self,
        token: &str,
        idle: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(SessionInfo, crate::admin::utilisateur::Utilisateur)>> {
        let hash = token_hash(token);
        let cols = crate::admin::utilisateur::user_columns(self.engine(), "u");
        let row = crate::sql::query(&format!(
            "SELECT {cols}, s.csrf AS s_csrf, s.last_seen_at AS s_last, s.expires_at AS s_expires FROM session s JOIN utilisateur u ON u.id = s.utilisateur_id WHERE s.token_hash = $1"
        ))
        .bind(hash.as_str())
        .fetch_optional(self)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let last_seen = parse_ts(&r.try_get::<String, _>("s_last")?)?;
        let expires = parse_ts(&r.try_get::<String, _>("s_expires")?)?;
        if expires <= now || last_seen + idle <= now {
            crate::sql::query("DELETE FROM session WHERE token_hash = $1")
                .bind(hash.as_str())
                .execute(self)
                .await?;
            self.comptes_modifies();
            return Ok(None);
        }
        if now - last_seen > Duration::seconds(60) {
            crate::sql::query("UPDATE session SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(ts(now))
                .bind(hash.as_str())
                .execute(self)
                .await?;
        }
        let creds = self.user_from_row(&r).await?;
        let info = SessionInfo {
            token_hash: hash,
            utilisateur_id: creds.user.id,
            csrf: r.try_get("s_csrf")?,
            last_seen_at: last_seen,
            expires_at: expires,
        };
        Ok(Some((info, creds.user)))
    }

    /// Ends a session (audited).
    pub async fn delete_session(
        &self,
        actor: &Actor,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        crate::sql::query("DELETE FROM session WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut tx)
            .await?;
        audit::commit_succes(
            tx,
            actor,
            ActionJournal::Deconnexion,
            serde_json::json!({}),
            now,
        )
        .await?;
        self.comptes_modifies();
        Ok(())
    }

    /// Ends every other session of an account (after a password change).
    pub async fn end_other_sessions(
        &self,
        utilisateur_id: i64,
        keep_token_hash: &str,
    ) -> StoreResult<u64> {
        let r =
            crate::sql::query("DELETE FROM session WHERE utilisateur_id = $1 AND token_hash <> $2")
                .bind(utilisateur_id)
                .bind(keep_token_hash)
                .execute(self)
                .await?;
        self.comptes_modifies();
        Ok(r)
    }

    /// Removes expired sessions (housekeeping).
    pub async fn purge_sessions(&self, idle: Duration, now: DateTime<Utc>) -> StoreResult<u64> {
        let r =
            crate::sql::query("DELETE FROM session WHERE expires_at <= $1 OR last_seen_at <= $2")
                .bind(ts(now))
                .bind(ts(now - idle))
                .execute(self)
                .await?;
        Ok(r)
    }
}

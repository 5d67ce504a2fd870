//! Store errors: not found, conflict (stale version, unique key), refused, database.

use dui_domain::policy::Refus;

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or is not visible).
    #[error("introuvable")]
    NotFound,
    /// The record changed since it was read (optimistic concurrency): nothing was written.
    #[error("version périmée")]
    StaleVersion,
    /// A uniqueness rule was broken; the message names what is duplicated, in French.
    #[error("conflit : {0}")]
    Conflict(String),
    /// The content breaks a rule; French message.
    #[error("invalide : {0}")]
    Invalid(String),
    /// The permission policy refused the access (the refusal is audited).
    #[error("accès refusé : {0:?}")]
    Denied(Refus),
    /// A stored value could not be decoded.
    #[error("donnée corrompue : {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("base de données : {0}")]
    Db(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict("cet enregistrement existe déjà".into())
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::Invalid("une référence pointe vers un élément inexistant".into())
            }
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                StoreError::Corrupt(e.to_string())
            }
            _ => StoreError::Db(e),
        }
    }
}

/// Maps a SQLite error as sqlx's are mapped (`From<sqlx::Error> for StoreError`).
pub(crate) fn lite_err(e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi;
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        match f.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                return StoreError::Conflict("cet enregistrement existe déjà".into())
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                return StoreError::Invalid(
                    "une référence pointe vers un élément inexistant".into(),
                )
            }
            _ => {}
        }
    }
    StoreError::Db(sqlx::Error::Protocol(format!("SQLite : {e}")))
}

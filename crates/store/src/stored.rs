//! A record as stored: the fields its input writes, with the id and version the store gives
//! it. The fields are declared once, on the input; the JSON of a record is flat (`id`, the
//! fields, `version`), and the body a GET returns is the body its PUT accepts.

use serde::Serialize;

use crate::sql::{query, Query, Tx, Value};
use crate::{StoreError, StoreResult};

/// A stored record of fields `T`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Stored<T> {
    /// Id.
    pub id: i64,
    /// The fields, as the input writes them.
    #[serde(flatten)]
    #[schema(inline)]
    pub fields: T,
    /// Version for optimistic concurrency.
    pub version: i64,
}

impl<T> std::ops::Deref for Stored<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.fields
    }
}

impl Query<'_> {
    /// Binds the next arguments, in order (an input's values, as `EntourageInput::valeurs`).
    pub(crate) fn binds(self, vs: impl IntoIterator<Item = Value>) -> Self {
        vs.into_iter().fold(self, Query::bind)
    }

    /// Runs an optimistic update of row `id` of `table`, whose statement ends with
    /// `WHERE id = $n AND version = $n+1` (`id` and `version` are bound here): `StaleVersion`
    /// when it touched nothing and the row exists, `NotFound` when it does not.
    pub(crate) async fn execute_versioned(
        self,
        tx: &mut Tx,
        table: &str,
        id: i64,
        version: i64,
    ) -> StoreResult<()> {
        if self.bind(id).bind(version).execute(&mut *tx).await? > 0 {
            return Ok(());
        }
        let q = format!("SELECT id FROM {table} WHERE id = $1");
        Err(match query(&q).bind(id).fetch_optional(tx).await {
            Ok(Some(_)) => StoreError::StaleVersion,
            Ok(None) => StoreError::NotFound,
            Err(e) => e,
        })
    }
}

//! A record as stored: the fields its input writes, with the id and version the store gives
//! it. The fields are declared once, on the input; the JSON of a record is flat (`id`, the
//! fields, `version`), and the body a GET returns is the body its PUT accepts.

use std::borrow::Cow;

use serde::Serialize;
use utoipa::openapi::schema::{
    AllOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::sql::{query, Query, Tx, Value};
use crate::{StoreError, StoreResult};

/// A stored record of fields `T`.
#[derive(Clone, Debug, Serialize)]
pub struct Stored<T> {
    /// Id.
    pub id: i64,
    /// The fields, as the input writes them.
    #[serde(flatten)]
    pub fields: T,
    /// Version for optimistic concurrency.
    pub version: i64,
}

/// The schema of a stored record: `id` and `version` with its input's fields inline. Each
/// record has a component of its own, named after its input (`EtablissementInput` →
/// `Etablissement`): a derived generic schema would be one `Stored` component for all.
impl<T: ToSchema> PartialSchema for Stored<T> {
    fn schema() -> RefOr<Schema> {
        let entier = || {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        };
        AllOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .property("id", entier().description(Some("Id.")))
                    .required("id")
                    .property(
                        "version",
                        entier().description(Some("Version for optimistic concurrency.")),
                    )
                    .required("version"),
            )
            .item(T::schema())
            .into()
    }
}

impl<T: ToSchema> ToSchema for Stored<T> {
    fn name() -> Cow<'static, str> {
        let input = T::name();
        Cow::Owned(input.strip_suffix("Input").unwrap_or(&input).to_owned())
    }

    fn schemas(out: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(out);
    }
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

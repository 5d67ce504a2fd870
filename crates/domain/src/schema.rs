//! OpenAPI schemas of the domain types whose JSON form is not their Rust shape: ids (bare
//! integers), codes (strings among a list), the partial birth date (a pattern).

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

/// A 64-bit integer (the typed ids).
pub(crate) fn entier() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .into()
}

/// A string among `codes`.
pub(crate) fn codes(codes: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .into()
}

/// Implements `ToSchema` for an enum serialised as its `code()`, from its `ALL` list.
macro_rules! schema_codes {
    ($($t:ty),+) => {$(
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::schema::codes(<$t>::ALL.iter().map(|v| v.code()))
            }
        }
        impl utoipa::ToSchema for $t {}
    )+};
}
pub(crate) use schema_codes;

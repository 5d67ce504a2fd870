//! PostgreSQL reads outside a transaction, on sqlx's PostgreSQL driver rather than its `Any`
//! driver. `Any` rebuilt each row as an `AnyRow`, copying every value and allocating the
//! result's column descriptions again for every row, before [`Row::from_any`] copied it once
//! more: on a week of 2,000 home-care visits, the largest share of the request's CPU. Here a
//! result's column names are read once and each value is decoded once, by its PostgreSQL type.

use std::sync::Arc;

use sqlx::postgres::PgRow;
use sqlx::{Column, Row as _, TypeInfo, ValueRef};

use super::{Row, Value};
use crate::{StoreError, StoreResult};

/// The rows of a result, sharing one list of column names.
pub(super) fn lignes(rows: &[PgRow]) -> StoreResult<Vec<Row>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let names: Arc<[String]> = first
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    rows.iter()
        .map(|r| {
            let values = (0..names.len())
                .map(|i| valeur(r, i))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Row {
                names: names.clone(),
                values,
            })
        })
        .collect()
}

/// Column `i` of `r`, by its PostgreSQL type (the types the `Any` driver read: integers and
/// booleans as integers, text, bytes), decoded from the raw value once (no copy of the type's
/// name, no second lookup of the column: this runs for every value of every row).
fn valeur(r: &PgRow, i: usize) -> StoreResult<Value> {
    let raw = r.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let genre = match raw.type_info().name() {
        "INT8" => Genre::Int8,
        "INT4" => Genre::Int4,
        "INT2" => Genre::Int2,
        "BOOL" => Genre::Bool,
        "BYTEA" => Genre::Octets,
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Genre::Texte,
        autre => {
            return Err(StoreError::Corrupt(format!(
                "type PostgreSQL {autre} non lu (colonne {})",
                r.column(i).name()
            )))
        }
    };
    let erreur = |source| {
        StoreError::Db(sqlx::Error::ColumnDecode {
            index: r.column(i).name().to_string(),
            source,
        })
    };
    Ok(match genre {
        Genre::Int8 => Value::Int(decode::<i64>(raw).map_err(erreur)?),
        Genre::Int4 => Value::Int(decode::<i32>(raw).map_err(erreur)?.into()),
        Genre::Int2 => Value::Int(decode::<i16>(raw).map_err(erreur)?.into()),
        Genre::Bool => Value::Int(decode::<bool>(raw).map_err(erreur)?.into()),
        Genre::Octets => Value::Bytes(decode::<Vec<u8>>(raw).map_err(erreur)?),
        Genre::Texte => Value::Text(decode::<String>(raw).map_err(erreur)?),
    })
}

/// The PostgreSQL types read, as [`valeur`] decodes them.
enum Genre {
    Int8,
    Int4,
    Int2,
    Bool,
    Octets,
    Texte,
}

fn decode<'r, T: sqlx::Decode<'r, sqlx::Postgres>>(
    raw: sqlx::postgres::PgValueRef<'r>,
) -> Result<T, sqlx::error::BoxDynError> {
    T::decode(raw)
}

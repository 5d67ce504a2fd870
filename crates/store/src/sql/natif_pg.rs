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
/// booleans as integers, text, bytes).
fn valeur(r: &PgRow, i: usize) -> StoreResult<Value> {
    let raw = r.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let type_name = raw.type_info().name().to_string();
    Ok(match type_name.as_str() {
        "INT8" => Value::Int(r.try_get::<i64, _>(i)?),
        "INT4" => Value::Int(r.try_get::<i32, _>(i)?.into()),
        "INT2" => Value::Int(r.try_get::<i16, _>(i)?.into()),
        "BOOL" => Value::Int(r.try_get::<bool, _>(i)?.into()),
        "BYTEA" => Value::Bytes(r.try_get::<Vec<u8>, _>(i)?),
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Value::Text(r.try_get::<String, _>(i)?),
        autre => {
            return Err(StoreError::Corrupt(format!(
                "type PostgreSQL {autre} non lu (colonne {})",
                r.column(i).name()
            )))
        }
    })
}

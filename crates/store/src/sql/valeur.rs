//! Values bound to or read from a statement, and the rows read: the one representation both
//! engines share (`Value`), its conversions from and to Rust types, and the owned `Row`.

use std::sync::Arc;

use sqlx::{Column, Row as _, TypeInfo, ValueRef};

use crate::{StoreError, StoreResult};

/// A value bound to, or read from, a statement (the store only uses these three).
/// (Public in this private module so that the public `Fiche` trait can name it.)
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// NULL (bound as a text on PostgreSQL).
    Null,
    /// NULL bound as a bigint (PostgreSQL types every parameter, even a NULL one).
    NullInt,
    Int(i64),
    Text(String),
    /// Binary content (BLOB on SQLite, BYTEA on PostgreSQL).
    Bytes(Vec<u8>),
}

/// A type whose `None` binds as a typed NULL.
pub(crate) trait Typed: Into<Value> {
    const NULL: Value;
}
impl Typed for i64 {
    const NULL: Value = Value::NullInt;
}
impl Typed for bool {
    const NULL: Value = Value::NullInt;
}
impl Typed for String {
    const NULL: Value = Value::Null;
}
impl Typed for &String {
    const NULL: Value = Value::Null;
}
impl Typed for &str {
    const NULL: Value = Value::Null;
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl<T: Typed> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(T::NULL)
    }
}

/// Conversion of a read value into a Rust type.
pub(crate) trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}
impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null | Value::NullInt => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// A column designated by position or by name.
pub(crate) trait ColumnIndex: std::fmt::Debug {
    fn position(&self, names: &[String]) -> Option<usize>;
}
impl ColumnIndex for usize {
    fn position(&self, names: &[String]) -> Option<usize> {
        (*self < names.len()).then_some(*self)
    }
}
impl ColumnIndex for &str {
    fn position(&self, names: &[String]) -> Option<usize> {
        names.iter().position(|n| n == self)
    }
}

/// One row read, owned.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(super) names: Arc<[String]>,
    pub(super) values: Vec<Value>,
}

impl Row {
    /// The value of a column, converted; a missing column or a wrong type is `Corrupt`.
    pub(crate) fn try_get<T: FromValue, I: ColumnIndex>(&self, i: I) -> StoreResult<T> {
        let pos = i
            .position(&self.names)
            .ok_or_else(|| StoreError::Corrupt(format!("colonne {i:?} absente")))?;
        T::from_value(&self.values[pos]).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "colonne {i:?} : valeur {:?} d'un type inattendu",
                self.values[pos]
            ))
        })
    }

    /// Converts a row read by sqlx (inside a transaction).
    pub(crate) fn from_any(r: &sqlx::any::AnyRow) -> StoreResult<Row> {
        let names: Arc<[String]> = r.columns().iter().map(|c| c.name().to_string()).collect();
        let mut values = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            let raw = r.try_get_raw(i)?;
            let value = if raw.is_null() {
                Value::Null
            } else {
                match raw.type_info().name() {
                    "TEXT" | "VARCHAR" => Value::Text(r.try_get::<String, _>(i)?),
                    "BLOB" | "BYTEA" => Value::Bytes(r.try_get::<Vec<u8>, _>(i)?),
                    "BOOL" | "BOOLEAN" => Value::Int(r.try_get::<bool, _>(i)?.into()),
                    _ => match r.try_get::<i64, _>(i) {
                        Ok(v) => Value::Int(v),
                        Err(_) => Value::Text(r.try_get::<String, _>(i)?),
                    },
                }
            };
            values.push(value);
        }
        Ok(Row { names, values })
    }
}

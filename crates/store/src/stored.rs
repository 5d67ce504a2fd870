//! A record as stored: the fields its input writes, with the id and version the store gives
//! it. The fields are declared once, on the input; the JSON of a record is flat (`id`, the
//! fields, `version`), and the body a GET returns is the body its PUT accepts.

use serde::Serialize;

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

impl<T> std::ops::Deref for Stored<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.fields
    }
}

//! How a merge moves rows between two files and reads back what it moved (its
//! `deplacements`): shared by the merge and its undo (`doublons`).

use crate::StoreResult;

/// Moves from file `depuis` to file `vers` the rows of `table` whose columns `cles` have
/// the values `valeurs` (all its rows of the file when `cles` is empty): a merge and its
/// undo move rows the same way, in opposite directions.
pub(super) async fn deplacer(
    tx: &mut crate::sql::Tx,
    table: &str,
    cles: &[&str],
    depuis: i64,
    vers: i64,
    valeurs: Vec<crate::sql::Value>,
) -> StoreResult<u64> {
    let mut sql = format!("UPDATE {table} SET usager_id = $1 WHERE usager_id = $2");
    for (i, c) in cles.iter().enumerate() {
        sql.push_str(&format!(" AND {c} = ${}", i + 3));
    }
    let mut q = crate::sql::query(&sql).bind(vers).bind(depuis);
    for v in valeurs {
        q = q.bind(v);
    }
    q.execute(tx).await
}

/// The values recorded under `key` in a merge's `deplacements`.
pub(super) fn recorded<'a>(
    moved: &'a serde_json::Value,
    key: &str,
) -> impl Iterator<Item = &'a serde_json::Value> {
    moved
        .get(key)
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
}

/// The ids recorded under `key` in a merge's `deplacements`.
pub(super) fn recorded_ids<'a>(
    moved: &'a serde_json::Value,
    key: &str,
) -> impl Iterator<Item = i64> + 'a {
    recorded(moved, key).filter_map(|v| v.as_i64())
}

//! Keyset pages of the API lists (docs/decisions/0017-lists-and-round-trips.md): each list is ordered by
//! columns ending with a unique integer key, the cursor is the key of the last row given, and
//! a page reads the rows after that row, one more than asked to know whether a next page
//! exists. Never OFFSET, never the whole list cut in memory.

use crate::sql::{Row, Value};
use crate::{Store, StoreResult};
use dui_domain::ids::UsagerId;

/// One page of a list: the rows after `after` in the list's order, `limit` of them at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// The key of the last item of the previous page (`None` for the first page).
    pub after: Option<i64>,
    /// Items wanted (at least 1).
    pub limit: i64,
}

impl Page {
    /// The whole list, for the pages that show it whole (bounded lists).
    pub const TOUT: Page = Page {
        after: None,
        limit: i64::MAX - 1,
    };

    /// The first page of `limit` items.
    pub fn first(limit: i64) -> Self {
        Self { after: None, limit }
    }

    /// Keeps `limit` of the `limit + 1` items read and gives the cursor of the next page (the
    /// key of the last item kept) when there was one more.
    pub fn split<T>(self, mut items: Vec<T>, key: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
        let limit = usize::try_from(self.limit.max(1)).unwrap_or(usize::MAX);
        if items.len() > limit {
            items.truncate(limit);
            let next = items.last().map(key);
            (items, next)
        } else {
            (items, None)
        }
    }
}

/// Direction of a list's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ordre {
    /// Smallest first.
    Croissant,
    /// Largest (newest) first.
    Decroissant,
}

/// The order of a list: its sort columns, its unique key last (`"nom, id"`), all in one
/// direction; the table they are read from (with the alias the columns use) and its key
/// column, to find the values of the cursor's row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tri<'a> {
    pub cols: &'a str,
    pub table: &'a str,
    pub id: &'a str,
    pub ordre: Ordre,
}

impl<'a> Tri<'a> {
    /// Ordered by the key alone.
    pub(crate) fn cle(table: &'a str, id: &'a str, ordre: Ordre) -> Self {
        Self {
            cols: id,
            table,
            id,
            ordre,
        }
    }
}

impl Store {
    /// Runs `select` (a `SELECT … WHERE …` whose parameters are `args`, numbered from `$1`)
    /// for one page in the order `tri`: the rows after the cursor's row (a row-value
    /// comparison with that row's sort values, read by its key; the key alone when it is
    /// the only column), `limit + 1` of them.
    pub(crate) async fn keyset(
        &self,
        select: &str,
        args: Vec<Value>,
        tri: Tri<'_>,
        page: Page,
    ) -> StoreResult<Vec<Row>> {
        let sql = tri.page_sql(select, args.len(), page);
        let mut q = crate::sql::query(&sql);
        for a in args {
            q = q.bind(a);
        }
        page.lier(q).fetch_all(self).await
    }

    /// [`Store::keyset`] of `select`, whose one parameter `$1` is the file `usager`.
    pub(crate) async fn keyset_du_dossier(
        &self,
        select: &str,
        usager: UsagerId,
        tri: Tri<'_>,
        page: Page,
    ) -> StoreResult<Vec<Row>> {
        self.keyset(select, vec![usager.into()], tri, page).await
    }
}

impl Tri<'_> {
    /// The statement of one page of `select` (whose own parameters are `$1..$n`) in this
    /// order: `$n+1` is the limit, `$n+2` the cursor ([`Page::lier`] binds them).
    pub(crate) fn page_sql(&self, select: &str, n: usize, page: Page) -> String {
        let cmp = self.sens().0;
        let after = match page.after {
            None => String::new(),
            Some(_) if self.cols == self.id => format!(" AND {} {cmp} ${}", self.id, n + 2),
            Some(_) => format!(
                " AND ({cols}) {cmp} (SELECT {cols} FROM {table} WHERE {id} = ${p})",
                cols = self.cols,
                table = self.table,
                id = self.id,
                p = n + 2
            ),
        };
        format!(
            "{select}{after} ORDER BY {} LIMIT ${}",
            self.order_by(None),
            n + 1
        )
    }

    /// The `ORDER BY` list, its columns read from the relation `alias` when given (the
    /// page as a subquery: `t.created_at` becomes `p.created_at`).
    pub(crate) fn order_by(&self, alias: Option<&str>) -> String {
        let dir = self.sens().1;
        self.cols
            .split(", ")
            .map(|c| match alias {
                Some(a) => format!("{a}.{} {dir}", c.rsplit('.').next().unwrap_or(c)),
                None => format!("{c} {dir}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn sens(&self) -> (&'static str, &'static str) {
        match self.ordre {
            Ordre::Croissant => (">", "ASC"),
            Ordre::Decroissant => ("<", "DESC"),
        }
    }
}

impl Page {
    /// Binds the limit (one more than asked) and the cursor of [`Tri::page_sql`], after the
    /// select's own parameters.
    pub(crate) fn lier<'q>(self, q: crate::sql::Query<'q>) -> crate::sql::Query<'q> {
        let q = q.bind(self.limit.max(1).saturating_add(1));
        match self.after {
            Some(a) => q.bind(a),
            None => q,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn split_keeps_the_limit_and_names_the_next_key() {
        let p = Page::first(2);
        assert_eq!(p.split(vec![1, 2, 3], |x| *x), (vec![1, 2], Some(2)));
        assert_eq!(p.split(vec![1, 2], |x| *x), (vec![1, 2], None));
        assert_eq!(p.split(Vec::<i64>::new(), |x| *x), (vec![], None));
    }
}

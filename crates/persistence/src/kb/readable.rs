//! What a reader may read, taken once per knowledge-base version: how many articles, and on
//! SQLite which ones, as a set in memory that a search's full-text scan checks through the SQL
//! function `kb_readable(rowid)` instead of looking each match up in the visibility index (a
//! B-tree descent a match, about half of a broad search's time).
//!
//! The set answers for the statements run inside [`Readable::checking`] on the calling thread:
//! SQLite calls the function on the thread that steps the statement. Outside it the function
//! answers false, so a statement that forgot the set finds nothing rather than too much.

use std::cell::RefCell;
use std::sync::Arc;

use clientdesk_domain::ids::TenantId;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::SqliteConnection;

use super::visibility::{where_sql, Filter, Scope, TenantIndex};
use crate::raw_query::{backend_of, load_raw, RawQuery};
use crate::{Backend, DbConnection, Result};

diesel::define_sql_function! {
    /// Whether the article of this id is in the set of [`Readable::checking`].
    fn kb_readable(id: BigInt) -> Bool;
}

thread_local! {
    static CHECKED: RefCell<Option<Arc<Ids>>> = const { RefCell::new(None) };
}

/// Article ids as bits from the smallest: ids are dense within a tenant, so 100,000 articles
/// take about 12 kB.
#[derive(Debug)]
struct Ids {
    first: i64,
    bits: Vec<u64>,
}

impl Ids {
    fn of(ids: &[i64]) -> Self {
        let first = ids.iter().copied().min().unwrap_or(0);
        let last = ids.iter().copied().max().unwrap_or(0);
        let mut bits = vec![0u64; ((last - first) / 64 + 1) as usize];
        for id in ids {
            let at = (id - first) as usize;
            bits[at / 64] |= 1 << (at % 64);
        }
        Self { first, bits }
    }

    fn contains(&self, id: i64) -> bool {
        let Some(Ok(at)) = id.checked_sub(self.first).map(usize::try_from) else { return false };
        self.bits.get(at / 64).is_some_and(|word| word & (1 << (at % 64)) != 0)
    }
}

/// The articles a reader may read in a tenant (a `Scope::Reader`'s visibility, no filter).
#[derive(Debug, Clone)]
pub struct Readable {
    count: i64,
    /// On SQLite only: PostgreSQL checks each match's own row, which it reads anyway.
    ids: Option<Arc<Ids>>,
}

impl Readable {
    pub fn count(&self) -> i64 {
        self.count
    }

    /// Whether statements may check visibility with `kb_readable` (SQLite).
    pub(super) fn in_memory(&self) -> bool {
        self.ids.is_some()
    }

    /// Runs `f` with `kb_readable` answering from this set on this thread.
    pub(super) fn checking<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                CHECKED.with(|c| c.borrow_mut().take());
            }
        }
        CHECKED.with(|c| *c.borrow_mut() = self.ids.clone());
        let _reset = Reset;
        f()
    }
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// What `scope` may read in the tenant. It changes only with the knowledge base, so callers keep
/// it per version (see `app::cache::kb_answers`).
pub fn readable(conn: &mut DbConnection, tenant: TenantId, scope: Scope<'_>) -> Result<Readable> {
    let backend = backend_of(conn);
    let mut q = RawQuery::new(backend);
    match backend {
        Backend::Sqlite => {
            q.sql("SELECT a.id AS id FROM kb_articles a INDEXED BY kb_articles_visibility_idx WHERE ");
            where_sql(&mut q, tenant, scope, &Filter::default(), TenantIndex::Avoid);
            let ids: Vec<i64> = load_raw!(conn, q, Id)?.into_iter().map(|r| r.id).collect();
            Ok(Readable { count: ids.len() as i64, ids: Some(Arc::new(Ids::of(&ids))) })
        }
        Backend::Postgres => {
            q.sql("SELECT count(*) AS n FROM kb_articles a WHERE ");
            where_sql(&mut q, tenant, scope, &Filter::default(), TenantIndex::Use);
            let count = load_raw!(conn, q, Count)?.first().map_or(0, |c| c.n);
            Ok(Readable { count, ids: None })
        }
    }
}

/// Registers `kb_readable` on a new SQLite connection.
pub fn register(conn: &mut SqliteConnection) -> QueryResult<()> {
    kb_readable_utils::register_nondeterministic_impl(conn, |id: i64| {
        CHECKED.with(|c| c.borrow().as_ref().is_some_and(|ids| ids.contains(id)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_holds_exactly_its_ids() {
        let ids = Ids::of(&[70, 3, 64, 130]);
        for id in [3, 64, 70, 130] {
            assert!(ids.contains(id), "{id}");
        }
        for id in [-1, 0, 2, 4, 63, 65, 129, 131, 10_000, i64::MIN, i64::MAX] {
            assert!(!ids.contains(id), "{id}");
        }
        assert!(!Ids::of(&[]).contains(0));
    }
}

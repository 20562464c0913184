//! Keeping hot statements prepared: running a query on the backend's own connection, and
//! statements the statement cache keys by their SQL text.

use diesel::prelude::*;
use diesel::result::QueryResult;

/// Runs one diesel query on the backend's own connection rather than through the
/// `MultiConnection`. The multi-backend path serialises every query to SQL text to find it in the
/// statement cache (quoting each identifier: about a tenth of the CPU of reading a ticket); on
/// the backend's connection a query of static shape is cached by its type. For the hottest
/// queries only: the body is compiled once per backend.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Pg($c) => $body,
            $crate::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use per_backend;

/// An INSERT kept prepared on PostgreSQL too. diesel never caches a PostgreSQL INSERT built from
/// `column.eq(value)` tuples, because a value that may be `DEFAULT` changes the SQL text: each
/// creation's inserts were parsed and planned anew. Without a static query id the statement
/// cache keys this by its SQL text, so each text keeps its own statement. SQLite caches such
/// inserts already.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared<Q>(pub Q);

impl<Q, DB> diesel::query_builder::QueryFragment<DB> for Prepared<Q>
where
    DB: diesel::backend::Backend,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

/// The query traits of `$wrapper<Q>`, a statement built around query `Q` whose SQL text varies:
/// without a static query id, diesel's statement cache keys it by that text.
macro_rules! keyed_by_text {
    ($wrapper:ident) => {
        impl<Q> diesel::query_builder::QueryId for $wrapper<Q> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for $wrapper<Q> {
            type SqlType = Q::SqlType;
        }

        impl<Q, C> RunQueryDsl<C> for $wrapper<Q> {}
    };
}
pub(crate) use keyed_by_text;

keyed_by_text!(Prepared);

//! Raw SQL for the knowledge base's lists and searches, whose statements differ per backend:
//! the text with its bind values, and loading its rows on either backend.

use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Text};

use crate::{Backend, DbConnection};

pub(super) enum Arg {
    Int(i64),
    Text(String),
}

/// SQL text with its bind values, numbered in the backend's placeholder style.
pub(super) struct RawQuery {
    pub(super) sql: String,
    pub(super) args: Vec<Arg>,
    backend: Backend,
}

impl RawQuery {
    pub(super) fn new(backend: Backend) -> Self {
        Self { sql: String::with_capacity(1024), args: Vec::new(), backend }
    }

    pub(super) fn backend(&self) -> Backend {
        self.backend
    }

    pub(super) fn sql(&mut self, text: &str) -> &mut Self {
        self.sql.push_str(text);
        self
    }

    /// Takes a value and returns its placeholder, numbered on both backends so that a value
    /// can be referred to more than once.
    pub(super) fn placeholder(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        let n = self.args.len();
        match self.backend {
            Backend::Postgres => format!("${n}"),
            Backend::Sqlite => format!("?{n}"),
        }
    }

    fn arg(&mut self, arg: Arg) -> &mut Self {
        let p = self.placeholder(arg);
        self.sql.push_str(&p);
        self
    }

    pub(super) fn int(&mut self, v: i64) -> &mut Self {
        self.arg(Arg::Int(v))
    }

    pub(super) fn text(&mut self, v: impl Into<String>) -> &mut Self {
        self.arg(Arg::Text(v.into()))
    }
}

pub(super) fn bind_all<'f, DB>(
    mut query: BoxedSqlQuery<'f, DB, SqlQuery>,
    args: &[Arg],
) -> BoxedSqlQuery<'f, DB, SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Text>
        + 'static,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind::<BigInt, _>(*v),
            Arg::Text(v) => query.bind::<Text, _>(v.clone()),
        };
    }
    query
}

/// Loads the rows of a raw query on whichever backend the connection is.
macro_rules! load_raw {
    ($conn:expr, $query:expr, $row:ty) => {
        match $conn {
            $crate::DbConnection::Pg(c) => $crate::kb::raw_query::bind_all(
                diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::pg::Pg>(),
                &$query.args,
            )
            .load::<$row>(c),
            $crate::DbConnection::Sqlite(c) => $crate::kb::raw_query::bind_all(
                diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::sqlite::Sqlite>(),
                &$query.args,
            )
            .load::<$row>(c),
        }
    };
}

pub(super) fn backend_of(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Pg(_) => Backend::Postgres,
        DbConnection::Sqlite(_) => Backend::Sqlite,
    }
}
pub(super) use load_raw;

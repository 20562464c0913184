//! Raw SQL for the lists and searches, whose statements differ per backend:
//! the text with its bind values, and loading its rows on either backend.

use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::{Backend, DbConnection};

pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Time(chrono::NaiveDateTime),
}

/// SQL text with its bind values, numbered in the backend's placeholder style.
pub(crate) struct RawQuery {
    pub(crate) sql: String,
    pub(crate) args: Vec<Arg>,
    backend: Backend,
}

impl RawQuery {
    pub(crate) fn new(backend: Backend) -> Self {
        Self { sql: String::with_capacity(1024), args: Vec::new(), backend }
    }

    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn sql(&mut self, text: &str) -> &mut Self {
        self.sql.push_str(text);
        self
    }

    /// Takes a value and returns its placeholder, numbered on both backends so that a value
    /// can be referred to more than once.
    pub(crate) fn placeholder(&mut self, arg: Arg) -> String {
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

    pub(crate) fn int(&mut self, v: i64) -> &mut Self {
        self.arg(Arg::Int(v))
    }

    pub(crate) fn text(&mut self, v: impl Into<String>) -> &mut Self {
        self.arg(Arg::Text(v.into()))
    }

    pub(crate) fn time(&mut self, v: chrono::NaiveDateTime) -> &mut Self {
        self.arg(Arg::Time(v))
    }
}

pub(crate) fn bind_all<'f, DB>(
    mut query: BoxedSqlQuery<'f, DB, SqlQuery>,
    args: &[Arg],
) -> BoxedSqlQuery<'f, DB, SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<Timestamp>
        + 'static,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
    chrono::NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
{
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind::<BigInt, _>(*v),
            Arg::Text(v) => query.bind::<Text, _>(v.clone()),
            Arg::Time(v) => query.bind::<Timestamp, _>(*v),
        };
    }
    query
}

/// Loads the rows of a raw query on whichever backend the connection is.
macro_rules! load_raw {
    ($conn:expr, $query:expr, $row:ty) => {
        match $conn {
            $crate::DbConnection::Pg(c) => $crate::raw_query::bind_all(
                diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::pg::Pg>(),
                &$query.args,
            )
            .load::<$row>(c),
            $crate::DbConnection::Sqlite(c) => $crate::raw_query::bind_all(
                diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::sqlite::Sqlite>(),
                &$query.args,
            )
            .load::<$row>(c),
        }
    };
}

/// Runs a raw statement (no rows back) on whichever backend the connection is.
macro_rules! execute_raw {
    ($conn:expr, $query:expr) => {
        match $conn {
            $crate::DbConnection::Pg(c) => $crate::raw_query::bind_all(
                diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::pg::Pg>(),
                &$query.args,
            )
            .execute(c),
            $crate::DbConnection::Sqlite(c) => $crate::raw_query::bind_all(
                diesel::sql_query($query.sql.as_str()).into_boxed::<diesel::sqlite::Sqlite>(),
                &$query.args,
            )
            .execute(c),
        }
    };
}

pub(crate) fn backend_of(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Pg(_) => Backend::Postgres,
        DbConnection::Sqlite(_) => Backend::Sqlite,
    }
}
pub(crate) use {execute_raw, load_raw};

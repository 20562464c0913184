//! Storage for clientdesk: the diesel schema, row <-> domain conversions and the queries, grouped
//! by aggregate, on SQLite and PostgreSQL from one code base.

pub mod accounts;
pub mod actions;
pub mod approvals;
pub mod assets;
pub mod attachments;
mod audience;
pub mod audit;
pub mod catalog;
pub mod companies;
pub mod contracts;
pub mod db;
pub mod error;
pub mod idempotency;
pub mod invoices;
pub mod kb;
pub mod notices;
pub mod outbox;
pub mod owned_files;
pub mod plain_secrets;
pub mod projects;
pub mod psa;
mod raw_query;
pub mod rmm;
pub mod schema;
pub mod session;
pub mod sla;
pub mod sms;
mod stamp;
pub mod sweep;
pub mod tenants;
pub(crate) mod text;
pub mod throttle;
mod ticket_index;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod vault;
pub mod vault_documents;
pub mod vault_entries;
pub mod webhooks;

pub use db::{write_tx, Backend, Conn, Db, DbConnection, DbOptions};
pub use error::{Error, Result};

use chrono::{DateTime, NaiveDateTime, Utc};

pub(crate) fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    naive.and_utc()
}

/// One page of a keyset-paginated list: the rows, and the id to continue after if there are more.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_after: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says that more follow.
    pub(crate) fn from_rows(mut rows: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_after = if more { rows.last().map(&id_of) } else { None };
        Self { items: rows, next_after }
    }
}

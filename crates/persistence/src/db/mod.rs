//! Connections, the pool, migrations and transactions for both backends.
//!
//! The backend is chosen at run time from the database URL, so one binary serves both. Queries
//! are written once against [`DbConnection`]; the few statements the backends spell differently
//! (upserts, row locking) match on its variant in clearly named functions.
//!
//! `connection` holds the two-backend connection, `url` where the database is, `manager` how a
//! connection is opened and what is known of the database's health, `pool` the pooled database
//! and its connections with [`write_tx`], `sqlite_writer` the one connection SQLite writes
//! through, `transaction` the transaction levels both use, `statements` the helpers that keep
//! hot statements prepared, and `migrations` the embedded migrations.

mod connection;
mod manager;
mod migrations;
mod pool;
mod sqlite_writer;
mod statements;
mod transaction;
mod url;

#[cfg(test)]
mod tests;

pub use connection::{Backend, DbConnection};
pub use manager::Manager;
pub use migrations::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
pub use pool::{write_tx, Conn, Db, DbOptions, DbPool, PooledConn, DEFAULT_SQLITE_MMAP_BYTES, UNREACHABLE_WAIT};
pub(crate) use statements::{keyed_by_text, per_backend, Prepared};
pub use url::DatabaseUrl;

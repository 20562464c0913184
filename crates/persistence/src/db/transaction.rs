//! Transaction levels on either backend: a write transaction begun so that writers queue, a
//! savepoint within it, and their commit or rollback.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::QueryResult;

use super::connection::DbConnection;
use crate::error::Error;

/// Whether the connection's transaction state is lost (a commit or rollback failed). Unlike
/// `is_broken`, an open transaction is not: the writer keeps its group's open between writes.
pub(super) fn broken(conn: &mut DbConnection) -> bool {
    match conn {
        DbConnection::Pg(pg) => AnsiTransactionManager::transaction_manager_status_mut(pg).transaction_depth().is_err(),
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth().is_err()
        }
    }
}

pub(super) fn begin(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(pg) => AnsiTransactionManager::begin_transaction_sql(pg, "BEGIN"),
        DbConnection::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE"),
    }
}

/// Commits or rolls back the innermost transaction level: the transaction, or a savepoint in it.
pub(super) fn end(conn: &mut DbConnection, commit: bool) -> QueryResult<()> {
    match (conn, commit) {
        (DbConnection::Pg(pg), true) => AnsiTransactionManager::commit_transaction(pg),
        (DbConnection::Pg(pg), false) => AnsiTransactionManager::rollback_transaction(pg),
        (DbConnection::Sqlite(sqlite), true) => AnsiTransactionManager::commit_transaction(sqlite),
        (DbConnection::Sqlite(sqlite), false) => AnsiTransactionManager::rollback_transaction(sqlite),
    }
}

/// Runs `f` in a transaction level begun with `open` (a transaction, or a savepoint of one):
/// committed if `f` succeeds, rolled back if it fails.
pub(super) fn within<T, E: From<Error>>(
    conn: &mut DbConnection,
    open: fn(&mut DbConnection) -> QueryResult<()>,
    f: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    open(conn).map_err(Error::from)?;
    match f(conn) {
        Ok(value) => {
            end(conn, true).map_err(Error::from)?;
            Ok(value)
        }
        Err(err) => {
            end(conn, false).map_err(Error::from)?;
            Err(err)
        }
    }
}

pub(super) fn savepoint<T, E: From<Error>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    fn open(conn: &mut DbConnection) -> QueryResult<()> {
        match conn {
            DbConnection::Pg(pg) => AnsiTransactionManager::begin_transaction(pg),
            DbConnection::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction(sqlite),
        }
    }
    within(conn, open, f)
}

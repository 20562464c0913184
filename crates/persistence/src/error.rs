use diesel::result::{DatabaseErrorKind, Error as DieselError};
use thiserror::Error;

/// What the storage layer reports, by kind. Built from diesel's error kinds, never from
/// constraint names (SQLite does not report them).
#[derive(Debug, Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the change, or a concurrent change won.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database is unreachable, busy beyond the timeout, or the pool is exhausted.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<DieselError> for Error {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => Error::NotFound,
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation
                | DatabaseErrorKind::ForeignKeyViolation
                | DatabaseErrorKind::SerializationFailure => Error::Conflict(info.message().to_owned()),
                // A lost PostgreSQL connection: closed under a statement, or found closed when the
                // next one is sent ("no connection to the server").
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                    Error::Unavailable(info.message().to_owned())
                }
                // SQLite reports a busy database as an unknown error with this text.
                _ if info.message().contains("database is locked") => Error::Unavailable(info.message().to_owned()),
                // PostgreSQL shutting down or starting up (SQLSTATE 57P01-57P03), which diesel
                // reports as unknown.
                _ if ["terminating connection", "the database system is", "server closed the connection"]
                    .iter()
                    .any(|text| info.message().contains(text)) =>
                {
                    Error::Unavailable(info.message().to_owned())
                }
                _ => Error::Other(info.message().to_owned()),
            },
            // A commit that failed, then a rollback that failed too: the commit's error says why.
            DieselError::RollbackErrorOnCommit { commit_error, .. } => Error::from(*commit_error),
            // Left by a connection lost within a transaction; the pool discards such a connection.
            DieselError::BrokenTransactionManager => Error::Unavailable("the connection's transaction was lost".into()),
            other => Error::Other(other.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Error::Unavailable(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::from(DieselError::DatabaseError(kind, Box::new(message.to_owned())))
    }

    /// A lost or closing connection is the environment's fault: unavailable, never "other" (a 500).
    #[test]
    fn lost_connections_are_unavailable() {
        for (kind, message) in [
            (DatabaseErrorKind::UnableToSendCommand, "no connection to the server"),
            (DatabaseErrorKind::ClosedConnection, "server closed the connection unexpectedly"),
            (DatabaseErrorKind::Unknown, "terminating connection due to administrator command"),
            (DatabaseErrorKind::Unknown, "the database system is shutting down"),
            (DatabaseErrorKind::Unknown, "database is locked"),
        ] {
            assert!(matches!(database_error(kind, message), Error::Unavailable(_)), "{message}");
        }
        assert!(matches!(Error::from(DieselError::BrokenTransactionManager), Error::Unavailable(_)));
        assert!(matches!(database_error(DatabaseErrorKind::Unknown, "syntax error"), Error::Other(_)));
    }
}

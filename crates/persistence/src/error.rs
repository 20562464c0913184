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
                DatabaseErrorKind::ClosedConnection => Error::Unavailable(info.message().to_owned()),
                // SQLite reports a busy database as an unknown error with this text.
                _ if info.message().contains("database is locked") => Error::Unavailable(info.message().to_owned()),
                _ => Error::Other(info.message().to_owned()),
            },
            other => Error::Other(other.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Error::Unavailable(err.to_string())
    }
}

//! Where the database is, and which backend that makes it.

use super::connection::Backend;

/// Where the database is: `postgres://` / `postgresql://` URLs are PostgreSQL; `sqlite://path`,
/// `sqlite:path` or a plain file path are SQLite.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the driver is given: the URL for PostgreSQL, the file path for SQLite.
    pub target: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Self { backend: Backend::Postgres, target: url.to_owned() };
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        Self { backend: Backend::Sqlite, target: path.to_owned() }
    }
}

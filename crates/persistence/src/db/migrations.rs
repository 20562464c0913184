//! The embedded migrations of both backends, and applying them.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::connection::Backend;
use super::pool::Db;
use crate::error::{Error, Result};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

impl Db {
    /// Applies the pending migrations of this backend; returns their names.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.conn()?;
        let source = match self.backend() {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let applied = conn.run_pending_migrations(source).map_err(|e| Error::Other(e.to_string()))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    }
}

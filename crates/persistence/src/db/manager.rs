//! Opening connections for the pool, and what the process knows of the database's health.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use diesel::{PgConnection, SqliteConnection};

use super::connection::{Backend, DbConnection};
use super::url::DatabaseUrl;

/// For how long after a connection was found dead every checkout is tested first: a database
/// restart kills every pooled connection at once, and each would otherwise fail one request.
const SUSPECT_FOR: Duration = Duration::from_secs(10);

/// What the process last learned about the database's reachability, shared by the pool's manager,
/// the connections and the readiness probe.
#[derive(Debug)]
pub(super) struct Health {
    /// The last connection attempt failed.
    pub(super) unreachable: AtomicBool,
    /// Until when (milliseconds since `epoch`) checkouts are tested before use.
    suspect_until: AtomicU64,
    epoch: Instant,
}

impl Default for Health {
    fn default() -> Self {
        Self { unreachable: AtomicBool::new(false), suspect_until: AtomicU64::new(0), epoch: Instant::now() }
    }
}

impl Health {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    pub(super) fn connected(&self, ok: bool) {
        self.unreachable.store(!ok, Ordering::Relaxed);
    }

    pub(super) fn suspect(&self) -> bool {
        self.now() < self.suspect_until.load(Ordering::Relaxed)
    }

    pub(super) fn connection_lost(&self) {
        self.suspect_until.store(self.now() + SUSPECT_FOR.as_millis() as u64, Ordering::Relaxed);
    }
}

/// Opens connections for the pool and prepares each SQLite connection.
#[derive(Debug, Clone)]
pub struct Manager {
    pub(super) url: DatabaseUrl,
    pub(super) mmap_bytes: u64,
    pub(super) health: Arc<Health>,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> std::result::Result<DbConnection, Self::Error> {
        let conn = self.open();
        self.health.connected(conn.is_ok());
        conn
    }

    fn is_valid(&self, conn: &mut DbConnection) -> std::result::Result<(), Self::Error> {
        conn.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

impl Manager {
    fn open(&self) -> std::result::Result<DbConnection, diesel::r2d2::Error> {
        match self.url.backend {
            Backend::Postgres => PgConnection::establish(&self.url.target)
                .map(DbConnection::Pg)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.url.target).map_err(diesel::r2d2::Error::ConnectionError)?;
                // busy_timeout first: a connection opened during WAL recovery would otherwise fail
                // at once with "database is locked". Reads go through a memory map of the file
                // (up to `mmap_bytes`, 1 GiB unless configured), shared by every connection through
                // the OS page cache, instead of each connection copying pages into its own 2 MB
                // cache (though RSS counts a mapped page once per connection that touched it, see
                // docs/ARCHITECTURE.md#memory): searching 100,000
                // knowledge-base articles or listing a million tickets touches far more than that.
                // Temporary files in memory: every write runs in a savepoint of its group's
                // transaction (see `Writer`), whose sub-journal keeps the original of each page
                // the write changes; past 64 KiB SQLite spills it to a temporary file and then
                // writes every page of the transaction's later savepoints there too.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA mmap_size = {}; PRAGMA temp_store = MEMORY;",
                    self.mmap_bytes
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                crate::kb::register_readable(&mut conn).map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

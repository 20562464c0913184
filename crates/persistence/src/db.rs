//! Connections, the pool, migrations and transactions for both backends.
//!
//! The backend is chosen at run time from the database URL, so one binary serves both. Queries
//! are written once against [`DbConnection`]; the few statements the backends spell differently
//! (upserts, row locking) match on its variant in clearly named functions.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::result::QueryResult;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{Error, Result};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

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

/// Opens connections for the pool and prepares each SQLite connection.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> std::result::Result<DbConnection, Self::Error> {
        match self.url.backend {
            Backend::Postgres => PgConnection::establish(&self.url.target)
                .map(DbConnection::Pg)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.url.target).map_err(diesel::r2d2::Error::ConnectionError)?;
                // busy_timeout first: a connection opened during WAL recovery would otherwise fail
                // at once with "database is locked". Reads go through a memory map of the file
                // (up to 1 GiB), shared by every connection through the OS page cache, instead of
                // each connection copying pages into its own 2 MB cache: searching 100,000
                // knowledge-base articles or listing a million tickets touches far more than that.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA mmap_size = 1073741824;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> std::result::Result<(), Self::Error> {
        conn.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

/// The database: a connection pool, its backend and, on SQLite, the one connection that writes.
/// Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    backend: Backend,
    writer: Option<Arc<Writer>>,
}

impl Db {
    /// Opens a pool of `size` connections. For SQLite the file's directory is created.
    pub fn connect(url: &str, size: u32) -> Result<Self> {
        let url = DatabaseUrl::parse(url);
        if url.backend == Backend::Sqlite {
            if let Some(dir) = std::path::Path::new(&url.target).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::Unavailable(format!("{}: {e}", dir.display())))?;
            }
        }
        let backend = url.backend;
        let manager = Manager { url };
        let writer =
            (backend == Backend::Sqlite).then(|| Arc::new(Writer { manager: manager.clone(), conn: Mutex::new(None) }));
        let pool = Pool::builder()
            .max_size(size)
            // A checkout test costs a round trip per request; broken connections are detected by
            // `has_broken` instead.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        Ok(Self { pool, backend, writer })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&self) -> Result<Conn> {
        Ok(Conn { pooled: self.pool.get()?, writer: self.writer.clone() })
    }

    /// Applies the pending migrations of this backend; returns their names.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.conn()?;
        let source = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let applied = conn.run_pending_migrations(source).map_err(|e| Error::Other(e.to_string()))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    }

    /// Whether the database answers (for `/health/ready`).
    pub fn ping(&self) -> Result<()> {
        self.conn()?.batch_execute("SELECT 1").map_err(Error::from)
    }
}

/// Runs one diesel query on the backend's own connection rather than through the
/// `MultiConnection`. The multi-backend path serialises every query to SQL text to find it in the
/// statement cache (quoting each identifier: about a tenth of the CPU of reading a ticket); on
/// the backend's connection a query of static shape is cached by its type. For the hottest
/// queries only: the body is compiled once per backend.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Pg($c) => $body,
            $crate::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use per_backend;

/// A connection from the pool; on SQLite it also reaches the database's writer, through which
/// [`write_tx`] writes.
pub struct Conn {
    pooled: PooledConn,
    writer: Option<Arc<Writer>>,
}

impl Deref for Conn {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.pooled
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.pooled
    }
}

/// SQLite admits one writer at a time. Every write transaction of the process on this database
/// goes through this one connection, taken in turn:
/// - writers queue on the mutex and are woken as soon as the one before is done, instead of
///   sleeping in SQLite's busy handler in growing steps of up to 100 ms (which was most of a
///   write's latency under load; `busy_timeout` still covers writers in other processes);
/// - a connection that sees another connection's commit drops its page cache and unmaps and maps
///   the database file again (`pagerBeginReadTransaction`): a connection that made every commit
///   itself never does, so its pages stay warm. Creating tickets went from 1,720 to 2,260 a second
///   and its p99 from 22 to 18 ms (1,000,000 tickets, 16 connections).
///
/// The connection is opened on first use, and opened anew after a transaction panicked in it or
/// left it broken (as the pool does with `has_broken`).
struct Writer {
    manager: Manager,
    conn: Mutex<Option<DbConnection>>,
}

impl Writer {
    fn lock(&self) -> Result<MutexGuard<'_, Option<DbConnection>>> {
        let mut slot = self.conn.lock().unwrap_or_else(|poisoned| {
            self.conn.clear_poison();
            let mut slot = poisoned.into_inner();
            *slot = None;
            slot
        });
        if slot.as_mut().is_none_or(|conn| conn.is_broken()) {
            *slot = Some(self.manager.connect().map_err(|e| Error::Unavailable(e.to_string()))?);
        }
        Ok(slot)
    }
}

/// Runs `f` in a write transaction, committed if `f` succeeds. On SQLite it runs on the
/// database's writer (see [`Writer`]) and begins IMMEDIATE, taking the write lock at the start
/// so that a writer of another process makes it wait rather than fail when it upgrades.
/// Transactions do not nest.
pub fn write_tx<T, E>(
    conn: &mut Conn,
    f: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E>
where
    E: From<Error>,
{
    fn begin(conn: &mut DbConnection) -> QueryResult<()> {
        match conn {
            DbConnection::Pg(pg) => AnsiTransactionManager::begin_transaction_sql(pg, "BEGIN"),
            DbConnection::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE"),
        }
    }
    fn end(conn: &mut DbConnection, commit: bool) -> QueryResult<()> {
        match (conn, commit) {
            (DbConnection::Pg(pg), true) => AnsiTransactionManager::commit_transaction(pg),
            (DbConnection::Pg(pg), false) => AnsiTransactionManager::rollback_transaction(pg),
            (DbConnection::Sqlite(sqlite), true) => AnsiTransactionManager::commit_transaction(sqlite),
            (DbConnection::Sqlite(sqlite), false) => AnsiTransactionManager::rollback_transaction(sqlite),
        }
    }
    fn run<T, E: From<Error>>(
        conn: &mut DbConnection,
        f: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        begin(conn).map_err(Error::from)?;
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
    match &conn.writer {
        Some(writer) => {
            let mut slot = writer.lock()?;
            run(slot.as_mut().expect("the writer is open"), f)
        }
        None => run(conn, f),
    }
}

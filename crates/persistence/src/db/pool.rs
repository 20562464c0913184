//! The database: its connection pool, the connections it hands out, and write transactions.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};

use super::connection::{Backend, DbConnection};
use super::manager::Manager;
use super::sqlite_writer::Writer;
use super::transaction::{begin, within};
use super::url::DatabaseUrl;
use crate::error::{Error, Result};
use crate::ticket_index;

/// How the pool and its connections are set up.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// How many connections the pool holds at most.
    pub size: u32,
    /// How long a request waits for a connection while the database is reachable; once a
    /// connection attempt has failed, it waits [`UNREACHABLE_WAIT`] at most.
    pub pool_timeout: Duration,
    /// SQLite: how much of the database file each connection maps into memory (`mmap_size`).
    pub sqlite_mmap_bytes: u64,
}

impl DbOptions {
    pub fn new(size: u32) -> Self {
        Self { size, pool_timeout: Duration::from_secs(2), sqlite_mmap_bytes: DEFAULT_SQLITE_MMAP_BYTES }
    }
}

/// SQLite's `mmap_size` unless configured: see `Manager::connect` and docs/ARCHITECTURE.md.
pub const DEFAULT_SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// How long a request waits for a connection once the database was found unreachable: it is
/// answered 503 at once rather than held while nothing can serve it.
pub const UNREACHABLE_WAIT: Duration = Duration::from_millis(250);

pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

/// The database: a connection pool, its backend and, on SQLite, the one connection that writes.
/// Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    backend: Backend,
    pub(super) writer: Option<Arc<Writer>>,
    manager: Manager,
    pool_timeout: Duration,
}

impl Db {
    /// Opens a pool of `size` connections. For SQLite the file's directory is created.
    pub fn connect(url: &str, size: u32) -> Result<Self> {
        Self::connect_with(url, &DbOptions::new(size))
    }

    pub fn connect_with(url: &str, options: &DbOptions) -> Result<Self> {
        let url = DatabaseUrl::parse(url);
        if url.backend == Backend::Sqlite {
            if let Some(dir) = std::path::Path::new(&url.target).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::Unavailable(format!("{}: {e}", dir.display())))?;
            }
        }
        let backend = url.backend;
        let manager = Manager { url, mmap_bytes: options.sqlite_mmap_bytes, health: Arc::default() };
        // Every commit of the writer indexes the tickets it created.
        let writer = (backend == Backend::Sqlite).then(|| Writer::start(manager.clone(), ticket_index::index_queued));
        let pool = Pool::builder()
            .max_size(options.size)
            // A checkout test costs a round trip per request: connections are tested only for a
            // while after one was found dead (see `Db::conn`).
            .test_on_check_out(false)
            // Also how long the pool waits to open its connections at start, and (halved) the
            // longest pause between its attempts to reopen them.
            .connection_timeout(options.pool_timeout)
            .build(manager.clone())?;
        Ok(Self { pool, backend, writer, manager, pool_timeout: options.pool_timeout })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many connections the pool holds at most.
    pub fn size(&self) -> u32 {
        self.pool.max_size()
    }

    /// A pooled connection. While the database is known to be unreachable, it waits
    /// [`UNREACHABLE_WAIT`] at most: the caller answers 503 rather than hold its client. For a
    /// while after a connection was found dead, each connection is tested before it is handed
    /// out, and a dead one is discarded for the next: a restarted database costs the request that
    /// found the first dead connection, not one request per pooled connection.
    pub fn conn(&self) -> Result<Conn> {
        let health = &self.manager.health;
        for _ in 0..=self.size() {
            let wait = if self.unreachable() { UNREACHABLE_WAIT } else { self.pool_timeout };
            let mut conn = Conn { pooled: self.pool.get_timeout(wait)?, writer: self.writer.clone() };
            if !health.suspect() || conn.pooled.batch_execute("SELECT 1").is_ok() {
                return Ok(conn);
            }
            conn.discard();
        }
        Err(Error::Unavailable("every pooled connection was dead".into()))
    }

    /// Whether the last attempt to open a connection failed.
    pub fn unreachable(&self) -> bool {
        self.manager.health.unreachable.load(Ordering::Relaxed)
    }

    /// Whether the database answers on a connection of its own, opened now, within `timeout`
    /// (for `/health/ready`: it neither waits for the pool nor trusts a pooled connection).
    /// Runs on the calling thread; on timeout the attempt is left to finish on its own thread.
    pub fn probe(&self, timeout: Duration) -> Result<()> {
        let (done, outcome) = std::sync::mpsc::channel();
        let mut manager = self.manager.clone();
        // libpq waits for an unanswered connection attempt as long as the OS does (minutes): the
        // probe's thread gives up within seconds rather than pile up behind a silent network.
        if manager.url.backend == Backend::Postgres && !manager.url.target.contains("connect_timeout") {
            let joiner = if manager.url.target.contains('?') { '&' } else { '?' };
            manager.url.target = format!("{}{joiner}connect_timeout=2", manager.url.target);
        }
        std::thread::Builder::new()
            .name("db-probe".into())
            .spawn(move || {
                let answered = manager
                    .connect()
                    .map_err(|e| Error::Unavailable(e.to_string()))
                    .and_then(|mut conn| conn.batch_execute("SELECT 1").map_err(Error::from));
                let _ = done.send(answered);
            })
            .map_err(|e| Error::Unavailable(format!("no probe thread: {e}")))?;
        match outcome.recv_timeout(timeout) {
            Ok(answered) => answered,
            Err(_) => {
                self.manager.health.connected(false);
                Err(Error::Unavailable(format!("no answer within {} ms", timeout.as_millis())))
            }
        }
    }
}

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

impl Conn {
    /// After a statement failed as [`Error::Unavailable`]: whether this connection still answers.
    /// A dead one is discarded instead of going back to the pool (diesel's `is_broken` does not
    /// see a lost PostgreSQL connection outside a transaction), and the connections checked out
    /// for a while after are tested first.
    pub fn check_alive(&mut self, health_of: &Db) -> bool {
        let alive = self.pooled.batch_execute("SELECT 1").is_ok();
        if !alive {
            health_of.manager.health.connection_lost();
            self.discard();
        }
        alive
    }

    /// Marks the connection broken, so that the pool closes it rather than take it back.
    fn discard(&mut self) {
        match &mut *self.pooled {
            DbConnection::Pg(pg) => AnsiTransactionManager::transaction_manager_status_mut(pg).set_in_error(),
            DbConnection::Sqlite(sqlite) => {
                AnsiTransactionManager::transaction_manager_status_mut(sqlite).set_in_error()
            }
        }
    }
}

/// Runs `f` in a write transaction, committed if `f` succeeds. On SQLite it runs on the
/// database's writer (see [`Writer`]), in a transaction begun IMMEDIATE, taking the write lock at
/// the start so that a writer of another process makes it wait rather than fail when it
/// upgrades. Transactions do not nest.
pub fn write_tx<T, E>(
    conn: &mut Conn,
    f: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E>
where
    E: From<Error>,
{
    match &conn.writer {
        Some(writer) => writer.write(f),
        None => within(conn, begin, f),
    }
}

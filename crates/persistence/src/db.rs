//! Connections, the pool, migrations and transactions for both backends.
//!
//! The backend is chosen at run time from the database URL, so one binary serves both. Queries
//! are written once against [`DbConnection`]; the few statements the backends spell differently
//! (upserts, row locking) match on its variant in clearly named functions.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

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

/// For how long after a connection was found dead every checkout is tested first: a database
/// restart kills every pooled connection at once, and each would otherwise fail one request.
const SUSPECT_FOR: Duration = Duration::from_secs(10);

/// What the process last learned about the database's reachability, shared by the pool's manager,
/// the connections and the readiness probe.
#[derive(Debug)]
struct Health {
    /// The last connection attempt failed.
    unreachable: AtomicBool,
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

    fn connected(&self, ok: bool) {
        self.unreachable.store(!ok, Ordering::Relaxed);
    }

    fn suspect(&self) -> bool {
        self.now() < self.suspect_until.load(Ordering::Relaxed)
    }

    fn connection_lost(&self) {
        self.suspect_until.store(self.now() + SUSPECT_FOR.as_millis() as u64, Ordering::Relaxed);
    }
}

/// Opens connections for the pool and prepares each SQLite connection.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    mmap_bytes: u64,
    health: Arc<Health>,
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
                Ok(DbConnection::Sqlite(conn))
            }
        }
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
        let writer = (backend == Backend::Sqlite).then(|| Writer::start(manager.clone()));
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

/// An INSERT kept prepared on PostgreSQL too. diesel never caches a PostgreSQL INSERT built from
/// `column.eq(value)` tuples, because a value that may be `DEFAULT` changes the SQL text: each
/// creation's inserts were parsed and planned anew. Without a static query id the statement
/// cache keys this by its SQL text, so each text keeps its own statement. SQLite caches such
/// inserts already.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared<Q>(pub Q);

impl<Q, DB> diesel::query_builder::QueryFragment<DB> for Prepared<Q>
where
    DB: diesel::backend::Backend,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

/// The query traits of `$wrapper<Q>`, a statement built around query `Q` whose SQL text varies:
/// without a static query id, diesel's statement cache keys it by that text.
macro_rules! keyed_by_text {
    ($wrapper:ident) => {
        impl<Q> diesel::query_builder::QueryId for $wrapper<Q> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for $wrapper<Q> {
            type SqlType = Q::SqlType;
        }

        impl<Q, C> RunQueryDsl<C> for $wrapper<Q> {}
    };
}
pub(crate) use keyed_by_text;

keyed_by_text!(Prepared);

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

/// SQLite admits one writer at a time. Every write transaction of the process on this database
/// goes through this one connection, taken in turn:
/// - writers queue on the mutex and are woken as soon as the one before is done, instead of
///   sleeping in SQLite's busy handler in growing steps of up to 100 ms (which was most of a
///   write's latency under load; `busy_timeout` still covers writers in other processes);
/// - a connection that sees another connection's commit drops its page cache and unmaps and maps
///   the database file again (`pagerBeginReadTransaction`): a connection that made every commit
///   itself never does, so its pages stay warm.
///
/// Writers that queue behind each other commit as a group: each runs in a savepoint of one
/// transaction, rolled back alone when it fails (the first, alone in the transaction, needs none),
/// and the last of the queue, or the [`MAX_GROUP`]th, commits for all; the others wait for that
/// commit before they return, so a write is visible to every reader once `write_tx` has returned.
/// A commit indexes the tickets the group created (one new full-text segment, see
/// [`before_commit`]) and writes every page the transaction changed to the WAL: pages that the
/// group's writes share (the ends of the tickets' tables and indexes, the tenant's counter, the
/// index's segment) are written once for the group instead of once per write.
///
/// The connection is opened on first use, and opened anew after a transaction panicked in it or
/// left it broken (as the pool does with `has_broken`); a group whose transaction was lost that
/// way, or whose commit failed, fails for all of its writers.
struct Writer {
    manager: Manager,
    state: Mutex<WriterState>,
    /// Signalled when a group has ended.
    group_ended: Condvar,
    /// Writers waiting for the connection: while there are any, the one in it leaves the
    /// commit to them.
    queued: AtomicUsize,
    /// Whether the checkpointer thread runs (see [`Writer::start`]).
    checkpointer: bool,
}

/// The most writes committed together: bounds what a write waits for behind others.
const MAX_GROUP: usize = 32;

#[derive(Default)]
struct WriterState {
    conn: Option<DbConnection>,
    /// Writes run in the open transaction (0: none is open).
    group: usize,
    /// The number of the latest group (the open one, if any).
    generation: u64,
    /// The latest group that has ended.
    ended: u64,
    /// Recent groups whose transaction did not commit.
    failed: VecDeque<u64>,
}

impl WriterState {
    /// Ends the open group, committed or not, and tells its waiting writers.
    fn end_group(&mut self, committed: bool, ended: &Condvar) {
        if !committed {
            if self.failed.len() == MAX_GROUP {
                self.failed.pop_front();
            }
            self.failed.push_back(self.generation);
        }
        self.group = 0;
        self.ended = self.generation;
        ended.notify_all();
    }

    /// After a panic in a transaction: its connection and what the open group wrote are lost.
    fn recover(&mut self, ended: &Condvar) {
        self.conn = None;
        if self.group > 0 {
            self.end_group(false, ended);
        }
    }
}

/// How often the checkpointer copies the WAL's new pages into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The WAL size past which the checkpointer starts the WAL over, and the size its file is
/// shrunk to then (see [`Writer::start`]).
const WAL_RESTART_BYTES: u64 = if cfg!(test) { 1 << 20 } else { 64 << 20 };

impl Writer {
    /// The writer, and its checkpointer: a thread with a connection of its own that copies the
    /// WAL's committed pages into the database file every [`CHECKPOINT_EVERY`] (a PASSIVE
    /// checkpoint, which never waits for readers or writers), until the writer is dropped. The
    /// writer's connection does not checkpoint itself: SQLite's automatic checkpoint runs in the
    /// commit that passes 1,000 WAL pages, and its fsync of the database file held the writer,
    /// so every queued write waited for it (creation's p99 at 16 connections: 161 ms, p50 5.6 ms).
    ///
    /// SQLite starts the WAL over only when a write begins after a checkpoint has copied all of
    /// it, and under writes that never pause none has: the WAL grew by gigabytes (1.5 GB after
    /// 25 s of creations; 0.8 GB in 5 s from one client). So once the WAL is past
    /// [`WAL_RESTART_BYTES`], the checkpointer takes the writer between two groups and runs a
    /// RESTART checkpoint, which copies the rest and waits for readers to leave the WAL, so that
    /// the next commit writes the WAL from its start and shrinks its file to that size (the
    /// writer's `journal_size_limit`). Writes wait for that; readers do not. Its connection waits
    /// for readers 100 ms at most, so a long read postpones the restart to the next look rather
    /// than holding the writes until it ends. A TRUNCATE checkpoint, which empties the file, made
    /// the commits after it extend the file anew: 5% fewer creations at 16 connections.
    fn start(manager: Manager) -> Arc<Self> {
        Arc::new_cyclic(|alive: &std::sync::Weak<Self>| {
            let (alive, checkpointing) = (alive.clone(), manager.clone());
            let wal = format!("{}-wal", manager.url.target);
            // It sleeps first: the writer exists by the time it looks.
            let spawned = std::thread::Builder::new().name("sqlite-checkpoint".into()).spawn(move || {
                let mut conn = None;
                while alive.strong_count() > 0 {
                    std::thread::sleep(CHECKPOINT_EVERY);
                    if conn.is_none() {
                        conn = checkpointing
                            .connect()
                            .ok()
                            .and_then(|mut c| c.batch_execute("PRAGMA busy_timeout = 100").ok().map(|()| c));
                    }
                    let Some(c) = conn.as_mut() else { continue };
                    let mut checkpointed = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)");
                    let long = || std::fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_RESTART_BYTES);
                    if checkpointed.is_ok() && long() {
                        if let Some(writer) = alive.upgrade() {
                            checkpointed = writer.between_groups(|| c.batch_execute("PRAGMA wal_checkpoint(RESTART)"));
                        }
                    }
                    if let Err(error) = checkpointed {
                        tracing::warn!(%error, "SQLite checkpoint failed; reconnecting");
                        conn = None;
                    }
                }
            });
            if let Err(error) = &spawned {
                tracing::error!(%error, "no SQLite checkpointer thread: the writer checkpoints itself");
            }
            Self {
                manager,
                state: Mutex::default(),
                group_ended: Condvar::new(),
                queued: AtomicUsize::new(0),
                checkpointer: spawned.is_ok(),
            }
        })
    }

    /// Runs `f` while no group's transaction is open, and none can begin. Not counted as a
    /// queued writer: a group's writers would leave its commit to it.
    fn between_groups<T>(&self, f: impl FnOnce() -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| self.recovered(poisoned));
        while state.group > 0 {
            state = self.group_ended.wait(state).unwrap_or_else(|poisoned| self.recovered(poisoned));
        }
        f()
    }

    fn lock(&self) -> MutexGuard<'_, WriterState> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let state = self.state.lock().unwrap_or_else(|poisoned| self.recovered(poisoned));
        self.queued.fetch_sub(1, Ordering::SeqCst);
        state
    }

    fn recovered<'a>(&self, poisoned: PoisonError<MutexGuard<'a, WriterState>>) -> MutexGuard<'a, WriterState> {
        self.state.clear_poison();
        let mut state = poisoned.into_inner();
        state.recover(&self.group_ended);
        state
    }

    /// Runs `f` in a savepoint of the group's transaction and returns once the group committed.
    fn write<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut state = self.lock();
        if state.conn.as_mut().is_none_or(broken) {
            if state.group > 0 {
                state.end_group(false, &self.group_ended);
            }
            let mut conn = self.manager.connect().map_err(|e| Error::Unavailable(e.to_string()))?;
            if self.checkpointer {
                // The first commit after the checkpointer restarted the WAL also shrinks its file.
                conn.batch_execute(&format!(
                    "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WAL_RESTART_BYTES}"
                ))
                .map_err(Error::from)?;
            }
            state.conn = Some(conn);
        }
        let st = &mut *state;
        let conn = st.conn.as_mut().expect("the writer is open");
        if st.group == 0 {
            begin(conn).map_err(Error::from)?;
            st.generation += 1;
        }
        st.group += 1;
        let generation = st.generation;
        // The group's first write is alone in the transaction: it needs no savepoint (whose journal
        // copies every page the write changes, about a tenth of a ticket creation's CPU), since its
        // failure rolls back the whole transaction.
        let result = if st.group == 1 { f(conn) } else { savepoint(conn, f) };
        if st.group == 1 && result.is_err() {
            let rolled_back = end(conn, false);
            st.end_group(false, &self.group_ended);
            rolled_back.map_err(Error::from)?;
            return result;
        }
        if self.queued.load(Ordering::SeqCst) > 0 && st.group < MAX_GROUP {
            // A writer in the queue joins this transaction and commits it, or leaves that to the
            // next one. A write that failed was rolled back: it has nothing to wait for.
            let value = result?;
            while state.ended < generation {
                state = self.group_ended.wait(state).unwrap_or_else(|poisoned| self.recovered(poisoned));
            }
            if state.failed.contains(&generation) {
                return Err(Error::Unavailable("the write transaction could not be committed".into()).into());
            }
            return Ok(value);
        }
        let committed = before_commit(conn).and_then(|()| end(conn, true));
        if committed.is_err() {
            let _ = end(conn, false);
        }
        st.end_group(committed.is_ok(), &self.group_ended);
        committed.map_err(Error::from)?;
        result
    }
}

/// Whether the connection's transaction state is lost (a commit or rollback failed). Unlike
/// `is_broken`, an open transaction is not: the writer keeps its group's open between writes.
fn broken(conn: &mut DbConnection) -> bool {
    match conn {
        DbConnection::Pg(pg) => AnsiTransactionManager::transaction_manager_status_mut(pg).transaction_depth().is_err(),
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth().is_err()
        }
    }
}

fn begin(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(pg) => AnsiTransactionManager::begin_transaction_sql(pg, "BEGIN"),
        DbConnection::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE"),
    }
}

/// What a group's transaction does once its writes are done: index the tickets it created (see
/// `tickets::index_queued`).
fn before_commit(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(sqlite) => crate::tickets::index_queued(sqlite),
        DbConnection::Pg(_) => Ok(()),
    }
}

/// Commits or rolls back the innermost transaction level: the transaction, or a savepoint in it.
fn end(conn: &mut DbConnection, commit: bool) -> QueryResult<()> {
    match (conn, commit) {
        (DbConnection::Pg(pg), true) => AnsiTransactionManager::commit_transaction(pg),
        (DbConnection::Pg(pg), false) => AnsiTransactionManager::rollback_transaction(pg),
        (DbConnection::Sqlite(sqlite), true) => AnsiTransactionManager::commit_transaction(sqlite),
        (DbConnection::Sqlite(sqlite), false) => AnsiTransactionManager::rollback_transaction(sqlite),
    }
}

/// Runs `f` in a transaction level begun with `open` (a transaction, or a savepoint of one):
/// committed if `f` succeeds, rolled back if it fails.
fn within<T, E: From<Error>>(
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

fn savepoint<T, E: From<Error>>(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch SQLite database with one table, removed when dropped.
    struct Scratch(std::path::PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
            }
        }
    }

    fn scratch() -> (Scratch, Db) {
        let path = std::env::temp_dir().join(format!("clientdesk-writer-{}.db", uuid_like()));
        // Each writer holds a connection and reads on a second one.
        let db = Db::connect(path.to_str().expect("a UTF-8 temp path"), 40).expect("opens");
        // The schema too: every commit of the writer also indexes queued tickets.
        db.migrate().expect("migrates");
        db.conn().unwrap().batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who INTEGER NOT NULL)").unwrap();
        (Scratch(path), db)
    }

    fn uuid_like() -> String {
        use std::time::{SystemTime, UNIX_EPOCH};
        format!("{}-{}", std::process::id(), SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos())
    }

    fn count_of(db: &Db, sql: &str) -> i64 {
        use diesel::sql_types::BigInt;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(&mut *db.conn().unwrap()).unwrap().n
    }

    fn count(db: &Db, who: Option<i64>) -> i64 {
        match who {
            Some(w) => count_of(db, &format!("SELECT count(*) AS n FROM t WHERE who = {w}")),
            None => count_of(db, "SELECT count(*) AS n FROM t"),
        }
    }

    fn insert(conn: &mut DbConnection, who: i64) -> Result<()> {
        diesel::sql_query(format!("INSERT INTO t (who) VALUES ({who})")).execute(conn)?;
        Ok(())
    }

    /// Each SQLite connection maps as much of the file as configured (what RSS counts per
    /// connection, see docs/ARCHITECTURE.md#memory).
    #[test]
    fn sqlite_connections_map_what_is_configured() {
        use diesel::sql_types::BigInt;
        #[derive(QueryableByName)]
        struct Map {
            #[diesel(sql_type = BigInt)]
            mmap_size: i64,
        }
        let path = std::env::temp_dir().join(format!("clientdesk-mmap-{}.db", uuid_like()));
        let _scratch = Scratch(path.clone());
        let options = DbOptions { sqlite_mmap_bytes: 4 << 20, ..DbOptions::new(2) };
        let db = Db::connect_with(path.to_str().expect("a UTF-8 temp path"), &options).expect("opens");
        let map = diesel::sql_query("PRAGMA mmap_size").get_result::<Map>(&mut *db.conn().unwrap()).unwrap();
        assert_eq!(map.mmap_size, 4 << 20);
    }

    /// The writer leaves checkpoints to its thread, which copies the WAL back while writes go on:
    /// the WAL is reused rather than grown by every commit.
    #[test]
    fn the_checkpointer_keeps_the_wal_from_growing() {
        let (scratch, db) = scratch();
        let wal = || std::fs::metadata(format!("{}-wal", scratch.0.display())).map(|m| m.len()).unwrap_or(0);
        let mut first_round = 0;
        for round in 0..4 {
            for i in 0..1000 {
                write_tx(&mut db.conn().unwrap(), |conn| insert(conn, round * 1000 + i)).unwrap();
            }
            if round == 0 {
                first_round = wal();
            }
            std::thread::sleep(CHECKPOINT_EVERY * 3);
        }
        assert_eq!(count(&db, None), 4000);
        // Without checkpoints, the WAL holds all four rounds of commits.
        assert!(
            first_round > 0 && wal() < 2 * first_round,
            "a WAL of {} bytes after 1,000 commits, {} after 4,000",
            first_round,
            wal()
        );
    }

    /// Under writes that never pause, a PASSIVE checkpoint never catches up with the WAL's end, so
    /// SQLite never starts the WAL over: the checkpointer does, between two groups.
    #[test]
    fn the_wal_starts_over_under_writes_that_never_pause() {
        let (scratch, db) = scratch();
        let wal = || std::fs::metadata(format!("{}-wal", scratch.0.display())).map(|m| m.len()).unwrap_or(0);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let busy: Vec<_> = (0..3_i64)
            .map(|who| {
                let (db, stop) = (db.clone(), stop.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let mut conn = db.conn().unwrap();
                        // A read first, as a request's checks are, then the write.
                        count(&db, Some(who));
                        write_tx(&mut conn, |conn| insert(conn, who)).unwrap();
                    }
                })
            })
            .collect();
        let (mut largest, mut last, mut restarted) = (0, 0, 0);
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            std::thread::sleep(Duration::from_millis(10));
            let now = wal();
            restarted += usize::from(now < last);
            (largest, last) = (largest.max(now), now);
        }
        stop.store(true, Ordering::Relaxed);
        busy.into_iter().for_each(|t| t.join().unwrap());
        let written = count(&db, None);
        // Without it: 147 MB after 18,000 writes, never shrunk. With it the WAL grows past the
        // limit by what is written until the checkpointer next looks (about 12 MB here).
        assert!(restarted > 0, "the WAL never started over ({largest} bytes after {written} writes)");
        assert!(largest < 32 * WAL_RESTART_BYTES, "the WAL reached {largest} bytes after {written} writes");
    }

    /// Writers that queue are committed together, yet each one alone: a failing write leaves
    /// nothing, a panicking one fails only its group, and every write that returned Ok is
    /// visible to other connections when it returns.
    #[test]
    fn grouped_writes_commit_alone_and_are_visible_on_return() {
        let (_scratch, db) = scratch();
        let threads: Vec<_> = (0..16_i64)
            .map(|who| {
                let db = db.clone();
                std::thread::spawn(move || {
                    let mut ok = 0;
                    for round in 0..50 {
                        let mut conn = db.conn().unwrap();
                        let fails = (who + round) % 5 == 0;
                        let result = write_tx(&mut conn, |conn| {
                            insert(conn, who)?;
                            insert(conn, who)?;
                            if fails {
                                return Err(Error::Conflict("refused".into()));
                            }
                            Ok(())
                        });
                        assert_eq!(result.is_err(), fails);
                        if !fails {
                            ok += 1;
                            // Seen at once by a reader on another connection.
                            assert_eq!(count(&db, Some(who)), 2 * ok);
                        }
                    }
                    ok
                })
            })
            .collect();
        let ok: i64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(ok, 16 * 40);
        assert_eq!(count(&db, None), 2 * ok);
        // 800 writes from 16 threads at once: some of them shared a commit.
        let groups = db.writer.as_ref().expect("SQLite has a writer").lock().generation;
        assert!(groups < 800, "{groups} commits for 800 writes");

        // A panic in a write: its group is lost, the writer opens anew and goes on.
        let panicking = {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut conn = db.conn().unwrap();
                write_tx(&mut conn, |conn| -> Result<()> {
                    insert(conn, 99)?;
                    panic!("a bug in a write");
                })
            })
        };
        assert!(panicking.join().is_err());
        write_tx(&mut db.conn().unwrap(), |conn| insert(conn, 100)).unwrap();
        assert_eq!(count(&db, Some(99)), 0);
        assert_eq!(count(&db, Some(100)), 1);

        // A failing write alone in its transaction (no savepoint) leaves nothing either.
        let alone = write_tx(&mut db.conn().unwrap(), |conn| {
            insert(conn, 101)?;
            Err::<(), _>(Error::Conflict("refused".into()))
        });
        assert!(alone.is_err());
        write_tx(&mut db.conn().unwrap(), |conn| insert(conn, 102)).unwrap();
        assert_eq!((count(&db, Some(101)), count(&db, Some(102))), (0, 1));
    }

    fn matches(db: &Db, query: &str) -> Vec<i64> {
        use diesel::sql_types::BigInt;
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            rowid: i64,
        }
        let sql = format!("SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH '{query}' ORDER BY rowid");
        diesel::sql_query(sql).load::<Id>(&mut *db.conn().unwrap()).unwrap().into_iter().map(|r| r.rowid).collect()
    }

    /// The writer indexes the tickets a group created when it commits, as they are then: renamed
    /// in the same transaction, a ticket is indexed once under its new title; a write that failed
    /// leaves nothing in the index or the queue.
    #[test]
    fn tickets_are_indexed_once_as_they_are_at_commit() {
        let (_scratch, db) = scratch();
        db.conn()
            .unwrap()
            .batch_execute(
                "INSERT INTO tenants (id, slug, name, portal_defaults, created_at) VALUES (1, 't', 'T', '{}', '2026-01-01'); \
                 INSERT INTO companies (id, tenant_id, name, created_at, updated_at) VALUES (7, 1, 'C', '2026-01-01', '2026-01-01'); \
                 INSERT INTO users (id, tenant_id, email, name, created_at, updated_at) VALUES (1, 1, 'u@example.com', 'U', '2026-01-01', '2026-01-01');",
            )
            .unwrap();
        let ticket = |conn: &mut DbConnection, id: i64, title: &str| -> Result<()> {
            let sql = format!(
                "INSERT INTO tickets (id, tenant_id, company_id, number, title, description, status, priority, \
                 requester_id, custom_values, created_at, updated_at) \
                 VALUES ({id}, 1, 7, {id}, '{title}', 'On floor 2', 'new', 2, 1, '{{}}', '2026-01-01', '2026-01-01')"
            );
            diesel::sql_query(sql).execute(conn)?;
            Ok(())
        };
        write_tx(&mut db.conn().unwrap(), |conn| {
            ticket(conn, 1, "Printer jams")?;
            // In a savepoint of its own, as a later write of the same group would be.
            conn.batch_execute(
                "SAVEPOINT rename; UPDATE tickets SET title = 'Plotter smears' WHERE id = 1; RELEASE rename;",
            )?;
            ticket(conn, 2, "Printer offline")
        })
        .unwrap();
        let failed = write_tx(&mut db.conn().unwrap(), |conn| {
            ticket(conn, 3, "Ghost")?;
            Err::<(), _>(Error::Conflict("refused".into()))
        });
        assert!(failed.is_err());
        assert_eq!(matches(&db, "plotter"), [1]);
        assert!(matches(&db, "jams").is_empty());
        assert_eq!(matches(&db, "printer"), [2]);
        assert!(matches(&db, "ghost").is_empty());
        assert_eq!(matches(&db, "company : c7"), [1, 2], "each ticket once");
        assert_eq!(count_of(&db, "SELECT count(*) AS n FROM tickets_fts_queue"), 0);

        // Renamed in a later transaction: the update trigger rewrites its one entry.
        write_tx(&mut db.conn().unwrap(), |conn| {
            diesel::sql_query("UPDATE tickets SET title = 'Scanner' WHERE id = 1").execute(conn).map_err(Error::from)
        })
        .unwrap();
        assert!(matches(&db, "plotter").is_empty());
        assert_eq!(matches(&db, "scanner"), [1]);
    }
}

//! SQLite's writer: the one connection every write transaction of the process goes through,
//! committing queued writes as a group, and its checkpointer thread.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::ManageConnection;
use diesel::result::QueryResult;
use diesel::SqliteConnection;

use super::connection::DbConnection;
use super::manager::Manager;
use super::transaction::{begin, broken, end, savepoint};
use crate::error::Error;

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
/// A commit first runs the writer's [`BeforeCommit`] hook (which indexes the tickets the group
/// created: one new full-text segment) and writes every page the transaction changed to the WAL: pages that the
/// group's writes share (the ends of the tickets' tables and indexes, the tenant's counter, the
/// index's segment) are written once for the group instead of once per write.
///
/// The connection is opened on first use, and opened anew after a transaction panicked in it or
/// left it broken (as the pool does with `has_broken`); a group whose transaction was lost that
/// way, or whose commit failed, fails for all of its writers.
pub(super) struct Writer {
    manager: Manager,
    state: Mutex<WriterState>,
    /// Signalled when a group has ended.
    group_ended: Condvar,
    /// Writers waiting for the connection: while there are any, the one in it leaves the
    /// commit to them.
    queued: AtomicUsize,
    /// Whether the checkpointer thread runs (see [`Writer::start`]).
    checkpointer: bool,
    before_commit: BeforeCommit,
}

/// What a group's transaction does once its writes are done, just before its commit, outside the
/// savepoints of the group's writes.
pub(super) type BeforeCommit = fn(&mut SqliteConnection) -> QueryResult<()>;

/// The most writes committed together: bounds what a write waits for behind others.
const MAX_GROUP: usize = 32;

#[derive(Default)]
pub(super) struct WriterState {
    conn: Option<DbConnection>,
    /// Writes run in the open transaction (0: none is open).
    group: usize,
    /// The number of the latest group (the open one, if any).
    pub(super) generation: u64,
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
pub(super) const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The WAL size past which the checkpointer starts the WAL over, and the size its file is
/// shrunk to then (see [`Writer::start`]).
pub(super) const WAL_RESTART_BYTES: u64 = if cfg!(test) { 1 << 20 } else { 64 << 20 };

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
    pub(super) fn start(manager: Manager, before_commit: BeforeCommit) -> Arc<Self> {
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
                before_commit,
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

    pub(super) fn lock(&self) -> MutexGuard<'_, WriterState> {
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

    /// Runs the writer's [`BeforeCommit`] hook on its connection.
    fn before_commit(&self, conn: &mut DbConnection) -> QueryResult<()> {
        match conn {
            DbConnection::Sqlite(sqlite) => (self.before_commit)(sqlite),
            DbConnection::Pg(_) => Ok(()),
        }
    }

    /// Runs `f` in a savepoint of the group's transaction and returns once the group committed.
    pub(super) fn write<T, E: From<Error>>(
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
        let committed = self.before_commit(conn).and_then(|()| end(conn, true));
        if committed.is_err() {
            let _ = end(conn, false);
        }
        st.end_group(committed.is_ok(), &self.group_ended);
        committed.map_err(Error::from)?;
        result
    }
}

//! The pool's connections and SQLite's writer, on scratch databases.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::sqlite_writer::{CHECKPOINT_EVERY, WAL_RESTART_BYTES};
use super::{write_tx, Db, DbConnection, DbOptions};
use crate::error::{Error, Result};

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

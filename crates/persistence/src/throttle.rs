//! Sign-in failure counters, shared by every server process through the database.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::throttle::{Attempt, ThrottlePolicy};
use diesel::prelude::*;

use crate::schema::signin_throttles;
use crate::{utc, DbConnection, Result};

/// Until when `key` is blocked, if it is blocked at `now`.
pub fn blocked_until(conn: &mut DbConnection, key: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    let until: Option<Option<NaiveDateTime>> =
        signin_throttles::table.find(key).select(signin_throttles::blocked_until).first(conn).optional()?;
    Ok(until.flatten().map(utc).filter(|u| *u > now))
}

/// Counts a failure for `key` under `policy`; returns until when the key is now blocked.
/// Call inside a write transaction; concurrent failures of one key lose no count.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let (previous, last, _) = locked_row(conn, key, now)?;
    let failures = policy.failures_after(previous, last, now);
    let blocked = policy.blocked_until(failures, now);
    store(conn, key, failures, blocked, now)?;
    Ok(blocked)
}

/// Counts an attempt on `key` before it is checked; refused (and not counted) while the key is
/// blocked. Call inside a write transaction: of parallel attempts, each sees the ones before.
pub fn count_attempt(
    conn: &mut DbConnection,
    key: &str,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<Attempt> {
    let (previous, last, blocked) = locked_row(conn, key, now)?;
    let attempt = policy.attempt(previous, last, blocked, now);
    if let Attempt::Counted { failures, blocked_until } = attempt {
        store(conn, key, failures, blocked_until, now)?;
    }
    Ok(attempt)
}

/// Takes back one counted attempt of `key` that turned out right, with the block it set (the key
/// was not blocked when the attempt was let through). One statement, relative to the stored
/// count, so that attempts counted meanwhile are kept.
pub fn forgive(conn: &mut DbConnection, key: &str) -> Result<()> {
    diesel::update(signin_throttles::table.find(key).filter(signin_throttles::failures.gt(0)))
        .set((
            signin_throttles::failures.eq(signin_throttles::failures - 1),
            signin_throttles::blocked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The key's failures, last failure and block, its row created if missing (an upsert, spelled
/// per backend) and then read under a row lock on PostgreSQL (SQLite's IMMEDIATE transaction
/// already serialises writers), so that concurrent counts of one key are never lost.
type ThrottleRow = (i32, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

fn locked_row(conn: &mut DbConnection, key: &str, now: DateTime<Utc>) -> Result<ThrottleRow> {
    let fresh = (
        signin_throttles::throttle_key.eq(key),
        signin_throttles::failures.eq(0),
        signin_throttles::last_failure_at.eq(now.naive_utc()),
    );
    let current = signin_throttles::table.find(key).select((
        signin_throttles::failures,
        signin_throttles::last_failure_at,
        signin_throttles::blocked_until,
    ));
    // On PostgreSQL a reset that commits between the upsert and the lock deletes the row under
    // us (the locking read then finds nothing): create it again.
    let mut found = None;
    for _ in 0..3 {
        found = match conn {
            DbConnection::Pg(pg) => {
                diesel::insert_into(signin_throttles::table).values(fresh).on_conflict_do_nothing().execute(pg)?;
                current.for_update().first(pg).optional()?
            }
            DbConnection::Sqlite(sqlite) => {
                diesel::insert_into(signin_throttles::table).values(fresh).on_conflict_do_nothing().execute(sqlite)?;
                current.first(sqlite).optional()?
            }
        };
        if found.is_some() {
            break;
        }
    }
    let (previous, last, blocked): (i32, NaiveDateTime, Option<NaiveDateTime>) =
        found.ok_or_else(|| crate::Error::Conflict("a throttle was reset meanwhile".into()))?;
    Ok((previous, (previous > 0).then(|| utc(last)), blocked.map(utc)))
}

fn store(
    conn: &mut DbConnection,
    key: &str,
    failures: i32,
    blocked: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(signin_throttles::table.find(key))
        .set((
            signin_throttles::failures.eq(failures),
            signin_throttles::last_failure_at.eq(now.naive_utc()),
            signin_throttles::blocked_until.eq(blocked.map(|b| b.naive_utc())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets the failures of `key` (after a successful sign-in).
pub fn reset(conn: &mut DbConnection, key: &str) -> Result<()> {
    diesel::delete(signin_throttles::table.find(key)).execute(conn)?;
    Ok(())
}

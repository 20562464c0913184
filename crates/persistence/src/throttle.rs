//! Sign-in failure counters, shared by every server process through the database.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::throttle::ThrottlePolicy;
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
/// Call inside a write transaction. Concurrent failures of one key must not lose counts: the row
/// is created if missing (an upsert, spelled per backend) and then read under a row lock on
/// PostgreSQL (SQLite's IMMEDIATE transaction already serialises writers).
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let fresh = (
        signin_throttles::throttle_key.eq(key),
        signin_throttles::failures.eq(0),
        signin_throttles::last_failure_at.eq(now.naive_utc()),
    );
    let current =
        signin_throttles::table.find(key).select((signin_throttles::failures, signin_throttles::last_failure_at));
    let (previous, last): (i32, NaiveDateTime) = match conn {
        DbConnection::Pg(pg) => {
            diesel::insert_into(signin_throttles::table).values(fresh).on_conflict_do_nothing().execute(pg)?;
            current.for_update().first(pg)?
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::insert_into(signin_throttles::table).values(fresh).on_conflict_do_nothing().execute(sqlite)?;
            current.first(sqlite)?
        }
    };
    let failures = policy.failures_after(previous, (previous > 0).then(|| utc(last)), now);
    let blocked = policy.blocked_until(failures, now);
    diesel::update(signin_throttles::table.find(key))
        .set((
            signin_throttles::failures.eq(failures),
            signin_throttles::last_failure_at.eq(now.naive_utc()),
            signin_throttles::blocked_until.eq(blocked.map(|b| b.naive_utc())),
        ))
        .execute(conn)?;
    Ok(blocked)
}

/// Forgets the failures of `key` (after a successful sign-in).
pub fn reset(conn: &mut DbConnection, key: &str) -> Result<()> {
    diesel::delete(signin_throttles::table.find(key)).execute(conn)?;
    Ok(())
}

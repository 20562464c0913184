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
/// Call inside a write transaction: read and write must not interleave with another process.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let previous: Option<(i32, NaiveDateTime)> = signin_throttles::table
        .find(key)
        .select((signin_throttles::failures, signin_throttles::last_failure_at))
        .first(conn)
        .optional()?;
    let failures = policy.failures_after(previous.map_or(0, |p| p.0), previous.map(|p| utc(p.1)), now);
    let blocked = policy.blocked_until(failures, now);
    let values = (
        signin_throttles::failures.eq(failures),
        signin_throttles::last_failure_at.eq(now.naive_utc()),
        signin_throttles::blocked_until.eq(blocked.map(|b| b.naive_utc())),
    );
    if previous.is_some() {
        diesel::update(signin_throttles::table.find(key)).set(values).execute(conn)?;
    } else {
        diesel::insert_into(signin_throttles::table)
            .values((signin_throttles::throttle_key.eq(key), values))
            .execute(conn)?;
    }
    Ok(blocked)
}

/// Forgets the failures of `key` (after a successful sign-in).
pub fn reset(conn: &mut DbConnection, key: &str) -> Result<()> {
    diesel::delete(signin_throttles::table.find(key)).execute(conn)?;
    Ok(())
}

//! Idempotency keys of create requests: a claim taken before the work, then the answer stored in
//! the transaction that did the work, so a retried request gets the first answer and one side
//! effect.

use chrono::{DateTime, Duration, Utc};
use clientdesk_domain::ids::UserId;
use diesel::prelude::*;

use crate::schema::idempotency_keys;
use crate::{utc, DbConnection, Error, Result};

/// How long a key is remembered.
pub const KEPT: Duration = Duration::hours(24);
/// A claim without an answer that has not been renewed for this long belongs to a request that
/// died (its process was killed); it may be retaken. The request that holds a claim renews it
/// every third of this (see [`renew`]). The default of the configured lease.
pub const CLAIM_LEASE: Duration = Duration::seconds(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours: do the work, then `complete` (or `release` on failure).
    Taken(i64),
    /// The key was used before with this request: its answer.
    Replay { status: u16, body: String },
    /// The first request with this key is still running.
    InProgress,
    /// The key was used before with another request.
    Mismatch,
}

/// id, request hash, answer status and body, claim time.
type StoredKey = (i64, String, Option<i32>, Option<String>, chrono::NaiveDateTime);

/// Claims `key` for `user`; a claim left unanswered and not renewed for `lease` is taken over.
/// Call inside a write transaction.
pub fn claim(
    conn: &mut DbConnection,
    user: UserId,
    key: &str,
    hash: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Claim> {
    diesel::delete(idempotency_keys::table)
        .filter(idempotency_keys::user_id.eq(user.0))
        .filter(idempotency_keys::created_at.lt((now - KEPT).naive_utc()))
        .execute(conn)?;
    let existing: Option<StoredKey> = idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user.0))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select((
            idempotency_keys::id,
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::response_body,
            idempotency_keys::created_at,
        ))
        .first(conn)
        .optional()?;
    match existing {
        Some((_, stored_hash, ..)) if stored_hash != hash => Ok(Claim::Mismatch),
        Some((_, _, Some(status), body, _)) => {
            Ok(Claim::Replay { status: u16::try_from(status).unwrap_or(200), body: body.unwrap_or_default() })
        }
        Some((id, _, None, _, created)) if utc(created) < now - lease => {
            diesel::update(idempotency_keys::table.find(id))
                .set(idempotency_keys::created_at.eq(now.naive_utc()))
                .execute(conn)?;
            Ok(Claim::Taken(id))
        }
        Some(_) => Ok(Claim::InProgress),
        None => {
            let inserted = diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::user_id.eq(user.0),
                    idempotency_keys::idempotency_key.eq(key),
                    idempotency_keys::request_hash.eq(hash),
                    idempotency_keys::created_at.eq(now.naive_utc()),
                ))
                .returning(idempotency_keys::id)
                .get_result(conn);
            match inserted {
                Ok(id) => Ok(Claim::Taken(id)),
                // Another request took the key between our read and our insert.
                Err(e) => match Error::from(e) {
                    Error::Conflict(_) => Ok(Claim::InProgress),
                    other => Err(other),
                },
            }
        }
    }
}

/// Renews a claim still unanswered, so that it is not taken over while its request runs.
pub fn renew(conn: &mut DbConnection, claim: i64, now: DateTime<Utc>) -> Result<()> {
    diesel::update(idempotency_keys::table.find(claim).filter(idempotency_keys::status_code.is_null()))
        .set(idempotency_keys::created_at.eq(now.naive_utc()))
        .execute(conn)?;
    Ok(())
}

/// Stores the answer of a claimed key; call in the transaction that did the work.
pub fn complete(conn: &mut DbConnection, claim: i64, status: u16, body: &str) -> Result<()> {
    diesel::update(idempotency_keys::table.find(claim))
        .set((idempotency_keys::status_code.eq(i32::from(status)), idempotency_keys::response_body.eq(body)))
        .execute(conn)?;
    Ok(())
}

/// Gives a claimed key back after the work failed, so that a retry runs again.
pub fn release(conn: &mut DbConnection, claim: i64) -> Result<()> {
    diesel::delete(idempotency_keys::table.find(claim)).execute(conn)?;
    Ok(())
}

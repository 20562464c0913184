//! Removes rows that can no longer be used: expired verification codes and decision links,
//! nonces past their validity, throttle counters idle for longer than any window, and sign-in
//! log entries older than the log shows (`SIGNIN_LOG_DAYS`). Without it these tables only grow,
//! by one row per agent link, code, refused try or sign-in.

use chrono::{DateTime, Duration, Utc};
use clientdesk_domain::accounts::SIGNIN_LOG_DAYS;
use diesel::prelude::*;

use crate::schema::{agent_nonces, decision_links, signin_throttles, verification_codes};
use crate::{write_tx, Conn, Result};

/// Expired codes and decision links are kept this long: an expired link still answers "expired"
/// rather than "not found" for a while, and per-day counts of codes sent stay whole.
pub const EXPIRED_KEPT: Duration = Duration::days(2);

/// A throttle counter idle this long is forgotten: longer than the window of any policy, so the
/// failures it held would already count as none.
pub const IDLE_THROTTLE: Duration = Duration::days(7);

/// How many rows one sweep removed, by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub codes: usize,
    pub decision_links: usize,
    pub nonces: usize,
    pub throttles: usize,
    pub signins: usize,
}

impl Swept {
    pub fn total(&self) -> usize {
        self.codes + self.decision_links + self.nonces + self.throttles + self.signins
    }
}

/// Deletes what expired (codes and links: `EXPIRED_KEPT` ago; sign-ins: `SIGNIN_LOG_DAYS` ago) as
/// of `now`, in one write transaction.
pub fn expired(conn: &mut Conn, now: DateTime<Utc>) -> Result<Swept> {
    let now_naive = now.naive_utc();
    let kept_since = (now - EXPIRED_KEPT).naive_utc();
    let idle_since = (now - IDLE_THROTTLE).naive_utc();
    write_tx(conn, |conn| {
        Ok(Swept {
            codes: diesel::delete(verification_codes::table.filter(verification_codes::expires_at.lt(kept_since)))
                .execute(conn)?,
            decision_links: diesel::delete(decision_links::table.filter(decision_links::expires_at.lt(kept_since)))
                .execute(conn)?,
            nonces: diesel::delete(agent_nonces::table.filter(agent_nonces::expires_at.lt(now_naive))).execute(conn)?,
            throttles: diesel::delete(
                signin_throttles::table.filter(signin_throttles::last_failure_at.lt(idle_since)).filter(
                    signin_throttles::blocked_until.is_null().or(signin_throttles::blocked_until.lt(now_naive)),
                ),
            )
            .execute(conn)?,
            signins: crate::accounts::prune_signins(conn, now - Duration::days(SIGNIN_LOG_DAYS))?,
        })
    })
}

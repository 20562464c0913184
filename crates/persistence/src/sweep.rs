//! Removes rows that can no longer be used: expired verification codes and decision links,
//! nonces past their validity, throttle counters idle for longer than any window, sign-in log
//! entries older than the log shows (`SIGNIN_LOG_DAYS`), and settled webhook deliveries with their
//! attempts past their retention (`DELIVERY_RETENTION_DAYS`). Without it these tables only grow,
//! by one row per agent link, code, refused try, sign-in or event.

use chrono::{DateTime, Duration, Utc};
use clientdesk_domain::accounts::SIGNIN_LOG_DAYS;
use clientdesk_domain::webhooks::{DeliveryStatus, DELIVERY_RETENTION_DAYS};
use diesel::prelude::*;

use crate::schema::{agent_nonces, decision_links, signin_throttles, verification_codes, webhook_deliveries};
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
    /// Settled webhook deliveries (their attempts go with them).
    pub webhook_deliveries: usize,
}

impl Swept {
    pub fn total(&self) -> usize {
        self.codes + self.decision_links + self.nonces + self.throttles + self.signins + self.webhook_deliveries
    }
}

/// Deletes what expired (codes and links: `EXPIRED_KEPT` ago; sign-ins: `SIGNIN_LOG_DAYS` ago;
/// settled webhook deliveries created `DELIVERY_RETENTION_DAYS` ago) as of `now`, in one write
/// transaction.
pub fn expired(conn: &mut Conn, now: DateTime<Utc>) -> Result<Swept> {
    let now_naive = now.naive_utc();
    let kept_since = (now - EXPIRED_KEPT).naive_utc();
    let idle_since = (now - IDLE_THROTTLE).naive_utc();
    let retained_since = (now - Duration::days(DELIVERY_RETENTION_DAYS)).naive_utc();
    let settled = [DeliveryStatus::Delivered.as_str(), DeliveryStatus::Failed.as_str()];
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
            // The attempts follow by `ON DELETE CASCADE`.
            webhook_deliveries: diesel::delete(
                webhook_deliveries::table
                    .filter(webhook_deliveries::created_at.lt(retained_since))
                    .filter(webhook_deliveries::status.eq_any(settled)),
            )
            .execute(conn)?,
        })
    })
}

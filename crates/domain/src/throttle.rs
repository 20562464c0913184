//! Sign-in throttling: how long to wait after repeated failures.
//!
//! Failed passwords and codes count together. The first few failures are free (people mistype);
//! after that each failure doubles the wait, up to a cap. There is never a permanent lock, so an
//! attacker cannot lock the owner out for good, and failures older than the window are forgotten.
//!
//! An attempt is counted before its password or code is checked ([`ThrottlePolicy::attempt`]),
//! so that parallel attempts cannot all pass a check made before any of them failed; one that
//! turns out right is then taken back, with the block it set (the key was not blocked when it
//! was let through). See
//! `docs/decisions/0001-sign-in-throttling.md`.

use chrono::{DateTime, Duration, Utc};

/// Limits for one kind of key (an account, or a client address).
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Names the policy in the RateLimit headers.
    pub name: &'static str,
    /// Failures allowed before any delay.
    pub free_failures: i32,
    /// The wait after the first failure past the free ones; doubles with each further failure.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Failures older than this (since the last one) are forgotten.
    pub window: Duration,
}

/// What counting one more attempt on a key decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The key is blocked until then: refuse without checking (and without counting).
    Refused { until: DateTime<Utc> },
    /// Counted: the key now holds `failures` and is blocked until `blocked_until` for the next
    /// attempts, unless this one turns out right and is forgiven.
    Counted { failures: i32, blocked_until: Option<DateTime<Utc>> },
}

impl ThrottlePolicy {
    /// One account from one client address: guessing is throttled where it comes from, so that
    /// failures elsewhere never lock the owner out.
    pub const ACCOUNT_ADDRESS: ThrottlePolicy = ThrottlePolicy {
        name: "signin-account-address",
        free_failures: 5,
        base_delay: Duration::seconds(2),
        max_delay: Duration::minutes(15),
        window: Duration::hours(1),
    };

    /// One account from every address together, against guessing spread over many addresses.
    /// It holds back a password alone: a right password plus a second factor still gets in.
    pub const ACCOUNT: ThrottlePolicy = ThrottlePolicy {
        name: "signin-account",
        free_failures: 50,
        base_delay: Duration::seconds(2),
        max_delay: Duration::minutes(15),
        window: Duration::hours(1),
    };

    /// Step-up codes (authenticator or SMS) before a self-service action.
    pub const STEP_UP: ThrottlePolicy = ThrottlePolicy {
        name: "step-up",
        free_failures: 5,
        base_delay: Duration::seconds(2),
        max_delay: Duration::minutes(15),
        window: Duration::hours(1),
    };

    /// Self-service actions a user may ask for: `free_failures` per `window` (counted from the
    /// actions themselves, not from failures).
    pub const ACTIONS: ThrottlePolicy = ThrottlePolicy {
        name: "self-service-actions",
        free_failures: 10,
        base_delay: Duration::zero(),
        max_delay: Duration::zero(),
        window: Duration::hours(1),
    };

    /// Vault secrets one user may reveal: the first `free_failures` in an hour freely, then each
    /// reveal waits twice as long as the one before (counted per user, before the reveal).
    pub const VAULT_REVEALS: ThrottlePolicy = ThrottlePolicy {
        name: "vault-reveals",
        free_failures: 30,
        base_delay: Duration::seconds(30),
        max_delay: Duration::minutes(15),
        window: Duration::hours(1),
    };

    /// Client addresses get more room: offices share one address behind NAT.
    pub const ADDRESS: ThrottlePolicy = ThrottlePolicy {
        name: "signin-address",
        free_failures: 30,
        base_delay: Duration::seconds(2),
        max_delay: Duration::minutes(15),
        window: Duration::hours(1),
    };

    /// The failure count to carry forward when a new failure arrives at `now`.
    pub fn failures_after(&self, previous: i32, last_failure: Option<DateTime<Utc>>, now: DateTime<Utc>) -> i32 {
        match last_failure {
            Some(last) if now - last < self.window => previous.saturating_add(1),
            _ => 1,
        }
    }

    /// Counts an attempt on a key that holds `previous` failures, the last at `last_failure`, and
    /// is blocked until `blocked_until`.
    pub fn attempt(
        &self,
        previous: i32,
        last_failure: Option<DateTime<Utc>>,
        blocked_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Attempt {
        if let Some(until) = blocked_until.filter(|u| *u > now) {
            return Attempt::Refused { until };
        }
        let failures = self.failures_after(previous, last_failure, now);
        Attempt::Counted { failures, blocked_until: self.blocked_until(failures, now) }
    }

    /// Until when the key is blocked after `failures` failures, the last at `now`.
    pub fn blocked_until(&self, failures: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let over = failures - self.free_failures;
        if over <= 0 {
            return None;
        }
        let factor = 1i64 << (over - 1).min(20);
        let delay = (self.base_delay * factor as i32).min(self.max_delay);
        Some(now + delay)
    }

    /// SMS a user, company or tenant may cause (codes, temporary passwords): the headers name
    /// the per-user hourly default; the limits themselves are configured (`SmsLimits`).
    pub const SMS: ThrottlePolicy = ThrottlePolicy {
        name: "sms",
        free_failures: 5,
        base_delay: Duration::zero(),
        max_delay: Duration::zero(),
        window: Duration::hours(1),
    };

    /// Agent registrations of one device (each may e-mail an activation code to a contact).
    pub const AGENT_REGISTRATION_DEVICE: ThrottlePolicy = ThrottlePolicy {
        name: "agent-registration-device",
        free_failures: 5,
        base_delay: Duration::minutes(1),
        max_delay: Duration::hours(1),
        window: Duration::hours(1),
    };

    /// Agent registrations from one client address: more room, offices share an address.
    pub const AGENT_REGISTRATION_ADDRESS: ThrottlePolicy = ThrottlePolicy {
        name: "agent-registration-address",
        free_failures: 20,
        base_delay: Duration::minutes(1),
        max_delay: Duration::hours(1),
        window: Duration::hours(1),
    };

    /// Refused agent links from one client address; each refusal is audited until the block.
    pub const AGENT_LINK_ADDRESS: ThrottlePolicy = ThrottlePolicy {
        name: "agent-link-address",
        free_failures: 20,
        base_delay: Duration::seconds(30),
        max_delay: Duration::minutes(15),
        window: Duration::hours(1),
    };
}

/// A plain request rate: at most `requests` per `window` from one key (a client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub name: &'static str,
    pub requests: i32,
    pub window: Duration,
}

/// A key's current window: when it started and how many requests it has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateWindow {
    pub started: DateTime<Utc>,
    pub requests: i32,
}

impl RateLimit {
    /// Counts a request at `now`; returns the key's window after it and, when the request is
    /// over the limit, until when the key must wait.
    pub fn admit(&self, current: Option<RateWindow>, now: DateTime<Utc>) -> (RateWindow, Option<DateTime<Utc>>) {
        let window = match current {
            Some(w) if now - w.started < self.window => RateWindow { requests: w.requests.saturating_add(1), ..w },
            _ => RateWindow { started: now, requests: 1 },
        };
        let wait = (window.requests > self.requests).then(|| window.started + self.window);
        (window, wait)
    }

    /// The same limit in the shape the `RateLimit` headers are written from.
    pub fn as_policy(&self) -> ThrottlePolicy {
        ThrottlePolicy {
            name: self.name,
            free_failures: self.requests,
            base_delay: Duration::zero(),
            max_delay: Duration::zero(),
            window: self.window,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_and_is_capped() {
        let p = ThrottlePolicy::ACCOUNT_ADDRESS;
        let now = Utc::now();
        assert_eq!(p.blocked_until(5, now), None);
        assert_eq!(p.blocked_until(6, now), Some(now + Duration::seconds(2)));
        assert_eq!(p.blocked_until(7, now), Some(now + Duration::seconds(4)));
        assert_eq!(p.blocked_until(60, now), Some(now + Duration::minutes(15)));
    }

    #[test]
    fn attempts_are_counted_before_they_are_checked() {
        let p = ThrottlePolicy::ACCOUNT_ADDRESS;
        let now = Utc::now();
        assert_eq!(p.attempt(0, None, None, now), Attempt::Counted { failures: 1, blocked_until: None });
        assert_eq!(
            p.attempt(5, Some(now), None, now),
            Attempt::Counted { failures: 6, blocked_until: Some(now + Duration::seconds(2)) },
            "the attempt past the free ones is let through and blocks the next"
        );
        let until = now + Duration::seconds(2);
        assert_eq!(p.attempt(6, Some(now), Some(until), now), Attempt::Refused { until });
        assert_eq!(
            p.attempt(6, Some(now), Some(until), until + Duration::seconds(1)),
            Attempt::Counted { failures: 7, blocked_until: Some(until + Duration::seconds(5)) },
            "once the block is over, one more attempt, and a longer block"
        );
    }

    #[test]
    fn requests_per_window() {
        let limit = RateLimit { name: "auth-requests", requests: 2, window: Duration::minutes(1) };
        let t0 = Utc::now();
        let (w, first) = limit.admit(None, t0);
        assert_eq!(first, None);
        let (w, second) = limit.admit(Some(w), t0 + Duration::seconds(1));
        assert_eq!(second, None);
        let (w, third) = limit.admit(Some(w), t0 + Duration::seconds(2));
        assert_eq!(third, Some(t0 + Duration::minutes(1)));
        let (_, later) = limit.admit(Some(w), t0 + Duration::minutes(1));
        assert_eq!(later, None, "a new window starts afresh");
    }

    #[test]
    fn old_failures_are_forgotten() {
        let p = ThrottlePolicy::ACCOUNT_ADDRESS;
        let now = Utc::now();
        assert_eq!(p.failures_after(9, Some(now - Duration::minutes(5)), now), 10);
        assert_eq!(p.failures_after(9, Some(now - Duration::hours(2)), now), 1);
        assert_eq!(p.failures_after(0, None, now), 1);
    }
}

//! Sign-in throttling: how long to wait after repeated failures.
//!
//! Failed passwords and codes count together. The first few failures are free (people mistype);
//! after that each failure doubles the wait, up to a cap. There is never a permanent lock, so an
//! attacker cannot lock the owner out for good, and failures older than the window are forgotten.

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

impl ThrottlePolicy {
    pub const ACCOUNT: ThrottlePolicy = ThrottlePolicy {
        name: "signin-account",
        free_failures: 5,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_and_is_capped() {
        let p = ThrottlePolicy::ACCOUNT;
        let now = Utc::now();
        assert_eq!(p.blocked_until(5, now), None);
        assert_eq!(p.blocked_until(6, now), Some(now + Duration::seconds(2)));
        assert_eq!(p.blocked_until(7, now), Some(now + Duration::seconds(4)));
        assert_eq!(p.blocked_until(60, now), Some(now + Duration::minutes(15)));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let p = ThrottlePolicy::ACCOUNT;
        let now = Utc::now();
        assert_eq!(p.failures_after(9, Some(now - Duration::minutes(5)), now), 10);
        assert_eq!(p.failures_after(9, Some(now - Duration::hours(2)), now), 1);
        assert_eq!(p.failures_after(0, None, now), 1);
    }
}

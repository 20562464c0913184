//! Messages waiting in the outbox: how they travel and where their delivery stands.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::TenantId;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Email, Self::Sms, Self::Webhook].into_iter().find(|c| c.as_str() == input)
    }
}

/// Where a message's delivery stands: `pending` until delivered (`sent`) or given up after the
/// last attempt (`dead`, until staff retry it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Pending,
    Sent,
    Dead,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Dead => "dead",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Dead].into_iter().find(|d| d.as_str() == input)
    }
}

/// A message in the outbox, with where its delivery stands.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub tenant_id: TenantId,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub language: Option<String>,
    pub status: Delivery,
    /// Attempts started so far (a claimed message counts as attempted).
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last failed attempt failed; kept after a later success, as history.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// What staff see when the body is sealed: the text with its secrets replaced.
    pub redacted_body: Option<String>,
}

/// What stands in a shown message for a secret it carries.
pub const REDACTED: &str = "[redacted]";

/// `text` with every secret in `secrets` replaced by `REDACTED`: what staff may read of a message
/// whose real body carries a link token or a code that would act for its recipient.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    secrets.iter().filter(|s| !s.is_empty()).fold(text.to_owned(), |text, secret| text.replace(secret, REDACTED))
}

/// When a failed message is tried again: after `base × 2^(attempts−1)`, at most `cap`, until
/// `max_attempts` have failed; then it is dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: i32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 8, base: Duration::seconds(30), cap: Duration::hours(1) }
    }
}

impl RetryPolicy {
    /// The time of the next attempt after attempt number `attempts` (1-based) failed at `now`,
    /// or `None` when that was the last one.
    pub fn retry_at(&self, attempts: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if attempts >= self.max_attempts {
            return None;
        }
        // 2^30 × any base already passes every sensible cap; the clamp keeps the shift defined.
        let factor = 1i32 << (attempts - 1).clamp(0, 30);
        let delay = self.base.checked_mul(factor).map_or(self.cap, |d| d.min(self.cap));
        Some(now + delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_replaces_every_secret_and_keeps_the_rest() {
        let text = "Accept: https://x/d/AAA\nReject: https://x/d/BBB\nAAA again";
        assert_eq!(
            redact(text, &["AAA", "BBB"]),
            "Accept: https://x/d/[redacted]\nReject: https://x/d/[redacted]\n[redacted] again"
        );
        assert_eq!(redact("code 123456", &[""]), "code 123456");
        assert_eq!(redact("no secret", &[]), "no secret");
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_then_gives_up() {
        let policy = RetryPolicy { max_attempts: 8, base: Duration::seconds(30), cap: Duration::hours(1) };
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let delays: Vec<Option<i64>> =
            (1..=8).map(|n| policy.retry_at(n, now).map(|t| (t - now).num_seconds())).collect();
        assert_eq!(delays, [Some(30), Some(60), Some(120), Some(240), Some(480), Some(960), Some(1920), None]);
        let capped = RetryPolicy { max_attempts: 100, ..policy };
        assert_eq!(capped.retry_at(8, now), Some(now + Duration::hours(1)));
        assert_eq!(capped.retry_at(99, now), Some(now + Duration::hours(1)));
        assert_eq!(capped.retry_at(100, now), None);
    }

    #[test]
    fn one_attempt_means_no_retry() {
        let policy = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
        assert_eq!(policy.retry_at(1, DateTime::<Utc>::UNIX_EPOCH), None);
    }

    #[test]
    fn channels_and_states_round_trip_through_their_names() {
        for c in [Channel::Email, Channel::Sms, Channel::Webhook] {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        for d in [Delivery::Pending, Delivery::Sent, Delivery::Dead] {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(Channel::parse("fax"), None);
        assert_eq!(Delivery::parse("bogus"), None);
    }
}

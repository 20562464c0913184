//! The webhook use cases: provider admins create, change, rotate and delete subscriptions; the
//! worker records each attempt and what it settles (a retry, a delivery given up, an endpoint
//! disabled after a day of failures and its owner told). Events are queued by `crate::events`.

use chrono::{DateTime, Duration, Utc};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::outbox::RetryPolicy;
use clientdesk_domain::webhooks::{self, Subscription, ROTATION_OVERLAP_HOURS};
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::webhooks::{self as store, AttemptRecord, Claimed, NewSubscription};
use clientdesk_persistence::{rmm, DbConnection};

use crate::crypto::secrets::new_webhook_secret;
use crate::Result;

/// Whether the tenant allows its own network (private, loopback and link-local targets): the
/// consent given on its RMM integration (`allow_private_targets`), the one setting for every
/// outgoing request of the tenant.
pub fn allows_private_targets(conn: &mut DbConnection, tenant: TenantId) -> Result<bool> {
    Ok(rmm::integration_of(conn, tenant)?.is_some_and(|i| i.allow_private_targets))
}

/// Creates a subscription with a fresh secret; returns it with the secret, which is shown this
/// once. Call inside a write transaction.
pub fn create(conn: &mut DbConnection, new: &NewSubscription, now: DateTime<Utc>) -> Result<(Subscription, String)> {
    let secret = new_webhook_secret();
    let subscription = store::create(conn, new, &secret, now)?;
    Ok((subscription, secret))
}

/// Replaces the secret; the one replaced keeps signing beside it for 24 hours, so that the
/// receiver can switch without refusing deliveries. Returns the new secret, shown this once. Call
/// inside a write transaction.
pub fn rotate(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(Subscription, String)> {
    let mut subscription = store::get(conn, tenant, id)?;
    subscription.updated_at = now;
    let secret = new_webhook_secret();
    store::rotate(conn, &subscription, &secret, now + Duration::hours(ROTATION_OVERLAP_HOURS))?;
    Ok((store::get(conn, tenant, id)?, secret))
}

/// Applies `edit` to a subscription and stores it. Switching it on again clears its failure
/// record, so it gets a full day again before it is disabled. Call inside a write transaction.
pub fn change(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: i64,
    now: DateTime<Utc>,
    edit: impl FnOnce(&mut Subscription),
) -> Result<Subscription> {
    let mut subscription = store::get(conn, tenant, id)?;
    let was_enabled = subscription.enabled;
    edit(&mut subscription);
    if subscription.enabled && !was_enabled {
        subscription.failing_since = None;
        subscription.disabled_reason = None;
    }
    subscription.updated_at = now;
    store::save(conn, &subscription)?;
    Ok(subscription)
}

/// How the worker settles deliveries.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    pub retry: RetryPolicy,
    /// How long an endpoint may fail without a success before it is disabled.
    pub disable_after: Duration,
}

impl Default for DeliveryPolicy {
    /// Fifteen attempts over a little more than a day (30 s doubling to a 4-hour cap), so that a
    /// delivery is given up about when its endpoint would be disabled.
    fn default() -> Self {
        Self {
            retry: RetryPolicy { max_attempts: 15, base: Duration::seconds(30), cap: Duration::hours(4) },
            disable_after: Duration::hours(webhooks::DISABLE_AFTER_HOURS),
        }
    }
}

/// One attempt as made: the record, whether it delivered, and whether a later attempt may pass.
pub struct Outcome {
    pub record: AttemptRecord,
    pub delivered: bool,
    pub permanent: bool,
}

/// Records an attempt of `delivery` and settles what follows: the delivery done, due again or
/// given up; the endpoint's failure record; and, after `disable_after` of failures without a
/// success, the endpoint disabled and its owner told by e-mail. Returns whether it was disabled.
/// Call inside a write transaction.
pub fn record(
    conn: &mut DbConnection,
    delivery: &Claimed,
    outcome: &Outcome,
    policy: &DeliveryPolicy,
    now: DateTime<Utc>,
) -> Result<bool> {
    let retry_at =
        if outcome.delivered || outcome.permanent { None } else { policy.retry.retry_at(delivery.attempts, now) };
    let mut subscription = match store::get(conn, TenantId(delivery.tenant_id), delivery.subscription_id) {
        // Deleted during the attempt, with its deliveries: nothing is left to record.
        Err(clientdesk_persistence::Error::NotFound) => return Ok(false),
        found => found?,
    };
    store::record_attempt(conn, delivery.id, &outcome.record, outcome.delivered, retry_at)?;
    if outcome.delivered {
        if subscription.failing_since.is_some() {
            subscription.failing_since = None;
            store::save(conn, &subscription)?;
        }
        return Ok(false);
    }
    let since = *subscription.failing_since.get_or_insert(outcome.record.at);
    let disable = subscription.enabled && webhooks::disable_after_failure(Some(since), now, policy.disable_after);
    if disable {
        subscription.enabled = false;
        subscription.disabled_reason = Some(format!(
            "Disabled at {}: every delivery attempt since {} failed.",
            now.format("%Y-%m-%d %H:%M UTC"),
            since.format("%Y-%m-%d %H:%M UTC")
        ));
        subscription.updated_at = now;
        tell_owner(conn, &subscription, outcome.record.error.as_deref().unwrap_or("no answer"), now)?;
    }
    store::save(conn, &subscription)?;
    Ok(disable)
}

/// E-mails the admin who created a subscription that it was disabled, through the outbox.
fn tell_owner(conn: &mut DbConnection, s: &Subscription, last_error: &str, now: DateTime<Utc>) -> Result<()> {
    let (email, language, disabled) = store::owner(conn, s)?;
    if disabled {
        return Ok(());
    }
    let language = clientdesk_domain::user::Language::parse(&language).unwrap_or(clientdesk_domain::user::Language::En);
    let since = s.failing_since.unwrap_or(now);
    let notice = clientdesk_domain::notifications::Notice::WebhookDisabled {
        url: &s.url,
        description: &s.description,
        since,
        last_error,
    };
    let rendered = notice.render(language);
    let message = NewMessage {
        tenant_id: s.tenant_id,
        channel: clientdesk_domain::outbox::Channel::Email,
        recipient: email,
        subject: rendered.subject,
        body: rendered.body,
        language: Some(language.as_str().to_owned()),
    };
    outbox::enqueue(conn, &message, now)?;
    Ok(())
}

//! Webhook subscriptions, their deliveries and each delivery's attempts. Secrets are sealed under
//! the tenant's data key (see `vault`), the row as associated data, and open only for signing.
//! Deliveries are claimed like the outbox's messages, except that a delivery waits while an
//! earlier one of its subscription with the same ordering key (a ticket) is still pending.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::webhooks::{DeliveryStatus, EventType, Subscription};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

use crate::schema::{users, webhook_attempts, webhook_deliveries, webhook_subscriptions};
use crate::{utc, vault, write_tx, Conn, DbConnection, Error, Page, Result};

/// Both secret columns are sealed with the row's identity under one name, so that a rotation
/// moves the sealed current secret to `previous_secret` as it is.
fn secret_identity(id: i64) -> String {
    vault::identity("webhook_subscriptions.secret", id)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions)]
struct SubscriptionRow {
    id: i64,
    tenant_id: i64,
    url: String,
    event_types: String,
    description: String,
    enabled: bool,
    internal: bool,
    created_by: i64,
    failing_since: Option<NaiveDateTime>,
    disabled_reason: Option<String>,
    previous_secret_until: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn types_json(types: &[EventType]) -> Result<String> {
    serde_json::to_string(types).map_err(|e| Error::Other(e.to_string()))
}

impl TryFrom<SubscriptionRow> for Subscription {
    type Error = Error;

    fn try_from(r: SubscriptionRow) -> Result<Self> {
        let event_types: Vec<EventType> = serde_json::from_str(&r.event_types)
            .map_err(|e| Error::Other(format!("webhook subscription {}: event types: {e}", r.id)))?;
        Ok(Subscription {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            url: r.url,
            event_types,
            description: r.description,
            enabled: r.enabled,
            internal: r.internal,
            created_by: r.created_by,
            failing_since: r.failing_since.map(utc),
            disabled_reason: r.disabled_reason,
            previous_secret_until: r.previous_secret_until.map(utc),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

/// A subscription to create.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub tenant_id: TenantId,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub description: String,
    pub enabled: bool,
    pub internal: bool,
    pub created_by: i64,
}

/// Stores a subscription with its `secret` sealed. Call inside a write transaction.
pub fn create(
    conn: &mut DbConnection,
    new: &NewSubscription,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Subscription> {
    let id: i64 = diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::tenant_id.eq(new.tenant_id.0),
            webhook_subscriptions::url.eq(&new.url),
            webhook_subscriptions::event_types.eq(types_json(&new.event_types)?),
            webhook_subscriptions::description.eq(&new.description),
            webhook_subscriptions::enabled.eq(new.enabled),
            webhook_subscriptions::internal.eq(new.internal),
            // Sealed below, once the row's id (its associated data) is known.
            webhook_subscriptions::secret.eq(""),
            webhook_subscriptions::created_by.eq(new.created_by),
            webhook_subscriptions::created_at.eq(now.naive_utc()),
            webhook_subscriptions::updated_at.eq(now.naive_utc()),
        ))
        .returning(webhook_subscriptions::id)
        .get_result(conn)?;
    let sealed = vault::seal(conn, new.tenant_id, &secret_identity(id), secret)?;
    diesel::update(webhook_subscriptions::table.find(id))
        .set(webhook_subscriptions::secret.eq(sealed))
        .execute(conn)?;
    get(conn, new.tenant_id, id)
}

/// One of the tenant's subscriptions.
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Subscription> {
    webhook_subscriptions::table
        .filter(webhook_subscriptions::tenant_id.eq(tenant.0))
        .filter(webhook_subscriptions::id.eq(id))
        .select(SubscriptionRow::as_select())
        .first::<SubscriptionRow>(conn)?
        .try_into()
}

/// The tenant's subscriptions in id order, after `after`.
pub fn list(conn: &mut DbConnection, tenant: TenantId, after: Option<i64>, limit: i64) -> Result<Page<Subscription>> {
    let rows: Vec<SubscriptionRow> = webhook_subscriptions::table
        .filter(webhook_subscriptions::tenant_id.eq(tenant.0))
        .filter(webhook_subscriptions::id.gt(after.unwrap_or(0)))
        .order(webhook_subscriptions::id)
        .limit(limit + 1)
        .select(SubscriptionRow::as_select())
        .load(conn)?;
    let items = rows.into_iter().map(Subscription::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |s| s.id))
}

/// The tenant's enabled subscriptions to `event`.
pub fn subscribers(conn: &mut DbConnection, tenant: TenantId, event: EventType) -> Result<Vec<Subscription>> {
    let rows: Vec<SubscriptionRow> = webhook_subscriptions::table
        .filter(webhook_subscriptions::tenant_id.eq(tenant.0))
        .filter(webhook_subscriptions::enabled.eq(true))
        .order(webhook_subscriptions::id)
        .select(SubscriptionRow::as_select())
        .load(conn)?;
    let subscriptions = rows.into_iter().map(Subscription::try_from).collect::<Result<Vec<_>>>()?;
    Ok(subscriptions.into_iter().filter(|s| s.wants(event)).collect())
}

/// Stores what may change of a subscription (address, types, description, switches, failure
/// state). Call inside a write transaction.
pub fn save(conn: &mut DbConnection, s: &Subscription) -> Result<()> {
    diesel::update(webhook_subscriptions::table.find(s.id).filter(webhook_subscriptions::tenant_id.eq(s.tenant_id.0)))
        .set((
            webhook_subscriptions::url.eq(&s.url),
            webhook_subscriptions::event_types.eq(types_json(&s.event_types)?),
            webhook_subscriptions::description.eq(&s.description),
            webhook_subscriptions::enabled.eq(s.enabled),
            webhook_subscriptions::internal.eq(s.internal),
            webhook_subscriptions::failing_since.eq(s.failing_since.map(|t| t.naive_utc())),
            webhook_subscriptions::disabled_reason.eq(&s.disabled_reason),
            webhook_subscriptions::updated_at.eq(s.updated_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the secret with `secret`; the one replaced keeps signing until `until`. Call inside a
/// write transaction.
pub fn rotate(conn: &mut DbConnection, s: &Subscription, secret: &str, until: DateTime<Utc>) -> Result<()> {
    let current: String = webhook_subscriptions::table.find(s.id).select(webhook_subscriptions::secret).first(conn)?;
    let sealed = vault::seal(conn, s.tenant_id, &secret_identity(s.id), secret)?;
    diesel::update(webhook_subscriptions::table.find(s.id))
        .set((
            webhook_subscriptions::secret.eq(sealed),
            webhook_subscriptions::previous_secret.eq(Some(current)),
            webhook_subscriptions::previous_secret_until.eq(Some(until.naive_utc())),
            webhook_subscriptions::updated_at.eq(s.updated_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes a subscription with its deliveries and their attempts. Call inside a write
/// transaction.
pub fn delete(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<()> {
    get(conn, tenant, id)?;
    let deliveries = || webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(id));
    let ids = deliveries().select(webhook_deliveries::id);
    diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(ids))).execute(conn)?;
    diesel::delete(deliveries()).execute(conn)?;
    diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)?;
    Ok(())
}

/// A subscription's secrets, opened: the current one, and the previous one with until when it
/// signs.
#[derive(Debug, Clone)]
pub struct Secrets {
    pub tenant: TenantId,
    pub current: String,
    pub previous: Option<String>,
    pub previous_until: Option<DateTime<Utc>>,
}

/// The secrets of a subscription, opened. A secret that does not open (another master key) fails
/// closed: `Other`.
pub fn secrets(conn: &mut DbConnection, id: i64) -> Result<Secrets> {
    let (tenant, secret, previous, until): (i64, String, Option<String>, Option<NaiveDateTime>) =
        webhook_subscriptions::table
            .find(id)
            .select((
                webhook_subscriptions::tenant_id,
                webhook_subscriptions::secret,
                webhook_subscriptions::previous_secret,
                webhook_subscriptions::previous_secret_until,
            ))
            .first(conn)?;
    let tenant = TenantId(tenant);
    let open = |stored: &str| {
        vault::open(tenant, &secret_identity(id), stored)
            .ok_or_else(|| Error::Other(format!("webhook subscription {id}: the secret does not open")))
    };
    Ok(Secrets {
        tenant,
        current: open(&secret)?,
        previous: previous.as_deref().map(open).transpose()?,
        previous_until: until.map(utc),
    })
}

/// The e-mail address and language of the admin who created a subscription.
pub fn owner(conn: &mut DbConnection, s: &Subscription) -> Result<(String, String, bool)> {
    Ok(users::table
        .filter(users::id.eq(s.created_by))
        .filter(users::tenant_id.eq(s.tenant_id.0))
        .select((users::email, users::language, users::disabled))
        .first(conn)?)
}

/// A delivery to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub tenant_id: TenantId,
    pub subscription_id: i64,
    pub event_id: &'a str,
    pub event_type: EventType,
    pub ordering_key: Option<&'a str>,
    pub body: &'a str,
}

/// Queues a delivery, due at once. Call inside the transaction of the change it reports.
pub fn enqueue(conn: &mut DbConnection, d: &NewDelivery<'_>, now: DateTime<Utc>) -> Result<i64> {
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::tenant_id.eq(d.tenant_id.0),
            webhook_deliveries::subscription_id.eq(d.subscription_id),
            webhook_deliveries::event_id.eq(d.event_id),
            webhook_deliveries::event_type.eq(d.event_type.as_str()),
            webhook_deliveries::ordering_key.eq(d.ordering_key),
            webhook_deliveries::body.eq(d.body),
            webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now.naive_utc()),
            webhook_deliveries::created_at.eq(now.naive_utc()),
        ))
        .returning(webhook_deliveries::id)
        .get_result(conn)?)
}

/// A delivery taken by a worker for one attempt.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub tenant_id: i64,
    #[diesel(sql_type = BigInt)]
    pub subscription_id: i64,
    #[diesel(sql_type = Text)]
    pub event_id: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    /// This attempt's number, from 1.
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

/// Binds: the lease's end, now, the batch size. A delivery is due when no earlier delivery of its
/// subscription with the same ordering key is pending (a NULL key orders nothing), and its
/// subscription is enabled; so only the head of each ticket's queue is ever taken.
const CLAIM_POSTGRES: &str = "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1 \
     WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id \
     WHERE d.status = 'pending' AND d.next_attempt_at <= $2 AND s.enabled \
     AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d.subscription_id \
     AND e.ordering_key = d.ordering_key AND e.status = 'pending' AND e.id < d.id) \
     ORDER BY d.next_attempt_at, d.id LIMIT $3 FOR UPDATE OF d SKIP LOCKED) \
     RETURNING id, tenant_id, subscription_id, event_id, body, attempts";
const CLAIM_SQLITE: &str = "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ? \
     WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id \
     WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND s.enabled \
     AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d.subscription_id \
     AND e.ordering_key = d.ordering_key AND e.status = 'pending' AND e.id < d.id) \
     ORDER BY d.next_attempt_at, d.id LIMIT ?) \
     RETURNING id, tenant_id, subscription_id, event_id, body, attempts";

/// Takes up to `limit` due deliveries for one attempt each, out of other workers' reach until
/// `now + lease` (longer than an attempt's timeout). Runs its own write transaction; an idle poll
/// takes no write lock.
pub fn claim(conn: &mut Conn, now: DateTime<Utc>, lease: Duration, limit: i64) -> Result<Vec<Claimed>> {
    let due = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(diesel::dsl::sql::<Text>("'pending'")))
        .filter(webhook_deliveries::next_attempt_at.le(now.naive_utc()))
        .select(webhook_deliveries::id)
        .first::<i64>(&mut **conn)
        .optional()?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let until = (now + lease).naive_utc();
    let mut claimed: Vec<Claimed> = write_tx(conn, |conn| -> Result<_> {
        Ok(match conn {
            DbConnection::Pg(pg) => diesel::sql_query(CLAIM_POSTGRES)
                .bind::<Timestamp, _>(until)
                .bind::<Timestamp, _>(now.naive_utc())
                .bind::<BigInt, _>(limit)
                .load(pg)?,
            DbConnection::Sqlite(sqlite) => diesel::sql_query(CLAIM_SQLITE)
                .bind::<Timestamp, _>(until)
                .bind::<Timestamp, _>(now.naive_utc())
                .bind::<BigInt, _>(limit)
                .load(sqlite)?,
        })
    })?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// One attempt's outcome, as recorded.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub at: DateTime<Utc>,
    pub response_status: Option<i32>,
    pub duration_ms: i64,
    pub error: Option<String>,
}

/// Errors longer than this are cut.
const MAX_ERROR_CHARS: usize = 1000;

/// Records an attempt and where its delivery stands after it: delivered, due again at
/// `retry_at`, or failed for good when neither. Call inside a write transaction.
pub fn record_attempt(
    conn: &mut DbConnection,
    delivery: i64,
    attempt: &AttemptRecord,
    delivered: bool,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let error: Option<String> = attempt.error.as_ref().map(|e| e.chars().take(MAX_ERROR_CHARS).collect());
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::delivery_id.eq(delivery),
            webhook_attempts::attempted_at.eq(attempt.at.naive_utc()),
            webhook_attempts::response_status.eq(attempt.response_status),
            webhook_attempts::duration_ms.eq(attempt.duration_ms),
            webhook_attempts::error.eq(&error),
        ))
        .execute(conn)?;
    let target = webhook_deliveries::table
        .find(delivery)
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()));
    if delivered {
        diesel::update(target)
            .set((
                webhook_deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
                webhook_deliveries::delivered_at.eq(Some(attempt.at.naive_utc())),
            ))
            .execute(conn)?;
    } else if let Some(at) = retry_at {
        diesel::update(target)
            .set((webhook_deliveries::next_attempt_at.eq(at.naive_utc()), webhook_deliveries::last_error.eq(&error)))
            .execute(conn)?;
    } else {
        diesel::update(target)
            .set((
                webhook_deliveries::status.eq(DeliveryStatus::Failed.as_str()),
                webhook_deliveries::last_error.eq(&error),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A delivery with its attempts, for the list.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub event_id: String,
    pub event_type: String,
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: Vec<AttemptRecord>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
struct DeliveryRow {
    id: i64,
    subscription_id: i64,
    event_id: String,
    event_type: String,
    body: String,
    status: String,
    next_attempt_at: NaiveDateTime,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    delivered_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
struct AttemptRow {
    delivery_id: i64,
    attempted_at: NaiveDateTime,
    response_status: Option<i32>,
    duration_ms: i64,
    error: Option<String>,
}

/// The deliveries of a subscription, newest first, before `before`, each with its attempts.
pub fn deliveries(
    conn: &mut DbConnection,
    tenant: TenantId,
    subscription: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Delivery>> {
    get(conn, tenant, subscription)?;
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::tenant_id.eq(tenant.0))
        .filter(webhook_deliveries::subscription_id.eq(subscription))
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(webhook_deliveries::id.lt(before));
    }
    let rows: Vec<DeliveryRow> =
        q.order(webhook_deliveries::id.desc()).limit(limit + 1).select(DeliveryRow::as_select()).load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let attempts: Vec<AttemptRow> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&ids))
        .order(webhook_attempts::id)
        .select(AttemptRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let status = DeliveryStatus::parse(&r.status)
                .ok_or_else(|| Error::Other(format!("webhook delivery {}: status {:?}", r.id, r.status)))?;
            Ok(Delivery {
                id: r.id,
                subscription_id: r.subscription_id,
                event_id: r.event_id,
                event_type: r.event_type,
                body: r.body,
                status,
                attempts: attempts
                    .iter()
                    .filter(|a| a.delivery_id == r.id)
                    .map(|a| AttemptRecord {
                        at: utc(a.attempted_at),
                        response_status: a.response_status,
                        duration_ms: a.duration_ms,
                        error: a.error.clone(),
                    })
                    .collect(),
                next_attempt_at: (status == DeliveryStatus::Pending).then(|| utc(r.next_attempt_at)),
                last_error: r.last_error,
                created_at: utc(r.created_at),
                delivered_at: r.delivered_at.map(utc),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |d| d.id))
}

/// Sends a delivered or failed delivery again: pending with a fresh set of attempts, due now, its
/// earlier attempts kept. `Conflict` while it is still pending. Call inside a write transaction.
pub fn redeliver(
    conn: &mut DbConnection,
    tenant: TenantId,
    subscription: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let status: String = webhook_deliveries::table
        .filter(webhook_deliveries::tenant_id.eq(tenant.0))
        .filter(webhook_deliveries::subscription_id.eq(subscription))
        .filter(webhook_deliveries::id.eq(id))
        .select(webhook_deliveries::status)
        .first(conn)?;
    if status == DeliveryStatus::Pending.as_str() {
        return Err(Error::Conflict("This delivery is still pending: it is being delivered already.".into()));
    }
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now.naive_utc()),
            webhook_deliveries::delivered_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// One delivery of a subscription, with its attempts.
pub fn delivery(conn: &mut DbConnection, tenant: TenantId, subscription: i64, id: i64) -> Result<Delivery> {
    // The page before `id + 1`, one item long, is the delivery itself when it is this one's.
    let page = deliveries(conn, tenant, subscription, Some(id + 1), 1)?;
    page.items.into_iter().find(|d| d.id == id).ok_or(Error::NotFound)
}

//! The outbox: messages written in the same transaction as the change that causes them, then
//! delivered by a worker (see the server's `outbox` module).

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::outbox::{Channel, Delivery, Message};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};

use crate::schema::outbox;
use crate::{utc, write_tx, Conn, DbConnection, Error, Page, Result};

/// A message to send. `recipient` is an e-mail address, a phone number or a URL by channel.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub tenant_id: TenantId,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// The recipient's language, where the message was written for a person.
    pub language: Option<String>,
}

/// Queues a message, due at once. Call it inside the transaction of the change it reports, so
/// the message exists exactly when the change does.
pub fn enqueue(conn: &mut DbConnection, message: &NewMessage, now: DateTime<Utc>) -> Result<i64> {
    insert(conn, message, None, now)
}

/// Queues a message whose `body` is sealed (it carries a secret), with `redacted`, what staff
/// are shown instead. The sealed body is wiped once the message is sent or dead.
pub fn enqueue_sealed(
    conn: &mut DbConnection,
    message: &NewMessage,
    redacted: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    insert(conn, message, Some(redacted), now)
}

fn insert(conn: &mut DbConnection, message: &NewMessage, redacted: Option<&str>, now: DateTime<Utc>) -> Result<i64> {
    let id = diesel::insert_into(outbox::table)
        .values((
            outbox::tenant_id.eq(message.tenant_id.0),
            outbox::channel.eq(message.channel.as_str()),
            outbox::recipient.eq(&message.recipient),
            outbox::subject.eq(&message.subject),
            outbox::body.eq(&message.body),
            outbox::language.eq(&message.language),
            outbox::status.eq(Delivery::Pending.as_str()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now.naive_utc()),
            outbox::created_at.eq(now.naive_utc()),
            outbox::redacted_body.eq(redacted),
        ))
        .returning(outbox::id)
        .get_result(conn)?;
    Ok(id)
}

/// A queued message that folds a ticket's events for one recipient, as a later event finds it.
#[derive(Debug, Clone)]
pub struct FoldWaiting {
    pub id: i64,
    pub attempts: i32,
    /// The folded messages so far (JSON), as stored with [`enqueue_folded`].
    pub state: String,
}

/// The newest pending message with `key`, if any.
pub fn fold_waiting(conn: &mut DbConnection, tenant: TenantId, key: &str) -> Result<Option<FoldWaiting>> {
    let row: Option<(i64, i32, Option<String>)> = outbox::table
        .filter(outbox::tenant_id.eq(tenant.0))
        .filter(outbox::fold_key.eq(key))
        .filter(outbox::status.eq(Delivery::Pending.as_str()))
        .order(outbox::id.desc())
        .select((outbox::id, outbox::attempts, outbox::fold_state))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, attempts, state)| FoldWaiting { id, attempts, state: state.unwrap_or_default() }))
}

/// Queues a message that later events may join (see [`join_folded`]), not sent before
/// `not_before`.
pub fn enqueue_folded(
    conn: &mut DbConnection,
    message: &NewMessage,
    key: &str,
    state: &str,
    not_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = insert(conn, message, None, now)?;
    diesel::update(outbox::table.find(id))
        .set((
            outbox::fold_key.eq(Some(key)),
            outbox::fold_state.eq(Some(state)),
            outbox::next_attempt_at.eq(not_before.naive_utc()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Rewrites the waiting message `id` with one more event folded in; `false` when a worker took
/// it in the meantime (then the event goes into a message of its own). Call inside a write
/// transaction.
pub fn join_folded(conn: &mut DbConnection, id: i64, subject: &str, body: &str, state: &str) -> Result<bool> {
    let untouched =
        outbox::table.find(id).filter(outbox::status.eq(Delivery::Pending.as_str())).filter(outbox::attempts.eq(0));
    let changed = diesel::update(untouched)
        .set((outbox::subject.eq(subject), outbox::body.eq(body), outbox::fold_state.eq(Some(state))))
        .execute(conn)?;
    Ok(changed == 1)
}

/// A message taken by a worker for one delivery attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub tenant_id: TenantId,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub language: Option<String>,
    /// This attempt's number, from 1.
    pub attempts: i32,
}

#[derive(QueryableByName)]
struct ClaimedRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    tenant_id: i64,
    #[diesel(sql_type = Text)]
    channel: String,
    #[diesel(sql_type = Text)]
    recipient: String,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Nullable<Text>)]
    language: Option<String>,
    #[diesel(sql_type = Integer)]
    attempts: i32,
}

fn channel(stored: &str) -> Result<Channel> {
    Channel::parse(stored).ok_or_else(|| Error::Other(format!("outbox: unknown channel {stored:?}")))
}

fn delivery(stored: &str) -> Result<Delivery> {
    Delivery::parse(stored).ok_or_else(|| Error::Other(format!("outbox: unknown status {stored:?}")))
}

impl TryFrom<ClaimedRow> for Claimed {
    type Error = Error;

    fn try_from(r: ClaimedRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            channel: channel(&r.channel)?,
            recipient: r.recipient,
            subject: r.subject,
            body: r.body,
            language: r.language,
            attempts: r.attempts,
        })
    }
}

/// Binds, in order: the lease's end, now, the batch size. The inner SELECT walks the partial
/// index of due messages; on PostgreSQL `SKIP LOCKED` makes concurrent workers take disjoint
/// batches instead of waiting for (and then re-taking) each other's rows.
const CLAIM_POSTGRES: &str = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 \
     WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
     ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
     RETURNING id, tenant_id, channel, recipient, subject, body, language, attempts";
/// SQLite has one writer at a time, so the IMMEDIATE transaction already excludes other workers.
const CLAIM_SQLITE: &str = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? \
     WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? \
     ORDER BY next_attempt_at, id LIMIT ?) \
     RETURNING id, tenant_id, channel, recipient, subject, body, language, attempts";

/// Takes up to `limit` due messages for one attempt each: counts the attempt and moves them out
/// of reach until `now + lease`, so a worker that dies mid-batch only delays its messages. The
/// worker renews the lease while it delivers (see [`renew`]), or a slow message could be sent
/// twice. Runs its own write
/// transaction; an idle poll takes no write lock.
pub fn claim(conn: &mut Conn, now: DateTime<Utc>, lease: Duration, limit: i64) -> Result<Vec<Claimed>> {
    // The status is written out, not bound, so that both planners see the partial index of due
    // messages applies (a bound value only matches it in a plan made for that value).
    let due = outbox::table
        .filter(outbox::status.eq(diesel::dsl::sql::<Text>("'pending'")))
        .filter(outbox::next_attempt_at.le(now.naive_utc()))
        .select(outbox::id)
        .first::<i64>(&mut **conn)
        .optional()?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let until = (now + lease).naive_utc();
    let rows: Vec<ClaimedRow> = write_tx(conn, |conn| -> Result<_> {
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
    let mut claimed = rows.into_iter().map(Claimed::try_from).collect::<Result<Vec<_>>>()?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Extends the lease of messages a worker is still delivering to `until`. Call inside a write
/// transaction; messages already settled are left as they are.
pub fn renew(conn: &mut DbConnection, ids: &[i64], until: DateTime<Utc>) -> Result<usize> {
    let pending = outbox::table.filter(outbox::id.eq_any(ids)).filter(outbox::status.eq(Delivery::Pending.as_str()));
    Ok(diesel::update(pending).set(outbox::next_attempt_at.eq(until.naive_utc())).execute(conn)?)
}

/// Errors longer than this are cut: an SMTP server may answer with a page of text.
const MAX_ERROR_CHARS: usize = 1000;

/// Records a delivered message. Call inside a write transaction; a message no longer pending
/// (delivered by a worker that took it after this one's lease ran out) is left as it is.
pub fn mark_sent(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq(Delivery::Pending.as_str())))
        .set((outbox::status.eq(Delivery::Sent.as_str()), outbox::sent_at.eq(Some(now.naive_utc()))))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or dead when `None`. Call inside a write
/// transaction; a message no longer pending is left as it is.
pub fn mark_failed(conn: &mut DbConnection, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()> {
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let target = outbox::table.find(id).filter(outbox::status.eq(Delivery::Pending.as_str()));
    match retry_at {
        Some(at) => diesel::update(target)
            .set((outbox::next_attempt_at.eq(at.naive_utc()), outbox::last_error.eq(Some(error))))
            .execute(conn)?,
        None => diesel::update(target)
            .set((outbox::status.eq(Delivery::Dead.as_str()), outbox::last_error.eq(Some(error))))
            .execute(conn)?,
    };
    Ok(())
}

/// What a sealed body becomes once its message is sent or dead: the secret it carried is kept
/// no longer than its delivery needs.
pub const SEALED_BODY_REMOVED: &str = "[sealed content removed after delivery]";

/// Replaces the body of a message that is sent or dead with `SEALED_BODY_REMOVED`. Call inside
/// the transaction that records the outcome.
pub fn remove_body(conn: &mut DbConnection, id: i64) -> Result<()> {
    diesel::update(outbox::table.find(id).filter(outbox::status.ne(Delivery::Pending.as_str())))
        .set(outbox::body.eq(SEALED_BODY_REMOVED))
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct MessageRow {
    id: i64,
    tenant_id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    language: Option<String>,
    status: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    redacted_body: Option<String>,
}

impl TryFrom<MessageRow> for Message {
    type Error = Error;
    fn try_from(row: MessageRow) -> Result<Self> {
        Ok(Message {
            id: row.id,
            tenant_id: TenantId(row.tenant_id),
            channel: channel(&row.channel)?,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
            language: row.language,
            status: delivery(&row.status)?,
            attempts: row.attempts,
            next_attempt_at: utc(row.next_attempt_at),
            last_error: row.last_error,
            created_at: utc(row.created_at),
            sent_at: row.sent_at.map(utc),
            redacted_body: row.redacted_body,
        })
    }
}

/// The tenant's messages, newest first, before `before` (a message id), optionally of one
/// status and one channel.
pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    status: Option<Delivery>,
    channel: Option<Channel>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Message>> {
    let mut q = outbox::table.filter(outbox::tenant_id.eq(tenant.0)).into_boxed();
    if let Some(status) = status {
        q = q.filter(outbox::status.eq(status.as_str()));
    }
    if let Some(channel) = channel {
        q = q.filter(outbox::channel.eq(channel.as_str()));
    }
    if let Some(before) = before {
        q = q.filter(outbox::id.lt(before));
    }
    let rows: Vec<MessageRow> =
        q.order(outbox::id.desc()).limit(limit + 1).select(MessageRow::as_select()).load(conn)?;
    let messages = rows.into_iter().map(Message::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(messages, limit, |m| m.id))
}

/// One of the tenant's messages.
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Message> {
    outbox::table
        .filter(outbox::tenant_id.eq(tenant.0))
        .filter(outbox::id.eq(id))
        .select(MessageRow::as_select())
        .first::<MessageRow>(conn)?
        .try_into()
}

/// Why a message cannot be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRetried {
    /// Only a dead message is retried; this one is pending or sent.
    NotDead(Delivery),
    /// It held a secret (a code, a password) that was wiped when it died: sending it again would
    /// deliver the placeholder.
    SecretWiped,
}

/// Gives a dead message a fresh set of attempts, due at once; returns it, or why it cannot be
/// retried. `NotFound` when the tenant has no such message. Call inside a write transaction.
pub fn retry(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Message, NotRetried>> {
    let revived = diesel::update(
        outbox::table
            .filter(outbox::tenant_id.eq(tenant.0))
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(Delivery::Dead.as_str()))
            .filter(outbox::body.ne(SEALED_BODY_REMOVED)),
    )
    .set((
        outbox::status.eq(Delivery::Pending.as_str()),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    let message = get(conn, tenant, id)?;
    if revived == 0 {
        return Ok(Err(if message.status != Delivery::Dead {
            NotRetried::NotDead(message.status)
        } else {
            NotRetried::SecretWiped
        }));
    }
    Ok(Ok(message))
}

/// How many of the tenant's messages are in `status`.
pub fn count(conn: &mut DbConnection, tenant: TenantId, status: Delivery) -> Result<i64> {
    Ok(outbox::table
        .filter(outbox::tenant_id.eq(tenant.0))
        .filter(outbox::status.eq(status.as_str()))
        .count()
        .get_result(conn)?)
}

//! The outbox: messages written in the same transaction as the change that causes them, then
//! delivered by a worker (see the server's `outbox` module).

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::outbox::{Channel, Delivery};
use diesel::prelude::*;

use crate::schema::outbox;
use crate::{DbConnection, Result};

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
        ))
        .returning(outbox::id)
        .get_result(conn)?;
    Ok(id)
}

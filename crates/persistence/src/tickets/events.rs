//! A ticket's history: what changed, who changed it and when.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::tickets::{Change, Ticket, TicketEvent};
use diesel::prelude::*;

use crate::db::{per_backend, Prepared};
use crate::schema::ticket_events;
use crate::{utc, DbConnection, Result};

pub fn record_events(
    conn: &mut DbConnection,
    ticket: &Ticket,
    actor: Option<UserId>,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<()> {
    for change in changes {
        per_backend!(conn, |c| Prepared(diesel::insert_into(ticket_events::table).values((
            ticket_events::tenant_id.eq(ticket.tenant_id.0),
            ticket_events::ticket_id.eq(ticket.id),
            ticket_events::actor_id.eq(actor.map(|u| u.0)),
            ticket_events::kind.eq(change.kind),
            ticket_events::field.eq(&change.field),
            ticket_events::old_value.eq(&change.old_value),
            ticket_events::new_value.eq(&change.new_value),
            ticket_events::internal.eq(change.internal),
            ticket_events::created_at.eq(now.naive_utc()),
        )))
        .execute(c))?;
    }
    Ok(())
}

type EventRow = (i64, Option<i64>, String, Option<String>, Option<String>, Option<String>, bool, NaiveDateTime);

/// The history of a ticket, oldest first; `with_internal` includes staff-only lines.
/// A page of the ticket's history, oldest first: at most `limit` events after the event `after`.
pub fn events(
    conn: &mut DbConnection,
    ticket: i64,
    with_internal: bool,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<TicketEvent>> {
    let mut q = ticket_events::table.filter(ticket_events::ticket_id.eq(ticket)).into_boxed();
    if !with_internal {
        q = q.filter(ticket_events::internal.eq(false));
    }
    if let Some(after) = after {
        q = q.filter(ticket_events::id.gt(after));
    }
    let rows: Vec<EventRow> = q
        .order(ticket_events::id)
        .limit(limit)
        .select((
            ticket_events::id,
            ticket_events::actor_id,
            ticket_events::kind,
            ticket_events::field,
            ticket_events::old_value,
            ticket_events::new_value,
            ticket_events::internal,
            ticket_events::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, actor, kind, field, old_value, new_value, internal, at)| TicketEvent {
            id,
            actor_id: actor.map(UserId),
            kind,
            field,
            old_value,
            new_value,
            internal,
            created_at: utc(at),
        })
        .collect())
}

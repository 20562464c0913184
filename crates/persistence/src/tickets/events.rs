//! A ticket's history: what changed, who changed it and when.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::sla_trail;
use clientdesk_domain::tickets::{Change, Ticket, TicketEvent};
use diesel::prelude::*;

use crate::db::{per_backend, Prepared};
use crate::schema::{ticket_events, tickets, users};
use crate::{utc, DbConnection, Result};

/// Writes history lines of a ticket, and appends those the SLA reads to its trail (see
/// `sla_trail`) in the same transaction; returns what it appended.
pub fn record_events(
    conn: &mut DbConnection,
    ticket: &Ticket,
    actor: Option<UserId>,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<String> {
    let by_staff = match actor {
        Some(actor) if changes.iter().any(sla_trail::needs_author) => is_staff(conn, actor)?,
        _ => false,
    };
    let trail: String = changes.iter().filter_map(|c| sla_trail::entry(c, by_staff, now)).collect();
    if !trail.is_empty() {
        diesel::update(tickets::table.filter(tickets::id.eq(ticket.id)))
            .set(tickets::sla_trail.eq(tickets::sla_trail.concat(&trail)))
            .execute(conn)?;
    }
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
    Ok(trail)
}

fn is_staff(conn: &mut DbConnection, user: UserId) -> Result<bool> {
    let role: Option<Option<String>> =
        users::table.filter(users::id.eq(user.0)).select(users::staff_role).first(conn).optional()?;
    Ok(matches!(role, Some(Some(_))))
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

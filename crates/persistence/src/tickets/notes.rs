//! Notes on tickets, public or internal.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::tickets::{Change, Ticket, TicketNote};
use diesel::prelude::*;

use super::events::record_events;
use super::row::ticket_time;
use super::write::touch;
use crate::schema::ticket_notes;
use crate::{utc, DbConnection, Result};

/// Adds a note, records it in the history and marks the ticket changed.
pub fn add_note(
    conn: &mut DbConnection,
    ticket: &Ticket,
    author: UserId,
    body: &str,
    internal: bool,
    now: DateTime<Utc>,
) -> Result<TicketNote> {
    let now = ticket_time(now);
    let id: i64 = diesel::insert_into(ticket_notes::table)
        .values((
            ticket_notes::tenant_id.eq(ticket.tenant_id.0),
            ticket_notes::ticket_id.eq(ticket.id),
            ticket_notes::author_id.eq(author.0),
            ticket_notes::body.eq(body),
            ticket_notes::internal.eq(internal),
            ticket_notes::created_at.eq(now.naive_utc()),
        ))
        .returning(ticket_notes::id)
        .get_result(conn)?;
    let change = Change { kind: "note", field: None, old_value: None, new_value: Some(id.to_string()), internal };
    record_events(conn, ticket, Some(author), &[change], now)?;
    touch(conn, ticket.id, now)?;
    Ok(TicketNote { id, ticket_id: ticket.id, author_id: author, body: body.to_owned(), internal, created_at: now })
}

/// The notes of a ticket, oldest first, after `after`; `with_internal` includes internal ones.
pub fn notes(
    conn: &mut DbConnection,
    ticket: i64,
    with_internal: bool,
    after: Option<i64>,
    limit: i64,
) -> Result<crate::Page<TicketNote>> {
    let mut q = ticket_notes::table.filter(ticket_notes::ticket_id.eq(ticket)).into_boxed();
    if !with_internal {
        q = q.filter(ticket_notes::internal.eq(false));
    }
    if let Some(after) = after {
        q = q.filter(ticket_notes::id.gt(after));
    }
    let rows: Vec<(i64, i64, String, bool, NaiveDateTime)> = q
        .order(ticket_notes::id)
        .limit(limit + 1)
        .select((
            ticket_notes::id,
            ticket_notes::author_id,
            ticket_notes::body,
            ticket_notes::internal,
            ticket_notes::created_at,
        ))
        .load(conn)?;
    let notes = rows
        .into_iter()
        .map(|(id, author, body, internal, at)| TicketNote {
            id,
            ticket_id: ticket,
            author_id: UserId(author),
            body,
            internal,
            created_at: utc(at),
        })
        .collect();
    Ok(crate::Page::from_rows(notes, limit, |n| n.id))
}

/// A note of `ticket`: whether it exists there and is internal.
pub fn note_is_internal(conn: &mut DbConnection, ticket: i64, note: i64) -> Result<bool> {
    Ok(ticket_notes::table
        .filter(ticket_notes::id.eq(note))
        .filter(ticket_notes::ticket_id.eq(ticket))
        .select(ticket_notes::internal)
        .first(conn)?)
}

/// The ids of a ticket's internal notes (whose attachments customers never see).
pub fn internal_note_ids(conn: &mut DbConnection, ticket: i64) -> Result<Vec<i64>> {
    Ok(ticket_notes::table
        .filter(ticket_notes::ticket_id.eq(ticket))
        .filter(ticket_notes::internal.eq(true))
        .select(ticket_notes::id)
        .load(conn)?)
}

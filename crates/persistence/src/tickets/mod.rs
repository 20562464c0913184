//! Tickets with their notes and history, the per-tenant ticket numbers and the ticket settings.
//!
//! This module reads single tickets; writing them is in `write`, lists and searches in `list` and
//! `search`, the history in `events`, notes in `notes` and the tenant's settings in `settings`.

mod events;
mod list;
mod notes;
mod search;
mod settings;
mod write;

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::tickets::{Priority, Status, Ticket};
use diesel::prelude::*;

use crate::db::per_backend;
use crate::schema::{tenants, tickets, users};
use crate::session::AccessVersion;
use crate::stamp::Stamp;
use crate::{utc, DbConnection, Error, Result};

pub use events::{events, record_events};
pub use list::{list, Page, Position, SortKey, TicketFilter};
pub use notes::{add_note, internal_note_ids, note_is_internal, notes};
pub use search::SearchWord;
pub use settings::{put_settings, settings};
pub use write::{create, open, reserve_number, save, touch, NewTicket};

/// Ticket times are kept to the microsecond, PostgreSQL's precision, so that a keyset cursor taken
/// from a time compares the same on both databases.
pub fn ticket_time(now: DateTime<Utc>) -> DateTime<Utc> {
    now.trunc_subsecs(6)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tickets)]
struct TicketRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    number: i64,
    title: String,
    description: String,
    status: String,
    priority: i32,
    provider_priority: Option<i32>,
    request_type_id: Option<i64>,
    queue_id: Option<i64>,
    requester_id: i64,
    contact_id: Option<i64>,
    assignee_id: Option<i64>,
    device_id: Option<i64>,
    due_at: Option<Stamp>,
    worked_minutes: i64,
    billed_minutes: i64,
    billed: bool,
    custom_values: String,
    version: i64,
    created_at: Stamp,
    updated_at: Stamp,
    closed_at: Option<Stamp>,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = Error;
    fn try_from(row: TicketRow) -> Result<Self> {
        let bad = |what: &str| Error::Other(format!("ticket {}: bad {what}", row.id));
        Ok(Ticket {
            id: row.id,
            tenant_id: TenantId(row.tenant_id),
            company_id: CompanyId(row.company_id),
            number: row.number,
            status: Status::parse(&row.status).ok_or_else(|| bad("status"))?,
            priority: Priority::from_rank(row.priority).ok_or_else(|| bad("priority"))?,
            provider_priority: row.provider_priority.and_then(Priority::from_rank),
            custom_values: serde_json::from_str(&row.custom_values).map_err(|_| bad("custom values"))?,
            title: row.title,
            description: row.description,
            request_type_id: row.request_type_id,
            queue_id: row.queue_id,
            requester_id: UserId(row.requester_id),
            contact_id: row.contact_id.map(UserId),
            assignee_id: row.assignee_id.map(UserId),
            device_id: row.device_id,
            due_at: row.due_at.map(|s| utc(s.0)),
            worked_minutes: row.worked_minutes,
            billed_minutes: row.billed_minutes,
            billed: row.billed,
            version: row.version,
            created_at: utc(row.created_at.0),
            updated_at: utc(row.updated_at.0),
            closed_at: row.closed_at.map(|s| utc(s.0)),
        })
    }
}

fn json(values: &BTreeMap<String, serde_json::Value>) -> Result<String> {
    serde_json::to_string(values).map_err(|e| Error::Other(e.to_string()))
}

/// A ticket of `tenant`; another tenant's ticket is `NotFound`.
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Ticket> {
    let row: TicketRow = per_backend!(conn, |c| tickets::table
        .filter(tickets::id.eq(id))
        .filter(tickets::tenant_id.eq(tenant.0))
        .select(TicketRow::as_select())
        .first(c))?;
    row.try_into()
}

/// The people a ticket names: its requester, contact and assignee, with their names and whether
/// each is staff.
pub type People = Vec<(UserId, String, bool)>;

/// A ticket of `tenant` with the names of the people on it, and the access versions of `caller`'s
/// session (`None` once the user is gone), in one query: reading a ticket is the most frequent
/// request, and its names, then the caller's versions (see `session_cache`), each took a round
/// trip of their own.
pub fn get_named(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: i64,
    caller: UserId,
) -> Result<(Ticket, People, Option<AccessVersion>)> {
    let (contacts, assignees, callers) = diesel::alias!(users as contacts, users as assignees, users as callers);
    type Person = (String, Option<String>);
    type Row = (TicketRow, Person, Option<Person>, Option<Person>, Option<i64>, Option<i64>);
    let (row, requester, contact, assignee, user_version, tenant_version): Row =
        per_backend!(conn, |c| tickets::table
            .inner_join(users::table.on(users::id.eq(tickets::requester_id)))
            .left_join(contacts.on(tickets::contact_id.eq(contacts.field(users::id).nullable())))
            .left_join(assignees.on(tickets::assignee_id.eq(assignees.field(users::id).nullable())))
            .filter(tickets::id.eq(id))
            .filter(tickets::tenant_id.eq(tenant.0))
            .select((
                TicketRow::as_select(),
                (users::name, users::staff_role),
                contacts.fields((users::name, users::staff_role)).nullable(),
                assignees.fields((users::name, users::staff_role)).nullable(),
                callers
                    .filter(callers.field(users::id).eq(caller.0))
                    .filter(callers.field(users::tenant_id).eq(tenant.0))
                    .select(callers.field(users::access_version))
                    .single_value(),
                tenants::table.filter(tenants::id.eq(tenant.0)).select(tenants::access_version).single_value(),
            ))
            .first(c))?;
    let version = user_version.zip(tenant_version).map(|(user, tenant)| AccessVersion { user, tenant });
    let ticket = Ticket::try_from(row)?;
    let mut people = vec![(ticket.requester_id, requester.0, requester.1.is_some())];
    for (id, person) in [(ticket.contact_id, contact), (ticket.assignee_id, assignee)] {
        if let (Some(id), Some((name, staff))) = (id, person) {
            people.push((id, name, staff.is_some()));
        }
    }
    Ok((ticket, people, version))
}

//! Reading one ticket: alone, or with the names of the people on it.

use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::tickets::Ticket;
use diesel::prelude::*;

use super::row::TicketRow;
use crate::db::per_backend;
use crate::schema::{tenants, tickets, users};
use crate::session::AccessVersion;
use crate::{DbConnection, Result};

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
/// request, and its names, then the caller's versions (see `clientdesk_app::cache::session`), each took a round
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

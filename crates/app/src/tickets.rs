//! The ticket use cases: open a ticket, change it, close and reopen it. Each loads what the rules
//! of `clientdesk_domain::tickets` and `clientdesk_domain::ticket_access` need, applies them, and
//! stores the result with its history. Reading a ticket needs no use case: the HTTP layer loads
//! it and asks `ticket_access::reading`.

use chrono::{DateTime, Utc};
use clientdesk_domain::entities::{Tenant, User};
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::principal::Principal;
use clientdesk_domain::ticket_access::{self, ChangeRefused, Membership, Reading, Viewer};
use clientdesk_domain::tickets::{
    self, Change, Changes, CustomField, Draft, Input, Moment, Priority, Status, StatusRequest, Ticket, TicketSettings,
    TransitionRefused,
};
use clientdesk_domain::DomainError;
use clientdesk_persistence::catalog::Entry;
use clientdesk_persistence::tickets::{self as store, NewTicket, People};
use clientdesk_persistence::{companies, users, write_tx, Conn, DbConnection};

use crate::events::{self, Event};
use crate::notify::LinkSettings;
use crate::ticket_notices::{self, Happened};
use crate::{Error, Result};

impl From<ChangeRefused> for Error {
    fn from(refused: ChangeRefused) -> Self {
        match refused {
            ChangeRefused::ReadOnly(denied) => Self::Denied(denied),
            ChangeRefused::Billed => Self::conflict("conflict-ticket-billed"),
        }
    }
}

impl From<TransitionRefused> for Error {
    fn from(refused: TransitionRefused) -> Self {
        match refused {
            TransitionRefused::NotClosed => Self::conflict("conflict-ticket-not-closed"),
            TransitionRefused::Denied(denied) => Self::Denied(denied),
        }
    }
}

/// Who asks, as the ticket rules need it.
pub struct Actor<'a> {
    pub principal: &'a Principal,
    pub tenant: &'a Tenant,
    /// A portal user's memberships in the companies whose portal is on.
    pub memberships: Vec<Membership<'a>>,
}

impl Actor<'_> {
    fn membership(&self, company: CompanyId) -> Option<&Membership<'_>> {
        self.memberships.iter().find(|m| m.company == company)
    }
}

/// The tenant's ticket catalogue, as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct Catalogue<'a> {
    pub settings: &'a TicketSettings,
    pub custom_fields: &'a [CustomField],
    pub request_types: &'a [Entry],
    pub queues: &'a [Entry],
}

fn active(entries: &[Entry], id: i64) -> bool {
    entries.iter().any(|e| e.id == id && e.active)
}

/// A new ticket, checked and numbered, and how its creator will see it.
pub struct Opening {
    pub ticket: NewTicket,
    pub reading: Reading,
}

/// Checks a new ticket against the caller's roles, the tenant's field visibility, the company's
/// request types and members and the catalogue, then takes its number (`store::reserve_number`,
/// a statement of its own: call it outside any transaction). It writes nothing else; the ticket
/// is written by [`open`] or [`open_within`].
pub fn prepare_opening(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    catalogue: Catalogue<'_>,
    company: CompanyId,
    draft: Draft,
) -> Result<Opening> {
    actor.principal.require_writable()?;
    let settings = catalogue.settings;
    let (viewer, requester) = if actor.principal.is_staff() {
        companies::get(conn, actor.tenant.id, company)?;
        let requester =
            draft.requester_id.ok_or_else(|| DomainError::new("requester_id", "rule-requester-required-for-staff"))?;
        (Viewer::Staff, member_of(conn, requester, company, Input::Requester)?)
    } else {
        let member = actor.membership(company).ok_or(Error::NotFound)?;
        ticket_access::require_ticketing(member.settings)?;
        tickets::may_open(member.roles)?;
        let viewer = Viewer::Member { roles: member.roles.clone(), settings: member.settings.clone() };
        if draft.requester_id.is_some() {
            tickets::may_set(&viewer, settings, Input::Requester, Moment::Opening)?;
        }
        (viewer, actor.principal.user_id)
    };
    let may_set = |input| tickets::may_set(&viewer, settings, input, Moment::Opening);
    if draft.priority.is_some() {
        may_set(Input::Priority)?;
    }
    if draft.provider_priority.is_some() {
        may_set(Input::ProviderPriority)?;
    }
    if let Some(id) = draft.request_type_id {
        may_set(Input::RequestType)?;
        check_request_type(conn, actor, catalogue, company, id)?;
    }
    let contact = match draft.contact_id {
        Some(id) => {
            may_set(Input::Contact)?;
            Some(member_of(conn, id, company, Input::Contact)?)
        }
        None => None,
    };
    tickets::check_custom_input(catalogue.custom_fields, &draft.custom_fields, &viewer, Moment::Opening)?;
    let mut custom_values = draft.custom_fields;
    custom_values.retain(|_, v| !v.is_null());
    let mut ticket = NewTicket {
        tenant_id: actor.tenant.id,
        company_id: company,
        title: tickets::title(&draft.title)?,
        description: draft.description,
        priority: draft.priority.unwrap_or(Priority::Normal),
        provider_priority: draft.provider_priority,
        request_type_id: draft.request_type_id,
        requester_id: requester,
        contact_id: contact,
        device_id: actor.principal.device,
        custom_values,
        number: None,
    };
    let reading = ticket_access::creator_reading(actor.principal, viewer);
    ticket.number = store::reserve_number(conn, actor.tenant.id)?;
    Ok(Opening { ticket, reading })
}

/// Who opens a ticket, and what its messages need: the requester, or staff on a member's behalf.
pub struct Opener<'a> {
    pub user: &'a User,
    pub tenant: &'a Tenant,
    pub links: &'a LinkSettings,
}

/// Writes a checked ticket and the messages it causes in one write transaction.
pub fn open(conn: &mut Conn, ticket: NewTicket, by: &Opener<'_>, now: DateTime<Utc>) -> Result<Ticket> {
    write_tx(conn, |conn| open_within(conn, ticket, by, now))
}

/// Writes a checked ticket and the messages it causes within the caller's write transaction (an
/// `Idempotency-Key` request, whose answer is stored with it).
pub fn open_within(conn: &mut DbConnection, ticket: NewTicket, by: &Opener<'_>, now: DateTime<Utc>) -> Result<Ticket> {
    let ticket = store::create(conn, ticket, Some(by.user.id), now)?;
    ticket_notices::ticket_event(conn, by.tenant, by.links, &ticket, by.user, Happened::Opened, now)?;
    events::emit(conn, ticket.tenant_id, Event::TicketCreated(&ticket))?;
    Ok(ticket)
}

/// A change asked of a ticket.
#[derive(Debug, Clone)]
pub enum Edit {
    Fields(Changes),
    Status(StatusRequest),
}

/// A ticket after a change (or unchanged, when nothing was to change), with the names of its
/// people as read and how the caller sees it.
pub struct Changed {
    pub ticket: Ticket,
    /// The status before the change.
    pub previous_status: Status,
    pub people: People,
    pub reading: Reading,
}

/// How many times a change without `If-Match` is applied again to a ticket others changed first.
const ATTEMPTS: usize = 5;

/// Loads the ticket, checks the caller may change it and the precondition (`if_match`: whether
/// the version it sent matches, when it sent one), applies `edit` and saves with the version
/// read, recording the history. Without `If-Match`, a concurrent change is not an error: the edit
/// is applied again to the fresh ticket (READ COMMITTED lets the retry see it). Call inside a
/// write transaction.
pub fn change(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    catalogue: Catalogue<'_>,
    id: i64,
    if_match: Option<&dyn Fn(i64) -> bool>,
    edit: &Edit,
) -> Result<Changed> {
    let user = actor.principal.user_id;
    for _ in 0..ATTEMPTS {
        let (mut ticket, people, _) = store::get_named(conn, actor.tenant.id, id, user)?;
        let memberships = actor.memberships.iter().copied();
        let reading =
            ticket_access::reading(actor.principal, memberships, &ticket, catalogue.settings).ok_or(Error::NotFound)?;
        ticket_access::may_change(&reading.viewer, reading.may_update, &ticket)?;
        if if_match.is_some_and(|matches| !matches(ticket.version)) {
            return Err(Error::PreconditionFailed);
        }
        let (version, previous_status) = (ticket.version, ticket.status);
        let changes = match edit {
            Edit::Fields(changes) => apply(conn, actor, catalogue, &reading.viewer, &mut ticket, changes)?,
            Edit::Status(request) => {
                match tickets::transition(&reading.viewer, catalogue.settings, ticket.status, *request)? {
                    Some(status) => vec![set_status(&mut ticket, status, Utc::now())],
                    None => Vec::new(),
                }
            }
        };
        if changes.is_empty() {
            return Ok(Changed { previous_status: ticket.status, ticket, people, reading });
        }
        let now = store::ticket_time(Utc::now());
        ticket.updated_at = now;
        if store::save(conn, &ticket, version)? {
            let appended = store::record_events(conn, &ticket, Some(user), &changes, now)?;
            ticket.sla_trail.push_str(&appended);
            events::emit(conn, ticket.tenant_id, Event::TicketChanged(&ticket, &changes))?;
            ticket.version = version + 1;
            return Ok(Changed { ticket, previous_status, people, reading });
        }
        if if_match.is_some() {
            return Err(Error::PreconditionFailed);
        }
    }
    Err(Error::conflict("conflict-ticket-busy"))
}

/// Sets the status (`closed_at` in step, as stored); the history line it makes.
pub fn set_status(ticket: &mut Ticket, status: Status, now: DateTime<Utc>) -> Change {
    let old = ticket.set_status(status, store::ticket_time(now));
    Change::field("status", Some(old.as_str().to_owned()), Some(status.as_str().to_owned()))
}

fn shown<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// Applies `changes` to the loaded ticket as `viewer` may; the history lines of what really
/// changed.
fn apply(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    catalogue: Catalogue<'_>,
    viewer: &Viewer,
    t: &mut Ticket,
    changes: &Changes,
) -> Result<Vec<Change>> {
    let may_set = |input| tickets::may_set(viewer, catalogue.settings, input, Moment::Changing);
    let company = t.company_id;
    let mut lines = Vec::new();
    if let Some(v) = &changes.title {
        may_set(Input::Title)?;
        let v = tickets::title(v)?;
        if v != t.title {
            lines.push(Change::field("title", Some(t.title.clone()), Some(v.clone())));
            t.title = v;
        }
    }
    if let Some(v) = &changes.description {
        may_set(Input::Description)?;
        if *v != t.description {
            lines.push(Change::field("description", Some(t.description.clone()), Some(v.clone())));
            t.description = v.clone();
        }
    }
    if let Some(v) = changes.priority {
        may_set(Input::Priority)?;
        if v != t.priority {
            lines.push(Change::field("priority", Some(t.priority.as_str().into()), Some(v.as_str().into())));
            t.priority = v;
        }
    }
    if let Some(v) = changes.provider_priority {
        may_set(Input::ProviderPriority)?;
        if v != t.provider_priority {
            let name = |p: Option<Priority>| p.map(|p| p.as_str().to_owned());
            lines.push(Change::field("provider_priority", name(t.provider_priority), name(v)));
            t.provider_priority = v;
        }
    }
    if let Some(v) = changes.request_type_id {
        may_set(Input::RequestType)?;
        if let Some(id) = v {
            check_request_type(conn, actor, catalogue, company, id)?;
        }
        if v != t.request_type_id {
            lines.push(Change::field("request_type", shown(t.request_type_id), shown(v)));
            t.request_type_id = v;
        }
    }
    if let Some(v) = changes.queue_id {
        may_set(Input::Queue)?;
        if v.is_some_and(|id| !active(catalogue.queues, id)) {
            return Err(DomainError::new("queue_id", "rule-queue-inactive").into());
        }
        if v != t.queue_id {
            lines.push(Change::field("queue", shown(t.queue_id), shown(v)));
            t.queue_id = v;
        }
    }
    if let Some(v) = changes.contact_id {
        may_set(Input::Contact)?;
        let v = v.map(|id| member_of(conn, id, company, Input::Contact)).transpose()?;
        if v != t.contact_id {
            lines.push(Change::field("contact", shown(t.contact_id.map(|u| u.0)), shown(v.map(|u| u.0))));
            t.contact_id = v;
        }
    }
    if let Some(v) = changes.status {
        may_set(Input::Status)?;
        if v != t.status {
            lines.push(set_status(t, v, Utc::now()));
        }
    }
    if let Some(v) = changes.assignee_id {
        may_set(Input::Assignee)?;
        let v = v.map(|id| assignee(conn, actor, id)).transpose()?;
        if v != t.assignee_id {
            lines.push(Change::field("assignee", shown(t.assignee_id.map(|u| u.0)), shown(v.map(|u| u.0))));
            t.assignee_id = v;
        }
    }
    if let Some(v) = changes.due_at {
        may_set(Input::DueDate)?;
        let v = v.map(store::ticket_time);
        if v != t.due_at {
            let at = |d: Option<DateTime<Utc>>| d.map(|d| d.to_rfc3339());
            lines.push(Change::field("due_at", at(t.due_at), at(v)));
            t.due_at = v;
        }
    }
    for (input, value, slot) in [
        (Input::WorkedMinutes, changes.worked_minutes, &mut t.worked_minutes),
        (Input::BilledMinutes, changes.billed_minutes, &mut t.billed_minutes),
    ] {
        if let Some(v) = value {
            may_set(input)?;
            if v != *slot {
                lines.push(Change::field(input.name(), Some(slot.to_string()), Some(v.to_string())));
                *slot = v;
            }
        }
    }
    if let Some(v) = changes.billed {
        may_set(Input::Billed)?;
        if v != t.billed {
            lines.push(Change::field("billed", Some(t.billed.to_string()), Some(v.to_string())));
            t.billed = v;
        }
    }
    if let Some(values) = &changes.custom_fields {
        tickets::check_custom_input(catalogue.custom_fields, values, viewer, Moment::Changing)?;
        for (key, v) in values {
            let old = t.custom_values.get(key).cloned();
            let new = (!v.is_null()).then(|| v.clone());
            if old != new {
                lines.push(Change::field(
                    format!("custom_fields.{key}"),
                    old.map(|o| o.to_string()),
                    new.as_ref().map(|n| n.to_string()),
                ));
                match new {
                    Some(n) => t.custom_values.insert(key.clone(), n),
                    None => t.custom_values.remove(key),
                };
            }
        }
    }
    Ok(lines)
}

/// The request type must be active and one the company may use.
fn check_request_type(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    catalogue: Catalogue<'_>,
    company: CompanyId,
    id: i64,
) -> Result<()> {
    let active = active(catalogue.request_types, id);
    let allowed = match actor.membership(company) {
        Some(member) => member.settings.request_types.allows(id),
        None => {
            let c = companies::get(conn, actor.tenant.id, company)?;
            c.settings_in_force(actor.tenant).request_types.allows(id)
        }
    };
    if active && allowed {
        Ok(())
    } else {
        Err(DomainError::new("request_type_id", "rule-request-type-not-allowed").into())
    }
}

/// The requester or contact named must be a portal user of the ticket's company.
fn member_of(conn: &mut DbConnection, user: i64, company: CompanyId, input: Input) -> Result<UserId> {
    if users::is_member(conn, UserId(user), company)? {
        Ok(UserId(user))
    } else {
        Err(DomainError::new(input.name(), "rule-not-company-user").into())
    }
}

/// The assignee named must be an active staff user of the tenant.
fn assignee(conn: &mut DbConnection, actor: &Actor<'_>, id: i64) -> Result<UserId> {
    let user = users::get(conn, actor.tenant.id, UserId(id))
        .map_err(|_| DomainError::new("assignee_id", "rule-assignee-not-staff"))?;
    if user.staff_role.is_none() || user.disabled {
        return Err(DomainError::new("assignee_id", "rule-assignee-not-active-staff").into());
    }
    Ok(user.id)
}

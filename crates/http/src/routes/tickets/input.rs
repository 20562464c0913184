//! What callers send to open and change tickets, and the rules each field obeys. A customer may
//! set a default field only where the tenant made it editable for customers, and a custom field
//! only where it is not hidden; anything else is a 422 naming the field.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::Permission;
use clientdesk_domain::settings::RequestTypes;
use clientdesk_domain::tickets::{
    check_custom_values, Change, CustomField, CustomVisibility, Field, Priority, Status, Ticket, TicketSettings,
    Visibility,
};
use clientdesk_persistence::tickets::{self as store, NewTicket};
use clientdesk_persistence::{companies, users, DbConnection};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::access::{self, TicketAccess, Viewer};
use super::catalog_cache::TicketCatalog;
use super::view::Context;
use crate::errors::{ApiError, ApiResult};
use crate::extract::Auth;
use crate::respond;

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 20_000;
const MAX_MINUTES: i64 = 10_000_000;

/// Tells "absent" (leave as is) from `null` (clear) in a PATCH body.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// PostgreSQL cannot store U+0000 in text (SQLite cuts the text there): refused on both, so that
/// it is a 422 and not a 500.
fn no_nul(field: &str, value: &str) -> ApiResult<()> {
    if value.contains('\0') {
        return Err(ApiError::invalid(field, "must not contain the NUL character"));
    }
    Ok(())
}

fn title(value: &str) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_TITLE {
        return Err(ApiError::invalid("title", format!("must be 1 to {MAX_TITLE} characters")));
    }
    no_nul("title", value)?;
    Ok(value.to_owned())
}

fn text(field: &str, value: &str) -> ApiResult<()> {
    if value.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid(field, format!("must be at most {MAX_TEXT} characters")));
    }
    no_nul(field, value)
}

/// A time a caller sends (a due date, a list filter) must be one both databases store and
/// compare the same way: PostgreSQL refuses years before 4713 BC, and SQLite compares times as
/// text, which only orders four-digit years.
pub fn plausible_time(field: &str, at: DateTime<Utc>) -> ApiResult<DateTime<Utc>> {
    if !(1970..=9999).contains(&chrono::Datelike::year(&at)) {
        return Err(ApiError::invalid(field, "must be between the years 1970 and 9999"));
    }
    Ok(at)
}

fn check_custom_shape(values: &BTreeMap<String, Value>) -> ApiResult<()> {
    if values.len() > 100 {
        return Err(ApiError::invalid("custom_fields", "at most 100 values"));
    }
    Ok(())
}

pub fn request_type_allowed(allowed: &RequestTypes, id: i64) -> bool {
    match allowed {
        RequestTypes::All => true,
        RequestTypes::Chosen(ids) => ids.contains(&id),
    }
}

/// A customer may set `field` only where it is editable for customers.
fn customer_may_set(settings: &TicketSettings, viewer: &Viewer, field: Field, name: &str) -> ApiResult<()> {
    if viewer.is_staff() || settings.visibility(field) == Visibility::Editable {
        Ok(())
    } else {
        Err(ApiError::invalid(name, "is not editable for customers"))
    }
}

fn staff_only(viewer: &Viewer, name: &str) -> ApiResult<()> {
    if viewer.is_staff() {
        Ok(())
    } else {
        Err(ApiError::invalid(name, "is set by the service provider only"))
    }
}

/// The request type must be active and one the company may use.
fn check_request_type(
    conn: &mut DbConnection,
    auth: &Auth,
    catalog: &TicketCatalog,
    company: CompanyId,
    id: i64,
) -> ApiResult<()> {
    let active = catalog.request_type(id).is_some_and(|e| e.active);
    let allowed = match auth.companies.iter().find(|m| m.company.id == company) {
        Some(member) => request_type_allowed(&member.settings.request_types, id),
        None => {
            let c = companies::get(conn, auth.tenant.id, company)?;
            let settings = clientdesk_domain::settings::resolve(&auth.tenant.portal_defaults, &c.portal_overrides);
            request_type_allowed(&settings.request_types, id)
        }
    };
    if active && allowed {
        Ok(())
    } else {
        Err(ApiError::invalid("request_type_id", "is not a request type this company may use"))
    }
}

fn check_member(conn: &mut DbConnection, user: i64, company: CompanyId, field: &str) -> ApiResult<UserId> {
    if users::is_member(conn, UserId(user), company)? {
        Ok(UserId(user))
    } else {
        Err(ApiError::invalid(field, "must be a portal user of the ticket's company"))
    }
}

/// Custom values a caller sends, checked against the definitions; `required` also demands every
/// required field the caller can see.
fn check_custom(
    defs: &[CustomField],
    values: &BTreeMap<String, Value>,
    viewer: &Viewer,
    required: bool,
) -> ApiResult<()> {
    let customer = !viewer.is_staff();
    check_custom_values(defs, values, customer)?;
    if required {
        let missing = defs.iter().find(|f| {
            f.active
                && f.required
                && !(customer && f.customer_visibility == CustomVisibility::Hidden)
                && values.get(&f.key).is_none_or(Value::is_null)
        });
        if let Some(f) = missing {
            return Err(ApiError::invalid("custom_fields", format!("{}: is required", f.key)));
        }
    }
    Ok(())
}

/// A new ticket.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Printer on floor 2 jams", "description": "Every second page jams since Monday.",
    "priority": "normal", "request_type_id": 1, "custom_fields": {"site": "Zurich"}}))]
pub struct NewTicketInput {
    /// 1 to 200 characters.
    pub title: String,
    /// At most 20,000 characters.
    #[serde(default)]
    pub description: String,
    /// Default `normal`. Customers: only where the priority is editable for them.
    pub priority: Option<Priority>,
    /// The service provider's priority: staff, and members with `priority_set`.
    pub provider_priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    /// Another portal user of the company to keep informed.
    pub contact_id: Option<i64>,
    /// Staff only, required for them: the portal user the ticket is opened for.
    pub requester_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: BTreeMap<String, Value>,
}

impl NewTicketInput {
    pub fn check_shape(&self) -> ApiResult<()> {
        title(&self.title)?;
        text("description", &self.description)?;
        check_custom_shape(&self.custom_fields)
    }
}

/// A new ticket, checked, with how its creator will see it.
pub struct CheckedTicket {
    pub ticket: NewTicket,
    pub viewer: Viewer,
    pub may_update: bool,
    /// What the answer needs (the catalogue and the names of the people on the ticket).
    pub ctx: Context,
}

/// Checks a new ticket against the caller's roles, the company's request types and members and
/// the catalogue; it reads, and writes nothing, so it runs before the creating transaction.
pub fn check_new(
    conn: &mut DbConnection,
    auth: &Auth,
    company: CompanyId,
    input: NewTicketInput,
    catalog: &Arc<TicketCatalog>,
) -> ApiResult<CheckedTicket> {
    let settings = &catalog.settings;
    let (viewer, requester) = if auth.principal.is_staff() {
        companies::get(conn, auth.tenant.id, company)?;
        let requester = input.requester_id.ok_or_else(|| ApiError::invalid("requester_id", "is required for staff"))?;
        (Viewer::Staff, check_member(conn, requester, company, "requester_id")?)
    } else {
        let member = access::ticketing_member(auth, company)?;
        if !member.roles.grants(Permission::TicketsCreate) {
            return Err(ApiError::Forbidden("Your roles in this company do not allow opening tickets."));
        }
        if input.requester_id.is_some() {
            return Err(ApiError::invalid("requester_id", "is set by the service provider only"));
        }
        let viewer = Viewer::Member { roles: member.roles.clone(), settings: member.settings.clone() };
        (viewer, auth.principal.user_id)
    };
    if input.priority.is_some() {
        customer_may_set(settings, &viewer, Field::Priority, "priority")?;
    }
    if input.provider_priority.is_some() {
        if let Viewer::Member { roles, .. } = &viewer {
            if !roles.grants(Permission::PrioritySet) {
                return Err(ApiError::invalid("provider_priority", "your roles do not allow setting it"));
            }
        }
    }
    if let Some(id) = input.request_type_id {
        customer_may_set(settings, &viewer, Field::RequestType, "request_type_id")?;
        check_request_type(conn, auth, catalog, company, id)?;
    }
    let contact = match input.contact_id {
        Some(id) => {
            customer_may_set(settings, &viewer, Field::Contact, "contact_id")?;
            Some(check_member(conn, id, company, "contact_id")?)
        }
        None => None,
    };
    let people: Vec<UserId> = std::iter::once(requester).chain(contact).collect();
    let ctx = Context::load(conn, auth, catalog, &[], &people)?;
    check_custom(&ctx.catalog.custom_fields, &input.custom_fields, &viewer, true)?;
    let mut custom_values = input.custom_fields;
    custom_values.retain(|_, v| !v.is_null());
    let ticket = NewTicket {
        tenant_id: auth.tenant.id,
        company_id: company,
        title: title(&input.title)?,
        description: input.description,
        priority: input.priority.unwrap_or(Priority::Normal),
        provider_priority: input.provider_priority,
        request_type_id: input.request_type_id,
        requester_id: requester,
        contact_id: contact,
        device_id: auth.principal.device,
        custom_values,
        number: None,
    };
    let may_update = !auth.principal.read_only
        && match &viewer {
            Viewer::Staff => true,
            Viewer::Member { roles, .. } => clientdesk_domain::tickets::may_update(roles, true),
        };
    Ok(CheckedTicket { ticket, viewer, may_update, ctx })
}

impl CheckedTicket {
    /// Writes the ticket with `create` and answers with the caller's view of it.
    pub fn write(self, create: impl FnOnce(NewTicket) -> clientdesk_persistence::Result<Ticket>) -> ApiResult<Bytes> {
        let ticket = create(self.ticket)?;
        respond::to_json(self.ctx.view(&ticket, &self.viewer, self.may_update))
    }
}

/// Changes to a ticket; only the fields present change. `null` clears a field that may be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"priority": "high", "custom_fields": {"site": "Basel"}}))]
pub struct TicketPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    /// Staff only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Priority>)]
    pub provider_priority: Option<Option<Priority>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub request_type_id: Option<Option<i64>>,
    /// Staff only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub queue_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub contact_id: Option<Option<i64>>,
    /// Staff only (customers close and reopen through their own endpoints).
    pub status: Option<Status>,
    /// Staff only: a staff user of the tenant.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
    /// Staff only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// Staff only.
    pub worked_minutes: Option<i64>,
    /// Staff only.
    pub billed_minutes: Option<i64>,
    /// Staff only. A billed ticket is read-only for customers.
    pub billed: Option<bool>,
    /// Values to set by key (`null` clears one); keys left out keep their value.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<BTreeMap<String, Value>>,
}

fn shown<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// Sets the status and keeps `closed_at` in step; the history line it makes.
pub fn set_status(t: &mut Ticket, status: Status, now: DateTime<Utc>) -> Change {
    let change = Change::field("status", Some(t.status.as_str().to_owned()), Some(status.as_str().to_owned()));
    if status.is_closed() && !t.status.is_closed() {
        t.closed_at = Some(store::ticket_time(now));
    } else if !status.is_closed() {
        t.closed_at = None;
    }
    t.status = status;
    change
}

impl TicketPatch {
    pub fn check_shape(&self) -> ApiResult<()> {
        if let Some(t) = &self.title {
            title(t)?;
        }
        if let Some(d) = &self.description {
            text("description", d)?;
        }
        if let Some(Some(at)) = self.due_at {
            plausible_time("due_at", at)?;
        }
        for (name, v) in [("worked_minutes", self.worked_minutes), ("billed_minutes", self.billed_minutes)] {
            if v.is_some_and(|m| !(0..=MAX_MINUTES).contains(&m)) {
                return Err(ApiError::invalid(name, format!("must be between 0 and {MAX_MINUTES}")));
            }
        }
        self.custom_fields.as_ref().map(check_custom_shape).transpose()?;
        Ok(())
    }

    /// Applies the patch to the loaded ticket; the history lines of what really changed.
    pub fn apply(&self, conn: &mut DbConnection, auth: &Auth, access: &mut TicketAccess) -> ApiResult<Vec<Change>> {
        let viewer = access.viewer.clone();
        let catalog = access.catalog.clone();
        let settings = &catalog.settings;
        let company = access.ticket.company_id;
        let t = &mut access.ticket;
        let mut changes = Vec::new();
        if let Some(v) = &self.title {
            customer_may_set(settings, &viewer, Field::Title, "title")?;
            let v = title(v)?;
            if v != t.title {
                changes.push(Change::field("title", Some(t.title.clone()), Some(v.clone())));
                t.title = v;
            }
        }
        if let Some(v) = &self.description {
            customer_may_set(settings, &viewer, Field::Description, "description")?;
            if *v != t.description {
                changes.push(Change::field("description", Some(t.description.clone()), Some(v.clone())));
                t.description = v.clone();
            }
        }
        if let Some(v) = self.priority {
            customer_may_set(settings, &viewer, Field::Priority, "priority")?;
            if v != t.priority {
                changes.push(Change::field("priority", Some(t.priority.as_str().into()), Some(v.as_str().into())));
                t.priority = v;
            }
        }
        if let Some(v) = self.provider_priority {
            staff_only(&viewer, "provider_priority")?;
            if v != t.provider_priority {
                let name = |p: Option<Priority>| p.map(|p| p.as_str().to_owned());
                changes.push(Change::field("provider_priority", name(t.provider_priority), name(v)));
                t.provider_priority = v;
            }
        }
        if let Some(v) = self.request_type_id {
            customer_may_set(settings, &viewer, Field::RequestType, "request_type_id")?;
            if let Some(id) = v {
                check_request_type(conn, auth, &catalog, company, id)?;
            }
            if v != t.request_type_id {
                changes.push(Change::field("request_type", shown(t.request_type_id), shown(v)));
                t.request_type_id = v;
            }
        }
        if let Some(v) = self.queue_id {
            staff_only(&viewer, "queue_id")?;
            if let Some(id) = v {
                let known = catalog.queue(id).is_some_and(|e| e.active);
                if !known {
                    return Err(ApiError::invalid("queue_id", "is not an active queue"));
                }
            }
            if v != t.queue_id {
                changes.push(Change::field("queue", shown(t.queue_id), shown(v)));
                t.queue_id = v;
            }
        }
        if let Some(v) = self.contact_id {
            customer_may_set(settings, &viewer, Field::Contact, "contact_id")?;
            let v = v.map(|id| check_member(conn, id, company, "contact_id")).transpose()?;
            if v != t.contact_id {
                changes.push(Change::field("contact", shown(t.contact_id.map(|u| u.0)), shown(v.map(|u| u.0))));
                t.contact_id = v;
            }
        }
        if let Some(v) = self.status {
            staff_only(&viewer, "status")?;
            if v != t.status {
                changes.push(set_status(t, v, Utc::now()));
            }
        }
        if let Some(v) = self.assignee_id {
            staff_only(&viewer, "assignee_id")?;
            let v = match v {
                Some(id) => {
                    let user = users::get(conn, auth.tenant.id, UserId(id))
                        .map_err(|_| ApiError::invalid("assignee_id", "is not a staff user of this tenant"))?;
                    if user.staff_role.is_none() || user.disabled {
                        return Err(ApiError::invalid("assignee_id", "is not an active staff user of this tenant"));
                    }
                    Some(user.id)
                }
                None => None,
            };
            if v != t.assignee_id {
                changes.push(Change::field("assignee", shown(t.assignee_id.map(|u| u.0)), shown(v.map(|u| u.0))));
                t.assignee_id = v;
            }
        }
        if let Some(v) = self.due_at {
            staff_only(&viewer, "due_at")?;
            let v = v.map(store::ticket_time);
            if v != t.due_at {
                let at = |d: Option<DateTime<Utc>>| d.map(|d| d.to_rfc3339());
                changes.push(Change::field("due_date", at(t.due_at), at(v)));
                t.due_at = v;
            }
        }
        for (name, value, slot) in [
            ("worked_minutes", self.worked_minutes, &mut t.worked_minutes),
            ("billed_minutes", self.billed_minutes, &mut t.billed_minutes),
        ] {
            if let Some(v) = value {
                staff_only(&viewer, name)?;
                if v != *slot {
                    changes.push(Change::field(name, Some(slot.to_string()), Some(v.to_string())));
                    *slot = v;
                }
            }
        }
        if let Some(v) = self.billed {
            staff_only(&viewer, "billed")?;
            if v != t.billed {
                changes.push(Change::field("billed", Some(t.billed.to_string()), Some(v.to_string())));
                t.billed = v;
            }
        }
        if let Some(values) = &self.custom_fields {
            check_custom(&catalog.custom_fields, values, &viewer, false)?;
            for (key, v) in values {
                let old = t.custom_values.get(key).cloned();
                let new = (!v.is_null()).then(|| v.clone());
                if old != new {
                    changes.push(Change::field(
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
        Ok(changes)
    }
}

/// A note to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "It jammed again at 10:15.", "internal": false}))]
pub struct NoteInput {
    /// 1 to 20,000 characters.
    pub body: String,
    /// Staff only: a note customers never see.
    #[serde(default)]
    pub internal: bool,
}

impl NoteInput {
    pub fn checked_body(&self) -> ApiResult<String> {
        let body = self.body.trim();
        if body.is_empty() || body.chars().count() > MAX_TEXT {
            return Err(ApiError::invalid("body", format!("must be 1 to {MAX_TEXT} characters")));
        }
        no_nul("body", body)?;
        Ok(body.to_owned())
    }
}

//! Tickets: statuses, priorities, the tenant's ticket settings (statuses hidden from customers,
//! reopening, the customer visibility of every default field), custom field definitions and the
//! rules of who reads and changes what.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

use crate::ids::{CompanyId, TenantId, UserId};
use crate::principal::Denied;
use crate::roles::{Permission, RoleSet};
use crate::ticket_access::Viewer;
use crate::DomainError;

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(input: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == input)
            }
        }
    };
}

named_enum!(
    /// Where a ticket stands. `resolved` and `closed` count as closed.
    Status {
        New => "new",
        Open => "open",
        InProgress => "in_progress",
        WaitingCustomer => "waiting_customer",
        WaitingThirdParty => "waiting_third_party",
        Resolved => "resolved",
        Closed => "closed",
    }
);

impl Status {
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Resolved | Self::Closed)
    }
}

named_enum!(
    /// How urgent a ticket is; stored as its rank so that lists sort by it.
    Priority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

impl Priority {
    pub fn rank(self) -> i32 {
        match self {
            Self::Low => 1,
            Self::Normal => 2,
            Self::High => 3,
            Self::Urgent => 4,
        }
    }

    pub fn from_rank(rank: i32) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.rank() == rank)
    }
}

named_enum!(
    /// A default ticket field whose customer visibility the tenant chooses.
    Field {
        Title => "title",
        Description => "description",
        Priority => "priority",
        RequestType => "request_type",
        Contact => "contact",
        Status => "status",
        Assignee => "assignee",
        DueDate => "due_date",
        WorkedHours => "worked_hours",
    }
);

impl Field {
    /// Fields only staff set: customers may at most read them.
    pub fn staff_only(self) -> bool {
        matches!(self, Self::Status | Self::Assignee | Self::DueDate | Self::WorkedHours)
    }
}

named_enum!(
    /// What customers may do with a field.
    Visibility {
        Editable => "editable",
        ReadOnly => "read_only",
        Hidden => "hidden",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: i64,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    /// Unique within the tenant, never reused.
    pub number: i64,
    pub title: String,
    pub description: String,
    pub status: Status,
    pub priority: Priority,
    /// The service provider's own priority, set by staff (or at creation by a member allowed to).
    pub provider_priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    pub queue_id: Option<i64>,
    pub requester_id: UserId,
    pub contact_id: Option<UserId>,
    pub assignee_id: Option<UserId>,
    pub device_id: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    pub worked_minutes: i64,
    pub billed_minutes: i64,
    /// A billed ticket is read-only for customers.
    pub billed: bool,
    pub custom_values: BTreeMap<String, Value>,
    /// Rises with every change; the ETag.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Ticket {
    /// Whether `user` opened the ticket or is its contact: what `portal_user` reads.
    pub fn concerns(&self, user: UserId) -> bool {
        self.requester_id == user || self.contact_id == Some(user)
    }
}

/// A note on a ticket: public, or internal (staff only).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketNote {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: UserId,
    pub body: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

/// One line of a ticket's history.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketEvent {
    pub id: i64,
    pub actor_id: Option<UserId>,
    /// `created`, `updated` (one field), `note` or `attachment`.
    pub kind: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Staff only (an internal note).
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

/// A change to record in a ticket's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: &'static str,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub internal: bool,
}

impl Change {
    pub fn created() -> Self {
        Self { kind: "created", field: None, old_value: None, new_value: None, internal: false }
    }

    pub fn field(field: impl Into<String>, old: Option<String>, new: Option<String>) -> Self {
        Self { kind: "updated", field: Some(field.into()), old_value: old, new_value: new, internal: false }
    }
}

/// A tenant's ticket settings. Stored as JSON; what is absent takes its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(example = json!({"hidden_statuses": ["waiting_third_party"], "reopen_allowed": true,
    "field_visibility": {"title": "editable", "description": "editable", "priority": "editable",
    "request_type": "editable", "contact": "read_only", "status": "read_only", "assignee": "read_only",
    "due_date": "hidden", "worked_hours": "read_only"}}))]
pub struct TicketSettings {
    /// Tickets in these statuses are invisible to customers: not listed, and 404 when read.
    pub hidden_statuses: Vec<Status>,
    /// Whether customers may reopen a closed ticket.
    pub reopen_allowed: bool,
    /// Customer visibility of each default field; a field left out is editable (read-only for the
    /// staff-only fields status, assignee, due_date and worked_hours).
    pub field_visibility: BTreeMap<Field, Visibility>,
}

impl Default for TicketSettings {
    fn default() -> Self {
        Self { hidden_statuses: Vec::new(), reopen_allowed: true, field_visibility: BTreeMap::new() }
    }
}

impl TicketSettings {
    pub fn validate(&self) -> Result<(), DomainError> {
        for (field, visibility) in &self.field_visibility {
            if field.staff_only() && *visibility == Visibility::Editable {
                return Err(DomainError::new(
                    "field_visibility",
                    format!("{} is set by staff only: read_only or hidden", field.as_str()),
                ));
            }
        }
        Ok(())
    }

    pub fn visibility(&self, field: Field) -> Visibility {
        self.field_visibility.get(&field).copied().unwrap_or(if field.staff_only() {
            Visibility::ReadOnly
        } else {
            Visibility::Editable
        })
    }

    pub fn shows(&self, field: Field) -> bool {
        self.visibility(field) != Visibility::Hidden
    }

    pub fn status_hidden(&self, status: Status) -> bool {
        self.hidden_statuses.contains(&status)
    }

    /// The statuses customers see.
    pub fn visible_statuses(&self) -> Vec<Status> {
        Status::ALL.iter().copied().filter(|s| !self.status_hidden(*s)).collect()
    }

    /// Refuses a customer's list that filters or sorts by a field hidden from customers: which
    /// tickets match, or their order, would tell what the field holds. `used` pairs each field
    /// the list filters or sorts by with the query parameter that asked for it.
    pub fn check_customer_query(&self, used: &[(Field, &'static str)]) -> Result<(), DomainError> {
        match used.iter().find(|(field, _)| !self.shows(*field)) {
            Some((field, parameter)) => Err(DomainError::new(
                parameter,
                format!("{} is not shown to customers, so tickets cannot be filtered or sorted by it", field.as_str()),
            )),
            None => Ok(()),
        }
    }
}

named_enum!(
    /// The type of a custom field's value.
    CustomFieldKind {
        Text => "text",
        Number => "number",
        Boolean => "boolean",
        Date => "date",
        Select => "select",
    }
);

named_enum!(
    /// Custom fields are editable or hidden for customers; there is no read-only custom field.
    CustomVisibility {
        Editable => "editable",
        Hidden => "hidden",
    }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomField {
    pub id: i64,
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    /// The allowed values of a `select` field.
    pub options: Vec<String>,
    pub required: bool,
    pub customer_visibility: CustomVisibility,
    pub active: bool,
}

pub const MAX_CUSTOM_TEXT: usize = 2000;

impl CustomField {
    /// Checks a value against the field's kind; `null` clears the field.
    pub fn check(&self, value: &Value) -> Result<(), DomainError> {
        let ok = match (self.kind, value) {
            (_, Value::Null) => !self.required,
            (CustomFieldKind::Text, Value::String(s)) => s.chars().count() <= MAX_CUSTOM_TEXT,
            (CustomFieldKind::Number, Value::Number(_)) => true,
            (CustomFieldKind::Boolean, Value::Bool(_)) => true,
            (CustomFieldKind::Date, Value::String(s)) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            (CustomFieldKind::Select, Value::String(s)) => self.options.contains(s),
            _ => false,
        };
        if ok {
            return Ok(());
        }
        let expected = match self.kind {
            _ if value.is_null() => "a value (the field is required)".to_owned(),
            CustomFieldKind::Text => format!("a string of at most {MAX_CUSTOM_TEXT} characters"),
            CustomFieldKind::Number => "a number".to_owned(),
            CustomFieldKind::Boolean => "true or false".to_owned(),
            CustomFieldKind::Date => "a date as YYYY-MM-DD".to_owned(),
            CustomFieldKind::Select => format!("one of {}", self.options.join(", ")),
        };
        Err(DomainError::new("custom_fields", format!("{}: expected {expected}", self.key)))
    }
}

/// Checks custom field values against their definitions. `customer` refuses hidden fields, as
/// customers can neither see nor set them.
pub fn check_custom_values(
    definitions: &[CustomField],
    values: &BTreeMap<String, Value>,
    customer: bool,
) -> Result<(), DomainError> {
    for (key, value) in values {
        let field = definitions
            .iter()
            .find(|f| f.active && &f.key == key && !(customer && f.customer_visibility == CustomVisibility::Hidden))
            .ok_or_else(|| DomainError::new("custom_fields", format!("{key}: no such field")))?;
        field.check(value)?;
    }
    Ok(())
}

/// Which of a company's tickets a member reads (see `ticket_access::read_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every ticket of the company.
    All,
    /// The tickets the user opened or is the contact of.
    Own,
}

/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest description or note, in characters.
pub const MAX_TEXT: usize = 20_000;
/// The most minutes worked or billed on one ticket.
pub const MAX_MINUTES: i64 = 10_000_000;
/// The most custom values one request may send.
pub const MAX_CUSTOM_VALUES: usize = 100;

/// PostgreSQL cannot store U+0000 in text (SQLite cuts the text there): refused on both, so that
/// it is a refusal and not a storage failure.
fn no_nul(field: &'static str, value: &str) -> Result<(), DomainError> {
    if value.contains('\0') {
        return Err(DomainError::new(field, "must not contain the NUL character"));
    }
    Ok(())
}

/// A ticket's title: trimmed, 1 to [`MAX_TITLE`] characters.
pub fn title(value: &str) -> Result<String, DomainError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_TITLE {
        return Err(DomainError::new("title", format!("must be 1 to {MAX_TITLE} characters")));
    }
    no_nul("title", value)?;
    Ok(value.to_owned())
}

/// A description: at most [`MAX_TEXT`] characters.
pub fn check_text(field: &'static str, value: &str) -> Result<(), DomainError> {
    if value.chars().count() > MAX_TEXT {
        return Err(DomainError::new(field, format!("must be at most {MAX_TEXT} characters")));
    }
    no_nul(field, value)
}

/// A note's body: trimmed, 1 to [`MAX_TEXT`] characters.
pub fn note_body(value: &str) -> Result<String, DomainError> {
    let body = value.trim();
    if body.is_empty() || body.chars().count() > MAX_TEXT {
        return Err(DomainError::new("body", format!("must be 1 to {MAX_TEXT} characters")));
    }
    no_nul("body", body)?;
    Ok(body.to_owned())
}

/// A time a caller sends (a due date, a list filter) must be one both databases store and
/// compare the same way: PostgreSQL refuses years before 4713 BC, and SQLite compares times as
/// text, which only orders four-digit years.
pub fn plausible_time(field: &'static str, at: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    if !(1970..=9999).contains(&chrono::Datelike::year(&at)) {
        return Err(DomainError::new(field, "must be between the years 1970 and 9999"));
    }
    Ok(at)
}

fn check_custom_count(values: &BTreeMap<String, Value>) -> Result<(), DomainError> {
    if values.len() > MAX_CUSTOM_VALUES {
        return Err(DomainError::new("custom_fields", format!("at most {MAX_CUSTOM_VALUES} values")));
    }
    Ok(())
}

/// A new ticket as its creator asks for it.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub description: String,
    pub priority: Option<Priority>,
    pub provider_priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    pub contact_id: Option<i64>,
    /// Staff only: the portal user the ticket is opened for.
    pub requester_id: Option<i64>,
    pub custom_fields: BTreeMap<String, Value>,
}

/// Checks what can be checked of a new ticket before anything is read.
pub fn check_draft(
    title_text: &str,
    description: &str,
    custom_fields: &BTreeMap<String, Value>,
) -> Result<(), DomainError> {
    title(title_text)?;
    check_text("description", description)?;
    check_custom_count(custom_fields)
}

/// Changes asked for a ticket: `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub title: Option<String>,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub provider_priority: Option<Option<Priority>>,
    pub request_type_id: Option<Option<i64>>,
    pub queue_id: Option<Option<i64>>,
    pub contact_id: Option<Option<i64>>,
    pub status: Option<Status>,
    pub assignee_id: Option<Option<i64>>,
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub worked_minutes: Option<i64>,
    pub billed_minutes: Option<i64>,
    pub billed: Option<bool>,
    /// Values to set by key (`null` clears one); keys left out keep their value.
    pub custom_fields: Option<BTreeMap<String, Value>>,
}

impl Changes {
    /// What can be checked before the ticket is read.
    pub fn check_shape(&self) -> Result<(), DomainError> {
        if let Some(t) = &self.title {
            title(t)?;
        }
        if let Some(d) = &self.description {
            check_text("description", d)?;
        }
        if let Some(Some(at)) = self.due_at {
            plausible_time("due_at", at)?;
        }
        for (name, v) in [("worked_minutes", self.worked_minutes), ("billed_minutes", self.billed_minutes)] {
            if v.is_some_and(|m| !(0..=MAX_MINUTES).contains(&m)) {
                return Err(DomainError::new(name, format!("must be between 0 and {MAX_MINUTES}")));
            }
        }
        self.custom_fields.as_ref().map(check_custom_count).transpose()?;
        Ok(())
    }
}

/// What a caller sends to open or change a ticket, by the name the API gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Title,
    Description,
    Priority,
    ProviderPriority,
    RequestType,
    Queue,
    Contact,
    Requester,
    Status,
    Assignee,
    DueDate,
    WorkedMinutes,
    BilledMinutes,
    Billed,
}

impl Input {
    pub const ALL: [Self; 14] = [
        Self::Title,
        Self::Description,
        Self::Priority,
        Self::ProviderPriority,
        Self::RequestType,
        Self::Queue,
        Self::Contact,
        Self::Requester,
        Self::Status,
        Self::Assignee,
        Self::DueDate,
        Self::WorkedMinutes,
        Self::BilledMinutes,
        Self::Billed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Description => "description",
            Self::Priority => "priority",
            Self::ProviderPriority => "provider_priority",
            Self::RequestType => "request_type_id",
            Self::Queue => "queue_id",
            Self::Contact => "contact_id",
            Self::Requester => "requester_id",
            Self::Status => "status",
            Self::Assignee => "assignee_id",
            Self::DueDate => "due_at",
            Self::WorkedMinutes => "worked_minutes",
            Self::BilledMinutes => "billed_minutes",
            Self::Billed => "billed",
        }
    }

    /// The default field whose customer visibility decides whether customers set this input;
    /// `None` for what only staff set.
    fn customer_field(self) -> Option<Field> {
        match self {
            Self::Title => Some(Field::Title),
            Self::Description => Some(Field::Description),
            Self::Priority => Some(Field::Priority),
            Self::RequestType => Some(Field::RequestType),
            Self::Contact => Some(Field::Contact),
            _ => None,
        }
    }
}

/// When a caller sets a ticket's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Opening,
    Changing,
}

/// Whether `viewer` may set `input` when opening or changing a ticket. Staff set everything. A
/// customer sets a default field only where the tenant made it editable for customers (the title
/// and description of a ticket it opens always), the provider's priority only when opening and
/// only with `priority_set`, and nothing only staff set. A refusal names the input (a 422).
pub fn may_set(viewer: &Viewer, settings: &TicketSettings, input: Input, moment: Moment) -> Result<(), DomainError> {
    let Viewer::Member { roles, .. } = viewer else { return Ok(()) };
    match (input, moment, input.customer_field()) {
        (Input::Title | Input::Description, Moment::Opening, _) => Ok(()),
        (Input::ProviderPriority, Moment::Opening, _) if roles.grants(Permission::PrioritySet) => Ok(()),
        (Input::ProviderPriority, Moment::Opening, _) => {
            Err(DomainError::new(input.name(), "your roles do not allow setting it"))
        }
        (_, _, Some(field)) if settings.visibility(field) == Visibility::Editable => Ok(()),
        (_, _, Some(_)) => Err(DomainError::new(input.name(), "is not editable for customers")),
        (_, _, None) => Err(DomainError::new(input.name(), "is set by the service provider only")),
    }
}

/// Whether `viewer` may add a note of this kind to a ticket it may change: internal notes, which
/// customers never see, are written by staff only.
pub fn may_add_note(viewer: &Viewer, internal: bool) -> Result<(), DomainError> {
    if internal && !viewer.is_staff() {
        return Err(DomainError::new("internal", "only staff add internal notes"));
    }
    Ok(())
}

/// Whether a member with `roles` may open tickets in its company.
pub fn may_open(roles: &RoleSet) -> Result<(), Denied> {
    if roles.grants(Permission::TicketsCreate) {
        Ok(())
    } else {
        Err(Denied("Your roles in this company do not allow opening tickets."))
    }
}

/// Checks the custom values a caller sends against the definitions; `opening` also demands every
/// required field the caller can see.
pub fn check_custom_input(
    definitions: &[CustomField],
    values: &BTreeMap<String, Value>,
    viewer: &Viewer,
    moment: Moment,
) -> Result<(), DomainError> {
    let customer = !viewer.is_staff();
    check_custom_values(definitions, values, customer)?;
    if moment == Moment::Opening {
        let missing = definitions.iter().find(|f| {
            f.active
                && f.required
                && !(customer && f.customer_visibility == CustomVisibility::Hidden)
                && values.get(&f.key).is_none_or(Value::is_null)
        });
        if let Some(f) = missing {
            return Err(DomainError::new("custom_fields", format!("{}: is required", f.key)));
        }
    }
    Ok(())
}

impl Ticket {
    /// Sets the status and keeps `closed_at` in step (`now` as stored); the status it had.
    pub fn set_status(&mut self, status: Status, now: DateTime<Utc>) -> Status {
        if status.is_closed() && !self.status.is_closed() {
            self.closed_at = Some(now);
        } else if !status.is_closed() {
            self.closed_at = None;
        }
        std::mem::replace(&mut self.status, status)
    }
}

/// What a caller asks of a ticket's status through the close and reopen endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusRequest {
    Close,
    Reopen,
}

/// Why a ticket cannot be closed or reopened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionRefused {
    /// Only a closed ticket is reopened (409).
    NotClosed,
    /// The tenant does not let customers reopen tickets (403).
    Denied(Denied),
}

/// Whether a caller may reopen closed tickets: staff always, customers where the tenant allows.
pub fn reopen_allowed(staff: bool, settings: &TicketSettings) -> bool {
    staff || settings.reopen_allowed
}

/// The status a ticket in `current` moves to when `viewer` asks to close or reopen it; `None`
/// when closing a ticket closed already, which changes nothing. Reopening has no time limit.
pub fn transition(
    viewer: &Viewer,
    settings: &TicketSettings,
    current: Status,
    request: StatusRequest,
) -> Result<Option<Status>, TransitionRefused> {
    match request {
        StatusRequest::Close if current.is_closed() => Ok(None),
        StatusRequest::Close => Ok(Some(Status::Closed)),
        StatusRequest::Reopen if !current.is_closed() => Err(TransitionRefused::NotClosed),
        StatusRequest::Reopen if !reopen_allowed(viewer.is_staff(), settings) => {
            Err(TransitionRefused::Denied(Denied("The provider does not allow reopening tickets.")))
        }
        StatusRequest::Reopen => Ok(Some(Status::Open)),
    }
}
/// Tickets for the unit tests of the rules.
#[cfg(test)]
pub(crate) mod samples {
    use super::*;

    pub fn ticket(company: i64, requester: i64, status: Status, billed: bool) -> Ticket {
        let now = Utc::now();
        Ticket {
            id: 1,
            tenant_id: TenantId(1),
            company_id: CompanyId(company),
            number: 1,
            title: "t".into(),
            description: String::new(),
            status,
            priority: Priority::Normal,
            provider_priority: None,
            request_type_id: None,
            queue_id: None,
            requester_id: UserId(requester),
            contact_id: None,
            assignee_id: None,
            device_id: None,
            due_at: None,
            worked_minutes: 0,
            billed_minutes: 0,
            billed,
            custom_values: BTreeMap::new(),
            version: 1,
            created_at: now,
            updated_at: now,
            closed_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(names: &[&str]) -> RoleSet {
        RoleSet::parse_all(names).unwrap()
    }

    #[test]
    fn customers_filter_and_sort_only_by_fields_they_see() {
        let mut settings = TicketSettings::default();
        let used = [(Field::Priority, "sort"), (Field::Status, "status"), (Field::Description, "q")];
        assert_eq!(settings.check_customer_query(&used), Ok(()));
        assert_eq!(settings.check_customer_query(&[]), Ok(()));
        settings.field_visibility.insert(Field::Priority, Visibility::ReadOnly);
        assert_eq!(settings.check_customer_query(&used), Ok(()), "read-only fields are shown");
        for (field, parameter) in used {
            let mut hiding = settings.clone();
            hiding.field_visibility.insert(field, Visibility::Hidden);
            assert_eq!(hiding.check_customer_query(&used).unwrap_err().field, parameter);
            let others: Vec<_> = used.iter().copied().filter(|(f, _)| *f != field).collect();
            assert_eq!(hiding.check_customer_query(&others), Ok(()));
        }
    }

    fn member(names: &[&str]) -> Viewer {
        Viewer::Member { roles: roles(names), settings: Default::default() }
    }

    #[test]
    fn who_sets_which_input_when() {
        let mut settings = TicketSettings::default();
        settings.field_visibility.insert(Field::Priority, Visibility::ReadOnly);
        settings.field_visibility.insert(Field::Contact, Visibility::Hidden);
        let (customer, setter) = (member(&["portal_user"]), member(&["customer_approver"]));
        use Input::*;
        use Moment::*;
        // (input, opening: customer / customer with priority_set, changing: customer); staff set
        // everything at both moments. "edit": not editable for customers; "staff": staff only;
        // "roles": the roles do not allow it.
        let table = [
            (Title, "ok", "ok", "ok"),
            (Description, "ok", "ok", "ok"),
            (Priority, "edit", "edit", "edit"),
            (ProviderPriority, "roles", "ok", "staff"),
            (RequestType, "ok", "ok", "ok"),
            (Queue, "staff", "staff", "staff"),
            (Contact, "edit", "edit", "edit"),
            (Requester, "staff", "staff", "staff"),
            (Status, "staff", "staff", "staff"),
            (Assignee, "staff", "staff", "staff"),
            (DueDate, "staff", "staff", "staff"),
            (WorkedMinutes, "staff", "staff", "staff"),
            (BilledMinutes, "staff", "staff", "staff"),
            (Billed, "staff", "staff", "staff"),
        ];
        assert_eq!(table.len(), Input::ALL.len());
        let outcome = |viewer: &Viewer, settings: &TicketSettings, input, moment| match may_set(
            viewer, settings, input, moment,
        ) {
            Ok(()) => "ok",
            Err(e) if e.message == "is not editable for customers" => "edit",
            Err(e) if e.message == "is set by the service provider only" => "staff",
            Err(e) if e.message == "your roles do not allow setting it" => "roles",
            Err(e) => panic!("{e}"),
        };
        for (input, opening, opening_setter, changing) in table {
            assert_eq!(outcome(&customer, &settings, input, Opening), opening, "{input:?}");
            assert_eq!(outcome(&setter, &settings, input, Opening), opening_setter, "{input:?}");
            assert_eq!(outcome(&customer, &settings, input, Changing), changing, "{input:?}");
            assert_eq!(outcome(&Viewer::Staff, &settings, input, Opening), "ok");
            assert_eq!(outcome(&Viewer::Staff, &settings, input, Changing), "ok");
            if let Err(e) = may_set(&customer, &settings, input, Changing) {
                assert_eq!(e.field, input.name());
            }
        }
        settings.field_visibility.insert(Field::Title, Visibility::ReadOnly);
        assert_eq!(outcome(&customer, &settings, Title, Opening), "ok", "a new ticket always has a title");
        assert_eq!(outcome(&customer, &settings, Title, Changing), "edit");
        assert!(may_open(&roles(&["portal_user"])).is_ok());
        // (viewer, internal) -> allowed
        for (viewer, internal, allowed) in [
            (&customer, false, true),
            (&customer, true, false),
            (&Viewer::Staff, true, true),
            (&Viewer::Staff, false, true),
        ] {
            assert_eq!(may_add_note(viewer, internal).is_ok(), allowed);
        }
        assert!(may_open(&roles(&["controller"])).is_err());
    }

    #[test]
    fn closing_and_reopening() {
        let open_settings = TicketSettings::default();
        let closed_settings = TicketSettings { reopen_allowed: false, ..TicketSettings::default() };
        let customer = member(&["portal_user"]);
        use StatusRequest::*;
        let denied = Err(TransitionRefused::Denied(Denied("The provider does not allow reopening tickets.")));
        // (viewer, reopening allowed, from, request, outcome)
        let table = [
            (&customer, &open_settings, Status::Open, Close, Ok(Some(Status::Closed))),
            (&customer, &open_settings, Status::Resolved, Close, Ok(None)),
            (&customer, &open_settings, Status::Closed, Close, Ok(None)),
            (&customer, &open_settings, Status::Closed, Reopen, Ok(Some(Status::Open))),
            (&customer, &open_settings, Status::Resolved, Reopen, Ok(Some(Status::Open))),
            (&customer, &open_settings, Status::InProgress, Reopen, Err(TransitionRefused::NotClosed)),
            (&customer, &closed_settings, Status::Closed, Reopen, denied.clone()),
            (&customer, &closed_settings, Status::New, Reopen, Err(TransitionRefused::NotClosed)),
            (&Viewer::Staff, &closed_settings, Status::Closed, Reopen, Ok(Some(Status::Open))),
            (&Viewer::Staff, &closed_settings, Status::Open, Close, Ok(Some(Status::Closed))),
        ];
        for (viewer, settings, from, request, outcome) in table {
            assert_eq!(transition(viewer, settings, from, request), outcome, "{from:?} {request:?}");
        }
        assert!(reopen_allowed(true, &closed_settings));
        assert!(!reopen_allowed(false, &closed_settings));
    }

    #[test]
    fn a_status_change_keeps_closed_at_in_step() {
        let now = Utc::now();
        let mut t = samples::ticket(1, 7, Status::Open, false);
        assert_eq!(t.set_status(Status::Resolved, now), Status::Open);
        assert_eq!(t.closed_at, Some(now));
        t.set_status(Status::Closed, now + chrono::Duration::hours(1));
        assert_eq!(t.closed_at, Some(now), "closed when it was first closed");
        t.set_status(Status::Open, now);
        assert_eq!(t.closed_at, None);
    }

    #[test]
    fn inputs_are_checked_before_anything_is_read() {
        assert_eq!(title("  Printer  ").unwrap(), "Printer");
        assert_eq!(title(" ").unwrap_err().field, "title");
        assert!(title(&"x".repeat(MAX_TITLE + 1)).is_err());
        assert!(title("a\0b").is_err());
        assert!(note_body("").is_err());
        assert!(check_text("description", &"x".repeat(MAX_TEXT)).is_ok());
        let changes = Changes { worked_minutes: Some(-1), ..Changes::default() };
        assert_eq!(changes.check_shape().unwrap_err().field, "worked_minutes");
        let far = "1969-12-31T23:59:59Z".parse::<DateTime<Utc>>().unwrap();
        assert!(Changes { due_at: Some(Some(far)), ..Changes::default() }.check_shape().is_err());
        assert!(Changes { due_at: Some(None), ..Changes::default() }.check_shape().is_ok());
        let many = (0..=MAX_CUSTOM_VALUES).map(|i| (i.to_string(), Value::Null)).collect();
        assert!(check_draft("t", "", &many).is_err());
        assert!(check_draft("t", "", &BTreeMap::new()).is_ok());
    }

    #[test]
    fn staff_only_fields_cannot_be_editable() {
        let mut settings = TicketSettings::default();
        assert_eq!(settings.visibility(Field::Title), Visibility::Editable);
        assert_eq!(settings.visibility(Field::Assignee), Visibility::ReadOnly);
        settings.field_visibility.insert(Field::DueDate, Visibility::Editable);
        assert!(settings.validate().is_err());
        settings.field_visibility.insert(Field::DueDate, Visibility::Hidden);
        assert!(settings.validate().is_ok());
        assert!(!settings.shows(Field::DueDate));
    }

    #[test]
    fn custom_values_are_checked_by_kind() {
        let select = CustomField {
            id: 1,
            key: "site".into(),
            label: "Site".into(),
            kind: CustomFieldKind::Select,
            options: vec!["Zurich".into(), "Basel".into()],
            required: true,
            customer_visibility: CustomVisibility::Editable,
            active: true,
        };
        let hidden = CustomField {
            key: "cost".into(),
            kind: CustomFieldKind::Number,
            required: false,
            customer_visibility: CustomVisibility::Hidden,
            ..select.clone()
        };
        let defs = [select, hidden];
        let values = |pairs: &[(&str, Value)]| pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        assert!(check_custom_values(&defs, &values(&[("site", "Basel".into())]), true).is_ok());
        assert!(check_custom_values(&defs, &values(&[("site", "Bern".into())]), true).is_err());
        assert!(check_custom_values(&defs, &values(&[("site", Value::Null)]), true).is_err());
        assert!(check_custom_values(&defs, &values(&[("cost", 3.into())]), true).is_err(), "hidden");
        assert!(check_custom_values(&defs, &values(&[("cost", 3.into())]), false).is_ok());
        assert!(check_custom_values(&defs, &values(&[("cost", "3".into())]), false).is_err());
        assert!(check_custom_values(&defs, &values(&[("nope", 1.into())]), false).is_err());
    }
}

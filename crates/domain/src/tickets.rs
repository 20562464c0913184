//! Tickets: statuses, priorities, the tenant's ticket settings (statuses hidden from customers,
//! reopening, the customer visibility of every default field), custom field definitions and the
//! rules of who reads and changes what.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

use crate::ids::{CompanyId, TenantId, UserId};
use crate::roles::{Permission, RoleSet};
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

/// Which of a company's tickets a member reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every ticket of the company.
    All,
    /// The tickets the user opened or is the contact of.
    Own,
}

pub fn read_scope(roles: &RoleSet) -> Option<Scope> {
    if roles.grants(Permission::TicketsReadAll) {
        Some(Scope::All)
    } else if roles.grants(Permission::TicketsReadOwn) {
        Some(Scope::Own)
    } else {
        None
    }
}

/// Whether a member may change a ticket it reads (`own`: it opened it or is its contact).
pub fn may_update(roles: &RoleSet, own: bool) -> bool {
    roles.grants(Permission::TicketsUpdateAll) || (own && roles.grants(Permission::TicketsUpdateOwn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::Role;

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

    #[test]
    fn scopes_follow_the_roles() {
        assert_eq!(read_scope(&roles(&["portal_user"])), Some(Scope::Own));
        for role in Role::ALL.into_iter().filter(|r| *r != Role::PortalUser) {
            assert_eq!(read_scope(&roles(&[role.as_str()])), Some(Scope::All), "{role:?}");
        }
        assert!(may_update(&roles(&["portal_user"]), true));
        assert!(!may_update(&roles(&["portal_user"]), false));
        assert!(!may_update(&roles(&["controller"]), true), "the controller changes nothing");
        assert!(may_update(&roles(&["portal_user_plus"]), false));
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

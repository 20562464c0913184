//! Tickets: statuses, priorities, the tenant's ticket settings (statuses hidden from customers,
//! reopening, the customer visibility of every default field), custom field definitions and the
//! rules of who reads and changes what.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

use crate::ids::{CompanyId, TenantId, UserId};

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

mod checks;
mod fields;
mod rules;
mod settings;
mod status;

pub use self::checks::{
    check_draft, check_text, note_body, plausible_time, title, Changes, Draft, MAX_CUSTOM_VALUES, MAX_MINUTES,
    MAX_TEXT, MAX_TITLE,
};
pub use self::fields::{
    check_custom_values, CustomField, CustomFieldKind, CustomVisibility, Field, Visibility, MAX_CUSTOM_TEXT,
};
pub use self::rules::{check_custom_input, may_add_note, may_open, may_set, Input, Moment};
pub use self::settings::TicketSettings;
pub use self::status::{reopen_allowed, transition, StatusRequest, TransitionRefused};

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
    /// The lines of its history that move its SLA clocks (see `sla_trail`).
    pub sla_trail: String,
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

/// Which of a company's tickets a member reads (see `ticket_access::read_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every ticket of the company.
    All,
    /// The tickets the user opened or is the contact of.
    Own,
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
            sla_trail: String::new(),
        }
    }
}

#[cfg(test)]
mod tests;

//! Who sets which field and when, who adds notes and who opens tickets.

use std::collections::BTreeMap;

use serde_json::Value;

use super::fields::{check_custom_values, CustomField, CustomVisibility, Field, Visibility};
use super::settings::TicketSettings;
use crate::principal::Denied;
use crate::roles::{Permission, RoleSet};
use crate::ticket_access::Viewer;
use crate::DomainError;

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
            Self::RequestType => Some(Field::RequestTypeId),
            Self::Contact => Some(Field::ContactId),
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
        (Input::ProviderPriority, Moment::Opening, _) => Err(DomainError::new(input.name(), "rule-input-not-allowed")),
        (_, _, Some(field)) if settings.visibility(field) == Visibility::Editable => Ok(()),
        (_, _, Some(_)) => Err(DomainError::new(input.name(), "rule-input-not-editable")),
        (_, _, None) => Err(DomainError::new(input.name(), "rule-input-staff-only")),
    }
}

/// Whether `viewer` may add a note of this kind to a ticket it may change: internal notes, which
/// customers never see, are written by staff only.
pub fn may_add_note(viewer: &Viewer, internal: bool) -> Result<(), DomainError> {
    if internal && !viewer.is_staff() {
        return Err(DomainError::new("internal", "rule-internal-note-staff-only"));
    }
    Ok(())
}

/// Whether a member with `roles` may open tickets in its company.
pub fn may_open(roles: &RoleSet) -> Result<(), Denied> {
    if roles.grants(Permission::TicketsCreate) {
        Ok(())
    } else {
        Err(Denied::new("denied-roles-open-tickets"))
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
            return Err(DomainError::new("custom_fields", "rule-custom-field-required").arg("key", f.key.clone()));
        }
    }
    Ok(())
}

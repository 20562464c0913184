//! The tenant's ticket settings: statuses hidden from customers, reopening, and the customer
//! visibility of every default field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{Field, Visibility};
use super::Status;
use crate::DomainError;

/// A tenant's ticket settings. Stored as JSON; what is absent takes its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(example = json!({"hidden_statuses": ["waiting_third_party"], "reopen_allowed": true,
    "field_visibility": {"title": "editable", "description": "editable", "priority": "editable",
    "request_type_id": "editable", "contact_id": "read_only", "status": "read_only",
    "assignee_id": "read_only", "due_at": "hidden", "worked_minutes": "read_only"}}))]
pub struct TicketSettings {
    /// Tickets in these statuses are invisible to customers: not listed, and 404 when read.
    pub hidden_statuses: Vec<Status>,
    /// Whether customers may reopen a closed ticket.
    pub reopen_allowed: bool,
    /// Customer visibility of each default field; a field left out is editable (read-only for the
    /// staff-only fields status, assignee_id, due_at and worked_minutes).
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
                return Err(
                    DomainError::new("field_visibility", "rule-field-visibility-staff").arg("field", field.as_str())
                );
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
            Some((field, parameter)) => {
                Err(DomainError::new(parameter, "rule-field-hidden-filter").arg("field", field.as_str()))
            }
            None => Ok(()),
        }
    }
}

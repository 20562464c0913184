//! The fields of a ticket: the default ones whose customer visibility the tenant chooses, and
//! custom field definitions with the check of their values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::DomainError;

named_enum!(
    /// A default ticket field whose customer visibility the tenant chooses, named as on the
    /// ticket; `worked_minutes` stands for the time spent, `billed_minutes` included.
    Field {
        Title => "title",
        Description => "description",
        Priority => "priority",
        RequestTypeId => "request_type_id",
        ContactId => "contact_id",
        Status => "status",
        AssigneeId => "assignee_id",
        DueAt => "due_at",
        WorkedMinutes => "worked_minutes",
    }
);

impl Field {
    /// Fields only staff set: customers may at most read them.
    pub fn staff_only(self) -> bool {
        matches!(self, Self::Status | Self::AssigneeId | Self::DueAt | Self::WorkedMinutes)
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
        let refuse = |id| DomainError::new("custom_fields", id).arg("key", self.key.clone());
        Err(match self.kind {
            _ if value.is_null() => refuse("rule-custom-field-expected-value"),
            CustomFieldKind::Text => refuse("rule-custom-field-expected-text").arg("max", MAX_CUSTOM_TEXT),
            CustomFieldKind::Number => refuse("rule-custom-field-expected-number"),
            CustomFieldKind::Boolean => refuse("rule-custom-field-expected-boolean"),
            CustomFieldKind::Date => refuse("rule-custom-field-expected-date"),
            CustomFieldKind::Select => {
                refuse("rule-custom-field-expected-option").arg("options", self.options.join(", "))
            }
        })
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
            .ok_or_else(|| DomainError::new("custom_fields", "rule-custom-field-unknown").arg("key", key.clone()))?;
        field.check(value)?;
    }
    Ok(())
}

//! The limits and checks of a ticket's values: title, text, times, a draft and changes.

use std::collections::BTreeMap;

use serde_json::Value;

use chrono::{DateTime, Utc};

use super::{Priority, Status};
use crate::DomainError;

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
        return Err(DomainError::new(field, "rule-no-nul"));
    }
    Ok(())
}

/// A ticket's title: trimmed, 1 to [`MAX_TITLE`] characters.
pub fn title(value: &str) -> Result<String, DomainError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_TITLE {
        return Err(DomainError::new("title", "rule-chars-between").arg("min", 1).arg("max", MAX_TITLE));
    }
    no_nul("title", value)?;
    Ok(value.to_owned())
}

/// A description: at most [`MAX_TEXT`] characters.
pub fn check_text(field: &'static str, value: &str) -> Result<(), DomainError> {
    if value.chars().count() > MAX_TEXT {
        return Err(DomainError::new(field, "rule-max-chars").arg("max", MAX_TEXT));
    }
    no_nul(field, value)
}

/// A note's body: trimmed, 1 to [`MAX_TEXT`] characters.
pub fn note_body(value: &str) -> Result<String, DomainError> {
    let body = value.trim();
    if body.is_empty() || body.chars().count() > MAX_TEXT {
        return Err(DomainError::new("body", "rule-chars-between").arg("min", 1).arg("max", MAX_TEXT));
    }
    no_nul("body", body)?;
    Ok(body.to_owned())
}

/// A time a caller sends (a due date, a list filter) must be one both databases store and
/// compare the same way: PostgreSQL refuses years before 4713 BC, and SQLite compares times as
/// text, which only orders four-digit years.
pub fn plausible_time(field: &'static str, at: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    if !(1970..=9999).contains(&chrono::Datelike::year(&at)) {
        return Err(DomainError::new(field, "rule-year-range"));
    }
    Ok(at)
}

fn check_custom_count(values: &BTreeMap<String, Value>) -> Result<(), DomainError> {
    if values.len() > MAX_CUSTOM_VALUES {
        return Err(DomainError::new("custom_fields", "rule-custom-values-at-most").arg("max", MAX_CUSTOM_VALUES));
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
                return Err(DomainError::new(name, "field-range-between").arg("min", 0).arg("max", MAX_MINUTES));
            }
        }
        self.custom_fields.as_ref().map(check_custom_count).transpose()?;
        Ok(())
    }
}

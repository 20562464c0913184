//! The rule for short free-text inputs (names, titles, products): trimmed, 1 to `max`
//! characters, no control characters.

use clientdesk_domain::i18n::Message;

use crate::errors::{ApiError, ApiResult};

/// The detail of a text input that breaks the rule.
pub fn rule(max: usize) -> Message {
    Message::new("rule-plain-text").arg("max", max)
}

/// A required text input, trimmed.
pub fn required(field: &str, value: &str, max: usize) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, rule(max)));
    }
    Ok(value.to_owned())
}

/// An optional text input: absent or blank is none.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(|v| required(field, v, max)).transpose()
}

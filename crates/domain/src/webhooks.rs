//! Webhooks for integrators: the event types a subscription may choose, what a subscription
//! holds, the rules of its secret (Standard Webhooks: `whsec_` + base64) and of its delivery
//! (what is signed, when a failing endpoint is disabled, which deliveries wait for others).
//! See docs/decisions/0049-webhooks-for-integrators.md.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::TenantId;
use crate::DomainError;

/// What happened, as a subscription chooses it and as the body's `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    #[serde(rename = "ticket.created")]
    TicketCreated,
    #[serde(rename = "ticket.updated")]
    TicketUpdated,
    #[serde(rename = "ticket.note_added")]
    TicketNoteAdded,
    #[serde(rename = "ticket.status_changed")]
    TicketStatusChanged,
    #[serde(rename = "ticket.attachment_added")]
    TicketAttachmentAdded,
    #[serde(rename = "validation.requested")]
    ValidationRequested,
    #[serde(rename = "validation.decided")]
    ValidationDecided,
    #[serde(rename = "change_request.decided")]
    ChangeRequestDecided,
    #[serde(rename = "user.invited")]
    UserInvited,
    #[serde(rename = "user.activated")]
    UserActivated,
    #[serde(rename = "user.disabled")]
    UserDisabled,
    #[serde(rename = "action.completed")]
    ActionCompleted,
}

impl EventType {
    pub const ALL: [Self; 12] = [
        Self::TicketCreated,
        Self::TicketUpdated,
        Self::TicketNoteAdded,
        Self::TicketStatusChanged,
        Self::TicketAttachmentAdded,
        Self::ValidationRequested,
        Self::ValidationDecided,
        Self::ChangeRequestDecided,
        Self::UserInvited,
        Self::UserActivated,
        Self::UserDisabled,
        Self::ActionCompleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TicketCreated => "ticket.created",
            Self::TicketUpdated => "ticket.updated",
            Self::TicketNoteAdded => "ticket.note_added",
            Self::TicketStatusChanged => "ticket.status_changed",
            Self::TicketAttachmentAdded => "ticket.attachment_added",
            Self::ValidationRequested => "validation.requested",
            Self::ValidationDecided => "validation.decided",
            Self::ChangeRequestDecided => "change_request.decided",
            Self::UserInvited => "user.invited",
            Self::UserActivated => "user.activated",
            Self::UserDisabled => "user.disabled",
            Self::ActionCompleted => "action.completed",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == input)
    }
}

/// The most event types one subscription may list (every type, once).
pub const MAX_EVENT_TYPES: usize = EventType::ALL.len();
/// The longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// The event types of a subscription: at least one, each once, sorted.
pub fn event_types(mut types: Vec<EventType>) -> Result<Vec<EventType>, DomainError> {
    types.sort();
    types.dedup();
    if types.is_empty() {
        return Err(DomainError::new("event_types", "rule-event-types-empty"));
    }
    Ok(types)
}

/// A description: at most `MAX_DESCRIPTION_CHARS`, no control characters but line breaks.
pub fn description(text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(DomainError::new("description", "rule-max-chars").arg("max", MAX_DESCRIPTION_CHARS));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::new("description", "rule-no-control-chars"));
    }
    Ok(text.to_owned())
}

/// A subscription as stored, its secrets opened.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: i64,
    pub tenant_id: TenantId,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub description: String,
    pub enabled: bool,
    pub internal: bool,
    pub created_by: i64,
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Subscription {
    pub fn wants(&self, event: EventType) -> bool {
        self.enabled && self.event_types.contains(&event)
    }
}

/// What a Standard Webhooks secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";
/// How long the secret a rotation replaced still signs beside the new one.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

/// The secrets a delivery at `now` is signed with: the current one, and the previous one while
/// its overlap lasts.
pub fn signing_secrets<'a>(
    current: &'a str,
    previous: Option<&'a str>,
    previous_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<&'a str> {
    let mut secrets = vec![current];
    if let (Some(previous), Some(until)) = (previous, previous_until) {
        if now < until {
            secrets.push(previous);
        }
    }
    secrets
}

/// What a Standard Webhooks signature covers: `{id}.{timestamp}.{body}`.
pub fn signed_content(id: &str, timestamp: i64, body: &str) -> String {
    format!("{id}.{timestamp}.{body}")
}

/// The key of the deliveries that must go out in order: those of one ticket. A later event of a
/// ticket waits until the earlier ones are delivered or given up.
pub fn ordering_key(ticket_id: Option<i64>) -> Option<String> {
    ticket_id.map(|id| format!("ticket:{id}"))
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Given up after the last attempt, or refused for good (a 4xx, a refused address).
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed].into_iter().find(|s| s.as_str() == input)
    }
}

/// Whether an endpoint whose attempts have all failed since `failing_since` is disabled by a
/// failure at `now`: after `after` (24 hours) of failures without a success.
pub fn disable_after_failure(failing_since: Option<DateTime<Utc>>, now: DateTime<Utc>, after: Duration) -> bool {
    failing_since.is_some_and(|since| now - since >= after)
}

/// How long an endpoint may fail without a success before it is disabled.
pub const DISABLE_AFTER_HOURS: i64 = 24;

/// How long a settled delivery (delivered, or failed for good) is kept with its attempts, to be
/// listed and redelivered; the sweep removes older ones. Pending deliveries are never removed.
pub const DELIVERY_RETENTION_DAYS: i64 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip_and_a_list_is_sorted_without_repeats() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert_eq!(EventType::parse("ticket.deleted"), None);
        let listed = event_types(vec![EventType::UserInvited, EventType::TicketCreated, EventType::UserInvited]);
        assert_eq!(listed.unwrap(), vec![EventType::TicketCreated, EventType::UserInvited]);
        assert_eq!(event_types(Vec::new()).unwrap_err().field, "event_types");
    }

    #[test]
    fn descriptions_are_short_plain_text() {
        assert_eq!(description("  PSA sync \n").unwrap(), "PSA sync");
        assert!(description(&"x".repeat(MAX_DESCRIPTION_CHARS + 1)).is_err());
        assert!(description("a\u{7}b").is_err());
        assert!(description("line one\nline two").is_ok());
    }

    #[test]
    fn the_previous_secret_signs_only_while_its_overlap_lasts() {
        let now = DateTime::<Utc>::UNIX_EPOCH + Duration::days(1);
        assert_eq!(signing_secrets("new", None, None, now), ["new"]);
        assert_eq!(signing_secrets("new", Some("old"), Some(now + Duration::seconds(1)), now), ["new", "old"]);
        assert_eq!(signing_secrets("new", Some("old"), Some(now), now), ["new"]);
    }

    #[test]
    fn an_endpoint_is_disabled_after_a_day_of_failures_only() {
        let now = DateTime::<Utc>::UNIX_EPOCH + Duration::days(2);
        let day = Duration::hours(DISABLE_AFTER_HOURS);
        assert!(!disable_after_failure(None, now, day));
        assert!(!disable_after_failure(Some(now - Duration::hours(23)), now, day));
        assert!(disable_after_failure(Some(now - day), now, day));
    }

    #[test]
    fn the_signed_content_and_the_ordering_key_are_as_specified() {
        assert_eq!(signed_content("msg_1", 1_700_000_000, "{}"), "msg_1.1700000000.{}");
        assert_eq!(ordering_key(Some(7)).as_deref(), Some("ticket:7"));
        assert_eq!(ordering_key(None), None);
        for s in [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed] {
            assert_eq!(DeliveryStatus::parse(s.as_str()), Some(s));
        }
    }
}

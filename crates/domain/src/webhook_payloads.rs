//! What each webhook event carries in its body's `data`: ids and the fields that changed, never a
//! secret. The body is `{"type": "<event type>", "timestamp": "<RFC 3339>", "data": {...}}`.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// `ticket.created`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"ticket_id": 17, "company_id": 3, "number": 1042, "title": "Printer on floor 2 jams",
    "status": "new", "priority": "normal", "requester_id": 12}))]
pub struct TicketCreatedData {
    pub ticket_id: i64,
    pub company_id: i64,
    pub number: i64,
    pub title: String,
    pub status: String,
    pub priority: String,
    pub requester_id: i64,
}

/// A field's value before and after a change, as the ticket history shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldChange {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `ticket.updated`: every field a change set, by name (`status`, `priority`, `assignee`,
/// `custom_fields.<key>`, ...).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"ticket_id": 17, "company_id": 3, "changed": {"priority": {"from": "normal", "to": "high"}}}))]
pub struct TicketUpdatedData {
    pub ticket_id: i64,
    pub company_id: i64,
    pub changed: BTreeMap<String, FieldChange>,
}

/// `ticket.status_changed` (sent beside `ticket.updated`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"ticket_id": 17, "company_id": 3, "from": "new", "to": "in_progress"}))]
pub struct TicketStatusChangedData {
    pub ticket_id: i64,
    pub company_id: i64,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `ticket.note_added`. An internal note goes only to subscriptions marked `internal`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"ticket_id": 17, "company_id": 3, "note_id": 88, "author_id": 5, "internal": false,
    "body": "The fuser is replaced; please try again."}))]
pub struct TicketNoteAddedData {
    pub ticket_id: i64,
    pub company_id: i64,
    pub note_id: i64,
    pub author_id: i64,
    pub internal: bool,
    pub body: String,
}

/// `ticket.attachment_added`; the contents are read through the API. An attachment of an
/// internal note goes only to subscriptions marked `internal`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"ticket_id": 17, "company_id": 3, "attachment_id": 9, "note_id": null,
    "internal": false, "file_name": "error.png", "content_type": "image/png", "size_bytes": 48213}))]
pub struct TicketAttachmentAddedData {
    pub ticket_id: i64,
    pub company_id: i64,
    pub attachment_id: i64,
    pub note_id: Option<i64>,
    pub internal: bool,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// `validation.requested` and `validation.decided` (`status`: pending, accepted, rejected,
/// expired or cancelled).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"validation_id": 4, "ticket_id": 17, "company_id": 3, "status": "accepted"}))]
pub struct ValidationData {
    pub validation_id: i64,
    pub ticket_id: i64,
    pub company_id: i64,
    pub status: String,
}

/// `change_request.decided` (`status`: approved or rejected).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"change_request_id": 6, "company_id": 3, "status": "approved"}))]
pub struct ChangeRequestDecidedData {
    pub change_request_id: i64,
    pub company_id: i64,
    pub status: String,
}

/// `user.invited`, `user.activated` and `user.disabled`: a portal login; `company_id` names the
/// company it was invited to, the company whose agent menu registered it, or the company a
/// suspension applies to; null when the event concerns the login as a whole.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"user_id": 12, "company_id": 3}))]
pub struct UserData {
    pub user_id: i64,
    pub company_id: Option<i64>,
}

/// `action.completed`: a self-service action's result (`status`: succeeded or failed).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"action_id": 31, "device_id": 2, "kind": "restart", "status": "succeeded"}))]
pub struct ActionCompletedData {
    pub action_id: i64,
    pub device_id: i64,
    pub kind: String,
    pub status: String,
}

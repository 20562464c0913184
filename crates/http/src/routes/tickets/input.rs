//! What callers send to open and change tickets, and its conversion into the domain's input.
//! The rules each field obeys are `clientdesk_domain::tickets` (`may_set`, `check_draft`, ...).

use std::collections::BTreeMap;

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use clientdesk_domain::tickets::{self, Changes, Draft, Priority, Status, Ticket};
use clientdesk_persistence::tickets::NewTicket;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::access::Viewer;
use super::view::Context;
use crate::errors::ApiResult;
use crate::respond;

/// A new ticket.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Printer on floor 2 jams", "description": "Every second page jams since Monday.",
    "priority": "normal", "request_type_id": 1, "custom_fields": {"site": "Zurich"}}))]
pub struct NewTicketInput {
    /// 1 to 200 characters.
    pub title: String,
    /// At most 20,000 characters.
    #[serde(default)]
    pub description: String,
    /// Default `normal`. Customers: only where the priority is editable for them.
    pub priority: Option<Priority>,
    /// The service provider's priority: staff, and members with `priority_set`.
    pub provider_priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    /// Another portal user of the company to keep informed.
    pub contact_id: Option<i64>,
    /// Staff only, required for them: the portal user the ticket is opened for.
    pub requester_id: Option<i64>,
    /// Values by custom field key (see `GET /api/v1/companies/{company_id}/ticket-form`).
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, super::view::CustomFieldValue>)]
    pub custom_fields: BTreeMap<String, Value>,
}

impl NewTicketInput {
    pub fn check_shape(&self) -> ApiResult<()> {
        Ok(tickets::check_draft(&self.title, &self.description, &self.custom_fields)?)
    }
}

impl From<NewTicketInput> for Draft {
    fn from(input: NewTicketInput) -> Self {
        Self {
            title: input.title,
            description: input.description,
            priority: input.priority,
            provider_priority: input.provider_priority,
            request_type_id: input.request_type_id,
            contact_id: input.contact_id,
            requester_id: input.requester_id,
            custom_fields: input.custom_fields,
        }
    }
}

/// A new ticket, checked, with how its creator will see it.
pub struct CheckedTicket {
    pub ticket: NewTicket,
    pub viewer: Viewer,
    pub may_update: bool,
    /// What the answer needs (the catalogue and the names of the people on the ticket).
    pub ctx: Context,
}

impl CheckedTicket {
    /// Writes the ticket with `create` and answers with the caller's view of it.
    pub fn write<E>(self, create: impl FnOnce(NewTicket) -> Result<Ticket, E>) -> ApiResult<Bytes>
    where
        crate::errors::ApiError: From<E>,
    {
        let ticket = create(self.ticket)?;
        Ok(respond::to_json(self.ctx.view(&ticket, &self.viewer, self.may_update))?)
    }
}

/// Changes to a ticket; only the fields present change. `null` clears a field that may be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"priority": "high", "custom_fields": {"site": "Basel"}}))]
pub struct TicketPatch {
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub priority: Option<Priority>,
    /// Staff only.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<Priority>)]
    pub provider_priority: Option<Option<Priority>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub request_type_id: Option<Option<i64>>,
    /// Staff only.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub queue_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub contact_id: Option<Option<i64>>,
    /// Staff only (customers close and reopen through their own endpoints).
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub status: Option<Status>,
    /// Staff only: a staff user of the tenant.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
    /// Staff only.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// Staff only.
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub worked_minutes: Option<i64>,
    /// Staff only.
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub billed_minutes: Option<i64>,
    /// Staff only. A billed ticket is read-only for customers.
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub billed: Option<bool>,
    /// Values to set by key (`null` clears one); keys left out keep their value.
    #[schema(value_type = Option<BTreeMap<String, super::view::CustomFieldValue>>)]
    pub custom_fields: Option<BTreeMap<String, Value>>,
}

impl From<TicketPatch> for Changes {
    fn from(patch: TicketPatch) -> Self {
        Self {
            title: patch.title,
            description: patch.description,
            priority: patch.priority,
            provider_priority: patch.provider_priority,
            request_type_id: patch.request_type_id,
            queue_id: patch.queue_id,
            contact_id: patch.contact_id,
            status: patch.status,
            assignee_id: patch.assignee_id,
            due_at: patch.due_at,
            worked_minutes: patch.worked_minutes,
            billed_minutes: patch.billed_minutes,
            billed: patch.billed,
            custom_fields: patch.custom_fields,
        }
    }
}

/// A note to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "It jammed again at 10:15.", "internal": false}))]
pub struct NoteInput {
    /// 1 to 20,000 characters.
    pub body: String,
    /// Staff only: a note customers never see.
    #[serde(default)]
    pub internal: bool,
}

impl NoteInput {
    pub fn checked_body(&self) -> ApiResult<String> {
        Ok(tickets::note_body(&self.body)?)
    }
}

//! Webhook events: what a change tells integrators, queued for each subscription that wants it in
//! the change's own transaction (the outbox pattern), so an event exists exactly when its change
//! does. One `emit` per change site; the worker signs and delivers (see the server's `webhooks`).

use chrono::{DateTime, SecondsFormat, Utc};
use clientdesk_domain::actions::Action;
use clientdesk_domain::approvals::{ChangeRequest, Validation, ValidationStatus};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::rmm::ActionStatus;
use clientdesk_domain::tickets::{Change, Ticket};
use clientdesk_domain::webhook_payloads::{
    ActionCompletedData, ChangeRequestDecidedData, FieldChange, TicketAttachmentAddedData, TicketCreatedData,
    TicketNoteAddedData, TicketStatusChangedData, TicketUpdatedData, UserData, ValidationData,
};
use clientdesk_domain::webhooks::{ordering_key, EventType};
use clientdesk_persistence::webhooks::{self as store, NewDelivery};
use clientdesk_persistence::{DbConnection, Error, Result};
use serde::Serialize;

use crate::crypto::secrets::random_token;

/// A change integrators may subscribe to.
pub enum Event<'a> {
    TicketCreated(&'a Ticket),
    /// The history lines of one change; a status among them is also `ticket.status_changed`.
    TicketChanged(&'a Ticket, &'a [Change]),
    NoteAdded {
        ticket: &'a Ticket,
        note_id: i64,
        author_id: i64,
        internal: bool,
        body: &'a str,
    },
    AttachmentAdded(TicketAttachmentAddedData),
    ValidationRequested(&'a Validation),
    /// A validation settled as `ValidationStatus` (accepted, rejected, expired or cancelled).
    ValidationDecided(&'a Validation, ValidationStatus),
    ChangeRequestDecided(&'a ChangeRequest),
    UserInvited(UserData),
    UserActivated(UserData),
    UserDisabled(UserData),
    /// A self-service action finished as the RMM reported (succeeded or failed).
    ActionCompleted(&'a Action, ActionStatus),
}

/// One event as sent: its type, its `data`, the ticket it orders by, and whether only
/// subscriptions marked `internal` may receive it.
struct Outgoing {
    kind: EventType,
    data: serde_json::Value,
    ticket: Option<i64>,
    internal_only: bool,
}

fn data(value: impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::Other(format!("webhook payload: {e}")))
}

impl Event<'_> {
    fn outgoing(self) -> Result<Vec<Outgoing>> {
        let one =
            |kind, value: serde_json::Value, ticket| vec![Outgoing { kind, data: value, ticket, internal_only: false }];
        Ok(match self {
            Self::TicketCreated(t) => one(
                EventType::TicketCreated,
                data(TicketCreatedData {
                    ticket_id: t.id,
                    company_id: t.company_id.0,
                    number: t.number,
                    title: t.title.clone(),
                    status: t.status.as_str().to_owned(),
                    priority: t.priority.as_str().to_owned(),
                    requester_id: t.requester_id.0,
                })?,
                Some(t.id),
            ),
            Self::TicketChanged(t, changes) => {
                let changed = changes
                    .iter()
                    .filter(|c| !c.internal)
                    .filter_map(|c| {
                        let field = c.field.clone()?;
                        Some((field, FieldChange { from: c.old_value.clone(), to: c.new_value.clone() }))
                    })
                    .collect::<std::collections::BTreeMap<_, _>>();
                if changed.is_empty() {
                    return Ok(Vec::new());
                }
                let mut sent = one(
                    EventType::TicketUpdated,
                    data(TicketUpdatedData { ticket_id: t.id, company_id: t.company_id.0, changed: changed.clone() })?,
                    Some(t.id),
                );
                if let Some(status) = changed.get("status") {
                    sent.extend(one(
                        EventType::TicketStatusChanged,
                        data(TicketStatusChangedData {
                            ticket_id: t.id,
                            company_id: t.company_id.0,
                            from: status.from.clone(),
                            to: status.to.clone(),
                        })?,
                        Some(t.id),
                    ));
                }
                sent
            }
            Self::NoteAdded { ticket, note_id, author_id, internal, body } => vec![Outgoing {
                kind: EventType::TicketNoteAdded,
                data: data(TicketNoteAddedData {
                    ticket_id: ticket.id,
                    company_id: ticket.company_id.0,
                    note_id,
                    author_id,
                    internal,
                    body: body.to_owned(),
                })?,
                ticket: Some(ticket.id),
                internal_only: internal,
            }],
            Self::AttachmentAdded(d) => {
                let (ticket, internal_only) = (Some(d.ticket_id), d.internal);
                vec![Outgoing { kind: EventType::TicketAttachmentAdded, data: data(d)?, ticket, internal_only }]
            }
            Self::ValidationRequested(v) => {
                one(EventType::ValidationRequested, validation(v, ValidationStatus::Pending)?, Some(v.ticket_id))
            }
            Self::ValidationDecided(v, status) => {
                one(EventType::ValidationDecided, validation(v, status)?, Some(v.ticket_id))
            }
            Self::ChangeRequestDecided(c) => one(
                EventType::ChangeRequestDecided,
                data(ChangeRequestDecidedData {
                    change_request_id: c.id,
                    company_id: c.company_id.0,
                    status: c.status.as_str().to_owned(),
                })?,
                None,
            ),
            Self::UserInvited(d) => one(EventType::UserInvited, data(d)?, None),
            Self::UserActivated(d) => one(EventType::UserActivated, data(d)?, None),
            Self::UserDisabled(d) => one(EventType::UserDisabled, data(d)?, None),
            Self::ActionCompleted(a, status) => one(
                EventType::ActionCompleted,
                data(ActionCompletedData {
                    action_id: a.id,
                    device_id: a.device_id,
                    kind: a.kind.as_str().to_owned(),
                    status: status.as_str().to_owned(),
                })?,
                None,
            ),
        })
    }
}

fn validation(v: &Validation, status: ValidationStatus) -> Result<serde_json::Value> {
    data(ValidationData {
        validation_id: v.id,
        ticket_id: v.ticket_id,
        company_id: v.company_id.0,
        status: status.as_str().to_owned(),
    })
}

/// The body of an event: `{type, timestamp, data}`.
pub fn body(kind: EventType, at: DateTime<Utc>, data: &serde_json::Value) -> String {
    serde_json::json!({
        "type": kind.as_str(),
        "timestamp": at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string()
}

/// A Standard Webhooks message id: unique per event, the same at every attempt.
fn event_id() -> String {
    format!("msg_{}", random_token(18))
}

/// Queues `event` for each of the tenant's enabled subscriptions that wants it. Call inside the
/// transaction of the change it reports.
pub fn emit(conn: &mut DbConnection, tenant: TenantId, event: Event<'_>) -> Result<()> {
    let now = Utc::now();
    for out in event.outgoing()? {
        let subscribers = store::subscribers(conn, tenant, out.kind)?;
        if subscribers.is_empty() {
            continue;
        }
        let (id, body) = (event_id(), body(out.kind, now, &out.data));
        let key = ordering_key(out.ticket);
        for s in subscribers.iter().filter(|s| s.internal || !out.internal_only) {
            let delivery = NewDelivery {
                tenant_id: tenant,
                subscription_id: s.id,
                event_id: &id,
                event_type: out.kind,
                ordering_key: key.as_deref(),
                body: &body,
            };
            store::enqueue(conn, &delivery, now)?;
        }
    }
    Ok(())
}

/// Whether any of the tenant's subscriptions wants `kind`: lets a write that is one statement
/// on its own (a ticket's creation on PostgreSQL) stay so when nobody listens.
pub fn wanted(conn: &mut DbConnection, tenant: TenantId, kind: EventType) -> Result<bool> {
    Ok(!store::subscribers(conn, tenant, kind)?.is_empty())
}

//! The ticket's row as stored, read back into the domain's `Ticket`, and how ticket times and
//! custom values are stored.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::tickets::{Priority, Status, Ticket};
use diesel::prelude::*;

use crate::schema::tickets;
use crate::stamp::Stamp;
use crate::{utc, Error, Result};

/// Ticket times are kept to the microsecond, PostgreSQL's precision, so that a keyset cursor taken
/// from a time compares the same on both databases.
pub fn ticket_time(now: DateTime<Utc>) -> DateTime<Utc> {
    now.trunc_subsecs(6)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tickets)]
pub(super) struct TicketRow {
    pub(super) id: i64,
    tenant_id: i64,
    company_id: i64,
    number: i64,
    title: String,
    description: String,
    status: String,
    pub(super) priority: i32,
    provider_priority: Option<i32>,
    request_type_id: Option<i64>,
    queue_id: Option<i64>,
    requester_id: i64,
    contact_id: Option<i64>,
    assignee_id: Option<i64>,
    device_id: Option<i64>,
    due_at: Option<Stamp>,
    worked_minutes: i64,
    billed_minutes: i64,
    billed: bool,
    custom_values: String,
    version: i64,
    created_at: Stamp,
    pub(super) updated_at: Stamp,
    closed_at: Option<Stamp>,
    sla_trail: String,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = Error;
    fn try_from(row: TicketRow) -> Result<Self> {
        let bad = |what: &str| Error::Other(format!("ticket {}: bad {what}", row.id));
        Ok(Ticket {
            id: row.id,
            tenant_id: TenantId(row.tenant_id),
            company_id: CompanyId(row.company_id),
            number: row.number,
            status: Status::parse(&row.status).ok_or_else(|| bad("status"))?,
            priority: Priority::from_rank(row.priority).ok_or_else(|| bad("priority"))?,
            provider_priority: row.provider_priority.and_then(Priority::from_rank),
            custom_values: serde_json::from_str(&row.custom_values).map_err(|_| bad("custom values"))?,
            title: row.title,
            description: row.description,
            request_type_id: row.request_type_id,
            queue_id: row.queue_id,
            requester_id: UserId(row.requester_id),
            contact_id: row.contact_id.map(UserId),
            assignee_id: row.assignee_id.map(UserId),
            device_id: row.device_id,
            due_at: row.due_at.map(|s| utc(s.0)),
            worked_minutes: row.worked_minutes,
            billed_minutes: row.billed_minutes,
            billed: row.billed,
            version: row.version,
            created_at: utc(row.created_at.0),
            updated_at: utc(row.updated_at.0),
            closed_at: row.closed_at.map(|s| utc(s.0)),
            sla_trail: row.sla_trail,
        })
    }
}

pub(super) fn json(values: &BTreeMap<String, serde_json::Value>) -> Result<String> {
    serde_json::to_string(values).map_err(|e| Error::Other(e.to_string()))
}

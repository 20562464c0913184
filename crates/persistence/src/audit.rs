//! The audit log: sign-ins, role changes and every other security-relevant event.

use chrono::{DateTime, Utc};
use clientdesk_domain::entities::AuditEvent;
use clientdesk_domain::ids::{TenantId, UserId};
use diesel::prelude::*;

use crate::schema::audit_events;
use crate::{utc, DbConnection, Page, Result};

/// An event to record. Never put a password, code, secret or whole token in any field.
#[derive(Debug, Clone, Default)]
pub struct NewAuditEvent {
    pub tenant_id: Option<TenantId>,
    pub actor_user_id: Option<UserId>,
    pub action: &'static str,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub factor: Option<&'static str>,
    pub detail: Option<String>,
}

pub fn record(conn: &mut DbConnection, event: &NewAuditEvent, now: DateTime<Utc>) -> Result<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::tenant_id.eq(event.tenant_id.map(|t| t.0)),
            audit_events::actor_user_id.eq(event.actor_user_id.map(|u| u.0)),
            audit_events::action.eq(event.action),
            audit_events::target.eq(&event.target),
            audit_events::ip.eq(&event.ip),
            audit_events::user_agent.eq(event.user_agent.as_deref().map(|ua| truncate(ua, 500))),
            audit_events::factor.eq(event.factor),
            audit_events::detail.eq(&event.detail),
            audit_events::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

type Row = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    chrono::NaiveDateTime,
);

/// The tenant's events, newest first, before `before` (an event id), optionally of one action.
pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    action: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<AuditEvent>> {
    let mut q = audit_events::table.filter(audit_events::tenant_id.eq(tenant.0)).into_boxed();
    if let Some(action) = action {
        q = q.filter(audit_events::action.eq(action.to_owned()));
    }
    if let Some(before) = before {
        q = q.filter(audit_events::id.lt(before));
    }
    let rows: Vec<Row> = q
        .order(audit_events::id.desc())
        .limit(limit + 1)
        .select((
            audit_events::id,
            audit_events::tenant_id,
            audit_events::actor_user_id,
            audit_events::action,
            audit_events::target,
            audit_events::ip,
            audit_events::user_agent,
            audit_events::factor,
            audit_events::detail,
            audit_events::created_at,
        ))
        .load(conn)?;
    let events = rows
        .into_iter()
        .map(|(id, tenant_id, actor, action, target, ip, user_agent, factor, detail, created_at)| AuditEvent {
            id,
            tenant_id: tenant_id.map(TenantId),
            actor_user_id: actor.map(UserId),
            action,
            target,
            ip,
            user_agent,
            factor,
            detail,
            created_at: utc(created_at),
        })
        .collect();
    Ok(Page::from_rows(events, limit, |e| e.id))
}

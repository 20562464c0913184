//! Where a request came from: the client's address and user agent, as the sign-in throttles and
//! the audit log record them. The HTTP layer reads them from the request.

use chrono::Utc;
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::principal::Principal;
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::{DbConnection, Result};

/// The client address and user agent, for throttling and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Origin {
    /// An audit event of `action` coming from here.
    pub fn event(&self, tenant: Option<TenantId>, actor: Option<UserId>, action: &'static str) -> NewAuditEvent {
        NewAuditEvent {
            tenant_id: tenant,
            actor_user_id: actor,
            action,
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            ..Default::default()
        }
    }

    /// Records a change the signed-in caller `by` made to `target` (e.g. `company:3`).
    pub fn record_change(
        &self,
        conn: &mut DbConnection,
        by: &impl AsRef<Principal>,
        action: &'static str,
        target: String,
        detail: Option<String>,
    ) -> Result<()> {
        let by = by.as_ref();
        let mut event = self.event(Some(by.tenant_id), Some(by.user_id), action);
        event.target = Some(target);
        event.detail = detail;
        audit::record(conn, &event, Utc::now())?;
        Ok(())
    }
}

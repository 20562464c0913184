//! Computers the RMM manages, as the rest of the code sees them.

use chrono::{DateTime, Utc};

use crate::ids::{CompanyId, TenantId, UserId};
use crate::rmm::{AgentIds, Platform};

/// A computer the RMM manages.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub user_id: Option<UserId>,
    pub hostname: String,
    pub platform: Platform,
    pub ids: AgentIds,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub has_token: bool,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

//! Codes and tokens a person proves: mailed or texted short codes (counted tries) and
//! high-entropy one-time tokens, each for one purpose.

use chrono::{DateTime, Utc};

use crate::ids::{TenantId, UserId};

/// A code or token a person proves, as stored: only its fingerprint is kept.
#[derive(Debug, Clone)]
pub struct Code {
    pub id: i64,
    pub tenant_id: TenantId,
    pub user_id: Option<UserId>,
    /// What it proves, naming what it belongs to where needed (e.g. `activation:<id>`).
    pub purpose: String,
    pub code_hash: String,
    /// JSON of what the code was issued for (the device, the user or the phone number).
    pub payload: String,
    pub attempts: i32,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

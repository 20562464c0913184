//! Sign-ins, their refresh tokens, and the API tokens of integration scripts, as stored. The
//! secrets themselves are never kept: only their SHA-256, which finds the row.

use chrono::{DateTime, Utc};

use crate::ids::{ApiTokenId, TenantId, UserId};

/// A refresh token: one of a sign-in's chain (`family`, the sign-in's id), spent when rotated.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub id: i64,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub family: String,
    /// How the sign-in was proven: method names separated by spaces.
    pub amr: String,
    pub expires_at: DateTime<Utc>,
    pub rotated: bool,
    pub revoked: bool,
}

/// A sign-in: a refresh family, which access tokens name as `sid`.
#[derive(Debug, Clone)]
pub struct Signin {
    pub user_id: UserId,
    pub started_at: DateTime<Utc>,
    pub ended: bool,
}

/// A named, expiring, revocable credential for an integration script.
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub name: String,
    pub read_only: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

//! Secrets written in clear before encryption at rest (TOTP secrets, RMM HMAC keys), sealed
//! with the vault once at start-up. See docs/decisions/0004-secrets-at-rest.md.

use clientdesk_domain::ids::TenantId;
use diesel::prelude::*;

use crate::schema::{rmm_integrations, users};
use crate::{vault, DbConnection, Result};

/// Seals the secrets still stored in clear (written before encryption at rest). Returns how
/// many it sealed. Call inside a write transaction.
pub fn seal(conn: &mut DbConnection) -> Result<usize> {
    let mut sealed = 0;
    let rows: Vec<(i64, i64, Option<String>, Option<String>)> = users::table
        .filter(
            users::totp_secret
                .not_like(format!("{}%", vault::PREFIX))
                .or(users::totp_pending_secret.not_like(format!("{}%", vault::PREFIX))),
        )
        .select((users::id, users::tenant_id, users::totp_secret, users::totp_pending_secret))
        .load(conn)?;
    for (id, tenant, secret, pending) in rows {
        let tenant = TenantId(tenant);
        let secret = crate::users::seal_totp(conn, tenant, id, "totp_secret", secret.as_deref())?;
        let pending = crate::users::seal_totp(conn, tenant, id, "totp_pending_secret", pending.as_deref())?;
        diesel::update(users::table.find(id))
            .set((users::totp_secret.eq(secret), users::totp_pending_secret.eq(pending)))
            .execute(conn)?;
        sealed += 1;
    }
    let tenants: Vec<i64> = rmm_integrations::table
        .filter(
            rmm_integrations::secret
                .not_like(format!("{}%", vault::PREFIX))
                .or(rmm_integrations::previous_secret.not_like(format!("{}%", vault::PREFIX))),
        )
        .select(rmm_integrations::tenant_id)
        .load(conn)?;
    for tenant in tenants {
        // Loading opens what is sealed and passes what is not; saving seals both.
        if let Some(integration) = crate::rmm::integration_of(conn, TenantId(tenant))? {
            crate::rmm::save_integration(conn, &integration)?;
            sealed += 1;
        }
    }
    Ok(sealed)
}

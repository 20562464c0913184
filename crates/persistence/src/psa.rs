//! The PSA integration of a tenant: the fingerprint of the credential its PSA syncs with, and the
//! checks a sync batch makes of the companies it names.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::TenantId;
use diesel::prelude::*;

use crate::schema::{companies, contracts, invoices, projects, psa_integrations};
use crate::{DbConnection, Result};

/// Inserts several rows in one statement: diesel's multi-row insert needs the concrete
/// connection (SQLite's and PostgreSQL's differ in how they write default values).
macro_rules! insert_many {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::DbConnection::Pg(pg) => diesel::insert_into($table).values($rows).execute(pg),
            $crate::DbConnection::Sqlite(sqlite) => diesel::insert_into($table).values($rows).execute(sqlite),
        }
    };
}
pub(crate) use insert_many;

/// The tenant whose PSA sync credential has this fingerprint.
pub fn tenant_by_sync_token(conn: &mut DbConnection, hash: &str) -> Result<TenantId> {
    Ok(TenantId(
        psa_integrations::table
            .filter(psa_integrations::sync_token_hash.eq(hash))
            .select(psa_integrations::tenant_id)
            .first::<i64>(conn)?,
    ))
}

/// Whether the tenant has a sync credential.
pub fn has_sync_token(conn: &mut DbConnection, tenant: TenantId) -> Result<bool> {
    Ok(psa_integrations::table
        .filter(psa_integrations::tenant_id.eq(tenant.0))
        .select(psa_integrations::sync_token_hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten()
        .is_some())
}

/// Replaces the tenant's sync credential (the previous one stops working). Call inside a write
/// transaction.
pub fn set_sync_token(conn: &mut DbConnection, tenant: TenantId, hash: &str, now: DateTime<Utc>) -> Result<()> {
    let values = (psa_integrations::sync_token_hash.eq(hash), psa_integrations::updated_at.eq(now.naive_utc()));
    let updated = diesel::update(psa_integrations::table.filter(psa_integrations::tenant_id.eq(tenant.0)))
        .set(values)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(psa_integrations::table)
            .values((psa_integrations::tenant_id.eq(tenant.0), values))
            .execute(conn)?;
    }
    Ok(())
}

/// Which of `ids` are companies of the tenant, in one query.
pub fn companies_of_tenant(conn: &mut DbConnection, tenant: TenantId, ids: &[i64]) -> Result<HashSet<i64>> {
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    Ok(companies::table
        .filter(companies::tenant_id.eq(tenant.0))
        .filter(companies::id.eq_any(wanted))
        .select(companies::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect())
}

/// The records staff may also write by hand, whose version is their ETag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versioned {
    Invoice,
    Contract,
    Project,
}

/// Holds a record of the tenant for a change based on `version` (the one its writer read, sent
/// as `If-Match`): false when the record is at another version. The update changes nothing but
/// takes the row's lock, so that on PostgreSQL a writer who committed meanwhile makes it match
/// nothing rather than be overwritten. Call inside the write transaction of the change.
pub fn hold_at_version(
    conn: &mut DbConnection,
    record: Versioned,
    tenant: TenantId,
    id: i64,
    version: i64,
) -> Result<bool> {
    macro_rules! hold {
        ($table:ident) => {
            diesel::update(
                $table::table
                    .filter($table::id.eq(id))
                    .filter($table::tenant_id.eq(tenant.0))
                    .filter($table::version.eq(version)),
            )
            .set($table::version.eq($table::version))
            .execute(conn)?
        };
    }
    let held = match record {
        Versioned::Invoice => hold!(invoices),
        Versioned::Contract => hold!(contracts),
        Versioned::Project => hold!(projects),
    };
    Ok(held == 1)
}

//! What every authenticated request needs: the user, its tenant and (for portal users) its
//! memberships with their companies. A portal user with memberships — the hot path — takes one
//! query; staff, and portal users left without a company, take a second.
//!
//! A session can be kept in memory as of its [`AccessVersion`]: migration 000012's triggers raise
//! the user's version with every change of the user or its memberships, and the tenant's with
//! every change of the tenant or its companies, so equal versions mean an equal session.

use clientdesk_domain::entities::{Company, Tenant, User};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::roles::RoleSet;
use diesel::prelude::*;

use crate::companies::CompanyRow;
use crate::db::per_backend;
use crate::schema::{companies, memberships, tenants, users};
use crate::tenants::TenantRow;
use crate::users::UserRow;
use crate::{DbConnection, Result};

pub struct Session {
    pub user: User,
    pub tenant: Tenant,
    /// The user's companies and its roles in each (empty for staff).
    pub memberships: Vec<(Company, RoleSet)>,
    /// The versions this session is exactly as of; `None` when it was read in two statements that
    /// a change may have come between (a portal user without a company), so it must not be kept.
    pub version: Option<AccessVersion>,
}

/// The user's and its tenant's `access_version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessVersion {
    pub user: i64,
    pub tenant: i64,
}

/// A membership row with its user, tenant and both versions.
type MembershipRow = (UserRow, TenantRow, String, CompanyRow, (i64, i64));

pub fn load(conn: &mut DbConnection, user: UserId) -> Result<Session> {
    let versions = (users::access_version, tenants::access_version);
    let rows: Vec<MembershipRow> = per_backend!(conn, |c| memberships::table
        .inner_join(companies::table)
        .inner_join(users::table.inner_join(tenants::table))
        .filter(memberships::user_id.eq(user.0))
        .filter(memberships::suspended_at.is_null())
        .order(memberships::company_id)
        .select((UserRow::as_select(), TenantRow::as_select(), memberships::roles, CompanyRow::as_select(), versions))
        .load(c))?;
    let mut first = None;
    let mut memberships = Vec::with_capacity(rows.len());
    for (user_row, tenant_row, roles, company, version) in rows {
        memberships.push((Company::try_from(company)?, RoleSet::from_stored(&roles)));
        first.get_or_insert((user_row, tenant_row, version));
    }
    let (user_row, tenant_row, (user_version, tenant_version)) = match first {
        Some(found) => found,
        None => per_backend!(conn, |c| users::table
            .inner_join(tenants::table)
            .filter(users::id.eq(user.0))
            .select((UserRow::as_select(), TenantRow::as_select(), versions))
            .first(c))?,
    };
    let user: User = user_row.into();
    let staff = user.staff_role.is_some();
    if staff {
        // Staff never hold memberships; should a row exist, it grants nothing.
        memberships.clear();
    }
    // A staff session is its user and tenant, read together in either statement.
    let version =
        (staff || !memberships.is_empty()).then_some(AccessVersion { user: user_version, tenant: tenant_version });
    Ok(Session { user, tenant: tenant_row.try_into()?, memberships, version })
}

/// The current versions of the user's session; `NotFound` once the user is gone.
pub fn version(conn: &mut DbConnection, user: UserId) -> Result<AccessVersion> {
    let (user, tenant) = per_backend!(conn, |c| users::table
        .inner_join(tenants::table)
        .filter(users::id.eq(user.0))
        .select((users::access_version, tenants::access_version))
        .first::<(i64, i64)>(c))?;
    Ok(AccessVersion { user, tenant })
}

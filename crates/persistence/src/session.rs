//! What every authenticated request needs: the user, its tenant and (for portal users) its
//! memberships with their companies. A portal user with memberships — the hot path — takes one
//! query; staff, and portal users left without a company, take a second.

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
}

pub fn load(conn: &mut DbConnection, user: UserId) -> Result<Session> {
    let rows: Vec<(UserRow, TenantRow, String, CompanyRow)> = per_backend!(conn, |c| memberships::table
        .inner_join(companies::table)
        .inner_join(users::table.inner_join(tenants::table))
        .filter(memberships::user_id.eq(user.0))
        .order(memberships::company_id)
        .select((UserRow::as_select(), TenantRow::as_select(), memberships::roles, CompanyRow::as_select()))
        .load(c))?;
    let mut first = None;
    let mut memberships = Vec::with_capacity(rows.len());
    for (user_row, tenant_row, roles, company) in rows {
        memberships.push((Company::try_from(company)?, RoleSet::from_stored(&roles)));
        first.get_or_insert((user_row, tenant_row));
    }
    let (user_row, tenant_row) = match first {
        Some(found) => found,
        None => per_backend!(conn, |c| users::table
            .inner_join(tenants::table)
            .filter(users::id.eq(user.0))
            .select((UserRow::as_select(), TenantRow::as_select()))
            .first(c))?,
    };
    let user: User = user_row.into();
    if user.staff_role.is_some() {
        // Staff never hold memberships; should a row exist, it grants nothing.
        memberships.clear();
    }
    Ok(Session { user, tenant: tenant_row.try_into()?, memberships })
}

//! What every authenticated request needs, loaded in two queries: the user with its tenant, and
//! (for portal users) its memberships with their companies.

use clientdesk_domain::entities::{Company, Tenant, User};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::roles::RoleSet;
use diesel::prelude::*;

use crate::companies::CompanyRow;
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
    let (user_row, tenant_row): (UserRow, TenantRow) = users::table
        .inner_join(tenants::table)
        .filter(users::id.eq(user.0))
        .select((UserRow::as_select(), TenantRow::as_select()))
        .first(conn)?;
    let user: User = user_row.into();
    let tenant: Tenant = tenant_row.try_into()?;
    let memberships = if user.staff_role.is_some() {
        Vec::new()
    } else {
        let rows: Vec<(String, CompanyRow)> = memberships::table
            .inner_join(companies::table)
            .filter(memberships::user_id.eq(user.id.0))
            .order(memberships::company_id)
            .select((memberships::roles, CompanyRow::as_select()))
            .load(conn)?;
        rows.into_iter()
            .map(|(roles, company)| Ok((Company::try_from(company)?, RoleSet::from_stored(&roles))))
            .collect::<Result<Vec<_>>>()?
    };
    Ok(Session { user, tenant, memberships })
}

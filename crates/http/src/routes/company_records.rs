//! Who reads the records kept per company (invoices, contracts, system info): staff read every
//! company of their tenant; a member reads the companies whose roles grant the record's
//! permission (403 without it), and another company answers 404 as if it did not exist.

use chrono::{NaiveDate, Utc};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::principal::Denied;
use clientdesk_domain::roles::RoleSet;
use clientdesk_persistence::{companies, psa, DbConnection};

use crate::errors::{ApiError, ApiResult};
use crate::extract::Auth;

/// The domain rule that says whether a member's roles read a kind of record.
pub(crate) type ReadRule = fn(&RoleSet) -> Result<(), Denied>;

/// Checks the caller may read `company`'s records under `rule`.
pub(crate) fn require_reader(auth: &Auth, company: CompanyId, rule: ReadRule) -> ApiResult<()> {
    if auth.principal.is_staff() {
        return Ok(());
    }
    let (_, access) = auth.company(company)?;
    rule(&access.roles)?;
    Ok(())
}

/// A company of the caller's tenant named in a path whose records the caller reads under `rule`.
pub(crate) fn company_in_path(
    conn: &mut DbConnection,
    auth: &Auth,
    company: CompanyId,
    rule: ReadRule,
) -> ApiResult<()> {
    require_reader(auth, company, rule)?;
    if auth.principal.is_staff() {
        companies::get(conn, auth.tenant.id, company)?;
    }
    Ok(())
}

/// A company named in a record's body (by staff or a sync): 422 when it is not the tenant's.
pub(crate) fn require_company(conn: &mut DbConnection, tenant: TenantId, company: CompanyId) -> ApiResult<()> {
    if psa::companies_of_tenant(conn, tenant, &[company.0])?.is_empty() {
        return Err(ApiError::invalid("company_id", Message::new("rule-company-unknown")));
    }
    Ok(())
}

/// The day records are judged on (overdue, expiring): today in UTC.
pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

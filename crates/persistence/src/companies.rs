use chrono::{DateTime, Utc};
use clientdesk_domain::entities::Company;
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::settings::PortalSettingsOverride;
use diesel::prelude::*;

use crate::db::per_backend;
use crate::schema::companies;
use crate::text::{contains_pattern, lower};

use crate::{utc, DbConnection, Error, Page, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = companies)]
pub(crate) struct CompanyRow {
    id: i64,
    tenant_id: i64,
    name: String,
    parent_company_id: Option<i64>,
    territory: Option<String>,
    classification: Option<String>,
    portal_overrides: String,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    primary_contact_id: Option<i64>,
    billing_contact_id: Option<i64>,
}

impl TryFrom<CompanyRow> for Company {
    type Error = Error;
    fn try_from(row: CompanyRow) -> Result<Self> {
        Ok(Company {
            id: CompanyId(row.id),
            tenant_id: TenantId(row.tenant_id),
            name: row.name,
            parent_company_id: row.parent_company_id.map(CompanyId),
            territory: row.territory,
            classification: row.classification,
            portal_overrides: serde_json::from_str(&row.portal_overrides)
                .map_err(|e| Error::Other(format!("company {} portal overrides: {e}", row.id)))?,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            primary_contact_id: row.primary_contact_id.map(UserId),
            billing_contact_id: row.billing_contact_id.map(UserId),
        })
    }
}

/// The fields of a company that callers set.
#[derive(Debug, Clone)]
pub struct CompanyFields {
    pub name: String,
    pub parent_company_id: Option<CompanyId>,
    pub territory: Option<String>,
    pub classification: Option<String>,
    pub portal_overrides: PortalSettingsOverride,
}

fn overrides_json(o: &PortalSettingsOverride) -> Result<String> {
    serde_json::to_string(o).map_err(|e| Error::Other(e.to_string()))
}

pub fn create(
    conn: &mut DbConnection,
    tenant: TenantId,
    fields: &CompanyFields,
    now: DateTime<Utc>,
) -> Result<Company> {
    // MultiBackend cannot return a whole row, so take the id and read the row back.
    let id: i64 = diesel::insert_into(companies::table)
        .values((
            companies::tenant_id.eq(tenant.0),
            companies::name.eq(&fields.name),
            companies::parent_company_id.eq(fields.parent_company_id.map(|c| c.0)),
            companies::territory.eq(&fields.territory),
            companies::classification.eq(&fields.classification),
            companies::portal_overrides.eq(overrides_json(&fields.portal_overrides)?),
            companies::created_at.eq(now.naive_utc()),
            companies::updated_at.eq(now.naive_utc()),
        ))
        .returning(companies::id)
        .get_result(conn)?;
    get(conn, tenant, CompanyId(id))
}

pub fn update(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: CompanyId,
    fields: &CompanyFields,
    now: DateTime<Utc>,
) -> Result<Company> {
    diesel::update(companies::table.filter(companies::id.eq(id.0)).filter(companies::tenant_id.eq(tenant.0)))
        .set((
            companies::name.eq(&fields.name),
            companies::parent_company_id.eq(fields.parent_company_id.map(|c| c.0)),
            companies::territory.eq(&fields.territory),
            companies::classification.eq(&fields.classification),
            companies::portal_overrides.eq(overrides_json(&fields.portal_overrides)?),
            companies::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map_err(Error::from)
        .and_then(|n| if n == 1 { Ok(()) } else { Err(Error::NotFound) })?;
    get(conn, tenant, id)
}

/// A company of `tenant`; another tenant's company is `NotFound`.
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: CompanyId) -> Result<Company> {
    companies::table
        .filter(companies::id.eq(id.0))
        .filter(companies::tenant_id.eq(tenant.0))
        .select(CompanyRow::as_select())
        .first(conn)?
        .try_into()
}

pub fn get_many(conn: &mut DbConnection, tenant: TenantId, ids: &[CompanyId]) -> Result<Vec<Company>> {
    companies::table
        .filter(companies::tenant_id.eq(tenant.0))
        .filter(companies::id.eq_any(ids.iter().map(|c| c.0)))
        .order(companies::id)
        .select(CompanyRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Company::try_from)
        .collect()
}

/// The ids of the subsidiaries of `parents` in `tenant`.
pub fn children(conn: &mut DbConnection, tenant: TenantId, parents: [CompanyId; 2]) -> Result<Vec<CompanyId>> {
    // Two parents in a query of fixed shape, prepared once per connection (an IN list is prepared
    // anew on every run); every list of a member who sees subsidiary tickets asks it.
    let ids: Vec<i64> = per_backend!(conn, |c| companies::table
        .filter(companies::tenant_id.eq(tenant.0))
        .filter(companies::parent_company_id.eq(parents[0].0).or(companies::parent_company_id.eq(parents[1].0)))
        .select(companies::id)
        .load(c))?;
    Ok(ids.into_iter().map(CompanyId).collect())
}

/// Companies of `tenant` by id, after `after`, optionally those whose name contains `query`.
pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    query: Option<&str>,
    updated_since: Option<DateTime<Utc>>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<Company>> {
    let mut q = companies::table.filter(companies::tenant_id.eq(tenant.0)).into_boxed();
    if let Some(since) = updated_since {
        q = q.filter(companies::updated_at.ge(since.naive_utc()));
    }
    if let Some(after) = after {
        q = q.filter(companies::id.gt(after));
    }
    if let Some(text) = query {
        q = q.filter(lower(companies::name).like(contains_pattern(text)).escape('\\'));
    }
    let rows: Vec<CompanyRow> = q.order(companies::id).limit(limit + 1).select(CompanyRow::as_select()).load(conn)?;
    let companies = rows.into_iter().map(Company::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(companies, limit, |c| c.id.0))
}

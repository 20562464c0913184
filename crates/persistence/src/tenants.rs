use chrono::{DateTime, Utc};
use clientdesk_domain::entities::Tenant;
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::settings::PortalSettings;
use diesel::prelude::*;

use crate::schema::tenants;
use crate::{utc, DbConnection, Error, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = tenants)]
pub(crate) struct TenantRow {
    id: i64,
    slug: String,
    name: String,
    portal_defaults: String,
    created_at: chrono::NaiveDateTime,
    catalog_version: i64,
    kb_version: i64,
}

impl TryFrom<TenantRow> for Tenant {
    type Error = Error;
    fn try_from(row: TenantRow) -> Result<Self> {
        Ok(Tenant {
            id: TenantId(row.id),
            slug: row.slug,
            name: row.name,
            portal_defaults: serde_json::from_str(&row.portal_defaults)
                .map_err(|e| Error::Other(format!("tenant {} portal defaults: {e}", row.id)))?,
            created_at: utc(row.created_at),
            catalog_version: row.catalog_version,
            kb_version: row.kb_version,
        })
    }
}

pub fn create(
    conn: &mut DbConnection,
    slug: &str,
    name: &str,
    defaults: &PortalSettings,
    now: DateTime<Utc>,
) -> Result<Tenant> {
    let defaults_json = serde_json::to_string(defaults).map_err(|e| Error::Other(e.to_string()))?;
    // MultiBackend cannot return a whole row, so take the id and read the row back.
    let id: i64 = diesel::insert_into(tenants::table)
        .values((
            tenants::slug.eq(slug),
            tenants::name.eq(name),
            tenants::portal_defaults.eq(defaults_json),
            tenants::created_at.eq(now.naive_utc()),
        ))
        .returning(tenants::id)
        .get_result(conn)?;
    get(conn, TenantId(id))
}

pub fn get(conn: &mut DbConnection, id: TenantId) -> Result<Tenant> {
    tenants::table.find(id.0).select(TenantRow::as_select()).first(conn)?.try_into()
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> Result<Tenant> {
    tenants::table.filter(tenants::slug.eq(slug)).select(TenantRow::as_select()).first(conn)?.try_into()
}

pub fn set_defaults(conn: &mut DbConnection, id: TenantId, defaults: &PortalSettings) -> Result<()> {
    let json = serde_json::to_string(defaults).map_err(|e| Error::Other(e.to_string()))?;
    diesel::update(tenants::table.find(id.0)).set(tenants::portal_defaults.eq(json)).execute(conn)?;
    Ok(())
}

/// Marks the tenant's ticket catalogue (request types, queues, custom fields, ticket settings)
/// changed; call in the transaction that changes it.
pub fn bump_catalog_version(conn: &mut DbConnection, id: TenantId) -> Result<()> {
    diesel::update(tenants::table.find(id.0))
        .set(tenants::catalog_version.eq(tenants::catalog_version + 1))
        .execute(conn)?;
    Ok(())
}

/// Marks the tenant's knowledge base changed (an article written, published, withdrawn or
/// deleted); call in the transaction that changes it.
pub fn bump_kb_version(conn: &mut DbConnection, id: TenantId) -> Result<()> {
    diesel::update(tenants::table.find(id.0)).set(tenants::kb_version.eq(tenants::kb_version + 1)).execute(conn)?;
    Ok(())
}

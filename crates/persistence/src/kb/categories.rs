//! Categories: the tenant's tree of knowledge-base sections.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{CategoryId, TenantId};
use clientdesk_domain::kb::Category;
use diesel::prelude::*;

use crate::schema::{kb_articles, kb_categories};
use crate::{utc, DbConnection, Error, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = kb_categories)]
struct CategoryRow {
    id: i64,
    tenant_id: i64,
    parent_id: Option<i64>,
    name: String,
    description: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Self {
        Category {
            id: CategoryId(row.id),
            tenant_id: TenantId(row.tenant_id),
            parent_id: row.parent_id.map(CategoryId),
            name: row.name,
            description: row.description,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// Every category of the tenant (a tree is small), by name.
pub fn categories(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<Category>> {
    Ok(kb_categories::table
        .filter(kb_categories::tenant_id.eq(tenant.0))
        .order((kb_categories::name, kb_categories::id))
        .select(CategoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Category::from)
        .collect())
}

pub fn category(conn: &mut DbConnection, tenant: TenantId, id: CategoryId) -> Result<Category> {
    Ok(kb_categories::table
        .filter(kb_categories::id.eq(id.0))
        .filter(kb_categories::tenant_id.eq(tenant.0))
        .select(CategoryRow::as_select())
        .first::<CategoryRow>(conn)?
        .into())
}

pub fn create_category(
    conn: &mut DbConnection,
    tenant: TenantId,
    parent: Option<CategoryId>,
    name: &str,
    description: &str,
    now: DateTime<Utc>,
) -> Result<Category> {
    let id: i64 = diesel::insert_into(kb_categories::table)
        .values((
            kb_categories::tenant_id.eq(tenant.0),
            kb_categories::parent_id.eq(parent.map(|p| p.0)),
            kb_categories::name.eq(name),
            kb_categories::description.eq(description),
            kb_categories::created_at.eq(now.naive_utc()),
            kb_categories::updated_at.eq(now.naive_utc()),
        ))
        .returning(kb_categories::id)
        .get_result(conn)?;
    category(conn, tenant, CategoryId(id))
}

pub fn update_category(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: CategoryId,
    parent: Option<CategoryId>,
    name: &str,
    description: &str,
    now: DateTime<Utc>,
) -> Result<Category> {
    let updated = diesel::update(
        kb_categories::table.filter(kb_categories::id.eq(id.0)).filter(kb_categories::tenant_id.eq(tenant.0)),
    )
    .set((
        kb_categories::parent_id.eq(parent.map(|p| p.0)),
        kb_categories::name.eq(name),
        kb_categories::description.eq(description),
        kb_categories::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    category(conn, tenant, id)
}

/// How many subcategories and articles a category holds (it can be deleted when both are 0).
pub fn category_contents(conn: &mut DbConnection, id: CategoryId) -> Result<(i64, i64)> {
    let children = kb_categories::table.filter(kb_categories::parent_id.eq(id.0)).count().get_result(conn)?;
    let articles = kb_articles::table.filter(kb_articles::category_id.eq(id.0)).count().get_result(conn)?;
    Ok((children, articles))
}

pub fn delete_category(conn: &mut DbConnection, tenant: TenantId, id: CategoryId) -> Result<()> {
    let deleted = diesel::delete(
        kb_categories::table.filter(kb_categories::id.eq(id.0)).filter(kb_categories::tenant_id.eq(tenant.0)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

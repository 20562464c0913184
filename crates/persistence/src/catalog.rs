//! The tenant's ticket catalogues: request types, queues and custom field definitions.

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::tickets::{CustomField, CustomFieldKind, CustomVisibility};
use diesel::prelude::*;

use crate::schema::{custom_fields, queues, request_types};
use crate::{DbConnection, Error, Result};

/// A named entry of a catalogue (a request type or a queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// Which catalogue of named entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    RequestTypes,
    Queues,
}

/// The catalogue's entries, by name. A tenant keeps a few dozen at most, so there is no paging.
pub fn entries(conn: &mut DbConnection, tenant: TenantId, which: Catalogue) -> Result<Vec<Entry>> {
    let rows: Vec<(i64, String, bool)> = match which {
        Catalogue::RequestTypes => request_types::table
            .filter(request_types::tenant_id.eq(tenant.0))
            .order(request_types::name)
            .select((request_types::id, request_types::name, request_types::active))
            .load(conn)?,
        Catalogue::Queues => queues::table
            .filter(queues::tenant_id.eq(tenant.0))
            .order(queues::name)
            .select((queues::id, queues::name, queues::active))
            .load(conn)?,
    };
    Ok(rows.into_iter().map(|(id, name, active)| Entry { id, name, active }).collect())
}

pub fn create_entry(
    conn: &mut DbConnection,
    tenant: TenantId,
    which: Catalogue,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Entry> {
    let id: i64 = match which {
        Catalogue::RequestTypes => diesel::insert_into(request_types::table)
            .values((
                request_types::tenant_id.eq(tenant.0),
                request_types::name.eq(name),
                request_types::created_at.eq(now.naive_utc()),
            ))
            .returning(request_types::id)
            .get_result(conn)?,
        Catalogue::Queues => diesel::insert_into(queues::table)
            .values((queues::tenant_id.eq(tenant.0), queues::name.eq(name), queues::created_at.eq(now.naive_utc())))
            .returning(queues::id)
            .get_result(conn)?,
    };
    crate::tenants::bump_catalog_version(conn, tenant)?;
    Ok(Entry { id, name: name.to_owned(), active: true })
}

/// Renames or (de)activates an entry of `tenant`; another tenant's entry is `NotFound`.
pub fn update_entry(
    conn: &mut DbConnection,
    tenant: TenantId,
    which: Catalogue,
    id: i64,
    name: &str,
    active: bool,
) -> Result<Entry> {
    let updated = match which {
        Catalogue::RequestTypes => diesel::update(request_types::table.filter(request_types::id.eq(id)))
            .filter(request_types::tenant_id.eq(tenant.0))
            .set((request_types::name.eq(name), request_types::active.eq(active)))
            .execute(conn)?,
        Catalogue::Queues => diesel::update(queues::table.filter(queues::id.eq(id)))
            .filter(queues::tenant_id.eq(tenant.0))
            .set((queues::name.eq(name), queues::active.eq(active)))
            .execute(conn)?,
    };
    if updated == 0 {
        return Err(Error::NotFound);
    }
    crate::tenants::bump_catalog_version(conn, tenant)?;
    Ok(Entry { id, name: name.to_owned(), active })
}

type FieldRow = (i64, String, String, String, String, bool, String, bool);

fn field(row: FieldRow) -> Result<CustomField> {
    let (id, key, label, kind, options, required, visibility, active) = row;
    let bad = |what: &str| Error::Other(format!("custom field {id}: bad {what}"));
    Ok(CustomField {
        id,
        kind: CustomFieldKind::parse(&kind).ok_or_else(|| bad("kind"))?,
        options: serde_json::from_str(&options).map_err(|_| bad("options"))?,
        customer_visibility: CustomVisibility::parse(&visibility).ok_or_else(|| bad("visibility"))?,
        key,
        label,
        required,
        active,
    })
}

/// The tenant's custom field definitions, in creation order.
pub fn custom_fields(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<CustomField>> {
    let rows: Vec<FieldRow> = custom_fields::table
        .filter(custom_fields::tenant_id.eq(tenant.0))
        .order(custom_fields::id)
        .select((
            custom_fields::id,
            custom_fields::field_key,
            custom_fields::label,
            custom_fields::kind,
            custom_fields::options,
            custom_fields::required,
            custom_fields::customer_visibility,
            custom_fields::active,
        ))
        .load(conn)?;
    rows.into_iter().map(field).collect()
}

fn options_json(field: &CustomField) -> Result<String> {
    serde_json::to_string(&field.options).map_err(|e| Error::Other(e.to_string()))
}

/// Creates a definition (its `id` is ignored) and returns it with its id.
pub fn create_custom_field(
    conn: &mut DbConnection,
    tenant: TenantId,
    field: &CustomField,
    now: DateTime<Utc>,
) -> Result<CustomField> {
    let id: i64 = diesel::insert_into(custom_fields::table)
        .values((
            custom_fields::tenant_id.eq(tenant.0),
            custom_fields::field_key.eq(&field.key),
            custom_fields::label.eq(&field.label),
            custom_fields::kind.eq(field.kind.as_str()),
            custom_fields::options.eq(options_json(field)?),
            custom_fields::required.eq(field.required),
            custom_fields::customer_visibility.eq(field.customer_visibility.as_str()),
            custom_fields::active.eq(field.active),
            custom_fields::created_at.eq(now.naive_utc()),
        ))
        .returning(custom_fields::id)
        .get_result(conn)?;
    crate::tenants::bump_catalog_version(conn, tenant)?;
    Ok(CustomField { id, ..field.clone() })
}

/// Saves a definition's label, options, required flag, visibility and active flag (its key and
/// kind never change: stored values depend on them).
pub fn update_custom_field(conn: &mut DbConnection, tenant: TenantId, field: &CustomField) -> Result<()> {
    let updated = diesel::update(custom_fields::table.filter(custom_fields::id.eq(field.id)))
        .filter(custom_fields::tenant_id.eq(tenant.0))
        .set((
            custom_fields::label.eq(&field.label),
            custom_fields::options.eq(options_json(field)?),
            custom_fields::required.eq(field.required),
            custom_fields::customer_visibility.eq(field.customer_visibility.as_str()),
            custom_fields::active.eq(field.active),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    crate::tenants::bump_catalog_version(conn, tenant)
}

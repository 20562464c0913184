//! System info: the inventory of each device (one row per device, written by the RMM's sync)
//! and the warranties and licences of a company's assets.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use clientdesk_domain::assets::{AssetKind, Disk, Entitlement, EntitlementFields, EntitlementKind, Inventory};
use clientdesk_domain::devices::Device;
use clientdesk_domain::ids::{CompanyId, TenantId};
use diesel::prelude::*;

use crate::invoices::{date_text, parse_date};
use crate::rmm::DeviceRow;
use crate::schema::{device_inventories, devices, entitlements};
use crate::text::{contains_pattern, lower, lower_or_null};
use crate::{DbConnection, Error, Page, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = device_inventories)]
struct InventoryRow {
    device_id: i64,
    kind: String,
    manufacturer: Option<String>,
    model: Option<String>,
    serial_number: Option<String>,
    os_name: Option<String>,
    os_version: Option<String>,
    ip_addresses: String,
    disks: String,
    software_count: Option<i64>,
}

impl TryFrom<InventoryRow> for Inventory {
    type Error = Error;
    fn try_from(r: InventoryRow) -> Result<Self> {
        let bad = |what: &str| Error::Other(format!("inventory of device {}: {what}", r.device_id));
        Ok(Inventory {
            kind: AssetKind::parse(&r.kind).ok_or_else(|| bad("kind"))?,
            manufacturer: r.manufacturer,
            model: r.model,
            serial_number: r.serial_number,
            os_name: r.os_name,
            os_version: r.os_version,
            ip_addresses: serde_json::from_str(&r.ip_addresses).map_err(|_| bad("ip_addresses"))?,
            disks: serde_json::from_str::<Vec<Disk>>(&r.disks).map_err(|_| bad("disks"))?,
            software_count: r.software_count,
        })
    }
}

/// Writes (or replaces) what the inventory says of a device.
pub fn save_inventory(conn: &mut DbConnection, device: i64, i: &Inventory, now: DateTime<Utc>) -> Result<()> {
    let addresses = serde_json::to_string(&i.ip_addresses).map_err(|e| Error::Other(e.to_string()))?;
    let disks = serde_json::to_string(&i.disks).map_err(|e| Error::Other(e.to_string()))?;
    let values = (
        device_inventories::kind.eq(i.kind.as_str()),
        device_inventories::manufacturer.eq(i.manufacturer.as_deref()),
        device_inventories::model.eq(i.model.as_deref()),
        device_inventories::serial_number.eq(i.serial_number.as_deref()),
        device_inventories::os_name.eq(i.os_name.as_deref()),
        device_inventories::os_version.eq(i.os_version.as_deref()),
        device_inventories::ip_addresses.eq(&addresses),
        device_inventories::disks.eq(&disks),
        device_inventories::software_count.eq(i.software_count),
        device_inventories::updated_at.eq(now.naive_utc()),
    );
    let updated = diesel::update(device_inventories::table.find(device)).set(values).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(device_inventories::table)
            .values((device_inventories::device_id.eq(device), values))
            .execute(conn)?;
    }
    Ok(())
}

/// A device with what its inventory says, if anything.
pub type Asset = (Device, Option<Inventory>);

fn asset(row: (DeviceRow, Option<InventoryRow>)) -> Result<Asset> {
    Ok((Device::try_from(row.0)?, row.1.map(Inventory::try_from).transpose()?))
}

/// Which of a company's assets a list shows.
#[derive(Debug, Default)]
pub struct AssetFilter<'a> {
    pub kind: Option<AssetKind>,
    /// Only those whose name or serial number contains this text (any case).
    pub text: Option<&'a str>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// A page of a company's assets, by id.
pub fn list_assets(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    filter: &AssetFilter<'_>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<Asset>> {
    let mut q = devices::table
        .left_join(device_inventories::table)
        .filter(devices::tenant_id.eq(tenant.0))
        .filter(devices::company_id.eq(company.0))
        .select((DeviceRow::as_select(), Option::<InventoryRow>::as_select()))
        .order(devices::id)
        .limit(limit + 1)
        .into_boxed();
    if let Some(kind) = filter.kind {
        q = q.filter(device_inventories::kind.eq(kind.as_str()));
    }
    if let Some(text) = filter.text {
        let pattern = contains_pattern(text);
        q = q.filter(
            lower(devices::hostname).like(pattern.clone()).escape('\\').or(lower_or_null(
                device_inventories::serial_number,
            )
            .like(pattern)
            .escape('\\')),
        );
    }
    if let Some(since) = filter.updated_since {
        q = q.filter(devices::updated_at.ge(since.naive_utc()));
    }
    if let Some(after) = after {
        q = q.filter(devices::id.gt(after));
    }
    let items = q.load(conn)?.into_iter().map(asset).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |(d, _)| d.id))
}

/// One device of the tenant with its inventory.
pub fn get_asset(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Asset> {
    let row = devices::table
        .left_join(device_inventories::table)
        .filter(devices::tenant_id.eq(tenant.0))
        .filter(devices::id.eq(id))
        .select((DeviceRow::as_select(), Option::<InventoryRow>::as_select()))
        .first(conn)?;
    asset(row)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = entitlements)]
struct EntitlementRow {
    id: i64,
    company_id: i64,
    device_id: Option<i64>,
    kind: String,
    product: String,
    vendor: Option<String>,
    seats: Option<i64>,
    starts_on: Option<String>,
    expires_on: Option<String>,
    notes: Option<String>,
    from_rmm: bool,
}

impl TryFrom<EntitlementRow> for Entitlement {
    type Error = Error;
    fn try_from(r: EntitlementRow) -> Result<Self> {
        let what = format!("entitlement {}", r.id);
        let date = |d: Option<String>| d.map(|d| parse_date(&what, &d)).transpose();
        Ok(Entitlement {
            id: r.id,
            company_id: r.company_id,
            fields: EntitlementFields {
                kind: EntitlementKind::parse(&r.kind).ok_or_else(|| Error::Other(format!("{what}: kind")))?,
                device_id: r.device_id,
                product: r.product,
                vendor: r.vendor,
                seats: r.seats,
                starts_on: date(r.starts_on)?,
                expires_on: date(r.expires_on.clone())?,
                notes: r.notes,
            },
            from_rmm: r.from_rmm,
        })
    }
}

#[allow(clippy::type_complexity)]
fn field_values(
    f: &EntitlementFields,
    now: DateTime<Utc>,
) -> (
    diesel::dsl::Eq<entitlements::kind, &'static str>,
    diesel::dsl::Eq<entitlements::device_id, Option<i64>>,
    diesel::dsl::Eq<entitlements::product, String>,
    diesel::dsl::Eq<entitlements::vendor, Option<String>>,
    diesel::dsl::Eq<entitlements::seats, Option<i64>>,
    diesel::dsl::Eq<entitlements::starts_on, Option<String>>,
    diesel::dsl::Eq<entitlements::expires_on, Option<String>>,
    diesel::dsl::Eq<entitlements::notes, Option<String>>,
    diesel::dsl::Eq<entitlements::updated_at, NaiveDateTime>,
) {
    (
        entitlements::kind.eq(f.kind.as_str()),
        entitlements::device_id.eq(f.device_id),
        entitlements::product.eq(f.product.clone()),
        entitlements::vendor.eq(f.vendor.clone()),
        entitlements::seats.eq(f.seats),
        entitlements::starts_on.eq(f.starts_on.map(date_text)),
        entitlements::expires_on.eq(f.expires_on.map(date_text)),
        entitlements::notes.eq(f.notes.clone()),
        entitlements::updated_at.eq(now.naive_utc()),
    )
}

pub fn insert_entitlement(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    f: &EntitlementFields,
    from_rmm: bool,
    now: DateTime<Utc>,
) -> Result<Entitlement> {
    let id: i64 = diesel::insert_into(entitlements::table)
        .values((
            entitlements::tenant_id.eq(tenant.0),
            entitlements::company_id.eq(company.0),
            entitlements::from_rmm.eq(from_rmm),
            entitlements::created_at.eq(now.naive_utc()),
            field_values(f, now),
        ))
        .returning(entitlements::id)
        .get_result(conn)?;
    get_entitlement(conn, tenant, id)
}

/// Rewrites a warranty or licence; a new expiry date will be announced again.
pub fn update_entitlement(conn: &mut DbConnection, id: i64, f: &EntitlementFields, now: DateTime<Utc>) -> Result<()> {
    let expiry = f.expires_on.map(date_text);
    let stored: Option<String> = entitlements::table.find(id).select(entitlements::expires_on).first(conn)?;
    if stored != expiry {
        diesel::update(entitlements::table.find(id))
            .set(entitlements::reminded_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
    }
    diesel::update(entitlements::table.find(id)).set(field_values(f, now)).execute(conn)?;
    Ok(())
}

pub fn get_entitlement(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Entitlement> {
    entitlements::table
        .filter(entitlements::tenant_id.eq(tenant.0))
        .filter(entitlements::id.eq(id))
        .select(EntitlementRow::as_select())
        .first(conn)?
        .try_into()
}

pub fn delete_entitlement(conn: &mut DbConnection, id: i64) -> Result<()> {
    diesel::delete(entitlements::table.find(id)).execute(conn)?;
    Ok(())
}

/// Replaces what the RMM said of a device's warranties and licences with `synced` (whose device
/// ids are ignored: they cover `device`): an entry of the
/// same kind and product is updated in place (keeping whether its expiry was announced), others
/// are added, and those no longer sent are removed. Staff-written entries are left alone.
pub fn replace_synced_entitlements(
    conn: &mut DbConnection,
    tenant: TenantId,
    device: &Device,
    synced: &[EntitlementFields],
    now: DateTime<Utc>,
) -> Result<()> {
    let existing: Vec<Entitlement> = entitlements::table
        .filter(entitlements::device_id.eq(device.id))
        .filter(entitlements::from_rmm.eq(true))
        .select(EntitlementRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Entitlement::try_from)
        .collect::<Result<_>>()?;
    let synced: Vec<EntitlementFields> =
        synced.iter().map(|f| EntitlementFields { device_id: Some(device.id), ..f.clone() }).collect();
    let same = |a: &EntitlementFields, b: &EntitlementFields| a.kind == b.kind && a.product == b.product;
    for old in &existing {
        if !synced.iter().any(|s| same(s, &old.fields)) {
            delete_entitlement(conn, old.id)?;
        }
    }
    for fields in &synced {
        match existing.iter().find(|old| same(&old.fields, fields)) {
            Some(old) if old.fields == *fields => {}
            Some(old) => update_entitlement(conn, old.id, fields, now)?,
            None => {
                insert_entitlement(conn, tenant, device.company_id, fields, true, now)?;
            }
        }
    }
    Ok(())
}

/// A company's warranties and licences by id: optionally of one kind, of one device, or expiring
/// from `expiring.0` to `expiring.1` (inclusive).
#[allow(clippy::too_many_arguments)]
pub fn list_entitlements(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    kind: Option<EntitlementKind>,
    device: Option<i64>,
    expiring: Option<(NaiveDate, NaiveDate)>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<Entitlement>> {
    let mut q = entitlements::table
        .filter(entitlements::tenant_id.eq(tenant.0))
        .filter(entitlements::company_id.eq(company.0))
        .select(EntitlementRow::as_select())
        .order(entitlements::id)
        .limit(limit + 1)
        .into_boxed();
    if let Some(kind) = kind {
        q = q.filter(entitlements::kind.eq(kind.as_str()));
    }
    if let Some(device) = device {
        q = q.filter(entitlements::device_id.eq(device));
    }
    if let Some((from, to)) = expiring {
        q = q.filter(entitlements::expires_on.between(date_text(from), date_text(to)));
    }
    if let Some(after) = after {
        q = q.filter(entitlements::id.gt(after));
    }
    let items = q.load(conn)?.into_iter().map(Entitlement::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |e| e.id))
}

/// Removes a device's warranties and licences and its inventory, before the device itself.
pub fn delete_of_device(conn: &mut DbConnection, device: i64) -> Result<()> {
    diesel::delete(entitlements::table.filter(entitlements::device_id.eq(device))).execute(conn)?;
    diesel::delete(device_inventories::table.find(device)).execute(conn)?;
    Ok(())
}

/// Warranties and licences (of every tenant) expiring from `today` to `horizon` whose expiry was
/// not announced yet, oldest expiry first, at most `limit`.
pub fn unannounced_expiries(
    conn: &mut DbConnection,
    today: NaiveDate,
    horizon: NaiveDate,
    limit: i64,
) -> Result<Vec<(TenantId, Entitlement)>> {
    let rows: Vec<(i64, EntitlementRow)> = entitlements::table
        .filter(entitlements::reminded_at.is_null())
        .filter(entitlements::expires_on.between(date_text(today), date_text(horizon)))
        .order((entitlements::expires_on, entitlements::id))
        .limit(limit)
        .select((entitlements::tenant_id, EntitlementRow::as_select()))
        .load(conn)?;
    rows.into_iter().map(|(t, r)| Ok((TenantId(t), Entitlement::try_from(r)?))).collect()
}

/// Marks an expiry as announced; false when another process announced it first.
pub fn mark_announced(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let changed = diesel::update(entitlements::table.find(id).filter(entitlements::reminded_at.is_null()))
        .set(entitlements::reminded_at.eq(now.naive_utc()))
        .execute(conn)?;
    Ok(changed == 1)
}

//! System info: a company's assets (its devices with what the RMM's inventory says of them) and
//! their warranties and licences. Read by staff and by the company's members whose roles include
//! system info (`routes::company_records`); warranties and licences are synced by the RMM with
//! each device, or written by staff.

use std::net::IpAddr;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use clientdesk_domain::assets::{
    self as rules, AssetKind, Disk, Entitlement, EntitlementFields, EntitlementKind, Inventory, TermState,
};
use clientdesk_domain::devices::Device;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::invoices::calendar_date;
use clientdesk_domain::rmm::Platform;
use clientdesk_persistence::assets::{self as store, AssetFilter};
use clientdesk_persistence::{rmm, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::json::Json;
use crate::origin;
use crate::paging::{self, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::routes::company_records::{company_in_path, require_reader, today};
use crate::state::AppState;

/// Most warranties and licences the RMM may send with one device.
pub const MAX_SYNCED_ENTITLEMENTS: usize = 20;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_assets)
        .service(get_asset)
        .service(list_entitlements)
        .service(get_entitlement)
        .service(create_entitlement)
        .service(replace_entitlement)
        .service(delete_entitlement);
}

/// What the RMM's inventory says of a device, as it sends it and as it is shown.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "laptop", "manufacturer": "Lenovo", "model": "ThinkPad T14 Gen 4",
    "serial_number": "PF4ABC12", "os_name": "Windows 11 Pro", "os_version": "23H2 (22631.4460)",
    "ip_addresses": ["10.0.4.17", "fe80::1c2d:3e4f:5a6b:7c8d"],
    "disks": [{"name": "C:", "size_bytes": 512_110_190_592_i64, "free_bytes": 201_326_592_000_i64}],
    "software_count": 143}))]
pub struct InventoryBody {
    pub kind: AssetKind,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    /// Up to 64 addresses.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub ip_addresses: Vec<IpAddr>,
    /// Up to 64 disks.
    #[serde(default)]
    pub disks: Vec<Disk>,
    /// How many software packages are installed.
    #[schema(minimum = 0)]
    pub software_count: Option<i64>,
}

impl InventoryBody {
    /// The inventory, checked; fields are named under `at` (e.g. `devices[3].inventory`).
    pub fn parse(self, at: &str) -> ApiResult<Inventory> {
        let name = |f: &str| format!("{at}.{f}");
        let inventory = Inventory {
            kind: self.kind,
            manufacturer: crate::text::optional(&name("manufacturer"), self.manufacturer.as_deref(), 200)?,
            model: crate::text::optional(&name("model"), self.model.as_deref(), 200)?,
            serial_number: crate::text::optional(&name("serial_number"), self.serial_number.as_deref(), 100)?,
            os_name: crate::text::optional(&name("os_name"), self.os_name.as_deref(), 200)?,
            os_version: crate::text::optional(&name("os_version"), self.os_version.as_deref(), 100)?,
            ip_addresses: self.ip_addresses,
            disks: self
                .disks
                .into_iter()
                .enumerate()
                .map(|(i, d)| {
                    Ok(Disk { name: crate::text::required(&name(&format!("disks[{i}].name")), &d.name, 100)?, ..d })
                })
                .collect::<ApiResult<_>>()?,
            software_count: self.software_count,
        };
        inventory.check().map_err(|e| ApiError::invalid(&name(e.field), e.message))?;
        Ok(inventory)
    }

    fn of(i: Inventory) -> Self {
        Self {
            kind: i.kind,
            manufacturer: i.manufacturer,
            model: i.model,
            serial_number: i.serial_number,
            os_name: i.os_name,
            os_version: i.os_version,
            ip_addresses: i.ip_addresses,
            disks: i.disks,
            software_count: i.software_count,
        }
    }
}

/// A warranty or licence as staff write it, or the RMM sends it with a device (without
/// `company_id` and `device_id`, which are the device's).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"company_id": 1, "kind": "warranty", "device_id": 4, "product": "Lenovo Premier Support",
    "vendor": "Lenovo", "starts_on": "2024-03-01", "expires_on": "2027-02-28", "notes": "Next business day on site"}))]
pub struct EntitlementInput {
    /// Required from staff; not sent by the RMM.
    pub company_id: Option<i64>,
    pub kind: EntitlementKind,
    /// The device it covers (required for a warranty; a licence without one covers the company).
    /// Not sent by the RMM.
    pub device_id: Option<i64>,
    pub product: String,
    pub vendor: Option<String>,
    /// Licences only.
    #[schema(minimum = 1)]
    pub seats: Option<i64>,
    /// YYYY-MM-DD.
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<String>,
    /// The last day covered, YYYY-MM-DD; none for a perpetual licence.
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<String>,
    pub notes: Option<String>,
}

impl EntitlementInput {
    /// The fields, checked; `device` is the device the entry belongs to, and fields are named
    /// under `at` (empty for a body of its own).
    pub fn parse(self, at: &str, device: Option<i64>) -> ApiResult<EntitlementFields> {
        let name = |f: &str| if at.is_empty() { f.to_owned() } else { format!("{at}.{f}") };
        let date = |f: &'static str, v: Option<String>| {
            v.map(|v| calendar_date(f, &v).map_err(|e| ApiError::invalid(&name(f), e.message))).transpose()
        };
        let fields = EntitlementFields {
            kind: self.kind,
            device_id: device,
            product: crate::text::required(&name("product"), &self.product, 200)?,
            vendor: crate::text::optional(&name("vendor"), self.vendor.as_deref(), 200)?,
            seats: self.seats,
            starts_on: date("starts_on", self.starts_on)?,
            expires_on: date("expires_on", self.expires_on)?,
            notes: self.notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        };
        if fields.notes.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(ApiError::invalid(&name("notes"), Message::new("rule-max-chars").arg("max", 2000)));
        }
        fields.check().map_err(|e| ApiError::invalid(&name(e.field), e.message))?;
        Ok(fields)
    }
}

/// A warranty or licence as readers see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "company_id": 1, "device_id": 4, "kind": "warranty",
    "product": "Lenovo Premier Support", "vendor": "Lenovo", "starts_on": "2024-03-01", "expires_on": "2026-12-31",
    "notes": "Next business day on site", "state": "expiring", "source": "rmm"}))]
pub struct EntitlementView {
    pub id: i64,
    pub company_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<i64>,
    pub kind: EntitlementKind,
    pub product: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub starts_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Where the term stands today (UTC): `expiring` in its last 30 days.
    pub state: TermState,
    /// `rmm` when synced with its device (change it in the RMM), `staff` when written here.
    pub source: EntitlementSource,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntitlementSource {
    Rmm,
    Staff,
}

impl EntitlementView {
    fn of(e: Entitlement, today: NaiveDate) -> Self {
        let f = e.fields;
        Self {
            id: e.id,
            company_id: e.company_id,
            device_id: f.device_id,
            kind: f.kind,
            product: f.product,
            vendor: f.vendor,
            seats: f.seats,
            starts_on: f.starts_on,
            expires_on: f.expires_on,
            notes: f.notes,
            state: rules::term_state(f.starts_on, f.expires_on, today),
            source: if e.from_rmm { EntitlementSource::Rmm } else { EntitlementSource::Staff },
        }
    }
}

/// An asset: a device of the company, with its inventory once the RMM has sent one.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 4, "company_id": 1, "name": "pc-pat.contoso.local", "platform": "windows",
    "user_id": 3, "last_seen_at": "2026-12-07T08:55:00Z",
    "inventory": {"kind": "laptop", "manufacturer": "Lenovo", "model": "ThinkPad T14 Gen 4",
        "serial_number": "PF4ABC12", "os_name": "Windows 11 Pro", "os_version": "23H2 (22631.4460)",
        "ip_addresses": ["10.0.4.17"], "disks": [{"name": "C:", "size_bytes": 512_110_190_592_i64,
        "free_bytes": 201_326_592_000_i64}], "software_count": 143}}))]
pub struct AssetView {
    pub id: i64,
    pub company_id: i64,
    /// The device's host name.
    pub name: String,
    pub platform: Platform,
    /// The portal user working on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Absent until the RMM sends an inventory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryBody>,
    /// Its warranties and licences (on a single asset only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entitlements: Option<Vec<EntitlementView>>,
}

impl AssetView {
    fn of((device, inventory): (Device, Option<Inventory>)) -> Self {
        Self {
            id: device.id,
            company_id: device.company_id.0,
            name: device.hostname,
            platform: device.platform,
            user_id: device.user_id.map(|u| u.0),
            last_seen_at: device.last_seen_at,
            inventory: inventory.map(InventoryBody::of),
            entitlements: None,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssetQuery {
    /// Only items created or changed at or after this time (RFC 3339).
    #[param(example = "2026-12-01T00:00:00Z")]
    pub updated_from: Option<DateTime<Utc>>,
    /// Only assets of this kind (as the inventory says).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<AssetKind>,
    /// Only assets whose name or serial number contains this text (any case).
    #[param(example = "pc-pat")]
    pub q: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List a company's assets (staff, and members whose roles include system info).
#[utoipa::path(tag = "system-info", operation_id = "listCompanyAssets", security(("bearer" = [])),
    params(("company_id" = i64, Path), AssetQuery),
    responses(
        (status = 200, description = "A page of assets, by id", body = Paged<AssetView>),
        (status = 403, description = "Your roles in this company do not include system info", body = Problem),
        (status = 404, description = "No such company, or not one of yours", body = Problem),
        (status = 422, description = "Invalid filter or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/assets")]
pub async fn list_assets(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: crate::query::Query<AssetQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let query = query.into_inner();
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor }.resolve()?;
    let text = query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::invalid_parameter("q", Message::new("rule-max-chars").arg("max", 100)));
    }
    let (kind, since) = (query.kind, query.updated_from);
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                company_in_path(conn, auth, company, rules::may_read)?;
                let page = store::list_assets(
                    conn,
                    auth.tenant.id,
                    company,
                    &AssetFilter { kind, text: text.as_deref(), updated_since: since },
                    after,
                    limit,
                )?;
                let items = page.items.into_iter().map(AssetView::of).collect();
                Ok((Paged { items, next_cursor: paging::cursor(page.next_after) }, None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Read an asset with its inventory, warranties and licences.
#[utoipa::path(tag = "system-info", operation_id = "getAsset", security(("bearer" = [])),
    params(("asset_id" = i64, Path)),
    responses(
        (status = 200, description = "The asset", body = AssetView),
        (status = 403, description = "Your roles in its company do not include system info", body = Problem),
        (status = 404, description = "No such asset, or not of one of your companies", body = Problem)))]
#[get("/api/v1/assets/{asset_id}")]
pub async fn get_asset(state: web::Data<AppState>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                let asset = store::get_asset(conn, auth.tenant.id, id)?;
                let company = asset.0.company_id;
                require_reader(auth, company, rules::may_read)?;
                let today = today();
                let covered = store::list_entitlements(conn, auth.tenant.id, company, None, Some(id), None, None, 200)?;
                let mut view = AssetView::of(asset);
                view.entitlements = Some(covered.items.into_iter().map(|e| EntitlementView::of(e, today)).collect());
                Ok((view, None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntitlementQuery {
    /// Only warranties or only licences.
    pub kind: Option<EntitlementKind>,
    /// Only those of one asset.
    pub device_id: Option<i64>,
    /// Only those whose last day falls from today (UTC) to this many days ahead, 0 to 3650.
    #[param(minimum = 0, maximum = 3650, example = 30)]
    pub expiring_within_days: Option<i64>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List a company's warranties and licences, for example those expiring within 30 days.
#[utoipa::path(tag = "system-info", operation_id = "listCompanyEntitlements", security(("bearer" = [])),
    params(("company_id" = i64, Path), EntitlementQuery),
    responses(
        (status = 200, description = "A page of warranties and licences, by id", body = Paged<EntitlementView>),
        (status = 403, description = "Your roles in this company do not include system info", body = Problem),
        (status = 404, description = "No such company, or not one of yours", body = Problem),
        (status = 422, description = "Invalid filter or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/entitlements")]
pub async fn list_entitlements(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: crate::query::Query<EntitlementQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let query = query.into_inner();
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor }.resolve()?;
    let today = today();
    let expiring = query
        .expiring_within_days
        .map(|days| rules::expiry_window(today, days).map(|last| (today, last)))
        .transpose()
        .map_err(|e| ApiError::invalid_parameter(e.field, e.message))?;
    let (kind, device) = (query.kind, query.device_id);
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                company_in_path(conn, auth, company, rules::may_read)?;
                let page =
                    store::list_entitlements(conn, auth.tenant.id, company, kind, device, expiring, after, limit)?;
                let items = page.items.into_iter().map(|e| EntitlementView::of(e, today)).collect();
                Ok((Paged { items, next_cursor: paging::cursor(page.next_after) }, None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Read a warranty or licence.
#[utoipa::path(tag = "system-info", operation_id = "getEntitlement", security(("bearer" = [])),
    params(("entitlement_id" = i64, Path)),
    responses(
        (status = 200, description = "The warranty or licence", body = EntitlementView),
        (status = 403, description = "Your roles in its company do not include system info", body = Problem),
        (status = 404, description = "No such warranty or licence, or not of one of your companies", body = Problem)))]
#[get("/api/v1/entitlements/{entitlement_id}")]
pub async fn get_entitlement(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                let entitlement = store::get_entitlement(conn, auth.tenant.id, id)?;
                require_reader(auth, CompanyId(entitlement.company_id), rules::may_read)?;
                Ok((EntitlementView::of(entitlement, today()), None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

fn require_writer(auth: &Auth) -> ApiResult<()> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    Ok(())
}

/// Reads a staff-written entry's company and fields: the company must be the tenant's, and the
/// device, when named, one of that company's.
fn checked_input(
    conn: &mut DbConnection,
    auth: &Auth,
    input: EntitlementInput,
) -> ApiResult<(CompanyId, EntitlementFields)> {
    let company =
        CompanyId(input.company_id.ok_or_else(|| ApiError::invalid("company_id", Message::new("field-required")))?);
    crate::routes::company_records::require_company(conn, auth.tenant.id, company)?;
    if let Some(device) = input.device_id {
        match rmm::get_device(conn, auth.tenant.id, device) {
            Ok(d) if d.company_id == company => {}
            _ => return Err(ApiError::invalid("device_id", Message::new("rule-device-not-of-company"))),
        }
    }
    let device = input.device_id;
    Ok((company, input.parse("", device)?))
}

/// A staff-written entry of the tenant; one synced by the RMM is changed in the RMM.
fn staff_written(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<Entitlement> {
    let entitlement = store::get_entitlement(conn, auth.tenant.id, id)?;
    if entitlement.from_rmm {
        return Err(ApiError::conflict("conflict-entry-synced"));
    }
    Ok(entitlement)
}

/// Record a warranty or licence (staff).
#[utoipa::path(tag = "system-info", operation_id = "createEntitlement", security(("bearer" = [])),
    request_body = EntitlementInput,
    responses(
        (status = 201, description = "The warranty or licence", body = EntitlementView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 422, description = "Invalid entry, unknown company or a device of another company", body = Problem)))]
#[post("/api/v1/entitlements")]
pub async fn create_entitlement(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<EntitlementInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let input = body.into_inner();
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (company, fields) = checked_input(conn, &auth, input)?;
                let created = store::insert_entitlement(conn, auth.tenant.id, company, &fields, false, Utc::now())?;
                client.record_change(
                    conn,
                    &auth,
                    "entitlement.created",
                    format!("entitlement:{}", created.id),
                    None,
                )?;
                Ok(EntitlementView::of(created, today()))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// Replace a warranty or licence written by staff (a new expiry date is announced again).
#[utoipa::path(tag = "system-info", operation_id = "replaceEntitlement", security(("bearer" = [])),
    params(("entitlement_id" = i64, Path)),
    request_body = EntitlementInput,
    responses(
        (status = 200, description = "The warranty or licence", body = EntitlementView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such warranty or licence", body = Problem),
        (status = 409, description = "Synced from the RMM: change it there", body = Problem),
        (status = 422, description = "Invalid entry, unknown company or a device of another company", body = Problem)))]
#[put("/api/v1/entitlements/{entitlement_id}")]
pub async fn replace_entitlement(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<EntitlementInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let input = body.into_inner();
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let existing = staff_written(conn, &auth, id)?;
                let (company, fields) = checked_input(conn, &auth, input)?;
                if company.0 != existing.company_id {
                    return Err(ApiError::invalid("company_id", Message::new("rule-entry-stays-with-company")));
                }
                store::update_entitlement(conn, id, &fields, Utc::now())?;
                client.record_change(conn, &auth, "entitlement.updated", format!("entitlement:{id}"), None)?;
                Ok(EntitlementView::of(store::get_entitlement(conn, auth.tenant.id, id)?, today()))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Delete a warranty or licence written by staff.
#[utoipa::path(tag = "system-info", operation_id = "deleteEntitlement", security(("bearer" = [])),
    params(("entitlement_id" = i64, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such warranty or licence", body = Problem),
        (status = 409, description = "Synced from the RMM: change it there", body = Problem)))]
#[delete("/api/v1/entitlements/{entitlement_id}")]
pub async fn delete_entitlement(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let client = origin::of(&req);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                staff_written(conn, &auth, id)?;
                store::delete_entitlement(conn, id)?;
                client.record_change(conn, &auth, "entitlement.deleted", format!("entitlement:{id}"), None)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

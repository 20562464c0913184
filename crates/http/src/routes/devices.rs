//! The RMM integration and its devices: the tenant's integration settings and secrets (provider
//! admins), the RMM's bulk device sync (with the integration's own credential, not a user
//! token), staff management of devices, and a user's own devices.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::secrets::{fingerprint, random_token};
use clientdesk_domain::assets::EntitlementFields;
use clientdesk_domain::devices::Device;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::rmm::{ActionKind, AgentIds, Integration, Platform};
use clientdesk_domain::user::Email;
use clientdesk_persistence::rmm::{self as store, DeviceFields};
use clientdesk_persistence::{assets, audit, companies, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::{Json, LargeJson};
use crate::origin;
use crate::paging::{self, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::routes::assets::{EntitlementInput, InventoryBody, MAX_SYNCED_ENTITLEMENTS};
use crate::state::AppState;

/// Prefix of the RMM's sync credential, so a leaked one is recognisable.
pub const SYNC_TOKEN_PREFIX: &str = "cdr_";
/// Most devices in one sync request.
const MAX_SYNC: usize = 500;
/// The body limit of a sync: 500 devices of up to 4 KiB each.
const SYNC_BODY_LIMIT: usize = MAX_SYNC * 4 * 1024;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_integration)
        .service(put_integration)
        .service(rotate_secret)
        .service(new_sync_token)
        .service(sync_devices)
        .service(list_devices)
        .service(get_device)
        .service(update_device)
        .service(rotate_device_token)
        .service(delete_device)
        .service(my_devices);
}

/// The integration as staff see it; secrets are shown once, when made.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"enabled": true, "webhook_url": "https://rmm.example.com/hooks/clientdesk",
    "allow_unsigned_links": false, "allow_private_targets": false, "has_previous_secret": true, "has_sync_token": true,
    "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct IntegrationView {
    /// Agent portal access: when off, every agent link is refused.
    pub enabled: bool,
    /// Where self-service actions are dispatched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Accept unsigned legacy links (ids only). Unsafe: anyone who has seen a device's ids can
    /// open its user's session.
    pub allow_unsigned_links: bool,
    /// Webhooks may reach private, loopback and link-local addresses.
    pub allow_private_targets: bool,
    /// A previous secret is still accepted (a rotation is rolling out).
    pub has_previous_secret: bool,
    pub has_sync_token: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<&Integration> for IntegrationView {
    fn from(i: &Integration) -> Self {
        Self {
            enabled: i.enabled,
            webhook_url: i.webhook_url.clone(),
            allow_unsigned_links: i.allow_unsigned_links,
            allow_private_targets: i.allow_private_targets,
            has_previous_secret: i.previous_secret.is_some(),
            has_sync_token: i.sync_token_hash.is_some(),
            updated_at: i.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true, "webhook_url": "https://rmm.example.com/hooks/clientdesk",
    "allow_unsigned_links": false}))]
pub struct IntegrationInput {
    pub enabled: bool,
    /// An `https://` URL whose host resolves to public addresses only (with
    /// `allow_private_targets`, also `http://` and private, loopback or link-local addresses).
    pub webhook_url: Option<String>,
    #[serde(default)]
    pub allow_unsigned_links: bool,
    /// Let webhooks reach private, loopback and link-local addresses (an RMM on the provider's
    /// own network). Off by default: such targets are refused when configured and when delivered.
    #[serde(default)]
    pub allow_private_targets: bool,
}

/// A secret shown once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"secret": "k2Vt3q9b0o1S5dWm2n7Yx4cZr8pLe6Jf0uHa3TgQwBs"}))]
pub struct SecretView {
    pub secret: String,
}

fn new_integration(auth: &Auth, now: DateTime<Utc>) -> Integration {
    Integration {
        tenant_id: auth.tenant.id,
        enabled: false,
        secret: random_token(32),
        previous_secret: None,
        webhook_url: None,
        allow_unsigned_links: false,
        sync_token_hash: None,
        updated_at: now,
        allow_private_targets: false,
    }
}

/// An outgoing URL, as `webhook_target` rules: https to a public address, or where the tenant
/// allows its own network also http and private addresses.
async fn webhook_url(url: &str, allow_private: bool) -> ApiResult<String> {
    clientdesk_app::webhook_target::check(url, allow_private).await.map_err(|why| ApiError::invalid("webhook_url", why))
}

/// Read the tenant's RMM integration (provider admins).
#[utoipa::path(tag = "rmm", operation_id = "getRmmIntegration", security(("bearer" = [])),
    responses(
        (status = 200, description = "The integration", body = IntegrationView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "Not set up yet", body = Problem)))]
#[get("/api/v1/rmm/integration")]
pub async fn get_integration(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin_role()?;
    let view = state
        .run(move |conn| {
            let integration = store::integration_of(conn, auth.tenant.id)?.ok_or(ApiError::NotFound)?;
            Ok(IntegrationView::from(&integration))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Set up or change the RMM integration (provider admins). The first call makes the signing
/// secret; read it with the rotate call.
#[utoipa::path(tag = "rmm", operation_id = "putRmmIntegration", security(("bearer" = [])),
    request_body = IntegrationInput,
    responses(
        (status = 200, description = "The integration", body = IntegrationView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 422, description = "Invalid webhook URL: not https, with credentials, unresolvable, or resolving to a private address the tenant does not allow", body = Problem)))]
#[put("/api/v1/rmm/integration")]
pub async fn put_integration(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<IntegrationInput>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let url = match body.webhook_url.as_deref() {
        Some(url) => Some(webhook_url(url, body.allow_private_targets).await?),
        None => None,
    };
    let view = change_integration(&state, &req, auth, "rmm_integration.updated", move |i| {
        i.enabled = body.enabled;
        i.webhook_url = url;
        i.allow_unsigned_links = body.allow_unsigned_links;
        i.allow_private_targets = body.allow_private_targets;
        let detail = format!(
            "enabled={} unsigned_links={} private_targets={}",
            i.enabled, i.allow_unsigned_links, i.allow_private_targets
        );
        (IntegrationView::from(&*i), Some(detail))
    })
    .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Loads the tenant's integration (a new one, with a fresh secret, on first use), lets `change`
/// edit it, saves it and audits `action` (provider admins only).
async fn change_integration<T: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    auth: Auth,
    action: &'static str,
    change: impl FnOnce(&mut Integration) -> (T, Option<String>) + Send + 'static,
) -> ApiResult<T> {
    auth.principal.require_provider_admin()?;
    let client = origin::of(req);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let mut i = store::integration_of(conn, auth.tenant.id)?.unwrap_or_else(|| new_integration(&auth, now));
                let (out, detail) = change(&mut i);
                i.updated_at = now;
                store::save_integration(conn, &i)?;
                client.record_change(conn, &auth, action, "rmm_integration".into(), detail)?;
                Ok(out)
            })
        })
        .await
}

/// Make a new signing secret (provider admins). The one it replaces stays valid until the next
/// rotation, so the RMM can switch without refused links; the answer is the only time the new
/// secret is shown.
#[utoipa::path(tag = "rmm", operation_id = "rotateRmmSecret", security(("bearer" = [])),
    responses(
        (status = 200, description = "The new secret", body = SecretView),
        (status = 403, description = "Not a provider admin", body = Problem)))]
#[post("/api/v1/rmm/integration/secret")]
pub async fn rotate_secret(state: web::Data<AppState>, req: HttpRequest, auth: Auth) -> ApiResult<HttpResponse> {
    let view = change_integration(&state, &req, auth, "rmm_integration.secret_rotated", |i| {
        let secret = random_token(32);
        i.previous_secret = Some(std::mem::replace(&mut i.secret, secret.clone()));
        (SecretView { secret }, None)
    })
    .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Make the credential the RMM syncs devices with (provider admins); it replaces the previous
/// one, and is shown only in this answer.
#[utoipa::path(tag = "rmm", operation_id = "newRmmSyncToken", security(("bearer" = [])),
    responses(
        (status = 200, description = "The new sync credential", body = SecretView),
        (status = 403, description = "Not a provider admin", body = Problem)))]
#[post("/api/v1/rmm/integration/sync-token")]
pub async fn new_sync_token(state: web::Data<AppState>, req: HttpRequest, auth: Auth) -> ApiResult<HttpResponse> {
    let view = change_integration(&state, &req, auth, "rmm_integration.sync_token", |i| {
        let token = format!("{SYNC_TOKEN_PREFIX}{}", random_token(32));
        i.sync_token_hash = Some(fingerprint(&token));
        (SecretView { secret: token }, None)
    })
    .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// A device as the RMM sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"agent_guid": "7f3c0b6e-51f2-4c4a-9a53-0d1e2f3a4b5c", "machine_id": "PC-PAT",
    "group_id": "contoso.office", "hostname": "pc-pat.contoso.local", "platform": "windows", "company_id": 1,
    "user_email": "pat.user@demo.example", "last_seen_at": "2026-11-23T08:55:00Z"}))]
pub struct SyncedDevice {
    pub agent_guid: String,
    pub machine_id: String,
    pub group_id: String,
    pub hostname: String,
    pub platform: Platform,
    pub company_id: i64,
    /// The portal user working on it; must be a member of `company_id`. Absent: unchanged;
    /// null: nobody.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub user_email: Option<Option<String>>,
    /// The RMM's contact for the machine, to prefill self-registration.
    pub contact: Option<Contact>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// What the RMM's inventory says of it. Absent: unchanged.
    pub inventory: Option<InventoryBody>,
    /// Its warranties and licences (up to 20), without `company_id` and `device_id`. Absent:
    /// unchanged; a list replaces those synced before (staff-written ones stay).
    pub entitlements: Option<Vec<EntitlementInput>>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Kim Kiosk", "email": "kim@contoso.example", "phone": "+41 44 555 00 00"}))]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"devices": [{"agent_guid": "7f3c0b6e-51f2-4c4a-9a53-0d1e2f3a4b5c", "machine_id": "FS01",
    "group_id": "contoso.servers", "hostname": "fs01.contoso.local", "platform": "windows", "company_id": 1,
    "user_email": "pat.user@demo.example", "contact": {"name": "Pat User", "email": "pat.user@demo.example"},
    "last_seen_at": "2026-11-23T08:55:00Z"}]}))]
pub struct SyncRequest {
    /// 1 to 500 devices, upserted by `agent_guid`.
    pub devices: Vec<SyncedDevice>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"agent_guid": "7f3c0b6e-51f2-4c4a-9a53-0d1e2f3a4b5c", "id": 4, "created": true,
    "link_token": "Zq3v8Yk1..."}))]
pub struct SyncResult {
    pub agent_guid: String,
    pub id: i64,
    pub created: bool,
    /// A new device's link token (for RMMs that fill a fixed link template: `&token=...`). Shown
    /// only here; staff can issue a new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"devices": [{"agent_guid": "7f3c0b6e-51f2-4c4a-9a53-0d1e2f3a4b5c", "id": 4,
    "created": false}]}))]
pub struct SyncResponse {
    pub devices: Vec<SyncResult>,
}

fn user_ref(user: Option<UserId>) -> String {
    user.map_or_else(|| "nobody".to_owned(), |u| format!("user:{}", u.0))
}

/// The audit detail of a change of a device's user.
fn reassignment(from: Option<UserId>, to: Option<UserId>) -> String {
    format!("{} -> {}", user_ref(from), user_ref(to))
}

/// Checks a user may own a device of `company`: a portal user who is a member there.
fn owner(
    conn: &mut DbConnection,
    auth_tenant: clientdesk_domain::ids::TenantId,
    user: UserId,
    company: CompanyId,
) -> ApiResult<bool> {
    let member = users::is_member(conn, user, company)?;
    // Never staff: a device's link opens a session for its user.
    let portal_user = users::get(conn, auth_tenant, user).is_ok_and(|u| u.staff_role.is_none());
    Ok(member && portal_user)
}

/// Sync devices from the RMM (its sync credential as `Authorization: Bearer cdr_...`).
///
/// Up to 500 devices a call, in a body of at most 2 MiB. Devices are upserted by `agent_guid` in
/// one transaction: one invalid device refuses the whole request (422 pointing at it,
/// `/devices/17/company_id`, and naming its GUID in the detail). A new device gets a link token, returned only here.
#[utoipa::path(tag = "rmm", operation_id = "syncDevices", security(("rmm_sync" = [])),
    request_body = SyncRequest,
    responses(
        (status = 200, description = "What was created or updated", body = SyncResponse),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 413, description = "A body over 2 MiB", body = Problem),
        (status = 422, description = "An invalid device, a user who is not a member of the device's company", body = Problem)))]
#[put("/api/v1/rmm/devices")]
pub async fn sync_devices(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: LargeJson<SyncRequest, SYNC_BODY_LIMIT>,
) -> ApiResult<HttpResponse> {
    let unknown = ApiError::unauthorized("unauthorized-rmm-sync-credential");
    let token = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| t.starts_with(SYNC_TOKEN_PREFIX) && t.len() < 200)
        .map(|t| fingerprint(t.trim()))
        .ok_or(ApiError::unauthorized("unauthorized-rmm-sync-credential"))?;
    let devices = body.into_inner().devices;
    let client = origin::of(&req);
    if devices.is_empty() || devices.len() > MAX_SYNC {
        return Err(ApiError::invalid("devices", Message::new("rule-devices-count").arg("max", MAX_SYNC)));
    }
    let answer = state
        .run(move |conn| {
            let integration = match store::integration_by_sync_token(conn, &token) {
                Err(clientdesk_persistence::Error::NotFound) => return Err(unknown),
                other => other?,
            };
            let tenant = integration.tenant_id;
            write_tx(conn, |conn| {
                let now = Utc::now();
                let mut results = Vec::with_capacity(devices.len());
                for (i, d) in devices.into_iter().enumerate() {
                    let agent_guid = crate::text::required(&format!("devices[{i}].agent_guid"), &d.agent_guid, 100)?;
                    // A refused device is pointed at by position and named by the agent GUID the
                    // RMM knows it by.
                    let about = Message::new("detail-device").arg("guid", agent_guid.clone());
                    let refuse = |f: &str, why: Message| {
                        ApiError::invalid(&format!("devices[{i}].{f}"), why).about(about.clone())
                    };
                    let checked = |f: &str, value: &str, max: usize| {
                        crate::text::required(f, value, max).map_err(|_| refuse(f, crate::text::rule(max)))
                    };
                    let optional_checked = |f: &str, value: Option<&str>, max: usize| {
                        value.map(str::trim).filter(|v| !v.is_empty()).map(|v| checked(f, v, max)).transpose()
                    };
                    let ids = AgentIds {
                        agent_guid: agent_guid.clone(),
                        machine_id: checked("machine_id", &d.machine_id, 100)?,
                        group_id: checked("group_id", &d.group_id, 200)?,
                    };
                    let company = CompanyId(d.company_id);
                    if companies::get(conn, tenant, company).is_err() {
                        return Err(refuse("company_id", Message::new("rule-company-unknown")));
                    }
                    let existing = store::device_by_guid(conn, tenant, &ids.agent_guid)?;
                    let user = match d.user_email {
                        None => existing.as_ref().and_then(|e| e.user_id),
                        Some(None) => None,
                        Some(Some(email)) => {
                            let email = Email::parse(&email).map_err(|e| refuse("user_email", e.message))?;
                            let user = users::find_by_email(conn, tenant, email.as_str())
                                .map_err(|_| refuse("user_email", Message::new("rule-user-unknown")))?;
                            Some(user.id)
                        }
                    };
                    if let Some(user) = user {
                        if !owner(conn, tenant, user, company)? {
                            return Err(refuse("user_email", Message::new("rule-device-user")));
                        }
                    }
                    let inventory = d
                        .inventory
                        .map(|inv| inv.parse(&format!("devices[{i}].inventory")))
                        .transpose()
                        .map_err(|e| e.about(about.clone()))?;
                    let entitlements = d
                        .entitlements
                        .map(|list| synced_entitlements(i, list))
                        .transpose()
                        .map_err(|e| e.about(about.clone()))?;
                    let contact = d.contact.unwrap_or_default();
                    let fields = DeviceFields {
                        company_id: company,
                        user_id: user,
                        hostname: checked("hostname", &d.hostname, 255)?,
                        platform: d.platform,
                        ids,
                        contact_name: optional_checked("contact.name", contact.name.as_deref(), 200)?,
                        contact_email: optional_checked("contact.email", contact.email.as_deref(), 254)?,
                        contact_phone: optional_checked("contact.phone", contact.phone.as_deref(), 32)?,
                        last_seen_at: d.last_seen_at,
                    };
                    let result = match existing {
                        Some(device) => {
                            store::update_device(conn, device.id, &fields, now)?;
                            if device.user_id != user {
                                let mut event = client.event(Some(tenant), None, "device.reassigned");
                                event.target = Some(format!("device:{}", device.id));
                                event.detail = Some(reassignment(device.user_id, user));
                                audit::record(conn, &event, now)?;
                            }
                            SyncResult {
                                agent_guid: fields.ids.agent_guid,
                                id: device.id,
                                created: false,
                                link_token: None,
                            }
                        }
                        None => {
                            let token = random_token(32);
                            let device = store::insert_device(conn, tenant, &fields, &fingerprint(&token), now)?;
                            SyncResult {
                                agent_guid: fields.ids.agent_guid,
                                id: device.id,
                                created: true,
                                link_token: Some(token),
                            }
                        }
                    };
                    if let Some(inventory) = &inventory {
                        assets::save_inventory(conn, result.id, inventory, now)?;
                    }
                    if let Some(entitlements) = &entitlements {
                        let device = store::get_device(conn, tenant, result.id)?;
                        assets::replace_synced_entitlements(conn, tenant, &device, entitlements, now)?;
                    }
                    results.push(result);
                }
                Ok(SyncResponse { devices: results })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(answer))
}

/// A device's warranties and licences as the RMM sends them: the device's own, so without
/// `company_id` or `device_id`; a warranty covers the device.
fn synced_entitlements(device: usize, list: Vec<EntitlementInput>) -> ApiResult<Vec<EntitlementFields>> {
    if list.len() > MAX_SYNCED_ENTITLEMENTS {
        let field = format!("devices[{device}].entitlements");
        return Err(ApiError::invalid(
            &field,
            Message::new("rule-entries-at-most").arg("max", MAX_SYNCED_ENTITLEMENTS),
        ));
    }
    list.into_iter()
        .enumerate()
        .map(|(n, e)| {
            let at = format!("devices[{device}].entitlements[{n}]");
            if e.company_id.is_some() || e.device_id.is_some() {
                let field = format!("{at}.{}", if e.company_id.is_some() { "company_id" } else { "device_id" });
                return Err(ApiError::invalid(&field, Message::new("rule-device-own")));
            }
            // Checked as covering a device; the store writes the device's id.
            e.parse(&at, Some(0))
        })
        .collect()
}

/// A device as staff and its user see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 4, "company_id": 1, "user_id": 3, "hostname": "pc-pat.contoso.local",
    "platform": "windows", "agent_guid": "7f3c0b6e-51f2-4c4a-9a53-0d1e2f3a4b5c", "machine_id": "PC-PAT",
    "group_id": "contoso.office", "has_link_token": true, "last_seen_at": "2026-11-23T08:55:00Z",
    "actions": ["restart", "lock", "shutdown", "reset_password", "log_out", "install_software"]}))]
pub struct DeviceView {
    pub id: i64,
    pub company_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    pub hostname: String,
    pub platform: Platform,
    pub agent_guid: String,
    pub machine_id: String,
    pub group_id: String,
    pub has_link_token: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The self-service actions its platform allows.
    pub actions: Vec<ActionKind>,
}

impl From<Device> for DeviceView {
    fn from(d: Device) -> Self {
        Self {
            id: d.id,
            company_id: d.company_id.0,
            user_id: d.user_id.map(|u| u.0),
            hostname: d.hostname,
            platform: d.platform,
            actions: ActionKind::allowed(d.platform),
            agent_guid: d.ids.agent_guid,
            machine_id: d.ids.machine_id,
            group_id: d.ids.group_id,
            has_link_token: d.has_token,
            last_seen_at: d.last_seen_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    /// Only items created or changed at or after this time (RFC 3339).
    #[param(example = "2026-12-01T00:00:00Z")]
    pub updated_from: Option<DateTime<Utc>>,
    pub company_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List the tenant's devices (staff).
#[utoipa::path(tag = "rmm", operation_id = "listDevices", security(("bearer" = [])),
    params(DeviceQuery),
    responses(
        (status = 200, description = "A page of devices", body = Paged<DeviceView>),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid query", body = Problem)))]
#[get("/api/v1/devices")]
pub async fn list_devices(
    state: web::Data<AppState>,
    auth: Auth,
    query: crate::query::Query<DeviceQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.resolve()?;
    let (company, user, since) = (query.company_id.map(CompanyId), query.user_id.map(UserId), query.updated_from);
    let page = state
        .run(move |conn| {
            let page = store::list_devices(conn, auth.tenant.id, company, user, since, after, limit)?;
            Ok(Paged {
                items: page.items.into_iter().map(DeviceView::from).collect(),
                next_cursor: paging::cursor(page.next_after),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Read a device (staff).
#[utoipa::path(tag = "rmm", operation_id = "getDevice", security(("bearer" = [])),
    params(("device_id" = i64, Path)),
    responses(
        (status = 200, description = "The device", body = DeviceView),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such device", body = Problem)))]
#[get("/api/v1/devices/{device_id}")]
pub async fn get_device(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let id = path.into_inner();
    let device = state.run(move |conn| Ok(store::get_device(conn, auth.tenant.id, id)?)).await?;
    Ok(HttpResponse::Ok().json_body(DeviceView::from(device)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"company_id": 1, "user_id": 3}))]
pub struct DevicePatch {
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub company_id: Option<i64>,
    /// The device's user, a member of its company; null for nobody.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<Option<i64>>,
}

/// Move a device to another company or user (staff). Its user must be a portal user of its
/// company.
#[utoipa::path(tag = "rmm", operation_id = "updateDevice", security(("bearer" = [])),
    params(("device_id" = i64, Path)), request_body = DevicePatch,
    responses(
        (status = 200, description = "The device", body = DeviceView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such device", body = Problem),
        (status = 422, description = "No such company, or a user who is not a member of it", body = Problem)))]
#[patch("/api/v1/devices/{device_id}")]
pub async fn update_device(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<DevicePatch>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let (id, patch, client) = (path.into_inner(), body.into_inner(), origin::of(&req));
    let device = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let device = store::get_device(conn, auth.tenant.id, id)?;
                let company = patch.company_id.map(CompanyId).unwrap_or(device.company_id);
                if companies::get(conn, auth.tenant.id, company).is_err() {
                    return Err(ApiError::invalid("company_id", Message::new("rule-company-unknown")));
                }
                let user = match patch.user_id {
                    None => device.user_id,
                    Some(user) => user.map(UserId),
                };
                if let Some(user) = user {
                    if !owner(conn, auth.tenant.id, user, company)? {
                        return Err(ApiError::invalid("user_id", Message::new("rule-device-portal-user")));
                    }
                }
                let fields = DeviceFields {
                    company_id: company,
                    user_id: user,
                    hostname: device.hostname,
                    platform: device.platform,
                    ids: device.ids,
                    contact_name: device.contact_name,
                    contact_email: device.contact_email,
                    contact_phone: device.contact_phone,
                    last_seen_at: device.last_seen_at,
                };
                let previous = device.user_id;
                store::update_device(conn, id, &fields, Utc::now())?;
                client.record_change(conn, &auth, "device.updated", format!("device:{id}"), None)?;
                if previous != user {
                    let detail = reassignment(previous, user);
                    client.record_change(conn, &auth, "device.reassigned", format!("device:{id}"), Some(detail))?;
                }
                Ok(store::get_device(conn, auth.tenant.id, id)?)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(DeviceView::from(device)))
}

/// Issue a new link token for a device (staff); the old one stops working at once. Shown only
/// in this answer.
#[utoipa::path(tag = "rmm", operation_id = "rotateDeviceToken", security(("bearer" = [])),
    params(("device_id" = i64, Path)),
    responses(
        (status = 200, description = "The new link token", body = SecretView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such device", body = Problem)))]
#[post("/api/v1/devices/{device_id}/link-token")]
pub async fn rotate_device_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let (id, client) = (path.into_inner(), origin::of(&req));
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let device = store::get_device(conn, auth.tenant.id, id)?;
                let token = random_token(32);
                store::set_device_token(conn, id, Some(&fingerprint(&token)), Utc::now())?;
                // Who the new link opens the portal for, as of now.
                let detail = format!("for {}", user_ref(device.user_id));
                client.record_change(conn, &auth, "device.link_token", format!("device:{id}"), Some(detail))?;
                Ok(SecretView { secret: token })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Remove a device (staff): its link token stops working and its agent sessions end.
#[utoipa::path(tag = "rmm", operation_id = "deleteDevice", security(("bearer" = [])),
    params(("device_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such device", body = Problem)))]
#[delete("/api/v1/devices/{device_id}")]
pub async fn delete_device(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let (id, client) = (path.into_inner(), origin::of(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                store::get_device(conn, auth.tenant.id, id)?;
                clientdesk_persistence::actions::delete_device_actions(conn, id)?;
                assets::delete_of_device(conn, id)?;
                store::delete_device(conn, id)?;
                client.record_change(conn, &auth, "device.deleted", format!("device:{id}"), None)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// My devices, with the self-service actions each one's platform allows.
#[utoipa::path(tag = "rmm", operation_id = "listMyDevices", security(("bearer" = [])),
    responses(
        (status = 200, description = "The devices assigned to me; in a session opened from a device's agent menu, that device only", body = Paged<DeviceView>),
        (status = 401, description = "Not signed in", body = Problem)))]
#[get("/api/v1/me/devices")]
pub async fn my_devices(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let devices = state
        .run(move |conn| {
            let page = store::list_devices(conn, auth.tenant.id, None, Some(auth.principal.user_id), None, None, 200)?;
            // A session opened from a device's agent menu sees that device only.
            let only = auth.principal.device;
            Ok(page
                .items
                .into_iter()
                .filter(|d| only.is_none_or(|id| d.id == id))
                .map(DeviceView::from)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(devices)))
}

//! The RMM integration of a tenant, its devices, agent-link nonces and verification codes.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::devices::Device;
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::rmm::{AgentIds, Integration, Platform};
use clientdesk_domain::verification::Code;
use diesel::prelude::*;

use crate::schema::{agent_nonces, devices, rmm_integrations, verification_codes};
use crate::{utc, vault, DbConnection, Error, Page, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = rmm_integrations)]
struct IntegrationRow {
    tenant_id: i64,
    enabled: bool,
    secret: String,
    previous_secret: Option<String>,
    webhook_url: Option<String>,
    allow_unsigned_links: bool,
    sync_token_hash: Option<String>,
    updated_at: NaiveDateTime,
    allow_private_targets: bool,
}

impl From<IntegrationRow> for Integration {
    fn from(r: IntegrationRow) -> Self {
        // The HMAC keys are sealed at rest and open here, the one place integrations are read.
        let tenant = TenantId(r.tenant_id);
        let open = |column: &str, value: String| vault::open_or_keep(tenant, &vault::identity(column, tenant.0), value);
        Integration {
            tenant_id: tenant,
            enabled: r.enabled,
            secret: open("rmm_integrations.secret", r.secret),
            previous_secret: r.previous_secret.map(|s| open("rmm_integrations.previous_secret", s)),
            webhook_url: r.webhook_url,
            allow_unsigned_links: r.allow_unsigned_links,
            sync_token_hash: r.sync_token_hash,
            updated_at: utc(r.updated_at),
            allow_private_targets: r.allow_private_targets,
        }
    }
}

pub fn integration_of(conn: &mut DbConnection, tenant: TenantId) -> Result<Option<Integration>> {
    Ok(rmm_integrations::table
        .filter(rmm_integrations::tenant_id.eq(tenant.0))
        .select(IntegrationRow::as_select())
        .first::<IntegrationRow>(conn)
        .optional()?
        .map(Integration::from))
}

/// The integration whose sync credential has this fingerprint.
pub fn integration_by_sync_token(conn: &mut DbConnection, hash: &str) -> Result<Integration> {
    Ok(rmm_integrations::table
        .filter(rmm_integrations::sync_token_hash.eq(hash))
        .select(IntegrationRow::as_select())
        .first::<IntegrationRow>(conn)?
        .into())
}

/// Stores the integration (created on first save). Call inside a write transaction.
pub fn save_integration(conn: &mut DbConnection, i: &Integration) -> Result<()> {
    let mut seal = |column: &str, value: &str| match vault::is_sealed(value) {
        true => Ok(value.to_owned()),
        false => vault::seal(conn, i.tenant_id, &vault::identity(column, i.tenant_id.0), value),
    };
    let secret = seal("rmm_integrations.secret", &i.secret)?;
    let previous = i.previous_secret.as_deref().map(|s| seal("rmm_integrations.previous_secret", s)).transpose()?;
    let values = (
        rmm_integrations::enabled.eq(i.enabled),
        rmm_integrations::secret.eq(&secret),
        rmm_integrations::previous_secret.eq(&previous),
        rmm_integrations::webhook_url.eq(&i.webhook_url),
        rmm_integrations::allow_unsigned_links.eq(i.allow_unsigned_links),
        rmm_integrations::sync_token_hash.eq(&i.sync_token_hash),
        rmm_integrations::updated_at.eq(i.updated_at.naive_utc()),
        rmm_integrations::allow_private_targets.eq(i.allow_private_targets),
    );
    let updated = diesel::update(rmm_integrations::table.filter(rmm_integrations::tenant_id.eq(i.tenant_id.0)))
        .set(values)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(rmm_integrations::table)
            .values((rmm_integrations::tenant_id.eq(i.tenant_id.0), values))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = devices)]
pub(crate) struct DeviceRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    user_id: Option<i64>,
    hostname: String,
    platform: String,
    agent_guid: String,
    machine_id: String,
    group_id: String,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    token_hash: Option<String>,
    last_seen_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<DeviceRow> for Device {
    type Error = Error;
    fn try_from(r: DeviceRow) -> Result<Self> {
        Ok(Device {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            company_id: CompanyId(r.company_id),
            user_id: r.user_id.map(UserId),
            hostname: r.hostname,
            platform: Platform::parse(&r.platform)
                .ok_or_else(|| Error::Other(format!("device {}: platform {:?}", r.id, r.platform)))?,
            ids: AgentIds { agent_guid: r.agent_guid, machine_id: r.machine_id, group_id: r.group_id },
            contact_name: r.contact_name,
            contact_email: r.contact_email,
            contact_phone: r.contact_phone,
            has_token: r.token_hash.is_some(),
            last_seen_at: r.last_seen_at.map(utc),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

/// What the RMM (or staff) set on a device.
#[derive(Debug, Clone)]
pub struct DeviceFields {
    pub company_id: CompanyId,
    pub user_id: Option<UserId>,
    pub hostname: String,
    pub platform: Platform,
    pub ids: AgentIds,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
}

pub fn device_by_guid(conn: &mut DbConnection, tenant: TenantId, agent_guid: &str) -> Result<Option<Device>> {
    devices::table
        .filter(devices::tenant_id.eq(tenant.0))
        .filter(devices::agent_guid.eq(agent_guid))
        .select(DeviceRow::as_select())
        .first(conn)
        .optional()?
        .map(Device::try_from)
        .transpose()
}

pub fn device_by_token(conn: &mut DbConnection, hash: &str) -> Result<Device> {
    devices::table.filter(devices::token_hash.eq(hash)).select(DeviceRow::as_select()).first(conn)?.try_into()
}

pub fn get_device(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Device> {
    devices::table
        .filter(devices::tenant_id.eq(tenant.0))
        .filter(devices::id.eq(id))
        .select(DeviceRow::as_select())
        .first(conn)?
        .try_into()
}

pub fn insert_device(
    conn: &mut DbConnection,
    tenant: TenantId,
    f: &DeviceFields,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Device> {
    let id: i64 = diesel::insert_into(devices::table)
        .values((
            devices::tenant_id.eq(tenant.0),
            devices::agent_guid.eq(&f.ids.agent_guid),
            devices::token_hash.eq(token_hash),
            devices::created_at.eq(now.naive_utc()),
            field_values(f, now),
        ))
        .returning(devices::id)
        .get_result(conn)?;
    get_device(conn, tenant, id)
}

#[allow(clippy::type_complexity)]
fn field_values(
    f: &DeviceFields,
    now: DateTime<Utc>,
) -> (
    diesel::dsl::Eq<devices::company_id, i64>,
    diesel::dsl::Eq<devices::user_id, Option<i64>>,
    diesel::dsl::Eq<devices::hostname, String>,
    diesel::dsl::Eq<devices::platform, &'static str>,
    diesel::dsl::Eq<devices::machine_id, String>,
    diesel::dsl::Eq<devices::group_id, String>,
    diesel::dsl::Eq<devices::contact_name, Option<String>>,
    diesel::dsl::Eq<devices::contact_email, Option<String>>,
    diesel::dsl::Eq<devices::contact_phone, Option<String>>,
    diesel::dsl::Eq<devices::last_seen_at, Option<NaiveDateTime>>,
    diesel::dsl::Eq<devices::updated_at, NaiveDateTime>,
) {
    (
        devices::company_id.eq(f.company_id.0),
        devices::user_id.eq(f.user_id.map(|u| u.0)),
        devices::hostname.eq(f.hostname.clone()),
        devices::platform.eq(f.platform.as_str()),
        devices::machine_id.eq(f.ids.machine_id.clone()),
        devices::group_id.eq(f.ids.group_id.clone()),
        devices::contact_name.eq(f.contact_name.clone()),
        devices::contact_email.eq(f.contact_email.clone()),
        devices::contact_phone.eq(f.contact_phone.clone()),
        devices::last_seen_at.eq(f.last_seen_at.map(|t| t.naive_utc())),
        devices::updated_at.eq(now.naive_utc()),
    )
}

pub fn update_device(conn: &mut DbConnection, id: i64, f: &DeviceFields, now: DateTime<Utc>) -> Result<()> {
    diesel::update(devices::table.filter(devices::id.eq(id))).set(field_values(f, now)).execute(conn)?;
    Ok(())
}

/// Replaces (or, with `None`, revokes) the device's link token.
pub fn set_device_token(conn: &mut DbConnection, id: i64, hash: Option<&str>, now: DateTime<Utc>) -> Result<()> {
    diesel::update(devices::table.filter(devices::id.eq(id)))
        .set((devices::token_hash.eq(hash), devices::updated_at.eq(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// Links a device to its user (after self-registration).
pub fn set_device_user(conn: &mut DbConnection, id: i64, user: UserId, now: DateTime<Utc>) -> Result<bool> {
    let changed = diesel::update(devices::table.filter(devices::id.eq(id)).filter(devices::user_id.is_null()))
        .set((devices::user_id.eq(user.0), devices::updated_at.eq(now.naive_utc())))
        .execute(conn)?;
    Ok(changed == 1)
}

pub fn delete_device(conn: &mut DbConnection, id: i64) -> Result<()> {
    diesel::delete(devices::table.filter(devices::id.eq(id))).execute(conn)?;
    Ok(())
}

/// Devices by id, optionally of one company or one user.
pub fn list_devices(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: Option<CompanyId>,
    user: Option<UserId>,
    updated_since: Option<DateTime<Utc>>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<Device>> {
    let mut query = devices::table
        .filter(devices::tenant_id.eq(tenant.0))
        .select(DeviceRow::as_select())
        .order(devices::id)
        .limit(limit + 1)
        .into_boxed();
    if let Some(company) = company {
        query = query.filter(devices::company_id.eq(company.0));
    }
    if let Some(user) = user {
        query = query.filter(devices::user_id.eq(user.0));
    }
    if let Some(since) = updated_since {
        query = query.filter(devices::updated_at.ge(since.naive_utc()));
    }
    if let Some(after) = after {
        query = query.filter(devices::id.gt(after));
    }
    let items = query.load(conn)?.into_iter().map(Device::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |d| d.id))
}

/// Records a signed link's nonce; false when it was seen before (a replay). Nonces past their
/// validity are dropped first, so the table holds only the last few minutes of links.
pub fn use_nonce(
    conn: &mut DbConnection,
    tenant: TenantId,
    nonce: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    diesel::delete(agent_nonces::table.filter(agent_nonces::expires_at.lt(now.naive_utc()))).execute(conn)?;
    // Without an error on a used nonce: on PostgreSQL an error would abort the transaction that
    // must still count and audit the refusal.
    let values = (
        agent_nonces::tenant_id.eq(tenant.0),
        agent_nonces::nonce.eq(nonce),
        agent_nonces::expires_at.eq(expires_at.naive_utc()),
    );
    let inserted = match conn {
        DbConnection::Pg(pg) => {
            diesel::insert_into(agent_nonces::table).values(values).on_conflict_do_nothing().execute(pg)?
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::insert_into(agent_nonces::table).values(values).on_conflict_do_nothing().execute(sqlite)?
        }
    };
    Ok(inserted == 1)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = verification_codes)]
struct CodeRow {
    id: i64,
    tenant_id: i64,
    user_id: Option<i64>,
    purpose: String,
    code_hash: String,
    payload: String,
    attempts: i32,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
}

impl From<CodeRow> for Code {
    fn from(r: CodeRow) -> Self {
        Code {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            user_id: r.user_id.map(UserId),
            purpose: r.purpose,
            code_hash: r.code_hash,
            payload: r.payload,
            attempts: r.attempts,
            expires_at: utc(r.expires_at),
            used_at: r.used_at.map(utc),
        }
    }
}

/// A new code to prove.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    pub tenant_id: TenantId,
    pub user_id: Option<UserId>,
    pub purpose: &'a str,
    pub code_hash: &'a str,
    pub payload: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn create_code(conn: &mut DbConnection, c: &NewCode<'_>, now: DateTime<Utc>) -> Result<i64> {
    Ok(diesel::insert_into(verification_codes::table)
        .values((
            verification_codes::tenant_id.eq(c.tenant_id.0),
            verification_codes::user_id.eq(c.user_id.map(|u| u.0)),
            verification_codes::purpose.eq(c.purpose),
            verification_codes::code_hash.eq(c.code_hash),
            verification_codes::payload.eq(c.payload),
            verification_codes::attempts.eq(0),
            verification_codes::expires_at.eq(c.expires_at.naive_utc()),
            verification_codes::created_at.eq(now.naive_utc()),
        ))
        .returning(verification_codes::id)
        .get_result(conn)?)
}

/// A high-entropy token of this purpose, by its fingerprint.
pub fn code_by_hash(conn: &mut DbConnection, purpose: &str, hash: &str) -> Result<Code> {
    Ok(verification_codes::table
        .filter(verification_codes::code_hash.eq(hash))
        .filter(verification_codes::purpose.eq(purpose))
        .select(CodeRow::as_select())
        .first::<CodeRow>(conn)?
        .into())
}

/// The user's latest code of this purpose (short codes are checked against it, with a count of
/// attempts).
pub fn latest_code(conn: &mut DbConnection, user: UserId, purpose: &str) -> Result<Option<Code>> {
    Ok(verification_codes::table
        .filter(verification_codes::user_id.eq(user.0))
        .filter(verification_codes::purpose.eq(purpose))
        .order(verification_codes::id.desc())
        .select(CodeRow::as_select())
        .first::<CodeRow>(conn)
        .optional()?
        .map(Code::from))
}

/// Spends a code; false when it was spent already.
pub fn use_code(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let changed = diesel::update(
        verification_codes::table.filter(verification_codes::id.eq(id)).filter(verification_codes::used_at.is_null()),
    )
    .set(verification_codes::used_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Counts one try of a code before it is checked, in one statement, so parallel guesses cannot
/// pass the limit; false when the code has had `max` tries already (or does not exist).
pub fn take_attempt(conn: &mut DbConnection, id: i64, max: i32) -> Result<bool> {
    let counted = diesel::update(
        verification_codes::table.filter(verification_codes::id.eq(id)).filter(verification_codes::attempts.lt(max)),
    )
    .set(verification_codes::attempts.eq(verification_codes::attempts + 1))
    .execute(conn)?;
    Ok(counted == 1)
}

/// Holds the device's row until the transaction ends (PostgreSQL; SQLite's IMMEDIATE
/// transaction already excludes other writers), so two calls for one device act one at a time.
pub fn lock_device(conn: &mut DbConnection, id: i64) -> Result<()> {
    if let DbConnection::Pg(pg) = conn {
        devices::table.filter(devices::id.eq(id)).select(devices::id).for_update().first::<i64>(pg)?;
    }
    Ok(())
}

pub fn count_attempt(conn: &mut DbConnection, id: i64) -> Result<()> {
    diesel::update(verification_codes::table.filter(verification_codes::id.eq(id)))
        .set(verification_codes::attempts.eq(verification_codes::attempts + 1))
        .execute(conn)?;
    Ok(())
}

/// The tenant an agent link names in `client`: its slug, or its name (any case), since RMMs
/// put the PSA's tenant name in their links (with `+` for spaces).
pub fn tenant_by_client(conn: &mut DbConnection, client: &str) -> Result<clientdesk_domain::entities::Tenant> {
    use crate::schema::tenants;
    use crate::text::lower;
    let client = client.trim();
    let id: i64 = tenants::table
        .filter(tenants::slug.eq(client).or(lower(tenants::name).eq(client.to_lowercase())))
        .order(tenants::id)
        .select(tenants::id)
        .first(conn)?;
    crate::tenants::get(conn, TenantId(id))
}

/// The latest code of a purpose (purposes naming what they belong to, e.g.
/// `activation:<registration id>`).
pub fn latest_code_of(conn: &mut DbConnection, purpose: &str) -> Result<Option<Code>> {
    Ok(verification_codes::table
        .filter(verification_codes::purpose.eq(purpose))
        .order(verification_codes::id.desc())
        .select(CodeRow::as_select())
        .first::<CodeRow>(conn)
        .optional()?
        .map(Code::from))
}

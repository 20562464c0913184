//! Envelope encryption of the secrets the portal must use again (TOTP secrets, RMM HMAC keys):
//! AES-256-GCM under a per-tenant data key, the data key wrapped by the deployment's master key,
//! the row's identity (`users.totp_secret:<user id>`) as associated data, so a value copied to
//! another row or tenant does not open. See docs/decisions/0004-secrets-at-rest.md.
//!
//! A sealed value carries its wrapped data key (`vault:v1:<wrapped key>:<nonce and ciphertext>`):
//! rows open as they are read, with the master key alone and no query, so loading a user or a
//! session costs what it did. The `tenant_data_keys` table keeps the key each tenant seals with.
//!
//! The master key is the process's (one deployment, one key), installed once at start-up.
//!
//! The documentation vault's entries use versioned data keys instead (`vault_keys`, sealed values
//! `vault:v2:<version>:<nonce and ciphertext>`): a value names its key's version rather than
//! carrying it, so that rotating the master key rewraps the keys and leaves every entry as it is,
//! and rotating a tenant's data key adds a version that the entries move to in batches. See
//! docs/decisions/0046-documentation-vault.md.

use std::sync::OnceLock;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::Aes256Gcm;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use clientdesk_domain::ids::TenantId;
use diesel::prelude::*;
use rand::RngCore;

use crate::schema::{rmm_integrations, tenant_data_keys, users, vault_keys, webhook_subscriptions};
use crate::{DbConnection, Error, Result};

/// What every sealed value starts with.
pub(crate) const PREFIX: &str = "vault:v1:";
const NONCE: usize = 12;

static MASTER: OnceLock<Master> = OnceLock::new();

struct Master {
    cipher: Aes256Gcm,
    /// Which key this is, to refuse a second, different one.
    key: [u8; 32],
}

/// Installs the process's master key. The same key again is fine (several servers in one
/// process, as in tests); another key is refused: values sealed under the first would not open.
pub fn install(key: [u8; 32]) -> std::result::Result<(), &'static str> {
    let master = MASTER.get_or_init(|| Master { cipher: Aes256Gcm::new(&key.into()), key });
    if master.key == key {
        Ok(())
    } else {
        Err("another master key is already in use in this process")
    }
}

fn master() -> Result<&'static Master> {
    MASTER.get().ok_or_else(|| Error::Other("no master key installed (see vault::install)".into()))
}

/// The associated data of a row's secret: the table, column and row it belongs to.
pub fn identity(column: &str, row: i64) -> String {
    format!("{column}:{row}")
}

fn key_identity(tenant: TenantId) -> String {
    identity("tenant_data_keys", tenant.0)
}

fn encrypt(cipher: &Aes256Gcm, plain: &[u8], aad: &str) -> Vec<u8> {
    let mut nonce = [0u8; NONCE];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed =
        cipher.encrypt(&nonce.into(), Payload { msg: plain, aad: aad.as_bytes() }).expect("AES-GCM encryption");
    let mut out = nonce.to_vec();
    out.extend(sealed);
    out
}

fn decrypt(cipher: &Aes256Gcm, sealed: &[u8], aad: &str) -> Option<Vec<u8>> {
    if sealed.len() < NONCE {
        return None;
    }
    let (nonce, data) = sealed.split_at(NONCE);
    let nonce: [u8; NONCE] = nonce.try_into().ok()?;
    cipher.decrypt(&nonce.into(), Payload { msg: data, aad: aad.as_bytes() }).ok()
}

/// Whether a stored value is sealed (values from before encryption at rest are not).
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// Seals `plain` for the row `aad` of `tenant`, creating the tenant's data key on first use.
/// Call inside a write transaction.
pub fn seal(conn: &mut DbConnection, tenant: TenantId, aad: &str, plain: &str) -> Result<String> {
    let master = master()?;
    let wrapped = data_key(conn, tenant, master, Utc::now())?;
    let raw = STANDARD.decode(&wrapped).map_err(|e| Error::Other(format!("tenant data key: {e}")))?;
    let key = decrypt(&master.cipher, &raw, &key_identity(tenant))
        .ok_or_else(|| Error::Other("the tenant's data key does not open under the master key".into()))?;
    let cipher = Aes256Gcm::new_from_slice(&key).map_err(|e| Error::Other(e.to_string()))?;
    let sealed = encrypt(&cipher, plain.as_bytes(), aad);
    Ok(format!("{PREFIX}{wrapped}:{}", STANDARD.encode(sealed)))
}

/// Opens a stored value of the row `aad` of `tenant`; a value stored in clear comes back as it
/// is. `None` when it is sealed but does not open (another master key, another row, tampered).
pub fn open(tenant: TenantId, aad: &str, stored: &str) -> Option<String> {
    let Some(rest) = stored.strip_prefix(PREFIX) else { return Some(stored.to_owned()) };
    let (wrapped, sealed) = rest.split_once(':')?;
    let master = MASTER.get()?;
    let key = decrypt(&master.cipher, &STANDARD.decode(wrapped).ok()?, &key_identity(tenant))?;
    let cipher = Aes256Gcm::new_from_slice(&key).ok()?;
    String::from_utf8(decrypt(&cipher, &STANDARD.decode(sealed).ok()?, aad)?).ok()
}

/// Opens a value for a row as it is loaded. One that does not open stays sealed, so the secret
/// fails closed (a TOTP code never matches it, nor an HMAC) rather than looking absent.
pub(crate) fn open_or_keep(tenant: TenantId, aad: &str, stored: String) -> String {
    match open(tenant, aad, &stored) {
        Some(plain) => plain,
        None => {
            tracing::error!(secret = aad, "a sealed secret does not open under the master key");
            stored
        }
    }
}

/// The tenant's wrapped data key, created when it has none.
fn data_key(conn: &mut DbConnection, tenant: TenantId, master: &Master, now: DateTime<Utc>) -> Result<String> {
    let current = tenant_data_keys::table.find(tenant.0).select(tenant_data_keys::wrapped_key);
    if let Some(wrapped) = current.first::<String>(conn).optional()? {
        return Ok(wrapped);
    }
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let wrapped = STANDARD.encode(encrypt(&master.cipher, &key, &key_identity(tenant)));
    let fresh = (
        tenant_data_keys::tenant_id.eq(tenant.0),
        tenant_data_keys::wrapped_key.eq(&wrapped),
        tenant_data_keys::created_at.eq(now.naive_utc()),
    );
    // Two first seals of a tenant at once: one key wins, both use it.
    match conn {
        DbConnection::Pg(pg) => {
            diesel::insert_into(tenant_data_keys::table).values(fresh).on_conflict_do_nothing().execute(pg)?
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::insert_into(tenant_data_keys::table).values(fresh).on_conflict_do_nothing().execute(sqlite)?
        }
    };
    Ok(current.first::<String>(conn)?)
}

/// What versioned values start with.
pub(crate) const PREFIX_V2: &str = "vault:v2:";

fn vault_key_identity(tenant: TenantId, version: i32) -> String {
    format!("vault_keys:{}:{version}", tenant.0)
}

/// One version of a tenant's vault data key, unwrapped: seals and opens that tenant's values.
pub struct DataKey {
    version: i32,
    cipher: Aes256Gcm,
}

impl DataKey {
    pub fn version(&self) -> i32 {
        self.version
    }

    /// Seals `plain` for the row `aad`: `vault:v2:<version>:<nonce and ciphertext>`.
    pub fn seal(&self, aad: &str, plain: &str) -> String {
        format!("{PREFIX_V2}{}:{}", self.version, STANDARD.encode(encrypt(&self.cipher, plain.as_bytes(), aad)))
    }

    /// Opens a value of the row `aad` sealed under this version; `None` when it does not open
    /// (another version, another row or tenant, tampered).
    pub fn open(&self, aad: &str, stored: &str) -> Option<String> {
        let rest = stored.strip_prefix(PREFIX_V2)?;
        let (version, sealed) = rest.split_once(':')?;
        if version.parse::<i32>().ok()? != self.version {
            return None;
        }
        String::from_utf8(decrypt(&self.cipher, &STANDARD.decode(sealed).ok()?, aad)?).ok()
    }
}

/// The key version a versioned value names.
pub fn version_of(stored: &str) -> Option<i32> {
    stored.strip_prefix(PREFIX_V2)?.split_once(':')?.0.parse().ok()
}

fn unwrap_vault_key(master: &Aes256Gcm, tenant: TenantId, version: i32, wrapped: &str) -> Result<DataKey> {
    let raw = STANDARD.decode(wrapped).map_err(|e| Error::Other(format!("vault key: {e}")))?;
    let key = decrypt(master, &raw, &vault_key_identity(tenant, version))
        .ok_or_else(|| Error::Other("a vault data key does not open under the master key".into()))?;
    let cipher = Aes256Gcm::new_from_slice(&key).map_err(|e| Error::Other(e.to_string()))?;
    Ok(DataKey { version, cipher })
}

fn insert_vault_key(conn: &mut DbConnection, tenant: TenantId, version: i32, now: DateTime<Utc>) -> Result<()> {
    let master = master()?;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let wrapped = STANDARD.encode(encrypt(&master.cipher, &key, &vault_key_identity(tenant, version)));
    let fresh = (
        vault_keys::tenant_id.eq(tenant.0),
        vault_keys::version.eq(version),
        vault_keys::wrapped_key.eq(wrapped),
        vault_keys::created_at.eq(now.naive_utc()),
    );
    // Two first seals of a tenant at once: one key wins, both use it.
    match conn {
        DbConnection::Pg(pg) => {
            diesel::insert_into(vault_keys::table).values(fresh).on_conflict_do_nothing().execute(pg)?
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::insert_into(vault_keys::table).values(fresh).on_conflict_do_nothing().execute(sqlite)?
        }
    };
    Ok(())
}

/// The tenant's newest vault data key, which new values are sealed under; the first one is
/// created when the tenant has none. Call inside a write transaction.
pub fn current_vault_key(conn: &mut DbConnection, tenant: TenantId) -> Result<DataKey> {
    let newest = vault_keys::table
        .filter(vault_keys::tenant_id.eq(tenant.0))
        .order(vault_keys::version.desc())
        .select((vault_keys::version, vault_keys::wrapped_key));
    let found = match newest.first::<(i32, String)>(conn).optional()? {
        Some(found) => found,
        None => {
            insert_vault_key(conn, tenant, 1, Utc::now())?;
            newest.first(conn)?
        }
    };
    unwrap_vault_key(&master()?.cipher, tenant, found.0, &found.1)
}

/// Version `version` of the tenant's vault data key.
pub fn vault_key(conn: &mut DbConnection, tenant: TenantId, version: i32) -> Result<DataKey> {
    let wrapped: String = vault_keys::table
        .find((tenant.0, version))
        .select(vault_keys::wrapped_key)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Other(format!("no vault key version {version} for the tenant")))?;
    unwrap_vault_key(&master()?.cipher, tenant, version, &wrapped)
}

/// Adds a new version of the tenant's vault data key, which new values are sealed under from
/// now on; returns it. Call inside a write transaction.
pub fn add_vault_key(conn: &mut DbConnection, tenant: TenantId) -> Result<i32> {
    let newest: Option<i32> = vault_keys::table
        .filter(vault_keys::tenant_id.eq(tenant.0))
        .select(diesel::dsl::max(vault_keys::version))
        .first(conn)?;
    let version = newest.unwrap_or(0) + 1;
    insert_vault_key(conn, tenant, version, Utc::now())?;
    Ok(version)
}

/// Deletes the tenant's vault key versions below `version` (no value is sealed under them any
/// more).
pub fn drop_vault_keys_below(conn: &mut DbConnection, tenant: TenantId, version: i32) -> Result<usize> {
    Ok(diesel::delete(
        vault_keys::table.filter(vault_keys::tenant_id.eq(tenant.0)).filter(vault_keys::version.lt(version)),
    )
    .execute(conn)?)
}

/// What a master-key rotation rewrapped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewrapped {
    /// Tenant data keys (`tenant_data_keys`) and vault data keys (`vault_keys`).
    pub data_keys: usize,
    /// Values of the first format, which carry their wrapped key (TOTP secrets, RMM keys): the
    /// wrapped key in them is replaced, their ciphertext is kept.
    pub carried_keys: usize,
}

fn rewrap(old: &Aes256Gcm, new: &Aes256Gcm, wrapped: &str, aad: &str) -> Result<String> {
    let raw = STANDARD.decode(wrapped).map_err(|e| Error::Other(format!("data key: {e}")))?;
    let key = decrypt(old, &raw, aad)
        .ok_or_else(|| Error::Other(format!("the data key {aad} does not open under the old master key")))?;
    Ok(STANDARD.encode(encrypt(new, &key, aad)))
}

/// Rewraps every data key under `new` instead of `old`, without touching the values sealed
/// under them (the vault's entries keep their ciphertext and key version). Refuses, changing
/// nothing, when a key does not open under `old`. Call inside a write transaction, with every
/// server stopped or about to restart with `new`: it does not use the process's master key.
pub fn rotate_master_key(conn: &mut DbConnection, old: [u8; 32], new: [u8; 32]) -> Result<Rewrapped> {
    let (old, new) = (Aes256Gcm::new(&old.into()), Aes256Gcm::new(&new.into()));
    let mut done = Rewrapped::default();
    let mut replaced = std::collections::HashMap::new();
    let tenant_keys: Vec<(i64, String)> =
        tenant_data_keys::table.select((tenant_data_keys::tenant_id, tenant_data_keys::wrapped_key)).load(conn)?;
    for (tenant, wrapped) in tenant_keys {
        let fresh = rewrap(&old, &new, &wrapped, &key_identity(TenantId(tenant)))?;
        diesel::update(tenant_data_keys::table.find(tenant))
            .set(tenant_data_keys::wrapped_key.eq(&fresh))
            .execute(conn)?;
        replaced.insert(wrapped, fresh);
        done.data_keys += 1;
    }
    let vault: Vec<(i64, i32, String)> =
        vault_keys::table.select((vault_keys::tenant_id, vault_keys::version, vault_keys::wrapped_key)).load(conn)?;
    for (tenant, version, wrapped) in vault {
        let fresh = rewrap(&old, &new, &wrapped, &vault_key_identity(TenantId(tenant), version))?;
        diesel::update(vault_keys::table.find((tenant, version)))
            .set(vault_keys::wrapped_key.eq(fresh))
            .execute(conn)?;
        done.data_keys += 1;
    }
    // Values of the first format carry the wrapped key they were sealed under.
    let carried = |stored: Option<String>| -> Option<String> {
        let rest = stored?.strip_prefix(PREFIX)?.to_owned();
        let (wrapped, sealed) = rest.split_once(':')?;
        Some(format!("{PREFIX}{}:{sealed}", replaced.get(wrapped)?))
    };
    let rows: Vec<(i64, Option<String>, Option<String>)> = users::table
        .filter(users::totp_secret.like(format!("{PREFIX}%")).or(users::totp_pending_secret.like(format!("{PREFIX}%"))))
        .select((users::id, users::totp_secret, users::totp_pending_secret))
        .load(conn)?;
    for (id, secret, pending) in rows {
        let (secret, pending) = (carried(secret.clone()).or(secret), carried(pending.clone()).or(pending));
        diesel::update(users::table.find(id))
            .set((users::totp_secret.eq(secret), users::totp_pending_secret.eq(pending)))
            .execute(conn)?;
        done.carried_keys += 1;
    }
    let rows: Vec<(i64, String, Option<String>)> = rmm_integrations::table
        .select((rmm_integrations::tenant_id, rmm_integrations::secret, rmm_integrations::previous_secret))
        .load(conn)?;
    for (tenant, secret, previous) in rows {
        let secret = carried(Some(secret.clone())).unwrap_or(secret);
        let previous = carried(previous.clone()).or(previous);
        diesel::update(rmm_integrations::table.find(tenant))
            .set((rmm_integrations::secret.eq(secret), rmm_integrations::previous_secret.eq(previous)))
            .execute(conn)?;
        done.carried_keys += 1;
    }
    let rows: Vec<(i64, String, Option<String>)> = webhook_subscriptions::table
        .select((webhook_subscriptions::id, webhook_subscriptions::secret, webhook_subscriptions::previous_secret))
        .load(conn)?;
    for (id, secret, previous) in rows {
        let secret = carried(Some(secret.clone())).unwrap_or(secret);
        let previous = carried(previous.clone()).or(previous);
        diesel::update(webhook_subscriptions::table.find(id))
            .set((webhook_subscriptions::secret.eq(secret), webhook_subscriptions::previous_secret.eq(previous)))
            .execute(conn)?;
        done.carried_keys += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_only_under_its_tenant_and_row() {
        install([7; 32]).unwrap();
        assert!(install([8; 32]).is_err());
        let master = master().unwrap();
        let wrapped = STANDARD.encode(encrypt(&master.cipher, &[3; 32], &key_identity(TenantId(1))));
        let cipher = Aes256Gcm::new(&[3; 32].into());
        let value = format!(
            "{PREFIX}{wrapped}:{}",
            STANDARD.encode(encrypt(&cipher, b"JBSWY3DPEHPK3PXP", "users.totp_secret:5"))
        );
        assert!(is_sealed(&value) && !value.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(open(TenantId(1), "users.totp_secret:5", &value).as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert_eq!(open(TenantId(1), "users.totp_secret:6", &value), None);
        assert_eq!(open(TenantId(2), "users.totp_secret:5", &value), None);
        assert_eq!(open(TenantId(1), "users.totp_secret:5", "plain").as_deref(), Some("plain"));
        assert_eq!(open_or_keep(TenantId(2), "users.totp_secret:5", value.clone()), value);
    }

    #[test]
    fn a_versioned_value_names_its_key_and_opens_only_for_its_row() {
        let key = DataKey { version: 3, cipher: Aes256Gcm::new(&[5; 32].into()) };
        let sealed = key.seal("vault_entries.secret:1:9", "hunter2");
        assert!(sealed.starts_with("vault:v2:3:") && !sealed.contains("hunter2"));
        assert_eq!(version_of(&sealed), Some(3));
        assert_eq!(key.open("vault_entries.secret:1:9", &sealed).as_deref(), Some("hunter2"));
        assert_eq!(key.open("vault_entries.secret:1:10", &sealed), None, "another row");
        assert_eq!(key.open("vault_entries.secret:2:9", &sealed), None, "another tenant");
        let other = DataKey { version: 4, cipher: Aes256Gcm::new(&[5; 32].into()) };
        assert_eq!(other.open("vault_entries.secret:1:9", &sealed), None, "another version");
        let rewrapped = rewrap(
            &Aes256Gcm::new(&[1; 32].into()),
            &Aes256Gcm::new(&[2; 32].into()),
            &STANDARD.encode(encrypt(&Aes256Gcm::new(&[1; 32].into()), &[5; 32], "k")),
            "k",
        )
        .unwrap();
        assert_eq!(
            decrypt(&Aes256Gcm::new(&[2; 32].into()), &STANDARD.decode(rewrapped).unwrap(), "k").unwrap(),
            [5; 32]
        );
    }
}

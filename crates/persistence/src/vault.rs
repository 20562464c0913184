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

use std::sync::OnceLock;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::Aes256Gcm;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use clientdesk_domain::ids::TenantId;
use diesel::prelude::*;
use rand::RngCore;

use crate::schema::tenant_data_keys;
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
}

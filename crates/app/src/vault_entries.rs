//! The documentation vault's use cases: revealing an entry's secrets (policy, per-user throttle,
//! the reveal and its audit event in one transaction), and the key rotations the `clientdesk`
//! command runs. See docs/decisions/0046-documentation-vault.md.

use chrono::{DateTime, Utc};
use clientdesk_domain::entities::User;
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::principal::Principal;
use clientdesk_domain::roles::RoleSet;
use clientdesk_domain::throttle::{Attempt, ThrottlePolicy};
use clientdesk_domain::vault_entries::{self as policy, Standing, VaultRefusal};
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::vault::{self, Rewrapped};
use clientdesk_persistence::vault_entries::{self as store, Entry};
use clientdesk_persistence::{throttle, users, write_tx, Db, DbConnection};

use crate::crypto::totp;
use crate::selfservice::factors_of;
use crate::{Error, Result};

impl From<VaultRefusal> for Error {
    fn from(refusal: VaultRefusal) -> Self {
        match refusal {
            VaultRefusal::NotFound => Self::NotFound,
            VaultRefusal::Denied(denied) => Self::Denied(denied),
        }
    }
}

/// Who calls the vault: staff, or a member of some companies with its roles there.
pub struct Caller<'a> {
    pub principal: &'a Principal,
    pub memberships: Vec<(CompanyId, &'a RoleSet)>,
}

impl Caller<'_> {
    /// How the caller stands towards `company`.
    pub fn standing(&self, company: CompanyId) -> Standing<'_> {
        if self.principal.is_staff() {
            return Standing::Staff;
        }
        match self.memberships.iter().find(|(c, _)| *c == company) {
            Some((_, roles)) => Standing::Member(roles),
            None => Standing::Stranger,
        }
    }
}

/// An entry the caller may read (404 for another company's, 403 without the vault permission).
pub fn readable(conn: &mut DbConnection, caller: &Caller<'_>, tenant: TenantId, id: i64) -> Result<Entry> {
    let entry = store::get(conn, tenant, id)?;
    policy::may_read(caller.standing(entry.company_id))?;
    Ok(entry)
}

/// An entry the caller may change.
pub fn writable(conn: &mut DbConnection, caller: &Caller<'_>, tenant: TenantId, id: i64) -> Result<Entry> {
    let entry = store::get(conn, tenant, id)?;
    policy::may_write(caller.principal, caller.standing(entry.company_id))?;
    Ok(entry)
}

/// An entry's secrets, revealed.
pub struct Revealed {
    pub entry: Entry,
    pub secret: Option<String>,
    /// The TOTP code the entry's seed shows now, and for how many more seconds (never the seed).
    pub totp: Option<(String, u64)>,
}

/// The throttle key of a user's reveals.
fn reveal_key(user: &User) -> String {
    format!("vault-reveal:{}", user.id.0)
}

/// Reveals entry `id` to `user` at `now`, whose sign-in `session` must have proven a second
/// factor within 5 minutes; counts the reveal against the user's limit, records it on the entry
/// and in the audit log (`audit` carries the client's address). Call inside a write transaction.
pub fn reveal(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    user: &User,
    session: &str,
    id: i64,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Revealed> {
    let entry = store::get(conn, user.tenant_id, id)?;
    let standing = caller.standing(entry.company_id);
    policy::may_read(standing)?;
    let proof = users::step_up_of(conn, user.id, session)?;
    let factors = factors_of(conn, user)?;
    policy::may_reveal(caller.principal, standing, &factors, proof, now)?;
    // Counted in the transaction of the reveal: parallel reveals each see the ones before.
    let limit = ThrottlePolicy::VAULT_REVEALS;
    if let Attempt::Refused { until } = throttle::count_attempt(conn, &reveal_key(user), &limit, now)? {
        return Err(Error::TooMany { retry_after_secs: (until - now).num_seconds().max(1), policy: limit });
    }
    let secrets = store::open_secrets(conn, user.tenant_id, id)?;
    let totp = secrets.totp_seed.as_deref().and_then(|seed| totp::current_code(seed, now.timestamp() as u64));
    store::record_reveal(conn, &entry, user.id, audit.ip.as_deref(), now)?;
    audit.target = Some(format!("vault_entry:{id}"));
    audit.detail = Some(format!("company:{}", entry.company_id.0));
    audit::record(conn, &audit, now)?;
    Ok(Revealed { entry, secret: secrets.secret, totp })
}

/// What a data-key rotation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataKeyRotation {
    /// The tenant's new data key version.
    pub version: i32,
    pub reencrypted: usize,
    /// Older key versions deleted once no entry used them.
    pub dropped_keys: usize,
}

/// Rotates the tenant's vault data key: adds a new version (new secrets are sealed under it at
/// once), then re-encrypts the entries under older versions `batch` at a time, each batch in a
/// short write transaction of its own so that the vault keeps serving, and drops the old keys.
pub fn rotate_data_key(db: &Db, tenant: TenantId, batch: i64) -> Result<DataKeyRotation> {
    let mut conn = db.conn()?;
    let version = write_tx(&mut conn, |c| vault::add_vault_key(c, tenant))?;
    let mut reencrypted = 0;
    loop {
        let moved = write_tx(&mut conn, |c| store::reencrypt_batch(c, tenant, version, batch))?;
        reencrypted += moved;
        if moved == 0 {
            break;
        }
    }
    let dropped_keys = write_tx(&mut conn, |c| -> Result<usize> {
        // An entry edited during the last batch is left under an old key: keep the keys then.
        if store::count_below(c, tenant, version)? > 0 {
            return Ok(0);
        }
        Ok(vault::drop_vault_keys_below(c, tenant, version)?)
    })?;
    Ok(DataKeyRotation { version, reencrypted, dropped_keys })
}

/// Rewraps every data key of the deployment under `new` (see `vault::rotate_master_key`), in one
/// transaction; the servers must then run with `new`.
pub fn rotate_master_key(db: &Db, old: [u8; 32], new: [u8; 32]) -> Result<Rewrapped> {
    let mut conn = db.conn()?;
    Ok(write_tx(&mut conn, |c| vault::rotate_master_key(c, old, new))?)
}

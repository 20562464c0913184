//! The documentation vault's credential entries, their reveals, and the re-encryption of a
//! tenant's entries under a new data key. Secrets are sealed with `vault` (versioned data keys,
//! the entry's tenant and id as associated data) and never leave this module in an [`Entry`]:
//! only [`open_secrets`] opens them. See docs/decisions/0046-documentation-vault.md.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::vault_entries::EntryFields;
use diesel::prelude::*;

use crate::schema::{users, vault_entries, vault_reveals};
use crate::vault::{self, DataKey};
use crate::{utc, DbConnection, Error, Page, Result};

/// An entry without its secrets: whether it has them, never what they are or how long.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub fields: EntryFields,
    pub has_secret: bool,
    pub has_totp: bool,
    pub key_version: i32,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An entry's secrets in clear, for the one answer that reveals them.
pub struct Secrets {
    pub secret: Option<String>,
    pub totp_seed: Option<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

/// What becomes of a secret on an edit.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    Keep,
    Set(&'a str),
    Clear,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = vault_entries)]
struct EntryRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    title: String,
    username: Option<String>,
    url: Option<String>,
    notes: Option<String>,
    tags: String,
    folder: Option<String>,
    secret: Option<String>,
    totp_seed: Option<String>,
    key_version: i32,
    created_by: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<EntryRow> for Entry {
    fn from(r: EntryRow) -> Self {
        Self {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            company_id: CompanyId(r.company_id),
            fields: EntryFields {
                title: r.title,
                username: r.username,
                url: r.url,
                notes: r.notes,
                tags: r.tags.split_whitespace().map(str::to_owned).collect(),
                folder: r.folder,
            },
            has_secret: r.secret.is_some(),
            has_totp: r.totp_seed.is_some(),
            key_version: r.key_version,
            created_by: UserId(r.created_by),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        }
    }
}

/// The associated data of an entry's secret: column, tenant and entry, so that a value copied
/// to another entry, column or tenant does not open.
pub fn secret_identity(column: &str, tenant: TenantId, entry: i64) -> String {
    format!("vault_entries.{column}:{}:{entry}", tenant.0)
}

fn seal(key: &DataKey, column: &str, tenant: TenantId, entry: i64, plain: Option<&str>) -> Option<String> {
    plain.map(|p| key.seal(&secret_identity(column, tenant, entry), p))
}

/// A new entry of `company`; `secret` and `totp_seed` are sealed. Call inside a write transaction.
#[allow(clippy::too_many_arguments)]
pub fn create(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    fields: &EntryFields,
    secret: Option<&str>,
    totp_seed: Option<&str>,
    created_by: UserId,
    now: DateTime<Utc>,
) -> Result<Entry> {
    let key = vault::current_vault_key(conn, tenant)?;
    // The id is the associated data: insert first, seal, then store the sealed values.
    let id: i64 = diesel::insert_into(vault_entries::table)
        .values((
            vault_entries::tenant_id.eq(tenant.0),
            vault_entries::company_id.eq(company.0),
            vault_entries::title.eq(&fields.title),
            vault_entries::tags.eq(""),
            vault_entries::key_version.eq(key.version()),
            vault_entries::created_by.eq(created_by.0),
            vault_entries::created_at.eq(now.naive_utc()),
            vault_entries::updated_at.eq(now.naive_utc()),
        ))
        .returning(vault_entries::id)
        .get_result(conn)?;
    diesel::update(vault_entries::table.find(id))
        .set((
            field_values(fields),
            vault_entries::secret.eq(seal(&key, "secret", tenant, id, secret)),
            vault_entries::totp_seed.eq(seal(&key, "totp_seed", tenant, id, totp_seed)),
        ))
        .execute(conn)?;
    get(conn, tenant, id)
}

#[allow(clippy::type_complexity)]
fn field_values(
    f: &EntryFields,
) -> (
    diesel::dsl::Eq<vault_entries::title, &String>,
    diesel::dsl::Eq<vault_entries::username, &Option<String>>,
    diesel::dsl::Eq<vault_entries::url, &Option<String>>,
    diesel::dsl::Eq<vault_entries::notes, &Option<String>>,
    diesel::dsl::Eq<vault_entries::tags, String>,
    diesel::dsl::Eq<vault_entries::folder, &Option<String>>,
) {
    (
        vault_entries::title.eq(&f.title),
        vault_entries::username.eq(&f.username),
        vault_entries::url.eq(&f.url),
        vault_entries::notes.eq(&f.notes),
        vault_entries::tags.eq(f.tags.join(" ")),
        vault_entries::folder.eq(&f.folder),
    )
}

fn row(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<EntryRow> {
    vault_entries::table
        .filter(vault_entries::tenant_id.eq(tenant.0))
        .filter(vault_entries::id.eq(id))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)
}

/// The entry `id` of the tenant (of any of its companies: the caller checks which).
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Entry> {
    Ok(row(conn, tenant, id)?.into())
}

/// What a list of entries is narrowed to.
#[derive(Debug, Default)]
pub struct EntryFilter<'a> {
    pub folder: Option<&'a str>,
    pub tag: Option<&'a str>,
    /// Words of the title, user name or URL (never of a secret: they are not searchable).
    pub text: Option<&'a str>,
    /// Only entries changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
}

/// A page of the company's entries, by id.
pub fn list(
    conn: &mut DbConnection,
    company: CompanyId,
    filter: &EntryFilter<'_>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<Entry>> {
    use crate::text::{contains_pattern, escape_like, lower, lower_or_null};
    let mut q = vault_entries::table.filter(vault_entries::company_id.eq(company.0)).into_boxed();
    if let Some(since) = filter.updated_since {
        q = q.filter(vault_entries::updated_at.ge(since.naive_utc()));
    }
    if let Some(folder) = filter.folder {
        q = q.filter(vault_entries::folder.eq(folder.to_owned()));
    }
    if let Some(tag) = filter.tag {
        let tag = escape_like(tag);
        let padded = diesel::dsl::sql::<diesel::sql_types::Text>("' ' || tags || ' '");
        q = q.filter(padded.like(format!("% {tag} %")).escape('\\'));
    }
    if let Some(text) = filter.text {
        let pattern = contains_pattern(text);
        q = q.filter(
            lower(vault_entries::title)
                .like(pattern.clone())
                .escape('\\')
                .or(lower_or_null(vault_entries::username).like(pattern.clone()).escape('\\'))
                .or(lower_or_null(vault_entries::url).like(pattern).escape('\\')),
        );
    }
    if let Some(after) = after {
        q = q.filter(vault_entries::id.gt(after));
    }
    let rows: Vec<EntryRow> =
        q.order(vault_entries::id.asc()).limit(limit + 1).select(EntryRow::as_select()).load(conn)?;
    Ok(Page::from_rows(rows.into_iter().map(Entry::from).collect(), limit, |e| e.id))
}

/// Opens the entry's secrets. A value that does not open (moved from another row or tenant,
/// tampered, another master key) is an error that names the entry, never the value.
pub fn open_secrets(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Secrets> {
    let r = row(conn, tenant, id)?;
    let key = vault::vault_key(conn, tenant, r.key_version)?;
    let open = |column: &str, stored: Option<String>| -> Result<Option<String>> {
        stored
            .map(|s| {
                key.open(&secret_identity(column, tenant, id), &s).ok_or_else(|| {
                    Error::Other(format!("the {column} of vault entry {id} does not open under its data key"))
                })
            })
            .transpose()
    };
    Ok(Secrets { secret: open("secret", r.secret)?, totp_seed: open("totp_seed", r.totp_seed)? })
}

/// Changes the entry's fields and secrets; every secret kept is sealed again under the newest
/// data key with the ones set. Call inside a write transaction.
pub fn update(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: i64,
    fields: &EntryFields,
    secret: Change<'_>,
    totp_seed: Change<'_>,
    now: DateTime<Utc>,
) -> Result<Entry> {
    let current = open_secrets(conn, tenant, id)?;
    let pick = |change: Change<'_>, kept: Option<String>| match change {
        Change::Keep => kept,
        Change::Set(value) => Some(value.to_owned()),
        Change::Clear => None,
    };
    let secret = pick(secret, current.secret);
    let totp_seed = pick(totp_seed, current.totp_seed);
    let key = vault::current_vault_key(conn, tenant)?;
    diesel::update(vault_entries::table.find(id))
        .set((
            field_values(fields),
            vault_entries::secret.eq(seal(&key, "secret", tenant, id, secret.as_deref())),
            vault_entries::totp_seed.eq(seal(&key, "totp_seed", tenant, id, totp_seed.as_deref())),
            vault_entries::key_version.eq(key.version()),
            vault_entries::revision.eq(vault_entries::revision + 1),
            vault_entries::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    get(conn, tenant, id)
}

pub fn delete(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<()> {
    let deleted = diesel::delete(
        vault_entries::table.filter(vault_entries::tenant_id.eq(tenant.0)).filter(vault_entries::id.eq(id)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// One reveal of an entry's secrets.
#[derive(Debug, Clone)]
pub struct Reveal {
    pub id: i64,
    pub entry_id: i64,
    pub entry_title: String,
    pub user_id: UserId,
    pub user_name: String,
    pub ip: Option<String>,
    pub revealed_at: DateTime<Utc>,
}

/// Records that `user` revealed `entry` from `ip`. Call in the transaction that reveals.
pub fn record_reveal(
    conn: &mut DbConnection,
    entry: &Entry,
    user: UserId,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(vault_reveals::table)
        .values((
            vault_reveals::tenant_id.eq(entry.tenant_id.0),
            vault_reveals::company_id.eq(entry.company_id.0),
            vault_reveals::entry_id.eq(entry.id),
            vault_reveals::entry_title.eq(&entry.fields.title),
            vault_reveals::user_id.eq(user.0),
            vault_reveals::ip.eq(ip),
            vault_reveals::revealed_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

type RevealRow = (i64, i64, String, i64, String, Option<String>, NaiveDateTime);

fn reveal((id, entry_id, entry_title, user, user_name, ip, at): RevealRow) -> Reveal {
    Reveal { id, entry_id, entry_title, user_id: UserId(user), user_name, ip, revealed_at: utc(at) }
}

macro_rules! reveals {
    () => {
        vault_reveals::table.inner_join(users::table).select((
            vault_reveals::id,
            vault_reveals::entry_id,
            vault_reveals::entry_title,
            vault_reveals::user_id,
            users::name,
            vault_reveals::ip,
            vault_reveals::revealed_at,
        ))
    };
}

/// The entry's last `limit` reveals, newest first.
pub fn last_reveals(conn: &mut DbConnection, entry: i64, limit: i64) -> Result<Vec<Reveal>> {
    let rows: Vec<RevealRow> =
        reveals!().filter(vault_reveals::entry_id.eq(entry)).order(vault_reveals::id.desc()).limit(limit).load(conn)?;
    Ok(rows.into_iter().map(reveal).collect())
}

/// A page of the company's reveals, newest first, before `before` (a reveal id).
pub fn company_reveals(
    conn: &mut DbConnection,
    company: CompanyId,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Reveal>> {
    let mut q = reveals!().filter(vault_reveals::company_id.eq(company.0)).into_boxed();
    if let Some(before) = before {
        q = q.filter(vault_reveals::id.lt(before));
    }
    let rows: Vec<RevealRow> = q.order(vault_reveals::id.desc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows.into_iter().map(reveal).collect(), limit, |r| r.id))
}

/// Re-encrypts up to `batch` of the tenant's entries sealed under a version below `to`, each
/// under version `to`; returns how many it moved. Call in a write transaction of its own, again
/// until it returns 0: servers keep serving between batches, and an entry changed meanwhile
/// (its revision moved) is left to the next batch.
pub fn reencrypt_batch(conn: &mut DbConnection, tenant: TenantId, to: i32, batch: i64) -> Result<usize> {
    let rows: Vec<(i64, i32, i32)> = vault_entries::table
        .filter(vault_entries::tenant_id.eq(tenant.0))
        .filter(vault_entries::key_version.lt(to))
        .order(vault_entries::id.asc())
        .limit(batch)
        .select((vault_entries::id, vault_entries::key_version, vault_entries::revision))
        .load(conn)?;
    let key = vault::vault_key(conn, tenant, to)?;
    let mut moved = 0;
    for (id, version, revision) in rows {
        let secrets = open_secrets(conn, tenant, id)?;
        moved += diesel::update(
            vault_entries::table
                .find(id)
                .filter(vault_entries::key_version.eq(version))
                .filter(vault_entries::revision.eq(revision)),
        )
        .set((
            vault_entries::secret.eq(seal(&key, "secret", tenant, id, secrets.secret.as_deref())),
            vault_entries::totp_seed.eq(seal(&key, "totp_seed", tenant, id, secrets.totp_seed.as_deref())),
            vault_entries::key_version.eq(to),
        ))
        .execute(conn)?;
    }
    Ok(moved)
}

/// How many of the tenant's entries are sealed under a version below `to`.
pub fn count_below(conn: &mut DbConnection, tenant: TenantId, to: i32) -> Result<i64> {
    Ok(vault_entries::table
        .filter(vault_entries::tenant_id.eq(tenant.0))
        .filter(vault_entries::key_version.lt(to))
        .count()
        .get_result(conn)?)
}

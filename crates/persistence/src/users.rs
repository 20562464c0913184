//! Users (staff and portal), their memberships and recovery codes.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::accounts::UserState;
use clientdesk_domain::entities::{Membership, User};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::roles::RoleSet;
use clientdesk_domain::step_up::Factor;
use clientdesk_domain::user::{Language, StaffRole};
use diesel::prelude::*;

use crate::db::per_backend;
use crate::schema::{memberships, recovery_codes, step_ups, users};
use crate::{utc, vault, DbConnection, Page, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: i64,
    tenant_id: i64,
    email: String,
    name: String,
    phone: Option<String>,
    language: String,
    staff_role: Option<String>,
    password_hash: Option<String>,
    disabled: bool,
    auth_version: i64,
    totp_secret: Option<String>,
    totp_pending_secret: Option<String>,
    totp_last_step: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    phone_verified_at: Option<NaiveDateTime>,
    step_up_at: Option<NaiveDateTime>,
    activated_at: Option<NaiveDateTime>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        // TOTP secrets are sealed at rest and open here, the one place users are read.
        let tenant = TenantId(row.tenant_id);
        let open = |column: &str, value: Option<String>| {
            value.map(|v| vault::open_or_keep(tenant, &vault::identity(column, row.id), v))
        };
        let totp_secret = open("users.totp_secret", row.totp_secret);
        let totp_pending_secret = open("users.totp_pending_secret", row.totp_pending_secret);
        User {
            id: UserId(row.id),
            tenant_id: TenantId(row.tenant_id),
            email: row.email,
            name: row.name,
            phone: row.phone,
            language: Language::parse(&row.language).unwrap_or_default(),
            staff_role: row.staff_role.as_deref().and_then(|r| StaffRole::parse(r).ok()),
            password_hash: row.password_hash,
            disabled: row.disabled,
            auth_version: row.auth_version,
            totp_secret,
            totp_pending_secret,
            totp_last_step: row.totp_last_step,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            phone_verified_at: row.phone_verified_at.map(utc),
            step_up_at: row.step_up_at.map(utc),
            activated_at: row.activated_at.map(utc),
        }
    }
}

pub struct NewUser<'a> {
    pub tenant_id: TenantId,
    pub email: &'a str,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub language: Language,
    pub staff_role: Option<StaffRole>,
    pub password_hash: Option<&'a str>,
    /// Whether the user starts active (staff, agent registrations) or invited.
    pub activated: bool,
}

pub fn create(conn: &mut DbConnection, new: &NewUser<'_>, now: DateTime<Utc>) -> Result<User> {
    // MultiBackend cannot return a whole row, so take the id and read the row back.
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::tenant_id.eq(new.tenant_id.0),
            users::email.eq(new.email),
            users::name.eq(new.name),
            users::phone.eq(new.phone),
            users::language.eq(new.language.as_str()),
            users::staff_role.eq(new.staff_role.map(StaffRole::as_str)),
            users::password_hash.eq(new.password_hash),
            users::activated_at.eq(new.activated.then(|| now.naive_utc())),
            users::created_at.eq(now.naive_utc()),
            users::updated_at.eq(now.naive_utc()),
        ))
        .returning(users::id)
        .get_result(conn)?;
    get(conn, new.tenant_id, UserId(id))
}

pub fn get(conn: &mut DbConnection, tenant: TenantId, id: UserId) -> Result<User> {
    Ok(users::table
        .filter(users::id.eq(id.0))
        .filter(users::tenant_id.eq(tenant.0))
        .select(UserRow::as_select())
        .first::<UserRow>(conn)?
        .into())
}

pub fn find_by_email(conn: &mut DbConnection, tenant: TenantId, email: &str) -> Result<User> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant.0))
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first::<UserRow>(conn)?
        .into())
}

/// The names of the given users of `tenant`, and whether each is staff: what a ticket shows of
/// the people on it.
pub fn names(
    conn: &mut DbConnection,
    tenant: TenantId,
    ids: &[UserId],
) -> Result<std::collections::HashMap<UserId, (String, bool)>> {
    let rows: Vec<(i64, String, Option<String>)> = match ids {
        // One ticket names at most three people: a query of fixed shape (padded with the first
        // id) is prepared once per connection, where an IN list of any length is prepared anew.
        [first, ..] if ids.len() <= 3 => {
            let id = |i: usize| ids.get(i).unwrap_or(first).0;
            per_backend!(conn, |c| users::table
                .filter(users::tenant_id.eq(tenant.0))
                .filter(users::id.eq(id(0)).or(users::id.eq(id(1))).or(users::id.eq(id(2))))
                .select((users::id, users::name, users::staff_role))
                .load(c))?
        }
        _ => users::table
            .filter(users::tenant_id.eq(tenant.0))
            .filter(users::id.eq_any(ids.iter().map(|u| u.0)))
            .select((users::id, users::name, users::staff_role))
            .load(conn)?,
    };
    Ok(rows.into_iter().map(|(id, name, staff)| (UserId(id), (name, staff.is_some()))).collect())
}

/// Whether `user` is a member of `company`.
pub fn is_member(conn: &mut DbConnection, user: UserId, company: CompanyId) -> Result<bool> {
    let found: Option<i64> = memberships::table
        .filter(memberships::user_id.eq(user.0))
        .filter(memberships::company_id.eq(company.0))
        .select(memberships::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Portal users (no staff) of `tenant`, optionally only the members of `company` and only
/// those in `state`.
pub fn list_portal(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: Option<CompanyId>,
    state: Option<UserState>,
    updated_since: Option<DateTime<Utc>>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<User>> {
    let mut q = users::table.filter(users::tenant_id.eq(tenant.0)).filter(users::staff_role.is_null()).into_boxed();
    if let Some(company) = company {
        let members = memberships::table.filter(memberships::company_id.eq(company.0)).select(memberships::user_id);
        q = q.filter(users::id.eq_any(members));
    }
    q = match state {
        None => q,
        Some(UserState::Disabled) => q.filter(users::disabled.eq(true)),
        Some(UserState::Active) => q.filter(users::disabled.eq(false)).filter(users::activated_at.is_not_null()),
        Some(UserState::Invited) => q.filter(users::disabled.eq(false)).filter(users::activated_at.is_null()),
    };
    if let Some(since) = updated_since {
        q = q.filter(users::updated_at.ge(since.naive_utc()));
    }
    if let Some(after) = after {
        q = q.filter(users::id.gt(after));
    }
    let rows: Vec<UserRow> = q.order(users::id).limit(limit + 1).select(UserRow::as_select()).load(conn)?;
    Ok(Page::from_rows(rows.into_iter().map(User::from).collect(), limit, |u| u.id.0))
}

pub fn update_profile(
    conn: &mut DbConnection,
    user: UserId,
    name: &str,
    phone: Option<&str>,
    language: Language,
    now: DateTime<Utc>,
) -> Result<()> {
    // A new phone number is unverified until its SMS code is confirmed.
    let current: Option<String> = users::table.find(user.0).select(users::phone).first(conn)?;
    if current.as_deref() != phone {
        diesel::update(users::table.find(user.0))
            .set(users::phone_verified_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
    }
    diesel::update(users::table.find(user.0))
        .set((
            users::name.eq(name),
            users::phone.eq(phone),
            users::language.eq(language.as_str()),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that the sign-in `session` of `user` just proved a second factor (`factor`): it counts
/// for that session only.
pub fn record_step_up(
    conn: &mut DbConnection,
    user: UserId,
    session: &str,
    factor: Factor,
    now: DateTime<Utc>,
) -> Result<()> {
    // One row per session; the user's rows of a day ago or more are of no use any more.
    let stale = now - chrono::Duration::days(1);
    diesel::delete(
        step_ups::table
            .filter(step_ups::session_id.eq(session))
            .or_filter(step_ups::user_id.eq(user.0).and(step_ups::proven_at.lt(stale.naive_utc()))),
    )
    .execute(conn)?;
    diesel::insert_into(step_ups::table)
        .values((
            step_ups::session_id.eq(session),
            step_ups::user_id.eq(user.0),
            step_ups::factor.eq(factor.as_str()),
            step_ups::proven_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The last second factor the sign-in `session` of `user` proved, and when.
pub fn step_up_of(conn: &mut DbConnection, user: UserId, session: &str) -> Result<Option<(Factor, DateTime<Utc>)>> {
    let row: Option<(String, NaiveDateTime)> = step_ups::table
        .find(session)
        .filter(step_ups::user_id.eq(user.0))
        .select((step_ups::factor, step_ups::proven_at))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(factor, at)| Factor::parse(&factor).map(|f| (f, utc(at)))))
}

/// When the user's verified phone last changed (set, replaced or removed).
pub fn phone_changed_at(conn: &mut DbConnection, user: UserId) -> Result<Option<DateTime<Utc>>> {
    let at: Option<NaiveDateTime> = users::table.find(user.0).select(users::phone_changed_at).first(conn)?;
    Ok(at.map(utc))
}

/// Makes `phone` the user's verified phone (its SMS code was just confirmed), or removes it, and
/// notes the change. Every step-up of the user ends: one proven before the change must not carry
/// over to what the change allows.
pub fn change_verified_phone(
    conn: &mut DbConnection,
    user: UserId,
    phone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(users::table.find(user.0))
        .set((
            users::phone.eq(phone),
            users::phone_verified_at.eq(phone.map(|_| now.naive_utc())),
            users::phone_changed_at.eq(now.naive_utc()),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    diesel::delete(step_ups::table.filter(step_ups::user_id.eq(user.0))).execute(conn)?;
    Ok(())
}

/// Raises the auth version, so every access token issued before now is refused.
pub fn bump_auth_version(conn: &mut DbConnection, user: UserId, now: DateTime<Utc>) -> Result<()> {
    diesel::update(users::table.find(user.0))
        .set((users::auth_version.eq(users::auth_version + 1), users::updated_at.eq(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

/// Stores a new password hash. `invalidate` also ends the user's sessions (a password change);
/// a silent rehash at sign-in keeps them.
pub fn set_password_hash(
    conn: &mut DbConnection,
    user: UserId,
    hash: &str,
    invalidate: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(users::table.find(user.0)).set(users::password_hash.eq(hash)).execute(conn)?;
    if invalidate {
        bump_auth_version(conn, user, now)?;
    }
    Ok(())
}

/// Marks the user active from its first credential on; later calls change nothing. Whether this
/// call activated it.
pub fn activate(conn: &mut DbConnection, user: UserId, now: DateTime<Utc>) -> Result<bool> {
    let activated = diesel::update(users::table.find(user.0).filter(users::activated_at.is_null()))
        .set(users::activated_at.eq(now.naive_utc()))
        .execute(conn)?;
    Ok(activated > 0)
}

pub fn set_disabled(conn: &mut DbConnection, user: UserId, disabled: bool, now: DateTime<Utc>) -> Result<()> {
    diesel::update(users::table.find(user.0)).set(users::disabled.eq(disabled)).execute(conn)?;
    bump_auth_version(conn, user, now)
}

/// Seals a TOTP secret of the user for storage (see [`vault`]).
pub(crate) fn seal_totp(
    conn: &mut DbConnection,
    tenant: TenantId,
    user: i64,
    column: &str,
    secret: Option<&str>,
) -> Result<Option<String>> {
    secret
        .map(|s| match vault::is_sealed(s) {
            true => Ok(s.to_owned()),
            false => vault::seal(conn, tenant, &vault::identity(&format!("users.{column}"), user), s),
        })
        .transpose()
}

fn tenant_of(conn: &mut DbConnection, user: UserId) -> Result<TenantId> {
    Ok(TenantId(users::table.find(user.0).select(users::tenant_id).first(conn)?))
}

pub fn set_pending_totp(conn: &mut DbConnection, user: UserId, secret: Option<&str>) -> Result<()> {
    let tenant = tenant_of(conn, user)?;
    let secret = seal_totp(conn, tenant, user.0, "totp_pending_secret", secret)?;
    diesel::update(users::table.find(user.0)).set(users::totp_pending_secret.eq(secret)).execute(conn)?;
    Ok(())
}

/// Makes `secret` the user's TOTP secret (or removes it), with `step` as the last used step.
pub fn set_totp(
    conn: &mut DbConnection,
    user: UserId,
    secret: Option<&str>,
    step: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let tenant = tenant_of(conn, user)?;
    let secret = seal_totp(conn, tenant, user.0, "totp_secret", secret)?;
    diesel::update(users::table.find(user.0))
        .set((
            users::totp_secret.eq(secret),
            users::totp_pending_secret.eq(None::<String>),
            users::totp_last_step.eq(step),
        ))
        .execute(conn)?;
    bump_auth_version(conn, user, now)
}

/// Records `step` as used, only if it is later than the last used one. Returns whether it was:
/// of two parallel submissions of one code exactly one wins.
pub fn claim_totp_step(conn: &mut DbConnection, user: UserId, step: i64) -> Result<bool> {
    let updated = diesel::update(
        users::table
            .filter(users::id.eq(user.0))
            .filter(users::totp_last_step.is_null().or(users::totp_last_step.lt(step))),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(updated == 1)
}

// Memberships

pub fn memberships_of(conn: &mut DbConnection, user: UserId) -> Result<Vec<Membership>> {
    let rows: Vec<(i64, String)> = memberships::table
        .filter(memberships::user_id.eq(user.0))
        .order(memberships::company_id)
        .select((memberships::company_id, memberships::roles))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(company, roles)| Membership {
            user_id: user,
            company_id: CompanyId(company),
            roles: RoleSet::from_stored(&roles),
        })
        .collect())
}

/// Sets the user's roles in a company, creating the membership if needed.
pub fn upsert_membership(
    conn: &mut DbConnection,
    tenant: TenantId,
    user: UserId,
    company: CompanyId,
    roles: &RoleSet,
    now: DateTime<Utc>,
) -> Result<()> {
    let updated = diesel::update(
        memberships::table.filter(memberships::user_id.eq(user.0)).filter(memberships::company_id.eq(company.0)),
    )
    .set(memberships::roles.eq(roles.to_stored()))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(memberships::table)
            .values((
                memberships::tenant_id.eq(tenant.0),
                memberships::user_id.eq(user.0),
                memberships::company_id.eq(company.0),
                memberships::roles.eq(roles.to_stored()),
                memberships::created_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    bump_auth_version(conn, user, now)
}

/// Removes the user from a company; returns whether there was a membership.
pub fn delete_membership(
    conn: &mut DbConnection,
    user: UserId,
    company: CompanyId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let deleted = diesel::delete(
        memberships::table.filter(memberships::user_id.eq(user.0)).filter(memberships::company_id.eq(company.0)),
    )
    .execute(conn)?;
    if deleted > 0 {
        bump_auth_version(conn, user, now)?;
    }
    Ok(deleted > 0)
}

// Recovery codes

pub fn replace_recovery_codes(conn: &mut DbConnection, user: UserId, hashes: &[String]) -> Result<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user.0))).execute(conn)?;
    // One statement per code: MultiBackend has no batch insert (SQLite spells it differently).
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((recovery_codes::user_id.eq(user.0), recovery_codes::code_hash.eq(hash)))
            .execute(conn)?;
    }
    Ok(())
}

/// Spends the unused recovery code with this hash; returns whether there was one.
pub fn use_recovery_code(conn: &mut DbConnection, user: UserId, hash: &str, now: DateTime<Utc>) -> Result<bool> {
    let updated = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user.0))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn remaining_recovery_codes(conn: &mut DbConnection, user: UserId) -> Result<i64> {
    Ok(recovery_codes::table
        .filter(recovery_codes::user_id.eq(user.0))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

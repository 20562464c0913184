//! Sign-ins, refresh tokens, API tokens and set-password tokens. Only SHA-256 hashes of the
//! secrets are stored, so a token is checked with one indexed lookup.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::accounts::LinkPurpose;
use clientdesk_domain::ids::{ApiTokenId, TenantId, UserId};
use clientdesk_domain::tokens::{ApiToken, RefreshToken, Signin};
use diesel::prelude::*;

use crate::schema::{api_tokens, password_tokens, refresh_tokens, signin_sessions, users};
use crate::{utc, DbConnection, Result};

// Refresh tokens

#[allow(clippy::too_many_arguments)] // one argument per column of the row
pub fn insert_refresh(
    conn: &mut DbConnection,
    tenant: TenantId,
    user: UserId,
    family: &str,
    hash: &str,
    amr: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::tenant_id.eq(tenant.0),
            refresh_tokens::user_id.eq(user.0),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::amr.eq(amr),
            refresh_tokens::created_at.eq(now.naive_utc()),
            refresh_tokens::expires_at.eq(expires_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh(conn: &mut DbConnection, hash: &str) -> Result<RefreshToken> {
    type Row = (i64, i64, i64, String, String, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let (id, tenant, user, family, amr, expires, rotated, revoked): Row = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::tenant_id,
            refresh_tokens::user_id,
            refresh_tokens::family,
            refresh_tokens::amr,
            refresh_tokens::expires_at,
            refresh_tokens::rotated_at,
            refresh_tokens::revoked_at,
        ))
        .first(conn)?;
    Ok(RefreshToken {
        id,
        tenant_id: TenantId(tenant),
        user_id: UserId(user),
        family,
        amr,
        expires_at: utc(expires),
        rotated: rotated.is_some(),
        revoked: revoked.is_some(),
    })
}

/// Marks a refresh token as spent, only if it still is live. Returns whether this call spent it:
/// of two parallel refreshes with one token exactly one wins.
pub fn spend_refresh(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let updated = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::rotated_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn revoke_family(conn: &mut DbConnection, family: &str, now: DateTime<Utc>) -> Result<()> {
    diesel::update(
        refresh_tokens::table.filter(refresh_tokens::family.eq(family)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(())
}

/// Ends every sign-in of the user (its access tokens are refused through their auth version).
pub fn revoke_all_refresh(conn: &mut DbConnection, user: UserId, now: DateTime<Utc>) -> Result<()> {
    diesel::update(
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user.0)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now.naive_utc()))
    .execute(conn)?;
    diesel::update(
        signin_sessions::table.filter(signin_sessions::user_id.eq(user.0)).filter(signin_sessions::ended_at.is_null()),
    )
    .set(signin_sessions::ended_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(())
}

// Sign-ins (a refresh family; access tokens name it as `sid`)

pub fn start_signin(
    conn: &mut DbConnection,
    tenant: TenantId,
    user: UserId,
    sid: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(signin_sessions::table)
        .values((
            signin_sessions::sid.eq(sid),
            signin_sessions::tenant_id.eq(tenant.0),
            signin_sessions::user_id.eq(user.0),
            signin_sessions::started_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_signin(conn: &mut DbConnection, sid: &str) -> Result<Signin> {
    let (user, started, ended): (i64, NaiveDateTime, Option<NaiveDateTime>) = signin_sessions::table
        .find(sid)
        .select((signin_sessions::user_id, signin_sessions::started_at, signin_sessions::ended_at))
        .first(conn)?;
    Ok(Signin { user_id: UserId(user), started_at: utc(started), ended: ended.is_some() })
}

/// Ends a sign-in: its refresh family is revoked, and its access tokens are refused from now on.
/// Call inside a write transaction. The user's access version is raised, so that every process
/// reloads the user's session, which lists the sign-ins ended lately ([`ended_signins_since`]):
/// the per-request check stays a version comparison.
pub fn end_signin(conn: &mut DbConnection, user: UserId, sid: &str, now: DateTime<Utc>) -> Result<()> {
    revoke_family(conn, sid, now)?;
    diesel::update(signin_sessions::table.find(sid).filter(signin_sessions::ended_at.is_null()))
        .set(signin_sessions::ended_at.eq(now.naive_utc()))
        .execute(conn)?;
    diesel::update(users::table.find(user.0)).set(users::access_version.eq(users::access_version + 1)).execute(conn)?;
    Ok(())
}

/// The user's sign-ins ended at or after `since` (whose access tokens may still be unexpired).
pub fn ended_signins_since(conn: &mut DbConnection, user: UserId, since: DateTime<Utc>) -> Result<Vec<String>> {
    Ok(signin_sessions::table
        .filter(signin_sessions::user_id.eq(user.0))
        .filter(signin_sessions::ended_at.ge(since.naive_utc()))
        .select(signin_sessions::sid)
        .load(conn)?)
}

// API tokens

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct ApiTokenRow {
    id: i64,
    tenant_id: i64,
    user_id: i64,
    name: String,
    read_only: bool,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
}

impl From<ApiTokenRow> for ApiToken {
    fn from(r: ApiTokenRow) -> Self {
        ApiToken {
            id: ApiTokenId(r.id),
            tenant_id: TenantId(r.tenant_id),
            user_id: UserId(r.user_id),
            name: r.name,
            read_only: r.read_only,
            created_at: utc(r.created_at),
            expires_at: utc(r.expires_at),
            revoked_at: r.revoked_at.map(utc),
            last_used_at: r.last_used_at.map(utc),
        }
    }
}

#[allow(clippy::too_many_arguments)] // one argument per column of the row
pub fn insert_api_token(
    conn: &mut DbConnection,
    tenant: TenantId,
    user: UserId,
    name: &str,
    hash: &str,
    read_only: bool,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<ApiToken> {
    // MultiBackend cannot return a whole row, so take the id and read the row back.
    let id: i64 = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::tenant_id.eq(tenant.0),
            api_tokens::user_id.eq(user.0),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(hash),
            api_tokens::read_only.eq(read_only),
            api_tokens::created_at.eq(now.naive_utc()),
            api_tokens::expires_at.eq(expires_at.naive_utc()),
        ))
        .returning(api_tokens::id)
        .get_result(conn)?;
    Ok(api_tokens::table.find(id).select(ApiTokenRow::as_select()).first::<ApiTokenRow>(conn)?.into())
}

/// The token with this hash, if any (live or not: the caller checks expiry and revocation).
pub fn find_api_token(conn: &mut DbConnection, hash: &str) -> Result<ApiToken> {
    Ok(api_tokens::table
        .filter(api_tokens::token_hash.eq(hash))
        .select(ApiTokenRow::as_select())
        .first::<ApiTokenRow>(conn)?
        .into())
}

/// How many tokens the list shows: the newest, live or not.
pub const LISTED_API_TOKENS: i64 = 100;
/// How many live tokens a user may hold, so that the live ones always fit in the list.
pub const LIVE_API_TOKENS: i64 = 50;

/// The user's newest [`LISTED_API_TOKENS`] tokens, oldest first.
pub fn list_api_tokens(conn: &mut DbConnection, user: UserId) -> Result<Vec<ApiToken>> {
    let mut list: Vec<ApiToken> = api_tokens::table
        .filter(api_tokens::user_id.eq(user.0))
        .order(api_tokens::id.desc())
        .limit(LISTED_API_TOKENS)
        .select(ApiTokenRow::as_select())
        .load::<ApiTokenRow>(conn)?
        .into_iter()
        .map(ApiToken::from)
        .collect();
    list.reverse();
    Ok(list)
}

/// How many of the user's tokens are live (neither revoked nor expired) at `now`.
pub fn live_api_tokens(conn: &mut DbConnection, user: UserId, now: DateTime<Utc>) -> Result<i64> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user.0))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now.naive_utc()))
        .count()
        .get_result(conn)?)
}

/// Revokes one of the user's tokens; returns whether it was the user's and live.
pub fn revoke_api_token(conn: &mut DbConnection, user: UserId, id: ApiTokenId, now: DateTime<Utc>) -> Result<bool> {
    let updated = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id.0))
            .filter(api_tokens::user_id.eq(user.0))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Revokes every live API token of the user (its password or second factor changed); returns
/// how many.
pub fn revoke_all_api_tokens(conn: &mut DbConnection, user: UserId, now: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::update(
        api_tokens::table.filter(api_tokens::user_id.eq(user.0)).filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now.naive_utc()))
    .execute(conn)?)
}

pub fn touch_api_token(conn: &mut DbConnection, id: ApiTokenId, now: DateTime<Utc>) -> Result<()> {
    diesel::update(api_tokens::table.find(id.0)).set(api_tokens::last_used_at.eq(now.naive_utc())).execute(conn)?;
    Ok(())
}

// Set-password tokens

pub fn insert_password_token(
    conn: &mut DbConnection,
    user: UserId,
    hash: &str,
    purpose: LinkPurpose,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    // One live link per user: a link sent again replaces the one before.
    diesel::update(
        password_tokens::table
            .filter(password_tokens::user_id.eq(user.0))
            .filter(password_tokens::used_at.is_null())
            .filter(password_tokens::expires_at.gt(now.naive_utc())),
    )
    .set(password_tokens::expires_at.eq(now.naive_utc()))
    .execute(conn)?;
    diesel::insert_into(password_tokens::table)
        .values((
            password_tokens::user_id.eq(user.0),
            password_tokens::token_hash.eq(hash),
            password_tokens::purpose.eq(purpose.as_str()),
            password_tokens::created_at.eq(now.naive_utc()),
            password_tokens::expires_at.eq(expires_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user a live set-password token is for and what it is for, without spending it (checked
/// before the new password is hashed, so that no hash is spent on a wrong token).
pub fn live_password_token(
    conn: &mut DbConnection,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, LinkPurpose)>> {
    let found: Option<(i64, String)> = password_tokens::table
        .filter(password_tokens::token_hash.eq(hash))
        .filter(password_tokens::used_at.is_null())
        .filter(password_tokens::expires_at.gt(now.naive_utc()))
        .select((password_tokens::user_id, password_tokens::purpose))
        .first(conn)
        .optional()?;
    Ok(found.map(|(user, purpose)| (UserId(user), LinkPurpose::parse(&purpose))))
}

/// Spends a live set-password token; returns the user it was for and what it was for.
pub fn spend_password_token(
    conn: &mut DbConnection,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, LinkPurpose)>> {
    let found: Option<(i64, String)> = diesel::update(
        password_tokens::table
            .filter(password_tokens::token_hash.eq(hash))
            .filter(password_tokens::used_at.is_null())
            .filter(password_tokens::expires_at.gt(now.naive_utc())),
    )
    .set(password_tokens::used_at.eq(now.naive_utc()))
    .returning((password_tokens::user_id, password_tokens::purpose))
    .get_result(conn)
    .optional()?;
    Ok(found.map(|(user, purpose)| (UserId(user), LinkPurpose::parse(&purpose))))
}

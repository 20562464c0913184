//! What accounts need beyond users and memberships: address changes waiting for confirmation,
//! role-change requests, companies' e-mail domains and contacts, the sign-in log, and the
//! tenant's account policy.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::accounts::{AccountPolicy, RequestStatus, RoleChangeRequest, SigninEvent, UserState};
use clientdesk_domain::entities::User;
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::principal::AuthMethod;
use clientdesk_domain::roles::{Role, RoleSet};
use clientdesk_domain::user::Language;
use diesel::prelude::*;

use crate::schema::{
    account_policies, companies, company_email_domains, email_changes, memberships, role_change_requests,
    signin_events, users,
};
use crate::users::UserRow;
use crate::{utc, DbConnection, Page, Result};

// E-mail changes

/// Keeps `new_email` for `user` until the link with `token_hash` is followed; a pending change
/// made before is dropped.
pub fn start_email_change(
    conn: &mut DbConnection,
    user: UserId,
    new_email: &str,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    diesel::delete(
        email_changes::table.filter(email_changes::user_id.eq(user.0)).filter(email_changes::used_at.is_null()),
    )
    .execute(conn)?;
    diesel::insert_into(email_changes::table)
        .values((
            email_changes::user_id.eq(user.0),
            email_changes::new_email.eq(new_email),
            email_changes::token_hash.eq(token_hash),
            email_changes::created_at.eq(now.naive_utc()),
            email_changes::expires_at.eq(expires_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Spends a live e-mail confirmation link: the user and the address it confirms.
pub fn spend_email_change(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, String)>> {
    let found: Option<(i64, String)> = diesel::update(
        email_changes::table
            .filter(email_changes::token_hash.eq(token_hash))
            .filter(email_changes::used_at.is_null())
            .filter(email_changes::expires_at.gt(now.naive_utc())),
    )
    .set(email_changes::used_at.eq(now.naive_utc()))
    .returning((email_changes::user_id, email_changes::new_email))
    .get_result(conn)
    .optional()?;
    Ok(found.map(|(user, email)| (UserId(user), email)))
}

/// The address a user asked to change to and has not confirmed yet, if the link still works.
pub fn pending_email(conn: &mut DbConnection, user: UserId, now: DateTime<Utc>) -> Result<Option<String>> {
    Ok(email_changes::table
        .filter(email_changes::user_id.eq(user.0))
        .filter(email_changes::used_at.is_null())
        .filter(email_changes::expires_at.gt(now.naive_utc()))
        .select(email_changes::new_email)
        .first(conn)
        .optional()?)
}

/// Sets the user's sign-in address.
pub fn set_email(conn: &mut DbConnection, user: UserId, email: &str, now: DateTime<Utc>) -> Result<()> {
    diesel::update(users::table.find(user.0))
        .set((users::email.eq(email), users::updated_at.eq(now.naive_utc())))
        .execute(conn)?;
    Ok(())
}

// Role-change requests

#[derive(Queryable, Selectable)]
#[diesel(table_name = role_change_requests)]
struct RequestRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    user_id: i64,
    roles: String,
    reason: String,
    status: String,
    decided_by: Option<i64>,
    decided_at: Option<NaiveDateTime>,
    comment: Option<String>,
    created_at: NaiveDateTime,
}

impl From<RequestRow> for RoleChangeRequest {
    fn from(row: RequestRow) -> Self {
        RoleChangeRequest {
            id: row.id,
            tenant_id: TenantId(row.tenant_id),
            company_id: CompanyId(row.company_id),
            user_id: UserId(row.user_id),
            roles: RoleSet::from_stored(&row.roles),
            reason: row.reason,
            status: RequestStatus::parse(&row.status).unwrap_or(RequestStatus::Withdrawn),
            decided_by: row.decided_by.map(UserId),
            decided_at: row.decided_at.map(utc),
            comment: row.comment,
            created_at: utc(row.created_at),
        }
    }
}

/// Stores a pending request; `Conflict` while the user has another pending one in the company.
pub fn create_role_request(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    user: UserId,
    roles: &RoleSet,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RoleChangeRequest> {
    let pending: i64 = role_change_requests::table
        .filter(role_change_requests::company_id.eq(company.0))
        .filter(role_change_requests::user_id.eq(user.0))
        .filter(role_change_requests::status.eq(RequestStatus::Pending.as_str()))
        .count()
        .get_result(conn)?;
    if pending > 0 {
        return Err(crate::Error::Conflict("a role change of this user is pending in this company".into()));
    }
    let id: i64 = diesel::insert_into(role_change_requests::table)
        .values((
            role_change_requests::tenant_id.eq(tenant.0),
            role_change_requests::company_id.eq(company.0),
            role_change_requests::user_id.eq(user.0),
            role_change_requests::roles.eq(roles.to_stored()),
            role_change_requests::reason.eq(reason),
            role_change_requests::status.eq(RequestStatus::Pending.as_str()),
            role_change_requests::created_at.eq(now.naive_utc()),
        ))
        .returning(role_change_requests::id)
        .get_result(conn)?;
    get_role_request(conn, tenant, id)
}

pub fn get_role_request(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<RoleChangeRequest> {
    Ok(role_change_requests::table
        .filter(role_change_requests::id.eq(id))
        .filter(role_change_requests::tenant_id.eq(tenant.0))
        .select(RequestRow::as_select())
        .first::<RequestRow>(conn)?
        .into())
}

/// A company's requests (or one user's there), newest first, optionally in one status.
pub fn list_role_requests(
    conn: &mut DbConnection,
    company: CompanyId,
    user: Option<UserId>,
    status: Option<RequestStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<RoleChangeRequest>> {
    let mut q = role_change_requests::table.filter(role_change_requests::company_id.eq(company.0)).into_boxed();
    if let Some(user) = user {
        q = q.filter(role_change_requests::user_id.eq(user.0));
    }
    if let Some(status) = status {
        q = q.filter(role_change_requests::status.eq(status.as_str()));
    }
    if let Some(before) = before {
        q = q.filter(role_change_requests::id.lt(before));
    }
    let rows: Vec<RequestRow> =
        q.order(role_change_requests::id.desc()).limit(limit + 1).select(RequestRow::as_select()).load(conn)?;
    Ok(Page::from_rows(rows.into_iter().map(RoleChangeRequest::from).collect(), limit, |r| r.id))
}

/// Settles a pending request; false when it was settled already (the first decision wins).
pub fn settle_role_request(
    conn: &mut DbConnection,
    id: i64,
    status: RequestStatus,
    by: UserId,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let updated = diesel::update(
        role_change_requests::table
            .filter(role_change_requests::id.eq(id))
            .filter(role_change_requests::status.eq(RequestStatus::Pending.as_str())),
    )
    .set((
        role_change_requests::status.eq(status.as_str()),
        role_change_requests::decided_by.eq(by.0),
        role_change_requests::decided_at.eq(now.naive_utc()),
        role_change_requests::comment.eq(comment),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

// Companies' portal admins and contacts

/// How many enabled, unsuspended users hold `portal_admin` in the company.
pub fn count_portal_admins(conn: &mut DbConnection, company: CompanyId) -> Result<i64> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::company_id.eq(company.0))
        .filter(memberships::suspended_at.is_null())
        .filter(memberships::roles.like(format!("%{}%", Role::PortalAdmin.as_str())))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)?)
}

/// Marks the company's primary and billing contacts (`None`: none).
pub fn set_company_contacts(
    conn: &mut DbConnection,
    company: CompanyId,
    primary: Option<UserId>,
    billing: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(companies::table.find(company.0))
        .set((
            companies::primary_contact_id.eq(primary.map(|u| u.0)),
            companies::billing_contact_id.eq(billing.map(|u| u.0)),
            companies::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Suspends (`true`) or restores the user's access to one company; false when it is no member.
/// The user's access version rises, so tokens issued before are refused.
pub fn set_membership_suspended(
    conn: &mut DbConnection,
    user: UserId,
    company: CompanyId,
    suspended: bool,
    now: DateTime<Utc>,
) -> Result<bool> {
    let updated = diesel::update(
        memberships::table.filter(memberships::user_id.eq(user.0)).filter(memberships::company_id.eq(company.0)),
    )
    .set(memberships::suspended_at.eq(suspended.then(|| now.naive_utc())))
    .execute(conn)?;
    if updated == 1 {
        crate::users::bump_auth_version(conn, user, now)?;
    }
    Ok(updated == 1)
}

/// Whether the user's access to the company is suspended (`None`: no member).
pub fn membership_suspended(conn: &mut DbConnection, user: UserId, company: CompanyId) -> Result<Option<bool>> {
    let found: Option<Option<NaiveDateTime>> = memberships::table
        .filter(memberships::user_id.eq(user.0))
        .filter(memberships::company_id.eq(company.0))
        .select(memberships::suspended_at)
        .first(conn)
        .optional()?;
    Ok(found.map(|at| at.is_some()))
}

// E-mail domains

/// Registers `domain` on the company; `Conflict` when a company of the tenant has it already.
pub fn add_domain(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    domain: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(diesel::insert_into(company_email_domains::table)
        .values((
            company_email_domains::tenant_id.eq(tenant.0),
            company_email_domains::company_id.eq(company.0),
            company_email_domains::domain.eq(domain),
            company_email_domains::created_at.eq(now.naive_utc()),
        ))
        .returning(company_email_domains::id)
        .get_result(conn)?)
}

/// The company's domains: (id, domain, registered at), by domain.
pub fn domains_of(conn: &mut DbConnection, company: CompanyId) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
    let rows: Vec<(i64, String, NaiveDateTime)> = company_email_domains::table
        .filter(company_email_domains::company_id.eq(company.0))
        .order(company_email_domains::domain)
        .select((company_email_domains::id, company_email_domains::domain, company_email_domains::created_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, d, at)| (id, d, utc(at))).collect())
}

/// Removes a domain of the company; false when it has no such domain.
pub fn remove_domain(conn: &mut DbConnection, company: CompanyId, id: i64) -> Result<bool> {
    let deleted = diesel::delete(
        company_email_domains::table
            .filter(company_email_domains::id.eq(id))
            .filter(company_email_domains::company_id.eq(company.0)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// The company of the tenant that registered `domain`, if any.
pub fn company_of_domain(conn: &mut DbConnection, tenant: TenantId, domain: &str) -> Result<Option<CompanyId>> {
    let found: Option<i64> = company_email_domains::table
        .filter(company_email_domains::tenant_id.eq(tenant.0))
        .filter(company_email_domains::domain.eq(domain))
        .select(company_email_domains::company_id)
        .first(conn)
        .optional()?;
    Ok(found.map(CompanyId))
}

// The sign-in log

/// Records a sign-in or a failed attempt of `user`.
#[allow(clippy::too_many_arguments)]
pub fn record_signin(
    conn: &mut DbConnection,
    tenant: TenantId,
    user: UserId,
    method: AuthMethod,
    succeeded: bool,
    ip: Option<&str>,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(signin_events::table)
        .values((
            signin_events::tenant_id.eq(tenant.0),
            signin_events::user_id.eq(user.0),
            signin_events::method.eq(method.as_str()),
            signin_events::succeeded.eq(succeeded),
            signin_events::ip.eq(ip),
            signin_events::user_agent.eq(user_agent),
            signin_events::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The sign-ins of the company's members since `since`, newest first.
pub fn signin_log(
    conn: &mut DbConnection,
    company: CompanyId,
    since: DateTime<Utc>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<SigninEvent>> {
    let members = memberships::table.filter(memberships::company_id.eq(company.0)).select(memberships::user_id);
    let mut q = signin_events::table
        .filter(signin_events::user_id.eq_any(members))
        .filter(signin_events::created_at.ge(since.naive_utc()))
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(signin_events::id.lt(before));
    }
    type Row = (i64, i64, String, bool, Option<String>, Option<String>, NaiveDateTime);
    let rows: Vec<Row> = q
        .order(signin_events::id.desc())
        .limit(limit + 1)
        .select((
            signin_events::id,
            signin_events::user_id,
            signin_events::method,
            signin_events::succeeded,
            signin_events::ip,
            signin_events::user_agent,
            signin_events::created_at,
        ))
        .load(conn)?;
    let events = rows
        .into_iter()
        .filter_map(|(id, user, method, succeeded, ip, user_agent, at)| {
            Some(SigninEvent {
                id,
                user_id: UserId(user),
                method: AuthMethod::parse(&method)?,
                succeeded,
                ip,
                user_agent,
                at: utc(at),
            })
        })
        .collect();
    Ok(Page::from_rows(events, limit, |e| e.id))
}

/// Deletes sign-in log entries older than `before`; returns how many.
pub fn prune_signins(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::delete(signin_events::table.filter(signin_events::created_at.lt(before.naive_utc()))).execute(conn)?)
}

// The staff directory and the tenant's account policy

/// The tenant's staff, by name.
pub fn staff_of(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = users::table
        .filter(users::tenant_id.eq(tenant.0))
        .filter(users::staff_role.is_not_null())
        .order((users::name, users::id))
        .select(UserRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(User::from).collect())
}

pub fn policy(conn: &mut DbConnection, tenant: TenantId) -> Result<AccountPolicy> {
    let row: Option<(bool, bool)> = account_policies::table
        .find(tenant.0)
        .select((account_policies::customers_grant_portal_admin, account_policies::staff_names_for_customers))
        .first(conn)
        .optional()?;
    Ok(row.map_or_else(AccountPolicy::default, |(grant, names)| AccountPolicy {
        customers_grant_portal_admin: grant,
        staff_names_for_customers: names,
    }))
}

pub fn put_policy(conn: &mut DbConnection, tenant: TenantId, policy: AccountPolicy, now: DateTime<Utc>) -> Result<()> {
    let updated = diesel::update(account_policies::table.find(tenant.0))
        .set((
            account_policies::customers_grant_portal_admin.eq(policy.customers_grant_portal_admin),
            account_policies::staff_names_for_customers.eq(policy.staff_names_for_customers),
            account_policies::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(account_policies::table)
            .values((
                account_policies::tenant_id.eq(tenant.0),
                account_policies::customers_grant_portal_admin.eq(policy.customers_grant_portal_admin),
                account_policies::staff_names_for_customers.eq(policy.staff_names_for_customers),
                account_policies::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

// Invitations and the credential life cycle

/// Runs `f` in a nested transaction of the caller's (a SAVEPOINT): when `f` fails, what it wrote
/// is undone and the outer transaction goes on (PostgreSQL needs this after a failed statement).
pub fn savepoint<T, E: From<crate::Error>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    enum Failed<E> {
        Inner(E),
        Db(diesel::result::Error),
    }
    impl<E> From<diesel::result::Error> for Failed<E> {
        fn from(err: diesel::result::Error) -> Self {
            Failed::Db(err)
        }
    }
    conn.transaction(|conn| f(conn).map_err(Failed::Inner)).map_err(|failed| match failed {
        Failed::Inner(err) => err,
        Failed::Db(err) => crate::Error::from(err).into(),
    })
}

// Portal admin: a company's contacts

/// A member of a company as its contact list shows it: the person, its roles in this company
/// only, and whether its access to this company is suspended. Never credentials.
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub language: Language,
    pub roles: RoleSet,
    pub disabled: bool,
    pub activated: bool,
    pub suspended: bool,
}

type ContactRow =
    (i64, String, String, Option<String>, String, String, bool, Option<NaiveDateTime>, Option<NaiveDateTime>);

impl From<ContactRow> for Contact {
    fn from((id, name, email, phone, language, roles, disabled, activated, suspended): ContactRow) -> Self {
        Contact {
            id: UserId(id),
            name,
            email,
            phone,
            language: Language::parse(&language).unwrap_or_default(),
            roles: RoleSet::from_stored(&roles),
            disabled,
            activated: activated.is_some(),
            suspended: suspended.is_some(),
        }
    }
}

/// Which contacts a list shows.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter<'a> {
    /// Only this user's entry (a member who does not see the others).
    pub only: Option<UserId>,
    /// Only contacts in this state; a suspended membership counts as disabled.
    pub state: Option<UserState>,
    /// Only contacts whose name or e-mail contains this text (any case).
    pub text: Option<&'a str>,
    /// Only contacts whose account changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
}

macro_rules! contacts_of {
    ($company:expr) => {
        memberships::table
            .inner_join(users::table)
            .filter(memberships::company_id.eq($company.0))
            .filter(users::staff_role.is_null())
            .select((
                users::id,
                users::name,
                users::email,
                users::phone,
                users::language,
                memberships::roles,
                users::disabled,
                users::activated_at,
                memberships::suspended_at,
            ))
    };
}

/// The company's members (never staff), by id, with their roles there.
pub fn contacts(
    conn: &mut DbConnection,
    company: CompanyId,
    filter: &ContactFilter<'_>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<Contact>> {
    use crate::text::{contains_pattern, lower};
    let mut q = contacts_of!(company).into_boxed();
    if let Some(user) = filter.only {
        q = q.filter(users::id.eq(user.0));
    }
    q = match filter.state {
        None => q,
        Some(UserState::Disabled) => q.filter(users::disabled.eq(true).or(memberships::suspended_at.is_not_null())),
        Some(UserState::Active) => q
            .filter(users::disabled.eq(false))
            .filter(memberships::suspended_at.is_null())
            .filter(users::activated_at.is_not_null()),
        Some(UserState::Invited) => q
            .filter(users::disabled.eq(false))
            .filter(memberships::suspended_at.is_null())
            .filter(users::activated_at.is_null()),
    };
    if let Some(since) = filter.updated_since {
        q = q.filter(users::updated_at.ge(since.naive_utc()));
    }
    if let Some(text) = filter.text {
        let pattern = contains_pattern(text);
        q = q.filter(
            lower(users::name).like(pattern.clone()).escape('\\').or(lower(users::email).like(pattern).escape('\\')),
        );
    }
    if let Some(after) = after {
        q = q.filter(users::id.gt(after));
    }
    let rows: Vec<ContactRow> = q.order(users::id).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows.into_iter().map(Contact::from).collect(), limit, |c| c.id.0))
}

/// One member of the company; `NotFound` for staff and for users who are no member there.
pub fn contact(conn: &mut DbConnection, company: CompanyId, user: UserId) -> Result<Contact> {
    let row: ContactRow = contacts_of!(company).filter(users::id.eq(user.0)).first(conn)?;
    Ok(row.into())
}

/// The company's members who can act there now: enabled, not suspended.
pub fn active_contacts(conn: &mut DbConnection, company: CompanyId) -> Result<Vec<Contact>> {
    let rows: Vec<ContactRow> = contacts_of!(company)
        .filter(users::disabled.eq(false))
        .filter(memberships::suspended_at.is_null())
        .order(users::id)
        .load(conn)?;
    Ok(rows.into_iter().map(Contact::from).collect())
}

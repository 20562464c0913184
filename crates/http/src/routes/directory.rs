//! The directory around a company: the sign-in log of its members, the provider's staff as
//! customers may see them, and the tenant's account policy.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use clientdesk_domain::accounts::{AccountPolicy, UserState, SIGNIN_LOG_DAYS};
use clientdesk_domain::entities::User;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::roles::Permission;
use clientdesk_persistence::{accounts, audit, companies, users, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(signin_log).service(list_staff).service(get_account_policy).service(put_account_policy);
}

// The sign-in log

/// A sign-in or failed attempt of a member of the company.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 41, "user_id": 7, "user_name": "Ann Approver", "user_email": "ann@contoso.example",
    "method": "otp", "succeeded": true, "ip": "203.0.113.9", "user_agent": "Mozilla/5.0", "at": "2026-12-07T09:14:00Z"}))]
pub struct SigninEntry {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub user_email: String,
    /// pwd (password step), otp, recovery (a recovery code), agent (an agent link), api_token.
    pub method: String,
    pub succeeded: bool,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub at: chrono::DateTime<Utc>,
}

/// Whether the caller reads the company's sign-in log: staff (the company must exist), or a
/// member managing its logins (other members 403, non-members 404).
fn require_log_reader(conn: &mut clientdesk_persistence::DbConnection, auth: &Auth, id: CompanyId) -> ApiResult<()> {
    if auth.principal.is_staff() {
        companies::get(conn, auth.tenant.id, id)?;
        return Ok(());
    }
    let (member, _) = auth.company(id)?;
    if member.roles.grants(Permission::PortalLoginsManage) {
        Ok(())
    } else {
        Err(ApiError::forbidden("forbidden-sign-in-log"))
    }
}

/// The sign-ins and failed attempts of the company's members over the last 30 days, newest
/// first (staff, and the company's portal admins).
#[utoipa::path(tag = "accounts", operation_id = "getCompanySigninLog", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "A page of entries, newest first", body = Paged<SigninEntry>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "A member who does not manage the company's logins", body = Problem),
        (status = 404, description = "No such company, or not one of the caller's", body = Problem),
        (status = 422, description = "Invalid limit or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/signin-log")]
pub async fn signin_log(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (limit, before) = page.resolve()?;
    let id = CompanyId(path.into_inner());
    let paged = state
        .run(move |conn| {
            require_log_reader(conn, &auth, id)?;
            let since = Utc::now() - Duration::days(SIGNIN_LOG_DAYS);
            let page = accounts::signin_log(conn, id, since, before, limit)?;
            let mut people: HashMap<i64, User> = HashMap::new();
            let mut items = Vec::with_capacity(page.items.len());
            for event in page.items {
                let user = match people.entry(event.user_id.0) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(new) => new.insert(users::get(conn, auth.tenant.id, event.user_id)?),
                };
                items.push(SigninEntry {
                    id: event.id,
                    user_id: event.user_id.0,
                    user_name: user.name.clone(),
                    user_email: user.email.clone(),
                    method: event.method.as_str().to_owned(),
                    succeeded: event.succeeded,
                    ip: event.ip,
                    user_agent: event.user_agent,
                    at: event.at,
                });
            }
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(paged))
}

// The staff directory

/// A member of the provider's staff: customers see `id` and `name` only.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 2, "name": "Tom Tech", "email": "tech@msp.example", "role": "technician", "active": true}))]
pub struct StaffEntry {
    pub id: i64,
    pub name: String,
    /// Staff callers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Staff callers only: provider_admin or technician.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Staff callers only: false while invited or disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// The provider's staff, by name. Staff see everyone with e-mail, role and state; portal users
/// see the names of active staff, where the tenant's account policy lets them
/// (`staff_names_for_customers`).
#[utoipa::path(tag = "accounts", operation_id = "listStaff", security(("bearer" = [])),
    responses(
        (status = 200, description = "The staff, by name", body = Paged<StaffEntry>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "A portal user, and the tenant does not show staff names to customers", body = Problem)))]
#[get("/api/v1/staff")]
pub async fn list_staff(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let entries = state
        .run(move |conn| {
            let tenant = auth.tenant.id;
            let staff = auth.principal.is_staff();
            if !staff && !accounts::policy(conn, tenant)?.staff_names_for_customers {
                return Err(ApiError::forbidden("forbidden-staff-directory"));
            }
            let entries = accounts::staff_of(conn, tenant)?
                .into_iter()
                .filter(|u| staff || u.state() == UserState::Active)
                .map(|u| StaffEntry {
                    id: u.id.0,
                    active: staff.then(|| u.state() == UserState::Active),
                    email: staff.then(|| u.email.clone()),
                    role: if staff { u.staff_role.map(|r| r.as_str().to_owned()) } else { None },
                    name: u.name,
                })
                .collect::<Vec<_>>();
            Ok(entries)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(entries)))
}

// The tenant's account policy

/// What customers may do with accounts in the tenant.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customers_grant_portal_admin": false, "staff_names_for_customers": true}))]
pub struct AccountPolicyBody {
    /// A company's portal admin may make other users portal admins.
    pub customers_grant_portal_admin: bool,
    /// Portal users may list the names of the provider's active staff (`GET /api/v1/staff`).
    pub staff_names_for_customers: bool,
}

impl From<AccountPolicy> for AccountPolicyBody {
    fn from(p: AccountPolicy) -> Self {
        Self {
            customers_grant_portal_admin: p.customers_grant_portal_admin,
            staff_names_for_customers: p.staff_names_for_customers,
        }
    }
}

impl From<AccountPolicyBody> for AccountPolicy {
    fn from(p: AccountPolicyBody) -> Self {
        Self {
            customers_grant_portal_admin: p.customers_grant_portal_admin,
            staff_names_for_customers: p.staff_names_for_customers,
        }
    }
}

/// Read the tenant's account policy (staff).
#[utoipa::path(tag = "accounts", operation_id = "getAccountPolicy", security(("bearer" = [])),
    responses(
        (status = 200, description = "The policy (both off until set)", body = AccountPolicyBody),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/tenant/account-policy")]
pub async fn get_account_policy(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let tenant = auth.tenant.id;
    let policy = state.run(move |conn| Ok(accounts::policy(conn, tenant)?)).await?;
    Ok(HttpResponse::Ok().json_body(AccountPolicyBody::from(policy)))
}

/// Replace the tenant's account policy (provider admin); both fields are required.
#[utoipa::path(tag = "accounts", operation_id = "putAccountPolicy", security(("bearer" = [])),
    request_body = AccountPolicyBody,
    responses(
        (status = 200, description = "The new policy", body = AccountPolicyBody),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 422, description = "A missing, unknown or non-boolean field", body = Problem)))]
#[put("/api/v1/tenant/account-policy")]
pub async fn put_account_policy(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<AccountPolicyBody>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let policy = AccountPolicy::from(body.into_inner());
    let client = origin::of(&req);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                accounts::put_policy(conn, auth.tenant.id, policy, Utc::now())?;
                let mut event = client.event(Some(auth.tenant.id), Some(auth.user.id), "account_policy_changed");
                event.detail = Some(format!(
                    "customers_grant_portal_admin:{} staff_names_for_customers:{}",
                    policy.customers_grant_portal_admin, policy.staff_names_for_customers
                ));
                audit::record(conn, &event, Utc::now())?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(AccountPolicyBody::from(policy)))
}

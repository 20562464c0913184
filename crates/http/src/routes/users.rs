//! Provider side: portal users, their memberships and roles, disabling; and the audit log.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::crypto::secrets;
use clientdesk_domain::accounts::LinkPurpose;
use clientdesk_domain::entities::User;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::RoleSet;
use clientdesk_domain::user::{parse_name, parse_phone, Email, Language};
use clientdesk_persistence::{audit, companies, tokens, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(put_membership)
        .service(delete_membership)
        .service(disable_user)
        .service(enable_user)
        .service(list_audit_events);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub company_id: i64,
    #[schema(example = json!(["customer_approver"]))]
    pub roles: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "email": "ann@contoso.example", "name": "Ann Approver", "phone": null,
    "language": "en", "disabled": false, "two_factor_enabled": true,
    "memberships": [{"company_id": 1, "roles": ["customer_approver"]}]}))]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub language: String,
    pub disabled: bool,
    pub two_factor_enabled: bool,
    pub memberships: Vec<MembershipView>,
}

fn view(conn: &mut DbConnection, user: User) -> ApiResult<UserView> {
    let memberships = users::memberships_of(conn, user.id)?
        .into_iter()
        .map(|m| MembershipView {
            company_id: m.company_id.0,
            roles: m.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        })
        .collect();
    Ok(UserView {
        id: user.id.0,
        email: user.email.clone(),
        name: user.name.clone(),
        phone: user.phone.clone(),
        language: user.language.as_str().to_owned(),
        disabled: user.disabled,
        two_factor_enabled: user.has_totp(),
        memberships,
    })
}

/// A portal user of the caller's tenant (staff are not managed here): 404 otherwise.
fn portal_user(conn: &mut DbConnection, auth: &Auth, id: UserId) -> ApiResult<User> {
    let user = users::get(conn, auth.tenant.id, id)?;
    if user.staff_role.is_some() {
        return Err(ApiError::NotFound);
    }
    Ok(user)
}

#[derive(Debug, Deserialize)]
pub struct UserFilter {
    pub company_id: Option<i64>,
}

/// List portal users, optionally of one company (staff).
#[utoipa::path(tag = "provider", operation_id = "listUsers", security(("bearer" = [])),
    params(PageQuery, ("company_id" = Option<i64>, Query, description = "Only members of this company")),
    responses(
        (status = 200, description = "A page of users", body = Paged<UserView>),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    auth: Auth,
    page: web::Query<PageQuery>,
    filter: web::Query<UserFilter>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, after) = page.resolve()?;
    let (tenant, company) = (auth.tenant.id, filter.company_id.map(CompanyId));
    let page = state
        .run(move |conn| {
            let page = users::list_portal(conn, tenant, company, None, after, limit)?;
            let items = page.items.into_iter().map(|u| view(conn, u)).collect::<ApiResult<Vec<_>>>()?;
            Ok(Paged { items, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipInput {
    pub company_id: i64,
    #[validate(length(min = 1, max = 6))]
    pub roles: Vec<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ann@contoso.example", "name": "Ann Approver", "language": "en",
    "memberships": [{"company_id": 1, "roles": ["customer_approver"]}]}))]
pub struct CreateUser {
    #[validate(length(min = 1, max = 254))]
    pub email: String,
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    #[validate(length(max = 40))]
    pub phone: Option<String>,
    pub language: Option<String>,
    #[validate(length(min = 1, max = 50))]
    pub memberships: Vec<MembershipInput>,
}

/// The new user, with a one-time token to set a password (valid 7 days), shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    #[serde(flatten)]
    pub user: UserView,
    #[schema(example = "Xy3k9Qm2...")]
    pub set_password_token: String,
}

/// Create a portal user with its memberships (provider admin). The answer carries a one-time
/// set-password token for the welcome message; the user signs in after setting a password.
#[utoipa::path(tag = "provider", operation_id = "createUser", security(("bearer" = [])), request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = CreatedUser),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 409, description = "A user with that e-mail exists in this tenant", body = Problem),
        (status = 422, description = "Invalid input, unknown company or role", body = Problem)))]
#[post("/api/v1/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_provider_admin()?;
    let body = body.into_inner();
    let email = Email::parse(&body.email)?;
    let name = parse_name("name", &body.name)?;
    let phone = body.phone.as_deref().map(parse_phone).transpose()?;
    let language = body.language.as_deref().map(Language::parse).transpose()?.unwrap_or_default();
    let memberships = body
        .memberships
        .iter()
        .map(|m| Ok((CompanyId(m.company_id), RoleSet::parse_all(&m.roles)?)))
        .collect::<ApiResult<Vec<_>>>()?;
    let client = origin::of(&req);
    let token = secrets::random_token(32);
    let token_hash = secrets::fingerprint(&token);
    let created = state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let new = users::NewUser {
                    tenant_id: auth.tenant.id,
                    email: email.as_str(),
                    name: &name,
                    phone: phone.as_deref(),
                    language,
                    staff_role: None,
                    password_hash: None,
                    activated: false,
                };
                let user = users::create(conn, &new, now).map_err(|e| match e {
                    clientdesk_persistence::Error::Conflict(_) => {
                        ApiError::Conflict("A user with that e-mail exists.".into())
                    }
                    other => other.into(),
                })?;
                for (company, roles) in &memberships {
                    companies::get(conn, auth.tenant.id, *company).map_err(|_| {
                        ApiError::invalid("memberships", format!("company {company} is not a company of this tenant"))
                    })?;
                    users::upsert_membership(conn, auth.tenant.id, user.id, *company, roles, now)?;
                }
                tokens::insert_password_token(
                    conn,
                    user.id,
                    &token_hash,
                    LinkPurpose::Invitation,
                    now,
                    now + LinkPurpose::Invitation.lifetime(),
                )?;
                client.record_change(conn, &auth, "user_created", format!("user:{}", user.id), None)?;
                view(conn, user)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(CreatedUser { user: created, set_password_token: token }))
}

/// Read a portal user (staff).
#[utoipa::path(tag = "provider", operation_id = "getUser", security(("bearer" = [])), params(("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such portal user in this tenant", body = Problem)))]
#[get("/api/v1/users/{user_id}")]
pub async fn get_user(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let id = UserId(path.into_inner());
    let user = state
        .run(move |conn| {
            let u = portal_user(conn, &auth, id)?;
            view(conn, u)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["portal_user_plus", "customer_approver"]}))]
pub struct RolesInput {
    #[validate(length(min = 1, max = 6))]
    pub roles: Vec<String>,
}

/// Add the user to a company or replace its roles there (provider admin). The user's access
/// tokens issued before are refused from now on.
#[utoipa::path(tag = "provider", operation_id = "putMembership", security(("bearer" = [])),
    params(("user_id" = i64, Path), ("company_id" = i64, Path)), request_body = RolesInput,
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such user or company in this tenant", body = Problem),
        (status = 422, description = "Unknown or no role", body = Problem)))]
#[put("/api/v1/users/{user_id}/memberships/{company_id}")]
pub async fn put_membership(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<RolesInput>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    auth.principal.require_provider_admin()?;
    let roles = RoleSet::parse_all(&body.roles)?;
    let (user_id, company_id) = path.into_inner();
    let (user_id, company_id, client) = (UserId(user_id), CompanyId(company_id), origin::of(&req));
    let user = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let user = portal_user(conn, &auth, user_id)?;
                companies::get(conn, auth.tenant.id, company_id)?;
                users::upsert_membership(conn, auth.tenant.id, user_id, company_id, &roles, Utc::now())?;
                client.record_change(
                    conn,
                    &auth,
                    "membership_changed",
                    format!("user:{user_id}"),
                    Some(format!("company:{company_id} roles:{}", roles.to_stored())),
                )?;
                view(conn, user)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

/// Remove the user from a company (provider admin).
#[utoipa::path(tag = "provider", operation_id = "deleteMembership", security(("bearer" = [])),
    params(("user_id" = i64, Path), ("company_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such user, company or membership", body = Problem)))]
#[delete("/api/v1/users/{user_id}/memberships/{company_id}")]
pub async fn delete_membership(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (user_id, company_id) = path.into_inner();
    let (user_id, company_id, client) = (UserId(user_id), CompanyId(company_id), origin::of(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                portal_user(conn, &auth, user_id)?;
                if !users::delete_membership(conn, user_id, company_id, Utc::now())? {
                    return Err(ApiError::NotFound);
                }
                client.record_change(
                    conn,
                    &auth,
                    "membership_removed",
                    format!("user:{}", user_id),
                    Some(format!("company:{company_id}")),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn set_disabled(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: i64,
    disabled: bool,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, client) = (UserId(id), origin::of(&req));
    let user = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                portal_user(conn, &auth, id)?;
                let now = Utc::now();
                users::set_disabled(conn, id, disabled, now)?;
                if disabled {
                    tokens::revoke_all_refresh(conn, id, now)?;
                }
                client.record_change(
                    conn,
                    &auth,
                    if disabled { "user_disabled" } else { "user_enabled" },
                    format!("user:{}", id),
                    None,
                )?;
                let user = users::get(conn, auth.tenant.id, id)?;
                view(conn, user)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(user))
}

/// Disable a portal user (provider admin): its sessions and tokens stop working at once.
#[utoipa::path(tag = "provider", operation_id = "disableUser", security(("bearer" = [])), params(("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such portal user", body = Problem)))]
#[post("/api/v1/users/{user_id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_disabled(state, req, auth, path.into_inner(), true).await
}

/// Enable a disabled portal user again (provider admin).
#[utoipa::path(tag = "provider", operation_id = "enableUser", security(("bearer" = [])), params(("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such portal user", body = Problem)))]
#[post("/api/v1/users/{user_id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_disabled(state, req, auth, path.into_inner(), false).await
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 41, "actor_user_id": 3, "action": "signin_failed", "target": "ann@contoso.example",
    "ip": "203.0.113.7", "user_agent": "curl/8.5", "factor": "pwd", "detail": null, "created_at": "2026-11-23T10:00:00Z"}))]
pub struct AuditEventView {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub factor: Option<String>,
    pub detail: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct AuditFilter {
    pub action: Option<String>,
}

/// The tenant's audit events, newest first (provider admin).
#[utoipa::path(tag = "provider", operation_id = "listAuditEvents", security(("bearer" = [])),
    params(PageQuery, ("action" = Option<String>, Query, description = "Only events of this action, e.g. signin_failed")),
    responses(
        (status = 200, description = "A page of events", body = Paged<AuditEventView>),
        (status = 403, description = "Not a provider admin", body = Problem)))]
#[get("/api/v1/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    auth: Auth,
    page: web::Query<PageQuery>,
    filter: web::Query<AuditFilter>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin_role()?;
    let (limit, before) = page.resolve()?;
    let (tenant, action) = (auth.tenant.id, filter.into_inner().action);
    let page = state.run(move |conn| Ok(audit::list(conn, tenant, action.as_deref(), before, limit)?)).await?;
    let items = page
        .items
        .into_iter()
        .map(|e| AuditEventView {
            id: e.id,
            actor_user_id: e.actor_user_id.map(|u| u.0),
            action: e.action,
            target: e.target,
            ip: e.ip,
            user_agent: e.user_agent,
            factor: e.factor,
            detail: e.detail,
            created_at: e.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json_body(Paged { items, next_cursor: cursor(page.next_after) }))
}

//! Role-change requests, as the portal has them: a member asks for other roles in one of its
//! companies, the company's customer approvers and portal admins are mailed, and one of them
//! grants or refuses (the first decision counts). Deciders and staff see all of a company's
//! requests, other members only their own; anything else is answered 404. Deciding is for the
//! company's own deciders: the provider admin sets roles directly (`setContactRoles`).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::notify;
use clientdesk_domain::accounts::{
    decides_role_changes, keeps_a_portal_admin, may_decide_role_change, RequestStatus, RoleChangeRequest,
};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::roles::{Role, RoleSet};
use clientdesk_persistence::{accounts, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::routes::contacts::{company_of, refused, role_names, standing, Standing};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_role_request)
        .service(list_role_requests)
        .service(get_role_request)
        .service(decide_role_request)
        .service(withdraw_role_request);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "company_id": 1, "user_id": 9, "user_name": "Pat User",
    "roles": ["portal_user_plus"], "reason": "I stand in for Ann during her holidays", "status": "granted",
    "decided_by": 7, "decided_at": "2026-12-07T10:00:00Z", "comment": "Until 4 January",
    "created_at": "2026-12-06T16:30:00Z"}))]
pub struct RoleRequestView {
    pub id: i64,
    pub company_id: i64,
    /// The requester.
    pub user_id: i64,
    pub user_name: String,
    /// The whole set of roles the requester asks to hold in the company.
    #[schema(example = json!(["portal_user_plus"]))]
    pub roles: Vec<String>,
    pub reason: String,
    /// `pending`, `granted`, `refused` or `withdrawn`.
    #[schema(example = "pending")]
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn views(conn: &mut DbConnection, auth: &Auth, requests: Vec<RoleChangeRequest>) -> ApiResult<Vec<RoleRequestView>> {
    let mut ids: Vec<UserId> = requests.iter().map(|r| r.user_id).collect();
    ids.sort_by_key(|u| u.0);
    ids.dedup();
    let names = users::names(conn, auth.tenant.id, &ids)?;
    Ok(requests
        .into_iter()
        .map(|r| RoleRequestView {
            id: r.id,
            company_id: r.company_id.0,
            user_id: r.user_id.0,
            user_name: names.get(&r.user_id).map(|(name, _)| name.clone()).unwrap_or_default(),
            roles: role_names(&r.roles),
            reason: r.reason,
            status: r.status.as_str().to_owned(),
            decided_by: r.decided_by.map(|u| u.0),
            decided_at: r.decided_at,
            comment: r.comment,
            created_at: r.created_at,
        })
        .collect())
}

fn view(conn: &mut DbConnection, auth: &Auth, request: RoleChangeRequest) -> ApiResult<RoleRequestView> {
    Ok(views(conn, auth, vec![request])?.remove(0))
}

/// Whether the caller sees all of a company's requests (staff and deciders) or its own only.
fn sees_all(standing: &Standing) -> bool {
    match standing {
        Standing::Staff => true,
        Standing::Member(roles) => decides_role_changes(roles),
    }
}

/// The request if the caller may see it, with how the caller stands in its company; 404 if not.
fn visible(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<(RoleChangeRequest, Standing)> {
    let request = accounts::get_role_request(conn, auth.tenant.id, id)?;
    let standing = standing(auth, request.company_id)?;
    if !sees_all(&standing) && request.user_id != auth.user.id {
        return Err(ApiError::NotFound);
    }
    Ok((request, standing))
}

fn roles_text(roles: &RoleSet) -> String {
    role_names(roles).join(", ")
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["portal_user", "customer_approver"], "reason": "I stand in for Ann in January"}))]
pub struct NewRoleRequest {
    /// The whole set of roles the caller asks to hold in the company.
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub roles: Vec<String>,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Ask the company's customer approvers and portal admins for other roles there (any member,
/// for itself): they are mailed. One pending request per member and company.
#[utoipa::path(tag = "accounts", operation_id = "createRoleRequest", security(("bearer" = [])),
    params(("company_id" = i64, Path)), request_body = NewRoleRequest,
    responses(
        (status = 201, description = "The pending request", body = RoleRequestView),
        (status = 403, description = "Staff hold no roles in a company", body = Problem),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 409, description = "A request of the caller is pending in this company", body = Problem),
        (status = 422, description = "Unknown or no role, the roles held already, or no reason", body = Problem)))]
#[post("/api/v1/companies/{company_id}/role-requests")]
pub async fn create_role_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<NewRoleRequest>,
) -> ApiResult<HttpResponse> {
    let company_id = CompanyId(path.into_inner());
    let Standing::Member(current) = standing(&auth, company_id)? else {
        return Err(ApiError::forbidden("forbidden-staff-role-request"));
    };
    body.validate()?;
    let roles = RoleSet::parse_all(&body.roles)?;
    if roles == current {
        return Err(ApiError::invalid("roles", Message::new("rule-roles-unchanged")));
    }
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::invalid("reason", Message::new("rule-reason-required")));
    }
    let (client, shared) = (origin::of(&req), state.clone());
    let request = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let company = company_of(conn, &auth, company_id)?;
                let request =
                    accounts::create_role_request(conn, auth.tenant.id, company_id, auth.user.id, &roles, &reason, now)
                        .map_err(|e| match e {
                            clientdesk_persistence::Error::Conflict(_) => {
                                ApiError::conflict("conflict-role-request-pending")
                            }
                            other => other.into(),
                        })?;
                let (url, asked) = (shared.settings.links.role_requests(), roles_text(&roles));
                for decider in accounts::active_contacts(conn, company_id)? {
                    if decider.id == auth.user.id || !decides_role_changes(&decider.roles) {
                        continue;
                    }
                    let notice = Notice::RoleChangeRequested {
                        recipient: &decider.name,
                        requester: &auth.user.name,
                        company: &company.name,
                        roles: &asked,
                        reason: &reason,
                        url: &url,
                    };
                    notify::email(conn, auth.tenant.id, &decider.email, decider.language, &notice, now)?;
                }
                client.record_change(
                    conn,
                    &auth,
                    "role_change_requested",
                    format!("role_request:{}", request.id),
                    Some(format!("company:{company_id} roles:{}", roles.to_stored())),
                )?;
                view(conn, &auth, request)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(request))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoleRequestQuery {
    /// Only requests in this status: `pending`, `granted`, `refused` or `withdrawn`.
    pub status: Option<String>,
}

/// The company's role-change requests, newest first: all of them for its deciders and staff,
/// the caller's own for other members.
#[utoipa::path(tag = "accounts", operation_id = "listRoleRequests", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery, RoleRequestQuery),
    responses(
        (status = 200, description = "A page of requests", body = Paged<RoleRequestView>),
        (status = 404, description = "Not a company of the caller", body = Problem),
        (status = 422, description = "Invalid status or paging", body = Problem)))]
#[get("/api/v1/companies/{company_id}/role-requests")]
pub async fn list_role_requests(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
    query: crate::query::Query<RoleRequestQuery>,
) -> ApiResult<HttpResponse> {
    let company_id = CompanyId(path.into_inner());
    let (limit, before) = page.resolve()?;
    let status =
        query.status.as_deref().map(RequestStatus::parse).transpose().map_err(|e| ApiError::from(e).in_query())?;
    let only = (!sees_all(&standing(&auth, company_id)?)).then_some(auth.user.id);
    let page = state
        .run(move |conn| {
            company_of(conn, &auth, company_id)?;
            let page = accounts::list_role_requests(conn, company_id, only, status, before, limit)?;
            Ok(Paged { items: views(conn, &auth, page.items)?, next_cursor: cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// One role-change request, if the caller sees it (as in `listRoleRequests`).
#[utoipa::path(tag = "accounts", operation_id = "getRoleRequest", security(("bearer" = [])),
    params(("request_id" = i64, Path)),
    responses(
        (status = 200, description = "The request", body = RoleRequestView),
        (status = 404, description = "No such request the caller sees", body = Problem)))]
#[get("/api/v1/role-requests/{request_id}")]
pub async fn get_role_request(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let request = state
        .run(move |conn| {
            let (request, _) = visible(conn, &auth, id)?;
            view(conn, &auth, request)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(request))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grant": true, "comment": "Until 4 January"}))]
pub struct RoleDecision {
    pub grant: bool,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

/// Grant or refuse a pending request (a customer approver or portal admin of the company, never
/// on its own request). Only a portal admin grants `portal_admin`, and only where the tenant
/// lets customers; any decider may refuse. A grant sets the requester's roles, but never takes
/// the company's last portal admin away. The first decision counts; the requester is mailed.
#[utoipa::path(tag = "accounts", operation_id = "decideRoleRequest", security(("bearer" = [])),
    params(("request_id" = i64, Path)), request_body = RoleDecision,
    responses(
        (status = 200, description = "The decided request", body = RoleRequestView),
        (status = 403, description = "Not a decider of the company, or the caller's own request", body = Problem),
        (status = 404, description = "No such request the caller sees", body = Problem),
        (status = 409, description = "Decided or withdrawn already, the requester left the company, or it would \
            leave the company without a portal admin", body = Problem),
        (status = 422, description = "Invalid comment, or roles the caller may not grant", body = Problem)))]
#[post("/api/v1/role-requests/{request_id}/decision")]
pub async fn decide_role_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<RoleDecision>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let RoleDecision { grant, comment } = body.into_inner();
    let comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let (id, client) = (path.into_inner(), origin::of(&req));
    let request = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let (request, standing) = visible(conn, &auth, id)?;
                let Standing::Member(roles) = standing else {
                    return Err(ApiError::forbidden("forbidden-role-request-decider"));
                };
                let policy = accounts::policy(conn, auth.tenant.id)?;
                // Refusing hands out nothing: only granting is bound by the roles asked for.
                let bound = if grant { request.roles.clone() } else { RoleSet::default() };
                may_decide_role_change(&roles, request.user_id == auth.user.id, &bound, policy).map_err(refused)?;
                let settled = || ApiError::conflict("conflict-role-request-settled");
                if request.status != RequestStatus::Pending {
                    return Err(settled());
                }
                let company = company_of(conn, &auth, request.company_id)?;
                let target = if grant {
                    let target = accounts::contact(conn, request.company_id, request.user_id).map_err(|e| match e {
                        clientdesk_persistence::Error::NotFound => ApiError::conflict("conflict-requester-left"),
                        other => other.into(),
                    })?;
                    let counted = |r: &RoleSet| r.contains(Role::PortalAdmin) && !target.disabled && !target.suspended;
                    let admins = accounts::count_portal_admins(conn, request.company_id)? as usize;
                    let after = admins.saturating_sub(usize::from(counted(&target.roles)))
                        + usize::from(counted(&request.roles));
                    keeps_a_portal_admin(&target.roles, &request.roles, after).map_err(refused)?;
                    Some(target)
                } else {
                    None
                };
                let status = if grant { RequestStatus::Granted } else { RequestStatus::Refused };
                if !accounts::settle_role_request(conn, id, status, auth.user.id, comment.as_deref(), now)? {
                    return Err(settled());
                }
                if let Some(target) = target.filter(|t| t.roles != request.roles) {
                    users::upsert_membership(conn, auth.tenant.id, target.id, request.company_id, &request.roles, now)?;
                }
                let requester = users::get(conn, auth.tenant.id, request.user_id)?;
                let notice = Notice::RoleChangeDecided {
                    recipient: &requester.name,
                    company: &company.name,
                    roles: &roles_text(&request.roles),
                    granted: grant,
                    decider: &auth.user.name,
                    comment: comment.as_deref(),
                };
                notify::email(conn, auth.tenant.id, &requester.email, requester.language, &notice, now)?;
                client.record_change(
                    conn,
                    &auth,
                    if grant { "role_change_granted" } else { "role_change_refused" },
                    format!("role_request:{id}"),
                    Some(format!("company:{} roles:{}", request.company_id, request.roles.to_stored())),
                )?;
                let decided = accounts::get_role_request(conn, auth.tenant.id, id)?;
                view(conn, &auth, decided)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(request))
}

/// Withdraw one's own pending request.
#[utoipa::path(tag = "accounts", operation_id = "withdrawRoleRequest", security(("bearer" = [])),
    params(("request_id" = i64, Path)),
    responses(
        (status = 200, description = "The withdrawn request", body = RoleRequestView),
        (status = 403, description = "Not the caller's own request", body = Problem),
        (status = 404, description = "No such request the caller sees", body = Problem),
        (status = 409, description = "Decided or withdrawn already", body = Problem)))]
#[post("/api/v1/role-requests/{request_id}/withdraw")]
pub async fn withdraw_role_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (id, client) = (path.into_inner(), origin::of(&req));
    let request = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (request, _) = visible(conn, &auth, id)?;
                if request.user_id != auth.user.id {
                    return Err(ApiError::forbidden("forbidden-withdraw-not-requester"));
                }
                let now = Utc::now();
                if request.status != RequestStatus::Pending
                    || !accounts::settle_role_request(conn, id, RequestStatus::Withdrawn, auth.user.id, None, now)?
                {
                    return Err(ApiError::conflict("conflict-role-request-settled"));
                }
                client.record_change(
                    conn,
                    &auth,
                    "role_change_withdrawn",
                    format!("role_request:{id}"),
                    Some(format!("company:{}", request.company_id)),
                )?;
                let withdrawn = accounts::get_role_request(conn, auth.tenant.id, id)?;
                view(conn, &auth, withdrawn)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(request))
}

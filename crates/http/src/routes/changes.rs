//! Change requests: staff propose a change to a company's systems; one of its change managers
//! approves or rejects it. Controllers and customer approvers read them (`changes_read`) and
//! decide nothing (403); other roles do not see them (404).

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use clientdesk_app::events::{self, Event};
use clientdesk_app::notify;
use clientdesk_domain::approvals::{self, ChangeDecision, ChangeRequest, ChangeStatus, Risk};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::Permission;
use clientdesk_persistence::approvals as store;
use clientdesk_persistence::{companies, users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::tickets::view::Named;
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::idempotency;
use crate::json::Json;
use crate::origin;
use crate::paging::{self, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_change_request)
        .service(list_change_requests)
        .service(get_change_request)
        .service(decide_change_request)
        .service(cancel_change_request);
}

/// A change staff propose.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Replace the firewall", "description": "Swap the FG-60E for an FG-70F.",
    "reason": "The old model reaches end of support in January.", "risk": "medium",
    "planned_start": "2026-12-05T20:00:00Z", "planned_end": "2026-12-05T23:00:00Z",
    "estimated_cost_cents": 125000, "currency": "EUR"}))]
pub struct NewChangeInput {
    /// 1 to 200 characters.
    pub title: String,
    /// Up to 4,000 characters.
    pub description: String,
    /// Why the change is needed (1 to 4,000 characters).
    pub reason: String,
    pub risk: Risk,
    /// Given together with `planned_end`, before it.
    pub planned_start: Option<DateTime<Utc>>,
    pub planned_end: Option<DateTime<Utc>>,
    /// In the currency's smallest unit (cents), 0 or more; given together with `currency`.
    pub estimated_cost_cents: Option<i64>,
    /// ISO 4217 code, three capital letters.
    pub currency: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "approve", "comment": "Go ahead on the 5th."}))]
pub struct ChangeDecisionInput {
    pub decision: ChangeDecision,
    /// Required when rejecting (at most 4,000 characters).
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "company_id": 1, "title": "Replace the firewall",
    "description": "Swap the FG-60E for an FG-70F.", "reason": "End of support in January.", "risk": "medium",
    "planned_start": "2026-12-05T20:00:00Z", "planned_end": "2026-12-05T23:00:00Z",
    "estimated_cost_cents": 125000, "currency": "EUR", "status": "pending",
    "created_at": "2026-11-23T09:00:00Z", "asked": [{"id": 8, "name": "Max Changes"}], "may_decide": true}))]
pub struct ChangeView {
    pub id: i64,
    pub company_id: i64,
    pub title: String,
    pub description: String,
    pub reason: String,
    pub risk: Risk,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_start: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_end: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_cost_cents: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    pub status: ChangeStatus,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<Named>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// The change managers asked: the company's members holding `changes_approve` now (any
    /// one of them decides).
    pub asked: Vec<Named>,
    /// Whether the caller may approve or reject it now.
    pub may_decide: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// `pending`, `approved`, `rejected` or `cancelled`.
    pub status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl NewChangeInput {
    fn into_change(self, auth: &Auth, company: CompanyId, now: DateTime<Utc>) -> ApiResult<ChangeRequest> {
        let title = approvals::required_text("title", &self.title, 200)?;
        let description = self.description.trim().to_owned();
        if description.chars().count() > approvals::MAX_TEXT {
            return Err(ApiError::invalid("description", Message::new("rule-max-chars").arg("max", 4000)));
        }
        let reason = approvals::required_text("reason", &self.reason, approvals::MAX_TEXT)?;
        match (self.planned_start, self.planned_end) {
            (Some(start), Some(end)) if start >= end => {
                return Err(ApiError::invalid("planned_end", Message::new("rule-after").arg("other", "planned_start")))
            }
            (Some(start), Some(_)) if start < now - Duration::days(1) || start > now + Duration::days(3660) => {
                return Err(ApiError::invalid("planned_start", Message::new("rule-planned-start")))
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(ApiError::invalid(
                    "planned_end",
                    Message::new("rule-together").arg("first", "planned_start").arg("second", "planned_end"),
                ))
            }
            _ => {}
        }
        match (self.estimated_cost_cents, self.currency.as_deref()) {
            (Some(cents), Some(currency)) => {
                if !(0..=1_000_000_000_000).contains(&cents) {
                    return Err(ApiError::invalid(
                        "estimated_cost_cents",
                        Message::new("field-range-between").arg("min", 0).arg("max", "10^12"),
                    ));
                }
                if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(ApiError::invalid("currency", Message::new("rule-iso-currency")));
                }
            }
            (None, None) => {}
            _ => {
                return Err(ApiError::invalid(
                    "currency",
                    Message::new("rule-together").arg("first", "estimated_cost_cents").arg("second", "currency"),
                ))
            }
        }
        Ok(ChangeRequest {
            id: 0,
            tenant_id: auth.tenant.id,
            company_id: company,
            title,
            description,
            reason,
            risk: self.risk,
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            estimated_cost_cents: self.estimated_cost_cents,
            currency: self.currency,
            status: ChangeStatus::Pending,
            requested_by: auth.principal.user_id,
            created_at: now,
            decided_by: None,
            decision_comment: None,
            decided_at: None,
            version: 1,
        })
    }
}

/// Whether the caller may read `company`'s change requests: staff, or a member holding
/// `changes_read` there; 404 otherwise, as if they did not exist.
fn require_read(auth: &Auth, company: CompanyId) -> ApiResult<()> {
    if auth.principal.is_staff() {
        return Ok(());
    }
    let (member, _) = auth.company(company)?;
    if member.roles.grants(Permission::ChangesRead) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn approves(auth: &Auth, company: CompanyId) -> bool {
    !auth.principal.read_only
        && auth.companies.iter().any(|m| m.company.id == company && m.roles.grants(Permission::ChangesApprove))
}

fn views(conn: &mut DbConnection, auth: &Auth, changes: Vec<ChangeRequest>) -> ApiResult<Vec<ChangeView>> {
    let deciders: Vec<UserId> = changes.iter().filter_map(|c| c.decided_by).collect();
    let names = users::names(conn, auth.tenant.id, &deciders)?;
    let mut managers: HashMap<CompanyId, Vec<Named>> = HashMap::new();
    for company in changes.iter().map(|c| c.company_id) {
        if let Entry::Vacant(slot) = managers.entry(company) {
            let members = store::members_with(conn, company, Permission::ChangesApprove)?;
            slot.insert(members.into_iter().map(|m| Named { id: m.id.0, name: m.name }).collect());
        }
    }
    Ok(changes
        .into_iter()
        .map(|c| {
            let may_decide = c.status == ChangeStatus::Pending && approves(auth, c.company_id);
            let asked = managers.get(&c.company_id).cloned().unwrap_or_default();
            ChangeView {
                id: c.id,
                company_id: c.company_id.0,
                title: c.title,
                description: c.description,
                reason: c.reason,
                risk: c.risk,
                planned_start: c.planned_start,
                planned_end: c.planned_end,
                estimated_cost_cents: c.estimated_cost_cents,
                currency: c.currency,
                status: c.status,
                created_at: c.created_at,
                decided_by: c
                    .decided_by
                    .map(|u| Named { id: u.0, name: names.get(&u).map(|(n, _)| n.clone()).unwrap_or_default() }),
                decision_comment: c.decision_comment,
                decided_at: c.decided_at,
                asked,
                may_decide,
            }
        })
        .collect())
}

fn one_view(conn: &mut DbConnection, auth: &Auth, change: ChangeRequest) -> ApiResult<ChangeView> {
    views(conn, auth, vec![change])?.pop().ok_or(ApiError::NotFound)
}

/// Propose a change to a company (staff). The company's change managers are asked by e-mail.
#[utoipa::path(tag = "change requests", operation_id = "createChangeRequest", security(("bearer" = [])),
    params(("company_id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body give the first answer")),
    request_body = NewChangeInput,
    responses(
        (status = 201, description = "Proposed", body = ChangeView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such company", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/companies/{company_id}/change-requests")]
pub async fn create_change_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<NewChangeInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let company_id = CompanyId(path.into_inner());
    let body = body.into_inner();
    let key = idempotency::key_of(&req)?;
    let fingerprint = serde_json::to_vec(&(req.path(), &body)).map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = Utc::now();
    let change = body.into_change(&auth, company_id, now)?;
    let (links, client) = (state.settings.links.clone(), origin::of(&req));
    idempotency::once(
        &state,
        auth,
        key,
        &fingerprint,
        |_, auth| Ok(auth),
        move |conn, auth| {
            let company = companies::get(conn, auth.tenant.id, company_id)?;
            let change = store::create_change(conn, &change)?;
            client.record_change(
                conn,
                &auth,
                "change_request.created",
                format!("change_request:{}", change.id),
                None,
            )?;
            let managers = store::members_with(conn, company_id, Permission::ChangesApprove)?;
            notify::change_requested(conn, &auth.tenant, &links, &company, &change, &managers, now)?;
            let view = one_view(conn, &auth, change)?;
            Ok((StatusCode::CREATED, crate::respond::to_json(view)?))
        },
    )
    .await
}

/// List a company's change requests, newest first (staff, and members holding `changes_read`).
#[utoipa::path(tag = "change requests", operation_id = "listChangeRequests", security(("bearer" = [])),
    params(("company_id" = i64, Path), ChangeQuery),
    responses(
        (status = 200, description = "A page of change requests", body = Paged<ChangeView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "Not a company of yours, or your roles do not include changes", body = Problem),
        (status = 422, description = "Invalid status or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/change-requests")]
pub async fn list_change_requests(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    query: crate::query::Query<ChangeQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let status = query
        .status
        .as_deref()
        .map(|s| {
            ChangeStatus::parse(s).ok_or_else(|| {
                ApiError::invalid_parameter(
                    "status",
                    Message::new("rule-either").arg("first", "pending, approved, rejected").arg("second", "cancelled"),
                )
            })
        })
        .transpose()?;
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.resolve()?;
    require_read(&auth, company)?;
    let page = state
        .run(move |conn| {
            if auth.principal.is_staff() {
                companies::get(conn, auth.tenant.id, company)?;
            }
            let page = store::list_changes(conn, auth.tenant.id, company, status, after, limit)?;
            Ok(Paged { items: views(conn, &auth, page.items)?, next_cursor: paging::cursor(page.next_after) })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

fn load(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<ChangeRequest> {
    let change = store::get_change(conn, auth.tenant.id, id)?;
    require_read(auth, change.company_id)?;
    Ok(change)
}

/// Read a change request.
#[utoipa::path(tag = "change requests", operation_id = "getChangeRequest", security(("bearer" = [])),
    params(("change_request_id" = i64, Path)),
    responses(
        (status = 200, description = "The change request", body = ChangeView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such change request, or not visible to you", body = Problem)))]
#[get("/api/v1/change-requests/{change_request_id}")]
pub async fn get_change_request(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            let change = load(conn, &auth, id)?;
            one_view(conn, &auth, change)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Approve or reject a change request (change managers of its company).
///
/// Exactly one decision counts: a second one, also at the same moment, answers 409. A rejection
/// needs a comment.
#[utoipa::path(tag = "change requests", operation_id = "decideChangeRequest", security(("bearer" = [])),
    params(("change_request_id" = i64, Path)),
    request_body = ChangeDecisionInput,
    responses(
        (status = 200, description = "The decided change request", body = ChangeView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "You may read it but not decide (no changes_approve)", body = Problem),
        (status = 404, description = "No such change request, or not visible to you", body = Problem),
        (status = 409, description = "Already decided or cancelled", body = Problem),
        (status = 422, description = "Invalid decision, or a rejection without a comment", body = Problem)))]
#[post("/api/v1/change-requests/{change_request_id}/decision")]
pub async fn decide_change_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<ChangeDecisionInput>,
) -> ApiResult<HttpResponse> {
    let (id, body) = (path.into_inner(), body.into_inner());
    let rejecting = body.decision == ChangeDecision::Reject;
    let comment = approvals::decision_comment(rejecting, body.comment.as_deref())?;
    let (client, links) = (origin::of(&req), state.settings.links.clone());
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let change = load(conn, &auth, id)?;
                if !approves(&auth, change.company_id) {
                    return Err(ApiError::forbidden("forbidden-roles-changes"));
                }
                let status = if rejecting { ChangeStatus::Rejected } else { ChangeStatus::Approved };
                let now = Utc::now();
                if !store::settle_change(conn, id, status, auth.principal.user_id, comment.as_deref(), now)? {
                    return Err(ApiError::conflict("conflict-change-settled"));
                }
                let target = format!("change_request:{id}");
                client.record_change(conn, &auth, "change_request.decided", target, Some(status.as_str().into()))?;
                let change = store::get_change(conn, auth.tenant.id, id)?;
                let company = companies::get(conn, auth.tenant.id, change.company_id)?;
                let (tenant, name) = (&auth.tenant, auth.user.name.as_str());
                notify::change_decided(conn, tenant, &links, &company, &change, !rejecting, name, now)?;
                events::emit(conn, auth.tenant.id, Event::ChangeRequestDecided(&change))?;
                one_view(conn, &auth, change)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Cancel a pending change request (staff).
#[utoipa::path(tag = "change requests", operation_id = "cancelChangeRequest", security(("bearer" = [])),
    params(("change_request_id" = i64, Path)),
    responses(
        (status = 200, description = "The cancelled change request", body = ChangeView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such change request", body = Problem),
        (status = 409, description = "Already decided or cancelled", body = Problem)))]
#[post("/api/v1/change-requests/{change_request_id}/cancel")]
pub async fn cancel_change_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let id = path.into_inner();
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                load(conn, &auth, id)?;
                let now = Utc::now();
                let user = auth.principal.user_id;
                if !store::settle_change(conn, id, ChangeStatus::Cancelled, user, None, now)? {
                    return Err(ApiError::conflict("conflict-change-settled"));
                }
                client.record_change(conn, &auth, "change_request.cancelled", format!("change_request:{id}"), None)?;
                let change = store::get_change(conn, auth.tenant.id, id)?;
                one_view(conn, &auth, change)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

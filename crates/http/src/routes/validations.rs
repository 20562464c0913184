//! Validations: staff ask a company's approvers to accept or reject something about a ticket;
//! an approver decides in the portal or through a single-use link from the e-mail.
//!
//! Everyone who may read the ticket sees its validations; only members holding
//! `tickets_validate` in the ticket's own company may decide, never the ticket's requester, and
//! exactly one decision settles a validation under the default rule.

use actix_web::http::{header, StatusCode};
use actix_web::ResponseError;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use clientdesk_app::crypto::secrets::fingerprint;
use clientdesk_app::notify::{self, LinkSettings};
use clientdesk_app::origin::Origin;
use clientdesk_domain::approvals::{
    self, Decision, DecisionLink, DecisionRecord, DecisionRule, Validation, ValidationStatus,
};
use clientdesk_domain::entities::Tenant;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::Permission;
use clientdesk_domain::tickets::{Change, Scope, Status, Ticket};
use clientdesk_persistence::approvals::{self as store, Member, TicketRef, ValidationFilter};
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::tickets as tickets_store;
use clientdesk_persistence::{tenants, users, write_tx, DbConnection, Error};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::decision_page;
use super::tickets::access::{self, TicketAccess};
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
    cfg.service(create_validation)
        .service(list_ticket_validations)
        .service(list_company_validations)
        .service(get_validation)
        .service(decide_validation)
        .service(cancel_validation)
        .service(preview_decision_link)
        .service(confirm_decision_link);
}

/// What staff ask the approvers.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"question": "May we restart the file server tonight between 22:00 and 22:30?",
    "deadline": "2026-11-25T17:00:00Z", "rule": "any"}))]
pub struct NewValidationInput {
    /// What is asked: a downtime window, a small cost... (1 to 4,000 characters).
    pub question: String,
    /// After it the validation expires undecided. In the future, at most a year ahead.
    pub deadline: Option<DateTime<Utc>>,
    /// `any` (the default): the first approver decides; `all`: every approver must accept.
    pub rule: Option<DecisionRule>,
}

/// An approver's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "reject", "comment": "Not during the month-end closing, please."}))]
pub struct DecisionInput {
    pub decision: Decision,
    /// Required when rejecting (at most 4,000 characters).
    pub comment: Option<String>,
}

/// The comment confirming a decision link (required for a reject link).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Fine for us."}))]
pub struct LinkConfirmation {
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "number": 1042, "title": "File server slow"}))]
pub struct TicketSummary {
    pub id: i64,
    pub number: i64,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"by": {"id": 5, "name": "Ann Approver"}, "decision": "reject",
    "comment": "Not during the month-end closing, please.", "at": "2026-11-23T10:12:00Z"}))]
pub struct DecisionView {
    pub by: Named,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "ticket": {"id": 12, "number": 1042, "title": "File server slow"},
    "company_id": 1, "question": "May we restart the file server tonight?", "rule": "any", "status": "pending",
    "deadline": "2026-11-25T17:00:00Z", "created_at": "2026-11-23T09:00:00Z", "decisions": [], "may_decide": true}))]
pub struct ValidationView {
    pub id: i64,
    pub ticket: TicketSummary,
    pub company_id: i64,
    pub question: String,
    pub rule: DecisionRule,
    /// `pending` past its deadline shows as `expired`.
    pub status: ValidationStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided what, oldest first.
    pub decisions: Vec<DecisionView>,
    /// Whether the caller may accept or reject it now.
    pub may_decide: bool,
}

/// The validation statuses to list and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ValidationQuery {
    /// `pending`, `accepted`, `rejected`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ValidationQuery {
    fn status(&self) -> ApiResult<Option<ValidationStatus>> {
        self.status
            .as_deref()
            .map(|s| {
                ValidationStatus::parse(s).ok_or_else(|| {
                    ApiError::invalid("status", "must be pending, accepted, rejected, expired or cancelled")
                })
            })
            .transpose()
    }
}

/// Whether `user`, holding `tickets_validate` in the validation's company or not, may decide on
/// `v` now.
fn decides(
    user: UserId,
    holds_validate: bool,
    v: &Validation,
    requester: UserId,
    done: &[DecisionRecord],
    now: DateTime<Utc>,
) -> bool {
    holds_validate
        && requester != user
        && v.status(now) == ValidationStatus::Pending
        && !done.iter().any(|d| d.user_id == user)
}

/// Whether the caller holds `tickets_validate` in `company` (directly, not through a parent).
fn holds_validate(auth: &Auth, company: CompanyId) -> bool {
    !auth.principal.read_only
        && auth.companies.iter().any(|m| m.company.id == company && m.roles.grants(Permission::TicketsValidate))
}

/// Renders validations with their decisions and who decided.
fn views(
    conn: &mut DbConnection,
    auth: &Auth,
    items: Vec<(Validation, i64, TicketRef)>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ValidationView>> {
    let ids: Vec<i64> = items.iter().map(|(v, ..)| v.id).collect();
    let decisions = store::decisions(conn, &ids)?;
    let people: Vec<UserId> = decisions.iter().map(|(_, d)| d.user_id).collect();
    let names = users::names(conn, auth.tenant.id, &people)?;
    let user = auth.principal.user_id;
    Ok(items
        .into_iter()
        .map(|(v, ticket_id, ticket)| {
            let done: Vec<DecisionRecord> =
                decisions.iter().filter(|(id, _)| *id == v.id).map(|(_, d)| d.clone()).collect();
            let may_decide = decides(user, holds_validate(auth, v.company_id), &v, ticket.requester_id, &done, now);
            ValidationView {
                id: v.id,
                ticket: TicketSummary { id: ticket_id, number: ticket.number, title: ticket.title },
                company_id: v.company_id.0,
                question: v.question.clone(),
                rule: v.rule,
                status: v.status(now),
                deadline: v.deadline,
                created_at: v.created_at,
                decided_at: v.decided_at,
                decisions: done
                    .into_iter()
                    .map(|d| DecisionView {
                        by: Named {
                            id: d.user_id.0,
                            name: names.get(&d.user_id).map(|(n, _)| n.clone()).unwrap_or_default(),
                        },
                        decision: d.decision,
                        comment: d.comment,
                        at: d.decided_at,
                    })
                    .collect(),
                may_decide,
            }
        })
        .collect())
}

fn ticket_ref(t: &Ticket) -> TicketRef {
    TicketRef { number: t.number, title: t.title.clone(), requester_id: t.requester_id }
}

fn one_view(conn: &mut DbConnection, auth: &Auth, v: Validation, ticket: &Ticket) -> ApiResult<ValidationView> {
    let mut list = views(conn, auth, vec![(v, ticket.id, ticket_ref(ticket))], Utc::now())?;
    list.pop().ok_or(ApiError::NotFound)
}

/// The approvers of a ticket's company who may decide: everyone holding `tickets_validate`
/// there except the ticket's requester.
fn approvers(conn: &mut DbConnection, ticket: &Ticket) -> ApiResult<Vec<Member>> {
    let mut members = store::members_with(conn, ticket.company_id, Permission::TicketsValidate)?;
    members.retain(|m| m.id != ticket.requester_id);
    Ok(members)
}

fn history(conn: &mut DbConnection, ticket: &Ticket, actor: UserId, what: &str, now: DateTime<Utc>) -> ApiResult<()> {
    let change =
        Change { kind: "validation", field: None, old_value: None, new_value: Some(what.to_owned()), internal: false };
    tickets_store::record_events(conn, ticket, Some(actor), &[change], now)?;
    Ok(())
}

fn audit_event(
    conn: &mut DbConnection,
    tenant: &Tenant,
    actor: UserId,
    action: &'static str,
    v: &Validation,
    detail: Option<String>,
) -> ApiResult<()> {
    let event = NewAuditEvent {
        tenant_id: Some(tenant.id),
        actor_user_id: Some(actor),
        action,
        target: Some(format!("validation:{}", v.id)),
        detail,
        ..Default::default()
    };
    audit::record(conn, &event, Utc::now())?;
    Ok(())
}

/// Where a decision came from: the client that sent it, and whether by mailed link or in the
/// portal. Recorded with the decision, so a disputed one can be traced to an address and browser.
struct DecidedFrom<'a> {
    client: &'a Origin,
    via: &'static str,
}

/// Ask the company's approvers to validate a ticket (staff).
///
/// The approvers (members holding `tickets_validate`, except the ticket's requester) each get an
/// e-mail in their language with single-use accept and reject links. A ticket has at most one
/// pending validation. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(tag = "validations", operation_id = "createValidation", security(("bearer" = [])),
    params(("ticket_id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body give the first answer")),
    request_body = NewValidationInput,
    responses(
        (status = 201, description = "Asked", body = ValidationView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such ticket", body = Problem),
        (status = 409, description = "The ticket is closed, already awaits a validation, or its company has no approver", body = Problem),
        (status = 422, description = "Invalid question, deadline or rule", body = Problem)))]
#[post("/api/v1/tickets/{ticket_id}/validations")]
pub async fn create_validation(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<NewValidationInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let (ticket_id, body) = (path.into_inner(), body.into_inner());
    let now = Utc::now();
    let question = approvals::required_text("question", &body.question, approvals::MAX_TEXT)?;
    if let Some(deadline) = body.deadline {
        if deadline <= now || deadline > now + Duration::days(366) {
            return Err(ApiError::invalid("deadline", "must be in the future, at most a year ahead"));
        }
    }
    let key = idempotency::key_of(&req)?;
    let fingerprint = serde_json::to_vec(&(req.path(), &body)).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (links, sealer) = (state.settings.links.clone(), state.sealer.clone());
    idempotency::once(
        &state,
        auth,
        key,
        &fingerprint,
        |_, auth| Ok(auth),
        move |conn, auth| {
            let access = access::load(conn, &auth, ticket_id)?;
            let ticket = &access.ticket;
            if ticket.status == Status::Closed {
                return Err(ApiError::Conflict(
                    "The ticket is closed; reopen it before asking for a validation.".into(),
                ));
            }
            let approvers = approvers(conn, ticket)?;
            if approvers.is_empty() {
                return Err(ApiError::Conflict(
                "The ticket's company has no approver (customer_approver or change_manager) other than the requester."
                    .into(),
            ));
            }
            let new = store::NewValidation {
                tenant_id: auth.tenant.id,
                company_id: ticket.company_id,
                ticket_id,
                question,
                rule: body.rule.unwrap_or_default(),
                deadline: body.deadline,
                requested_by: auth.principal.user_id,
            };
            let validation = match store::create_validation(conn, &new, now) {
                Err(Error::Conflict(_)) => {
                    return Err(ApiError::Conflict("The ticket already awaits a validation; cancel it first.".into()))
                }
                other => other?,
            };
            history(conn, ticket, auth.principal.user_id, "requested", now)?;
            audit_event(conn, &auth.tenant, auth.principal.user_id, "validation.requested", &validation, None)?;
            notify::validation_requested(conn, &sealer, &auth.tenant, &links, ticket, &validation, &approvers, now)?;
            let view = one_view(conn, &auth, validation, ticket)?;
            Ok((StatusCode::CREATED, crate::respond::to_json(view)?))
        },
    )
    .await
}

/// List a ticket's validations, newest first (everyone who may read the ticket).
#[utoipa::path(tag = "validations", operation_id = "listTicketValidations", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), ValidationQuery),
    responses(
        (status = 200, description = "A page of validations", body = Paged<ValidationView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 422, description = "Invalid status or cursor", body = Problem)))]
#[get("/api/v1/tickets/{ticket_id}/validations")]
pub async fn list_ticket_validations(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    query: web::Query<ValidationQuery>,
) -> ApiResult<HttpResponse> {
    let ticket_id = path.into_inner();
    let status = query.status()?;
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.resolve()?;
    let page = state
        .run(move |conn| {
            access::load(conn, &auth, ticket_id)?;
            let filter = ValidationFilter {
                tenant: auth.tenant.id,
                companies: None,
                ticket: Some(ticket_id),
                concerning: None,
                status,
                // Reading the ticket above already refuses one in a hidden status.
                hidden_ticket_statuses: Vec::new(),
                after,
                limit,
            };
            list(conn, &auth, &filter)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

fn list(conn: &mut DbConnection, auth: &Auth, filter: &ValidationFilter) -> ApiResult<Paged<ValidationView>> {
    let now = Utc::now();
    let page = store::list_validations(conn, filter, now)?;
    let items = page.items.into_iter().map(|i| (i.validation.clone(), i.validation.ticket_id, i.ticket)).collect();
    Ok(Paged { items: views(conn, auth, items, now)?, next_cursor: paging::cursor(page.next_after) })
}

/// List a company's validations, newest first.
///
/// Approvers and the other roles reading all of the company's tickets see every validation;
/// `portal_user` sees those of the tickets it opened or is the contact of. Customers never see
/// those of tickets in statuses hidden from them. Filter with `status` (`pending` excludes those
/// past their deadline, which are `expired`).
#[utoipa::path(tag = "validations", operation_id = "listCompanyValidations", security(("bearer" = [])),
    params(("company_id" = i64, Path), ValidationQuery),
    responses(
        (status = 200, description = "A page of validations", body = Paged<ValidationView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Ticketing is off for the company, or your roles do not include tickets", body = Problem),
        (status = 404, description = "Not a company of yours", body = Problem),
        (status = 422, description = "Invalid status or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/validations")]
pub async fn list_company_validations(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    query: web::Query<ValidationQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let status = query.status()?;
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.resolve()?;
    let page = state
        .run(move |conn| {
            let mut filter = ValidationFilter {
                tenant: auth.tenant.id,
                companies: Some(vec![company]),
                ticket: None,
                concerning: None,
                status,
                hidden_ticket_statuses: Vec::new(),
                after,
                limit,
            };
            if auth.principal.is_staff() {
                clientdesk_persistence::companies::get(conn, auth.tenant.id, company)?;
            } else {
                // Tickets in statuses hidden from customers do not exist for them, nor their validations.
                filter.hidden_ticket_statuses = auth.catalogs.get(conn, &auth.tenant)?.settings.hidden_statuses.clone();
                let member = access::ticketing_member(&auth, company)?;
                match clientdesk_domain::ticket_access::read_scope(&member.roles) {
                    Some(Scope::All) => {}
                    Some(Scope::Own) => filter.concerning = Some(auth.principal.user_id),
                    None => return Err(ApiError::Forbidden("Your roles in this company do not include tickets.")),
                }
            }
            list(conn, &auth, &filter)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// The validation and the ticket it is about, if the caller may read that ticket; 404 otherwise.
fn load(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<(Validation, TicketAccess)> {
    let validation = store::get_validation(conn, auth.tenant.id, id)?;
    let access = access::load(conn, auth, validation.ticket_id)?;
    Ok((validation, access))
}

/// Read a validation (everyone who may read its ticket).
#[utoipa::path(tag = "validations", operation_id = "getValidation", security(("bearer" = [])),
    params(("validation_id" = i64, Path)),
    responses(
        (status = 200, description = "The validation", body = ValidationView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such validation, or its ticket is not visible to you", body = Problem)))]
#[get("/api/v1/validations/{validation_id}")]
pub async fn get_validation(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            let (validation, access) = load(conn, &auth, id)?;
            one_view(conn, &auth, validation, &access.ticket)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// What deciding did: settled or recorded the decision, or found the validation expired (which
/// is then stored, and answered with 409 once committed).
enum Outcome {
    Decided(Validation),
    Expired,
}

/// Applies `decider`'s decision, who was checked to be an approver of the validation's company
/// and not the ticket's requester.
#[allow(clippy::too_many_arguments)]
fn decide(
    conn: &mut DbConnection,
    tenant: &Tenant,
    links: &LinkSettings,
    validation: &Validation,
    ticket: &Ticket,
    decider: (UserId, &str),
    decision: Decision,
    comment: Option<&str>,
    from: DecidedFrom<'_>,
) -> ApiResult<Outcome> {
    let now = Utc::now();
    let (user, name) = decider;
    if validation.status(now) == ValidationStatus::Expired && validation.stored_status == ValidationStatus::Pending {
        if store::settle_validation(conn, validation.id, ValidationStatus::Expired, now)? {
            history(conn, ticket, user, "expired", now)?;
        }
        return Ok(Outcome::Expired);
    }
    if !store::lock_pending(conn, validation.id)? {
        return Err(ApiError::Conflict("This validation has already been settled or cancelled.".into()));
    }
    match store::record_decision(conn, validation.id, user, decision, comment, now) {
        Err(Error::Conflict(_)) => {
            return Err(ApiError::Conflict("You have already decided on this validation.".into()))
        }
        other => other?,
    }
    history(conn, ticket, user, decision.as_str(), now)?;
    let mut event = from.client.event(Some(tenant.id), Some(user), "validation.decided");
    event.target = Some(format!("validation:{}", validation.id));
    event.detail = Some(format!("{} via {}", decision.as_str(), from.via));
    audit::record(conn, &event, now)?;
    let approvers = approvers(conn, ticket)?;
    let accepts = store::decisions(conn, &[validation.id])?
        .into_iter()
        .filter(|(_, d)| d.decision == Decision::Accept && approvers.iter().any(|a| a.id == d.user_id))
        .count();
    if let Some(status) = approvals::settle(validation.rule, decision, accepts, approvers.len()) {
        store::settle_validation(conn, validation.id, status, now)?;
        history(conn, ticket, user, status.as_str(), now)?;
        let accepted = status == ValidationStatus::Accepted;
        notify::validation_settled(conn, tenant, links, ticket, validation, accepted, name, comment, now)?;
    }
    Ok(Outcome::Decided(store::get_validation(conn, tenant.id, validation.id)?))
}

fn expired() -> ApiError {
    ApiError::Conflict("The deadline of this validation has passed; it expired undecided.".into())
}

/// Accept or reject a validation.
///
/// Only members holding `tickets_validate` in the ticket's company decide (others who read the
/// ticket get 403), never the ticket's requester. Under the `any` rule the first decision
/// settles the validation and any later one answers 409, also when two approvers decide at the
/// same moment; under `all`, each approver decides once and the last acceptance (or any
/// rejection) settles it. A rejection needs a comment. Past the deadline: 409, and the
/// validation shows as expired.
#[utoipa::path(tag = "validations", operation_id = "decideValidation", security(("bearer" = [])),
    params(("validation_id" = i64, Path)),
    request_body = DecisionInput,
    responses(
        (status = 200, description = "The validation after your decision", body = ValidationView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "You may read the ticket but not decide (no tickets_validate, or you requested it)", body = Problem),
        (status = 404, description = "No such validation, or its ticket is not visible to you", body = Problem),
        (status = 409, description = "Already settled, cancelled, expired, or you decided already", body = Problem),
        (status = 422, description = "Invalid decision, or a rejection without a comment", body = Problem)))]
#[post("/api/v1/validations/{validation_id}/decision")]
pub async fn decide_validation(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<DecisionInput>,
) -> ApiResult<HttpResponse> {
    let (id, body) = (path.into_inner(), body.into_inner());
    let comment = approvals::decision_comment(body.decision == Decision::Reject, body.comment.as_deref())?;
    let (links, client) = (state.settings.links.clone(), origin::of(&req));
    let outcome = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (validation, access) = load(conn, &auth, id)?;
                let user = auth.principal.user_id;
                if auth.principal.is_staff() {
                    return Err(ApiError::Forbidden(
                        "Validations are decided by the customer's approvers, not by staff.",
                    ));
                }
                if !holds_validate(&auth, validation.company_id) {
                    return Err(ApiError::Forbidden("Your roles in this company do not include validating tickets."));
                }
                if access.ticket.requester_id == user {
                    return Err(ApiError::Forbidden("The requester of a ticket cannot validate it."));
                }
                let decider = (user, auth.user.name.as_str());
                match decide(
                    conn,
                    &auth.tenant,
                    &links,
                    &validation,
                    &access.ticket,
                    decider,
                    body.decision,
                    comment.as_deref(),
                    DecidedFrom { client: &client, via: "portal" },
                )? {
                    Outcome::Decided(v) => Ok(Some(one_view(conn, &auth, v, &access.ticket)?)),
                    Outcome::Expired => Ok(None),
                }
            })
        })
        .await?;
    outcome.map(|view| HttpResponse::Ok().json_body(view)).ok_or_else(expired)
}

/// Cancel a pending validation (staff).
#[utoipa::path(tag = "validations", operation_id = "cancelValidation", security(("bearer" = [])),
    params(("validation_id" = i64, Path)),
    responses(
        (status = 200, description = "The cancelled validation", body = ValidationView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such validation", body = Problem),
        (status = 409, description = "It is not pending any more", body = Problem)))]
#[post("/api/v1/validations/{validation_id}/cancel")]
pub async fn cancel_validation(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (validation, access) = load(conn, &auth, id)?;
                let now = Utc::now();
                if validation.status(now) != ValidationStatus::Pending
                    || !store::settle_validation(conn, id, ValidationStatus::Cancelled, now)?
                {
                    return Err(ApiError::Conflict("Only a pending validation can be cancelled.".into()));
                }
                history(conn, &access.ticket, auth.principal.user_id, "cancelled", now)?;
                audit_event(conn, &auth.tenant, auth.principal.user_id, "validation.cancelled", &validation, None)?;
                let validation = store::get_validation(conn, auth.tenant.id, id)?;
                one_view(conn, &auth, validation, &access.ticket)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// What a mailed decision link will do, shown before the approver confirms.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"decision": "accept", "approver": "Ann Approver",
    "ticket": {"id": 12, "number": 1042, "title": "File server slow"},
    "question": "May we restart the file server tonight?", "deadline": "2026-11-25T17:00:00Z",
    "comment_required": false, "link_expires_at": "2026-11-25T17:00:00Z"}))]
pub struct DecisionLinkView {
    pub decision: Decision,
    pub approver: String,
    pub ticket: TicketSummary,
    pub question: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// A reject link needs a comment when confirmed.
    pub comment_required: bool,
    pub link_expires_at: DateTime<Utc>,
}

/// A usable link and what it acts on.
struct LinkTarget {
    link: DecisionLink,
    tenant: Tenant,
    validation: Validation,
    ticket: Ticket,
    approver: String,
}

/// Checks a link still works: not used or expired, the validation still pending, and its
/// approver still an approver of the company (and not the requester).
fn link_target(conn: &mut DbConnection, token: &str, now: DateTime<Utc>) -> ApiResult<LinkTarget> {
    if token.len() > 100 {
        return Err(ApiError::NotFound);
    }
    let link = store::find_link(conn, &fingerprint(token))?;
    if link.used_at.is_some() {
        return Err(ApiError::Conflict("This link has been used already.".into()));
    }
    if link.expires_at <= now {
        return Err(ApiError::Conflict("This link has expired.".into()));
    }
    let validation = store::get_validation(conn, link.tenant_id, link.validation_id)?;
    match validation.status(now) {
        ValidationStatus::Pending => {}
        ValidationStatus::Expired => return Err(expired()),
        status => {
            return Err(ApiError::Conflict(format!("This validation is {} already.", status.as_str())));
        }
    }
    let tenant = tenants::get(conn, link.tenant_id)?;
    let ticket = tickets_store::get(conn, link.tenant_id, validation.ticket_id)?;
    let approver = approvers(conn, &ticket)?
        .into_iter()
        .find(|a| a.id == link.user_id)
        .ok_or(ApiError::Forbidden("You are no longer an approver of this company."))?;
    Ok(LinkTarget { link, tenant, validation, ticket, approver: approver.name })
}

/// Preview a decision link from an e-mail: what confirming it will decide. Changes nothing, so
/// mail scanners that open links decide nothing. A browser (`Accept: text/html`) gets a page with
/// the confirmation form; other clients get JSON.
#[utoipa::path(tag = "validations", operation_id = "previewDecisionLink",
    params(("token" = String, Path, description = "The token of the link")),
    responses(
        (status = 200, description = "What the link decides (JSON, or a confirmation page for browsers)",
            content((DecisionLinkView = "application/json"), (String = "text/html"))),
        (status = 403, description = "The approver is no longer an approver of the company", body = Problem),
        (status = 404, description = "No such link", body = Problem),
        (status = 409, description = "The link was used or expired, or the validation is no longer pending", body = Problem)))]
#[get("/api/v1/decision-links/{token}")]
pub async fn preview_decision_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let token = path.into_inner();
    let view = state
        .run(move |conn| {
            let target = link_target(conn, &token, Utc::now())?;
            Ok(DecisionLinkView {
                decision: target.link.decision,
                approver: target.approver,
                ticket: TicketSummary {
                    id: target.ticket.id,
                    number: target.ticket.number,
                    title: target.ticket.title,
                },
                question: target.validation.question,
                deadline: target.validation.deadline,
                comment_required: target.link.decision == Decision::Reject,
                link_expires_at: target.link.expires_at,
            })
        })
        .await;
    match (view, decision_page::wants_html(&req)) {
        (Ok(view), true) => decision_page::preview(&decision_page::Preview {
            decision: view.decision,
            approver: &view.approver,
            ticket_number: view.ticket.number,
            ticket_title: &view.ticket.title,
            question: &view.question,
            deadline: view.deadline,
            comment_required: view.comment_required,
        }),
        (Ok(view), false) => decision_page::private(HttpResponse::Ok().json_body(view)),
        (Err(err), true) => decision_page::refusal(&err),
        (Err(err), false) => decision_page::private(err.error_response()),
    }
}

/// The confirmation's body: JSON from API clients, a form from the confirmation page.
fn confirmation(req: &HttpRequest, body: &[u8]) -> ApiResult<LinkConfirmation> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    match media {
        _ if body.is_empty() => Ok(LinkConfirmation::default()),
        "application/json" => crate::json::from_slice(body),
        "application/x-www-form-urlencoded" => {
            serde_urlencoded::from_bytes(body).map_err(|e| ApiError::invalid("body", e.to_string()))
        }
        _ => Err(ApiError::UnsupportedMediaType(
            "Send the confirmation as application/json or application/x-www-form-urlencoded.".into(),
        )),
    }
}

/// Confirm a decision link from an e-mail: decides as the approver the link was sent to, once.
/// Takes JSON or the confirmation page's form; a form gets a page back.
#[utoipa::path(tag = "validations", operation_id = "confirmDecisionLink",
    params(("token" = String, Path, description = "The token of the link")),
    request_body(content((LinkConfirmation = "application/json"), (LinkConfirmation = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Decided; the validation as it now stands (JSON, or a page for a form)",
            content((DecisionLinkOutcome = "application/json"), (String = "text/html"))),
        (status = 403, description = "The approver is no longer an approver of the company", body = Problem),
        (status = 404, description = "No such link", body = Problem),
        (status = 409, description = "The link was used or expired, or the validation is no longer pending", body = Problem),
        (status = 413, description = "The body is larger than the JSON limit", body = Problem),
        (status = 415, description = "Neither JSON nor a form", body = Problem),
        (status = 422, description = "A reject link confirmed without a comment", body = Problem)))]
#[post("/api/v1/decision-links/{token}")]
pub async fn confirm_decision_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let token = path.into_inner();
    let html = decision_page::wants_html(&req);
    let (links, client) = (state.settings.links.clone(), origin::of(&req));
    let body = crate::extract::limited_body(payload, state.settings.json_limit).await;
    let outcome = match body.and_then(|body| confirmation(&req, &body)) {
        Err(err) => Err(err),
        Ok(LinkConfirmation { comment }) => {
            state
                .run(move |conn| {
                    write_tx(conn, |conn| {
                        let now = Utc::now();
                        let target = link_target(conn, &token, now)?;
                        let decision = target.link.decision;
                        let comment = approvals::decision_comment(decision == Decision::Reject, comment.as_deref())?;
                        if !store::use_link(conn, target.link.id, now)? {
                            return Err(ApiError::Conflict("This link has been used already.".into()));
                        }
                        let decider = (target.link.user_id, target.approver.as_str());
                        let outcome = decide(
                            conn,
                            &target.tenant,
                            &links,
                            &target.validation,
                            &target.ticket,
                            decider,
                            decision,
                            comment.as_deref(),
                            DecidedFrom { client: &client, via: "link" },
                        )?;
                        Ok(match outcome {
                            Outcome::Decided(v) => Some(DecisionLinkOutcome { decision, status: v.status(now) }),
                            Outcome::Expired => None,
                        })
                    })
                })
                .await
        }
    };
    match (outcome.and_then(|o| o.ok_or_else(expired)), html) {
        (Ok(o), true) => decision_page::outcome(o.decision, o.status),
        (Ok(o), false) => decision_page::private(HttpResponse::Ok().json_body(o)),
        (Err(err), true) => decision_page::refusal(&err),
        (Err(err), false) => decision_page::private(err.error_response()),
    }
}

/// The result of confirming a decision link.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"decision": "accept", "status": "accepted"}))]
pub struct DecisionLinkOutcome {
    pub decision: Decision,
    /// The validation's status after the decision (`pending` while others must still accept).
    pub status: ValidationStatus,
}

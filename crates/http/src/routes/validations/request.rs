//! Asking for a ticket's validation, and cancelling the request.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use clientdesk_app::events::{self, Event};
use clientdesk_app::notify;
use clientdesk_domain::approvals::{self, DecisionRule, ValidationStatus};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::tickets::Status;
use clientdesk_persistence::approvals as store;
use clientdesk_persistence::{write_tx, Error};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{approvers, audit_event, history, load, one_view, ValidationView};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::idempotency;
use crate::json::Json;
use crate::respond::JsonBody;
use crate::routes::tickets::access;
use crate::state::AppState;

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
            return Err(ApiError::invalid("deadline", Message::new("rule-deadline")));
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
                return Err(ApiError::conflict("conflict-validation-ticket-closed"));
            }
            let approvers = approvers(conn, ticket)?;
            if approvers.is_empty() {
                return Err(ApiError::conflict("conflict-validation-no-approver"));
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
                Err(Error::Conflict(_)) => return Err(ApiError::conflict("conflict-validation-pending")),
                other => other?,
            };
            history(conn, ticket, auth.principal.user_id, "requested", now)?;
            audit_event(conn, &auth.tenant, auth.principal.user_id, "validation.requested", &validation, None)?;
            notify::validation_requested(conn, &sealer, &auth.tenant, &links, ticket, &validation, &approvers, now)?;
            events::emit(conn, auth.tenant.id, Event::ValidationRequested(&validation))?;
            let view = one_view(conn, &auth, validation, ticket)?;
            Ok((StatusCode::CREATED, crate::respond::to_json(view)?))
        },
    )
    .await
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
                    return Err(ApiError::conflict("conflict-validation-not-pending"));
                }
                history(conn, &access.ticket, auth.principal.user_id, "cancelled", now)?;
                audit_event(conn, &auth.tenant, auth.principal.user_id, "validation.cancelled", &validation, None)?;
                let validation = store::get_validation(conn, auth.tenant.id, id)?;
                events::emit(conn, auth.tenant.id, Event::ValidationDecided(&validation, ValidationStatus::Cancelled))?;
                one_view(conn, &auth, validation, &access.ticket)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

//! Deciding a validation: the decision shared with the e-mailed links, and its endpoint.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::events::{self, Event};
use clientdesk_app::notify::LinkSettings;
use clientdesk_app::ticket_notices;
use clientdesk_domain::approvals::{self, Decision, Validation, ValidationStatus};
use clientdesk_domain::entities::Tenant;
use clientdesk_domain::ids::UserId;
use clientdesk_domain::tickets::Ticket;
use clientdesk_persistence::approvals as store;
use clientdesk_persistence::audit;
use clientdesk_persistence::{write_tx, DbConnection, Error};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{approvers, history, holds_validate, load, one_view, DecidedFrom, ValidationView};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

/// An approver's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "reject", "comment": "Not during the month-end closing, please."}))]
pub struct DecisionInput {
    pub decision: Decision,
    /// Required when rejecting (at most 4,000 characters).
    pub comment: Option<String>,
}

/// What deciding did: settled or recorded the decision, or found the validation expired (which
/// is then stored, and answered with 409 once committed).
pub(super) enum Outcome {
    Decided(Validation),
    Expired,
}

/// Applies `decider`'s decision, who was checked to be an approver of the validation's company
/// and not the ticket's requester.
#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
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
    let user = decider.0;
    if validation.status(now) == ValidationStatus::Expired && validation.stored_status == ValidationStatus::Pending {
        if store::settle_validation(conn, validation.id, ValidationStatus::Expired, now)? {
            history(conn, ticket, user, "expired", now)?;
        }
        return Ok(Outcome::Expired);
    }
    if !store::lock_pending(conn, validation.id)? {
        return Err(ApiError::conflict("conflict-validation-settled"));
    }
    match store::record_decision(conn, validation.id, user, decision, comment, now) {
        Err(Error::Conflict(_)) => return Err(ApiError::conflict("conflict-validation-decided")),
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
        let question = validation.question.as_str();
        ticket_notices::validation_settled(conn, tenant, links, ticket, question, accepted, decider, comment, now)?;
        events::emit(conn, tenant.id, Event::ValidationDecided(validation, status))?;
    }
    Ok(Outcome::Decided(store::get_validation(conn, tenant.id, validation.id)?))
}

pub(super) fn expired() -> ApiError {
    ApiError::conflict("conflict-validation-expired")
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
                    return Err(ApiError::forbidden("forbidden-staff-validates"));
                }
                if !holds_validate(&auth, validation.company_id) {
                    return Err(ApiError::forbidden("forbidden-roles-validations"));
                }
                if access.ticket.requester_id == user {
                    return Err(ApiError::forbidden("forbidden-requester-validates"));
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

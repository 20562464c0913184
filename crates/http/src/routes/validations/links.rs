//! Decision links: preview and confirm a decision from the link sent by e-mail.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::secrets::fingerprint;
use clientdesk_domain::approvals::{self, Decision, DecisionLink, Validation, ValidationStatus};
use clientdesk_domain::entities::Tenant;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::tickets::Ticket;
use clientdesk_domain::user::Language;
use clientdesk_persistence::approvals as store;
use clientdesk_persistence::tickets as tickets_store;
use clientdesk_persistence::{tenants, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::decide::{decide, expired, Outcome};
use super::{approvers, DecidedFrom, TicketSummary};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::respond::JsonBody;
use crate::routes::decision_page;
use crate::state::AppState;
use crate::{language, origin};

/// The comment confirming a decision link (required for a reject link).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Fine for us."}))]
pub struct LinkConfirmation {
    pub comment: Option<String>,
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
    /// The approver's language, for the page.
    language: Language,
}

/// Checks a link still works: not used or expired, the validation still pending, and its
/// approver still an approver of the company (and not the requester).
fn link_target(conn: &mut DbConnection, token: &str, now: DateTime<Utc>) -> ApiResult<LinkTarget> {
    if token.len() > 100 {
        return Err(ApiError::NotFound);
    }
    let link = store::find_link(conn, &fingerprint(token))?;
    if link.used_at.is_some() {
        return Err(ApiError::conflict("conflict-link-used"));
    }
    if link.expires_at <= now {
        return Err(ApiError::conflict("conflict-link-expired"));
    }
    let validation = store::get_validation(conn, link.tenant_id, link.validation_id)?;
    match validation.status(now) {
        ValidationStatus::Pending => {}
        ValidationStatus::Expired => return Err(expired()),
        status => {
            return Err(ApiError::Conflict(
                Message::new("conflict-validation-status").arg("status", status.as_str()).into(),
            ));
        }
    }
    let tenant = tenants::get(conn, link.tenant_id)?;
    let ticket = tickets_store::get(conn, link.tenant_id, validation.ticket_id)?;
    let approver = approvers(conn, &ticket)?
        .into_iter()
        .find(|a| a.id == link.user_id)
        .ok_or(ApiError::forbidden("forbidden-not-approver"))?;
    Ok(LinkTarget { link, tenant, validation, ticket, approver: approver.name, language: approver.language })
}

/// Preview a decision link from an e-mail: what confirming it will decide. Changes nothing, so
/// mail scanners that open links decide nothing. A browser (`Accept: text/html`) gets a page with
/// the confirmation form; other clients get JSON.
#[utoipa::path(tag = "validations", operation_id = "previewDecisionLink", security(()),
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
            let view = DecisionLinkView {
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
            };
            Ok((view, target.language))
        })
        .await;
    match (view, decision_page::wants_html(&req)) {
        (Ok((view, lang)), true) => decision_page::preview(
            &decision_page::Preview {
                decision: view.decision,
                approver: &view.approver,
                ticket_number: view.ticket.number,
                ticket_title: &view.ticket.title,
                question: &view.question,
                deadline: view.deadline,
                comment_required: view.comment_required,
            },
            lang,
        ),
        (Ok((view, _)), false) => decision_page::private(HttpResponse::Ok().json_body(view)),
        (Err(err), true) => decision_page::refusal(&err, language::of(&req)),
        (Err(err), false) => decision_page::private(HttpResponse::from_error(err)),
    }
}

/// The confirmation's body: JSON from API clients, a form from the confirmation page.
fn confirmation(req: &HttpRequest, body: &[u8]) -> ApiResult<LinkConfirmation> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    match media {
        _ if body.is_empty() => Ok(LinkConfirmation::default()),
        "application/json" => crate::json::from_slice(body),
        "application/x-www-form-urlencoded" => serde_urlencoded::from_bytes(body)
            .map_err(|e| ApiError::invalid("", crate::json::parser_detail(&e.to_string()))),
        _ => Err(ApiError::UnsupportedMediaType(Message::new("problem-confirmation-media-type-detail").into())),
    }
}

/// Confirm a decision link from an e-mail: decides as the approver the link was sent to, once.
/// Takes JSON or the confirmation page's form; a form gets a page back.
#[utoipa::path(tag = "validations", operation_id = "confirmDecisionLink", security(()),
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
                            return Err(ApiError::conflict("conflict-link-used"));
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
                            Outcome::Decided(v) => {
                                Some((DecisionLinkOutcome { decision, status: v.status(now) }, target.language))
                            }
                            Outcome::Expired => None,
                        })
                    })
                })
                .await
        }
    };
    match (outcome.and_then(|o| o.ok_or_else(expired)), html) {
        (Ok((o, lang)), true) => decision_page::outcome(o.decision, o.status, lang),
        (Ok((o, _)), false) => decision_page::private(HttpResponse::Ok().json_body(o)),
        (Err(err), true) => decision_page::refusal(&err, language::of(&req)),
        (Err(err), false) => decision_page::private(HttpResponse::from_error(err)),
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

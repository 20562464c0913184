//! Actions on a device dispatched to the RMM, and the RMM's signed callback with their result.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::secrets::hmac_matches;
use clientdesk_app::events::{self, Event};
use clientdesk_app::selfservice::{self as use_case, ActionSettings, Requester};
use clientdesk_domain::actions::Action;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::rmm::{ActionKind, ActionStatus, LINK_MAX_SKEW_SECONDS};
use clientdesk_domain::selfservice::Ask;

use clientdesk_persistence::actions as store;
use clientdesk_persistence::rmm;
use clientdesk_persistence::{audit, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{own_device, person, signed_payload, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::idempotency;
use crate::json::Json;
use crate::origin;
use crate::paging::Paged;
use crate::respond::JsonBody;
use crate::routes::tickets::access;
use crate::state::AppState;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "install_software", "software_id": 2}))]
pub struct ActionInput {
    pub kind: ActionKind,
    /// For `install_software`: an application offered on the device.
    pub software_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 9, "device_id": 4, "kind": "restart", "status": "dispatched",
    "created_at": "2026-11-23T10:00:00Z", "dispatched_at": "2026-11-23T10:00:01Z", "expires_at": "2026-11-23T10:15:00Z"}))]
pub struct ActionView {
    pub id: i64,
    pub device_id: i64,
    pub kind: ActionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_id: Option<i64>,
    /// queued -> dispatched -> succeeded / failed, or expired without a result in time.
    pub status: ActionStatus,
    /// What the RMM reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatched_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

impl ActionView {
    fn of(a: Action, now: DateTime<Utc>) -> Self {
        Self {
            id: a.id,
            device_id: a.device_id,
            kind: a.kind,
            software_id: a.software_id,
            status: a.status(now),
            result: a.result.clone(),
            created_at: a.created_at,
            dispatched_at: a.dispatched_at,
            finished_at: a.finished_at,
            expires_at: a.expires_at,
        }
    }
}

/// Ask the RMM to run an action on one of your computers.
///
/// Needs a full sign-in (not an agent session, not an API token), self-service on for the
/// device's company, and a second factor proven by this sign-in session within the last 5
/// minutes (`POST /api/v1/me/step-up`). Only the device's
/// user (or staff) may act on it. Software installs are for Windows and macOS only (422 on
/// Linux), from the catalogue offered to the company. `reset_password` sends a temporary
/// password to the verified phone by SMS; the API never returns it. At most 10 actions per user
/// and hour (429). Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(tag = "self-service", operation_id = "requestAction", security(("bearer" = [])),
    params(("device_id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body give the first answer")),
    request_body = ActionInput,
    responses(
        (status = 202, description = "Queued for the RMM", body = ActionView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No fresh second factor of this session, self-service off, an API token or an agent session", body = Problem),
        (status = 404, description = "Not a device of yours", body = Problem),
        (status = 409, description = "The RMM is not connected, or no verified phone for a password reset", body = Problem),
        (status = 422, description = "An action the platform does not allow, or software not offered", body = Problem),
        (status = 429, description = "Too many actions", body = Problem)))]
#[post("/api/v1/devices/{device_id}/actions")]
pub async fn request_action(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<ActionInput>,
) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let (id, body) = (path.into_inner(), body.into_inner());
    let key = idempotency::key_of(&req)?;
    let fingerprint = serde_json::to_vec(&(req.path(), &body)).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (client, st) = (origin::of(&req), state.clone());
    idempotency::once(
        &state,
        auth,
        key,
        &fingerprint,
        |_, auth| Ok(auth),
        move |conn, auth| {
            let now = Utc::now();
            let requester = Requester {
                principal: &auth.principal,
                user: &auth.user,
                memberships: auth.companies.iter().map(access::membership).collect(),
                session: &session,
            };
            let links = &st.settings.links;
            let settings = ActionSettings {
                ttl: st.settings.action_ttl,
                public_api_url: &links.public_api_url,
                sms_limits: &st.settings.sms_limits,
            };
            let ask = Ask { kind: body.kind, software_id: body.software_id };
            let audit = client.event(Some(auth.tenant.id), Some(auth.user.id), "device_action_requested");
            let action = use_case::request_action(conn, &requester, id, ask, &settings, &st.sealer, audit, now)?;
            Ok((StatusCode::ACCEPTED, crate::respond::to_json(ActionView::of(action, now))?))
        },
    )
    .await
}

/// A device's actions, newest first (its user, or staff).
#[utoipa::path(tag = "self-service", operation_id = "listDeviceActions", security(("bearer" = [])),
    params(("device_id" = i64, Path)),
    responses(
        (status = 200, description = "The actions (at most 200)", body = Paged<ActionView>),
        (status = 404, description = "Not a device of yours", body = Problem)))]
#[get("/api/v1/devices/{device_id}/actions")]
pub async fn list_actions(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let list = state
        .run(move |conn| {
            own_device(conn, &auth, id)?;
            let now = Utc::now();
            Ok(store::device_actions_of(conn, id)?.into_iter().map(|a| ActionView::of(a, now)).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged::whole(list)))
}

/// Read an action (the device's user, or staff).
#[utoipa::path(tag = "self-service", operation_id = "getAction", security(("bearer" = [])),
    params(("action_id" = i64, Path)),
    responses(
        (status = 200, description = "The action", body = ActionView),
        (status = 404, description = "No such action on a device of yours", body = Problem)))]
#[get("/api/v1/actions/{action_id}")]
pub async fn get_action(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            let action = store::get_action(conn, auth.tenant.id, id)?;
            own_device(conn, &auth, action.device_id)?;
            Ok(ActionView::of(action, Utc::now()))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action_id": 9, "status": "succeeded", "message": "Restarted at 10:00:12"}))]
pub struct ActionResult {
    pub action_id: i64,
    /// `succeeded` or `failed`.
    pub status: ActionStatus,
    /// At most 1,000 characters.
    pub message: Option<String>,
}

/// The RMM reports an action's result (signed like clientdesk's webhooks).
///
/// No bearer: the callback is authenticated by its HMAC signature under the RMM integration's
/// secret.
///
/// Headers: `X-Clientdesk-Timestamp` (unix seconds, at most 5 minutes off) and
/// `X-Clientdesk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" under the
/// integration's secret>`. Idempotent: the same result again answers 200 and changes nothing; a
/// different result for a settled action answers 409.
#[utoipa::path(tag = "rmm", operation_id = "reportActionResult", security(()),
    request_body = ActionResult,
    responses(
        (status = 200, description = "Recorded (or recorded before)", body = ActionView),
        (status = 401, description = "Missing or bad signature or timestamp", body = Problem),
        (status = 409, description = "The action was settled with another result, or expired", body = Problem),
        (status = 413, description = "The body is larger than the JSON limit", body = Problem),
        (status = 422, description = "Invalid body", body = Problem)))]
#[post("/api/v1/rmm/action-results")]
pub async fn action_result(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let body = crate::extract::limited_body(payload, state.settings.json_limit).await?;
    let refused = || ApiError::unauthorized("unauthorized-callback-signature");
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let ts: i64 = header(TIMESTAMP_HEADER).and_then(|t| t.parse().ok()).ok_or_else(refused)?;
    let signature =
        header(SIGNATURE_HEADER).and_then(|s| s.strip_prefix("sha256=").map(str::to_owned)).ok_or_else(refused)?;
    if (Utc::now().timestamp() - ts).abs() > LINK_MAX_SKEW_SECONDS {
        return Err(refused());
    }
    // A body sent without a media type is read as JSON; one sent as anything else is refused.
    let media = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim());
    if media.is_some_and(|media| !media.eq_ignore_ascii_case("application/json")) {
        return Err(ApiError::UnsupportedMediaType(Message::new("problem-json-media-type-detail").into()));
    }
    let result: ActionResult = crate::json::from_slice(&body)?;
    if !matches!(result.status, ActionStatus::Succeeded | ActionStatus::Failed) {
        return Err(ApiError::invalid(
            "status",
            Message::new("rule-either").arg("first", "succeeded").arg("second", "failed"),
        ));
    }
    let message = result.message.as_deref().map(|m| m.chars().take(1000).collect::<String>());
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let action = store::action_anywhere(conn, result.action_id).map_err(|_| refused())?;
                let integration = rmm::integration_of(conn, action.tenant_id)?.ok_or_else(refused)?;
                let keys = std::iter::once(integration.secret.as_str()).chain(integration.previous_secret.as_deref());
                if !hmac_matches(keys, &signed_payload(ts, &body), &signature) {
                    return Err(refused());
                }
                if store::finish_action(conn, action.id, result.status, message.as_deref(), now)? {
                    events::emit(conn, action.tenant_id, Event::ActionCompleted(&action, result.status))?;
                } else {
                    let current = store::get_action(conn, action.tenant_id, action.id)?;
                    if current.status(now) != result.status {
                        return Err(ApiError::Conflict(
                            Message::new("conflict-action-status").arg("status", current.status(now).as_str()).into(),
                        ));
                    }
                }
                let event = audit::NewAuditEvent {
                    tenant_id: Some(action.tenant_id),
                    actor_user_id: None,
                    action: "device_action_result",
                    target: Some(format!("device:{}", action.device_id)),
                    detail: Some(result.status.as_str().to_owned()),
                    ..Default::default()
                };
                audit::record(conn, &event, now)?;
                Ok(ActionView::of(store::get_action(conn, action.tenant_id, action.id)?, now))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

//! Webhook subscriptions for integrators (provider admins): create, read, change, delete, rotate
//! the signing secret; each subscription's deliveries with their attempts, and a redelivery.
//! Deliveries follow the Standard Webhooks specification (see the `webhooks` tag). See
//! docs/decisions/0049-webhooks-for-integrators.md.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::webhooks as use_case;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::webhook_payloads::{
    ActionCompletedData, ChangeRequestDecidedData, TicketAttachmentAddedData, TicketCreatedData, TicketNoteAddedData,
    TicketStatusChangedData, TicketUpdatedData, UserData, ValidationData,
};
use clientdesk_domain::webhooks::{self as rules, DeliveryStatus, EventType, Subscription};
use clientdesk_persistence::webhooks::{self as store, AttemptRecord, Delivery, NewSubscription};
use clientdesk_persistence::write_tx;
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
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_webhook_secret)
        .service(list_webhook_deliveries)
        .service(redeliver_webhook);
}

/// A subscription. Its secret is never shown again after the answer that made it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "url": "https://psa.example/hooks/clientdesk",
    "event_types": ["ticket.created", "ticket.note_added"], "description": "PSA ticket sync", "enabled": true,
    "internal": false, "created_by": 1, "failing_since": null, "disabled_reason": null,
    "previous_secret_expires_at": null, "created_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"}))]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub description: String,
    pub enabled: bool,
    /// Whether internal notes (and their attachments) are sent.
    pub internal: bool,
    /// The provider admin who created it, e-mailed when it is disabled for failing.
    pub created_by: i64,
    /// Since when every attempt has failed; null after a success.
    pub failing_since: Option<DateTime<Utc>>,
    /// Why the server disabled it, when it did.
    pub disabled_reason: Option<String>,
    /// Until when the secret replaced by the last rotation still signs.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Subscription> for WebhookView {
    fn from(s: Subscription) -> Self {
        let now = Utc::now();
        Self {
            id: s.id,
            url: s.url,
            event_types: s.event_types,
            description: s.description,
            enabled: s.enabled,
            internal: s.internal,
            created_by: s.created_by,
            failing_since: s.failing_since,
            disabled_reason: s.disabled_reason,
            previous_secret_expires_at: s.previous_secret_until.filter(|until| *until > now),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A subscription with its signing secret: the only answers that show it are its creation and a
/// rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"webhook": {"id": 3, "url": "https://psa.example/hooks/clientdesk",
    "event_types": ["ticket.created"], "description": "", "enabled": true, "internal": false, "created_by": 1,
    "failing_since": null, "disabled_reason": null, "previous_secret_expires_at": null,
    "created_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"},
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="}))]
pub struct WebhookSecretView {
    pub webhook: WebhookView,
    /// `whsec_` and the base64 of 32 random bytes: the HMAC key is the decoded bytes.
    pub secret: String,
}

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://psa.example/hooks/clientdesk",
    "event_types": ["ticket.created", "ticket.updated", "ticket.note_added"], "description": "PSA ticket sync"}))]
pub struct WebhookInput {
    /// https, to a public address; http and private addresses only where the tenant allows its own
    /// network (`allow_private_targets` of the RMM integration).
    pub url: String,
    pub event_types: Vec<EventType>,
    #[serde(default)]
    pub description: String,
    /// On unless said otherwise.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Send internal notes and their attachments too: for the provider's own tools only.
    #[serde(default)]
    pub internal: bool,
}

fn yes() -> bool {
    true
}

/// A change to a subscription; absent fields are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true, "event_types": ["ticket.created", "ticket.status_changed"]}))]
pub struct WebhookPatch {
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub event_types: Option<Vec<EventType>>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// Switching a disabled subscription on again gives it a full day before it is disabled again.
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::not_null")]
    #[schema(nullable = false)]
    pub internal: Option<bool>,
}

/// The event types, at least one; a list longer than every type twice is refused unread.
fn event_types(types: Vec<EventType>) -> ApiResult<Vec<EventType>> {
    if types.len() > 2 * rules::MAX_EVENT_TYPES {
        return Err(ApiError::invalid(
            "event_types",
            Message::new("rule-event-types-at-most").arg("max", rules::MAX_EVENT_TYPES),
        ));
    }
    Ok(rules::event_types(types)?)
}

/// The URL as the address rules allow it for the tenant (`clientdesk_app::webhook_target`).
async fn target(state: &AppState, tenant: TenantId, url: &str) -> ApiResult<String> {
    let allow_private = state.run(move |conn| Ok(use_case::allows_private_targets(conn, tenant)?)).await?;
    clientdesk_app::webhook_target::check(url, allow_private).await.map_err(|why| ApiError::invalid("url", why))
}

/// Create a webhook subscription (provider admins). The answer holds the signing secret, shown
/// this once; deliveries are signed as the `webhooks` tag describes.
#[utoipa::path(tag = "webhooks", operation_id = "createWebhook", security(("bearer" = [])),
    request_body = WebhookInput,
    responses(
        (status = 201, description = "Created, with its secret", body = WebhookSecretView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin (customers, technicians, read-only tokens)", body = Problem),
        (status = 422, description = "Invalid input: an unknown event type, none, or a URL that is not https, carries credentials, does not resolve, or resolves to a private address the tenant does not allow", body = Problem)))]
#[post("/api/v1/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<WebhookInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let body = body.into_inner();
    let types = event_types(body.event_types)?;
    let description = rules::description(&body.description)?;
    let url = target(&state, auth.tenant.id, &body.url).await?;
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let new = NewSubscription {
                    tenant_id: auth.tenant.id,
                    url,
                    event_types: types,
                    description,
                    enabled: body.enabled,
                    internal: body.internal,
                    created_by: auth.principal.user_id.0,
                };
                let (webhook, secret) = use_case::create(conn, &new, Utc::now())?;
                let detail = Some(format!("internal={}", webhook.internal));
                client.record_change(conn, &auth, "webhook.created", format!("webhook:{}", webhook.id), detail)?;
                Ok(WebhookSecretView { webhook: webhook.into(), secret })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// List the tenant's webhook subscriptions, oldest first (provider admins).
#[utoipa::path(tag = "webhooks", operation_id = "listWebhooks", security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of subscriptions", body = Paged<WebhookView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 422, description = "Invalid paging", body = Problem)))]
#[get("/api/v1/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    auth: Auth,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin_role()?;
    let (limit, after) = page.resolve()?;
    let tenant = auth.tenant.id;
    let page = state.run(move |conn| Ok(store::list(conn, tenant, after, limit)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged {
        items: page.items.into_iter().map(WebhookView::from).collect(),
        next_cursor: cursor(page.next_after),
    }))
}

/// Read a webhook subscription (provider admins); never its secret.
#[utoipa::path(tag = "webhooks", operation_id = "getWebhook", security(("bearer" = [])),
    params(("webhook_id" = i64, Path)),
    responses(
        (status = 200, description = "The subscription", body = WebhookView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such subscription", body = Problem)))]
#[get("/api/v1/webhooks/{webhook_id}")]
pub async fn get_webhook(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin_role()?;
    let (tenant, id) = (auth.tenant.id, path.into_inner());
    let webhook = state.run(move |conn| Ok(store::get(conn, tenant, id)?)).await?;
    Ok(HttpResponse::Ok().json_body(WebhookView::from(webhook)))
}

/// Change a webhook subscription (provider admins). A new URL is checked as at creation.
#[utoipa::path(tag = "webhooks", operation_id = "updateWebhook", security(("bearer" = [])),
    params(("webhook_id" = i64, Path)), request_body = WebhookPatch,
    responses(
        (status = 200, description = "The subscription", body = WebhookView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such subscription", body = Problem),
        (status = 422, description = "Invalid input, as at creation", body = Problem)))]
#[patch("/api/v1/webhooks/{webhook_id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<WebhookPatch>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, body) = (path.into_inner(), body.into_inner());
    let types = body.event_types.map(event_types).transpose()?;
    let description = body.description.as_deref().map(rules::description).transpose()?;
    let url = match body.url.as_deref() {
        Some(url) => Some(target(&state, auth.tenant.id, url).await?),
        None => None,
    };
    let client = origin::of(&req);
    let webhook = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let webhook = use_case::change(conn, auth.tenant.id, id, Utc::now(), |s| {
                    s.url = url.unwrap_or(std::mem::take(&mut s.url));
                    s.event_types = types.unwrap_or(std::mem::take(&mut s.event_types));
                    s.description = description.unwrap_or(std::mem::take(&mut s.description));
                    s.enabled = body.enabled.unwrap_or(s.enabled);
                    s.internal = body.internal.unwrap_or(s.internal);
                })?;
                let detail = Some(format!("enabled={} internal={}", webhook.enabled, webhook.internal));
                client.record_change(conn, &auth, "webhook.updated", format!("webhook:{id}"), detail)?;
                Ok(webhook)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(WebhookView::from(webhook)))
}

/// Delete a webhook subscription with its deliveries (provider admins).
#[utoipa::path(tag = "webhooks", operation_id = "deleteWebhook", security(("bearer" = [])),
    params(("webhook_id" = i64, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such subscription", body = Problem)))]
#[delete("/api/v1/webhooks/{webhook_id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, client) = (path.into_inner(), origin::of(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                store::delete(conn, auth.tenant.id, id)?;
                client
                    .record_change(conn, &auth, "webhook.deleted", format!("webhook:{id}"), None)
                    .map_err(ApiError::from)
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Make a new signing secret (provider admins), shown in this answer only. The secret it replaces
/// keeps signing for 24 hours: each delivery carries both signatures, space-separated, so the
/// receiver can switch without refusing any.
#[utoipa::path(tag = "webhooks", operation_id = "rotateWebhookSecret", security(("bearer" = [])),
    params(("webhook_id" = i64, Path)),
    responses(
        (status = 200, description = "The subscription and its new secret", body = WebhookSecretView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such subscription", body = Problem)))]
#[post("/api/v1/webhooks/{webhook_id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let (id, client) = (path.into_inner(), origin::of(&req));
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (webhook, secret) = use_case::rotate(conn, auth.tenant.id, id, Utc::now())?;
                client.record_change(conn, &auth, "webhook.secret_rotated", format!("webhook:{id}"), None)?;
                Ok(WebhookSecretView { webhook: webhook.into(), secret })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// The body of every webhook delivery (documentation of what receivers get; `data` depends on
/// `type`, see each `*Data` schema).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "ticket.status_changed", "timestamp": "2026-12-07T10:05:00Z",
    "data": {"ticket_id": 17, "company_id": 3, "from": "new", "to": "in_progress"}}))]
pub struct WebhookEvent {
    #[serde(rename = "type")]
    pub kind: EventType,
    pub timestamp: DateTime<Utc>,
    pub data: WebhookEventData,
}

/// The `data` of a webhook event, by its `type`: `ticket.created` (TicketCreatedData),
/// `ticket.updated` (TicketUpdatedData), `ticket.status_changed` (TicketStatusChangedData),
/// `ticket.note_added` (TicketNoteAddedData), `ticket.attachment_added`
/// (TicketAttachmentAddedData), `validation.requested` and `validation.decided`
/// (ValidationData), `change_request.decided` (ChangeRequestDecidedData), `user.invited`,
/// `user.activated` and `user.disabled` (UserData), `action.completed` (ActionCompletedData).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum WebhookEventData {
    TicketCreated(TicketCreatedData),
    TicketUpdated(TicketUpdatedData),
    TicketStatusChanged(TicketStatusChangedData),
    TicketNoteAdded(TicketNoteAddedData),
    TicketAttachmentAdded(TicketAttachmentAddedData),
    Validation(ValidationData),
    ChangeRequestDecided(ChangeRequestDecidedData),
    User(UserData),
    ActionCompleted(ActionCompletedData),
}

/// One attempt to deliver.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttemptView {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status; null when no answer came.
    pub response_status: Option<i32>,
    pub duration_ms: i64,
    pub error: Option<String>,
}

impl From<AttemptRecord> for WebhookAttemptView {
    fn from(a: AttemptRecord) -> Self {
        Self { attempted_at: a.at, response_status: a.response_status, duration_ms: a.duration_ms, error: a.error }
    }
}

/// A delivery of one event to one subscription, with every attempt.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 120, "event_id": "msg_2bR8dC4kq0T1yH7uVwXz3aFe", "event_type": "ticket.created",
    "body": {"type": "ticket.created", "timestamp": "2026-12-07T10:00:00Z", "data": {"ticket_id": 17}},
    "status": "delivered", "attempts": [
        {"attempted_at": "2026-12-07T10:00:01Z", "response_status": 500, "duration_ms": 84, "error": "the webhook answered 500 Internal Server Error"},
        {"attempted_at": "2026-12-07T10:00:31Z", "response_status": 200, "duration_ms": 61, "error": null}],
    "next_attempt_at": null, "last_error": "the webhook answered 500 Internal Server Error",
    "created_at": "2026-12-07T10:00:00Z", "delivered_at": "2026-12-07T10:00:31Z"}))]
pub struct WebhookDeliveryView {
    pub id: i64,
    /// The `webhook-id` header: the same at every attempt and redelivery.
    pub event_id: String,
    pub event_type: String,
    /// The body as sent.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    pub status: DeliveryStatus,
    pub attempts: Vec<WebhookAttemptView>,
    /// When the next attempt is due; null unless pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for WebhookDeliveryView {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            body: serde_json::from_str(&d.body).unwrap_or(serde_json::Value::String(d.body)),
            status: d.status,
            attempts: d.attempts.into_iter().map(WebhookAttemptView::from).collect(),
            next_attempt_at: d.next_attempt_at,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

/// List a subscription's deliveries, newest first, each with its attempts (provider admins).
#[utoipa::path(tag = "webhooks", operation_id = "listWebhookDeliveries", security(("bearer" = [])),
    params(("webhook_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = Paged<WebhookDeliveryView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such subscription", body = Problem),
        (status = 422, description = "Invalid paging", body = Problem)))]
#[get("/api/v1/webhooks/{webhook_id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin_role()?;
    let (limit, before) = page.resolve()?;
    let (tenant, id) = (auth.tenant.id, path.into_inner());
    let page = state.run(move |conn| Ok(store::deliveries(conn, tenant, id, before, limit)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged {
        items: page.items.into_iter().map(WebhookDeliveryView::from).collect(),
        next_cursor: cursor(page.next_after),
    }))
}

/// Send a delivered or failed delivery again (provider admins): pending with a fresh set of
/// attempts, the same `webhook-id`, its earlier attempts kept. It is sent once the subscription is
/// enabled, after the earlier pending deliveries of its ticket.
#[utoipa::path(tag = "webhooks", operation_id = "redeliverWebhook", security(("bearer" = [])),
    params(("webhook_id" = i64, Path), ("delivery_id" = i64, Path)),
    responses(
        (status = 202, description = "Queued again", body = WebhookDeliveryView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not a provider admin", body = Problem),
        (status = 404, description = "No such subscription or delivery", body = Problem),
        (status = 409, description = "The delivery is still pending", body = Problem)))]
#[post("/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let ((webhook, id), client) = (path.into_inner(), origin::of(&req));
    let delivery = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                store::redeliver(conn, auth.tenant.id, webhook, id, Utc::now()).map_err(|err| match err {
                    // The one conflict of a redelivery: the delivery is still pending.
                    clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-delivery-pending"),
                    other => other.into(),
                })?;
                client.record_change(conn, &auth, "webhook.redelivered", format!("webhook_delivery:{id}"), None)?;
                Ok(store::delivery(conn, auth.tenant.id, webhook, id)?)
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json_body(WebhookDeliveryView::from(delivery)))
}

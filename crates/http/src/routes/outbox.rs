//! The tenant's outbox, for staff: the e-mails (and later SMS and webhooks) the portal sent or
//! is sending, where each delivery stands, and a retry for those given up on.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::seal::Sealer;
use clientdesk_domain::i18n;
use clientdesk_domain::outbox::{Channel, Delivery, Message, REDACTED};
use clientdesk_persistence::outbox::NotRetried;
use clientdesk_persistence::{outbox, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::origin;
use crate::paging::{cursor, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_outbox).service(retry_message);
}

/// A message and its delivery. The body is shown as written, except that no usable secret is
/// ever shown: a message carrying a decision link, an activation or SMS code or a temporary
/// password shows its text with each secret replaced by `[redacted]` (or only `[redacted]`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 42, "channel": "email", "recipient": "anna.muster@contoso.example",
    "subject": "Validation demandée : redémarrage du serveur",
    "body": "Bonjour,\n\nUne validation vous attend sur le ticket #1042.\n",
    "language": "fr", "status": "pending", "attempts": 2, "next_attempt_at": "2026-11-23T10:02:00Z",
    "last_error": "SMTP: transient error (451): 4.3.0 Try again later",
    "created_at": "2026-11-23T10:00:00Z", "sent_at": null
}))]
pub struct OutboxMessageView {
    pub id: i64,
    pub channel: Channel,
    /// An e-mail address, a phone number or a URL, by channel.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub language: Option<String>,
    pub status: Delivery,
    /// Delivery attempts so far; a retry by staff starts again from 0.
    pub attempts: i32,
    /// When the next attempt is due; null unless pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last failed attempt failed; kept after a later success.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<Message> for OutboxMessageView {
    fn from(m: Message) -> Self {
        // A sealed body is never shown, not even sealed: its redacted text is, or a placeholder.
        let body = match m.redacted_body {
            Some(redacted) => redacted,
            None if Sealer::is_sealed(&m.body) => REDACTED.to_owned(),
            None => m.body,
        };
        Self {
            id: m.id,
            channel: m.channel,
            recipient: m.recipient,
            subject: m.subject,
            body,
            language: m.language,
            next_attempt_at: (m.status == Delivery::Pending).then_some(m.next_attempt_at),
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxFilterQuery {
    /// Only messages in this state: pending, sent or dead.
    pub status: Option<String>,
    /// Only messages of this channel: email, sms or webhook.
    pub channel: Option<String>,
}

/// List the tenant's outgoing messages, newest first, with their delivery state (staff).
#[utoipa::path(tag = "outbox", operation_id = "listOutbox", security(("bearer" = [])),
    params(OutboxFilterQuery, PageQuery),
    responses(
        (status = 200, description = "A page of messages", body = Paged<OutboxMessageView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid filter or paging", body = Problem)))]
#[get("/api/v1/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    auth: Auth,
    filter: crate::query::Query<OutboxFilterQuery>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (limit, before) = page.resolve()?;
    let status = filter
        .status
        .as_deref()
        .map(|s| {
            Delivery::parse(s).ok_or_else(|| {
                ApiError::invalid_parameter(
                    "status",
                    i18n::Message::new("rule-either").arg("first", "pending, sent").arg("second", "dead"),
                )
            })
        })
        .transpose()?;
    let channel = filter
        .channel
        .as_deref()
        .map(|c| {
            Channel::parse(c).ok_or_else(|| {
                ApiError::invalid_parameter(
                    "channel",
                    i18n::Message::new("rule-either").arg("first", "email, sms").arg("second", "webhook"),
                )
            })
        })
        .transpose()?;
    let tenant = auth.tenant.id;
    let page = state.run(move |conn| Ok(outbox::list(conn, tenant, status, channel, before, limit)?)).await?;
    Ok(HttpResponse::Ok().json_body(Paged {
        items: page.items.into_iter().map(OutboxMessageView::from).collect(),
        next_cursor: cursor(page.next_after),
    }))
}

/// Try a dead message again (staff): it becomes pending with a fresh set of attempts, due now.
#[utoipa::path(tag = "outbox", operation_id = "retryOutboxMessage", security(("bearer" = [])),
    params(("message_id" = i64, Path)),
    responses(
        (status = 200, description = "The message, pending again", body = OutboxMessageView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 404, description = "No such message", body = Problem),
        (status = 409, description = "The message is not dead (pending or already sent), or it held a secret that was wiped when it died", body = Problem)))]
#[post("/api/v1/outbox/{message_id}/retry")]
pub async fn retry_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let (id, client) = (path.into_inner(), origin::of(&req));
    let message = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let message = outbox::retry(conn, auth.tenant.id, id, Utc::now())?.map_err(|why| {
                    ApiError::Conflict(
                        match why {
                            NotRetried::NotDead(status) => {
                                i18n::Message::new("conflict-outbox-not-dead").arg("status", status.as_str())
                            }
                            NotRetried::SecretWiped => i18n::Message::new("conflict-outbox-secret-wiped"),
                        }
                        .into(),
                    )
                })?;
                client.record_change(conn, &auth, "outbox_retried", format!("outbox:{id}"), None)?;
                Ok(message)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(OutboxMessageView::from(message)))
}

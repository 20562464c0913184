//! The signed-in user's choice of ticket e-mails: each kind it may receive, on or off.

use std::collections::BTreeMap;

use actix_web::{get, put, web, HttpResponse};
use chrono::Utc;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ticket_notices::{Audience, NoticeKind};
use clientdesk_persistence::{notices, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::errors::{token, ApiError, ApiResult, FieldCode, FieldError, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_notification_preferences).service(update_notification_preferences);
}

/// Each kind of ticket e-mail the caller may receive, and whether it is on. Staff receive
/// `portal_ticket`, `customer_note`, `customer_attachment`, `customer_reopen` and `decision`;
/// customers `ticket_confirmation`, `public_note` and `ticket_resolved`. A company's portal
/// settings may switch a kind off for all its people whatever is chosen here.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"audience": "customer",
    "kinds": {"ticket_confirmation": true, "public_note": true, "ticket_resolved": false}}))]
pub struct NotificationPreferences {
    /// Whom the kinds below are written for: the caller is `staff` or a `customer`.
    pub audience: Audience,
    #[schema(value_type = BTreeMap<String, bool>)]
    pub kinds: BTreeMap<NoticeKind, bool>,
}

/// The kinds to switch: each named kind on (`true`) or off; kinds left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kinds": {"ticket_resolved": false}}))]
pub struct NotificationChoices {
    #[schema(value_type = BTreeMap<String, bool>)]
    pub kinds: BTreeMap<String, bool>,
}

fn audience(auth: &Auth) -> Audience {
    if auth.principal.is_staff() {
        Audience::Staff
    } else {
        Audience::Customer
    }
}

fn preferences(conn: &mut clientdesk_persistence::DbConnection, auth: &Auth) -> ApiResult<NotificationPreferences> {
    let audience = audience(auth);
    let off = notices::opt_outs_of(conn, auth.user.id)?;
    let kinds = NoticeKind::of(audience).map(|k| (k, !off.contains(&k))).collect();
    Ok(NotificationPreferences { audience, kinds })
}

/// My ticket e-mails: which kinds I receive.
#[utoipa::path(tag = "me", operation_id = "getNotificationPreferences", security(("bearer" = [])),
    responses(
        (status = 200, description = "Each kind of ticket e-mail for you, on or off", body = NotificationPreferences),
        (status = 401, description = "Not signed in", body = Problem)))]
#[get("/api/v1/me/notifications")]
pub async fn get_notification_preferences(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let prefs = state.run(move |conn| preferences(conn, &auth)).await?;
    Ok(HttpResponse::Ok().json_body(prefs))
}

/// Switch kinds of my ticket e-mails on or off.
///
/// Name only the kinds to change. A kind that is not written for you (a staff kind for a
/// customer, say) or unknown answers 422 naming it (`/kinds/{kind}`), and nothing changes.
#[utoipa::path(tag = "me", operation_id = "updateNotificationPreferences", security(("bearer" = [])),
    request_body = NotificationChoices,
    responses(
        (status = 200, description = "Each kind of ticket e-mail for you, on or off, after the change", body = NotificationPreferences),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Read-only API token", body = Problem),
        (status = 422, description = "An unknown kind, or one not written for you", body = Problem)))]
#[put("/api/v1/me/notifications")]
pub async fn update_notification_preferences(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NotificationChoices>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_writable()?;
    let audience = audience(&auth);
    let mut choices = Vec::new();
    let mut faults = Vec::new();
    for (name, on) in body.into_inner().kinds {
        match NoticeKind::parse(&name).filter(|k| k.audience() == audience) {
            Some(kind) => choices.push((kind, on)),
            None => faults.push(FieldError {
                pointer: Some(format!("/kinds{}", token(&name))),
                parameter: None,
                header: None,
                code: FieldCode::InvalidValue,
                detail: Message::new("rule-notice-kind").into(),
            }),
        }
    }
    if !faults.is_empty() {
        return Err(ApiError::Invalid(faults));
    }
    let prefs = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                notices::set_opt_outs(conn, auth.tenant.id, auth.user.id, &choices, Utc::now())?;
                preferences(conn, &auth)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(prefs))
}

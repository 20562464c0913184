//! The verified phone: set, confirm and remove it (a change needs a fresh second factor).

use actix_web::{delete, post, put, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::notify;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::user::parse_phone;

use clientdesk_persistence::{users, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::codes::{check_code, no_valid_code, send_code, CodeCheck};
use super::{factors_of, person, record};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

/// Tells the account's address that its verified phone changed (`None`: removed).
fn tell_phone_change(conn: &mut DbConnection, auth: &Auth, phone: Option<&str>) -> ApiResult<()> {
    let now = Utc::now();
    let notice = Notice::PhoneChanged { recipient: &auth.user.name, phone, at: now };
    notify::email(conn, auth.tenant.id, &auth.user.email, auth.user.language, &notice, now)?;
    Ok(())
}

/// Refuses a phone change without a fresh second factor of the kind the user has, proven by
/// this sign-in session.
fn require_phone_change_proof(conn: &mut DbConnection, auth: &Auth, session: &str) -> ApiResult<()> {
    let factors = factors_of(conn, auth)?;
    let proof = users::step_up_of(conn, auth.user.id, session)?;
    factors.allows_phone_change(proof, Utc::now())?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phone": "+41 79 555 12 34"}))]
pub struct PhoneInput {
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"phone": "+41 79 555 12 34", "verified": false}))]
pub struct PhoneView {
    pub phone: String,
    pub verified: bool,
}

/// Set or replace the phone that verifies self-service actions: a code is sent to the new number
/// by SMS; confirm it with `POST /api/v1/me/phone/confirm`, which makes it the verified phone
/// (until then the current one stays).
///
/// A user with an authenticator app proves its code first, and a user with a verified phone a
/// code sent to that phone (`POST /api/v1/me/step-up`, within 5 minutes, by this sign-in); a user
/// with neither sets a first phone without. SMS go only to the calling codes the provider allows
/// and within hourly and daily limits.
#[utoipa::path(tag = "self-service", operation_id = "setPhone", security(("bearer" = [])),
    request_body = PhoneInput,
    responses(
        (status = 202, description = "A code is on its way to the new number", body = PhoneView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No fresh second factor, an API token or an agent session", body = Problem),
        (status = 422, description = "Not a phone number, or a calling code the provider does not allow", body = Problem),
        (status = 429, description = "Too many SMS", body = Problem)))]
#[put("/api/v1/me/phone")]
pub async fn set_phone(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<PhoneInput>,
) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let phone = parse_phone(&body.phone)?;
    let (client, st) = (origin::of(&req), state.clone());
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                require_phone_change_proof(conn, &auth, &session)?;
                send_code(conn, &st, &auth, &phone, &format!("phone:{}", auth.user.id.0), false)?;
                record(conn, &client, &auth, "phone_change_requested", None)?;
                Ok(PhoneView { phone: phone.clone(), verified: false })
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json_body(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "482913"}))]
pub struct CodeInput {
    pub code: String,
}

/// Confirm the new phone with the code it received: it becomes the verified phone, the
/// account's e-mail address is told, and SMS codes count as a second factor again 24 hours later.
#[utoipa::path(tag = "self-service", operation_id = "confirmPhone", security(("bearer" = [])),
    request_body = CodeInput,
    responses(
        (status = 200, description = "The phone is verified", body = PhoneView),
        (status = 403, description = "An API token or an agent session", body = Problem),
        (status = 409, description = "No valid code (none sent, expired, or five wrong ones)", body = Problem),
        (status = 422, description = "Wrong code", body = Problem)))]
#[post("/api/v1/me/phone/confirm")]
pub async fn confirm_phone(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CodeInput>,
) -> ApiResult<HttpResponse> {
    person(&auth)?;
    let (code, client) = (body.into_inner().code, origin::of(&req));
    let checked = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let checked = check_code(conn, &format!("phone:{}", auth.user.id.0), &code)?;
                if let CodeCheck::Valid(phone) = &checked {
                    users::change_verified_phone(conn, auth.user.id, Some(phone), Utc::now())?;
                    tell_phone_change(conn, &auth, Some(phone))?;
                    record(conn, &client, &auth, "phone_verified", Some("sms"))?;
                }
                Ok(checked)
            })
        })
        .await?;
    match checked {
        CodeCheck::Valid(phone) => Ok(HttpResponse::Ok().json_body(PhoneView { phone, verified: true })),
        CodeCheck::Wrong => Err(ApiError::invalid("code", Message::new("rule-code-not-sent"))),
        CodeCheck::Stale => Err(no_valid_code()),
    }
}

/// Remove the phone (with a fresh second factor, as for a change): self-service actions ask for
/// a phone again before they run. The account's e-mail address is told.
#[utoipa::path(tag = "self-service", operation_id = "removePhone", security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "No fresh second factor, an API token or an agent session", body = Problem)))]
#[delete("/api/v1/me/phone")]
pub async fn remove_phone(state: web::Data<AppState>, req: HttpRequest, auth: Auth) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let client = origin::of(&req);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                require_phone_change_proof(conn, &auth, &session)?;
                if auth.user.phone.is_none() {
                    return Ok(());
                }
                users::change_verified_phone(conn, auth.user.id, None, Utc::now())?;
                tell_phone_change(conn, &auth, None)?;
                record(conn, &client, &auth, "phone_removed", None)
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

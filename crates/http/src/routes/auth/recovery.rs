//! Getting back in without being signed in: a forgotten password (a reset link by e-mail), and
//! confirming a new sign-in address with the link mailed to it.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::accounts::{self, Mailer, PasswordLink};
use clientdesk_app::crypto::secrets;
use clientdesk_app::origin::Origin;
use clientdesk_domain::accounts::reset_mail_window;
use clientdesk_domain::notifications::AccountChange;
use clientdesk_domain::user::Email;
use clientdesk_persistence::{accounts as stored, audit, session, sms, tenants, tokens, users, write_tx, Conn};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::attempts::{rate_limit, Unauthenticated};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tenant": "acme-it", "email": "ann@contoso.example"}))]
pub struct PasswordResetRequest {
    /// The provider's tenant slug (the portal's address names it).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub tenant: String,
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
}

/// The same answer whether or not the address belongs to an account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"message": "If the address belongs to an account, a link to set a new password is on its way."}))]
pub struct PasswordResetAccepted {
    pub message: &'static str,
}

const RESET_ACCEPTED: &str = "If the address belongs to an account, a link to set a new password is on its way.";

/// Ask for a link to set a new password (forgotten password).
///
/// Always answers 202 with the same body, at once, whether the address belongs to an account,
/// to none, or to a disabled one: the lookup and the mail happen after the answer. A known,
/// enabled account gets a single-use link valid 1 hour (also one that never had a password,
/// such as a contact registered by the RMM agent); at most 3 such mails an hour per address,
/// further requests send nothing. The link sets the password through `POST /api/v1/auth/password`;
/// the second factor is still asked at the next sign-in.
#[utoipa::path(
    tag = "accounts",
    operation_id = "requestPasswordReset", security(()),
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted (the same for every address)", body = PasswordResetAccepted),
        (status = 422, description = "Not an e-mail address, or a malformed body", body = Problem),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let client = origin::of(&req);
    rate_limit(&state, &req, &client)?;
    body.validate()?;
    let body = body.into_inner();
    let email = Email::parse(&body.email)?;
    let slug = body.tenant.trim().to_owned();
    let st = state.clone();
    // The answer does not wait for the lookup: its timing cannot tell whether the address is known.
    actix_web::rt::spawn(async move {
        let inner = st.clone();
        let done = Unauthenticated(&st)
            .run(move |conn| mail_reset_link(conn, &inner, &client, &slug, &email, Utc::now()))
            .await;
        if let Err(err) = done {
            tracing::warn!(error = %err, "a password-reset request could not be served");
        }
    });
    Ok(HttpResponse::Accepted().json_body(PasswordResetAccepted { message: RESET_ACCEPTED }))
}

/// Mails a reset link to the enabled user of `slug` with `email`, within the per-address limit;
/// anything else sends nothing.
fn mail_reset_link(
    conn: &mut Conn,
    state: &AppState,
    client: &Origin,
    slug: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let tenant = match tenants::find_by_slug(conn, slug) {
        Ok(tenant) => tenant,
        Err(clientdesk_persistence::Error::NotFound) => return Ok(()),
        Err(other) => return Err(other.into()),
    };
    let user = match users::find_by_email(conn, tenant.id, email.as_str()) {
        Ok(user) if !user.disabled => user,
        Ok(_) | Err(clientdesk_persistence::Error::NotFound) => return Ok(()),
        Err(other) => return Err(other.into()),
    };
    let mailer = Mailer { sealer: &state.sealer, links: &state.settings.links };
    write_tx(conn, |conn| {
        let over = sms::take(conn, &[reset_mail_window(tenant.id, email.as_str(), now)], now)?;
        let action = if over.is_some() {
            "password_reset_throttled"
        } else {
            accounts::send_password_link(conn, mailer, &user, PasswordLink::Reset, now)?;
            "password_reset_requested"
        };
        audit::record(conn, &client.event(Some(tenant.id), Some(user.id), action), now)?;
        Ok(())
    })
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "q8v0Wc5x..."}))]
pub struct EmailConfirmationRequest {
    /// The token of the confirmation link mailed to the new address.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
}

/// Confirm a new sign-in address with the link mailed to it (24 hours, single use).
///
/// The address becomes the user's sign-in address; every session and refresh token of the user
/// ends (it signs in again with the new address), and the old address is told by e-mail.
#[utoipa::path(
    tag = "accounts",
    operation_id = "confirmEmail", security(()),
    request_body = EmailConfirmationRequest,
    responses(
        (status = 204, description = "The address is changed"),
        (status = 401, description = "Unknown, used or expired link", body = Problem),
        (status = 409, description = "Another user of the tenant took the address meanwhile", body = Problem),
        (status = 422, description = "Malformed body", body = Problem),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/email-confirmation")]
pub async fn confirm_email(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<EmailConfirmationRequest>,
) -> ApiResult<HttpResponse> {
    let client = origin::of(&req);
    rate_limit(&state, &req, &client)?;
    body.validate()?;
    let token = secrets::fingerprint(&body.token);
    Unauthenticated(&state)
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let invalid = || ApiError::unauthorized("unauthorized-confirmation-link");
                let (user_id, new_email) = stored::spend_email_change(conn, &token, now)?.ok_or_else(invalid)?;
                let before = session::load(conn, user_id)?;
                match users::find_by_email(conn, before.tenant.id, &new_email) {
                    Ok(other) if other.id != user_id => return Err(ApiError::conflict("conflict-email-taken")),
                    Ok(_) | Err(clientdesk_persistence::Error::NotFound) => {}
                    Err(other) => return Err(other.into()),
                }
                stored::set_email(conn, user_id, &new_email, now)?;
                // The sign-in identity changed: every session ends.
                users::bump_auth_version(conn, user_id, now)?;
                tokens::revoke_all_refresh(conn, user_id, now)?;
                let mut event = client.event(Some(before.tenant.id), Some(user_id), "email_changed");
                event.target = Some(format!("user:{user_id}"));
                audit::record(conn, &event, now)?;
                accounts::tell(conn, &before.user, AccountChange::EmailChanged { new_email: &new_email }, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Enrolling an authenticator app under a 2FA-required policy.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::jwt::MfaPurpose;
use clientdesk_app::crypto::{secrets, totp};
use clientdesk_app::origin::Origin;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::principal::AuthMethod;
use clientdesk_persistence::audit;
use clientdesk_persistence::session::{self, Session};
use clientdesk_persistence::{tokens, users, write_tx, Conn};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::attempts::{rate_limit, Unauthenticated};
use super::password::revoke_api_tokens;
use super::refresh::{signed_in, TokenPair};
use super::{mfa_session, unix_now};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MfaTokenRequest {
    #[validate(length(min = 1, max = 4096))]
    #[schema(min_length = 1, max_length = 4096)]
    pub mfa_token: String,
}

/// A new TOTP secret to scan; it becomes active once confirmed with a first code.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "otpauth_uri": "otpauth://totp/clientdesk:ann%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=clientdesk",
    "qr_png_base64": "iVBORw0KGgoAAAANSUhEUgAA..."
}))]
pub struct EnrolmentStart {
    /// Base32 secret, for typing into an app that cannot scan.
    pub secret: String,
    pub otpauth_uri: String,
    /// The otpauth URI as a QR code, PNG, base64.
    pub qr_png_base64: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mfa_token": "eyJ...", "code": "123456"}))]
pub struct EnrolmentConfirm {
    #[validate(length(min = 1, max = 4096))]
    #[schema(min_length = 1, max_length = 4096)]
    pub mfa_token: String,
    #[validate(length(min = 1, max = 16))]
    #[schema(min_length = 1, max_length = 16)]
    pub code: String,
}

/// Enrolment done: tokens, and ten recovery codes shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentDone {
    #[serde(flatten)]
    pub tokens: TokenPair,
    #[schema(example = json!(["abcd-efgh-jkmn-pqrs", "tuvw-xyz2-3456-789a"]))]
    pub recovery_codes: Vec<String>,
}

/// Start enrolment: a new TOTP secret, its otpauth URI and QR code.
#[utoipa::path(
    tag = "auth",
    operation_id = "startEnrolment", security(()),
    request_body = MfaTokenRequest,
    responses(
        (status = 200, description = "Scan this, then confirm with a first code", body = EnrolmentStart),
        (status = 401, description = "Invalid or expired MFA token", body = Problem),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/mfa/enrollment")]
pub async fn start_enrolment(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<MfaTokenRequest>,
) -> ApiResult<HttpResponse> {
    rate_limit(&state, &req, &origin::of(&req))?;
    body.validate()?;
    let st = state.clone();
    let start = Unauthenticated(&state)
        .run(move |conn| {
            let session = mfa_session(&st, conn, &body.mfa_token, MfaPurpose::Enrol)?;
            begin_enrolment(&st, conn, &session)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(start))
}

/// Stores a new pending secret and describes it for an authenticator app.
pub fn begin_enrolment(state: &AppState, conn: &mut Conn, session: &Session) -> ApiResult<EnrolmentStart> {
    let secret = totp::new_secret();
    users::set_pending_totp(conn, session.user.id, Some(&secret))?;
    let e = totp::enrolment(&secret, &state.settings.issuer, &session.user.email).map_err(ApiError::Internal)?;
    Ok(EnrolmentStart { secret, otpauth_uri: e.otpauth_uri, qr_png_base64: e.qr_png_base64 })
}

/// Activates the pending secret if `code` matches it; returns the new recovery codes.
pub fn finish_enrolment(
    conn: &mut Conn,
    session: &Session,
    code: &str,
    client: &Origin,
    now: DateTime<Utc>,
) -> ApiResult<Vec<String>> {
    let user = &session.user;
    let pending =
        user.totp_pending_secret.as_deref().ok_or_else(|| ApiError::conflict("conflict-enrolment-not-started"))?;
    let step = totp::matching_step(pending, code, unix_now(now))
        .ok_or_else(|| ApiError::invalid("code", Message::new("rule-totp-enrolment-code")))?;
    let codes = secrets::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| secrets::recovery_fingerprint(user.id.0, c)).collect();
    write_tx(conn, |conn| {
        users::set_totp(conn, user.id, Some(pending), Some(step), now)?;
        users::replace_recovery_codes(conn, user.id, &hashes)?;
        tokens::revoke_all_refresh(conn, user.id, now)?;
        let mut event = client.event(Some(session.tenant.id), Some(user.id), "mfa_enrolled");
        event.factor = Some("otp");
        audit::record(conn, &event, now)?;
        revoke_api_tokens(conn, client, session.tenant.id, user.id, now)?;
        Ok::<_, crate::errors::ApiError>(())
    })?;
    Ok(codes)
}

/// Activates the pending secret and signs in anew: the enrolment raised the auth version, so the
/// answer carries fresh tokens along with the recovery codes.
pub fn complete_enrolment(
    state: &AppState,
    conn: &mut Conn,
    session: &Session,
    code: &str,
    client: &Origin,
    now: DateTime<Utc>,
) -> ApiResult<EnrolmentDone> {
    let recovery_codes = finish_enrolment(conn, session, code, client, now)?;
    let session = session::load(conn, session.user.id)?;
    let tokens = signed_in(state, conn, &session, client, &[AuthMethod::Pwd, AuthMethod::Otp], "otp", now)?;
    Ok(EnrolmentDone { tokens, recovery_codes })
}

/// Confirm enrolment with a first code; signs in and returns ten recovery codes.
#[utoipa::path(
    tag = "auth",
    operation_id = "confirmEnrolment", security(()),
    request_body = EnrolmentConfirm,
    responses(
        (status = 200, description = "Enrolled and signed in", body = EnrolmentDone),
        (status = 401, description = "Invalid or expired MFA token", body = Problem),
        (status = 409, description = "Enrolment was not started", body = Problem),
        (status = 422, description = "The code does not match the new secret", body = Problem),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/mfa/enrollment/confirm")]
pub async fn confirm_enrolment(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<EnrolmentConfirm>,
) -> ApiResult<HttpResponse> {
    let client = origin::of(&req);
    rate_limit(&state, &req, &client)?;
    body.validate()?;
    let st = state.clone();
    let done = Unauthenticated(&state)
        .run(move |conn| {
            let now = Utc::now();
            let session = mfa_session(&st, conn, &body.mfa_token, MfaPurpose::Enrol)?;
            complete_enrolment(&st, conn, &session, &body.code, &client, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(done))
}

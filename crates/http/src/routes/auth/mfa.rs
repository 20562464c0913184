//! The second step of signing in (TOTP or recovery code), and checking a fresh code.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::jwt::MfaPurpose;
use clientdesk_app::crypto::{secrets, totp};
use clientdesk_app::origin::Origin;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::principal::AuthMethod;
use clientdesk_persistence::session::Session;
use clientdesk_persistence::{throttle, users, write_tx, Conn};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::attempts::{
    count_attempt, forgive_attempt, rate_limit, record_failure, record_signin_failure, throttled, SigninKeys,
    Unauthenticated,
};
use super::refresh::{signed_in, TokenPair};
use super::{mfa_session, unix_now};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::json::Json;
use crate::metrics::SigninOutcome;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mfa_token": "eyJ...", "code": "123456"}))]
pub struct MfaVerifyRequest {
    #[validate(length(min = 1, max = 4096))]
    #[schema(min_length = 1, max_length = 4096)]
    pub mfa_token: String,
    /// The 6-digit code of the authenticator app.
    #[validate(length(max = 16))]
    #[schema(max_length = 16)]
    pub code: Option<String>,
    /// One of the ten recovery codes, in place of `code`.
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub recovery_code: Option<String>,
}

/// Second step: a TOTP code (or a recovery code) with the MFA token.
///
/// A code is accepted once: two parallel submissions of one code give one success.
#[utoipa::path(
    tag = "auth",
    operation_id = "verifyMfa", security(()),
    request_body = MfaVerifyRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong, reused or expired code, or invalid MFA token", body = Problem),
        (status = 422, description = "Neither or both of code and recovery_code", body = Problem),
        (status = 429, description = "Too many failed attempts, or requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/mfa/verify")]
pub async fn verify_mfa(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<MfaVerifyRequest>,
) -> ApiResult<HttpResponse> {
    let client = origin::of(&req);
    rate_limit(&state, &req, &client)?;
    body.validate()?;
    let body = body.into_inner();
    let st = state.clone();
    let pair = Unauthenticated(&state)
        .run(move |conn| {
            let now = Utc::now();
            let session = mfa_session(&st, conn, &body.mfa_token, MfaPurpose::Verify)?;
            if body.code.is_some() == body.recovery_code.is_some() {
                return Err(ApiError::invalid("code", Message::new("rule-code-or-recovery-code")));
            }
            let keys = SigninKeys::new(&session.tenant.slug, &session.user.email, &client);
            // The account-wide throttle does not hold codes back: a right password plus a second
            // factor gets in, whatever happens to the account elsewhere.
            count_attempt(conn, &keys, false, now)
                .map_err(|e| throttled(&st, conn, &client, Some(session.tenant.id), e))?;
            let user = &session.user;
            let (accepted, method, factor) = match (&body.code, &body.recovery_code) {
                (Some(code), None) => {
                    let secret =
                        user.totp_secret.as_deref().ok_or(ApiError::unauthorized("conflict-no-second-factor"))?;
                    let step = totp::matching_step(secret, code, unix_now(now));
                    let claimed = match step {
                        Some(step) => users::claim_totp_step(conn, user.id, step)?,
                        None => false,
                    };
                    (claimed, AuthMethod::Otp, "otp")
                }
                (None, Some(code)) => {
                    let hash = secrets::recovery_fingerprint(user.id.0, code);
                    (users::use_recovery_code(conn, user.id, &hash, now)?, AuthMethod::Recovery, "recovery")
                }
                _ => return Err(ApiError::invalid("code", Message::new("rule-code-or-recovery-code"))),
            };
            if !accepted {
                let mut event = client.event(Some(session.tenant.id), Some(user.id), "signin_failed");
                event.factor = Some(factor);
                record_signin_failure(conn, event, Some((user, method)), &client, now)?;
                st.metrics.record_signin(SigninOutcome::Failed);
                return Err(ApiError::unauthorized("forbidden-wrong-code"));
            }
            write_tx(conn, |conn| forgive_attempt(conn, &keys, false))?;
            signed_in(&st, conn, &session, &client, &[AuthMethod::Pwd, method], factor, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(pair))
}

/// Checks a fresh TOTP code of a signed-in user (for changes to the second factor): throttled
/// and counted like a sign-in code, and accepted once.
pub fn check_fresh_code(
    state: &AppState,
    conn: &mut Conn,
    session: &Session,
    client: &Origin,
    code: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let keys = SigninKeys::new(&session.tenant.slug, &session.user.email, client);
    let secret = session.user.totp_secret.as_deref().ok_or_else(|| ApiError::conflict("conflict-no-second-factor"))?;
    count_attempt(conn, &keys, false, now).map_err(|e| throttled(state, conn, client, Some(session.tenant.id), e))?;
    let claimed = match totp::matching_step(secret, code, unix_now(now)) {
        Some(step) => users::claim_totp_step(conn, session.user.id, step)?,
        None => false,
    };
    if !claimed {
        let mut event = client.event(Some(session.tenant.id), Some(session.user.id), "signin_failed");
        event.factor = Some("otp");
        // A code confirming a change is no sign-in: audited, kept out of the sign-in log.
        record_failure(conn, event, now)?;
        return Err(ApiError::forbidden("forbidden-wrong-code"));
    }
    write_tx(conn, |conn| {
        forgive_attempt(conn, &keys, false)?;
        throttle::reset(conn, &keys.pair)?;
        Ok::<_, ApiError>(())
    })
}

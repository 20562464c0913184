//! Signing in with a password, the first step.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::crypto::jwt::{MfaPurpose, MFA_TTL};
use clientdesk_domain::principal::AuthMethod;
use clientdesk_domain::user::Email;
use clientdesk_persistence::session;
use clientdesk_persistence::{tenants, users, write_tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::attempts::{
    count_attempt, forgive_attempt, log_signin, rate_limit, record_signin_failure, throttled, SigninKeys,
    Unauthenticated,
};
use super::refresh::{signed_in, TokenPair};
use super::{ensure_may_sign_in, two_factor_required};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::json::Json;
use crate::metrics::SigninOutcome;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tenant": "acme-it", "email": "ann@example.com", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    /// The provider's tenant slug (the portal's address names it).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub tenant: String,
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

/// The outcome of the password step.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginResponse {
    /// Signed in (the user has no second factor and policy does not ask for one).
    Authenticated(TokenPair),
    /// Send a TOTP or recovery code with this token to `/api/v1/auth/mfa/verify`.
    MfaRequired { mfa_token: String, expires_in: i64 },
    /// Policy requires a second factor the user does not have: enrol with this token.
    EnrollmentRequired { mfa_token: String, expires_in: i64 },
}

/// Sign in with a password (step one).
///
/// Answers with tokens, or with an MFA token for the second step (`mfa_required`), or with an
/// MFA token for enrolment when policy requires 2FA and the user has none
/// (`enrollment_required`). An unknown user and a wrong password get the same answer in the same
/// time. Attempts are counted before they are checked, per account and client address, per
/// address, and per account (which holds back a password alone, never a password with a second
/// factor); see `docs/decisions/0001-sign-in-throttling.md`.
#[utoipa::path(
    tag = "auth",
    operation_id = "login", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in, or the next step", body = LoginResponse),
        (status = 401, description = "Wrong e-mail or password", body = Problem),
        (status = 403, description = "Account disabled, or portal disabled for all its companies", body = Problem),
        (status = 422, description = "Invalid input", body = Problem),
        (status = 429, description = "Too many failed attempts, or requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/login")]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<LoginRequest>) -> ApiResult<HttpResponse> {
    let client = origin::of(&req);
    rate_limit(&state, &req, &client)?;
    body.validate()?;
    let body = body.into_inner();
    let now = Utc::now();
    let email = body.email.trim().to_lowercase();
    let keys = SigninKeys::new(body.tenant.trim(), &email, &client);

    // Step 1: count the attempt, then find the account (if any).
    let (st, c, e, slug) = (state.clone(), client.clone(), email.clone(), body.tenant.trim().to_owned());
    let found = Unauthenticated(&state)
        .run(move |conn| {
            let tenant = tenants::find_by_slug(conn, &slug).ok();
            let keys = SigninKeys::new(&slug, &e, &c);
            let hold = count_attempt(conn, &keys, true, now)
                .map_err(|err| throttled(&st, conn, &c, tenant.as_ref().map(|t| t.id), err))?;
            let user = match (&tenant, Email::parse(&e)) {
                (Some(t), Ok(email)) => users::find_by_email(conn, t.id, email.as_str()).ok(),
                _ => None,
            };
            Ok((tenant.map(|t| t.id), user, hold))
        })
        .await?;
    let (tenant_id, user, hold) = found;

    // Step 2: verify the password (or a dummy hash), within the hashing permits.
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = body.password;
    let (ok, rehash) = state
        .hasher
        .run(move |hasher| {
            let ok = hasher.verify(&password, stored.as_deref());
            let rehash = (ok && stored.as_deref().is_some_and(|s| hasher.needs_rehash(s)))
                .then(|| hasher.hash(&password))
                .transpose();
            (ok, rehash)
        })
        .await
        .map_err(ApiError::Internal)?;
    let rehash = rehash.map_err(ApiError::Internal)?;

    // Step 3: record the outcome and answer.
    let st = state.clone();
    let response = Unauthenticated(&state)
        .run(move |conn| {
            let Some(user) = user.as_ref().filter(|_| ok) else {
                let mut event = client.event(tenant_id, None, "signin_failed");
                event.factor = Some("pwd");
                event.target = Some(email.clone());
                // An unknown address has no sign-in log to put the attempt in.
                record_signin_failure(conn, event, user.as_ref().map(|u| (u, AuthMethod::Pwd)), &client, now)?;
                st.metrics.record_signin(SigninOutcome::Failed);
                // While the account is held back, a wrong password looks like a right one.
                return Err(hold.refusal().unwrap_or(ApiError::unauthorized("unauthorized-wrong-credentials")));
            };
            write_tx(conn, |conn| {
                forgive_attempt(conn, &keys, hold.0.is_none())?;
                if let Some(hash) = &rehash {
                    users::set_password_hash(conn, user.id, hash, false, now)?;
                }
                Ok::<_, ApiError>(())
            })?;
            let session = session::load(conn, user.id)?;
            ensure_may_sign_in(&session)?;
            let ver = session.user.auth_version;
            // The password step succeeded; the sign-in log shows the second step on its own.
            let password_passed = |conn: &mut clientdesk_persistence::Conn| {
                write_tx(conn, |conn| log_signin(conn, &client, user, AuthMethod::Pwd, true, now))
            };
            if session.user.has_totp() {
                password_passed(conn)?;
                let token = st.keys.issue_mfa(user.id.0, user.tenant_id.0, MfaPurpose::Verify, ver, now);
                return Ok(LoginResponse::MfaRequired { mfa_token: token, expires_in: MFA_TTL.num_seconds() });
            }
            // The account-wide throttle lets a password through only to a second factor.
            if let Some(err) = hold.refusal() {
                return Err(throttled(&st, conn, &client, tenant_id, err));
            }
            if two_factor_required(&session) {
                password_passed(conn)?;
                let token = st.keys.issue_mfa(user.id.0, user.tenant_id.0, MfaPurpose::Enrol, ver, now);
                return Ok(LoginResponse::EnrollmentRequired { mfa_token: token, expires_in: MFA_TTL.num_seconds() });
            }
            Ok(LoginResponse::Authenticated(signed_in(&st, conn, &session, &client, &[AuthMethod::Pwd], "pwd", now)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(response))
}

//! Signing in: password -> MFA token -> TOTP or recovery code -> access and refresh tokens;
//! enrolment under a 2FA-required policy; refresh rotation with reuse detection; logout; and
//! setting a password with a one-time token.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::principal::AuthMethod;
use clientdesk_domain::settings::{self, TwoFactorPolicy};
use clientdesk_domain::throttle::ThrottlePolicy;
use clientdesk_domain::user::{Email, NewPassword};
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::session::{self, Session};
use clientdesk_persistence::{tenants, throttle, tokens, users, write_tx, Conn, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::jwt::{MfaPurpose, ACCESS_TTL, MFA_TTL};
use crate::auth::{secrets, totp};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::metrics::SigninOutcome;
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(verify_mfa)
        .service(start_enrolment)
        .service(confirm_enrolment)
        .service(refresh)
        .service(logout)
        .service(set_password);
}

// Types

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tenant": "acme-it", "email": "ann@example.com", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    /// The provider's tenant slug (the portal's address names it).
    #[validate(length(min = 1, max = 100))]
    pub tenant: String,
    #[validate(length(min = 1, max = 254))]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    pub password: String,
}

/// An access token (JWT, 15 minutes) and a refresh token (single use, rotated on each refresh).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0.e30.sig",
    "refresh_token": "m2R1aXg0b1NfRVFmVnJwX3dYb1l5T0hLWkl1QjNtN0NVdnR2d0FkZzNtQQ",
    "token_type": "Bearer",
    "expires_in": 900
}))]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
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

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mfa_token": "eyJ...", "code": "123456"}))]
pub struct MfaVerifyRequest {
    #[validate(length(min = 1, max = 4096))]
    pub mfa_token: String,
    /// The 6-digit code of the authenticator app.
    #[validate(length(max = 16))]
    pub code: Option<String>,
    /// One of the ten recovery codes, in place of `code`.
    #[validate(length(max = 64))]
    pub recovery_code: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MfaTokenRequest {
    #[validate(length(min = 1, max = 4096))]
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
    pub mfa_token: String,
    #[validate(length(min = 1, max = 16))]
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

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "q8v0Wc5x...", "password": "a long passphrase of mine"}))]
pub struct SetPasswordRequest {
    /// The one-time set-password token.
    #[validate(length(min = 1, max = 200))]
    pub token: String,
    pub password: String,
}

// Shared steps

/// The client address and user agent, for throttling and the audit log.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    pub fn of(req: &HttpRequest) -> Self {
        Self {
            ip: req.peer_addr().map(|a| a.ip().to_string()),
            user_agent: req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_owned),
        }
    }

    pub fn event(&self, tenant: Option<TenantId>, actor: Option<UserId>, action: &'static str) -> NewAuditEvent {
        NewAuditEvent {
            tenant_id: tenant,
            actor_user_id: actor,
            action,
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            ..Default::default()
        }
    }

    /// Records a change the signed-in caller made to `target` (e.g. `company:3`).
    pub fn record_change(
        &self,
        conn: &mut DbConnection,
        auth: &Auth,
        action: &'static str,
        target: String,
        detail: Option<String>,
    ) -> ApiResult<()> {
        let mut event = self.event(Some(auth.tenant.id), Some(auth.user.id), action);
        event.target = Some(target);
        event.detail = detail;
        audit::record(conn, &event, Utc::now())?;
        Ok(())
    }
}

fn account_key(tenant: &str, email: &str) -> String {
    format!("account:{tenant}:{email}")
}

fn address_key(client: &Client) -> Option<String> {
    client.ip.as_ref().map(|ip| format!("address:{ip}"))
}

/// Refuses with 429 while the account or the address is blocked.
fn check_throttle(conn: &mut DbConnection, account: &str, client: &Client, now: DateTime<Utc>) -> ApiResult<()> {
    let checks = [(Some(account.to_owned()), ThrottlePolicy::ACCOUNT), (address_key(client), ThrottlePolicy::ADDRESS)];
    for (key, policy) in checks {
        let Some(key) = key else { continue };
        if let Some(until) = throttle::blocked_until(conn, &key, now)? {
            return Err(ApiError::TooManyRequests { retry_after_secs: (until - now).num_seconds().max(1), policy });
        }
    }
    Ok(())
}

/// Counts a failed password or code against the account and the address, and audits it.
fn record_failure(
    conn: &mut Conn,
    account: &str,
    client: &Client,
    mut event: NewAuditEvent,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    write_tx(conn, |conn| {
        throttle::record_failure(conn, account, &ThrottlePolicy::ACCOUNT, now)?;
        if let Some(key) = address_key(client) {
            throttle::record_failure(conn, &key, &ThrottlePolicy::ADDRESS, now)?;
        }
        event.action = "signin_failed";
        audit::record(conn, &event, now)?;
        Ok::<_, crate::errors::ApiError>(())
    })
}

fn throttled(
    state: &AppState,
    conn: &mut DbConnection,
    client: &Client,
    tenant: Option<TenantId>,
    err: ApiError,
) -> ApiError {
    if let ApiError::TooManyRequests { .. } = err {
        state.metrics.record_signin(SigninOutcome::Throttled);
        let _ = audit::record(conn, &client.event(tenant, None, "signin_throttled"), Utc::now());
    }
    err
}

/// Whether policy asks this user for a second factor: staff follow the tenant's default; a portal
/// user must have one if any of its companies (with the portal on) requires it.
pub fn two_factor_required(session: &Session) -> bool {
    if session.user.staff_role.is_some() {
        return session.tenant.portal_defaults.two_factor == TwoFactorPolicy::Required;
    }
    session.memberships.iter().any(|(company, _)| {
        let s = settings::resolve(&session.tenant.portal_defaults, &company.portal_overrides);
        s.portal_enabled && s.two_factor == TwoFactorPolicy::Required
    })
}

/// Refuses users who may not sign in at all: disabled, or portal users with no enabled portal.
pub fn ensure_may_sign_in(session: &Session) -> ApiResult<()> {
    if session.user.disabled {
        return Err(ApiError::Forbidden("This account is disabled."));
    }
    if session.user.staff_role.is_none()
        && !session.memberships.iter().any(|(company, _)| {
            settings::resolve(&session.tenant.portal_defaults, &company.portal_overrides).portal_enabled
        })
    {
        return Err(ApiError::Forbidden("The portal is disabled for every company you belong to."));
    }
    Ok(())
}

/// Issues an access token and a refresh token of a new family.
pub fn issue_tokens(
    state: &AppState,
    conn: &mut DbConnection,
    session: &Session,
    amr: &[AuthMethod],
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    issue_in_family(state, conn, session, amr, &secrets::random_token(16), now)
}

fn issue_in_family(
    state: &AppState,
    conn: &mut DbConnection,
    session: &Session,
    amr: &[AuthMethod],
    family: &str,
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    let amr_names: Vec<String> = amr.iter().map(|m| m.as_str().to_owned()).collect();
    let user = &session.user;
    let access = state.keys.issue_access(
        user.id.0,
        user.tenant_id.0,
        user.staff_role.is_some(),
        amr_names.clone(),
        user.auth_version,
        family,
        now,
    );
    let refresh_token = secrets::random_token(32);
    tokens::insert_refresh(
        conn,
        user.tenant_id,
        user.id,
        family,
        &secrets::fingerprint(&refresh_token),
        &amr_names.join(" "),
        now,
        now + state.settings.refresh_ttl,
    )?;
    Ok(TokenPair { access_token: access, refresh_token, token_type: "Bearer", expires_in: ACCESS_TTL.num_seconds() })
}

pub fn signed_in(
    state: &AppState,
    conn: &mut Conn,
    session: &Session,
    client: &Client,
    amr: &[AuthMethod],
    factor: &'static str,
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    let email = session.user.email.clone();
    let tenant_slug = session.tenant.slug.clone();
    let pair = write_tx(conn, |conn| {
        throttle::reset(conn, &account_key(&tenant_slug, &email))?;
        let mut event = client.event(Some(session.tenant.id), Some(session.user.id), "signin_succeeded");
        event.factor = Some(factor);
        audit::record(conn, &event, now)?;
        issue_tokens(state, conn, session, amr, now)
    })?;
    state.metrics.record_signin(SigninOutcome::Succeeded);
    Ok(pair)
}

/// Checks an MFA token and loads its user; the token must be of `purpose` and still match the
/// user's auth version.
fn mfa_session(state: &AppState, conn: &mut DbConnection, token: &str, purpose: MfaPurpose) -> ApiResult<Session> {
    let invalid = || ApiError::Unauthorized("The MFA token is invalid or expired. Sign in again.");
    let claims = state.keys.verify_mfa(token).map_err(|_| invalid())?;
    let user_id = claims.sub.parse().map(UserId).map_err(|_| invalid())?;
    let session = session::load(conn, user_id).map_err(|_| invalid())?;
    if claims.purpose != purpose || session.user.auth_version != claims.ver || session.tenant.id.0 != claims.tid {
        return Err(invalid());
    }
    ensure_may_sign_in(&session)?;
    Ok(session)
}

fn unix_now(now: DateTime<Utc>) -> u64 {
    now.timestamp().max(0) as u64
}

// Handlers

/// Sign in with a password (step one).
///
/// Answers with tokens, or with an MFA token for the second step (`mfa_required`), or with an
/// MFA token for enrolment when policy requires 2FA and the user has none
/// (`enrollment_required`). An unknown user and a wrong password get the same answer in the same
/// time. Failed passwords and codes are throttled per account and per client address.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in, or the next step", body = LoginResponse),
        (status = 401, description = "Wrong e-mail or password", body = Problem),
        (status = 403, description = "Account disabled, or portal disabled for all its companies", body = Problem),
        (status = 422, description = "Invalid input", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/login")]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<LoginRequest>) -> ApiResult<HttpResponse> {
    body.validate()?;
    let body = body.into_inner();
    let client = Client::of(&req);
    let now = Utc::now();
    let email = body.email.trim().to_lowercase();
    let key = account_key(body.tenant.trim(), &email);

    // Step 1: throttle, then find the account (if any).
    let (st, c, k, e, slug) =
        (state.clone(), client.clone(), key.clone(), email.clone(), body.tenant.trim().to_owned());
    let found = state
        .run(move |conn| {
            let tenant = tenants::find_by_slug(conn, &slug).ok();
            check_throttle(conn, &k, &c, now)
                .map_err(|err| throttled(&st, conn, &c, tenant.as_ref().map(|t| t.id), err))?;
            let user = match (&tenant, Email::parse(&e)) {
                (Some(t), Ok(email)) => users::find_by_email(conn, t.id, email.as_str()).ok(),
                _ => None,
            };
            Ok((tenant.map(|t| t.id), user))
        })
        .await?;
    let (tenant_id, user) = found;

    // Step 2: verify the password (or a dummy hash) on the blocking pool.
    let hasher = state.hasher.clone();
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = body.password;
    let (ok, rehash) = web::block(move || {
        let ok = hasher.verify(&password, stored.as_deref());
        let rehash = (ok && stored.as_deref().is_some_and(|s| hasher.needs_rehash(s)))
            .then(|| hasher.hash(&password))
            .transpose();
        (ok, rehash)
    })
    .await?;
    let rehash = rehash.map_err(ApiError::Internal)?;

    // Step 3: record the outcome and answer.
    let st = state.clone();
    let response = state
        .run(move |conn| {
            let Some(user) = user.filter(|_| ok) else {
                let mut event = client.event(tenant_id, None, "signin_failed");
                event.factor = Some("pwd");
                event.target = Some(email.clone());
                record_failure(conn, &key, &client, event, now)?;
                st.metrics.record_signin(SigninOutcome::Failed);
                return Err(ApiError::Unauthorized("The e-mail address or the password is wrong."));
            };
            if let Some(hash) = rehash {
                users::set_password_hash(conn, user.id, &hash, false, now)?;
            }
            let session = session::load(conn, user.id)?;
            ensure_may_sign_in(&session)?;
            let ver = session.user.auth_version;
            if session.user.has_totp() {
                let token = st.keys.issue_mfa(user.id.0, user.tenant_id.0, MfaPurpose::Verify, ver, now);
                return Ok(LoginResponse::MfaRequired { mfa_token: token, expires_in: MFA_TTL.num_seconds() });
            }
            if two_factor_required(&session) {
                let token = st.keys.issue_mfa(user.id.0, user.tenant_id.0, MfaPurpose::Enrol, ver, now);
                return Ok(LoginResponse::EnrollmentRequired { mfa_token: token, expires_in: MFA_TTL.num_seconds() });
            }
            Ok(LoginResponse::Authenticated(signed_in(&st, conn, &session, &client, &[AuthMethod::Pwd], "pwd", now)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(response))
}

/// Second step: a TOTP code (or a recovery code) with the MFA token.
///
/// A code is accepted once: two parallel submissions of one code give one success.
#[utoipa::path(
    tag = "auth",
    operation_id = "verifyMfa",
    request_body = MfaVerifyRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong, reused or expired code, or invalid MFA token", body = Problem),
        (status = 422, description = "Neither or both of code and recovery_code", body = Problem),
        (status = 429, description = "Too many failed attempts", body = Problem),
    )
)]
#[post("/api/v1/auth/mfa/verify")]
pub async fn verify_mfa(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<MfaVerifyRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let body = body.into_inner();
    let client = Client::of(&req);
    let st = state.clone();
    let pair = state
        .run(move |conn| {
            let now = Utc::now();
            let session = mfa_session(&st, conn, &body.mfa_token, MfaPurpose::Verify)?;
            let key = account_key(&session.tenant.slug, &session.user.email);
            check_throttle(conn, &key, &client, now)
                .map_err(|e| throttled(&st, conn, &client, Some(session.tenant.id), e))?;
            let user = &session.user;
            let (accepted, method, factor) = match (&body.code, &body.recovery_code) {
                (Some(code), None) => {
                    let secret =
                        user.totp_secret.as_deref().ok_or(ApiError::Unauthorized("No second factor is set up."))?;
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
                _ => return Err(ApiError::invalid("code", "send either code or recovery_code")),
            };
            if !accepted {
                let mut event = client.event(Some(session.tenant.id), Some(user.id), "signin_failed");
                event.factor = Some(factor);
                record_failure(conn, &key, &client, event, now)?;
                st.metrics.record_signin(SigninOutcome::Failed);
                return Err(ApiError::Unauthorized("The code is wrong, expired or already used."));
            }
            signed_in(&st, conn, &session, &client, &[AuthMethod::Pwd, method], factor, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(pair))
}

/// Start enrolment: a new TOTP secret, its otpauth URI and QR code.
#[utoipa::path(
    tag = "auth",
    operation_id = "startEnrolment",
    request_body = MfaTokenRequest,
    responses(
        (status = 200, description = "Scan this, then confirm with a first code", body = EnrolmentStart),
        (status = 401, description = "Invalid or expired MFA token", body = Problem),
    )
)]
#[post("/api/v1/auth/mfa/enrollment")]
pub async fn start_enrolment(state: web::Data<AppState>, body: Json<MfaTokenRequest>) -> ApiResult<HttpResponse> {
    body.validate()?;
    let st = state.clone();
    let start = state
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
    client: &Client,
    now: DateTime<Utc>,
) -> ApiResult<Vec<String>> {
    let user = &session.user;
    let pending =
        user.totp_pending_secret.as_deref().ok_or_else(|| ApiError::Conflict("Start enrolment first.".into()))?;
    let step = totp::matching_step(pending, code, unix_now(now)).ok_or_else(|| {
        ApiError::invalid("code", "does not match the new secret; check the app's clock and try the next code")
    })?;
    let codes = secrets::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| secrets::recovery_fingerprint(user.id.0, c)).collect();
    write_tx(conn, |conn| {
        users::set_totp(conn, user.id, Some(pending), Some(step), now)?;
        users::replace_recovery_codes(conn, user.id, &hashes)?;
        tokens::revoke_all_refresh(conn, user.id, now)?;
        let mut event = client.event(Some(session.tenant.id), Some(user.id), "mfa_enrolled");
        event.factor = Some("otp");
        audit::record(conn, &event, now)?;
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
    client: &Client,
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
    operation_id = "confirmEnrolment",
    request_body = EnrolmentConfirm,
    responses(
        (status = 200, description = "Enrolled and signed in", body = EnrolmentDone),
        (status = 401, description = "Invalid or expired MFA token", body = Problem),
        (status = 409, description = "Enrolment was not started", body = Problem),
        (status = 422, description = "The code does not match the new secret", body = Problem),
    )
)]
#[post("/api/v1/auth/mfa/enrollment/confirm")]
pub async fn confirm_enrolment(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<EnrolmentConfirm>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let client = Client::of(&req);
    let st = state.clone();
    let done = state
        .run(move |conn| {
            let now = Utc::now();
            let session = mfa_session(&st, conn, &body.mfa_token, MfaPurpose::Enrol)?;
            complete_enrolment(&st, conn, &session, &body.code, &client, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(done))
}

/// Trade a refresh token for new tokens. The refresh token is spent; presenting a spent one
/// again revokes its whole family (someone else has a copy).
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshTokens",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem),
        (status = 403, description = "Account or portal disabled", body = Problem),
    )
)]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let client = Client::of(&req);
    let st = state.clone();
    let pair = state
        .run(move |conn| {
            let now = Utc::now();
            let invalid = || ApiError::Unauthorized("The refresh token is invalid. Sign in again.");
            let token =
                tokens::find_refresh(conn, &secrets::fingerprint(&body.refresh_token)).map_err(|_| invalid())?;
            if token.revoked || token.expires_at <= now {
                return Err(invalid());
            }
            if token.rotated || !tokens::spend_refresh(conn, token.id, now)? {
                write_tx(conn, |conn| {
                    tokens::revoke_family(conn, &token.family, now)?;
                    audit::record(
                        conn,
                        &client.event(Some(token.tenant_id), Some(token.user_id), "refresh_token_reused"),
                        now,
                    )?;
                    Ok::<_, crate::errors::ApiError>(())
                })?;
                return Err(invalid());
            }
            let session = session::load(conn, token.user_id)?;
            ensure_may_sign_in(&session)?;
            let amr: Vec<AuthMethod> = token.amr.split_whitespace().filter_map(AuthMethod::parse).collect();
            issue_in_family(&st, conn, &session, &amr, &token.family, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(pair))
}

/// Sign out: revokes the refresh token's family. Access tokens expire within 15 minutes.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out (also for an unknown token)"))
)]
#[post("/api/v1/auth/logout")]
pub async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    body.validate()?;
    state
        .run(move |conn| {
            if let Ok(token) = tokens::find_refresh(conn, &secrets::fingerprint(&body.refresh_token)) {
                tokens::revoke_family(conn, &token.family, Utc::now())?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set a password with a one-time set-password token (from `clientdesk bootstrap` or user
/// creation). Ends every session of the user.
#[utoipa::path(
    tag = "auth",
    operation_id = "setPassword",
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "Password set"),
        (status = 401, description = "Unknown, used or expired token", body = Problem),
        (status = 422, description = "Password refused by the policy", body = Problem),
    )
)]
#[post("/api/v1/auth/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<SetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let body = body.into_inner();
    NewPassword::parse(&body.password, None)?;
    let hasher = state.hasher.clone();
    let password = body.password;
    let hash = web::block(move || hasher.hash(&password)).await?.map_err(ApiError::Internal)?;
    let client = Client::of(&req);
    state
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let user = tokens::spend_password_token(conn, &secrets::fingerprint(&body.token), now)?
                    .ok_or(ApiError::Unauthorized("The set-password token is invalid, used or expired."))?;
                users::set_password_hash(conn, user, &hash, true, now)?;
                tokens::revoke_all_refresh(conn, user, now)?;
                let session = session::load(conn, user)?;
                audit::record(conn, &client.event(Some(session.tenant.id), Some(user), "password_set"), now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Checks a fresh TOTP code of a signed-in user (for changes to the second factor): throttled
/// and counted like a sign-in code, and accepted once.
pub fn check_fresh_code(
    state: &AppState,
    conn: &mut Conn,
    session: &Session,
    client: &Client,
    code: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let key = account_key(&session.tenant.slug, &session.user.email);
    check_throttle(conn, &key, client, now).map_err(|e| throttled(state, conn, client, Some(session.tenant.id), e))?;
    let secret =
        session.user.totp_secret.as_deref().ok_or_else(|| ApiError::Conflict("No second factor is set up.".into()))?;
    let claimed = match totp::matching_step(secret, code, unix_now(now)) {
        Some(step) => users::claim_totp_step(conn, session.user.id, step)?,
        None => false,
    };
    if !claimed {
        let mut event = client.event(Some(session.tenant.id), Some(session.user.id), "signin_failed");
        event.factor = Some("otp");
        record_failure(conn, &key, client, event, now)?;
        return Err(ApiError::Forbidden("The code is wrong, expired or already used."));
    }
    Ok(())
}

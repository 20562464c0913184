//! Signing in: password -> MFA token -> TOTP or recovery code -> access and refresh tokens;
//! enrolment under a 2FA-required policy; refresh rotation with reuse detection; logout; and
//! setting a password with a one-time token.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::jwt::{MfaPurpose, ACCESS_TTL, MFA_TTL};
use clientdesk_app::crypto::{secrets, totp};
use clientdesk_app::origin::Origin;
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::principal::AuthMethod;
use clientdesk_domain::settings::{self, TwoFactorPolicy};
use clientdesk_domain::throttle::{Attempt, ThrottlePolicy};
use clientdesk_domain::user::{Email, NewPassword};
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::session::{self, Session};
use clientdesk_persistence::{tenants, throttle, tokens, users, write_tx, Conn, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::metrics::SigninOutcome;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
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

/// The throttle keys of a sign-in attempt (see `docs/decisions/0001-sign-in-throttling.md`):
/// the account from this address, the address, and the account from everywhere.
struct SigninKeys {
    pair: String,
    address: Option<String>,
    account: String,
}

impl SigninKeys {
    fn new(tenant: &str, email: &str, client: &Origin) -> Self {
        let ip = client.ip.as_deref().unwrap_or("-");
        Self {
            pair: format!("account-address:{tenant}:{email}:{ip}"),
            address: client.ip.as_ref().map(|ip| format!("address:{ip}")),
            account: format!("account:{tenant}:{email}"),
        }
    }

    /// The keys that refuse an attempt outright while blocked.
    fn gates(&self) -> impl Iterator<Item = (&str, ThrottlePolicy)> {
        std::iter::once((self.pair.as_str(), ThrottlePolicy::ACCOUNT_ADDRESS))
            .chain(self.address.as_deref().map(|k| (k, ThrottlePolicy::ADDRESS)))
    }
}

/// Whether the account-wide throttle held this attempt back: then a password alone does not get
/// in, only a right password followed by a second factor.
#[derive(Debug, Clone, Copy)]
struct AccountHold(Option<i64>);

impl AccountHold {
    fn refusal(self) -> Option<ApiError> {
        self.0.map(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs, policy: ThrottlePolicy::ACCOUNT })
    }
}

fn too_many(until: DateTime<Utc>, now: DateTime<Utc>, policy: ThrottlePolicy) -> ApiError {
    ApiError::TooManyRequests { retry_after_secs: (until - now).num_seconds().max(1), policy }
}

/// Counts an attempt before its password or code is checked, in one transaction: refused with
/// 429 (and counted nowhere) while the account from this address or the address is blocked.
/// With `account_wide`, it is counted against the account too, whose block only holds it back.
fn count_attempt(conn: &mut Conn, keys: &SigninKeys, account_wide: bool, now: DateTime<Utc>) -> ApiResult<AccountHold> {
    write_tx(conn, |conn| {
        for (key, policy) in keys.gates() {
            if let Attempt::Refused { until } = throttle::count_attempt(conn, key, &policy, now)? {
                return Err(too_many(until, now, policy));
            }
        }
        if !account_wide {
            return Ok(AccountHold(None));
        }
        Ok(match throttle::count_attempt(conn, &keys.account, &ThrottlePolicy::ACCOUNT, now)? {
            Attempt::Refused { until } => AccountHold(Some((until - now).num_seconds().max(1))),
            Attempt::Counted { .. } => AccountHold(None),
        })
    })
}

/// Takes back the count of an attempt that turned out right (`account`: it was counted against
/// the account too).
fn forgive_attempt(conn: &mut DbConnection, keys: &SigninKeys, account: bool) -> ApiResult<()> {
    for (key, _) in keys.gates() {
        throttle::forgive(conn, key)?;
    }
    if account {
        throttle::forgive(conn, &keys.account)?;
    }
    Ok(())
}

/// Audits a wrong password or code (already counted by [`count_attempt`]).
fn record_failure(conn: &mut Conn, mut event: NewAuditEvent, now: DateTime<Utc>) -> ApiResult<()> {
    event.action = "signin_failed";
    audit::record(conn, &event, now)?;
    Ok(())
}

/// Database work of the unauthenticated sign-in endpoints: within their share of the pool's
/// connections (see `rate_limit::AddressLimiter::share`), so that a flood of them from many
/// addresses queues there, and never more than that share ahead of signed-in requests.
struct Unauthenticated<'a>(&'a AppState);

impl Unauthenticated<'_> {
    async fn run<T, F>(self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> ApiResult<T> + Send + 'static,
    {
        let _share = self.0.auth_limiter.share().acquire().await.expect("the share is never closed");
        self.0.run(f).await
    }
}

/// Refuses with 429 once the client address is over its request rate on the unauthenticated
/// sign-in endpoints (in memory: see `rate_limit`).
fn rate_limit(state: &AppState, client: &Origin) -> ApiResult<()> {
    state.auth_limiter.check(client.ip.as_deref(), Utc::now())
}

fn throttled(
    state: &AppState,
    conn: &mut DbConnection,
    client: &Origin,
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
        let s = settings::for_company(&session.tenant, company);
        s.portal_enabled && s.two_factor == TwoFactorPolicy::Required
    })
}

/// Refuses users who may not sign in at all: disabled, or portal users with no enabled portal.
pub fn ensure_may_sign_in(session: &Session) -> ApiResult<()> {
    if session.user.disabled {
        return Err(ApiError::Forbidden("This account is disabled."));
    }
    if session.user.staff_role.is_none()
        && !session
            .memberships
            .iter()
            .any(|(company, _)| settings::for_company(&session.tenant, company).portal_enabled)
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
    let sid = secrets::random_token(16);
    tokens::start_signin(conn, session.tenant.id, session.user.id, &sid, now)?;
    issue_in_family(state, conn, session, amr, &sid, now, now)
}

fn issue_in_family(
    state: &AppState,
    conn: &mut DbConnection,
    session: &Session,
    amr: &[AuthMethod],
    family: &str,
    started: DateTime<Utc>,
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
        // A refresh never carries the sign-in past its maximum age.
        (now + state.settings.refresh_ttl).min(started + state.settings.session_max_age),
    )?;
    Ok(TokenPair { access_token: access, refresh_token, token_type: "Bearer", expires_in: ACCESS_TTL.num_seconds() })
}

pub fn signed_in(
    state: &AppState,
    conn: &mut Conn,
    session: &Session,
    client: &Origin,
    amr: &[AuthMethod],
    factor: &'static str,
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    let keys = SigninKeys::new(&session.tenant.slug, &session.user.email, client);
    let pair = write_tx(conn, |conn| {
        throttle::reset(conn, &keys.pair)?;
        throttle::reset(conn, &keys.account)?;
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
/// time. Attempts are counted before they are checked, per account and client address, per
/// address, and per account (which holds back a password alone, never a password with a second
/// factor); see `docs/decisions/0001-sign-in-throttling.md`.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
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
    rate_limit(&state, &client)?;
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
            let Some(user) = user.filter(|_| ok) else {
                let mut event = client.event(tenant_id, None, "signin_failed");
                event.factor = Some("pwd");
                event.target = Some(email.clone());
                record_failure(conn, event, now)?;
                st.metrics.record_signin(SigninOutcome::Failed);
                // While the account is held back, a wrong password looks like a right one.
                return Err(hold
                    .refusal()
                    .unwrap_or(ApiError::Unauthorized("The e-mail address or the password is wrong.")));
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
            if session.user.has_totp() {
                let token = st.keys.issue_mfa(user.id.0, user.tenant_id.0, MfaPurpose::Verify, ver, now);
                return Ok(LoginResponse::MfaRequired { mfa_token: token, expires_in: MFA_TTL.num_seconds() });
            }
            // The account-wide throttle lets a password through only to a second factor.
            if let Some(err) = hold.refusal() {
                return Err(throttled(&st, conn, &client, tenant_id, err));
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
    rate_limit(&state, &client)?;
    body.validate()?;
    let body = body.into_inner();
    let st = state.clone();
    let pair = Unauthenticated(&state)
        .run(move |conn| {
            let now = Utc::now();
            let session = mfa_session(&st, conn, &body.mfa_token, MfaPurpose::Verify)?;
            if body.code.is_some() == body.recovery_code.is_some() {
                return Err(ApiError::invalid("code", "send either code or recovery_code"));
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
                record_failure(conn, event, now)?;
                st.metrics.record_signin(SigninOutcome::Failed);
                return Err(ApiError::Unauthorized("The code is wrong, expired or already used."));
            }
            write_tx(conn, |conn| forgive_attempt(conn, &keys, false))?;
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
    rate_limit(&state, &origin::of(&req))?;
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
    operation_id = "confirmEnrolment",
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
    rate_limit(&state, &client)?;
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

/// Trade a refresh token for new tokens. The refresh token is spent; presenting a spent one
/// again ends its whole sign-in (someone else has a copy). A sign-in lasts at most
/// `CLIENTDESK_SESSION_MAX_AGE_DAYS` from its password, however often it is refreshed.
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshTokens",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem),
        (status = 403, description = "Account or portal disabled", body = Problem),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let client = origin::of(&req);
    rate_limit(&state, &client)?;
    body.validate()?;
    let st = state.clone();
    let pair = Unauthenticated(&state)
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
                    // Someone else holds a copy: the sign-in ends, its access tokens too.
                    tokens::end_signin(conn, token.user_id, &token.family, now)?;
                    audit::record(
                        conn,
                        &client.event(Some(token.tenant_id), Some(token.user_id), "refresh_token_reused"),
                        now,
                    )?;
                    Ok::<_, crate::errors::ApiError>(())
                })?;
                return Err(invalid());
            }
            // Past its maximum age, a sign-in ends however often it was refreshed.
            let signin = tokens::find_signin(conn, &token.family).map_err(|_| invalid())?;
            if signin.ended || signin.started_at + st.settings.session_max_age <= now {
                return Err(ApiError::Unauthorized("The sign-in has expired. Sign in again."));
            }
            let session = session::load(conn, token.user_id)?;
            ensure_may_sign_in(&session)?;
            let amr: Vec<AuthMethod> = token.amr.split_whitespace().filter_map(AuthMethod::parse).collect();
            issue_in_family(&st, conn, &session, &amr, &token.family, signin.started_at, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(pair))
}

/// Sign out: ends the sign-in of the refresh token, its access tokens at once. The user's other
/// sign-ins go on.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out (also for an unknown token)"),
        (status = 429, description = "Too many requests from this address", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    rate_limit(&state, &origin::of(&req))?;
    body.validate()?;
    Unauthenticated(&state)
        .run(move |conn| {
            if let Ok(token) = tokens::find_refresh(conn, &secrets::fingerprint(&body.refresh_token)) {
                let now = Utc::now();
                write_tx(conn, |conn| tokens::end_signin(conn, token.user_id, &token.family, now))?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set a password with a one-time set-password token (from `clientdesk bootstrap` or user
/// creation). Ends every session and API token of the user. The token is checked before the
/// password is hashed.
#[utoipa::path(
    tag = "auth",
    operation_id = "setPassword",
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "Password set"),
        (status = 401, description = "Unknown, used or expired token", body = Problem),
        (status = 422, description = "Password refused by the policy", body = Problem),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem,
            headers(("Retry-After" = i64, description = "Seconds to wait"), ("RateLimit-Policy" = String), ("RateLimit" = String))),
    )
)]
#[post("/api/v1/auth/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<SetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let client = origin::of(&req);
    rate_limit(&state, &client)?;
    body.validate()?;
    let body = body.into_inner();
    NewPassword::parse(&body.password, None)?;
    let invalid = || ApiError::Unauthorized("The set-password token is invalid, used or expired.");
    // The token first: no hash is spent on a wrong one. It is spent only with the hash stored.
    let token = secrets::fingerprint(&body.token);
    let t = token.clone();
    Unauthenticated(&state)
        .run(move |conn| tokens::live_password_token(conn, &t, Utc::now())?.ok_or_else(invalid))
        .await?;
    let password = body.password;
    let hash = state
        .hasher
        .run(move |hasher| hasher.hash(&password))
        .await
        .map_err(ApiError::Internal)?
        .map_err(ApiError::Internal)?;
    Unauthenticated(&state)
        .run(move |conn| {
            let now = Utc::now();
            write_tx(conn, |conn| {
                let user = tokens::spend_password_token(conn, &token, now)?.ok_or_else(invalid)?;
                users::set_password_hash(conn, user, &hash, true, now)?;
                tokens::revoke_all_refresh(conn, user, now)?;
                let session = session::load(conn, user)?;
                audit::record(conn, &client.event(Some(session.tenant.id), Some(user), "password_set"), now)?;
                revoke_api_tokens(conn, &client, session.tenant.id, user, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Revokes the user's API tokens, whose owner's password or second factor has just changed
/// (a token made before may have been made by whoever the change locks out), and audits it.
pub fn revoke_api_tokens(
    conn: &mut DbConnection,
    client: &Origin,
    tenant: TenantId,
    user: UserId,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let revoked = tokens::revoke_all_api_tokens(conn, user, now)?;
    if revoked > 0 {
        let mut event = client.event(Some(tenant), Some(user), "api_tokens_revoked");
        event.detail = Some(format!("{revoked} API tokens"));
        audit::record(conn, &event, now)?;
    }
    Ok(())
}

/// Checks a signed-in user's current password as a sign-in would: counted first (429 while this
/// address or the account from it is blocked), verified within the hashing permits, forgiven
/// when right. Returns whether it is right.
pub async fn check_current_password(
    state: &web::Data<AppState>,
    auth: &Auth,
    client: &Origin,
    password: String,
) -> ApiResult<bool> {
    let now = Utc::now();
    let keys = SigninKeys::new(&auth.tenant.slug, &auth.user.email, client);
    let (st, c, tenant) = (state.clone(), client.clone(), auth.tenant.id);
    let k = SigninKeys::new(&auth.tenant.slug, &auth.user.email, client);
    let hold = state
        .run(move |conn| count_attempt(conn, &k, true, now).map_err(|e| throttled(&st, conn, &c, Some(tenant), e)))
        .await?;
    let stored = auth.user.password_hash.clone();
    let ok = state
        .hasher
        .run(move |hasher| hasher.verify(&password, stored.as_deref()))
        .await
        .map_err(ApiError::Internal)?;
    let (client, user) = (client.clone(), auth.user.id);
    state
        .run(move |conn| {
            if ok {
                write_tx(conn, |conn| forgive_attempt(conn, &keys, hold.0.is_none()))
            } else {
                let mut event = client.event(Some(tenant), Some(user), "signin_failed");
                event.factor = Some("pwd");
                record_failure(conn, event, now)?;
                hold.refusal().map_or(Ok(()), Err)
            }
        })
        .await?;
    Ok(ok)
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
    let secret =
        session.user.totp_secret.as_deref().ok_or_else(|| ApiError::Conflict("No second factor is set up.".into()))?;
    count_attempt(conn, &keys, false, now).map_err(|e| throttled(state, conn, client, Some(session.tenant.id), e))?;
    let claimed = match totp::matching_step(secret, code, unix_now(now)) {
        Some(step) => users::claim_totp_step(conn, session.user.id, step)?,
        None => false,
    };
    if !claimed {
        let mut event = client.event(Some(session.tenant.id), Some(session.user.id), "signin_failed");
        event.factor = Some("otp");
        record_failure(conn, event, now)?;
        return Err(ApiError::Forbidden("The code is wrong, expired or already used."));
    }
    write_tx(conn, |conn| {
        forgive_attempt(conn, &keys, false)?;
        throttle::reset(conn, &keys.pair)?;
        Ok::<_, ApiError>(())
    })
}

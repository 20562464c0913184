//! Access and refresh tokens: issuing them on sign-in, refresh rotation with reuse detection, and
//! logout.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::crypto::jwt::ACCESS_TTL;
use clientdesk_app::crypto::secrets;
use clientdesk_app::origin::Origin;
use clientdesk_domain::principal::AuthMethod;
use clientdesk_persistence::audit;
use clientdesk_persistence::session::{self, Session};
use clientdesk_persistence::{throttle, tokens, write_tx, Conn, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::attempts::{rate_limit, SigninKeys, Unauthenticated};
use super::ensure_may_sign_in;
use crate::errors::{ApiError, ApiResult, Problem};
use crate::json::Json;
use crate::metrics::SigninOutcome;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

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

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
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
        if let Some(method) = amr.last() {
            super::attempts::log_signin(conn, client, &session.user, *method, true, now)?;
        }
        issue_tokens(state, conn, session, amr, now)
    })?;
    state.metrics.record_signin(SigninOutcome::Succeeded);
    Ok(pair)
}

/// Trade a refresh token for new tokens. The refresh token is spent; presenting a spent one
/// again ends its whole sign-in (someone else has a copy). A sign-in lasts at most
/// `CLIENTDESK_SESSION_MAX_AGE_DAYS` from its password, however often it is refreshed.
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshTokens", security(()),
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
    rate_limit(&state, &req, &client)?;
    body.validate()?;
    let st = state.clone();
    let pair = Unauthenticated(&state)
        .run(move |conn| {
            let now = Utc::now();
            let invalid = || ApiError::unauthorized("unauthorized-refresh-token");
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
                return Err(ApiError::unauthorized("unauthorized-sign-in-expired"));
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
    operation_id = "logout", security(()),
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
    rate_limit(&state, &req, &origin::of(&req))?;
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

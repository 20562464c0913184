//! Setting a password with a one-time token, checking the current one, and revoking API tokens.

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::accounts;
use clientdesk_app::crypto::secrets;
use clientdesk_app::events::{self, Event};
use clientdesk_app::origin::Origin;
use clientdesk_domain::accounts::LinkPurpose;
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::notifications::AccountChange;
use clientdesk_domain::user::NewPassword;
use clientdesk_domain::webhook_payloads::UserData;
use clientdesk_persistence::audit;
use clientdesk_persistence::session;
use clientdesk_persistence::{tokens, users, write_tx, DbConnection};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::attempts::{
    count_attempt, forgive_attempt, rate_limit, record_failure, throttled, SigninKeys, Unauthenticated,
};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::origin;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "q8v0Wc5x...", "password": "a long passphrase of mine"}))]
pub struct SetPasswordRequest {
    /// The one-time set-password token.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
    pub password: String,
}

/// Set a password with a one-time set-password token (from `clientdesk bootstrap`, an
/// invitation, or a reset link). Activates an invited user; ends every session and API token of
/// the user; after a reset link the user is told by e-mail. The second factor stays as it was:
/// the next sign-in still asks for it. The token is checked before the password is hashed.
#[utoipa::path(
    tag = "auth",
    operation_id = "setPassword", security(()),
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
    rate_limit(&state, &req, &client)?;
    body.validate()?;
    let body = body.into_inner();
    NewPassword::parse(&body.password, None)?;
    let invalid = || ApiError::unauthorized("unauthorized-set-password-token");
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
                let (user, purpose) = tokens::spend_password_token(conn, &token, now)?.ok_or_else(invalid)?;
                let activated = users::activate(conn, user, now)?;
                users::set_password_hash(conn, user, &hash, true, now)?;
                tokens::revoke_all_refresh(conn, user, now)?;
                let session = session::load(conn, user)?;
                let mut event = client.event(Some(session.tenant.id), Some(user), "password_set");
                event.detail = Some(purpose.as_str().to_owned());
                audit::record(conn, &event, now)?;
                revoke_api_tokens(conn, &client, session.tenant.id, user, now)?;
                // A first password from an invitation changes nothing the user had.
                if purpose == LinkPurpose::Reset {
                    accounts::tell(conn, &session.user, AccountChange::PasswordChanged, now)?;
                }
                // Whatever link gave the first password (an invitation, or a reset asked for
                // before the invitation was used), the login is active from now on.
                if activated {
                    let activated = UserData { user_id: user.0, company_id: None };
                    events::emit(conn, session.tenant.id, Event::UserActivated(activated))?;
                }
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

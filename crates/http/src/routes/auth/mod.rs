//! Signing in: password -> MFA token -> TOTP or recovery code -> access and refresh tokens;
//! enrolment under a 2FA-required policy; refresh rotation with reuse detection; logout; and
//! setting a password with a one-time token.

mod attempts;
mod enrolment;
mod login;
mod mfa;
mod password;
mod recovery;
mod refresh;

pub use self::enrolment::{
    begin_enrolment, complete_enrolment, finish_enrolment, EnrolmentConfirm, EnrolmentDone, EnrolmentStart,
    MfaTokenRequest,
};
pub use self::login::{LoginRequest, LoginResponse};
pub use self::mfa::{check_fresh_code, MfaVerifyRequest};
pub use self::password::{check_current_password, revoke_api_tokens, SetPasswordRequest};
pub use self::recovery::{EmailConfirmationRequest, PasswordResetAccepted, PasswordResetRequest};
pub use self::refresh::{issue_tokens, signed_in, RefreshRequest, TokenPair};

use chrono::{DateTime, Utc};
use clientdesk_app::crypto::jwt::MfaPurpose;
use clientdesk_domain::ids::UserId;
use clientdesk_domain::settings::TwoFactorPolicy;
use clientdesk_persistence::session::{self, Session};
use clientdesk_persistence::DbConnection;

use crate::errors::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login::login)
        .service(mfa::verify_mfa)
        .service(enrolment::start_enrolment)
        .service(enrolment::confirm_enrolment)
        .service(refresh::refresh)
        .service(refresh::logout)
        .service(password::set_password)
        .service(recovery::request_password_reset)
        .service(recovery::confirm_email);
}

/// Whether policy asks this user for a second factor: staff follow the tenant's default; a portal
/// user must have one if any of its companies (with the portal on) requires it.
pub fn two_factor_required(session: &Session) -> bool {
    if session.user.staff_role.is_some() {
        return session.tenant.portal_defaults.two_factor == TwoFactorPolicy::Required;
    }
    session.memberships.iter().any(|(company, _)| {
        let s = company.settings_in_force(&session.tenant);
        s.portal_enabled && s.two_factor == TwoFactorPolicy::Required
    })
}

/// Refuses users who may not sign in at all: disabled, or portal users with no enabled portal.
pub fn ensure_may_sign_in(session: &Session) -> ApiResult<()> {
    if session.user.disabled {
        return Err(ApiError::forbidden("unauthorized-account-disabled"));
    }
    if session.user.staff_role.is_none()
        && !session.memberships.iter().any(|(company, _)| company.settings_in_force(&session.tenant).portal_enabled)
    {
        return Err(ApiError::forbidden("forbidden-portal-disabled"));
    }
    Ok(())
}

/// Checks an MFA token and loads its user; the token must be of `purpose` and still match the
/// user's auth version.
fn mfa_session(state: &AppState, conn: &mut DbConnection, token: &str, purpose: MfaPurpose) -> ApiResult<Session> {
    let invalid = || ApiError::unauthorized("unauthorized-mfa-token");
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

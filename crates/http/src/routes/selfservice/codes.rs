//! One-time codes sent by SMS (phone confirmation, step-up): the SMS limits, sending a code and
//! checking one.

use chrono::{Duration, Utc};
use clientdesk_app::crypto::secrets::{constant_time_eq, fingerprint};
use clientdesk_app::notify;
use clientdesk_app::selfservice as use_case;
use clientdesk_domain::notifications::Notice;

use clientdesk_persistence::rmm::{self, NewCode};
use clientdesk_persistence::DbConnection;
use rand::Rng;

use crate::errors::{ApiError, ApiResult};
use crate::extract::Auth;
use crate::state::AppState;

const SMS_CODE_TTL: Duration = Duration::minutes(10);
const MAX_CODE_ATTEMPTS: i32 = 5;

/// Checks that an SMS may go to `phone` now: a calling code the tenant allows (422), and room in
/// every hourly and daily limit of the user, its companies and the tenant (429). Counts the SMS;
/// call it inside the transaction that queues it, before queueing.
pub(crate) fn sms_allowed(conn: &mut DbConnection, state: &AppState, auth: &Auth, phone: &str) -> ApiResult<()> {
    let companies = auth.companies.iter().map(|m| m.company.id);
    Ok(use_case::sms_allowed(conn, &state.settings.sms_limits, auth.tenant.id, auth.user.id, companies, phone)?)
}

/// Sends a 6-digit code by SMS for `purpose`, within the SMS limits; only its fingerprint is kept,
/// and the message waits sealed.
pub(super) fn send_code(
    conn: &mut DbConnection,
    state: &AppState,
    auth: &Auth,
    phone: &str,
    purpose: &str,
    for_action: bool,
) -> ApiResult<()> {
    sms_allowed(conn, state, auth, phone)?;
    let now = Utc::now();
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let payload = serde_json::json!({ "phone": phone }).to_string();
    let new = NewCode {
        tenant_id: auth.tenant.id,
        user_id: Some(auth.user.id),
        purpose,
        code_hash: &fingerprint(&format!("{purpose}:{code}")),
        payload: &payload,
        expires_at: now + SMS_CODE_TTL,
    };
    rmm::create_code(conn, &new, now)?;
    let text = Notice::SmsCode { code: &code, minutes: SMS_CODE_TTL.num_minutes(), step_up: for_action }
        .render(auth.user.language);
    notify::sealed_sms(conn, &state.sealer, auth.tenant.id, phone, &text.body, &[&code], auth.user.language, now)?;
    Ok(())
}

/// What checking an SMS code found.
pub(super) enum CodeCheck {
    /// The code, sent to this phone; now spent.
    Valid(String),
    Wrong,
    /// None sent, expired, spent, or out of attempts.
    Stale,
}

/// Checks a code sent for `purpose`: the latest one, unspent, in time, within the attempts. The
/// attempt is counted before the code is compared, so parallel guesses cannot pass the limit;
/// the caller commits the count whatever the outcome.
pub(super) fn check_code(conn: &mut DbConnection, purpose: &str, given: &str) -> ApiResult<CodeCheck> {
    let now = Utc::now();
    let Some(sent) = rmm::latest_code_of(conn, purpose)? else { return Ok(CodeCheck::Stale) };
    rmm::count_attempt(conn, sent.id)?;
    // Read again under the row lock the count took: other attempts are in it now.
    let Some(sent) = rmm::latest_code_of(conn, purpose)?.filter(|c| c.id == sent.id) else {
        return Ok(CodeCheck::Stale);
    };
    if sent.used_at.is_some() || sent.expires_at <= now || sent.attempts > MAX_CODE_ATTEMPTS {
        return Ok(CodeCheck::Stale);
    }
    if !constant_time_eq(&fingerprint(&format!("{purpose}:{}", given.trim())), &sent.code_hash) {
        return Ok(CodeCheck::Wrong);
    }
    if !rmm::use_code(conn, sent.id, now)? {
        return Ok(CodeCheck::Stale);
    }
    let phone = serde_json::from_str::<serde_json::Value>(&sent.payload)
        .ok()
        .and_then(|p| p["phone"].as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(CodeCheck::Valid(phone))
}

pub(super) fn no_valid_code() -> ApiError {
    ApiError::conflict("conflict-no-valid-code")
}

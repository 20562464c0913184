//! Self-service on the user's own computers: a verified phone, a fresh second factor (step-up),
//! the software catalogue, and actions dispatched to the RMM through the outbox, whose result
//! the RMM reports to a signed callback.

mod actions;
mod codes;
mod phone;
mod sms_policy;
mod software;
mod step_up;

pub use self::actions::{ActionInput, ActionResult, ActionView};
pub use self::phone::{CodeInput, PhoneInput, PhoneView};
pub use self::sms_policy::SmsPolicy;
pub use self::software::{SoftwareInput, SoftwareView};
pub use self::step_up::{StepUpInput, StepUpView};

use chrono::Utc;
use clientdesk_app::origin::Origin;
use clientdesk_app::selfservice as use_case;
use clientdesk_domain::devices::Device;
use clientdesk_domain::selfservice as policy;
use clientdesk_domain::step_up::Factors;

use clientdesk_persistence::{audit, DbConnection};

use crate::errors::ApiResult;
use crate::extract::Auth;

/// The headers of the RMM's signed result callback (and of clientdesk's signed webhooks).
pub const TIMESTAMP_HEADER: &str = "X-Clientdesk-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Clientdesk-Signature";

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(phone::set_phone)
        .service(phone::confirm_phone)
        .service(phone::remove_phone)
        .service(step_up::step_up)
        .service(step_up::step_up_sms)
        .service(sms_policy::get_sms_policy)
        .service(sms_policy::put_sms_policy)
        .service(software::list_software)
        .service(software::create_software)
        .service(software::update_software)
        .service(software::device_software)
        .service(actions::request_action)
        .service(actions::list_actions)
        .service(actions::get_action)
        .service(actions::action_result);
}

/// The string a webhook or callback signature is the HMAC-SHA256 of: `<timestamp>.<body>`.
pub fn signed_payload(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut payload = format!("{timestamp}.").into_bytes();
    payload.extend_from_slice(body);
    payload
}

/// Refuses what only a person signed in with a password may do here (phones, step-up, actions):
/// not an agent session, not an API token. Returns the sign-in session it binds the proof to.
fn person(auth: &Auth) -> ApiResult<String> {
    Ok(policy::person(&auth.principal)?.to_owned())
}

/// The second factors the caller has, as stored now.
fn factors_of(conn: &mut DbConnection, auth: &Auth) -> ApiResult<Factors> {
    Ok(use_case::factors_of(conn, &auth.user)?)
}

fn record(
    conn: &mut DbConnection,
    client: &Origin,
    auth: &Auth,
    action: &'static str,
    factor: Option<&'static str>,
) -> ApiResult<()> {
    let mut event = client.event(Some(auth.tenant.id), Some(auth.user.id), action);
    event.factor = factor;
    audit::record(conn, &event, Utc::now())?;
    Ok(())
}

/// A device the caller may act on: its assigned user, or staff; 404 for anyone else.
fn own_device(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<Device> {
    Ok(use_case::own_device(conn, &auth.principal, auth.tenant.id, id)?)
}

//! Self-service on the user's own computers: a verified phone, a fresh second factor (step-up),
//! the software catalogue, and actions dispatched to the RMM through the outbox, whose result
//! the RMM reports to a signed callback.

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use clientdesk_app::crypto::secrets::{constant_time_eq, fingerprint, hmac_matches};
use clientdesk_app::crypto::totp;
use clientdesk_app::notify;
use clientdesk_app::origin::Origin;
use clientdesk_app::selfservice::{self as use_case, ActionSettings, Requester};
use clientdesk_domain::actions::{Action, Software};
use clientdesk_domain::devices::Device;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::rmm::{ActionKind, ActionStatus, LINK_MAX_SKEW_SECONDS};
use clientdesk_domain::selfservice::{self as policy, Ask};
use clientdesk_domain::sms::parse_prefixes;
use clientdesk_domain::step_up::{Factor, Factors, STEP_UP_TTL};
use clientdesk_domain::throttle::{Attempt, ThrottlePolicy};
use clientdesk_domain::user::parse_phone;

use clientdesk_persistence::actions as store;
use clientdesk_persistence::rmm::{self, NewCode};
use clientdesk_persistence::{audit, sms, throttle, users, write_tx, DbConnection};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::tickets::access;
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::idempotency;
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

const SMS_CODE_TTL: Duration = Duration::minutes(10);
const MAX_CODE_ATTEMPTS: i32 = 5;
/// The headers of the RMM's signed result callback (and of clientdesk's signed webhooks).
pub const TIMESTAMP_HEADER: &str = "X-Clientdesk-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Clientdesk-Signature";

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(set_phone)
        .service(confirm_phone)
        .service(remove_phone)
        .service(step_up)
        .service(step_up_sms)
        .service(get_sms_policy)
        .service(put_sms_policy)
        .service(list_software)
        .service(create_software)
        .service(update_software)
        .service(device_software)
        .service(request_action)
        .service(list_actions)
        .service(get_action)
        .service(action_result);
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

/// Checks that an SMS may go to `phone` now: a calling code the tenant allows (422), and room in
/// every hourly and daily limit of the user, its companies and the tenant (429). Counts the SMS;
/// call it inside the transaction that queues it, before queueing.
pub(crate) fn sms_allowed(conn: &mut DbConnection, state: &AppState, auth: &Auth, phone: &str) -> ApiResult<()> {
    let companies = auth.companies.iter().map(|m| m.company.id);
    Ok(use_case::sms_allowed(conn, &state.settings.sms_limits, auth.tenant.id, auth.user.id, companies, phone)?)
}

/// Sends a 6-digit code by SMS for `purpose`, within the SMS limits; only its fingerprint is kept,
/// and the message waits sealed.
fn send_code(
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
enum CodeCheck {
    /// The code, sent to this phone; now spent.
    Valid(String),
    Wrong,
    /// None sent, expired, spent, or out of attempts.
    Stale,
}

/// Checks a code sent for `purpose`: the latest one, unspent, in time, within the attempts. The
/// attempt is counted before the code is compared, so parallel guesses cannot pass the limit;
/// the caller commits the count whatever the outcome.
fn check_code(conn: &mut DbConnection, purpose: &str, given: &str) -> ApiResult<CodeCheck> {
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

fn no_valid_code() -> ApiError {
    ApiError::Conflict("No valid code: ask for a new one.".into())
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

/// Tells the account's address that its verified phone changed (`None`: removed).
fn tell_phone_change(conn: &mut DbConnection, auth: &Auth, phone: Option<&str>) -> ApiResult<()> {
    let now = Utc::now();
    let notice = Notice::PhoneChanged { recipient: &auth.user.name, phone, at: now };
    notify::email(conn, auth.tenant.id, &auth.user.email, auth.user.language, &notice, now)?;
    Ok(())
}

/// Refuses a phone change without a fresh second factor of the kind the user has, proven by
/// this sign-in session.
fn require_phone_change_proof(conn: &mut DbConnection, auth: &Auth, session: &str) -> ApiResult<()> {
    let factors = factors_of(conn, auth)?;
    let proof = users::step_up_of(conn, auth.user.id, session)?;
    factors.allows_phone_change(proof, Utc::now())?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phone": "+41 79 555 12 34"}))]
pub struct PhoneInput {
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"phone": "+41 79 555 12 34", "verified": false}))]
pub struct PhoneView {
    pub phone: String,
    pub verified: bool,
}

/// Set or replace the phone that verifies self-service actions: a code is sent to the new number
/// by SMS; confirm it with `POST /api/v1/me/phone/confirm`, which makes it the verified phone
/// (until then the current one stays).
///
/// A user with an authenticator app proves its code first, and a user with a verified phone a
/// code sent to that phone (`POST /api/v1/me/step-up`, within 5 minutes, by this sign-in); a user
/// with neither sets a first phone without. SMS go only to the calling codes the provider allows
/// and within hourly and daily limits.
#[utoipa::path(tag = "self-service", operation_id = "setPhone", security(("bearer" = [])),
    request_body = PhoneInput,
    responses(
        (status = 202, description = "A code is on its way to the new number", body = PhoneView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No fresh second factor, an API token or an agent session", body = Problem),
        (status = 422, description = "Not a phone number, or a calling code the provider does not allow", body = Problem),
        (status = 429, description = "Too many SMS", body = Problem)))]
#[put("/api/v1/me/phone")]
pub async fn set_phone(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<PhoneInput>,
) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let phone = parse_phone(&body.phone)?;
    let (client, st) = (origin::of(&req), state.clone());
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                require_phone_change_proof(conn, &auth, &session)?;
                send_code(conn, &st, &auth, &phone, &format!("phone:{}", auth.user.id.0), false)?;
                record(conn, &client, &auth, "phone_change_requested", None)?;
                Ok(PhoneView { phone: phone.clone(), verified: false })
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json_body(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "482913"}))]
pub struct CodeInput {
    pub code: String,
}

/// Confirm the new phone with the code it received: it becomes the verified phone, the
/// account's e-mail address is told, and SMS codes count as a second factor again 24 hours later.
#[utoipa::path(tag = "self-service", operation_id = "confirmPhone", security(("bearer" = [])),
    request_body = CodeInput,
    responses(
        (status = 200, description = "The phone is verified", body = PhoneView),
        (status = 403, description = "An API token or an agent session", body = Problem),
        (status = 409, description = "No valid code (none sent, expired, or five wrong ones)", body = Problem),
        (status = 422, description = "Wrong code", body = Problem)))]
#[post("/api/v1/me/phone/confirm")]
pub async fn confirm_phone(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<CodeInput>,
) -> ApiResult<HttpResponse> {
    person(&auth)?;
    let (code, client) = (body.into_inner().code, origin::of(&req));
    let checked = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let checked = check_code(conn, &format!("phone:{}", auth.user.id.0), &code)?;
                if let CodeCheck::Valid(phone) = &checked {
                    users::change_verified_phone(conn, auth.user.id, Some(phone), Utc::now())?;
                    tell_phone_change(conn, &auth, Some(phone))?;
                    record(conn, &client, &auth, "phone_verified", Some("sms"))?;
                }
                Ok(checked)
            })
        })
        .await?;
    match checked {
        CodeCheck::Valid(phone) => Ok(HttpResponse::Ok().json_body(PhoneView { phone, verified: true })),
        CodeCheck::Wrong => Err(ApiError::invalid("code", "is not the code we sent")),
        CodeCheck::Stale => Err(no_valid_code()),
    }
}

/// Remove the phone (with a fresh second factor, as for a change): self-service actions ask for
/// a phone again before they run. The account's e-mail address is told.
#[utoipa::path(tag = "self-service", operation_id = "removePhone", security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "No fresh second factor, an API token or an agent session", body = Problem)))]
#[delete("/api/v1/me/phone")]
pub async fn remove_phone(state: web::Data<AppState>, req: HttpRequest, auth: Auth) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let client = origin::of(&req);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                require_phone_change_proof(conn, &auth, &session)?;
                if auth.user.phone.is_none() {
                    return Ok(());
                }
                users::change_verified_phone(conn, auth.user.id, None, Utc::now())?;
                tell_phone_change(conn, &auth, None)?;
                record(conn, &client, &auth, "phone_removed", None)
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "123456"}))]
pub struct StepUpInput {
    /// The current code of the authenticator app (the only factor of a user who has one)...
    pub code: Option<String>,
    /// ... or, without one, the code sent by `POST /api/v1/me/step-up/sms`.
    pub sms_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"valid_until": "2026-11-23T10:05:00Z"}))]
pub struct StepUpView {
    /// Actions may be asked for until then, by this sign-in session.
    pub valid_until: DateTime<Utc>,
}

/// Refuses a factor the user may not prove itself with now: 409 where the user lacks it, 403
/// where it has a stronger one or changed its phone within a day.
fn accept_factor(factors: &Factors, factor: Factor) -> ApiResult<()> {
    factors.accepts(factor, Utc::now()).map_err(|denied| match (factor, factors.required()) {
        (Factor::Otp, _) | (Factor::Sms, None) => ApiError::Conflict(format!("{}.", capitalised(denied.0))),
        _ => ApiError::from(denied),
    })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// What a step-up attempt came to, decided inside its transaction so that its count commits.
enum Proof {
    Proven,
    Wrong,
    Stale,
    Blocked(DateTime<Utc>),
}

/// Prove a second factor now, for this sign-in session: self-service actions and phone changes
/// of this session are allowed within 5 minutes of it (other sessions of the user still need
/// their own).
///
/// A user with an authenticator app proves its code, never an SMS code; a user without one, an
/// SMS code sent to the verified phone, which counts only from 24 hours after a phone change.
/// Every attempt is counted before the code is checked; past five wrong ones in an hour the
/// answer is 429.
#[utoipa::path(tag = "self-service", operation_id = "stepUp", security(("bearer" = [])),
    request_body = StepUpInput,
    responses(
        (status = 200, description = "Proven", body = StepUpView),
        (status = 401, description = "Wrong code", body = Problem),
        (status = 403, description = "An SMS code from a user with an authenticator or within 24 hours of a phone change, an API token or an agent session", body = Problem),
        (status = 409, description = "No authenticator set up, or no valid SMS code", body = Problem),
        (status = 422, description = "Give exactly one of code and sms_code", body = Problem),
        (status = 429, description = "Too many wrong codes", body = Problem)))]
#[post("/api/v1/me/step-up")]
pub async fn step_up(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<StepUpInput>,
) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let body = body.into_inner();
    let (factor, code) = match (body.code, body.sms_code) {
        (Some(code), None) => (Factor::Otp, code),
        (None, Some(code)) => (Factor::Sms, code),
        _ => return Err(ApiError::invalid("code", "give exactly one of code and sms_code")),
    };
    let client = origin::of(&req);
    let policy = ThrottlePolicy::STEP_UP;
    let (outcome, now) = state
        .run(move |conn| {
            let now = Utc::now();
            let key = format!("stepup:{}", auth.user.id.0);
            let outcome = write_tx(conn, |conn| -> ApiResult<Proof> {
                accept_factor(&factors_of(conn, &auth)?, factor)?;
                // Count the attempt first: of parallel attempts only the allowed number get checked.
                if let Attempt::Refused { until } = throttle::count_attempt(conn, &key, &policy, now)? {
                    return Ok(Proof::Blocked(until));
                }
                let outcome = match factor {
                    Factor::Otp => {
                        let secret = auth.user.totp_secret.as_deref().unwrap_or_default();
                        match totp::matching_step(secret, &code, now.timestamp().max(0) as u64) {
                            Some(step) if users::claim_totp_step(conn, auth.user.id, step)? => Proof::Proven,
                            _ => Proof::Wrong,
                        }
                    }
                    Factor::Sms => match check_code(conn, &format!("stepup:{}", auth.user.id.0), &code)? {
                        CodeCheck::Valid(phone) if Some(&phone) == auth.user.phone.as_ref() => Proof::Proven,
                        CodeCheck::Valid(_) | CodeCheck::Stale => Proof::Stale,
                        CodeCheck::Wrong => Proof::Wrong,
                    },
                };
                if let Proof::Proven = outcome {
                    users::record_step_up(conn, auth.user.id, &session, factor, now)?;
                    throttle::reset(conn, &key)?;
                    record(conn, &client, &auth, "step_up", Some(factor.as_str()))?;
                } else {
                    record(conn, &client, &auth, "step_up_failed", Some(factor.as_str()))?;
                }
                Ok(outcome)
            })?;
            Ok((outcome, now))
        })
        .await?;
    match outcome {
        Proof::Proven => Ok(HttpResponse::Ok().json_body(StepUpView { valid_until: now + STEP_UP_TTL })),
        Proof::Wrong => Err(ApiError::Unauthorized("The code is wrong or was used already.")),
        Proof::Stale => Err(no_valid_code()),
        Proof::Blocked(until) => {
            Err(ApiError::TooManyRequests { retry_after_secs: (until - now).num_seconds().max(1), policy })
        }
    }
}

/// Send a step-up code by SMS to the verified phone (users without an authenticator app, from 24
/// hours after a phone change; within the SMS limits).
#[utoipa::path(tag = "self-service", operation_id = "stepUpSms", security(("bearer" = [])),
    responses(
        (status = 202, description = "A code is on its way"),
        (status = 403, description = "The user has an authenticator, or changed its phone within 24 hours; an API token or an agent session", body = Problem),
        (status = 409, description = "No verified phone", body = Problem),
        (status = 422, description = "The phone's calling code is no longer allowed", body = Problem),
        (status = 429, description = "Too many SMS", body = Problem)))]
#[post("/api/v1/me/step-up/sms")]
pub async fn step_up_sms(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    person(&auth)?;
    let phone = verified_phone(&auth)?.to_owned();
    let st = state.clone();
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                accept_factor(&factors_of(conn, &auth)?, Factor::Sms)?;
                send_code(conn, &st, &auth, &phone, &format!("stepup:{}", auth.user.id.0), true)
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

fn verified_phone(auth: &Auth) -> ApiResult<&str> {
    match (&auth.user.phone, auth.user.phone_verified_at) {
        (Some(phone), Some(_)) => Ok(phone),
        _ => Err(ApiError::Conflict("Set and verify a phone first (PUT /api/v1/me/phone).".into())),
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"allowed_calling_codes": ["+41", "+33", "+49"]}))]
pub struct SmsPolicy {
    /// The calling-code prefixes the tenant's SMS may go to (`+` and 1 to 6 digits, at most 100);
    /// a phone outside them is refused (422). `null`: anywhere. An empty list: nowhere.
    pub allowed_calling_codes: Option<Vec<String>>,
}

/// Where the tenant's SMS (phone codes, step-up codes, temporary passwords) may go (staff).
#[utoipa::path(tag = "self-service", operation_id = "getSmsPolicy", security(("bearer" = [])),
    responses(
        (status = 200, description = "The policy", body = SmsPolicy),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/tenant/sms-policy")]
pub async fn get_sms_policy(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let prefixes = state.run(move |conn| Ok(sms::allowed_prefixes(conn, auth.tenant.id)?)).await?;
    Ok(HttpResponse::Ok().json_body(SmsPolicy { allowed_calling_codes: prefixes }))
}

/// Restrict the calling codes the tenant's SMS may go to (provider admins): against SMS pumping
/// to premium-rate numbers abroad.
#[utoipa::path(tag = "self-service", operation_id = "putSmsPolicy", security(("bearer" = [])),
    request_body = SmsPolicy,
    responses(
        (status = 200, description = "The policy", body = SmsPolicy),
        (status = 403, description = "Not a provider admin, or a read-only token", body = Problem),
        (status = 422, description = "Not a list of calling-code prefixes", body = Problem)))]
#[put("/api/v1/tenant/sms-policy")]
pub async fn put_sms_policy(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<SmsPolicy>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_provider_admin()?;
    let prefixes = body.into_inner().allowed_calling_codes.as_deref().map(parse_prefixes).transpose()?;
    let client = origin::of(&req);
    let view = SmsPolicy { allowed_calling_codes: prefixes.clone() };
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                sms::set_allowed_prefixes(conn, auth.tenant.id, prefixes.as_deref(), Utc::now())?;
                let detail = prefixes.as_ref().map_or_else(|| "anywhere".to_owned(), |p| p.join(","));
                client.record_change(conn, &auth, "sms_policy.updated", "tenant".into(), Some(detail))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// An application of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 2, "name": "7-Zip", "chocolatey_id": "7zip", "homebrew_cask": "keka",
    "all_companies": true, "company_ids": [], "active": true}))]
pub struct SoftwareView {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chocolatey_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homebrew_formula: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homebrew_cask: Option<String>,
    pub all_companies: bool,
    pub company_ids: Vec<i64>,
    pub active: bool,
}

impl From<Software> for SoftwareView {
    fn from(s: Software) -> Self {
        Self {
            id: s.id,
            name: s.name,
            chocolatey_id: s.chocolatey_id,
            homebrew_formula: s.homebrew_formula,
            homebrew_cask: s.homebrew_cask,
            all_companies: s.all_companies,
            company_ids: s.companies.iter().map(|c| c.0).collect(),
            active: s.active,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "7-Zip", "chocolatey_id": "7zip", "all_companies": true}))]
pub struct SoftwareInput {
    pub name: Option<String>,
    /// The Chocolatey package id (Windows).
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub chocolatey_id: Option<Option<String>>,
    /// A Homebrew formula (macOS)...
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub homebrew_formula: Option<Option<String>>,
    /// ... or a Homebrew cask.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub homebrew_cask: Option<Option<String>>,
    /// Offered to every company (default), or only to `company_ids`.
    pub all_companies: Option<bool>,
    pub company_ids: Option<Vec<i64>>,
    pub active: Option<bool>,
}

/// A package id: letters, digits and `.-_@/+`, 1 to 100 characters.
fn package(field: &str, value: Option<Option<String>>, current: Option<String>) -> ApiResult<Option<String>> {
    let Some(value) = value else { return Ok(current) };
    let Some(value) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else { return Ok(None) };
    let valid = value.len() <= 100 && value.chars().all(|c| c.is_ascii_alphanumeric() || ".-_@/+".contains(c));
    if !valid {
        return Err(ApiError::invalid(field, "must be a package id (letters, digits, . - _ @ / +)"));
    }
    Ok(Some(value))
}

impl SoftwareInput {
    fn apply(self, conn: &mut DbConnection, auth: &Auth, mut s: Software) -> ApiResult<Software> {
        if let Some(name) = &self.name {
            s.name = clientdesk_domain::approvals::required_text("name", name, 200)?;
        }
        if s.name.is_empty() {
            return Err(ApiError::invalid("name", "is required"));
        }
        s.chocolatey_id = package("chocolatey_id", self.chocolatey_id, s.chocolatey_id)?;
        s.homebrew_formula = package("homebrew_formula", self.homebrew_formula, s.homebrew_formula)?;
        s.homebrew_cask = package("homebrew_cask", self.homebrew_cask, s.homebrew_cask)?;
        if s.homebrew_formula.is_some() && s.homebrew_cask.is_some() {
            return Err(ApiError::invalid("homebrew_cask", "give a Homebrew formula or a cask, not both"));
        }
        if s.chocolatey_id.is_none() && s.homebrew_formula.is_none() && s.homebrew_cask.is_none() {
            return Err(ApiError::invalid("chocolatey_id", "give a Chocolatey id, a Homebrew formula or a cask"));
        }
        s.all_companies = self.all_companies.unwrap_or(s.all_companies);
        if let Some(ids) = self.company_ids {
            for id in &ids {
                clientdesk_persistence::companies::get(conn, auth.tenant.id, CompanyId(*id))
                    .map_err(|_| ApiError::invalid("company_ids", format!("{id} is not a company of this tenant")))?;
            }
            s.companies = ids.into_iter().map(CompanyId).collect();
        }
        s.active = self.active.unwrap_or(s.active);
        Ok(s)
    }
}

/// The tenant's software catalogue (staff).
#[utoipa::path(tag = "self-service", operation_id = "listSoftware", security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalogue", body = Vec<SoftwareView>),
        (status = 403, description = "Not staff", body = Problem)))]
#[get("/api/v1/software")]
pub async fn list_software(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    let list = state.run(move |conn| Ok(store::list_software(conn, auth.tenant.id)?)).await?;
    Ok(HttpResponse::Ok().json_body(list.into_iter().map(SoftwareView::from).collect::<Vec<_>>()))
}

/// Add software to the catalogue (staff).
#[utoipa::path(tag = "self-service", operation_id = "createSoftware", security(("bearer" = [])),
    request_body = SoftwareInput,
    responses(
        (status = 201, description = "Added", body = SoftwareView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[post("/api/v1/software")]
pub async fn create_software(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<SoftwareInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let body = body.into_inner();
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let blank = Software {
                    id: 0,
                    tenant_id: auth.tenant.id,
                    name: String::new(),
                    chocolatey_id: None,
                    homebrew_formula: None,
                    homebrew_cask: None,
                    all_companies: true,
                    companies: Vec::new(),
                    active: true,
                };
                let s = body.apply(conn, &auth, blank)?;
                let id = store::save_software(conn, &s, Utc::now())?;
                Ok(SoftwareView::from(store::get_software(conn, auth.tenant.id, id)?))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// Change software of the catalogue (staff); send only what changes.
#[utoipa::path(tag = "self-service", operation_id = "updateSoftware", security(("bearer" = [])),
    params(("software_id" = i64, Path)), request_body = SoftwareInput,
    responses(
        (status = 200, description = "Changed", body = SoftwareView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such software", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
#[patch("/api/v1/software/{software_id}")]
pub async fn update_software(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<SoftwareInput>,
) -> ApiResult<HttpResponse> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    let (id, body) = (path.into_inner(), body.into_inner());
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = store::get_software(conn, auth.tenant.id, id)?;
                let s = body.apply(conn, &auth, current)?;
                store::save_software(conn, &s, Utc::now())?;
                Ok(SoftwareView::from(store::get_software(conn, auth.tenant.id, id)?))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// A device the caller may act on: its assigned user, or staff; 404 for anyone else.
fn own_device(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<Device> {
    Ok(use_case::own_device(conn, &auth.principal, auth.tenant.id, id)?)
}

/// The software the device's user may install on it.
#[utoipa::path(tag = "self-service", operation_id = "listDeviceSoftware", security(("bearer" = [])),
    params(("device_id" = i64, Path)),
    responses(
        (status = 200, description = "Installable software (none on Linux)", body = Vec<SoftwareView>),
        (status = 404, description = "Not a device of yours", body = Problem)))]
#[get("/api/v1/devices/{device_id}/software")]
pub async fn device_software(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let list = state
        .run(move |conn| {
            let device = own_device(conn, &auth, id)?;
            let all = store::list_software(conn, auth.tenant.id)?;
            Ok(all.into_iter().filter(|s| use_case::offered(s, &device)).map(SoftwareView::from).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(list))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "install_software", "software_id": 2}))]
pub struct ActionInput {
    pub kind: ActionKind,
    /// For `install_software`: an application offered on the device.
    pub software_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 9, "device_id": 4, "kind": "restart", "status": "dispatched",
    "created_at": "2026-11-23T10:00:00Z", "dispatched_at": "2026-11-23T10:00:01Z", "expires_at": "2026-11-23T10:15:00Z"}))]
pub struct ActionView {
    pub id: i64,
    pub device_id: i64,
    pub kind: ActionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_id: Option<i64>,
    /// queued -> dispatched -> succeeded / failed, or expired without a result in time.
    pub status: ActionStatus,
    /// What the RMM reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatched_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

impl ActionView {
    fn of(a: Action, now: DateTime<Utc>) -> Self {
        Self {
            id: a.id,
            device_id: a.device_id,
            kind: a.kind,
            software_id: a.software_id,
            status: a.status(now),
            result: a.result.clone(),
            created_at: a.created_at,
            dispatched_at: a.dispatched_at,
            finished_at: a.finished_at,
            expires_at: a.expires_at,
        }
    }
}

/// Ask the RMM to run an action on one of your computers.
///
/// Needs a full sign-in (not an agent session, not an API token), self-service on for the
/// device's company, and a second factor proven by this sign-in session within the last 5
/// minutes (`POST /api/v1/me/step-up`). Only the device's
/// user (or staff) may act on it. Software installs are for Windows and macOS only (422 on
/// Linux), from the catalogue offered to the company. `reset_password` sends a temporary
/// password to the verified phone by SMS; the API never returns it. At most 10 actions per user
/// and hour (429). Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(tag = "self-service", operation_id = "requestAction", security(("bearer" = [])),
    params(("device_id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body give the first answer")),
    request_body = ActionInput,
    responses(
        (status = 202, description = "Queued for the RMM", body = ActionView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "No fresh second factor of this session, self-service off, an API token or an agent session", body = Problem),
        (status = 404, description = "Not a device of yours", body = Problem),
        (status = 409, description = "The RMM is not connected, or no verified phone for a password reset", body = Problem),
        (status = 422, description = "An action the platform does not allow, or software not offered", body = Problem),
        (status = 429, description = "Too many actions", body = Problem)))]
#[post("/api/v1/devices/{device_id}/actions")]
pub async fn request_action(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<ActionInput>,
) -> ApiResult<HttpResponse> {
    let session = person(&auth)?;
    let (id, body) = (path.into_inner(), body.into_inner());
    let key = idempotency::key_of(&req)?;
    let fingerprint = serde_json::to_vec(&(req.path(), &body)).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (client, st) = (origin::of(&req), state.clone());
    idempotency::once(
        &state,
        auth,
        key,
        &fingerprint,
        |_, auth| Ok(auth),
        move |conn, auth| {
            let now = Utc::now();
            let requester = Requester {
                principal: &auth.principal,
                user: &auth.user,
                memberships: auth.companies.iter().map(access::membership).collect(),
                session: &session,
            };
            let links = &st.settings.links;
            let settings = ActionSettings {
                ttl: st.settings.action_ttl,
                public_api_url: &links.public_api_url,
                sms_limits: &st.settings.sms_limits,
            };
            let ask = Ask { kind: body.kind, software_id: body.software_id };
            let audit = client.event(Some(auth.tenant.id), Some(auth.user.id), "device_action_requested");
            let action = use_case::request_action(conn, &requester, id, ask, &settings, &st.sealer, audit, now)?;
            Ok((StatusCode::ACCEPTED, crate::respond::to_json(ActionView::of(action, now))?))
        },
    )
    .await
}

/// A device's actions, newest first (its user, or staff).
#[utoipa::path(tag = "self-service", operation_id = "listDeviceActions", security(("bearer" = [])),
    params(("device_id" = i64, Path)),
    responses(
        (status = 200, description = "The actions (at most 200)", body = Vec<ActionView>),
        (status = 404, description = "Not a device of yours", body = Problem)))]
#[get("/api/v1/devices/{device_id}/actions")]
pub async fn list_actions(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let list = state
        .run(move |conn| {
            own_device(conn, &auth, id)?;
            let now = Utc::now();
            Ok(store::device_actions_of(conn, id)?.into_iter().map(|a| ActionView::of(a, now)).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(list))
}

/// Read an action (the device's user, or staff).
#[utoipa::path(tag = "self-service", operation_id = "getAction", security(("bearer" = [])),
    params(("action_id" = i64, Path)),
    responses(
        (status = 200, description = "The action", body = ActionView),
        (status = 404, description = "No such action on a device of yours", body = Problem)))]
#[get("/api/v1/actions/{action_id}")]
pub async fn get_action(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            let action = store::get_action(conn, auth.tenant.id, id)?;
            own_device(conn, &auth, action.device_id)?;
            Ok(ActionView::of(action, Utc::now()))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action_id": 9, "status": "succeeded", "message": "Restarted at 10:00:12"}))]
pub struct ActionResult {
    pub action_id: i64,
    /// `succeeded` or `failed`.
    pub status: ActionStatus,
    /// At most 1,000 characters.
    pub message: Option<String>,
}

/// The RMM reports an action's result (signed like clientdesk's webhooks).
///
/// Headers: `X-Clientdesk-Timestamp` (unix seconds, at most 5 minutes off) and
/// `X-Clientdesk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" under the
/// integration's secret>`. Idempotent: the same result again answers 200 and changes nothing; a
/// different result for a settled action answers 409.
#[utoipa::path(tag = "rmm", operation_id = "reportActionResult",
    request_body = ActionResult,
    responses(
        (status = 200, description = "Recorded (or recorded before)", body = ActionView),
        (status = 401, description = "Missing or bad signature or timestamp", body = Problem),
        (status = 409, description = "The action was settled with another result, or expired", body = Problem),
        (status = 413, description = "The body is larger than the JSON limit", body = Problem),
        (status = 422, description = "Invalid body", body = Problem)))]
#[post("/api/v1/rmm/action-results")]
pub async fn action_result(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let body = crate::extract::limited_body(payload, state.settings.json_limit).await?;
    let refused = || ApiError::Unauthorized("The callback is not signed by the integration.");
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let ts: i64 = header(TIMESTAMP_HEADER).and_then(|t| t.parse().ok()).ok_or_else(refused)?;
    let signature =
        header(SIGNATURE_HEADER).and_then(|s| s.strip_prefix("sha256=").map(str::to_owned)).ok_or_else(refused)?;
    if (Utc::now().timestamp() - ts).abs() > LINK_MAX_SKEW_SECONDS {
        return Err(refused());
    }
    let result: ActionResult = crate::json::from_slice(&body)?;
    if !matches!(result.status, ActionStatus::Succeeded | ActionStatus::Failed) {
        return Err(ApiError::invalid("status", "must be succeeded or failed"));
    }
    let message = result.message.as_deref().map(|m| m.chars().take(1000).collect::<String>());
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let action = store::action_anywhere(conn, result.action_id).map_err(|_| refused())?;
                let integration = rmm::integration_of(conn, action.tenant_id)?.ok_or_else(refused)?;
                let keys = std::iter::once(integration.secret.as_str()).chain(integration.previous_secret.as_deref());
                if !hmac_matches(keys, &signed_payload(ts, &body), &signature) {
                    return Err(refused());
                }
                if !store::finish_action(conn, action.id, result.status, message.as_deref(), now)? {
                    let current = store::get_action(conn, action.tenant_id, action.id)?;
                    if current.status(now) != result.status {
                        return Err(ApiError::Conflict(format!(
                            "The action is {} already.",
                            current.status(now).as_str()
                        )));
                    }
                }
                let event = audit::NewAuditEvent {
                    tenant_id: Some(action.tenant_id),
                    actor_user_id: None,
                    action: "device_action_result",
                    target: Some(format!("device:{}", action.device_id)),
                    detail: Some(result.status.as_str().to_owned()),
                    ..Default::default()
                };
                audit::record(conn, &event, now)?;
                Ok(ActionView::of(store::get_action(conn, action.tenant_id, action.id)?, now))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

impl From<use_case::Error> for ApiError {
    fn from(err: use_case::Error) -> Self {
        use use_case::Error as E;
        match err {
            E::NotFound => Self::NotFound,
            E::Denied(denied) => denied.into(),
            E::Invalid(invalid) => invalid.into(),
            E::Conflict(message) => Self::Conflict(message.into()),
            E::TooMany { retry_after_secs, policy } => Self::TooManyRequests { retry_after_secs, policy },
            E::Store(err) => err.into(),
        }
    }
}

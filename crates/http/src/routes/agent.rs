//! Arriving from the RMM agent's tray menu: a link naming the tenant and the computer, proven by
//! an HMAC signature or the device's link token, answered with an agent session, a request to
//! sign in normally (users with a second factor), or a registration form for a computer without
//! a portal user.
//!
//! Device ids are no secret (they show in reports and never expire), so a link is accepted only
//! with proof, and what it grants is small: an agent session opens tickets on its device and
//! reads the user's own tickets. Every refusal is the same 401, with the reason in the audit log.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Duration, Utc};
use clientdesk_app::crypto::jwt::ACCESS_TTL;
use clientdesk_app::crypto::secrets::{fingerprint, hmac_matches, random_token};
use clientdesk_app::events::{self, Event};
use clientdesk_app::origin::Origin;
use clientdesk_domain::accounts::{domain_of, may_register_address};
use clientdesk_domain::devices::Device;
use clientdesk_domain::entities::Tenant;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::principal::AuthMethod;
use clientdesk_domain::rmm::{self, AgentIds, LINK_MAX_SKEW_SECONDS};
use clientdesk_domain::roles::{Permission, Role, RoleSet};
use clientdesk_domain::throttle::ThrottlePolicy;
use clientdesk_domain::user::{parse_name, parse_phone, Email, Language};
use clientdesk_domain::verification::Code;
use clientdesk_domain::webhook_payloads::UserData;
use clientdesk_persistence::audit;
use clientdesk_persistence::rmm::{self as store, NewCode};
use clientdesk_persistence::{accounts, companies, session, tenants, throttle, users, write_tx, DbConnection};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::decision_page::private;
use super::tickets::view::Named;
use crate::errors::{ApiError, ApiResult, Problem};
use crate::json::Json;
use crate::origin;
use crate::respond::JsonBody;
use crate::state::AppState;

const LOGIN_CODE: &str = "agent_login_code";
const REGISTRATION: &str = "agent_registration";
const LOGIN_CODE_TTL: Duration = Duration::seconds(60);
const REGISTRATION_TTL: Duration = Duration::minutes(30);
const ACTIVATION_TTL: Duration = Duration::minutes(15);
const MAX_ACTIVATION_ATTEMPTS: i32 = 5;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(agent_login).service(exchange_code).service(register).service(confirm_registration);
}

/// The link the RMM agent opens. Give either `ts`, `nonce` and `sig`, or `token`. Other
/// parameters (an RMM may add its own, such as `lang`) are not signed and are ignored.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentLink {
    /// The tenant: its slug or its name (`+` for a space).
    pub client: String,
    pub agentguid: String,
    pub machineid: String,
    pub groupid: String,
    /// Unix time of signing; at most 5 minutes off.
    pub ts: Option<i64>,
    /// A random value, used once (8 to 128 characters).
    pub nonce: Option<String>,
    /// Hex HMAC-SHA256, under the integration's secret, of the six signed parameters in
    /// alphabetical order, form-encoded: `agentguid=..&client=..&groupid=..&machineid=..&nonce=..&ts=..`.
    pub sig: Option<String>,
    /// The device's link token, for RMMs that can only fill a fixed link template.
    pub token: Option<String>,
}

/// Where the link leads.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "agent_session", "access_token": "eyJ0eXAiOiJhdCtqd3Qi...", "token_type": "Bearer",
    "expires_in": 900, "device_id": 4}))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AgentLoginAnswer {
    /// Signed in for this device: open tickets on it and read your own tickets. There is no
    /// refresh token: open the link again after `expires_in` seconds.
    AgentSession { access_token: String, token_type: &'static str, expires_in: i64, device_id: i64 },
    /// The device's user has a second factor (or must enrol one): sign in with password and code.
    SignInRequired { tenant: String, email: String },
    /// Nobody uses this device yet: register with this token (`POST /api/v1/rmm/registrations`).
    RegistrationRequired { registration_token: String, expires_in: i64, company: Named, prefill: Prefill },
}

/// The RMM's contact details for the device, to prefill the registration form.
#[derive(Debug, Default, Serialize, ToSchema)]
#[schema(example = json!({"name": "Kim Kiosk", "email": "kim@contoso.example", "phone": "+41 44 555 00 00"}))]
pub struct Prefill {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// Why a link was refused; recorded in the audit log, never told to the caller.
struct Refused(&'static str, Option<TenantId>);

fn refused() -> ApiError {
    ApiError::unauthorized("unauthorized-agent-link")
}

fn audit_refusal(conn: &mut DbConnection, client: &Origin, refusal: &Refused) -> ApiResult<()> {
    let mut event = client.event(refusal.1, None, "agent_login_refused");
    event.detail = Some(refusal.0.to_owned());
    audit::record(conn, &event, Utc::now())?;
    Ok(())
}

fn too_many(until: DateTime<Utc>, policy: ThrottlePolicy, now: DateTime<Utc>) -> ApiError {
    ApiError::TooManyRequests { retry_after_secs: (until - now).num_seconds().max(1), policy }
}

/// Checks a link; a refusal is counted against the client address (in the same transaction,
/// under the throttle row's lock) and audited only while the address is under its limit, so a
/// flood of bad links is answered 429 and writes no more rows. A valid link is never held back:
/// bad links from a shared address must not lock its honest computers out.
fn verify_throttled(
    conn: &mut DbConnection,
    link: &AgentLink,
    client: &Origin,
    now: DateTime<Utc>,
) -> ApiResult<Result<(Tenant, Device), ApiError>> {
    let refusal = match verify(conn, link, now)? {
        Ok(found) => return Ok(Ok(found)),
        Err(refusal) => refusal,
    };
    let policy = ThrottlePolicy::AGENT_LINK_ADDRESS;
    let blocked = match &client.ip {
        Some(ip) => throttle::record_failure(conn, &format!("agent-link:address:{ip}"), &policy, now)?,
        None => None,
    };
    match blocked {
        Some(until) => Ok(Err(too_many(until, policy, now))),
        None => {
            audit_refusal(conn, client, &refusal)?;
            Ok(Err(refused()))
        }
    }
}

/// Checks a link and finds its device.
fn verify(
    conn: &mut DbConnection,
    link: &AgentLink,
    now: DateTime<Utc>,
) -> ApiResult<Result<(Tenant, Device), Refused>> {
    let Ok(tenant) = store::tenant_by_client(conn, &link.client) else {
        return Ok(Err(Refused("unknown tenant", None)));
    };
    let refuse = |why| Ok(Err(Refused(why, Some(tenant.id))));
    let Some(integration) = store::integration_of(conn, tenant.id)?.filter(|i| i.enabled) else {
        return refuse("agent portal access is disabled");
    };
    let ids = AgentIds {
        agent_guid: link.agentguid.clone(),
        machine_id: link.machineid.clone(),
        group_id: link.groupid.clone(),
    };
    let device = match (&link.sig, &link.token) {
        (Some(sig), None) => {
            let (Some(ts), Some(nonce)) = (link.ts, link.nonce.as_deref()) else {
                return refuse("signed link without ts or nonce");
            };
            if !(8..=128).contains(&nonce.len()) {
                return refuse("bad nonce");
            }
            let canonical = rmm::canonical_link(&link.client, &ids, ts, nonce);
            let keys = std::iter::once(integration.secret.as_str()).chain(integration.previous_secret.as_deref());
            if !hmac_matches(keys, canonical.as_bytes(), sig) {
                return refuse("bad signature");
            }
            if (now.timestamp() - ts).abs() > LINK_MAX_SKEW_SECONDS {
                return refuse("timestamp too far from now");
            }
            let valid_until = now + Duration::seconds(2 * LINK_MAX_SKEW_SECONDS);
            if !store::use_nonce(conn, tenant.id, nonce, valid_until, now)? {
                return refuse("nonce used before");
            }
            store::device_by_guid(conn, tenant.id, &ids.agent_guid)?
        }
        (None, Some(token)) => match store::device_by_token(conn, &fingerprint(token)) {
            Ok(device) if device.tenant_id == tenant.id => Some(device),
            Ok(_) | Err(clientdesk_persistence::Error::NotFound) => return refuse("unknown or revoked device token"),
            Err(e) => return Err(e.into()),
        },
        (None, None) if integration.allow_unsigned_links => store::device_by_guid(conn, tenant.id, &ids.agent_guid)?,
        (None, None) => return refuse("unsigned link"),
        (Some(_), Some(_)) => return refuse("both a signature and a token"),
    };
    match device {
        Some(device) if device.ids == ids => Ok(Ok((tenant, device))),
        _ => refuse("the ids match no device of the tenant"),
    }
}

/// What the link leads to for this device, as of now.
fn outcome(
    state: &AppState,
    conn: &mut DbConnection,
    tenant: &Tenant,
    device: &Device,
    client: &Origin,
) -> ApiResult<AgentLoginAnswer> {
    let now = Utc::now();
    let Some(user) = device.user_id else {
        let token = random_token(32);
        let payload = serde_json::json!({ "device_id": device.id }).to_string();
        let code = NewCode {
            tenant_id: tenant.id,
            user_id: None,
            purpose: REGISTRATION,
            code_hash: &fingerprint(&token),
            payload: &payload,
            expires_at: now + REGISTRATION_TTL,
        };
        store::create_code(conn, &code, now)?;
        let company = companies::get(conn, tenant.id, device.company_id)?;
        return Ok(AgentLoginAnswer::RegistrationRequired {
            registration_token: token,
            expires_in: REGISTRATION_TTL.num_seconds(),
            company: Named { id: company.id.0, name: company.name },
            prefill: Prefill {
                name: device.contact_name.clone(),
                email: device.contact_email.clone(),
                phone: device.contact_phone.clone(),
            },
        });
    };
    let session = session::load(conn, user)?;
    let sign_in =
        || AgentLoginAnswer::SignInRequired { tenant: tenant.slug.clone(), email: session.user.email.clone() };
    let opens_tickets = session.memberships.iter().any(|(company, roles)| {
        company.id == device.company_id
            && roles.grants(Permission::TicketsCreate)
            && company.settings_in_force(tenant).portal_enabled
    });
    if session.user.disabled || !opens_tickets {
        return Err(refused());
    }
    // Staff act for many companies: a link never opens a session for one, whoever the device names.
    if session.user.staff_role.is_some() {
        return Err(refused());
    }
    // A user with a second factor enters password and code, agent or not. A company's
    // 2FA policy governs full sign-ins; an agent session is already limited to this device's
    // tickets, so a user without a second factor gets one (and a self-registered user, who has
    // no password yet, can use the portal at all).
    if session.user.has_totp() {
        return Ok(sign_in());
    }
    let sid = random_token(16);
    let token = state.keys.issue_agent_access(user.0, tenant.id.0, device.id, session.user.auth_version, &sid, now);
    let mut event = client.event(Some(tenant.id), Some(user), "agent_login");
    event.target = Some(format!("device:{}", device.id));
    audit::record(conn, &event, now)?;
    let (ip, agent) = (client.ip.as_deref(), client.user_agent.as_deref());
    accounts::record_signin(conn, tenant.id, user, AuthMethod::Agent, true, ip, agent, now)?;
    Ok(AgentLoginAnswer::AgentSession {
        access_token: token,
        token_type: "Bearer",
        expires_in: ACCESS_TTL.num_seconds(),
        device_id: device.id,
    })
}

fn wants_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

/// Open the portal from the RMM agent's tray menu.
///
/// No bearer: the link carries its own credential, `sig`, an HMAC-SHA256 under the RMM
/// integration's secret of its parameters with a timestamp and a single-use nonce (or, where the
/// tenant allows unsigned links, the device's link `token`).
///
/// API clients (`Accept: application/json`) get the answer as JSON. A browser is redirected
/// (303) to the front end's agent-login page with a one-time code in the fragment
/// (`#code=...`, valid 60 s, usable once) to exchange with `POST /api/v1/rmm/agent-login/exchange`,
/// or with `#error=invalid_link`. Refused (one uniform 401, the reason in the audit log): a wrong
/// signature or token, `ts` more than 5 minutes off, a nonce used before, the integration
/// disabled, ids matching no device of the tenant. Unsigned links work only where the tenant
/// opted in to them (unsafe). After 20 refusals in an hour from one client address, its refused
/// links answer 429 instead, and are no longer audited one by one; valid links still work.
#[utoipa::path(tag = "rmm", operation_id = "agentLogin", security(()),
    params(AgentLink),
    responses(
        (status = 200, description = "Where the link leads (JSON clients)", body = AgentLoginAnswer),
        (status = 303, description = "Browsers: to the front end, with `#code=...` or `#error=invalid_link`"),
        (status = 401, description = "The link is not valid", body = Problem),
        (status = 422, description = "A required parameter is missing (JSON clients; browsers are redirected with `#error=invalid_link`)", body = Problem),
        (status = 429, description = "Not valid, and too many refused links from this client address", body = Problem)))]
#[get("/api/v1/rmm/agent-login")]
pub async fn agent_login(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (client, json) = (origin::of(&req), wants_json(&req));
    let front_end = &state.settings.links.agent_login_url;
    let redirect = |fragment: String| {
        private(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("{front_end}#{fragment}"))).finish())
    };
    // Parsed here rather than by an extractor, so that a browser is sent to the front end with
    // the error like any other refused link.
    let link = match serde_urlencoded::from_str::<AgentLink>(req.query_string()) {
        Ok(link) => link,
        Err(_) if !json => return redirect("error=invalid_link".into()),
        Err(e) => {
            let refused = ApiError::invalid("query", crate::json::parser_detail(&e.to_string()));
            return private(refused.response_in(crate::language::of(&req)));
        }
    };
    let st = state.clone();
    let step = state
        .run(move |conn| {
            let now = Utc::now();
            let (tenant, device) = write_tx(conn, |conn| verify_throttled(conn, &link, &client, now))??;
            if json {
                return write_tx(conn, |conn| outcome(&st, conn, &tenant, &device, &client)).map(Step::Answer);
            }
            // A browser gets a code for the front end; the answer is made when it is exchanged.
            let code = random_token(32);
            let payload = serde_json::json!({ "device_id": device.id }).to_string();
            let new = NewCode {
                tenant_id: tenant.id,
                user_id: device.user_id,
                purpose: LOGIN_CODE,
                code_hash: &fingerprint(&code),
                payload: &payload,
                expires_at: now + LOGIN_CODE_TTL,
            };
            write_tx(conn, |conn| store::create_code(conn, &new, now))?;
            Ok(Step::Code(code))
        })
        .await;
    match step {
        Ok(Step::Answer(answer)) => private(HttpResponse::Ok().json_body(answer)),
        Ok(Step::Code(code)) => redirect(format!("code={code}")),
        Err(ApiError::Unauthorized(_)) if !json => redirect("error=invalid_link".into()),
        Err(err) => private(err.error_response()),
    }
}

enum Step {
    Answer(AgentLoginAnswer),
    Code(String),
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "c2Fp9v1mKq0ZbT3xWn7Ly5uRd8sGe4Aj6hPo2Ik0QwE"}))]
pub struct CodeExchange {
    /// The code from the fragment of the front end's URL.
    pub code: String,
}

/// Trade the one-time code a browser was redirected with for the agent login's answer.
#[utoipa::path(tag = "rmm", operation_id = "exchangeAgentLoginCode", security(()),
    request_body = CodeExchange,
    responses(
        (status = 200, description = "Where the link leads", body = AgentLoginAnswer),
        (status = 401, description = "Unknown, expired or used code", body = Problem)))]
#[post("/api/v1/rmm/agent-login/exchange")]
pub async fn exchange_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<CodeExchange>,
) -> ApiResult<HttpResponse> {
    let (code, client) = (body.into_inner().code, origin::of(&req));
    let st = state.clone();
    let answer = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let invalid = || ApiError::unauthorized("unauthorized-agent-code");
                let found = store::code_by_hash(conn, LOGIN_CODE, &fingerprint(&code)).map_err(|_| invalid())?;
                if found.expires_at <= now || !store::use_code(conn, found.id, now)? {
                    return Err(invalid());
                }
                let (tenant, device) = code_device(conn, &found)?;
                // The code answers for the user the device had when the link was opened: a
                // reassignment in between must not hand that link to another user.
                if device.user_id != found.user_id {
                    return Err(invalid());
                }
                outcome(&st, conn, &tenant, &device, &client)
            })
        })
        .await?;
    Ok(private(HttpResponse::Ok().json_body(answer)))
}

/// The tenant and device a stored code names.
fn code_device(conn: &mut DbConnection, code: &Code) -> ApiResult<(Tenant, Device)> {
    let device_id = serde_json::from_str::<serde_json::Value>(&code.payload)
        .ok()
        .and_then(|p| p["device_id"].as_i64())
        .ok_or_else(|| ApiError::Internal(format!("code {} has no device", code.id)))?;
    let tenant = tenants::get(conn, code.tenant_id)?;
    let device = store::get_device(conn, code.tenant_id, device_id)?;
    Ok((tenant, device))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"registration_token": "q8Rz...", "name": "Sam Sample", "email": "sam@contoso.example",
    "phone": "+41 44 555 12 34"}))]
pub struct RegistrationInput {
    pub registration_token: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// The outcome of a registration.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "confirmation_required", "expires_in": 900}))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RegistrationAnswer {
    /// Registered and signed in for the device.
    #[serde(rename = "agent_session")]
    Registered(AgentSessionView),
    /// The address belongs to an existing contact: confirm with the code e-mailed to it
    /// (`POST /api/v1/rmm/registrations/confirm`).
    ConfirmationRequired { expires_in: i64 },
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJ0eXAiOiJhdCtqd3Qi...", "token_type": "Bearer", "expires_in": 900,
    "device_id": 4}))]
pub struct AgentSessionView {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub device_id: i64,
}

/// The activation code of a device's registration: one live code per device, whichever
/// registration token asked for it.
fn activation_purpose(device: i64) -> String {
    format!("activation:device:{device}")
}

fn activation_hash(device: i64, code: &str) -> String {
    fingerprint(&format!("{device}:{code}"))
}

/// Counts a registration of `device` from `client` before anything is done for it, in its own
/// transaction so that a refused call counts too; 429 when either is over its limit.
fn count_registration(
    conn: &mut clientdesk_persistence::Conn,
    device: i64,
    client: &Origin,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut keys = vec![(format!("agent-registration:device:{device}"), ThrottlePolicy::AGENT_REGISTRATION_DEVICE)];
    if let Some(ip) = &client.ip {
        keys.push((format!("agent-registration:address:{ip}"), ThrottlePolicy::AGENT_REGISTRATION_ADDRESS));
    }
    let blocked = write_tx(conn, |conn| {
        let mut blocked = None;
        for (key, policy) in &keys {
            if let Some(until) = throttle::record_failure(conn, key, policy, now)? {
                blocked = blocked.or(Some(too_many(until, *policy, now)));
            }
        }
        Ok::<_, ApiError>(blocked)
    })?;
    blocked.map_or(Ok(()), Err)
}

/// The registration a token opened, still usable: not spent, not expired, its device still
/// without a user.
fn registration(conn: &mut DbConnection, token: &str, now: DateTime<Utc>) -> ApiResult<(Code, Tenant, Device)> {
    let invalid = || ApiError::unauthorized("unauthorized-registration-token");
    let code = store::code_by_hash(conn, REGISTRATION, &fingerprint(token)).map_err(|_| invalid())?;
    if code.used_at.is_some() || code.expires_at <= now {
        return Err(invalid());
    }
    let (tenant, device) = code_device(conn, &code)?;
    if device.user_id.is_some() {
        return Err(ApiError::conflict("conflict-device-has-user"));
    }
    Ok((code, tenant, device))
}

/// Signs a new or activated user in for the device, once the registration is spent.
fn finish(
    state: &AppState,
    conn: &mut DbConnection,
    client: &Origin,
    registration: &Code,
    tenant: &Tenant,
    device: &Device,
    user: UserId,
) -> ApiResult<AgentSessionView> {
    let now = Utc::now();
    if !store::use_code(conn, registration.id, now)? || !store::set_device_user(conn, device.id, user, now)? {
        return Err(ApiError::conflict("conflict-registration-done"));
    }
    if !users::is_member(conn, user, device.company_id)? {
        let roles = RoleSet::from_stored(Role::PortalUser.as_str());
        users::upsert_membership(conn, tenant.id, user, device.company_id, &roles, now)?;
    }
    let mut event = client.event(Some(tenant.id), Some(user), "agent_registration");
    event.target = Some(format!("device:{}", device.id));
    audit::record(conn, &event, now)?;
    let device = store::get_device(conn, tenant.id, device.id)?;
    match outcome(state, conn, tenant, &device, client)? {
        AgentLoginAnswer::AgentSession { access_token, token_type, expires_in, device_id } => {
            Ok(AgentSessionView { access_token, token_type, expires_in, device_id })
        }
        _ => Err(ApiError::conflict("conflict-sign-in-to-continue")),
    }
}

/// Register from the agent link: become a portal user of the device's company, linked to the
/// device, and signed in.
///
/// A new address must be of the company's registered e-mail domains, where it registered any,
/// and never of another company's (422 on `email`).
///
/// An address that is already a portal user's answers 409 (ask the provider to link the device
/// to it). The address of an existing contact without portal access is activated only once a
/// code e-mailed to it is confirmed, so nobody takes over an account from a computer. A computer
/// has one live code at a time, with its five tries: asking again while it is live sends nothing
/// new. Registrations are limited per computer (5 an hour) and per client address (20 an hour).
#[utoipa::path(tag = "rmm", operation_id = "registerFromAgent", security(()),
    request_body = RegistrationInput,
    responses(
        (status = 201, description = "Registered and signed in", body = RegistrationAnswer),
        (status = 202, description = "A code was e-mailed to the existing contact", body = RegistrationAnswer),
        (status = 401, description = "Invalid or expired registration token", body = Problem),
        (status = 409, description = "The address is a portal user's already, the computer has a user, or a code sent to another contact for it is still live", body = Problem),
        (status = 422, description = "Invalid name, e-mail or phone, or an address outside the company's e-mail domains", body = Problem),
        (status = 429, description = "Too many registrations of this computer or from this client address", body = Problem)))]
#[post("/api/v1/rmm/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegistrationInput>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let name = parse_name("name", &body.name)?;
    let email = Email::parse(&body.email)?;
    let phone = body.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(parse_phone).transpose()?;
    let client = origin::of(&req);
    let st = state.clone();
    let answer = state
        .run(move |conn| {
            let (_, _, device) = registration(conn, &body.registration_token, Utc::now())?;
            count_registration(conn, device.id, &client, Utc::now())?;
            write_tx(conn, |conn| {
                let now = Utc::now();
                let (code, tenant, device) = registration(conn, &body.registration_token, now)?;
                match users::find_by_email(conn, tenant.id, email.as_str()) {
                    Ok(existing) if existing.password_hash.is_some() || existing.staff_role.is_some() => {
                        Err(ApiError::conflict("conflict-agent-user-exists"))
                    }
                    Ok(existing) => {
                        // An existing contact: prove the address before it becomes a portal login.
                        // One live code per device, with its tries: a repeat call reuses it.
                        store::lock_device(conn, device.id)?;
                        let purpose = activation_purpose(device.id);
                        let live = store::latest_code_of(conn, &purpose)?.filter(|c| {
                            c.used_at.is_none() && c.expires_at > now && c.attempts < MAX_ACTIVATION_ATTEMPTS
                        });
                        if let Some(live) = live {
                            if live.user_id != Some(existing.id) {
                                return Err(ApiError::conflict("conflict-agent-code-other-contact"));
                            }
                            let expires_in = (live.expires_at - now).num_seconds().max(1);
                            return Ok((202, RegistrationAnswer::ConfirmationRequired { expires_in }));
                        }
                        let secret = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
                        let payload = serde_json::json!({ "user_id": existing.id.0 }).to_string();
                        let new = NewCode {
                            tenant_id: tenant.id,
                            user_id: Some(existing.id),
                            purpose: &purpose,
                            code_hash: &activation_hash(device.id, &secret),
                            payload: &payload,
                            expires_at: now + ACTIVATION_TTL,
                        };
                        store::create_code(conn, &new, now)?;
                        let notice = Notice::ActivationCode {
                            recipient: &existing.name,
                            code: &secret,
                            minutes: ACTIVATION_TTL.num_minutes(),
                        };
                        let (to, language) = (&existing.email, existing.language);
                        clientdesk_app::notify::sealed_email(
                            conn,
                            &st.sealer,
                            tenant.id,
                            to,
                            language,
                            &notice,
                            &[&secret],
                            now,
                        )?;
                        let mut event =
                            client.event(Some(tenant.id), Some(existing.id), "agent_registration_code_sent");
                        event.target = Some(format!("device:{}", device.id));
                        audit::record(conn, &event, now)?;
                        Ok((202, RegistrationAnswer::ConfirmationRequired { expires_in: ACTIVATION_TTL.num_seconds() }))
                    }
                    Err(clientdesk_persistence::Error::NotFound) => {
                        // A new login joins the device's company: its address must be of that
                        // company's e-mail domains (where it registered any), never another's.
                        let domain = domain_of(email.as_str());
                        let owner = accounts::company_of_domain(conn, tenant.id, domain)?;
                        let own: Vec<String> =
                            accounts::domains_of(conn, device.company_id)?.into_iter().map(|(_, d, _)| d).collect();
                        may_register_address(domain, device.company_id, &own, owner)?;
                        let user = users::create(
                            conn,
                            &users::NewUser {
                                tenant_id: tenant.id,
                                email: email.as_str(),
                                name: &name,
                                phone: phone.as_deref(),
                                language: Language::default(),
                                staff_role: None,
                                password_hash: None,
                                activated: true,
                            },
                            now,
                        )?;
                        let session = finish(&st, conn, &client, &code, &tenant, &device, user.id)?;
                        // A login made active by its registration, not by an invitation.
                        let activated = UserData { user_id: user.id.0, company_id: Some(device.company_id.0) };
                        events::emit(conn, tenant.id, Event::UserActivated(activated))?;
                        Ok((201u16, RegistrationAnswer::Registered(session)))
                    }
                    Err(e) => Err(e.into()),
                }
            })
        })
        .await?;
    let (status, answer) = answer;
    let status = actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    Ok(private(HttpResponse::build(status).json_body(answer)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"registration_token": "q8Rz...", "code": "482913"}))]
pub struct RegistrationConfirmation {
    pub registration_token: String,
    /// The 6-digit code e-mailed to the address.
    pub code: String,
}

/// Confirm a registration with the code e-mailed to the existing contact: the contact becomes an
/// active portal user of the device's company (a first activation sends `user.activated`), linked
/// to the device, and is signed in. Five wrong codes (with any registration token of the computer)
/// spend the code: register again.
#[utoipa::path(tag = "rmm", operation_id = "confirmAgentRegistration", security(()),
    request_body = RegistrationConfirmation,
    responses(
        (status = 200, description = "Activated and signed in", body = RegistrationAnswer),
        (status = 401, description = "Invalid or expired registration token", body = Problem),
        (status = 409, description = "No code was sent, it expired, or too many wrong codes", body = Problem),
        (status = 422, description = "Wrong code", body = Problem)))]
#[post("/api/v1/rmm/registrations/confirm")]
pub async fn confirm_registration(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegistrationConfirmation>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let client = origin::of(&req);
    let st = state.clone();
    // A wrong code is counted even though the answer is an error, so it is written first.
    let checked = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let now = Utc::now();
                let (registration, tenant, device) = registration(conn, &body.registration_token, now)?;
                let stale = || ApiError::conflict("conflict-no-valid-code-register");
                let sent = store::latest_code_of(conn, &activation_purpose(device.id))?.ok_or_else(stale)?;
                // The try is counted before the code is checked, so parallel guesses get no more.
                if sent.used_at.is_some()
                    || sent.expires_at <= now
                    || !store::take_attempt(conn, sent.id, MAX_ACTIVATION_ATTEMPTS)?
                {
                    return Err(stale());
                }
                let given = activation_hash(device.id, body.code.trim());
                if !clientdesk_app::crypto::secrets::constant_time_eq(&given, &sent.code_hash) {
                    return Ok(Err(ApiError::invalid("code", Message::new("rule-code-not-sent"))));
                }
                store::use_code(conn, sent.id, now)?;
                let user = sent.user_id.ok_or_else(|| ApiError::Internal("activation code without a user".into()))?;
                // The contact proved its address: its login is active from now on, as after a
                // first password; a contact active already (from another computer) is not told again.
                let activated = users::activate(conn, user, now)?;
                let session = finish(&st, conn, &client, &registration, &tenant, &device, user)?;
                if activated {
                    let activated = UserData { user_id: user.0, company_id: Some(device.company_id.0) };
                    events::emit(conn, tenant.id, Event::UserActivated(activated))?;
                }
                Ok(Ok(RegistrationAnswer::Registered(session)))
            })
        })
        .await?;
    Ok(private(HttpResponse::Ok().json_body(checked?)))
}

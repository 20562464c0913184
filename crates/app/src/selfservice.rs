//! The self-service use case: ask the RMM to run an action on a computer. It loads the device,
//! the caller's step-up proof and factors, asks `clientdesk_domain::selfservice` whether the
//! action may run, and in one transaction records it, enqueues the webhook that dispatches it
//! (and, for a password reset, the SMS with the temporary password) and the audit event.

use chrono::{DateTime, Duration, Utc};
use clientdesk_domain::actions::{Action, Software};
use clientdesk_domain::devices::Device;
use clientdesk_domain::entities::User;
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::outbox::Channel;
use clientdesk_domain::principal::Principal;
use clientdesk_domain::rmm::ActionKind;
use clientdesk_domain::selfservice::{self as policy, Ask, Asker, Offer, Refused};
use clientdesk_domain::sms::{destination_allowed, SmsLimits, SmsScope};
use clientdesk_domain::step_up::Factors;
use clientdesk_domain::throttle::ThrottlePolicy;
use clientdesk_domain::ticket_access::Membership;
use clientdesk_domain::DomainError;
use clientdesk_persistence::actions as store;
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::rmm;
use clientdesk_persistence::{sms, users, DbConnection};
use rand::Rng;

use crate::crypto::seal::Sealer;
use crate::{Error, Result};

impl From<Refused> for Error {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::NotFound => Self::NotFound,
            Refused::Denied(denied) => Self::Denied(denied),
            Refused::Invalid(invalid) => Self::Invalid(invalid),
            Refused::TooMany => Self::TooMany { retry_after_secs: 600, policy: ThrottlePolicy::ACTIONS },
            Refused::Missing(what) => Self::conflict(what),
        }
    }
}

/// Who asks for an action.
pub struct Requester<'a> {
    pub principal: &'a Principal,
    pub user: &'a User,
    /// A portal user's memberships in the companies whose portal is on.
    pub memberships: Vec<Membership<'a>>,
    /// The sign-in session whose step-up counts (see `selfservice::person`).
    pub session: &'a str,
}

/// What the server's configuration says about actions.
pub struct ActionSettings<'a> {
    /// How long an action waits for the RMM's result.
    pub ttl: Duration,
    /// This API's public address, for the RMM's result callback.
    pub public_api_url: &'a str,
    pub sms_limits: &'a SmsLimits,
}

/// The second factors `user` has, as stored now.
pub fn factors_of(conn: &mut DbConnection, user: &User) -> Result<Factors> {
    Ok(Factors {
        totp: user.has_totp(),
        verified_phone: user.phone.is_some() && user.phone_verified_at.is_some(),
        phone_changed_at: users::phone_changed_at(conn, user.id)?,
    })
}

/// A device `principal` may act on: its assigned user, or staff; `NotFound` for anyone else.
pub fn own_device(conn: &mut DbConnection, principal: &Principal, tenant: TenantId, id: i64) -> Result<Device> {
    let device = rmm::get_device(conn, tenant, id)?;
    if policy::may_see_device(principal, device.user_id) {
        Ok(device)
    } else {
        Err(Error::NotFound)
    }
}

/// Whether `software` is offered on `device` (see `selfservice::offered`).
pub fn offered(software: &Software, device: &Device) -> bool {
    policy::offered(&offer(software), device.platform, device.company_id)
}

fn offer(s: &Software) -> Offer<'_> {
    Offer {
        active: s.active,
        chocolatey: s.chocolatey_id.is_some(),
        homebrew: s.homebrew_formula.is_some() || s.homebrew_cask.is_some(),
        all_companies: s.all_companies,
        companies: &s.companies,
    }
}

/// Checks that an SMS may go to `phone` now: a calling code the tenant allows (422), and room in
/// every hourly and daily limit of the user, its companies and the tenant (429). Counts the SMS;
/// call it inside the transaction that queues it, before queueing.
pub fn sms_allowed(
    conn: &mut DbConnection,
    limits: &SmsLimits,
    tenant: TenantId,
    user: UserId,
    companies: impl IntoIterator<Item = CompanyId>,
    phone: &str,
) -> Result<()> {
    let now = Utc::now();
    let prefixes = sms::allowed_prefixes(conn, tenant)?;
    if !destination_allowed(phone, prefixes.as_deref()) {
        return Err(DomainError::new("phone", "rule-sms-country").into());
    }
    let mut scopes = vec![SmsScope::User(user.0), SmsScope::Tenant(tenant.0)];
    scopes.extend(companies.into_iter().map(|c| SmsScope::Company(c.0)));
    let windows = limits.windows(&scopes, now);
    if let Some(until) = sms::take(conn, &windows, now)? {
        return Err(Error::TooMany {
            retry_after_secs: (until - now).num_seconds().max(1),
            policy: ThrottlePolicy::SMS,
        });
    }
    Ok(())
}

/// A temporary password: 4 groups of 4 from an alphabet without look-alikes (about 80 bits).
fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..4)
        .map(|_| (0..4).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Asks the RMM to run `ask` on device `device_id`, at `now`: checks the policy, records the
/// action, and enqueues the webhook that dispatches it, the SMS of a password reset (`sealer`
/// seals what carries the temporary password: it waits sealed and is wiped once delivered) and
/// `audit`. Call inside a write transaction.
#[allow(clippy::too_many_arguments)]
pub fn request_action(
    conn: &mut DbConnection,
    requester: &Requester<'_>,
    device_id: i64,
    ask: Ask,
    settings: &ActionSettings<'_>,
    sealer: &Sealer,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Action> {
    let (principal, user) = (requester.principal, requester.user);
    let tenant = user.tenant_id;
    let device = own_device(conn, principal, tenant, device_id)?;
    let membership =
        requester.memberships.iter().find(|m| m.company == device.company_id).map(|m| (m.roles, m.settings));
    // The proof must come from this sign-in session, and still be of a factor that counts.
    let proof = users::step_up_of(conn, user.id, requester.session)?;
    let factors = factors_of(conn, user)?;
    let asker = Asker { staff: principal.is_staff(), membership, factors, proof };
    policy::may_request(&asker, device.platform, ask, now)?;
    let software = match (ask.kind, ask.software_id) {
        (ActionKind::InstallSoftware, Some(id)) => {
            let s = store::get_software(conn, tenant, id)
                .map_err(|_| DomainError::new("software_id", "rule-software-not-in-catalogue"))?;
            policy::require_offered(&offer(&s), device.platform, device.company_id)?;
            Some(s)
        }
        _ => None,
    };
    policy::within_action_limit(store::count_recent(conn, user.id, now - ThrottlePolicy::ACTIONS.window)?)?;
    let integration = rmm::integration_of(conn, tenant)?
        .filter(|i| i.enabled)
        .and_then(|i| i.webhook_url)
        .ok_or(Error::conflict("conflict-self-service-not-connected"))?;
    // The password reset goes to the device user's verified phone.
    let reset_phone = if ask.kind == ActionKind::ResetPassword {
        let owner = device.user_id.map(|u| users::get(conn, tenant, u)).transpose()?;
        let phone = owner.as_ref().and_then(|o| o.phone.as_deref());
        let phone = policy::reset_password_phone(phone, owner.as_ref().and_then(|o| o.phone_verified_at))?;
        let companies = requester.memberships.iter().map(|m| m.company);
        sms_allowed(conn, settings.sms_limits, tenant, user.id, companies, phone)?;
        Some((phone.to_owned(), owner.map(|o| o.language).unwrap_or_default()))
    } else {
        None
    };
    let action = store::create_action(
        conn,
        tenant,
        device.id,
        user.id,
        ask.kind,
        software.as_ref().map(|s| s.id),
        now,
        now + settings.ttl,
    )?;
    let password = reset_phone.as_ref().map(|_| temporary_password());
    let payload = serde_json::json!({
        "event": "device_action",
        "action": {"id": action.id, "kind": action.kind, "created_at": action.created_at, "expires_at": action.expires_at},
        "device": {"id": device.id, "agent_guid": device.ids.agent_guid, "machine_id": device.ids.machine_id,
            "group_id": device.ids.group_id, "hostname": device.hostname, "platform": device.platform},
        "software": software.as_ref().map(|s| serde_json::json!({"name": s.name, "chocolatey_id": s.chocolatey_id,
            "homebrew_formula": s.homebrew_formula, "homebrew_cask": s.homebrew_cask})),
        "temporary_password": password,
        "callback_url": format!("{}/api/v1/rmm/action-results", settings.public_api_url.trim_end_matches('/')),
    })
    .to_string();
    // A body carrying a password waits sealed, and is wiped once delivered.
    let body = if password.is_some() { sealer.seal(&payload) } else { payload };
    let webhook = NewMessage {
        tenant_id: tenant,
        channel: Channel::Webhook,
        recipient: integration,
        subject: "device_action".into(),
        body,
        language: None,
    };
    outbox::enqueue(conn, &webhook, now)?;
    if let (Some((phone, language)), Some(password)) = (reset_phone, &password) {
        let text = Notice::TemporaryPassword { hostname: &device.hostname, password }.render(language).body;
        crate::notify::sms(conn, tenant, &phone, sealer.seal(&text), language, now)?;
    }
    audit.target = Some(format!("device:{}", device.id));
    audit.detail = Some(ask.kind.as_str().to_owned());
    audit::record(conn, &audit, now)?;
    Ok(action)
}

//! The self-service policy: who may ask the RMM for which action on which computer, and with
//! what proof. A person signed in with a password (not an agent session, not an API token) acts
//! on the computers assigned to it, where its company has self-service on and its roles allow
//! it, within 5 minutes of proving a second factor in the same sign-in; staff act on every
//! computer of their tenant. Software is installed only from the catalogue offered to the
//! computer's company, with an installer for its platform.

use chrono::{DateTime, Utc};

use crate::ids::{CompanyId, UserId};
use crate::principal::{AuthMethod, Denied, Principal};
use crate::rmm::{ActionKind, Platform};
use crate::roles::{Permission, RoleSet};
use crate::settings::PortalSettings;
use crate::step_up::{Factor, Factors};
use crate::throttle::ThrottlePolicy;
use crate::DomainError;

/// Refuses what only a person signed in with a password may do here (phones, step-up, actions):
/// not an agent session, not an API token. Returns the sign-in session a proof is bound to.
pub fn person(principal: &Principal) -> Result<&str, Denied> {
    principal.require_full_session()?;
    if principal.amr.contains(&AuthMethod::ApiToken) {
        return Err(Denied::new("denied-token-phones"));
    }
    principal.session.as_deref().ok_or(Denied::new("denied-no-session"))
}

/// Whether `principal` sees a device assigned to `device_user`: its user does, and staff; for
/// anyone else it does not exist.
pub fn may_see_device(principal: &Principal, device_user: Option<UserId>) -> bool {
    principal.is_staff() || device_user == Some(principal.user_id)
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not a device of the caller's (404).
    NotFound,
    Denied(Denied),
    Invalid(DomainError),
    /// Past the hourly number of actions ([`ThrottlePolicy::ACTIONS`], 429).
    TooMany,
    /// Something the action needs is missing (409); a `conflict-*` message id.
    Missing(&'static str),
}

impl From<Denied> for Refused {
    fn from(denied: Denied) -> Self {
        Self::Denied(denied)
    }
}

impl From<DomainError> for Refused {
    fn from(err: DomainError) -> Self {
        Self::Invalid(err)
    }
}

/// Who asks for an action, as the policy needs it.
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    pub staff: bool,
    /// A portal user's roles and settings in the device's company; `None` when it is no member.
    pub membership: Option<(&'a RoleSet, &'a PortalSettings)>,
    /// The second factors the user has.
    pub factors: Factors,
    /// The second factor this sign-in proved last, and when.
    pub proof: Option<(Factor, DateTime<Utc>)>,
}

/// An action asked for on a computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    pub kind: ActionKind,
    pub software_id: Option<i64>,
}

/// Whether `asker` may ask for `ask` on a computer of `platform` at `now`, in this order: a
/// member of the computer's company (404), with self-service on and allowed (403), with a fresh
/// proof of the factor it has (403), for an action the platform runs (422), naming software
/// exactly for an install (422).
pub fn may_request(asker: &Asker<'_>, platform: Platform, ask: Ask, now: DateTime<Utc>) -> Result<(), Refused> {
    if !asker.staff {
        let (roles, settings) = asker.membership.ok_or(Refused::NotFound)?;
        if !settings.self_service_enabled || !roles.grants(Permission::SelfService) {
            return Err(Denied::new("denied-self-service-off").into());
        }
    }
    asker.factors.allows_action(asker.proof, now)?;
    if !ask.kind.allowed_on(platform) {
        return Err(DomainError::new("kind", "rule-software-linux").into());
    }
    match (ask.kind, ask.software_id) {
        (ActionKind::InstallSoftware, None) => Err(DomainError::new("software_id", "rule-software-required").into()),
        (ActionKind::InstallSoftware, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(DomainError::new("software_id", "rule-software-install-only").into()),
    }
}

/// An application of the catalogue, as the offer rule sees it.
#[derive(Debug, Clone, Copy)]
pub struct Offer<'a> {
    pub active: bool,
    pub chocolatey: bool,
    pub homebrew: bool,
    pub all_companies: bool,
    pub companies: &'a [CompanyId],
}

/// Whether an application is offered on a computer of `platform` in `company`: active, offered
/// to the company, with an installer for the platform (Chocolatey on Windows, Homebrew on macOS,
/// none on Linux).
pub fn offered(offer: &Offer<'_>, platform: Platform, company: CompanyId) -> bool {
    let installer = match platform {
        Platform::Windows => offer.chocolatey,
        Platform::Mac => offer.homebrew,
        Platform::Linux => false,
    };
    offer.active && installer && (offer.all_companies || offer.companies.contains(&company))
}

/// Refuses an install of software that is not offered on the computer.
pub fn require_offered(offer: &Offer<'_>, platform: Platform, company: CompanyId) -> Result<(), Refused> {
    if offered(offer, platform, company) {
        Ok(())
    } else {
        Err(DomainError::new("software_id", "rule-software-not-offered").into())
    }
}

/// A user asks for at most [`ThrottlePolicy::ACTIONS`]' number of actions an hour; `recent`
/// is how many it asked for within the last hour.
pub fn within_action_limit(recent: i64) -> Result<(), Refused> {
    let policy = ThrottlePolicy::ACTIONS;
    if recent >= policy.free_failures as i64 {
        return Err(Refused::TooMany);
    }
    Ok(())
}

/// Where a password reset's temporary password goes: the device user's verified phone.
pub fn reset_password_phone(phone: Option<&str>, verified_at: Option<DateTime<Utc>>) -> Result<&str, Refused> {
    match (phone, verified_at) {
        (Some(phone), Some(_)) => Ok(phone),
        _ => Err(Refused::Missing("conflict-reset-password-phone")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::ids::TenantId;
    use crate::principal::PrincipalKind;
    use crate::user::StaffRole;

    fn principal(kind: PrincipalKind, amr: &[AuthMethod], device: Option<i64>, session: Option<&str>) -> Principal {
        Principal {
            user_id: UserId(7),
            tenant_id: TenantId(1),
            kind,
            amr: amr.to_vec(),
            read_only: false,
            device,
            session: session.map(str::to_owned),
        }
    }

    #[test]
    fn only_a_person_signed_in_with_a_password() {
        use AuthMethod::*;
        let portal = PrincipalKind::Portal;
        assert_eq!(person(&principal(portal, &[Pwd, Otp], None, Some("s1"))), Ok("s1"));
        assert!(person(&principal(portal, &[Agent], Some(3), Some("s1"))).is_err(), "agent session");
        assert!(person(&principal(portal, &[ApiToken], None, None)).is_err(), "API token");
        assert!(person(&principal(portal, &[Pwd], None, None)).is_err(), "no sign-in session");
        let staff = principal(PrincipalKind::Staff(StaffRole::Technician), &[Pwd], None, Some("s"));
        assert!(may_see_device(&staff, None));
        let user = principal(portal, &[Pwd], None, Some("s"));
        assert!(may_see_device(&user, Some(UserId(7))));
        assert!(!may_see_device(&user, Some(UserId(8))));
        assert!(!may_see_device(&user, None));
    }

    #[test]
    fn which_action_on_which_computer_for_whom() {
        let now = Utc::now();
        let user_roles = RoleSet::parse_all(&["portal_user"]).unwrap();
        let on = PortalSettings::default();
        let off = PortalSettings { self_service_enabled: false, ..PortalSettings::default() };
        let totp = Factors { totp: true, verified_phone: false, phone_changed_at: None };
        let phone = Factors { totp: false, verified_phone: true, phone_changed_at: None };
        let fresh = Some((Factor::Otp, now - Duration::minutes(4)));
        let stale = Some((Factor::Otp, now - Duration::minutes(6)));
        let sms = Some((Factor::Sms, now));
        let asker = |staff, membership, factors, proof| Asker { staff, membership, factors, proof };
        let member = Some((&user_roles, &on));
        let restart = Ask { kind: ActionKind::Restart, software_id: None };
        let install = |id| Ask { kind: ActionKind::InstallSoftware, software_id: id };
        use Platform::*;
        // (asker, platform, ask, outcome)
        let table = [
            (asker(false, member, totp, fresh), Windows, restart, "ok"),
            (asker(false, member, totp, fresh), Linux, restart, "ok"),
            (asker(false, None, totp, fresh), Windows, restart, "404"),
            (asker(false, Some((&user_roles, &off)), totp, fresh), Windows, restart, "403"),
            (asker(false, member, totp, stale), Windows, restart, "403"),
            (asker(false, member, totp, None), Windows, restart, "403"),
            (asker(false, member, totp, sms), Windows, restart, "403"),
            (asker(false, member, phone, sms), Windows, restart, "ok"),
            (asker(false, member, totp, fresh), Mac, install(Some(2)), "ok"),
            (asker(false, member, totp, fresh), Linux, install(Some(2)), "422 kind"),
            (asker(false, member, totp, fresh), Windows, install(None), "422 software_id"),
            (asker(false, member, totp, fresh), Windows, Ask { software_id: Some(2), ..restart }, "422 software_id"),
            (asker(true, None, totp, fresh), Windows, restart, "ok"),
            (asker(true, None, totp, None), Windows, restart, "403"),
        ];
        for (i, (asker, platform, ask, expected)) in table.into_iter().enumerate() {
            let got = match may_request(&asker, platform, ask, now) {
                Ok(()) => "ok".to_owned(),
                Err(Refused::NotFound) => "404".to_owned(),
                Err(Refused::Denied(_)) => "403".to_owned(),
                Err(Refused::Invalid(e)) => format!("422 {}", e.field),
                Err(other) => format!("{other:?}"),
            };
            assert_eq!(got, expected, "row {i}");
        }
    }

    #[test]
    fn software_offers_limits_and_the_reset_phone() {
        let chosen = [CompanyId(2)];
        let windows_only =
            Offer { active: true, chocolatey: true, homebrew: false, all_companies: true, companies: &[] };
        assert!(offered(&windows_only, Platform::Windows, CompanyId(1)));
        assert!(!offered(&windows_only, Platform::Mac, CompanyId(1)));
        assert!(!offered(&Offer { homebrew: true, ..windows_only }, Platform::Linux, CompanyId(1)));
        assert!(!offered(&Offer { active: false, ..windows_only }, Platform::Windows, CompanyId(1)));
        let for_two = Offer { all_companies: false, companies: &chosen, ..windows_only };
        assert!(offered(&for_two, Platform::Windows, CompanyId(2)));
        assert!(require_offered(&for_two, Platform::Windows, CompanyId(1)).is_err());
        assert!(within_action_limit(9).is_ok());
        assert_eq!(within_action_limit(10), Err(Refused::TooMany));
        assert_eq!(reset_password_phone(Some("+41"), Some(Utc::now())), Ok("+41"));
        assert!(reset_password_phone(Some("+41"), None).is_err(), "unverified");
        assert!(reset_password_phone(None, None).is_err());
    }
}

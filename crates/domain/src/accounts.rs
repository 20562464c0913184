//! Accounts: a user's state, the links that set a password or confirm an address, and who may
//! manage whose login. Customers administer their own company's users here and never more:
//! every refusal below is a rule against escalation.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CompanyId, TenantId, UserId};
use crate::principal::AuthMethod;
use crate::roles::{Permission, Role, RoleSet};
use crate::DomainError;

/// Where a user stands: invited (no credential set yet), active, or disabled by an administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserState {
    Invited,
    Active,
    Disabled,
}

impl UserState {
    pub const ALL: [UserState; 3] = [Self::Invited, Self::Active, Self::Disabled];

    /// Disabled wins; otherwise a user is active once a first credential was set.
    pub fn of(disabled: bool, activated: bool) -> Self {
        match (disabled, activated) {
            (true, _) => Self::Disabled,
            (false, true) => Self::Active,
            (false, false) => Self::Invited,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == input)
            .ok_or_else(|| DomainError::new("state", "rule-one-of").arg("values", "invited, active, disabled"))
    }
}

/// What a set-password link is for, and how long it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// The welcome e-mail of an invited contact: its first password.
    Invitation,
    /// A forgotten password.
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::Reset => "reset",
        }
    }

    pub fn parse(stored: &str) -> Self {
        if stored == "reset" {
            Self::Reset
        } else {
            Self::Invitation
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Self::Invitation => Duration::days(7),
            Self::Reset => Duration::hours(1),
        }
    }
}

/// How long the link that confirms a new e-mail address works.
pub const EMAIL_CONFIRMATION_LIFETIME: Duration = Duration::hours(24);

/// How long a company's sign-in log keeps its entries.
pub const SIGNIN_LOG_DAYS: i64 = 30;

/// The most contacts one bulk invitation takes.
pub const BULK_INVITATION_MAX: usize = 500;

/// What customers may do with accounts in a tenant (staff choose; both off by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPolicy {
    /// A company's portal admin may make other users portal admins.
    pub customers_grant_portal_admin: bool,
    /// Customers may list the names of the provider's staff (for an assignee picker).
    pub staff_names_for_customers: bool,
}

/// Where a role-change request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Granted,
    Refused,
    /// The requester took it back before anybody decided.
    Withdrawn,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 4] = [Self::Pending, Self::Granted, Self::Refused, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Granted => "granted",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|s| s.as_str() == input).ok_or_else(|| {
            DomainError::new("status", "rule-one-of").arg("values", "pending, granted, refused, withdrawn")
        })
    }
}

/// A user's request for other roles in one of its companies (the roles it would hold after).
#[derive(Debug, Clone)]
pub struct RoleChangeRequest {
    pub id: i64,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub user_id: UserId,
    pub roles: RoleSet,
    pub reason: String,
    pub status: RequestStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One sign-in or failed attempt of a user, for its companies' sign-in logs.
#[derive(Debug, Clone)]
pub struct SigninEvent {
    pub id: i64,
    pub user_id: UserId,
    pub method: AuthMethod,
    pub succeeded: bool,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub at: DateTime<Utc>,
}

/// Who is managing a login: the provider's admin, or a customer acting in one of its companies
/// with its roles there.
#[derive(Debug, Clone, Copy)]
pub enum Manager<'a> {
    ProviderAdmin,
    Customer { roles: &'a RoleSet, is_target: bool },
}

/// Why a change to a login is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The caller's roles do not allow it at all (403); a `denied-*` message id.
    NotAllowed(&'static str),
    /// Allowed in general, but not with these roles or this target (422 naming `roles`); a
    /// `rule-*` message id.
    Roles(&'static str),
    /// It would leave the company without a portal admin (409).
    LastAdmin,
}

/// Whether `manager` may invite, disable, enable or change the logins of a company: a
/// provider admin always, a customer with `portal_logins_manage` there, never on itself.
pub fn may_manage_logins(manager: Manager<'_>) -> Result<(), Refusal> {
    match manager {
        Manager::ProviderAdmin => Ok(()),
        Manager::Customer { roles, .. } if !roles.grants(Permission::PortalLoginsManage) => {
            Err(Refusal::NotAllowed("denied-logins-portal-admin"))
        }
        Manager::Customer { is_target: true, .. } => Err(Refusal::NotAllowed("denied-own-login")),
        Manager::Customer { .. } => Ok(()),
    }
}

/// Whether `manager` may give a user `granted` in place of `before` (`None`: not yet a member).
/// A customer may not hand out `portal_admin` unless the tenant lets customers; `admins_after`
/// is the number of portal admins the company would have afterwards, which must not drop to 0
/// when a customer is the one removing the last.
pub fn may_set_roles(
    manager: Manager<'_>,
    policy: AccountPolicy,
    before: Option<&RoleSet>,
    granted: &RoleSet,
    admins_after: usize,
) -> Result<(), Refusal> {
    may_manage_logins(manager)?;
    let Manager::Customer { .. } = manager else { return Ok(()) };
    let had_admin = before.is_some_and(|r| r.contains(Role::PortalAdmin));
    if granted.contains(Role::PortalAdmin) && !had_admin && !policy.customers_grant_portal_admin {
        return Err(Refusal::Roles("rule-portal-admin-provider-only"));
    }
    if had_admin && !granted.contains(Role::PortalAdmin) && admins_after == 0 {
        return Err(Refusal::LastAdmin);
    }
    Ok(())
}

/// Whether a customer may disable a user: as managing logins, and never the last portal admin.
pub fn may_disable(manager: Manager<'_>, target_is_admin: bool, admins_after: usize) -> Result<(), Refusal> {
    may_manage_logins(manager)?;
    if matches!(manager, Manager::Customer { .. }) && target_is_admin && admins_after == 0 {
        return Err(Refusal::LastAdmin);
    }
    Ok(())
}

/// Whether a member with `roles` decides the company's role-change requests: a customer
/// approver or a portal admin, never on its own request, and only a portal admin may grant
/// `portal_admin` (where the tenant lets customers at all).
pub fn may_decide_role_change(
    roles: &RoleSet,
    own_request: bool,
    requested: &RoleSet,
    policy: AccountPolicy,
) -> Result<(), Refusal> {
    if !(roles.contains(Role::CustomerApprover) || roles.contains(Role::PortalAdmin)) {
        return Err(Refusal::NotAllowed("denied-role-change-decider"));
    }
    if own_request {
        return Err(Refusal::NotAllowed("denied-own-role-change"));
    }
    if requested.contains(Role::PortalAdmin)
        && !(roles.contains(Role::PortalAdmin) && policy.customers_grant_portal_admin)
    {
        return Err(Refusal::Roles("rule-portal-admin-not-by-customer"));
    }
    Ok(())
}

/// Whether a member with `roles` sees every contact of the company, or only its own entry.
pub fn sees_all_contacts(roles: &RoleSet) -> bool {
    roles.grants(Permission::ContactsReadAll)
}

/// The roles a contact gets where none are named: manager-level for a company's primary and
/// billing contacts, the basic role otherwise.
pub fn default_roles(primary_or_billing: bool) -> RoleSet {
    let mut roles = RoleSet::default();
    roles.insert(if primary_or_billing { Role::PortalUserPlus } else { Role::PortalUser });
    roles
}

/// An e-mail domain as registered on a company: lower-case, without `@`, with a dot, no spaces.
pub fn parse_domain(input: &str) -> Result<String, DomainError> {
    let value = input.trim().trim_start_matches('@').to_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if value.len() <= 253 && value.contains('.') && value.split('.').all(label_ok) {
        Ok(value)
    } else {
        Err(DomainError::new("domain", "rule-domain"))
    }
}

/// The domain part of a normalised e-mail address.
pub fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

// Invitations and the credential life cycle

/// The most password-reset mails one address receives in a clock hour; a request past it is
/// answered alike and sends nothing.
pub const RESET_MAILS_PER_HOUR: i32 = 3;

/// The counter a password-reset mail to `email` (normalised) of `tenant` at `now` counts
/// against: one per address and clock hour, at most [`RESET_MAILS_PER_HOUR`].
pub fn reset_mail_window(tenant: TenantId, email: &str, now: DateTime<Utc>) -> crate::sms::SmsWindow {
    use chrono::DurationRound;
    let hour = Duration::hours(1);
    // Truncating to a whole hour cannot fail for a time of this era.
    let start = now.duration_trunc(hour).unwrap_or(now);
    crate::sms::SmsWindow {
        key: format!("reset-mail:{}:{email}:{}", tenant.0, start.timestamp()),
        limit: RESET_MAILS_PER_HOUR,
        ends_at: start + hour,
    }
}

/// The link that sets a password again for a user in `state`: the invitation again for one that
/// never set a credential, a reset for an active one, none for a disabled one.
pub fn reissued_link(state: UserState) -> Option<LinkPurpose> {
    match state {
        UserState::Invited => Some(LinkPurpose::Invitation),
        UserState::Active => Some(LinkPurpose::Reset),
        UserState::Disabled => None,
    }
}

// The company directory

/// Whether an agent self-registration may create a login with an address of `domain` in the
/// device's company, which registered `company_domains` (`owner`: the company of the tenant that
/// registered `domain`, if any). A company with registered domains takes addresses of those
/// only; a company without any takes any address but another company's.
pub fn may_register_address(
    domain: &str,
    company: CompanyId,
    company_domains: &[String],
    owner: Option<CompanyId>,
) -> Result<(), DomainError> {
    if owner.is_some_and(|o| o != company) {
        return Err(DomainError::new("email", "rule-email-other-company-domain"));
    }
    if !company_domains.is_empty() && !company_domains.iter().any(|d| d == domain) {
        return Err(DomainError::new("email", "rule-email-not-company-domain"));
    }
    Ok(())
}

// Portal admin: role-change requests

/// Whether a member with `roles` decides its company's role-change requests (and is mailed
/// about them): a customer approver or a portal admin.
pub fn decides_role_changes(roles: &RoleSet) -> bool {
    roles.contains(Role::CustomerApprover) || roles.contains(Role::PortalAdmin)
}

/// Whether a granted role change keeps the company a portal admin: a member losing
/// `portal_admin` must leave at least one (`admins_after`) behind. For deciders who are not
/// managing logins themselves (a customer approver granting a request).
pub fn keeps_a_portal_admin(before: &RoleSet, granted: &RoleSet, admins_after: usize) -> Result<(), Refusal> {
    if before.contains(Role::PortalAdmin) && !granted.contains(Role::PortalAdmin) && admins_after == 0 {
        return Err(Refusal::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(names: &[&str]) -> RoleSet {
        RoleSet::parse_all(names).unwrap()
    }

    #[test]
    fn state_follows_disabled_then_activation() {
        assert_eq!(UserState::of(true, true), UserState::Disabled);
        assert_eq!(UserState::of(true, false), UserState::Disabled);
        assert_eq!(UserState::of(false, true), UserState::Active);
        assert_eq!(UserState::of(false, false), UserState::Invited);
        assert_eq!(UserState::parse("invited").unwrap(), UserState::Invited);
        assert!(UserState::parse("gone").is_err());
    }

    #[test]
    fn only_portal_admins_manage_logins_and_never_their_own() {
        let admin = roles(&["portal_admin"]);
        let approver = roles(&["customer_approver", "change_manager", "controller"]);
        assert!(may_manage_logins(Manager::ProviderAdmin).is_ok());
        assert!(may_manage_logins(Manager::Customer { roles: &admin, is_target: false }).is_ok());
        assert!(may_manage_logins(Manager::Customer { roles: &admin, is_target: true }).is_err());
        assert!(may_manage_logins(Manager::Customer { roles: &approver, is_target: false }).is_err());
    }

    #[test]
    fn customers_grant_portal_admin_only_where_the_tenant_allows() {
        let admin = roles(&["portal_admin"]);
        let m = Manager::Customer { roles: &admin, is_target: false };
        let closed = AccountPolicy::default();
        let open = AccountPolicy { customers_grant_portal_admin: true, ..closed };
        let user = roles(&["portal_user"]);
        let to_admin = roles(&["portal_admin"]);
        assert_eq!(
            may_set_roles(m, closed, Some(&user), &to_admin, 2),
            Err(Refusal::Roles("rule-portal-admin-provider-only"))
        );
        assert!(may_set_roles(m, open, Some(&user), &to_admin, 2).is_ok());
        assert!(may_set_roles(Manager::ProviderAdmin, closed, Some(&user), &to_admin, 2).is_ok());
        assert!(may_set_roles(m, closed, None, &user, 1).is_ok(), "inviting a basic user");
        // Keeping an existing admin's role is not granting it.
        let admin_plus = roles(&["portal_admin", "controller"]);
        assert!(may_set_roles(m, closed, Some(&to_admin), &admin_plus, 2).is_ok());
    }

    #[test]
    fn the_last_portal_admin_stays_for_customers_not_for_the_provider() {
        let admin = roles(&["portal_admin"]);
        let m = Manager::Customer { roles: &admin, is_target: false };
        let user = roles(&["portal_user"]);
        assert_eq!(may_set_roles(m, AccountPolicy::default(), Some(&admin), &user, 0), Err(Refusal::LastAdmin));
        assert!(may_set_roles(m, AccountPolicy::default(), Some(&admin), &user, 1).is_ok());
        assert!(may_set_roles(Manager::ProviderAdmin, AccountPolicy::default(), Some(&admin), &user, 0).is_ok());
        assert_eq!(may_disable(m, true, 0), Err(Refusal::LastAdmin));
        assert!(may_disable(m, true, 1).is_ok());
        assert!(may_disable(m, false, 0).is_ok());
        assert!(may_disable(Manager::ProviderAdmin, true, 0).is_ok());
    }

    #[test]
    fn role_changes_are_decided_by_approvers_and_admins_not_by_the_requester() {
        let closed = AccountPolicy::default();
        let open = AccountPolicy { customers_grant_portal_admin: true, ..closed };
        let plus = roles(&["portal_user_plus"]);
        let to_admin = roles(&["portal_admin"]);
        assert!(may_decide_role_change(&roles(&["customer_approver"]), false, &plus, closed).is_ok());
        assert!(may_decide_role_change(&roles(&["portal_admin"]), false, &plus, closed).is_ok());
        assert!(may_decide_role_change(&roles(&["controller"]), false, &plus, closed).is_err());
        assert!(may_decide_role_change(&roles(&["customer_approver"]), true, &plus, closed).is_err());
        assert!(may_decide_role_change(&roles(&["customer_approver"]), false, &to_admin, open).is_err());
        assert!(may_decide_role_change(&roles(&["portal_admin"]), false, &to_admin, closed).is_err());
        assert!(may_decide_role_change(&roles(&["portal_admin"]), false, &to_admin, open).is_ok());
    }

    #[test]
    fn contacts_and_default_roles() {
        assert!(!sees_all_contacts(&roles(&["portal_user"])));
        assert!(sees_all_contacts(&roles(&["portal_user_plus"])));
        assert!(default_roles(true).contains(Role::PortalUserPlus));
        assert!(default_roles(false).contains(Role::PortalUser));
    }

    #[test]
    fn domains() {
        assert_eq!(parse_domain(" @Contoso.Example ").unwrap(), "contoso.example");
        for bad in ["", "contoso", "a b.example", "-x.example", "x..example", "contoso.example/"] {
            assert!(parse_domain(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(domain_of("ann@contoso.example"), "contoso.example");
    }

    #[test]
    fn reset_mails_count_per_address_and_hour() {
        let at = |h: u32, m: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 7, h, m, 0).unwrap();
        let w = reset_mail_window(TenantId(1), "ann@contoso.example", at(10, 5));
        assert_eq!(w.limit, RESET_MAILS_PER_HOUR);
        assert_eq!(w.ends_at, at(11, 0));
        assert_eq!(w.key, reset_mail_window(TenantId(1), "ann@contoso.example", at(10, 59)).key);
        assert_ne!(w.key, reset_mail_window(TenantId(1), "ann@contoso.example", at(11, 0)).key);
        assert_ne!(w.key, reset_mail_window(TenantId(2), "ann@contoso.example", at(10, 5)).key);
        assert_ne!(w.key, reset_mail_window(TenantId(1), "bob@contoso.example", at(10, 5)).key);
    }

    #[test]
    fn a_link_is_reissued_by_state() {
        assert_eq!(reissued_link(UserState::Invited), Some(LinkPurpose::Invitation));
        assert_eq!(reissued_link(UserState::Active), Some(LinkPurpose::Reset));
        assert_eq!(reissued_link(UserState::Disabled), None);
    }

    #[test]
    fn agent_registration_follows_the_company_domains() {
        let (contoso, fabrikam) = (CompanyId(1), CompanyId(2));
        let own = vec!["contoso.example".to_owned()];
        assert!(may_register_address("contoso.example", contoso, &own, Some(contoso)).is_ok());
        assert!(may_register_address("gmail.example", contoso, &own, None).is_err(), "not the company's domain");
        assert!(may_register_address("fabrikam.example", contoso, &own, Some(fabrikam)).is_err());
        // A company without domains takes any address but another company's.
        assert!(may_register_address("gmail.example", contoso, &[], None).is_ok());
        assert!(may_register_address("fabrikam.example", contoso, &[], Some(fabrikam)).is_err());
    }

    #[test]
    fn role_change_deciders_and_the_last_admin() {
        let deciders: Vec<bool> = Role::ALL.iter().map(|r| decides_role_changes(&roles(&[r.as_str()]))).collect();
        assert_eq!(deciders, [false, false, true, false, false, true, false, false]);
        let admin = roles(&["portal_admin"]);
        let user = roles(&["portal_user"]);
        assert_eq!(keeps_a_portal_admin(&admin, &user, 0), Err(Refusal::LastAdmin));
        assert!(keeps_a_portal_admin(&admin, &user, 1).is_ok());
        assert!(keeps_a_portal_admin(&user, &admin, 0).is_ok());
        assert!(keeps_a_portal_admin(&admin, &roles(&["portal_admin", "controller"]), 0).is_ok());
    }
}

//! Who is calling, and the policies that depend only on that.

use serde::{Deserialize, Serialize};

use crate::i18n::Message;
use crate::ids::{CompanyId, TenantId, UserId};
use crate::roles::{Permission, RoleSet};
use crate::user::StaffRole;

/// How the caller proved who it is (the JWT `amr` claim, RFC 8176 names where they exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// Password.
    Pwd,
    /// A TOTP code from an authenticator app.
    Otp,
    /// A single-use recovery code, in place of the TOTP code.
    Recovery,
    /// An API token of an integration script.
    ApiToken,
    /// A signed link from the RMM agent of the user's computer: a session bound to that device,
    /// allowed to open tickets on it and read the user's own tickets, nothing more.
    Agent,
}

impl AuthMethod {
    /// Reads a stored or claimed name; unknown names are dropped by the callers.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Pwd, Self::Otp, Self::Recovery, Self::ApiToken, Self::Agent].into_iter().find(|m| m.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pwd => "pwd",
            Self::Otp => "otp",
            Self::Recovery => "recovery",
            Self::ApiToken => "api_token",
            Self::Agent => "agent",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Staff(StaffRole),
    Portal,
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub kind: PrincipalKind,
    pub amr: Vec<AuthMethod>,
    /// A read-only API token: may read, never change.
    pub read_only: bool,
    /// An agent session: the device it was opened from.
    pub device: Option<i64>,
    /// The sign-in session an access token belongs to (its refresh family); none for API tokens.
    pub session: Option<String>,
}

/// Why a policy said no, as a message of the catalogue (`denied-*`). The HTTP layer answers 403
/// with the reason, in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied(pub Message);

impl Denied {
    pub const fn new(id: &'static str) -> Self {
        Self(Message::new(id))
    }
}

impl Principal {
    pub fn is_staff(&self) -> bool {
        matches!(self.kind, PrincipalKind::Staff(_))
    }

    /// Whether the caller proved a second factor when it signed in.
    pub fn has_second_factor(&self) -> bool {
        self.amr.iter().any(|m| matches!(m, AuthMethod::Otp | AuthMethod::Recovery))
    }

    /// Staff of any role may read the provider-side resources of their tenant.
    pub fn require_staff(&self) -> Result<(), Denied> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(Denied::new("denied-staff-only"))
        }
    }

    /// Changing companies, users and roles is for provider admins (never through a read-only token).
    pub fn require_provider_admin(&self) -> Result<(), Denied> {
        self.require_writable()?;
        self.require_provider_admin_role()
    }

    /// Reading what only provider admins see (the audit log); a read-only token may.
    pub fn require_provider_admin_role(&self) -> Result<(), Denied> {
        match self.kind {
            PrincipalKind::Staff(StaffRole::ProviderAdmin) => Ok(()),
            _ => Err(Denied::new("denied-provider-admin-only")),
        }
    }

    /// Writing the knowledge base (articles, categories, publishing) is the work of every staff
    /// member: technicians author most articles. Never through a read-only token.
    pub fn require_kb_author(&self) -> Result<(), Denied> {
        self.require_writable()?;
        self.require_staff()
    }

    pub fn require_writable(&self) -> Result<(), Denied> {
        if self.read_only {
            Err(Denied::new("denied-read-only-token"))
        } else {
            Ok(())
        }
    }

    /// Approvals, self-service actions and profile changes need a person who signed in, not a
    /// session opened from an RMM agent link.
    pub fn require_full_session(&self) -> Result<(), Denied> {
        if self.device.is_some() {
            return Err(Denied::new("denied-agent-session"));
        }
        Ok(())
    }

    /// API tokens outlive sessions, so creating one needs a full sign-in with a second factor,
    /// and a token cannot mint further tokens.
    pub fn require_fresh_mfa_session(&self) -> Result<(), Denied> {
        if self.amr.contains(&AuthMethod::ApiToken) {
            return Err(Denied::new("denied-token-manages-tokens"));
        }
        if !self.has_second_factor() {
            return Err(Denied::new("denied-second-factor-first"));
        }
        Ok(())
    }
}

/// A portal user's roles in one company, as loaded for a request.
#[derive(Debug, Clone)]
pub struct CompanyAccess {
    pub company_id: CompanyId,
    pub roles: RoleSet,
}

impl CompanyAccess {
    pub fn require(&self, permission: Permission) -> Result<(), Denied> {
        if self.roles.grants(permission) {
            Ok(())
        } else {
            Err(Denied::new("denied-roles"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(kind: PrincipalKind, amr: &[AuthMethod], read_only: bool) -> Principal {
        Principal {
            user_id: UserId(1),
            tenant_id: TenantId(1),
            kind,
            amr: amr.to_vec(),
            read_only,
            device: None,
            session: None,
        }
    }

    #[test]
    fn provider_policies() {
        use AuthMethod::*;
        let admin = principal(PrincipalKind::Staff(StaffRole::ProviderAdmin), &[Pwd, Otp], false);
        let tech = principal(PrincipalKind::Staff(StaffRole::Technician), &[Pwd, Otp], false);
        let portal = principal(PrincipalKind::Portal, &[Pwd, Otp], false);
        let admin_ro = principal(PrincipalKind::Staff(StaffRole::ProviderAdmin), &[ApiToken], true);
        // (who, require_staff, require_provider_admin, require_fresh_mfa_session, require_kb_author)
        let table = [
            (&admin, true, true, true, true),
            (&tech, true, false, true, true),
            (&portal, false, false, true, false),
            (&admin_ro, true, false, false, false),
        ];
        for (p, staff, admin, mfa, kb_author) in table {
            assert_eq!(p.require_staff().is_ok(), staff, "{p:?}");
            assert_eq!(p.require_provider_admin().is_ok(), admin, "{p:?}");
            assert_eq!(p.require_fresh_mfa_session().is_ok(), mfa, "{p:?}");
            assert_eq!(p.require_kb_author().is_ok(), kb_author, "{p:?}");
        }
        let password_only = principal(PrincipalKind::Portal, &[Pwd], false);
        assert!(password_only.require_fresh_mfa_session().is_err());
    }
}

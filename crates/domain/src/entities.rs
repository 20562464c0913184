//! The stored things of the identity part of the model, as the rest of the code sees them.

use chrono::{DateTime, Utc};

use crate::ids::{CompanyId, TenantId, UserId};
use crate::roles::RoleSet;
use crate::settings::{PortalSettings, PortalSettingsOverride};
use crate::user::{Language, StaffRole};

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub portal_defaults: PortalSettings,
    pub created_at: DateTime<Utc>,
    /// Rises with every change of the ticket catalogue; keys the servers' catalogue caches.
    pub catalog_version: i64,
    /// Rises with every change of a knowledge-base article; keys the servers' search caches.
    pub kb_version: i64,
}

#[derive(Debug, Clone)]
pub struct Company {
    pub id: CompanyId,
    pub tenant_id: TenantId,
    pub name: String,
    pub parent_company_id: Option<CompanyId>,
    pub territory: Option<String>,
    pub classification: Option<String>,
    pub portal_overrides: PortalSettingsOverride,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The contacts staff marked as the company's primary and billing contacts.
    pub primary_contact_id: Option<UserId>,
    pub billing_contact_id: Option<UserId>,
}

impl Company {
    /// The settings in force: the company's overrides over the defaults of its `tenant`. Every
    /// reader of a company's settings goes through here.
    pub fn settings_in_force(&self, tenant: &Tenant) -> PortalSettings {
        crate::settings::resolve(&tenant.portal_defaults, &self.portal_overrides)
    }
}

/// A person who signs in: staff when `staff_role` is set, otherwise a customer's contact.
#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub language: Language,
    pub staff_role: Option<StaffRole>,
    pub password_hash: Option<String>,
    pub disabled: bool,
    /// Raised whenever the password, the second factor, the roles or the disabled flag change;
    /// access tokens carry the version they were issued under and older ones are refused.
    pub auth_version: i64,
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the SMS code of the current phone number was confirmed; none until then.
    pub phone_verified_at: Option<DateTime<Utc>>,
    /// When the user last proved a second factor for a sensitive action (step-up).
    pub step_up_at: Option<DateTime<Utc>>,
    /// When a first credential was set (a password, or an agent registration); none while invited.
    pub activated_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn has_totp(&self) -> bool {
        self.totp_secret.is_some()
    }

    pub fn state(&self) -> crate::accounts::UserState {
        crate::accounts::UserState::of(self.disabled, self.activated_at.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub user_id: UserId,
    pub company_id: CompanyId,
    pub roles: RoleSet,
}

#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub id: i64,
    pub tenant_id: Option<TenantId>,
    pub actor_user_id: Option<UserId>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub factor: Option<String>,
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
}

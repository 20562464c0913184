//! Portal roles and the permissions they grant: the one place where a role means something.
//!
//! The roles follow the customer-portal role table (portal user, portal user+, customer approver,
//! change manager, controller) and the portal-admin security level of the PSA client portal, whose
//! levels are cumulative (a portal admin has the manager's rights too). Every check elsewhere is on
//! a [`Permission`], never on a role name.
//!
//! The role table decides where sources differ: a controller creates and updates all of its
//! company's tickets and reads changes without deciding them; a customer approver validates
//! tickets and does not see change requests.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PortalUser,
    PortalUserPlus,
    CustomerApprover,
    ChangeManager,
    Controller,
    PortalAdmin,
    /// Reads the company's documentation vault (and reveals its secrets with a fresh second
    /// factor): granted on top of another role, by the company's portal admin.
    VaultReader,
    /// Reads, creates and edits the company's documentation vault entries.
    VaultEditor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::PortalUser,
        Self::PortalUserPlus,
        Self::CustomerApprover,
        Self::ChangeManager,
        Self::Controller,
        Self::PortalAdmin,
        Self::VaultReader,
        Self::VaultEditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PortalUser => "portal_user",
            Self::PortalUserPlus => "portal_user_plus",
            Self::CustomerApprover => "customer_approver",
            Self::ChangeManager => "change_manager",
            Self::Controller => "controller",
            Self::PortalAdmin => "portal_admin",
            Self::VaultReader => "vault_reader",
            Self::VaultEditor => "vault_editor",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == input)
            .ok_or_else(|| DomainError::new("roles", "rule-role-unknown").arg("role", format!("{input:?}")))
    }

    /// What this role grants.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Self::PortalUser => &[TicketsReadOwn, TicketsCreate, TicketsUpdateOwn, KnowledgeBaseRead, SelfService],
            Self::PortalUserPlus => &[
                TicketsReadOwn,
                TicketsReadAll,
                TicketsCreate,
                TicketsUpdateOwn,
                TicketsUpdateAll,
                ContactsReadAll,
                PriorityView,
                KnowledgeBaseRead,
                SelfService,
            ],
            Self::CustomerApprover => &[
                TicketsReadOwn,
                TicketsReadAll,
                TicketsCreate,
                TicketsUpdateOwn,
                TicketsUpdateAll,
                ContactsReadAll,
                PriorityView,
                PrioritySet,
                TicketsValidate,
                SystemInfoRead,
                SlaRead,
                KnowledgeBaseRead,
                SelfService,
            ],
            Self::ChangeManager => &[
                TicketsReadOwn,
                TicketsReadAll,
                TicketsCreate,
                TicketsUpdateOwn,
                TicketsUpdateAll,
                ContactsReadAll,
                PriorityView,
                PrioritySet,
                TicketsValidate,
                SystemInfoRead,
                SlaRead,
                ChangesRead,
                ChangesApprove,
                KnowledgeBaseRead,
                SelfService,
            ],
            Self::Controller => &[
                TicketsReadOwn,
                TicketsReadAll,
                TicketsCreate,
                TicketsUpdateOwn,
                TicketsUpdateAll,
                ContactsReadAll,
                PriorityView,
                SystemInfoRead,
                SlaRead,
                ChangesRead,
                InvoicesRead,
                KnowledgeBaseRead,
                SelfService,
            ],
            Self::PortalAdmin => &[
                TicketsReadOwn,
                TicketsReadAll,
                TicketsCreate,
                TicketsUpdateOwn,
                TicketsUpdateAll,
                ContactsReadAll,
                PriorityView,
                PrioritySet,
                InvoicesRead,
                KnowledgeBaseRead,
                SelfService,
                PortalLoginsManage,
                PortalPreferencesManage,
                VaultRevealsRead,
            ],
            Self::VaultReader => &[VaultRead],
            Self::VaultEditor => &[VaultRead, VaultWrite],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Tickets the user created, is the contact of, or approves.
    TicketsReadOwn,
    /// Every ticket of the company (and of its subsidiaries where the company allows it).
    TicketsReadAll,
    TicketsCreate,
    TicketsUpdateOwn,
    TicketsUpdateAll,
    /// The company's contacts (without it, the user sees only its own contact card).
    ContactsReadAll,
    /// See the service provider's priority on tickets.
    PriorityView,
    /// Set the service provider's priority when opening a ticket.
    PrioritySet,
    /// Accept or reject validation tickets.
    TicketsValidate,
    SystemInfoRead,
    SlaRead,
    ChangesRead,
    ChangesApprove,
    InvoicesRead,
    KnowledgeBaseRead,
    /// Self-service actions on the user's own devices.
    SelfService,
    /// Create and manage the company's portal logins and their roles.
    PortalLoginsManage,
    /// Manage the company's portal preferences (request types, queues, out-of-office).
    PortalPreferencesManage,
    /// Read the company's documentation vault entries and reveal their secrets.
    VaultRead,
    /// Create, edit and delete the company's documentation vault entries.
    VaultWrite,
    /// Read who revealed which of the company's vault secrets, and when.
    VaultRevealsRead,
}

impl Permission {
    pub const ALL: [Permission; 21] = [
        Self::TicketsReadOwn,
        Self::TicketsReadAll,
        Self::TicketsCreate,
        Self::TicketsUpdateOwn,
        Self::TicketsUpdateAll,
        Self::ContactsReadAll,
        Self::PriorityView,
        Self::PrioritySet,
        Self::TicketsValidate,
        Self::SystemInfoRead,
        Self::SlaRead,
        Self::ChangesRead,
        Self::ChangesApprove,
        Self::InvoicesRead,
        Self::KnowledgeBaseRead,
        Self::SelfService,
        Self::PortalLoginsManage,
        Self::PortalPreferencesManage,
        Self::VaultRead,
        Self::VaultWrite,
        Self::VaultRevealsRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TicketsReadOwn => "tickets_read_own",
            Self::TicketsReadAll => "tickets_read_all",
            Self::TicketsCreate => "tickets_create",
            Self::TicketsUpdateOwn => "tickets_update_own",
            Self::TicketsUpdateAll => "tickets_update_all",
            Self::ContactsReadAll => "contacts_read_all",
            Self::PriorityView => "priority_view",
            Self::PrioritySet => "priority_set",
            Self::TicketsValidate => "tickets_validate",
            Self::SystemInfoRead => "system_info_read",
            Self::SlaRead => "sla_read",
            Self::ChangesRead => "changes_read",
            Self::ChangesApprove => "changes_approve",
            Self::InvoicesRead => "invoices_read",
            Self::KnowledgeBaseRead => "knowledge_base_read",
            Self::SelfService => "self_service",
            Self::PortalLoginsManage => "portal_logins_manage",
            Self::PortalPreferencesManage => "portal_preferences_manage",
            Self::VaultRead => "vault_read",
            Self::VaultWrite => "vault_write",
            Self::VaultRevealsRead => "vault_reveals_read",
        }
    }
}

/// The roles a user holds in one company. Never empty once stored: a membership without a role
/// grants nothing and is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleSet(BTreeSet<Role>);

impl RoleSet {
    pub fn parse_all<S: AsRef<str>>(names: &[S]) -> Result<Self, DomainError> {
        let roles = names.iter().map(|n| Role::parse(n.as_ref())).collect::<Result<BTreeSet<_>, _>>()?;
        if roles.is_empty() {
            return Err(DomainError::new("roles", "rule-roles-empty"));
        }
        Ok(Self(roles))
    }

    /// Reads the stored form: role names separated by spaces.
    pub fn from_stored(stored: &str) -> Self {
        Self(stored.split_whitespace().filter_map(|n| Role::parse(n).ok()).collect())
    }

    pub fn to_stored(&self) -> String {
        self.0.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ")
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn insert(&mut self, role: Role) {
        self.0.insert(role);
    }

    pub fn remove(&mut self, role: Role) {
        self.0.remove(&role);
    }

    pub fn grants(&self, permission: Permission) -> bool {
        self.0.iter().any(|r| r.permissions().contains(&permission))
    }

    /// Every permission granted by any of the roles, in a stable order.
    pub fn permissions(&self) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|p| self.grants(*p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole role x permission matrix, one row per permission, columns in the order of
    /// `Role::ALL`: portal_user, portal_user_plus, customer_approver, change_manager, controller,
    /// portal_admin, vault_reader, vault_editor.
    #[test]
    fn role_permission_matrix() {
        use Permission::*;
        let expected: [(Permission, [bool; 8]); 21] = [
            (TicketsReadOwn, [true, true, true, true, true, true, false, false]),
            (TicketsReadAll, [false, true, true, true, true, true, false, false]),
            (TicketsCreate, [true, true, true, true, true, true, false, false]),
            (TicketsUpdateOwn, [true, true, true, true, true, true, false, false]),
            (TicketsUpdateAll, [false, true, true, true, true, true, false, false]),
            (ContactsReadAll, [false, true, true, true, true, true, false, false]),
            (PriorityView, [false, true, true, true, true, true, false, false]),
            (PrioritySet, [false, false, true, true, false, true, false, false]),
            (TicketsValidate, [false, false, true, true, false, false, false, false]),
            (SystemInfoRead, [false, false, true, true, true, false, false, false]),
            (SlaRead, [false, false, true, true, true, false, false, false]),
            (ChangesRead, [false, false, false, true, true, false, false, false]),
            (ChangesApprove, [false, false, false, true, false, false, false, false]),
            (InvoicesRead, [false, false, false, false, true, true, false, false]),
            (KnowledgeBaseRead, [true, true, true, true, true, true, false, false]),
            (SelfService, [true, true, true, true, true, true, false, false]),
            (PortalLoginsManage, [false, false, false, false, false, true, false, false]),
            (PortalPreferencesManage, [false, false, false, false, false, true, false, false]),
            (VaultRead, [false, false, false, false, false, false, true, true]),
            (VaultWrite, [false, false, false, false, false, false, false, true]),
            (VaultRevealsRead, [false, false, false, false, false, true, false, false]),
        ];
        assert_eq!(expected.len(), Permission::ALL.len(), "every permission has a row");
        for (permission, row) in expected {
            for (role, granted) in Role::ALL.into_iter().zip(row) {
                assert_eq!(
                    role.permissions().contains(&permission),
                    granted,
                    "{} {} {}",
                    role.as_str(),
                    if granted { "should grant" } else { "should not grant" },
                    permission.as_str()
                );
            }
        }
    }

    #[test]
    fn role_sets_union_their_permissions_and_round_trip() {
        let set = RoleSet::parse_all(&["portal_user", "controller"]).unwrap();
        assert!(set.grants(Permission::TicketsCreate), "from portal_user");
        assert!(set.grants(Permission::InvoicesRead), "from controller");
        assert!(!set.grants(Permission::ChangesApprove));
        assert_eq!(RoleSet::from_stored(&set.to_stored()), set);
        assert!(RoleSet::parse_all::<&str>(&[]).is_err());
        assert!(RoleSet::parse_all(&["root"]).is_err());
    }
}

//! Projects of a company, as the PSA plans them: phases and tasks with dates and progress, the
//! hours estimated and used, the charges, and the team. Who sees which follows the ticket scopes
//! of the roles: a member who reads all of the company's tickets (manager level) sees all of its
//! projects; a member who reads only its own tickets (basic) sees the projects whose team it is
//! on.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::principal::{Denied, Principal};
use crate::roles::RoleSet;
use crate::settings::{PortalSettings, NEUTRAL_STAFF_NAME};
use crate::ticket_access::read_scope;
use crate::tickets::Scope;
use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkStatus {
    NotStarted,
    InProgress,
    OnHold,
    Completed,
    Cancelled,
}

impl WorkStatus {
    pub const ALL: [Self; 5] = [Self::NotStarted, Self::InProgress, Self::OnHold, Self::Completed, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::OnHold => "on_hold",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A project of a company.
#[derive(Debug, Clone)]
pub struct Project {
    pub id: i64,
    pub company_id: crate::ids::CompanyId,
    pub psa_id: Option<String>,
    pub fields: ProjectFields,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Rises with every write; sent as the ETag and checked against If-Match.
    pub version: i64,
}

/// What the PSA or staff set on a project. Lists leave `phases` and `team` empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFields {
    pub name: String,
    pub status: WorkStatus,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub estimated_minutes: i64,
    pub used_minutes: i64,
    pub currency: Option<String>,
    pub charges_minor: i64,
    pub phases: Vec<Phase>,
    pub team: Vec<TeamMember>,
}

/// A step of a plan: a phase, or a task of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub status: WorkStatus,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub percent_done: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub step: Step,
    pub tasks: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    /// The portal login of a contact on the team.
    pub user_id: Option<crate::ids::UserId>,
    pub name: String,
    pub email: Option<String>,
    pub technician: bool,
}

/// A note on a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: i64,
    pub project_id: i64,
    pub author_user_id: Option<crate::ids::UserId>,
    pub author_name: String,
    pub body: String,
    /// Written in the portal (the PSA reads these back), rather than synced from the PSA.
    pub from_portal: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A file attached to a project; the contents live in the attachment storage under
/// `storage_key`, as a ticket's do, and are read by whoever reads the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectAttachment {
    pub id: i64,
    pub tenant_id: crate::ids::TenantId,
    pub project_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: crate::ids::UserId,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Something written in the portal that the PSA reads back, in the order of its `id` (the
/// PSA's cursor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalChange {
    pub id: i64,
    /// The PSA's id of the project, for projects it synced.
    pub project_psa_id: Option<String>,
    pub what: Changed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Note(Note),
    Attachment(ProjectAttachment),
}

/// Who may add files to a project: staff, and the customers who read it (checked by loading the
/// project as theirs), with a token that may write.
pub fn may_attach(principal: &Principal) -> Result<(), Denied> {
    principal.require_writable()
}

/// Who may remove a file from a project: staff only, with a token that may write. Customers add
/// files but do not take them back: the PSA may have fetched them already.
pub fn may_remove_attachment(principal: &Principal) -> Result<(), Denied> {
    principal.require_staff()?;
    principal.require_writable()
}

/// Which of a company's projects a member sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectScope {
    /// Every project of the company.
    All,
    /// The projects whose team the member is on.
    TeamMember,
}

/// The projects a member with `roles` sees: all with the company-wide ticket scope, its own
/// with the basic one, none without tickets.
pub fn scope(roles: &RoleSet) -> Result<ProjectScope, Denied> {
    match read_scope(roles) {
        Some(Scope::All) => Ok(ProjectScope::All),
        Some(Scope::Own) => Ok(ProjectScope::TeamMember),
        None => Err(Denied::new("denied-roles-projects")),
    }
}

/// Whether a member with `scope` sees a project it is (`on_team`) or is not on the team of.
pub fn sees(scope: ProjectScope, on_team: bool) -> bool {
    scope == ProjectScope::All || on_team
}

/// The name customers see of a team member: a technician's only where the company shows
/// technician names (staff always see it).
pub fn member_name(name: &str, technician: bool, settings: &PortalSettings, staff: bool) -> String {
    if staff || settings.shows_name_of(technician) {
        name.to_owned()
    } else {
        NEUTRAL_STAFF_NAME.to_owned()
    }
}

/// A percentage done: 0 to 100.
pub fn percent(field: &'static str, value: i32) -> Result<i32, DomainError> {
    if (0..=100).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::new(field, "rule-from-to").arg("min", 0).arg("max", 100))
    }
}

/// Dates of a plan: the end on or after the start where both are known.
pub fn dates(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<(), DomainError> {
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(DomainError::new("ends_on", "rule-not-before").arg("other", "starts_on")),
        _ => Ok(()),
    }
}

/// A note's text: 1 to 10,000 characters, not blank.
pub fn note_body(body: &str) -> Result<String, DomainError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(DomainError::new("body", "rule-note-body"));
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::Role;

    #[test]
    fn managers_see_every_project_basic_users_their_own_and_others_none() {
        // The vault's roles are add-ons: they grant nothing outside the vault.
        let expected = |role: Role| match role {
            Role::PortalUser => Some(ProjectScope::TeamMember),
            Role::VaultReader | Role::VaultEditor => None,
            _ => Some(ProjectScope::All),
        };
        for role in Role::ALL {
            let roles = RoleSet::parse_all(&[role.as_str()]).unwrap();
            assert_eq!(scope(&roles).ok(), expected(role), "{role:?}");
        }
        assert!(scope(&RoleSet::default()).is_err());
        assert!(sees(ProjectScope::All, false));
        assert!(sees(ProjectScope::TeamMember, true));
        assert!(!sees(ProjectScope::TeamMember, false));
    }

    #[test]
    fn staff_and_readers_attach_files_only_staff_remove_them_never_with_a_read_only_token() {
        use crate::ids::{TenantId, UserId};
        use crate::principal::PrincipalKind;
        use crate::user::StaffRole;
        let principal = |staff: bool, read_only: bool| Principal {
            user_id: UserId(1),
            tenant_id: TenantId(1),
            kind: if staff { PrincipalKind::Staff(StaffRole::Technician) } else { PrincipalKind::Portal },
            amr: Vec::new(),
            read_only,
            device: None,
            session: None,
        };
        for staff in [false, true] {
            for read_only in [false, true] {
                let p = principal(staff, read_only);
                assert_eq!(may_attach(&p).is_ok(), !read_only, "attach staff={staff} read_only={read_only}");
                assert_eq!(
                    may_remove_attachment(&p).is_ok(),
                    staff && !read_only,
                    "remove staff={staff} read_only={read_only}"
                );
            }
        }
    }

    #[test]
    fn technician_names_follow_the_setting_and_contacts_always_show() {
        let mut settings = PortalSettings { technician_names_shown: false, ..Default::default() };
        assert_eq!(member_name("Tom Tech", true, &settings, false), NEUTRAL_STAFF_NAME);
        assert_eq!(member_name("Tom Tech", true, &settings, true), "Tom Tech");
        assert_eq!(member_name("Pat User", false, &settings, false), "Pat User");
        settings.technician_names_shown = true;
        assert_eq!(member_name("Tom Tech", true, &settings, false), "Tom Tech");
    }

    #[test]
    fn percentages_dates_and_notes_are_checked() {
        assert_eq!(percent("p", 100).unwrap(), 100);
        assert!(percent("p", 101).is_err());
        assert!(percent("p", -1).is_err());
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(dates(Some(d("2026-01-02")), Some(d("2026-01-01"))).is_err());
        assert!(dates(Some(d("2026-01-01")), None).is_ok());
        assert!(note_body("  ").is_err());
        assert_eq!(note_body(" Go ahead ").unwrap(), "Go ahead");
        assert!(note_body(&"x".repeat(10_001)).is_err());
    }
}

//! Company portal settings: tenant-wide defaults, per-company overrides, and the effective
//! settings that result. Stored as JSON; an override that is absent means "use the default".

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::roles::{Permission, RoleSet};
use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TwoFactorPolicy {
    /// Every user must sign in with a second factor; the first sign-in enrols.
    Required,
    /// Users choose whether to enrol, and may switch it off again.
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkedHoursDisplay {
    None,
    Billed,
    All,
}

/// Which request types the company's users may choose when opening a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "mode", content = "ids", rename_all = "snake_case")]
pub enum RequestTypes {
    /// Every active request type of the tenant.
    All,
    /// Only these request types (ids).
    Chosen(Vec<i64>),
}

impl RequestTypes {
    /// Whether the company's users may choose request type `id`.
    pub fn allows(&self, id: i64) -> bool {
        match self {
            Self::All => true,
            Self::Chosen(ids) => ids.contains(&id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"portal_enabled": true, "ticketing_enabled": true, "knowledge_base_enabled": true,
    "self_service_enabled": true, "two_factor": "required", "technician_names_shown": true, "worked_hours": "none",
    "due_dates_shown": false, "time_zone": "UTC", "request_types": {"mode": "all"},
    "subsidiary_tickets_visible": false, "notifications_enabled": true,
    "notify_technicians_of_portal_notes": true, "notify_requesters_of_new_tickets": true,
    "notify_requesters_of_public_notes": true, "notify_requesters_of_resolution": true}))]
pub struct PortalSettings {
    /// The portal is open to the company's users at all.
    pub portal_enabled: bool,
    /// Users see and open tickets.
    pub ticketing_enabled: bool,
    /// Users read the knowledge base.
    pub knowledge_base_enabled: bool,
    /// Users run self-service actions on their own computers.
    pub self_service_enabled: bool,
    /// Whether every user must sign in with a second factor.
    pub two_factor: TwoFactorPolicy,
    /// Customers see the names of the technicians on their tickets (else "Support team").
    pub technician_names_shown: bool,
    /// Which worked hours customers see on tickets.
    pub worked_hours: WorkedHoursDisplay,
    /// Customers see tickets' due dates.
    pub due_dates_shown: bool,
    /// IANA time zone name, e.g. `Europe/Zurich`.
    #[schema(example = "Europe/Zurich")]
    pub time_zone: String,
    /// Which request types the company's users may choose.
    pub request_types: RequestTypes,
    /// Members read the tickets of the company's subsidiaries as well.
    pub subsidiary_tickets_visible: bool,
    /// The company's users receive e-mails from the portal.
    pub notifications_enabled: bool,
    /// The assigned technician (or, on an unassigned ticket, the provider's staff) is e-mailed
    /// when a customer adds a note or an attachment in the portal.
    #[serde(default = "on")]
    pub notify_technicians_of_portal_notes: bool,
    /// The requester is e-mailed a confirmation of a ticket it opened.
    #[serde(default = "on")]
    pub notify_requesters_of_new_tickets: bool,
    /// The requester is e-mailed the public notes others add to its ticket.
    #[serde(default = "on")]
    pub notify_requesters_of_public_notes: bool,
    /// The requester is e-mailed when its ticket is resolved or closed.
    #[serde(default = "on")]
    pub notify_requesters_of_resolution: bool,
}

/// Tenant defaults stored before a switch existed read it as on.
fn on() -> bool {
    true
}

impl Default for PortalSettings {
    /// What a new tenant starts with: everything on, 2FA required, technician names shown, no
    /// worked hours, UTC.
    fn default() -> Self {
        Self {
            portal_enabled: true,
            ticketing_enabled: true,
            knowledge_base_enabled: true,
            self_service_enabled: true,
            two_factor: TwoFactorPolicy::Required,
            technician_names_shown: true,
            worked_hours: WorkedHoursDisplay::None,
            due_dates_shown: false,
            time_zone: "UTC".into(),
            request_types: RequestTypes::All,
            subsidiary_tickets_visible: false,
            notifications_enabled: true,
            notify_technicians_of_portal_notes: true,
            notify_requesters_of_new_tickets: true,
            notify_requesters_of_public_notes: true,
            notify_requesters_of_resolution: true,
        }
    }
}

/// A company's own choices; a field left out (or null) follows the tenant's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"knowledge_base_enabled": false, "two_factor": "optional", "time_zone": "Europe/Zurich"}))]
pub struct PortalSettingsOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticketing_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge_base_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_service_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor: Option<TwoFactorPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician_names_shown: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worked_hours: Option<WorkedHoursDisplay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_dates_shown: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_types: Option<RequestTypes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsidiary_tickets_visible: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_technicians_of_portal_notes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_requesters_of_new_tickets: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_requesters_of_public_notes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_requesters_of_resolution: Option<bool>,
}

/// What customers see instead of a technician's name where the company hides them: in ticket
/// views and in e-mails alike.
pub const NEUTRAL_STAFF_NAME: &str = "Support team";

impl PortalSettings {
    /// Whether customers see the name of a person on a ticket: always a customer's, a technician's
    /// only where the company shows technician names (otherwise [`NEUTRAL_STAFF_NAME`]).
    pub fn shows_name_of(&self, staff: bool) -> bool {
        !staff || self.technician_names_shown
    }
}

impl PortalSettingsOverride {
    /// Checks the values a caller may get wrong: the time zone name and the request type list.
    pub fn validate(&self) -> Result<(), DomainError> {
        if let Some(tz) = &self.time_zone {
            validate_time_zone(tz)?;
        }
        if let Some(RequestTypes::Chosen(ids)) = &self.request_types {
            if ids.len() > 500 {
                return Err(DomainError::new("request_types", "rule-request-types-at-most").arg("max", 500));
            }
        }
        Ok(())
    }

    /// Applies `patch` on top of `self`: fields present in the patch replace ours.
    pub fn merge(&mut self, patch: PortalSettingsOverride) {
        macro_rules! take {
            ($($f:ident),*) => { $( if patch.$f.is_some() { self.$f = patch.$f; } )* };
        }
        take!(
            portal_enabled,
            ticketing_enabled,
            knowledge_base_enabled,
            self_service_enabled,
            two_factor,
            technician_names_shown,
            worked_hours,
            due_dates_shown,
            time_zone,
            request_types,
            subsidiary_tickets_visible,
            notifications_enabled,
            notify_technicians_of_portal_notes,
            notify_requesters_of_new_tickets,
            notify_requesters_of_public_notes,
            notify_requesters_of_resolution
        );
    }
}

pub fn validate_time_zone(name: &str) -> Result<(), DomainError> {
    name.parse::<chrono_tz::Tz>().map(|_| ()).map_err(|_| DomainError::new("time_zone", "rule-time-zone"))
}

/// The overrides over the defaults, field by field. Read a company's settings in force through
/// `Company::settings_in_force`.
pub(crate) fn resolve(defaults: &PortalSettings, overrides: &PortalSettingsOverride) -> PortalSettings {
    let d = defaults.clone();
    let o = overrides.clone();
    PortalSettings {
        portal_enabled: o.portal_enabled.unwrap_or(d.portal_enabled),
        ticketing_enabled: o.ticketing_enabled.unwrap_or(d.ticketing_enabled),
        knowledge_base_enabled: o.knowledge_base_enabled.unwrap_or(d.knowledge_base_enabled),
        self_service_enabled: o.self_service_enabled.unwrap_or(d.self_service_enabled),
        two_factor: o.two_factor.unwrap_or(d.two_factor),
        technician_names_shown: o.technician_names_shown.unwrap_or(d.technician_names_shown),
        worked_hours: o.worked_hours.unwrap_or(d.worked_hours),
        due_dates_shown: o.due_dates_shown.unwrap_or(d.due_dates_shown),
        time_zone: o.time_zone.unwrap_or(d.time_zone),
        request_types: o.request_types.unwrap_or(d.request_types),
        subsidiary_tickets_visible: o.subsidiary_tickets_visible.unwrap_or(d.subsidiary_tickets_visible),
        notifications_enabled: o.notifications_enabled.unwrap_or(d.notifications_enabled),
        notify_technicians_of_portal_notes: o
            .notify_technicians_of_portal_notes
            .unwrap_or(d.notify_technicians_of_portal_notes),
        notify_requesters_of_new_tickets: o
            .notify_requesters_of_new_tickets
            .unwrap_or(d.notify_requesters_of_new_tickets),
        notify_requesters_of_public_notes: o
            .notify_requesters_of_public_notes
            .unwrap_or(d.notify_requesters_of_public_notes),
        notify_requesters_of_resolution: o.notify_requesters_of_resolution.unwrap_or(d.notify_requesters_of_resolution),
    }
}

/// A part of the portal a front end draws as a tile or menu entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Tickets,
    Contacts,
    Validations,
    Changes,
    Invoices,
    Sla,
    KnowledgeBase,
    SelfService,
    PortalAdmin,
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tickets => "tickets",
            Self::Contacts => "contacts",
            Self::Validations => "validations",
            Self::Changes => "changes",
            Self::Invoices => "invoices",
            Self::Sla => "sla",
            Self::KnowledgeBase => "knowledge_base",
            Self::SelfService => "self_service",
            Self::PortalAdmin => "portal_admin",
        }
    }
}

/// The sections a member with `roles` sees in a company with `settings`: a section needs both
/// the permission and, where the company can switch it off, the setting. A section is listed
/// only once endpoints serve it: system info joins when it exists.
pub fn sections(roles: &RoleSet, settings: &PortalSettings) -> Vec<Section> {
    if !settings.portal_enabled {
        return Vec::new();
    }
    let rules: [(Section, Permission, bool); 9] = [
        (Section::Tickets, Permission::TicketsReadOwn, settings.ticketing_enabled),
        (Section::Contacts, Permission::TicketsReadOwn, true),
        (Section::Validations, Permission::TicketsValidate, settings.ticketing_enabled),
        (Section::Changes, Permission::ChangesRead, true),
        (Section::Invoices, Permission::InvoicesRead, true),
        (Section::Sla, Permission::SlaRead, true),
        (Section::KnowledgeBase, Permission::KnowledgeBaseRead, settings.knowledge_base_enabled),
        (Section::SelfService, Permission::SelfService, settings.self_service_enabled),
        (Section::PortalAdmin, Permission::PortalLoginsManage, true),
    ];
    rules
        .into_iter()
        .filter(|(_, permission, enabled)| *enabled && roles.grants(*permission))
        .map(|(section, _, _)| section)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn technicians_names_follow_the_company_and_customers_names_always_show() {
        let shown = PortalSettings::default();
        let hidden = PortalSettings { technician_names_shown: false, ..PortalSettings::default() };
        assert!(shown.shows_name_of(true) && shown.shows_name_of(false));
        assert!(!hidden.shows_name_of(true) && hidden.shows_name_of(false));
    }

    use super::*;

    #[test]
    fn overrides_win_and_absent_ones_inherit() {
        let defaults = PortalSettings::default();
        let overrides = PortalSettingsOverride {
            knowledge_base_enabled: Some(false),
            two_factor: Some(TwoFactorPolicy::Optional),
            time_zone: Some("Europe/Zurich".into()),
            ..Default::default()
        };
        let effective = resolve(&defaults, &overrides);
        assert!(!effective.knowledge_base_enabled);
        assert_eq!(effective.two_factor, TwoFactorPolicy::Optional);
        assert_eq!(effective.time_zone, "Europe/Zurich");
        assert!(effective.ticketing_enabled, "inherited");
        assert_eq!(resolve(&defaults, &PortalSettingsOverride::default()), defaults);
    }

    #[test]
    fn merge_replaces_only_present_fields() {
        let mut stored = PortalSettingsOverride { due_dates_shown: Some(true), ..Default::default() };
        stored.merge(PortalSettingsOverride { worked_hours: Some(WorkedHoursDisplay::All), ..Default::default() });
        assert_eq!(stored.due_dates_shown, Some(true));
        assert_eq!(stored.worked_hours, Some(WorkedHoursDisplay::All));
    }

    #[test]
    fn time_zones_are_checked() {
        assert!(validate_time_zone("America/New_York").is_ok());
        assert!(validate_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn sections_need_permission_and_setting() {
        let plain = RoleSet::parse_all(&["portal_user"]).unwrap();
        let manager = RoleSet::parse_all(&["change_manager"]).unwrap();
        let mut settings = PortalSettings::default();
        let names = |r: &RoleSet, s: &PortalSettings| sections(r, s).iter().map(|x| x.as_str()).collect::<Vec<_>>();
        assert_eq!(names(&plain, &settings), ["tickets", "contacts", "knowledge_base", "self_service"]);
        assert_eq!(
            names(&manager, &settings),
            ["tickets", "contacts", "validations", "changes", "sla", "knowledge_base", "self_service"]
        );
        settings.knowledge_base_enabled = false;
        settings.ticketing_enabled = false;
        assert_eq!(names(&plain, &settings), ["contacts", "self_service"]);
        let controller = RoleSet::parse_all(&["controller"]).unwrap();
        assert_eq!(names(&controller, &settings), ["contacts", "changes", "invoices", "sla", "self_service"]);
        settings.portal_enabled = false;
        assert!(names(&manager, &settings).is_empty());
    }
}

//! Who reads and changes which ticket. Staff work every ticket of their tenant. A portal user
//! reads a ticket through one of its memberships: in that company (or, where the company shows
//! subsidiary tickets, in its parent, subsidiaries and sister companies), all of them with
//! `tickets_read_all`, only those it opened or is the contact of with `tickets_read_own`; never
//! a ticket in a status the tenant hides, and never where ticketing is off. Everything else is
//! as if it did not exist.

use crate::entities::Company;
use crate::ids::{CompanyId, UserId};
use crate::principal::{Denied, Principal};
use crate::roles::{Permission, RoleSet};
use crate::settings::PortalSettings;
use crate::tickets::{Scope, Ticket, TicketSettings};

/// How the caller sees a ticket.
#[derive(Debug, Clone)]
pub enum Viewer {
    Staff,
    /// A portal user, through the membership that lets it read the ticket.
    Member {
        roles: RoleSet,
        settings: PortalSettings,
    },
}

impl Viewer {
    pub fn is_staff(&self) -> bool {
        matches!(self, Self::Staff)
    }
}

/// One of a portal user's memberships, as the ticket rules need it.
#[derive(Debug, Clone, Copy)]
pub struct Membership<'a> {
    pub company: CompanyId,
    pub roles: &'a RoleSet,
    /// The company's settings in force.
    pub settings: &'a PortalSettings,
    /// The companies whose tickets the membership reaches (see [`related_companies`]).
    pub related: &'a [CompanyId],
}

/// The companies whose tickets a member of `company` lists and reads: the company itself and,
/// where its settings show subsidiary tickets, its parent, the parent's other subsidiaries and its
/// own subsidiaries. `children_of` reads the subsidiaries of two companies (the company and the
/// root of its family).
pub fn related_companies<E>(
    company: &Company,
    settings: &PortalSettings,
    children_of: impl FnOnce([CompanyId; 2]) -> Result<Vec<CompanyId>, E>,
) -> Result<Vec<CompanyId>, E> {
    let mut ids = vec![company.id];
    if settings.subsidiary_tickets_visible {
        let family_root = company.parent_company_id.unwrap_or(company.id);
        ids.extend(children_of([company.id, family_root])?);
        ids.push(family_root);
        ids.sort();
        ids.dedup();
    }
    Ok(ids)
}

/// A company's tickets are open to its members only where ticketing is on.
pub fn require_ticketing(settings: &PortalSettings) -> Result<(), Denied> {
    if settings.ticketing_enabled {
        Ok(())
    } else {
        Err(Denied::new("denied-ticketing-off"))
    }
}

/// Which of a company's tickets a member reads.
pub fn read_scope(roles: &RoleSet) -> Option<Scope> {
    if roles.grants(Permission::TicketsReadAll) {
        Some(Scope::All)
    } else if roles.grants(Permission::TicketsReadOwn) {
        Some(Scope::Own)
    } else {
        None
    }
}

/// Whether a member may change a ticket it reads (`own`: it opened it or is its contact).
pub fn may_update(roles: &RoleSet, own: bool) -> bool {
    roles.grants(Permission::TicketsUpdateAll) || (own && roles.grants(Permission::TicketsUpdateOwn))
}

/// What a member's list of a company's tickets holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListScope {
    pub companies: Vec<CompanyId>,
    /// Only the tickets this user opened or is the contact of.
    pub concerning: Option<UserId>,
}

/// The tickets `user` lists through `member` (whose company has ticketing on).
pub fn list_scope(user: UserId, member: Membership<'_>) -> Result<ListScope, Denied> {
    let scope = read_scope(member.roles).ok_or(Denied::new("denied-roles-tickets"))?;
    Ok(ListScope { companies: member.related.to_vec(), concerning: (scope == Scope::Own).then_some(user) })
}

/// How a caller who may read a ticket sees it, and whether it may change it.
#[derive(Debug, Clone)]
pub struct Reading {
    pub viewer: Viewer,
    pub may_update: bool,
}

/// How `principal` sees `ticket` of its tenant, if it may read it at all (`None`: as if it did
/// not exist). A direct membership comes first, then one reaching the ticket through the
/// subsidiary setting.
pub fn reading<'a>(
    principal: &Principal,
    memberships: impl IntoIterator<Item = Membership<'a>>,
    ticket: &Ticket,
    settings: &TicketSettings,
) -> Option<Reading> {
    if principal.is_staff() {
        return Some(Reading { viewer: Viewer::Staff, may_update: !principal.read_only });
    }
    if settings.status_hidden(ticket.status) {
        return None;
    }
    let own = ticket.concerns(principal.user_id);
    let mut members: Vec<Membership<'a>> = memberships
        .into_iter()
        .filter(|m| m.settings.ticketing_enabled && m.related.contains(&ticket.company_id))
        .collect();
    members.sort_by_key(|m| m.company != ticket.company_id);
    members.into_iter().find_map(|m| {
        let readable = match read_scope(m.roles) {
            Some(Scope::All) => true,
            Some(Scope::Own) => own,
            None => false,
        };
        readable.then(|| Reading {
            viewer: Viewer::Member { roles: m.roles.clone(), settings: m.settings.clone() },
            may_update: !principal.read_only && may_update(m.roles, own),
        })
    })
}

/// How the creator of a ticket sees it once opened: it opened it, so it is its own.
pub fn creator_reading(principal: &Principal, viewer: Viewer) -> Reading {
    let may_update = !principal.read_only
        && match &viewer {
            Viewer::Staff => true,
            Viewer::Member { roles, .. } => may_update(roles, true),
        };
    Reading { viewer, may_update }
}

/// Why a caller who reads a ticket may not change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRefused {
    /// Its roles (or a read-only token) let it read the ticket only.
    ReadOnly(Denied),
    /// A billed ticket is read-only for customers.
    Billed,
}

/// Whether the reader of `ticket` may change it (`may_update`: as [`reading`] found).
pub fn may_change(viewer: &Viewer, may_update: bool, ticket: &Ticket) -> Result<(), ChangeRefused> {
    if !may_update {
        return Err(ChangeRefused::ReadOnly(Denied::new("denied-ticket-read-only")));
    }
    if ticket.billed && !viewer.is_staff() {
        return Err(ChangeRefused::Billed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::ids::TenantId;
    use crate::principal::{AuthMethod, PrincipalKind};
    use crate::roles::Role;
    use crate::settings::PortalSettingsOverride;
    use crate::tickets::samples::ticket;
    use crate::tickets::Status;
    use crate::user::StaffRole;

    fn roles(names: &[&str]) -> RoleSet {
        RoleSet::parse_all(names).unwrap()
    }

    fn principal(kind: PrincipalKind, read_only: bool) -> Principal {
        Principal {
            user_id: UserId(7),
            tenant_id: TenantId(1),
            kind,
            amr: vec![AuthMethod::Pwd, AuthMethod::Otp],
            read_only,
            device: None,
            session: None,
        }
    }

    fn company(id: i64, parent: Option<i64>) -> Company {
        Company {
            id: CompanyId(id),
            tenant_id: TenantId(1),
            name: "c".into(),
            parent_company_id: parent.map(CompanyId),
            territory: None,
            classification: None,
            portal_overrides: PortalSettingsOverride::default(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            primary_contact_id: None,
            billing_contact_id: None,
        }
    }

    #[test]
    fn scopes_follow_the_roles() {
        assert_eq!(read_scope(&roles(&["portal_user"])), Some(Scope::Own));
        for role in Role::ALL.into_iter().filter(|r| *r != Role::PortalUser) {
            let expected = if matches!(role, Role::VaultReader | Role::VaultEditor) { None } else { Some(Scope::All) };
            assert_eq!(read_scope(&roles(&[role.as_str()])), expected, "{role:?}");
        }
        assert!(may_update(&roles(&["portal_user"]), true));
        assert!(!may_update(&roles(&["portal_user"]), false));
        assert!(may_update(&roles(&["controller"]), false), "the controller changes every ticket of its company");
        assert!(may_update(&roles(&["portal_user_plus"]), false));
    }

    #[test]
    fn related_companies_follow_the_subsidiary_setting() {
        let mut settings = PortalSettings::default();
        let child = company(2, Some(1));
        let asked = std::cell::Cell::new(None);
        let children = |ids: [CompanyId; 2]| -> Result<Vec<CompanyId>, ()> {
            asked.set(Some(ids));
            Ok(vec![CompanyId(2), CompanyId(3)])
        };
        assert_eq!(related_companies(&child, &settings, children), Ok(vec![CompanyId(2)]));
        assert_eq!(asked.get(), None, "nothing read when subsidiaries are not shown");
        settings.subsidiary_tickets_visible = true;
        assert_eq!(related_companies(&child, &settings, children), Ok(vec![CompanyId(1), CompanyId(2), CompanyId(3)]));
        assert_eq!(asked.get(), Some([CompanyId(2), CompanyId(1)]));
        assert_eq!(related_companies(&child, &settings, |_| Err::<Vec<CompanyId>, _>("down")), Err("down"));
    }

    #[test]
    fn who_reads_and_changes_which_ticket() {
        let on = PortalSettings::default();
        let off = PortalSettings { ticketing_enabled: false, ..PortalSettings::default() };
        let hiding = TicketSettings { hidden_statuses: vec![Status::WaitingThirdParty], ..TicketSettings::default() };
        let (plain, plus, controller) = (roles(&["portal_user"]), roles(&["portal_user_plus"]), roles(&["controller"]));
        let related = [CompanyId(1), CompanyId(2)];
        let member = |roles, settings| Membership { company: CompanyId(1), roles, settings, related: &related };
        let staff = principal(PrincipalKind::Staff(StaffRole::Technician), false);
        let staff_ro = principal(PrincipalKind::Staff(StaffRole::Technician), true);
        let portal = principal(PrincipalKind::Portal, false);
        let portal_ro = principal(PrincipalKind::Portal, true);
        let mine = ticket(1, 7, Status::Open, false);
        let theirs = ticket(1, 8, Status::Open, false);
        let sister = ticket(2, 8, Status::Open, false);
        let elsewhere = ticket(3, 7, Status::Open, false);
        let hidden = ticket(1, 7, Status::WaitingThirdParty, false);
        // (who, memberships, ticket, readable, may update)
        let table: Vec<(&Principal, Vec<Membership>, &Ticket, bool, bool)> = vec![
            (&staff, vec![], &elsewhere, true, true),
            (&staff, vec![], &hidden, true, true),
            (&staff_ro, vec![], &mine, true, false),
            (&portal, vec![member(&plain, &on)], &mine, true, true),
            (&portal, vec![member(&plain, &on)], &theirs, false, false),
            (&portal, vec![member(&plain, &off)], &mine, false, false),
            (&portal, vec![member(&plain, &on)], &hidden, false, false),
            (&portal, vec![member(&plain, &on)], &elsewhere, false, false),
            (&portal, vec![member(&plus, &on)], &theirs, true, true),
            (&portal, vec![member(&plus, &on)], &sister, true, true),
            (&portal, vec![member(&controller, &on)], &theirs, true, true),
            (&portal_ro, vec![member(&plus, &on)], &theirs, true, false),
            (&portal, vec![], &mine, false, false),
        ];
        for (i, (who, members, t, readable, update)) in table.into_iter().enumerate() {
            let got = reading(who, members, t, &hiding);
            assert_eq!(got.is_some(), readable, "row {i}");
            assert_eq!(got.is_some_and(|r| r.may_update), update, "row {i}");
        }
    }

    #[test]
    fn a_direct_membership_decides_before_a_related_one() {
        let (plain, plus) = (roles(&["portal_user"]), roles(&["portal_user_plus"]));
        let on = PortalSettings::default();
        let shows_names = PortalSettings { technician_names_shown: false, ..PortalSettings::default() };
        let (own_related, parent_related) = ([CompanyId(2)], [CompanyId(1), CompanyId(2)]);
        let through_parent =
            Membership { company: CompanyId(1), roles: &plus, settings: &on, related: &parent_related };
        let direct = Membership { company: CompanyId(2), roles: &plus, settings: &shows_names, related: &own_related };
        let t = ticket(2, 8, Status::Open, false);
        let got = reading(&principal(PrincipalKind::Portal, false), [through_parent, direct], &t, &Default::default());
        let Some(Reading { viewer: Viewer::Member { settings, .. }, .. }) = got else { panic!("readable") };
        assert!(!settings.technician_names_shown, "seen through the direct membership");
        let plain_direct = Membership { roles: &plain, ..direct };
        let got =
            reading(&principal(PrincipalKind::Portal, false), [plain_direct, through_parent], &t, &Default::default());
        assert!(got.is_some(), "a membership that cannot read it gives way to one that can");
    }

    #[test]
    fn lists_and_changes() {
        let related = [CompanyId(1), CompanyId(4)];
        let (plain, plus) = (roles(&["portal_user"]), roles(&["portal_user_plus"]));
        let on = PortalSettings::default();
        let member = |roles| Membership { company: CompanyId(1), roles, settings: &on, related: &related };
        assert_eq!(list_scope(UserId(7), member(&plain)).unwrap().concerning, Some(UserId(7)));
        assert_eq!(
            list_scope(UserId(7), member(&plus)),
            Ok(ListScope { companies: related.to_vec(), concerning: None })
        );
        assert!(list_scope(UserId(7), member(&RoleSet::default())).is_err());
        assert!(require_ticketing(&on).is_ok());
        let portal = principal(PrincipalKind::Portal, false);
        assert!(creator_reading(&portal, Viewer::Member { roles: plain.clone(), settings: on.clone() }).may_update);
        let controller = Viewer::Member { roles: roles(&["controller"]), settings: on.clone() };
        assert!(creator_reading(&portal, controller).may_update);
        assert!(
            !creator_reading(
                &principal(PrincipalKind::Portal, true),
                Viewer::Member { roles: plain.clone(), settings: on.clone() }
            )
            .may_update
        );
        assert!(
            creator_reading(&principal(PrincipalKind::Staff(StaffRole::Technician), false), Viewer::Staff).may_update
        );
        assert!(require_ticketing(&PortalSettings { ticketing_enabled: false, ..on.clone() }).is_err());

        let member_view = Viewer::Member { roles: plus.clone(), settings: on.clone() };
        let billed = ticket(1, 7, Status::Open, true);
        let open = ticket(1, 7, Status::Open, false);
        // (viewer, may update, ticket, allowed)
        for (viewer, may, t, expected) in [
            (Viewer::Staff, true, &billed, Ok(())),
            (Viewer::Staff, false, &open, Err("read")),
            (member_view.clone(), true, &open, Ok(())),
            (member_view.clone(), true, &billed, Err("billed")),
            (member_view.clone(), false, &billed, Err("read")),
        ] {
            let got = may_change(&viewer, may, t).map_err(|e| match e {
                ChangeRefused::ReadOnly(_) => "read",
                ChangeRefused::Billed => "billed",
            });
            assert_eq!(got, expected);
        }
    }
}

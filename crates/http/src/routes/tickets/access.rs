//! Who reads and changes which ticket. Staff work every ticket of their tenant. A portal user
//! reads a ticket through one of its memberships: in that company (or, where the company shows
//! subsidiary tickets, in its parent, subsidiaries and sister companies), all of them with
//! `tickets_read_all`, only those it opened or is the contact of with `tickets_read_own`; never
//! a ticket in a status the tenant hides, and never where ticketing is off. Everything else is
//! 404, as if it did not exist.

use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::roles::RoleSet;
use clientdesk_domain::settings::PortalSettings;
use std::sync::Arc;

use clientdesk_app::cache::catalogue::TicketCatalog;
use clientdesk_app::cache::session::MemberCompany;
use clientdesk_domain::tickets::{self, Scope, Ticket};
use clientdesk_persistence::tickets::People;
use clientdesk_persistence::DbConnection;

use crate::errors::{ApiError, ApiResult};
use crate::extract::{Auth, Caller};

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

/// A ticket the caller may read, how it sees it, and whether it may change it.
pub struct TicketAccess {
    pub ticket: Ticket,
    pub viewer: Viewer,
    pub may_update: bool,
    /// The tenant's ticket catalogue and settings.
    pub catalog: Arc<TicketCatalog>,
    /// The names of the people on the ticket, read with it.
    pub people: People,
}

/// The portal user's membership in `company` where ticketing is on: 404 when it is not a member,
/// 403 when the company has ticketing off.
pub fn ticketing_member(auth: &Auth, company: CompanyId) -> ApiResult<&MemberCompany> {
    let (member, _) = auth.company(company)?;
    if !member.settings.ticketing_enabled {
        return Err(ApiError::Forbidden("Ticketing is switched off for this company."));
    }
    Ok(member)
}

/// Authenticates the caller and loads a ticket it may read (404 otherwise). The ticket's query
/// also reads the versions of the caller's session, so that a cached session is checked without
/// a statement of its own: a ticket read is one query (on PostgreSQL, one round trip).
pub fn authenticate_and_load(conn: &mut DbConnection, caller: Caller, id: i64) -> ApiResult<(Auth, TicketAccess)> {
    let Some((user, tenant)) = caller.claimed() else {
        let auth = caller.authenticate(conn)?;
        let access = load(conn, &auth, id)?;
        return Ok((auth, access));
    };
    match clientdesk_persistence::tickets::get_named(conn, tenant, id, user) {
        Ok((ticket, people, version)) => {
            let auth = caller.authenticate_as_of(conn, version)?;
            let access = check(conn, &auth, ticket, people)?;
            Ok((auth, access))
        }
        // Not there for anyone of the tenant: still, a revoked token hears that first.
        Err(clientdesk_persistence::Error::NotFound) => {
            Err(caller.authenticate(conn).err().unwrap_or(ApiError::NotFound))
        }
        Err(err) => Err(err.into()),
    }
}

/// Loads a ticket the caller may read; 404 otherwise.
pub fn load(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<TicketAccess> {
    let (ticket, people, _) = clientdesk_persistence::tickets::get_named(conn, auth.tenant.id, id, auth.user.id)?;
    check(conn, auth, ticket, people)
}

/// How `auth` sees `ticket` of its tenant, if it may read it at all.
fn check(conn: &mut DbConnection, auth: &Auth, ticket: Ticket, people: People) -> ApiResult<TicketAccess> {
    let catalog = auth.catalogs.get(conn, &auth.tenant)?;
    if auth.principal.is_staff() {
        return Ok(TicketAccess {
            ticket,
            viewer: Viewer::Staff,
            may_update: !auth.principal.read_only,
            catalog,
            people,
        });
    }
    if catalog.settings.status_hidden(ticket.status) {
        return Err(ApiError::NotFound);
    }
    let user = auth.principal.user_id;
    // A direct membership first, then one reaching the ticket through the subsidiary setting.
    let mut members: Vec<&MemberCompany> = auth
        .companies
        .iter()
        .filter(|m| m.settings.ticketing_enabled && m.related.contains(&ticket.company_id))
        .collect();
    members.sort_by_key(|m| m.company.id != ticket.company_id);
    for member in members {
        let readable = match tickets::read_scope(&member.roles) {
            Some(Scope::All) => true,
            Some(Scope::Own) => ticket.concerns(user),
            None => false,
        };
        if readable {
            let may_update = !auth.principal.read_only && tickets::may_update(&member.roles, ticket.concerns(user));
            let viewer = Viewer::Member { roles: member.roles.clone(), settings: member.settings.clone() };
            return Ok(TicketAccess { ticket, viewer, may_update, catalog, people });
        }
    }
    Err(ApiError::NotFound)
}

impl TicketAccess {
    /// The caller may change the ticket: 403 when it only reads it, 409 when a customer meets a
    /// billed ticket.
    pub fn require_update(&self) -> ApiResult<()> {
        if !self.may_update {
            return Err(ApiError::Forbidden("Your roles let you read this ticket, not change it."));
        }
        if self.ticket.billed && !self.viewer.is_staff() {
            return Err(ApiError::Conflict("This ticket has been billed and can no longer be changed.".into()));
        }
        Ok(())
    }
}

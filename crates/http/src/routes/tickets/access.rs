//! Loading a ticket for its caller. The rule of who reads and changes which ticket is
//! `clientdesk_domain::ticket_access`; everything the caller may not read is 404, as if it did
//! not exist.

use std::sync::Arc;

use clientdesk_app::cache::catalogue::TicketCatalog;
use clientdesk_app::cache::session::MemberCompany;
use clientdesk_app::tickets::{Actor, Catalogue};
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::ticket_access::{self, ChangeRefused, Membership};
use clientdesk_domain::tickets::Ticket;
use clientdesk_persistence::tickets::People;
use clientdesk_persistence::DbConnection;

pub use clientdesk_domain::ticket_access::Viewer;

use crate::errors::{ApiError, ApiResult};
use crate::extract::{Auth, Caller};

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

/// One of the caller's memberships, as the ticket rules see it.
pub fn membership(member: &MemberCompany) -> Membership<'_> {
    Membership {
        company: member.company.id,
        roles: &member.roles,
        settings: &member.settings,
        related: &member.related,
    }
}

/// The caller, as the ticket use cases see it.
pub fn actor(auth: &Auth) -> Actor<'_> {
    Actor {
        principal: &auth.principal,
        tenant: &auth.tenant,
        memberships: auth.companies.iter().map(membership).collect(),
    }
}

/// The tenant's ticket catalogue, as the ticket use cases see it.
pub fn catalogue(catalog: &TicketCatalog) -> Catalogue<'_> {
    Catalogue {
        settings: &catalog.settings,
        custom_fields: &catalog.custom_fields,
        request_types: &catalog.request_types,
        queues: &catalog.queues,
    }
}

/// The portal user's membership in `company` where ticketing is on: 404 when it is not a member,
/// 403 when the company has ticketing off.
pub fn ticketing_member(auth: &Auth, company: CompanyId) -> ApiResult<&MemberCompany> {
    let (member, _) = auth.company(company)?;
    ticket_access::require_ticketing(&member.settings)?;
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
    let memberships = auth.companies.iter().map(membership);
    let reading =
        ticket_access::reading(&auth.principal, memberships, &ticket, &catalog.settings).ok_or(ApiError::NotFound)?;
    Ok(TicketAccess { ticket, viewer: reading.viewer, may_update: reading.may_update, catalog, people })
}

impl TicketAccess {
    /// The caller may change the ticket: 403 when it only reads it, 409 when a customer meets a
    /// billed ticket.
    pub fn require_update(&self) -> ApiResult<()> {
        ticket_access::may_change(&self.viewer, self.may_update, &self.ticket).map_err(ApiError::from)
    }
}

impl From<ChangeRefused> for ApiError {
    fn from(refused: ChangeRefused) -> Self {
        match refused {
            ChangeRefused::ReadOnly(denied) => denied.into(),
            ChangeRefused::Billed => Self::conflict("conflict-ticket-billed"),
        }
    }
}

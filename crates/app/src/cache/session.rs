//! The callers' sessions (the user, its tenant, its companies with the settings in force and the
//! companies whose tickets each membership reaches), kept per server process as of their access
//! versions (`clientdesk_persistence::session`). A request reads the two versions, two
//! primary-key lookups, and loads the session again only when one of them moved; the hot reads
//! read them within their own query (a ticket, a list page: see [`Check`]). The versions are
//! raised by triggers in the transaction of every change, so a disabled user, a new role or a
//! company's portal switched off is seen at once by every process. Loading a session was about a
//! fifth of a ticket read's CPU on SQLite (a four-table join, its timestamps, two JSON settings
//! documents and their merge).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use clientdesk_domain::entities::{Company, Tenant, User};
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::RoleSet;
use clientdesk_domain::settings::PortalSettings;
use clientdesk_domain::ticket_access;
use clientdesk_persistence::session::{self, AccessVersion};
use clientdesk_persistence::{companies, tokens, DbConnection, Result};
use lru::LruCache;

use crate::crypto::jwt::ACCESS_TTL;

/// One of the caller's companies, with its roles there and the settings in force.
#[derive(Debug, Clone)]
pub struct MemberCompany {
    pub company: Company,
    pub roles: RoleSet,
    pub settings: PortalSettings,
    /// The companies whose tickets this membership reaches ([`ticket_access::related_companies`]).
    pub related: Vec<CompanyId>,
}

/// What a request knows of its caller before its credential's own checks.
pub struct CachedSession {
    pub user: User,
    pub tenant: Tenant,
    /// Portal users only: the companies whose portal is enabled.
    pub companies: Vec<MemberCompany>,
    /// The versions it was loaded at; `None` keeps it out of the cache.
    pub version: Option<AccessVersion>,
    /// The user's sign-ins (`sid`s) ended lately enough that their access tokens may be
    /// unexpired: ending one raises the user's version, so this is never stale.
    pub ended_signins: Vec<String>,
}

/// An LRU of sessions by user; with no room (`CLIENTDESK_SESSION_CACHE=0`) every request loads
/// its session.
pub struct SessionCache {
    entries: Option<Mutex<LruCache<UserId, Arc<CachedSession>>>>,
}

impl SessionCache {
    pub fn new(entries: usize) -> Self {
        Self { entries: NonZeroUsize::new(entries).map(|n| Mutex::new(LruCache::new(n))) }
    }

    /// The user's session as the database has it now, or as of the versions `check` says;
    /// `NotFound` once the user is gone.
    pub fn get(&self, conn: &mut DbConnection, user: UserId, check: Check) -> Result<Arc<CachedSession>> {
        let Some(entries) = &self.entries else {
            return load(conn, user).map(Arc::new);
        };
        let current = match check {
            Check::Now => Some(session::version(conn, user)?),
            Check::AsRead(version) => Some(version),
            Check::Later => None,
        };
        let cached = entries.lock().unwrap_or_else(PoisonError::into_inner).get(&user).cloned();
        if let Some(cached) = cached.filter(|c| current.is_none() || c.version == current) {
            return Ok(cached);
        }
        // Kept under the versions its first statement read. What `load` reads after it (the
        // related companies) is never older than those, and a change that commits meanwhile has
        // raised a version: the next request loads again.
        let fresh = Arc::new(load(conn, user)?);
        if fresh.version.is_some() {
            entries.lock().unwrap_or_else(PoisonError::into_inner).put(user, fresh.clone());
        }
        Ok(fresh)
    }
}

/// How a request checks that a cached session is still current.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Reads the session's versions now.
    Now,
    /// Against the versions the request's own query has just read (see
    /// `clientdesk_persistence::tickets::get_named`).
    AsRead(AccessVersion),
    /// Not yet: the request's own query reads the versions later, and the request compares them
    /// with [`CachedSession::version`] (the HTTP layer's `Caller::read_with`).
    Later,
}

fn load(conn: &mut DbConnection, user: UserId) -> Result<CachedSession> {
    let session = session::load(conn, user)?;
    let mut companies = Vec::with_capacity(session.memberships.len());
    for (company, roles) in session.memberships {
        let settings = company.settings_in_force(&session.tenant);
        if settings.portal_enabled {
            let related = ticket_access::related_companies(&company, &settings, |ids| {
                companies::children(conn, session.tenant.id, ids)
            })?;
            companies.push(MemberCompany { company, roles, settings, related });
        }
    }
    // Access tokens live ACCESS_TTL, and are accepted a little past it (the JWT leeway).
    let since = chrono::Utc::now() - ACCESS_TTL - chrono::Duration::minutes(1);
    let ended_signins = tokens::ended_signins_since(conn, user, since)?;
    Ok(CachedSession { user: session.user, tenant: session.tenant, companies, version: session.version, ended_signins })
}

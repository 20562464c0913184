//! The authenticated caller, extracted from the `Authorization: Bearer` header: an access token
//! (JWT) or an API token. Either way the user's session is checked against the database on every
//! request (its versions, see `clientdesk_app::cache::session`), so a disabled user, a disabled
//! company portal or a token issued before a password, 2FA or role change is refused at once.
//!
//! Handlers take [`Auth`], loaded in a trip of its own to the blocking pool, or, where all their
//! work is one database step (the hot reads), [`Caller`], and authenticate at the start of that
//! step: one trip instead of two (a ticket read: 126-131 -> 110 µs of CPU on SQLite).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{http::Method, FromRequest, HttpRequest};
use chrono::{Duration, Utc};
use clientdesk_app::cache::catalogue::CatalogCache;
use clientdesk_app::cache::session::{Check, MemberCompany, SessionCache};
use clientdesk_app::crypto::secrets::{fingerprint, API_TOKEN_PREFIX};
use clientdesk_domain::entities::{Tenant, User};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::principal::{AuthMethod, CompanyAccess, Principal, PrincipalKind};
use clientdesk_domain::roles::{Permission, Role, RoleSet};
use clientdesk_persistence::session::{self, AccessVersion};
use clientdesk_persistence::{accounts, rmm, tokens, DbConnection};

use crate::errors::ApiError;
use crate::language::UserLanguage;
use crate::state::AppState;

#[derive(Clone)]
pub struct Auth {
    pub principal: Principal,
    pub user: User,
    pub tenant: Tenant,
    /// Portal users only: the companies whose portal is enabled.
    pub companies: Vec<MemberCompany>,
    /// The server's ticket catalogue cache (see `clientdesk_app::cache::catalogue`).
    pub catalogs: Arc<CatalogCache>,
    /// The versions of the session this was loaded from (see `Caller::read_with`).
    version: Option<AccessVersion>,
}

/// What the audit log records of the caller (see `Origin::record_change`).
impl AsRef<Principal> for Auth {
    fn as_ref(&self) -> &Principal {
        &self.principal
    }
}

impl Auth {
    /// The caller's access to a company, or 404 when it is not one of them.
    pub fn company(&self, id: CompanyId) -> Result<(&MemberCompany, CompanyAccess), ApiError> {
        let member = self.companies.iter().find(|m| m.company.id == id).ok_or(ApiError::NotFound)?;
        Ok((member, CompanyAccess { company_id: id, roles: member.roles.clone() }))
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

enum Credential {
    Access {
        user: UserId,
        tenant: TenantId,
        amr: Vec<AuthMethod>,
        ver: i64,
        device: Option<i64>,
        sid: Option<String>,
    },
    /// The token's fingerprint, and where the request came from (for the sign-in log).
    ApiToken(String, clientdesk_app::origin::Origin),
}

/// What a session opened from an RMM agent link may call: open tickets and read the user's own
/// (`(method, route pattern)`). Everything else needs a full sign-in.
const AGENT_ROUTES: [(&str, &str); 10] = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/me/devices"),
    ("GET", "/api/v1/companies/{company_id}/ticket-form"),
    ("GET", "/api/v1/companies/{company_id}/tickets"),
    ("POST", "/api/v1/companies/{company_id}/tickets"),
    ("GET", "/api/v1/tickets/{ticket_id}"),
    ("GET", "/api/v1/tickets/{ticket_id}/notes"),
    ("GET", "/api/v1/tickets/{ticket_id}/history"),
    ("GET", "/api/v1/tickets/{ticket_id}/attachments"),
    ("GET", "/api/v1/attachments/{attachment_id}"),
];

/// The caller as its token says, checked for signature and expiry but not yet against the
/// database: [`Caller::authenticate`] does that, inside the handler's own database step, so that a
/// request that needs one step takes one trip to the blocking pool.
pub struct Caller {
    credential: Credential,
    writes: bool,
    agent_route: bool,
    catalogs: Arc<CatalogCache>,
    sessions: Arc<SessionCache>,
    /// Where the authenticated user's language is left for the problem answers.
    language: UserLanguage,
}

impl Caller {
    fn from_parts(req: &HttpRequest, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(req).ok_or_else(|| ApiError::unauthorized("unauthorized-missing-token"))?;
        let credential = if token.starts_with(API_TOKEN_PREFIX) {
            Credential::ApiToken(fingerprint(&token), crate::origin::of(req))
        } else {
            let claims =
                state.keys.verify_access(&token).map_err(|_| ApiError::unauthorized("unauthorized-invalid-token"))?;
            let user =
                claims.sub.parse().map(UserId).map_err(|_| ApiError::unauthorized("unauthorized-invalid-token"))?;
            let amr = claims.amr.iter().filter_map(|m| AuthMethod::parse(m)).collect();
            Credential::Access {
                user,
                tenant: TenantId(claims.tid),
                amr,
                ver: claims.ver,
                device: claims.dev,
                sid: claims.sid,
            }
        };
        let method = req.method().as_str();
        // Resolving the route pattern again costs a router walk: only agent sessions need it.
        let agent_route = matches!(credential, Credential::Access { device: Some(_), .. })
            && req
                .match_pattern()
                .is_some_and(|pattern| AGENT_ROUTES.iter().any(|(m, p)| *m == method && *p == pattern));
        Ok(Self {
            credential,
            writes: !matches!(*req.method(), Method::GET | Method::HEAD),
            agent_route,
            catalogs: state.catalogs.clone(),
            sessions: state.sessions.clone(),
            language: UserLanguage::attach(req),
        })
    }

    /// The user and tenant an access token names, before any check against the database: a
    /// handler may read its session's versions with its own first query (`authenticate_as_of`).
    pub fn claimed(&self) -> Option<(UserId, TenantId)> {
        match self.credential {
            Credential::Access { user, tenant, .. } => Some((user, tenant)),
            Credential::ApiToken(..) => None,
        }
    }

    /// Loads the caller's session and refuses what its token may not do.
    pub fn authenticate(self, conn: &mut DbConnection) -> Result<Auth, ApiError> {
        self.check(conn, Check::Now)
    }

    /// [`Self::authenticate`], with the session's versions as the handler's query read them for the
    /// user and tenant of [`Self::claimed`]: a cached session is then checked without a query.
    pub fn authenticate_as_of(self, conn: &mut DbConnection, version: Option<AccessVersion>) -> Result<Auth, ApiError> {
        self.check(conn, version.map_or(Check::Now, Check::AsRead))
    }

    /// Runs `step`, a read whose query also reads the versions of the caller's session (`None`
    /// when it read no row), with a cached session trusted until that query has run: the session
    /// is checked without a statement of its own. When the versions differ from the ones the
    /// session was cached at, or `step` fails (which a stale session may have caused), the
    /// caller is authenticated as usual and `step` runs again. So `step` must not write.
    pub fn read_with<T>(
        self,
        conn: &mut DbConnection,
        step: impl Fn(&mut DbConnection, &Auth) -> Result<(T, Option<AccessVersion>), ApiError>,
    ) -> Result<T, ApiError> {
        if let Some((user, _)) = self.claimed() {
            if let Ok(auth) = self.check(conn, Check::Later) {
                if let Ok((value, read)) = step(conn, &auth) {
                    // No row read, no versions: read them now.
                    let read = read.or_else(|| session::version(conn, user).ok());
                    if read.is_some() && read == auth.version {
                        return Ok(value);
                    }
                }
            }
        }
        let auth = self.authenticate(conn)?;
        Ok(step(conn, &auth)?.0)
    }

    fn check(&self, conn: &mut DbConnection, check: Check) -> Result<Auth, ApiError> {
        let auth = load(conn, &self.credential, &self.sessions, self.catalogs.clone(), check)?;
        self.language.set(auth.user.language);
        if auth.principal.read_only && self.writes {
            return Err(ApiError::forbidden("forbidden-read-only-token"));
        }
        if auth.principal.device.is_some() && !self.agent_route {
            return Err(ApiError::forbidden("forbidden-agent-session"));
        }
        Ok(auth)
    }
}

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<actix_web::web::Data<AppState>>().expect("AppState is registered");
        std::future::ready(Self::from_parts(req, state).map_err(Into::into))
    }
}

impl FromRequest for Auth {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<actix_web::web::Data<AppState>>().expect("AppState is registered").clone();
        let caller = Caller::from_parts(req, &state);
        Box::pin(async move {
            // A token refused on its face never waits for a database connection.
            let caller = caller?;
            Ok(state.run(move |conn| caller.authenticate(conn)).await?)
        })
    }
}

fn load(
    conn: &mut DbConnection,
    credential: &Credential,
    sessions: &SessionCache,
    catalogs: Arc<CatalogCache>,
    check: Check,
) -> Result<Auth, ApiError> {
    let now = Utc::now();
    let revoked = || ApiError::unauthorized("unauthorized-revoked-token");
    let mut signin = None;
    let (user_id, amr, read_only, expected, device, sid) = match credential {
        Credential::Access { user, tenant, amr, ver, device, sid } => {
            (*user, amr.clone(), false, Some((*tenant, *ver)), *device, sid.clone())
        }
        Credential::ApiToken(hash, client) => {
            let token = tokens::find_api_token(conn, hash).map_err(|_| revoked())?;
            if token.revoked_at.is_some() || token.expires_at <= now {
                return Err(revoked());
            }
            // Record use at most once a minute, so reads do not turn into writes; and in the
            // sign-in log with the first use in each hour, so at most once an hour.
            if token.last_used_at.is_none_or(|t| now - t > Duration::minutes(1)) {
                tokens::touch_api_token(conn, token.id, now)?;
                let hour = |t: chrono::DateTime<Utc>| t.timestamp().div_euclid(3600);
                if token.last_used_at.is_none_or(|t| hour(t) != hour(now)) {
                    signin = Some(client);
                }
            }
            (token.user_id, vec![AuthMethod::ApiToken], token.read_only, None, None, None)
        }
    };
    let session = match sessions.get(conn, user_id, check) {
        Err(clientdesk_persistence::Error::NotFound) => return Err(revoked()),
        other => other?,
    };
    if let Some((tenant, ver)) = expected {
        if session.tenant.id != tenant || session.user.auth_version != ver {
            return Err(revoked());
        }
    }
    // A signed-out sign-in's access tokens end with it (checked in memory: see
    // `clientdesk_app::cache::session`).
    if sid.as_ref().is_some_and(|sid| session.ended_signins.contains(sid)) {
        return Err(revoked());
    }
    if let Some(client) = signin.filter(|_| !session.user.disabled) {
        let (ip, agent) = (client.ip.as_deref(), client.user_agent.as_deref());
        let (tenant, user) = (session.tenant.id, session.user.id);
        accounts::record_signin(conn, tenant, user, AuthMethod::ApiToken, true, ip, agent, now)?;
    }
    if session.user.disabled {
        return Err(ApiError::unauthorized("unauthorized-account-disabled"));
    }
    let kind = match session.user.staff_role {
        Some(role) => PrincipalKind::Staff(role),
        None => PrincipalKind::Portal,
    };
    let mut companies = session.companies.clone();
    if let Some(device) = device {
        companies = agent_scope(conn, &session.tenant, user_id, device, companies)?;
    }
    if kind == PrincipalKind::Portal && companies.is_empty() {
        return Err(ApiError::forbidden("forbidden-portal-disabled"));
    }
    Ok(Auth {
        principal: Principal { user_id, tenant_id: session.tenant.id, kind, amr, read_only, device, session: sid },
        user: session.user.clone(),
        tenant: session.tenant.clone(),
        companies,
        catalogs,
        version: session.version,
    })
}

/// An agent session reaches one company, the device's, as a `portal_user` there (its own
/// tickets), and only while the device is still the user's and the integration is on.
fn agent_scope(
    conn: &mut DbConnection,
    tenant: &Tenant,
    user: UserId,
    device: i64,
    companies: Vec<MemberCompany>,
) -> Result<Vec<MemberCompany>, ApiError> {
    let revoked = ApiError::unauthorized("unauthorized-agent-session");
    let enabled = rmm::integration_of(conn, tenant.id)?.is_some_and(|i| i.enabled);
    let device = match rmm::get_device(conn, tenant.id, device) {
        Err(clientdesk_persistence::Error::NotFound) => return Err(revoked),
        other => other?,
    };
    if !enabled || device.user_id != Some(user) {
        return Err(revoked);
    }
    Ok(companies
        .into_iter()
        .filter(|m| m.company.id == device.company_id && m.roles.grants(Permission::TicketsCreate))
        .map(|m| MemberCompany { roles: RoleSet::from_stored(Role::PortalUser.as_str()), ..m })
        .collect())
}

/// Reads a raw body (for endpoints that take more than JSON, or check a signature over the bytes)
/// of at most `limit` bytes; a larger one answers 413 as a problem, like a JSON body would.
pub async fn limited_body(mut payload: actix_web::web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::BadRequest(Message::new("problem-body-unreadable-detail").arg("reason", e.to_string()).into())
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(
                Message::new("problem-body-too-large-detail").arg("limit", limit).into(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

//! Sign-in throttling: the keys of an attempt, counting and forgiving failed attempts, and the
//! per-address rate limit.

use actix_web::{HttpMessage, HttpRequest};
use chrono::{DateTime, Utc};
use clientdesk_app::origin::Origin;
use clientdesk_domain::entities::User;
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::principal::AuthMethod;
use clientdesk_domain::throttle::{Attempt, ThrottlePolicy};
use clientdesk_persistence::audit::{self, NewAuditEvent};
use clientdesk_persistence::{accounts, throttle, write_tx, Conn, DbConnection};

use crate::errors::{ApiError, ApiResult};
use crate::metrics::SigninOutcome;
use crate::state::AppState;

/// The throttle keys of a sign-in attempt (see `docs/decisions/0001-sign-in-throttling.md`):
/// the account from this address, the address, and the account from everywhere.
pub(super) struct SigninKeys {
    pub(super) pair: String,
    address: Option<String>,
    pub(super) account: String,
}

impl SigninKeys {
    pub(super) fn new(tenant: &str, email: &str, client: &Origin) -> Self {
        let ip = client.ip.as_deref().unwrap_or("-");
        Self {
            pair: format!("account-address:{tenant}:{email}:{ip}"),
            address: client.ip.as_ref().map(|ip| format!("address:{ip}")),
            account: format!("account:{tenant}:{email}"),
        }
    }

    /// The keys that refuse an attempt outright while blocked.
    fn gates(&self) -> impl Iterator<Item = (&str, ThrottlePolicy)> {
        std::iter::once((self.pair.as_str(), ThrottlePolicy::ACCOUNT_ADDRESS))
            .chain(self.address.as_deref().map(|k| (k, ThrottlePolicy::ADDRESS)))
    }
}

/// Whether the account-wide throttle held this attempt back: then a password alone does not get
/// in, only a right password followed by a second factor.
#[derive(Debug, Clone, Copy)]
pub(super) struct AccountHold(pub(super) Option<i64>);

impl AccountHold {
    pub(super) fn refusal(self) -> Option<ApiError> {
        self.0.map(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs, policy: ThrottlePolicy::ACCOUNT })
    }
}

fn too_many(until: DateTime<Utc>, now: DateTime<Utc>, policy: ThrottlePolicy) -> ApiError {
    ApiError::TooManyRequests { retry_after_secs: (until - now).num_seconds().max(1), policy }
}

/// Counts an attempt before its password or code is checked, in one transaction: refused with
/// 429 (and counted nowhere) while the account from this address or the address is blocked.
/// With `account_wide`, it is counted against the account too, whose block only holds it back.
pub(super) fn count_attempt(
    conn: &mut Conn,
    keys: &SigninKeys,
    account_wide: bool,
    now: DateTime<Utc>,
) -> ApiResult<AccountHold> {
    write_tx(conn, |conn| {
        for (key, policy) in keys.gates() {
            if let Attempt::Refused { until } = throttle::count_attempt(conn, key, &policy, now)? {
                return Err(too_many(until, now, policy));
            }
        }
        if !account_wide {
            return Ok(AccountHold(None));
        }
        Ok(match throttle::count_attempt(conn, &keys.account, &ThrottlePolicy::ACCOUNT, now)? {
            Attempt::Refused { until } => AccountHold(Some((until - now).num_seconds().max(1))),
            Attempt::Counted { .. } => AccountHold(None),
        })
    })
}

/// Takes back the count of an attempt that turned out right (`account`: it was counted against
/// the account too).
pub(super) fn forgive_attempt(conn: &mut DbConnection, keys: &SigninKeys, account: bool) -> ApiResult<()> {
    for (key, _) in keys.gates() {
        throttle::forgive(conn, key)?;
    }
    if account {
        throttle::forgive(conn, &keys.account)?;
    }
    Ok(())
}

/// Audits a wrong password or code (already counted by [`count_attempt`]).
pub(super) fn record_failure(conn: &mut Conn, mut event: NewAuditEvent, now: DateTime<Utc>) -> ApiResult<()> {
    event.action = "signin_failed";
    audit::record(conn, &event, now)?;
    Ok(())
}

/// [`record_failure`] of a sign-in step of a known user, which also goes into the sign-in log
/// (`None`: an unknown address, which has no log), in one transaction.
pub(super) fn record_signin_failure(
    conn: &mut Conn,
    mut event: NewAuditEvent,
    signin: Option<(&User, AuthMethod)>,
    client: &Origin,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    event.action = "signin_failed";
    write_tx(conn, |conn| {
        audit::record(conn, &event, now)?;
        if let Some((user, method)) = signin {
            log_signin(conn, client, user, method, false, now)?;
        }
        Ok(())
    })
}

/// Puts a sign-in step of `user` (or a failed attempt) in its companies' sign-in log.
pub(super) fn log_signin(
    conn: &mut DbConnection,
    client: &Origin,
    user: &User,
    method: AuthMethod,
    succeeded: bool,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let (ip, agent) = (client.ip.as_deref(), client.user_agent.as_deref());
    accounts::record_signin(conn, user.tenant_id, user.id, method, succeeded, ip, agent, now)?;
    Ok(())
}

/// Database work of the unauthenticated sign-in endpoints: within their share of the pool's
/// connections (see `rate_limit::AddressLimiter::share`), so that a flood of them from many
/// addresses queues there, and never more than that share ahead of signed-in requests.
pub(super) struct Unauthenticated<'a>(pub(super) &'a AppState);

impl Unauthenticated<'_> {
    pub(super) async fn run<T, F>(self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> ApiResult<T> + Send + 'static,
    {
        let _share = self.0.auth_limiter.share().acquire().await.expect("the share is never closed");
        self.0.run(f).await
    }
}

/// Refuses with 429 once the client address is over its request rate on the unauthenticated
/// sign-in endpoints (in memory: see `rate_limit`); otherwise leaves what is left of the rate
/// for the answer's `RateLimit` headers.
pub(super) fn rate_limit(state: &AppState, req: &HttpRequest, client: &Origin) -> ApiResult<()> {
    if let Some(quota) = state.auth_limiter.check(client.ip.as_deref(), Utc::now())? {
        req.extensions_mut().insert(quota);
    }
    Ok(())
}

pub(super) fn throttled(
    state: &AppState,
    conn: &mut DbConnection,
    client: &Origin,
    tenant: Option<TenantId>,
    err: ApiError,
) -> ApiError {
    if let ApiError::TooManyRequests { .. } = err {
        state.metrics.record_signin(SigninOutcome::Throttled);
        let _ = audit::record(conn, &client.event(tenant, None, "signin_throttled"), Utc::now());
    }
    err
}

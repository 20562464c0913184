use std::sync::Arc;

use actix_web::web;
use clientdesk_app::cache::catalogue::CatalogCache;
use clientdesk_app::cache::kb_answers::SearchCache;
use clientdesk_app::cache::session::SessionCache;
use clientdesk_app::crypto::jwt::Keys;
use clientdesk_app::crypto::password::PasswordHasherConfig;
use clientdesk_app::crypto::seal::Sealer;
use clientdesk_app::notify::LinkSettings;
use clientdesk_app::storage::Storage;
use clientdesk_persistence::{Conn, Db};
use tokio::sync::Semaphore;

use crate::errors::{ApiError, ApiResult};
use crate::metrics::Metrics;
use crate::rate_limit::AddressLimiter;

/// Settings of the HTTP layer, filled in by the server from its configuration.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Shown in authenticator apps as the account's issuer, and the JWT `iss`.
    pub issuer: String,
    pub refresh_ttl: chrono::Duration,
    /// Largest accepted JSON body, in bytes.
    pub json_limit: usize,
    /// Origins allowed to call the API from a browser.
    pub cors_origins: Vec<String>,
    /// Largest attachment file, in bytes.
    pub attachment_max_bytes: usize,
    /// Largest total of one ticket's attachments, in bytes.
    pub ticket_attachments_max_bytes: i64,
    /// Where the links in e-mails point.
    pub links: LinkSettings,
    /// How long a self-service action waits for the RMM's result before it expires.
    pub action_ttl: chrono::Duration,
    /// How many SMS a user, a company and the tenant may cause an hour and a day.
    pub sms_limits: clientdesk_domain::sms::SmsLimits,
    /// How many customers' search and suggestion answers each process keeps (0: none).
    pub kb_search_cache: usize,
    /// How many callers' sessions each process keeps (0: none).
    pub session_cache: usize,
    /// The bearer token `/metrics` asks for on the API's address; without one (and without an
    /// address of its own) `/metrics` is not served there.
    pub metrics_token: Option<String>,
    /// How many attachment uploads are read at once; more answer 503 with `Retry-After`.
    pub upload_concurrency: usize,
    /// Proxies whose `X-Forwarded-For` names the client (see `origin::of`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a sign-in lasts at most, refreshes included; then the user signs in again.
    pub session_max_age: chrono::Duration,
    /// Requests per minute one client address may make to the unauthenticated `/auth/*` endpoints.
    pub auth_requests_per_minute: i32,
    /// Largest request head (request line and headers), in bytes; past it the answer is 431.
    pub max_head_bytes: usize,
    /// How long a client has to send a request's body once its head has arrived (which must
    /// take at most 5 s); past it the answer is 408.
    pub request_timeout: std::time::Duration,
    /// Open connections one client address may hold (0: no limit); the requests of the others
    /// are answered 429 and their connections closed.
    pub max_connections_per_client: usize,
    /// How long an unanswered Idempotency-Key claim that is no longer renewed (its process died)
    /// holds retries off with 409 before one takes it over.
    pub idempotency_lease: chrono::Duration,
    /// Whether the documentation vault is served: only with a master key from the configuration
    /// (`CLIENTDESK_MASTER_KEY`), never one generated beside the database (see
    /// docs/decisions/0046-documentation-vault.md).
    pub vault_enabled: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            issuer: "clientdesk".into(),
            refresh_ttl: chrono::Duration::days(30),
            json_limit: 64 * 1024,
            cors_origins: Vec::new(),
            attachment_max_bytes: 10 * 1024 * 1024,
            ticket_attachments_max_bytes: 50 * 1024 * 1024,
            links: LinkSettings::default(),
            action_ttl: chrono::Duration::minutes(15),
            sms_limits: clientdesk_domain::sms::SmsLimits::default(),
            kb_search_cache: 10_000,
            session_cache: 10_000,
            metrics_token: None,
            upload_concurrency: 8,
            trusted_proxies: Vec::new(),
            session_max_age: chrono::Duration::days(30),
            auth_requests_per_minute: 120,
            max_head_bytes: 16 * 1024,
            request_timeout: std::time::Duration::from_secs(30),
            max_connections_per_client: 64,
            idempotency_lease: clientdesk_persistence::idempotency::CLAIM_LEASE,
            vault_enabled: false,
        }
    }
}

/// What every handler shares. Cheap to clone; holds no state of its own: its caches keep copies of
/// database rows as of versions that every request checks.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// One permit per pooled connection, taken in turn by [`AppState::run`].
    pub turns: Arc<Semaphore>,
    pub keys: Arc<Keys>,
    pub hasher: Arc<PasswordHasherConfig>,
    pub settings: Arc<HttpSettings>,
    pub metrics: Arc<Metrics>,
    pub storage: Storage,
    /// Per tenant, the ticket catalogue as of its version.
    pub catalogs: Arc<CatalogCache>,
    /// Per user, the session as of its access versions.
    pub sessions: Arc<SessionCache>,
    /// Customers' knowledge-base answers as of the tenant's KB version.
    pub kb_searches: Arc<SearchCache>,
    /// Seals secrets that wait in the outbox (see `clientdesk_app::crypto::seal`).
    pub sealer: Sealer,
    /// One permit per upload being read (see `HttpSettings::upload_concurrency`).
    pub uploads: Arc<Semaphore>,
    /// The request rate of each client address on the unauthenticated sign-in endpoints.
    pub auth_limiter: Arc<AddressLimiter>,
    /// Set when the server begins to stop (see [`AppState::draining`]).
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

fn unreachable() -> ApiError {
    ApiError::Unavailable("the database is unreachable".into())
}

impl AppState {
    /// The permits of [`AppState::run`]: one per connection of `db`'s pool.
    pub fn turns(db: &Db) -> Arc<Semaphore> {
        Arc::new(Semaphore::new(db.size() as usize))
    }

    /// Runs `f` with a pooled connection on the blocking pool: database work never runs on an
    /// actix worker thread. `f` reads through the connection and writes with `write_tx`.
    ///
    /// Requests take their turn for a connection here, in the order they came, and only then
    /// take a blocking thread. The pool itself is not fair: it hands a returned connection to
    /// whichever thread asks first, so a waiting request could be passed over again and again
    /// (docs/decisions/0010-fair-turns-for-pooled-connections.md).
    pub async fn run<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> ApiResult<T> + Send + 'static,
    {
        let turn = match self.db.unreachable() {
            // Nothing can serve a request that would queue behind others while the database is
            // unreachable: it is answered at once.
            true => self.turns.clone().try_acquire_owned().map_err(|_| unreachable())?,
            false => self.turns.clone().acquire_owned().await.expect("the permits are never closed"),
        };
        let db = self.db.clone();
        web::block(move || {
            // Dropped after the connection is back in the pool, for the next turn to find it.
            let _turn = turn;
            let mut conn = db.conn().map_err(ApiError::from)?;
            let result = f(&mut conn);
            if let Err(ApiError::Unavailable(_)) = &result {
                conn.check_alive(&db);
            }
            result
        })
        .await?
    }

    /// Whether the server has been told to stop: it answers what has arrived, each with
    /// `Connection: close`, and readiness says 503.
    pub fn draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::Relaxed)
    }
}

//! Builds the application: database, migrations, shared state, HTTP server and outbox worker.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{middleware, web, App, HttpServer};
use anyhow::Context;
use clientdesk_app::cache::kb_answers::SearchCache;
use clientdesk_app::cache::session::SessionCache;
use clientdesk_app::crypto::jwt::Keys;
use clientdesk_app::crypto::password::PasswordHasherConfig;
use clientdesk_app::crypto::seal::Sealer;
use clientdesk_app::storage::Storage;
use clientdesk_domain::throttle::RateLimit;
use clientdesk_http::metrics::Metrics;
use clientdesk_http::rate_limit::AddressLimiter;
use clientdesk_http::transport::{self, Connections};
use clientdesk_http::AppState;
use clientdesk_persistence::{plain_secrets, vault, write_tx, Db, DbOptions};

use crate::config::{Config, StorageConfig};
use crate::mail::Mailer;
use crate::outbox::{Transports, Worker};
use crate::sms::SmsSender;
use crate::webhook::{self, Webhooks};

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    state: AppState,
    worker: Option<Worker>,
    metrics: Option<(u16, actix_web::dev::Server)>,
    connections: Arc<Connections>,
    grace: Duration,
    stop: Stopper,
}

/// Tells a running [`Application`] to drain and stop (what SIGTERM does in `clientdesk serve`).
#[derive(Clone)]
pub struct Stopper(Arc<tokio::sync::watch::Sender<bool>>);

impl Stopper {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

/// The shared state for a configuration, with the database migrated.
pub fn state(config: &Config) -> anyhow::Result<AppState> {
    let options = DbOptions {
        size: config.pool_size,
        pool_timeout: config.pool_timeout,
        sqlite_mmap_bytes: config.sqlite_mmap_bytes,
    };
    let db = Db::connect_with(&config.database_url, &options).context("opening the database")?;
    let applied = db.migrate().context("migrating the database")?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied migrations");
    }
    vault::install(config.master_key).map_err(anyhow::Error::msg)?;
    let mut conn = db.conn().context("opening the database")?;
    let sealed = write_tx(&mut conn, plain_secrets::seal).context("sealing secrets stored in clear")?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed secrets stored in clear");
    }
    drop(conn);
    let keys = Keys::new(&config.signing_keys, &config.http.issuer, "clientdesk-api").map_err(anyhow::Error::msg)?;
    let hasher = PasswordHasherConfig::new(config.hash_cost)
        .map_err(anyhow::Error::msg)?
        .with_concurrency(config.password_hash_concurrency);
    // The unauthenticated sign-in endpoints hold at most half the connections at once.
    let auth_share = (db.size() as usize / 2).max(1);
    Ok(AppState {
        turns: AppState::turns(&db),
        db,
        keys: Arc::new(keys),
        hasher: Arc::new(hasher),
        settings: Arc::new(config.http.clone()),
        metrics: Arc::new(Metrics::default()),
        storage: match &config.storage {
            StorageConfig::Local(dir) => {
                Storage::local(dir).with_context(|| format!("creating the attachments directory {}", dir.display()))?
            }
            StorageConfig::S3(s3) => Storage::s3(s3).context("configuring S3 attachment storage")?,
        },
        catalogs: Arc::default(),
        sessions: Arc::new(SessionCache::new(config.http.session_cache)),
        kb_searches: Arc::new(SearchCache::new(config.http.kb_search_cache)),
        sealer: Sealer::from_secret(&config.signing_keys[0].secret),
        uploads: Arc::new(tokio::sync::Semaphore::new(config.http.upload_concurrency)),
        auth_limiter: Arc::new(AddressLimiter::new(
            RateLimit {
                name: "auth-requests",
                requests: config.http.auth_requests_per_minute,
                window: chrono::Duration::minutes(1),
            },
            auth_share,
        )),
        draining: Arc::default(),
    })
}

impl Application {
    /// Binds the listen address (port 0 picks a free port) and prepares the server.
    pub fn build(config: &Config) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&config.listen).with_context(|| format!("binding {}", config.listen))?;
        let port = listener.local_addr()?.port();
        // A public URL on port 0 means "this server, on whichever port it got" (tests, laptops).
        let mut config = config.clone();
        let links = &mut config.http.links;
        if let Some(host) = links.public_api_url.strip_suffix(":0") {
            links.public_api_url = format!("{host}:{port}");
        }
        let config = &config;
        let state = state(config)?;
        let app_state = state.clone();
        let connections = Arc::new(Connections::default());
        let counted = connections.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                // Innermost: problems are written in the caller's language before compression.
                .wrap_fn(clientdesk_http::language::localise)
                // No answer may be sniffed into another type than the one it declares.
                .wrap(middleware::DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff")))
                .wrap(clientdesk_http::cors(&app_state.settings))
                .wrap(middleware::Compress::default())
                .wrap_fn(clientdesk_http::request_id)
                .wrap(middleware::from_fn(transport::limits))
                .configure(clientdesk_http::configure(app_state.clone()))
                .default_service(web::to(clientdesk_http::not_found))
        })
        .on_connect(move |io, data| counted.on_connect(io, data))
        // Stopping is ours: on SIGTERM, `Application::run_until_stopped` drains first.
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)?;
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        let mut metrics_server = None;
        if let Some(address) = &config.metrics_listen {
            let listener = TcpListener::bind(address).with_context(|| format!("binding {address}"))?;
            let port = listener.local_addr()?.port();
            let metrics = state.metrics.clone();
            let served = HttpServer::new(move || {
                App::new().configure(clientdesk_http::routes::health::metrics_only(metrics.clone()))
            })
            .workers(1)
            .listen(listener)?;
            metrics_server = Some((port, served.run()));
        }
        let worker = match config.outbox_worker {
            true => Some(worker(config, state.db.clone())?),
            false => None,
        };
        let stop = Stopper(Arc::new(tokio::sync::watch::channel(false).0));
        Ok(Self {
            port,
            server: server.run(),
            state,
            worker,
            metrics: metrics_server,
            connections,
            grace: config.shutdown_grace,
            stop,
        })
    }

    /// What makes this application drain and stop.
    pub fn stopper(&self) -> Stopper {
        self.stop.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the metrics' own address, when configured.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves, with the outbox worker beside the server, until told to stop (see [`drain`]); the
    /// worker stops (after its current batch) when the server does.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = self.worker.map(|worker| tokio::spawn(worker.run(stopped)));
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let draining = tokio::spawn(drain(
            self.stop.0.subscribe(),
            self.server.handle(),
            self.state.draining.clone(),
            self.connections,
            self.grace,
        ));
        let served = self.server.await;
        draining.abort();
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        stop.send_replace(true);
        if let Some(worker) = worker {
            if let Err(err) = worker.await {
                tracing::error!(error = %err, "the outbox worker panicked");
            }
        }
        served
    }
}

/// Once told to stop: readiness answers 503 and every answer carries `Connection: close`; no
/// new connection is accepted; requests that reached the server on open connections, including
/// the next one a keep-alive connection already sent, are answered. The server stops once every
/// connection has closed, or when the grace period ends, cutting what is left
/// (docs/decisions/0030-transport-limits-and-faults.md).
async fn drain(
    mut told: tokio::sync::watch::Receiver<bool>,
    server: actix_web::dev::ServerHandle,
    draining: Arc<std::sync::atomic::AtomicBool>,
    connections: Arc<Connections>,
    grace: Duration,
) {
    if told.wait_for(|stop| *stop).await.is_err() {
        return;
    }
    let deadline = tokio::time::Instant::now() + grace;
    draining.store(true, std::sync::atomic::Ordering::SeqCst);
    server.pause().await;
    tracing::info!(open = connections.open(), grace_secs = grace.as_secs(), "stopping: draining connections");
    while connections.open() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let left = connections.open();
    if left > 0 {
        tracing::warn!(open = left, "stopping: the grace period is over; closing the connections left");
    }
    server.stop(left == 0).await;
}

/// An outbox worker for a configuration, on `db`.
pub fn worker(config: &Config, db: Db) -> anyhow::Result<Worker> {
    // The worker opens RMM keys to sign what it sends.
    vault::install(config.master_key).map_err(anyhow::Error::msg)?;
    Ok(Worker::new(db, Arc::new(transports(config)?), config.outbox.clone()))
}

/// The outbox's transports for a configuration.
pub fn transports(config: &Config) -> anyhow::Result<Transports> {
    let client = webhook::http_client()?;
    Ok(Transports {
        mailer: Mailer::new(&config.mail).context("configuring mail")?,
        sms: SmsSender::new(&config.sms, client.clone()).context("configuring SMS")?,
        webhooks: Webhooks::new(client)?,
        sealer: Sealer::from_secret(&config.signing_keys[0].secret),
    })
}

/// Waits for Ctrl-C, or SIGTERM (how service managers ask a process to stop).
pub async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}

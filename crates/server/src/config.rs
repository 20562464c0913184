//! Configuration from `CLIENTDESK_*` environment variables over an optional TOML file
//! (`CLIENTDESK_CONFIG`, default `./clientdesk.toml` when present). With nothing configured the
//! server uses `./data/clientdesk.db`, listens on 127.0.0.1:8080 and keeps a generated signing
//! key in `./data`; without an SMTP host, mail is written as `.eml` files to `./data/mail`, and
//! without an SMS gateway, SMS as `.txt` files to `./data/sms`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use clientdesk_app::crypto::jwt::SigningKey;
use clientdesk_app::crypto::password::HashCost;
use clientdesk_app::notify::LinkSettings;
use clientdesk_app::storage::S3Settings;
use clientdesk_domain::outbox::RetryPolicy;
use clientdesk_domain::sms::SmsLimits;
use clientdesk_http::HttpSettings;
use clientdesk_persistence::db::DatabaseUrl;
use clientdesk_persistence::Backend;
use serde::Deserialize;

use crate::mail::{MailConfig, MailTransport, SmtpSettings, SmtpTls, DEFAULT_FROM};
use crate::outbox::WorkerSettings;
use crate::sms::{SmsGateway, SmsTransport};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    jwt_secret: Option<String>,
    cors_origins: Option<Vec<String>>,
    pool_size: Option<u32>,
    pool_timeout_millis: Option<u64>,
    sqlite_mmap_bytes: Option<u64>,
    workers: Option<usize>,
    max_head_bytes: Option<usize>,
    request_timeout_seconds: Option<u64>,
    max_connections_per_client: Option<usize>,
    shutdown_grace_seconds: Option<u64>,
    idempotency_lease_seconds: Option<i64>,
    argon2_memory_kib: Option<u32>,
    argon2_iterations: Option<u32>,
    attachments_dir: Option<PathBuf>,
    attachment_max_bytes: Option<usize>,
    ticket_attachments_max_bytes: Option<i64>,
    s3_bucket: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_tls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    mail_from: Option<String>,
    mail_dir: Option<PathBuf>,
    outbox_max_attempts: Option<i32>,
    outbox_backoff_seconds: Option<u64>,
    outbox_poll_millis: Option<u64>,
    outbox_lease_seconds: Option<i64>,
    outbox_worker: Option<bool>,
    sms_gateway_url: Option<String>,
    sms_gateway_token: Option<String>,
    sms_dir: Option<PathBuf>,
    action_ttl_seconds: Option<i64>,
    sms_limit_user: Option<String>,
    sms_limit_company: Option<String>,
    sms_limit_tenant: Option<String>,
    kb_search_cache: Option<usize>,
    session_cache: Option<usize>,
    public_url: Option<String>,
    ticket_url: Option<String>,
    change_request_url: Option<String>,
    agent_login_url: Option<String>,
    master_key: Option<String>,
    metrics_listen: Option<String>,
    metrics_token: Option<String>,
    upload_concurrency: Option<usize>,
    trusted_proxies: Option<Vec<String>>,
    session_max_age_days: Option<i64>,
    password_hash_concurrency: Option<usize>,
    auth_requests_per_minute: Option<i32>,
}

/// Where attachment contents are kept.
#[derive(Debug, Clone)]
pub enum StorageConfig {
    Local(PathBuf),
    S3(S3Settings),
}

#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    pub data_dir: PathBuf,
    pub signing_keys: Vec<SigningKey>,
    pub hash_cost: HashCost,
    /// How many passwords are hashed or verified at once (the rest wait their turn).
    pub password_hash_concurrency: usize,
    pub http: HttpSettings,
    pub pool_size: u32,
    /// How long a request waits for a pooled connection while the database is reachable.
    pub pool_timeout: Duration,
    /// SQLite: how much of the database file each connection maps into memory.
    pub sqlite_mmap_bytes: u64,
    /// actix worker threads; `None` means one per core.
    pub workers: Option<usize>,
    /// On SIGTERM, how long the server drains (answers what has arrived) before it exits.
    pub shutdown_grace: Duration,
    pub storage: StorageConfig,
    pub mail: MailConfig,
    pub sms: SmsTransport,
    pub outbox: WorkerSettings,
    /// Whether `serve` runs an outbox worker beside the HTTP server (turn it off where dedicated
    /// `clientdesk worker` processes deliver).
    pub outbox_worker: bool,
    /// Wraps the tenants' data keys, which seal TOTP secrets and RMM keys at rest.
    pub master_key: [u8; 32],
    /// Serves `/metrics` on this address of its own, and not on `listen`.
    pub metrics_listen: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(format!("CLIENTDESK_{name}")).ok().filter(|v| !v.trim().is_empty())
}

/// PostgreSQL: 4 connections per core. SQLite: at least 32, because a SQLite writer waiting for
/// its group's commit holds its pooled connection, so the pool bounds how many creations share a
/// commit (back to back on the benchmark database: 2,090-2,160 creations a second with 8,
/// 2,940-3,280 with 32, reads unchanged); on PostgreSQL 32 made no difference but a page's p99
/// worse (108-121 -> 351-407 ms).
fn default_pool_size(database_url: &str, cores: u32) -> u32 {
    match DatabaseUrl::parse(database_url).backend {
        Backend::Sqlite => (cores * 4).max(32),
        Backend::Postgres => cores * 4,
    }
}

/// An SMS limit written `<per hour>,<per day>` (e.g. `5,10`), both at least 1.
fn sms_limit(name: &str, value: Option<String>, hour: i32, day: i32) -> anyhow::Result<(i32, i32)> {
    let Some(value) = value else { return Ok((hour, day)) };
    let parsed =
        value.split_once(',').and_then(|(h, d)| Some((h.trim().parse::<i32>().ok()?, d.trim().parse::<i32>().ok()?)));
    match parsed {
        Some((h, d)) if h >= 1 && d >= 1 => Ok((h, d)),
        _ => bail!("CLIENTDESK_{name}: {value:?} is not <per hour>,<per day> (e.g. 5,10)"),
    }
}

fn env_parse<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
    env(name).map(|v| v.parse::<T>().map_err(|_| anyhow::anyhow!("CLIENTDESK_{name}: cannot parse {v:?}"))).transpose()
}

impl Config {
    pub fn load() -> anyhow::Result<Self> {
        let path = env("CONFIG").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("clientdesk.toml"));
        let file: FileConfig = if path.exists() {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
        } else {
            FileConfig::default()
        };
        let data_dir = env("DATA_DIR").map(PathBuf::from).or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let database_url = env("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| data_dir.join("clientdesk.db").to_string_lossy().into_owned());
        let secret = env("JWT_SECRET").or(file.jwt_secret);
        let signing_keys = vec![match secret {
            Some(hex) => key_from_hex(&hex).context("CLIENTDESK_JWT_SECRET")?,
            None => stored_key(&data_dir)?,
        }];
        let master_key = match env("MASTER_KEY").or(file.master_key) {
            Some(hex) => master_key_from_hex(&hex).context("CLIENTDESK_MASTER_KEY")?,
            None => stored_master_key(&data_dir)?,
        };
        let default_cost = HashCost::default();
        let hash_cost = HashCost {
            memory_kib: env_parse("ARGON2_MEMORY_KIB")?.or(file.argon2_memory_kib).unwrap_or(default_cost.memory_kib),
            iterations: env_parse("ARGON2_ITERATIONS")?.or(file.argon2_iterations).unwrap_or(default_cost.iterations),
            parallelism: 1,
        };
        let cors_origins = env("CORS_ORIGINS")
            .map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .or(file.cors_origins)
            .unwrap_or_default();
        let storage = match env("S3_BUCKET").or(file.s3_bucket) {
            Some(bucket) => StorageConfig::S3(S3Settings {
                bucket,
                endpoint: env("S3_ENDPOINT").or(file.s3_endpoint),
                region: env("S3_REGION").or(file.s3_region).unwrap_or_else(|| "us-east-1".into()),
                access_key_id: env("S3_ACCESS_KEY_ID")
                    .or(file.s3_access_key_id)
                    .context("CLIENTDESK_S3_ACCESS_KEY_ID")?,
                secret_access_key: env("S3_SECRET_ACCESS_KEY")
                    .or(file.s3_secret_access_key)
                    .context("CLIENTDESK_S3_SECRET_ACCESS_KEY")?,
            }),
            None => StorageConfig::Local(
                env("ATTACHMENTS_DIR")
                    .map(PathBuf::from)
                    .or(file.attachments_dir)
                    .unwrap_or_else(|| data_dir.join("attachments")),
            ),
        };
        let listen = env("LISTEN").or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let defaults = HttpSettings::default();
        let action_ttl_seconds: i64 =
            env_parse("ACTION_TTL_SECONDS")?.or(file.action_ttl_seconds).unwrap_or(defaults.action_ttl.num_seconds());
        if !(1..=MAX_ACTION_TTL_SECONDS).contains(&action_ttl_seconds) {
            bail!("CLIENTDESK_ACTION_TTL_SECONDS must be between 1 and {MAX_ACTION_TTL_SECONDS}");
        }
        let sms_defaults = defaults.sms_limits;
        let (user_hour, user_day) = sms_limit(
            "SMS_LIMIT_USER",
            env("SMS_LIMIT_USER").or(file.sms_limit_user),
            sms_defaults.user_hour,
            sms_defaults.user_day,
        )?;
        let (company_hour, company_day) = sms_limit(
            "SMS_LIMIT_COMPANY",
            env("SMS_LIMIT_COMPANY").or(file.sms_limit_company),
            sms_defaults.company_hour,
            sms_defaults.company_day,
        )?;
        let (tenant_hour, tenant_day) = sms_limit(
            "SMS_LIMIT_TENANT",
            env("SMS_LIMIT_TENANT").or(file.sms_limit_tenant),
            sms_defaults.tenant_hour,
            sms_defaults.tenant_day,
        )?;
        let sms_limits = SmsLimits { user_hour, user_day, company_hour, company_day, tenant_hour, tenant_day };
        let link_defaults = LinkSettings::default();
        let links = LinkSettings {
            public_api_url: http_url(
                "PUBLIC_URL",
                env("PUBLIC_URL").or(file.public_url).unwrap_or_else(|| format!("http://{listen}")),
            )?,
            ticket_url: template(
                "TICKET_URL",
                env("TICKET_URL").or(file.ticket_url).unwrap_or(link_defaults.ticket_url),
                Some("{ticket_id}"),
            )?,
            change_request_url: template(
                "CHANGE_REQUEST_URL",
                env("CHANGE_REQUEST_URL").or(file.change_request_url).unwrap_or(link_defaults.change_request_url),
                Some("{change_request_id}"),
            )?,
            agent_login_url: template(
                "AGENT_LOGIN_URL",
                env("AGENT_LOGIN_URL").or(file.agent_login_url).unwrap_or(link_defaults.agent_login_url),
                None,
            )?,
            ..link_defaults
        };
        let trusted_proxies = match env("TRUSTED_PROXIES") {
            Some(list) => list.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            None => file.trusted_proxies.unwrap_or_default(),
        };
        let session_max_age_days: i64 = env_parse("SESSION_MAX_AGE_DAYS")?
            .or(file.session_max_age_days)
            .unwrap_or(defaults.session_max_age.num_days());
        if !(1..=365).contains(&session_max_age_days) {
            bail!("CLIENTDESK_SESSION_MAX_AGE_DAYS must be between 1 and 365");
        }
        let auth_requests_per_minute: i32 = env_parse("AUTH_REQUESTS_PER_MINUTE")?
            .or(file.auth_requests_per_minute)
            .unwrap_or(defaults.auth_requests_per_minute);
        if auth_requests_per_minute < 1 {
            bail!("CLIENTDESK_AUTH_REQUESTS_PER_MINUTE must be at least 1");
        }
        let http = HttpSettings {
            trusted_proxies: parse_proxies(&trusted_proxies)?,
            session_max_age: chrono::Duration::days(session_max_age_days),
            auth_requests_per_minute,
            links,
            action_ttl: chrono::Duration::seconds(action_ttl_seconds),
            sms_limits,
            kb_search_cache: env_parse("KB_SEARCH_CACHE")?.or(file.kb_search_cache).unwrap_or(defaults.kb_search_cache),
            session_cache: env_parse("SESSION_CACHE")?.or(file.session_cache).unwrap_or(defaults.session_cache),
            metrics_token: env("METRICS_TOKEN").or(file.metrics_token),
            upload_concurrency: env_parse("UPLOAD_CONCURRENCY")?
                .or(file.upload_concurrency)
                .unwrap_or(defaults.upload_concurrency),
            max_head_bytes: env_parse("MAX_HEAD_BYTES")?.or(file.max_head_bytes).unwrap_or(defaults.max_head_bytes),
            request_timeout: env_parse("REQUEST_TIMEOUT_SECONDS")?
                .or(file.request_timeout_seconds)
                .map_or(defaults.request_timeout, Duration::from_secs),
            idempotency_lease: match env_parse("IDEMPOTENCY_LEASE_SECONDS")?.or(file.idempotency_lease_seconds) {
                Some(seconds @ 3..=3600) => chrono::Duration::seconds(seconds),
                Some(_) => bail!("CLIENTDESK_IDEMPOTENCY_LEASE_SECONDS must be between 3 and 3600"),
                None => defaults.idempotency_lease,
            },
            max_connections_per_client: env_parse("MAX_CONNECTIONS_PER_CLIENT")?
                .or(file.max_connections_per_client)
                .unwrap_or(defaults.max_connections_per_client),
            cors_origins,
            attachment_max_bytes: env_parse("ATTACHMENT_MAX_BYTES")?
                .or(file.attachment_max_bytes)
                .unwrap_or(defaults.attachment_max_bytes),
            ticket_attachments_max_bytes: env_parse("TICKET_ATTACHMENTS_MAX_BYTES")?
                .or(file.ticket_attachments_max_bytes)
                .unwrap_or(defaults.ticket_attachments_max_bytes),
            ..defaults
        };
        let mail = MailConfig {
            transport: match env("SMTP_HOST").or(file.smtp_host) {
                Some(host) => {
                    let tls = match env("SMTP_TLS").or(file.smtp_tls) {
                        None => SmtpTls::Starttls,
                        Some(mode) => SmtpTls::parse(&mode)
                            .with_context(|| format!("CLIENTDESK_SMTP_TLS: {mode:?} is not none, starttls or tls"))?,
                    };
                    let username = env("SMTP_USERNAME").or(file.smtp_username);
                    let password = env("SMTP_PASSWORD").or(file.smtp_password);
                    let credentials = match (username, password) {
                        (Some(user), Some(password)) => Some((user, password)),
                        (None, None) => None,
                        _ => bail!("CLIENTDESK_SMTP_USERNAME and CLIENTDESK_SMTP_PASSWORD go together"),
                    };
                    MailTransport::Smtp(SmtpSettings {
                        host,
                        port: env_parse("SMTP_PORT")?.or(file.smtp_port).unwrap_or(tls.default_port()),
                        tls,
                        credentials,
                    })
                }
                None => MailTransport::Files(
                    env("MAIL_DIR").map(PathBuf::from).or(file.mail_dir).unwrap_or_else(|| data_dir.join("mail")),
                ),
            },
            from: env("MAIL_FROM").or(file.mail_from).unwrap_or_else(|| DEFAULT_FROM.into()),
        };
        let sms = match env("SMS_GATEWAY_URL").or(file.sms_gateway_url) {
            Some(url) => SmsTransport::Gateway(SmsGateway {
                url: http_url("SMS_GATEWAY_URL", url)?,
                token: env("SMS_GATEWAY_TOKEN").or(file.sms_gateway_token),
            }),
            None => SmsTransport::Files(
                env("SMS_DIR").map(PathBuf::from).or(file.sms_dir).unwrap_or_else(|| data_dir.join("sms")),
            ),
        };
        let worker_defaults = WorkerSettings::default();
        let max_attempts: i32 = env_parse("OUTBOX_MAX_ATTEMPTS")?
            .or(file.outbox_max_attempts)
            .unwrap_or(worker_defaults.retry.max_attempts);
        if max_attempts < 1 {
            bail!("CLIENTDESK_OUTBOX_MAX_ATTEMPTS must be at least 1");
        }
        let backoff_seconds: u64 = env_parse("OUTBOX_BACKOFF_SECONDS")?
            .or(file.outbox_backoff_seconds)
            .unwrap_or(worker_defaults.retry.base.num_seconds() as u64);
        let poll_millis: u64 = env_parse("OUTBOX_POLL_MILLIS")?
            .or(file.outbox_poll_millis)
            .unwrap_or(worker_defaults.poll.as_millis() as u64);
        if http.upload_concurrency < 1 {
            bail!("CLIENTDESK_UPLOAD_CONCURRENCY must be at least 1");
        }
        if backoff_seconds < 1 || poll_millis < 1 {
            bail!("CLIENTDESK_OUTBOX_BACKOFF_SECONDS and CLIENTDESK_OUTBOX_POLL_MILLIS must be positive");
        }
        let lease_seconds: i64 = env_parse("OUTBOX_LEASE_SECONDS")?
            .or(file.outbox_lease_seconds)
            .unwrap_or(worker_defaults.lease.num_seconds());
        if !(3..=3600).contains(&lease_seconds) {
            bail!("CLIENTDESK_OUTBOX_LEASE_SECONDS must be between 3 and 3600");
        }
        // A first delay past the cap is the cap (and stays within chrono's range).
        let cap = worker_defaults.retry.cap;
        let outbox = WorkerSettings {
            retry: RetryPolicy {
                max_attempts,
                base: chrono::Duration::seconds(backoff_seconds.min(cap.num_seconds() as u64) as i64),
                ..worker_defaults.retry
            },
            poll: Duration::from_millis(poll_millis),
            lease: chrono::Duration::seconds(lease_seconds),
            ..worker_defaults
        };
        let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2);
        let default_pool_size = default_pool_size(&database_url, cores);
        let password_hash_concurrency: usize =
            env_parse("PASSWORD_HASH_CONCURRENCY")?.or(file.password_hash_concurrency).unwrap_or(cores as usize);
        if password_hash_concurrency < 1 {
            bail!("CLIENTDESK_PASSWORD_HASH_CONCURRENCY must be at least 1");
        }
        Ok(Self {
            database_url,
            listen,
            data_dir,
            signing_keys,
            hash_cost,
            password_hash_concurrency,
            http,
            pool_size: env_parse("POOL_SIZE")?.or(file.pool_size).unwrap_or(default_pool_size),
            pool_timeout: Duration::from_millis(
                env_parse("POOL_TIMEOUT_MILLIS")?.or(file.pool_timeout_millis).unwrap_or(2000),
            ),
            sqlite_mmap_bytes: env_parse("SQLITE_MMAP_BYTES")?
                .or(file.sqlite_mmap_bytes)
                .unwrap_or(clientdesk_persistence::db::DEFAULT_SQLITE_MMAP_BYTES),
            workers: env_parse("WORKERS")?.or(file.workers),
            shutdown_grace: Duration::from_secs(
                env_parse("SHUTDOWN_GRACE_SECONDS")?.or(file.shutdown_grace_seconds).unwrap_or(30),
            ),
            storage,
            mail,
            sms,
            outbox,
            outbox_worker: env_parse("OUTBOX_WORKER")?.or(file.outbox_worker).unwrap_or(true),
            master_key,
            metrics_listen: env("METRICS_LISTEN").or(file.metrics_listen),
        })
    }

    /// A configuration for tests: port 0, a fresh random key, and a cheap password hash so the
    /// suite is not dominated by argon2 (the cost itself is tested by the rehash test).
    pub fn for_tests(database_url: &str) -> Self {
        Self {
            database_url: database_url.to_owned(),
            listen: "127.0.0.1:0".into(),
            data_dir: std::env::temp_dir(),
            signing_keys: vec![SigningKey { kid: "test".into(), secret: random_bytes() }],
            hash_cost: HashCost { memory_kib: 1024, iterations: 1, parallelism: 1 },
            password_hash_concurrency: 2,
            // Small attachment limits, so tests cross them with small files.
            http: HttpSettings {
                // Tests sign in often from one address; the rate limit's own test lowers it.
                auth_requests_per_minute: 100_000,
                attachment_max_bytes: 256 * 1024,
                ticket_attachments_max_bytes: 1024 * 1024,
                // Port 0 is replaced by the port bound (see `startup::Application::build`).
                links: LinkSettings { public_api_url: "http://127.0.0.1:0".into(), ..LinkSettings::default() },
                ..HttpSettings::default()
            },
            pool_size: 8,
            pool_timeout: Duration::from_secs(2),
            sqlite_mmap_bytes: clientdesk_persistence::db::DEFAULT_SQLITE_MMAP_BYTES,
            workers: Some(2),
            shutdown_grace: Duration::from_secs(30),
            storage: StorageConfig::Local(
                std::env::temp_dir().join(format!("clientdesk-attachments-{}", uuid::Uuid::new_v4())),
            ),
            mail: MailConfig {
                transport: MailTransport::Files(
                    std::env::temp_dir().join(format!("clientdesk-mail-{}", uuid::Uuid::new_v4())),
                ),
                from: DEFAULT_FROM.into(),
            },
            sms: SmsTransport::Files(std::env::temp_dir().join(format!("clientdesk-sms-{}", uuid::Uuid::new_v4()))),
            // A fast poll and a short backoff, so tests see deliveries and retries within moments.
            outbox: WorkerSettings {
                retry: RetryPolicy {
                    base: chrono::Duration::milliseconds(100),
                    cap: chrono::Duration::seconds(1),
                    ..RetryPolicy::default()
                },
                poll: Duration::from_millis(50),
                ..WorkerSettings::default()
            },
            outbox_worker: true,
            // One key for the whole test process: the vault holds one master key per process.
            master_key: *TEST_MASTER_KEY.get_or_init(|| random_bytes().try_into().expect("32 bytes")),
            metrics_listen: None,
        }
    }
}

static TEST_MASTER_KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
/// Proxy addresses or networks (`10.0.0.5`, `10.0.0.0/8`, `fd00::/8`).
fn parse_proxies(list: &[String]) -> anyhow::Result<Vec<ipnet::IpNet>> {
    list.iter()
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| anyhow::anyhow!("CLIENTDESK_TRUSTED_PROXIES: {entry:?} is not an IP address or network"))
        })
        .collect()
}

/// A week: an action the RMM has not settled by then will not be settled.
const MAX_ACTION_TTL_SECONDS: i64 = 7 * 24 * 3600;

/// An absolute `http(s)` URL, without a trailing slash.
fn http_url(name: &str, url: String) -> anyhow::Result<String> {
    let url = url.trim().trim_end_matches('/').to_owned();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    if rest.is_none_or(|host| host.is_empty() || host.contains(char::is_whitespace)) {
        bail!("CLIENTDESK_{name}: {url:?} is not an http(s) URL");
    }
    Ok(url)
}

/// A link template: an `http(s)` URL holding its placeholder, where it has one.
fn template(name: &str, url: String, placeholder: Option<&str>) -> anyhow::Result<String> {
    let url = http_url(name, url)?;
    if let Some(placeholder) = placeholder.filter(|p| !url.contains(p)) {
        bail!("CLIENTDESK_{name}: {url:?} must hold {placeholder}, where the id goes");
    }
    Ok(url)
}

fn random_bytes() -> Vec<u8> {
    use rand::RngCore;
    let mut secret = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

fn key_from_hex(hex_secret: &str) -> anyhow::Result<SigningKey> {
    let secret = hex::decode(hex_secret.trim()).context("the signing key must be hex")?;
    if secret.len() < SigningKey::MIN_BYTES {
        bail!("the signing key must be at least 256 bits (64 hex characters)");
    }
    // The kid names the key without revealing it: the first bytes of its SHA-256.
    let kid = clientdesk_app::crypto::secrets::fingerprint(hex_secret.trim())[..12].to_owned();
    Ok(SigningKey { kid, secret })
}

/// Writes a fresh random key (hex) to `path`, readable by the owner only (0600) from its
/// creation on, whatever the umask.
fn write_key_file(data_dir: &Path, path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(hex::encode(random_bytes()).as_bytes()).with_context(|| format!("writing {}", path.display()))
}

/// Narrows a key file made before keys were created 0600 (it took the umask's mode).
fn restrict(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("restricting {} to its owner", path.display()))?;
            tracing::warn!(path = %path.display(), "the key file was readable by others: restricted it to its owner (0600)");
        }
    }
    Ok(())
}

fn master_key_from_hex(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    let key = hex::decode(hex_key.trim()).context("the master key must be hex")?;
    key.try_into().map_err(|_| anyhow::anyhow!("the master key must be 256 bits (64 hex characters)"))
}

/// The master key kept in `data_dir/master-key`, created on first use. Losing it loses every
/// sealed secret: back it up with the database, or set CLIENTDESK_MASTER_KEY.
fn stored_master_key(data_dir: &Path) -> anyhow::Result<[u8; 32]> {
    let path = data_dir.join("master-key");
    if !path.exists() {
        write_key_file(data_dir, &path)?;
        tracing::warn!(path = %path.display(), "no CLIENTDESK_MASTER_KEY set: created a master key in the data directory; \
            set CLIENTDESK_MASTER_KEY (the same on every server process) in production");
    }
    restrict(&path)?;
    master_key_from_hex(&std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?)
}

/// The signing key kept in `data_dir/signing-key`, created on first use.
fn stored_key(data_dir: &Path) -> anyhow::Result<SigningKey> {
    let path = data_dir.join("signing-key");
    if !path.exists() {
        write_key_file(data_dir, &path)?;
        tracing::warn!(path = %path.display(), "no CLIENTDESK_JWT_SECRET set: created a signing key in the data directory; \
            set CLIENTDESK_JWT_SECRET (the same on every server process) in production");
    } else if std::env::var("CLIENTDESK_JWT_SECRET").is_err() {
        tracing::warn!(path = %path.display(), "no CLIENTDESK_JWT_SECRET set: using the signing key kept in the data directory");
    }
    restrict(&path)?;
    key_from_hex(&std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn key_files_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("clientdesk-keys-{}", uuid::Uuid::new_v4()));
        stored_key(&dir).unwrap();
        let master = stored_master_key(&dir).unwrap();
        assert_eq!(stored_master_key(&dir).unwrap(), master, "the stored key is kept");
        for name in ["signing-key", "master-key"] {
            let mode = std::fs::metadata(dir.join(name)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        // A key file of before, readable by others, is narrowed when read.
        std::fs::set_permissions(dir.join("master-key"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(stored_master_key(&dir).unwrap(), master);
        let mode = std::fs::metadata(dir.join("master-key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn link_settings_are_http_urls_holding_their_placeholder() {
        assert_eq!(http_url("PUBLIC_URL", " https://api.example.com/ ".into()).unwrap(), "https://api.example.com");
        assert_eq!(http_url("PUBLIC_URL", "http://127.0.0.1:8080".into()).unwrap(), "http://127.0.0.1:8080");
        for bad in ["", "api.example.com", "ftp://api.example.com", "https://", "https://a b"] {
            assert!(http_url("PUBLIC_URL", bad.into()).is_err(), "{bad:?}");
        }
        let ticket = "https://portal.example.com/tickets/{ticket_id}";
        assert_eq!(template("TICKET_URL", ticket.into(), Some("{ticket_id}")).unwrap(), ticket);
        let err = template("TICKET_URL", "https://portal.example.com/tickets".into(), Some("{ticket_id}"));
        assert!(err.unwrap_err().to_string().contains("{ticket_id}"));
        assert!(template("AGENT_LOGIN_URL", "https://portal.example.com/agent".into(), None).is_ok());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let parsed = parse_proxies(&["10.0.0.5".into(), "10.1.0.0/16".into(), "fd00::/8".into()]).unwrap();
        assert_eq!(parsed.len(), 3);
        assert!(parsed[0].contains(&"10.0.0.5".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse_proxies(&["proxy.example.com".into()]).is_err());
    }
}

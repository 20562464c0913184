//! The configuration the server runs with. Its settings are declared in [`settings`] and read from
//! `CLIENTDESK_*` environment variables over an optional TOML file (`CLIENTDESK_CONFIG`, default
//! `./clientdesk.toml` when present); [`Config::from_settings`] checks them and derives the rest.
//! With nothing configured the server uses `./data/clientdesk.db`, listens on 127.0.0.1:8080 and
//! keeps a generated signing key in `./data`; without an SMTP host, mail is written as `.eml`
//! files to `./data/mail`, and without an SMS gateway, SMS as `.txt` files to `./data/sms`.

mod keys;
pub mod settings;

use std::path::PathBuf;
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

use self::keys::{key_from_hex, master_key_from_hex, random_bytes, stored_key, stored_master_key};
pub use self::settings::Settings;
use crate::mail::{MailConfig, MailTransport, SmtpSettings, SmtpTls, DEFAULT_FROM};
use crate::outbox::WorkerSettings;
use crate::sms::{SmsGateway, SmsTransport};

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
fn sms_limit(name: &str, value: &str) -> anyhow::Result<(i32, i32)> {
    let parsed =
        value.split_once(',').and_then(|(h, d)| Some((h.trim().parse::<i32>().ok()?, d.trim().parse::<i32>().ok()?)));
    match parsed {
        Some((h, d)) if h >= 1 && d >= 1 => Ok((h, d)),
        _ => bail!("CLIENTDESK_{name}: {value:?} is not <per hour>,<per day> (e.g. 5,10)"),
    }
}

impl Config {
    /// The settings of the TOML file and the environment, checked.
    pub fn load() -> anyhow::Result<Self> {
        Self::from_settings(Settings::load()?)
    }

    /// Checks the settings and derives the configuration; reads or creates the keys kept in the
    /// data directory when they are not set.
    pub fn from_settings(s: Settings) -> anyhow::Result<Self> {
        let data_dir = s.data_dir;
        let database_url =
            s.database_url.unwrap_or_else(|| data_dir.join("clientdesk.db").to_string_lossy().into_owned());
        let signing_keys = vec![match s.jwt_secret {
            Some(hex) => key_from_hex(&hex).context("CLIENTDESK_JWT_SECRET")?,
            None => stored_key(&data_dir)?,
        }];
        // The vault is served only with a configured master key (docs/decisions/0046).
        let vault_enabled = s.master_key.is_some();
        let master_key = match s.master_key {
            Some(hex) => master_key_from_hex(&hex).context("CLIENTDESK_MASTER_KEY")?,
            None => stored_master_key(&data_dir)?,
        };
        let hash_cost = HashCost { memory_kib: s.argon2_memory_kib, iterations: s.argon2_iterations, parallelism: 1 };
        let storage = match s.s3_bucket {
            Some(bucket) => StorageConfig::S3(S3Settings {
                bucket,
                endpoint: s.s3_endpoint,
                region: s.s3_region,
                access_key_id: s.s3_access_key_id.context("CLIENTDESK_S3_ACCESS_KEY_ID")?,
                secret_access_key: s.s3_secret_access_key.context("CLIENTDESK_S3_SECRET_ACCESS_KEY")?,
            }),
            None => StorageConfig::Local(s.attachments_dir.unwrap_or_else(|| data_dir.join("attachments"))),
        };
        let listen = s.listen;
        if !(1..=MAX_ACTION_TTL_SECONDS).contains(&s.action_ttl_seconds) {
            bail!("CLIENTDESK_ACTION_TTL_SECONDS must be between 1 and {MAX_ACTION_TTL_SECONDS}");
        }
        let (user_hour, user_day) = sms_limit("SMS_LIMIT_USER", &s.sms_limit_user)?;
        let (company_hour, company_day) = sms_limit("SMS_LIMIT_COMPANY", &s.sms_limit_company)?;
        let (tenant_hour, tenant_day) = sms_limit("SMS_LIMIT_TENANT", &s.sms_limit_tenant)?;
        let sms_limits = SmsLimits { user_hour, user_day, company_hour, company_day, tenant_hour, tenant_day };
        let links = LinkSettings {
            public_api_url: http_url("PUBLIC_URL", s.public_url.unwrap_or_else(|| format!("http://{listen}")))?,
            ticket_url: template("TICKET_URL", s.ticket_url, Some("{ticket_id}"))?,
            change_request_url: template("CHANGE_REQUEST_URL", s.change_request_url, Some("{change_request_id}"))?,
            agent_login_url: template("AGENT_LOGIN_URL", s.agent_login_url, None)?,
            account_url: template("ACCOUNT_URL", s.account_url, None)?,
            ..LinkSettings::default()
        };
        if !(1..=365).contains(&s.session_max_age_days) {
            bail!("CLIENTDESK_SESSION_MAX_AGE_DAYS must be between 1 and 365");
        }
        if s.auth_requests_per_minute < 1 {
            bail!("CLIENTDESK_AUTH_REQUESTS_PER_MINUTE must be at least 1");
        }
        if !(3..=3600).contains(&s.idempotency_lease_seconds) {
            bail!("CLIENTDESK_IDEMPOTENCY_LEASE_SECONDS must be between 3 and 3600");
        }
        let http = HttpSettings {
            trusted_proxies: parse_proxies(&s.trusted_proxies.0)?,
            session_max_age: chrono::Duration::days(s.session_max_age_days),
            auth_requests_per_minute: s.auth_requests_per_minute,
            links,
            action_ttl: chrono::Duration::seconds(s.action_ttl_seconds),
            sms_limits,
            kb_search_cache: s.kb_search_cache,
            session_cache: s.session_cache,
            metrics_token: s.metrics_token,
            upload_concurrency: s.upload_concurrency,
            max_head_bytes: s.max_head_bytes,
            request_timeout: Duration::from_secs(s.request_timeout_seconds),
            idempotency_lease: chrono::Duration::seconds(s.idempotency_lease_seconds),
            vault_enabled,
            max_connections_per_client: s.max_connections_per_client,
            cors_origins: s.cors_origins.0,
            attachment_max_bytes: s.attachment_max_bytes,
            ticket_attachments_max_bytes: s.ticket_attachments_max_bytes,
            ..HttpSettings::default()
        };
        let mail = MailConfig {
            transport: match s.smtp_host {
                Some(host) => {
                    let tls = SmtpTls::parse(&s.smtp_tls).with_context(|| {
                        format!("CLIENTDESK_SMTP_TLS: {:?} is not none, starttls or tls", s.smtp_tls)
                    })?;
                    let credentials = match (s.smtp_username, s.smtp_password) {
                        (Some(user), Some(password)) => Some((user, password)),
                        (None, None) => None,
                        _ => bail!("CLIENTDESK_SMTP_USERNAME and CLIENTDESK_SMTP_PASSWORD go together"),
                    };
                    MailTransport::Smtp(SmtpSettings {
                        host,
                        port: s.smtp_port.unwrap_or(tls.default_port()),
                        tls,
                        credentials,
                    })
                }
                None => MailTransport::Files(s.mail_dir.unwrap_or_else(|| data_dir.join("mail"))),
            },
            from: s.mail_from,
        };
        let sms = match s.sms_gateway_url {
            Some(url) => {
                SmsTransport::Gateway(SmsGateway { url: http_url("SMS_GATEWAY_URL", url)?, token: s.sms_gateway_token })
            }
            None => SmsTransport::Files(s.sms_dir.unwrap_or_else(|| data_dir.join("sms"))),
        };
        if s.outbox_max_attempts < 1 {
            bail!("CLIENTDESK_OUTBOX_MAX_ATTEMPTS must be at least 1");
        }
        if http.upload_concurrency < 1 {
            bail!("CLIENTDESK_UPLOAD_CONCURRENCY must be at least 1");
        }
        if s.outbox_backoff_seconds < 1 || s.outbox_poll_millis < 1 {
            bail!("CLIENTDESK_OUTBOX_BACKOFF_SECONDS and CLIENTDESK_OUTBOX_POLL_MILLIS must be positive");
        }
        if !(3..=3600).contains(&s.outbox_lease_seconds) {
            bail!("CLIENTDESK_OUTBOX_LEASE_SECONDS must be between 3 and 3600");
        }
        let worker_defaults = WorkerSettings::default();
        // A first delay past the cap is the cap (and stays within chrono's range).
        let cap = worker_defaults.retry.cap;
        let outbox = WorkerSettings {
            retry: RetryPolicy {
                max_attempts: s.outbox_max_attempts,
                base: chrono::Duration::seconds(s.outbox_backoff_seconds.min(cap.num_seconds() as u64) as i64),
                ..worker_defaults.retry
            },
            poll: Duration::from_millis(s.outbox_poll_millis),
            lease: chrono::Duration::seconds(s.outbox_lease_seconds),
            ..worker_defaults
        };
        let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2);
        let password_hash_concurrency = s.password_hash_concurrency.unwrap_or(cores as usize);
        if password_hash_concurrency < 1 {
            bail!("CLIENTDESK_PASSWORD_HASH_CONCURRENCY must be at least 1");
        }
        Ok(Self {
            pool_size: s.pool_size.unwrap_or_else(|| default_pool_size(&database_url, cores)),
            database_url,
            listen,
            data_dir,
            signing_keys,
            hash_cost,
            password_hash_concurrency,
            http,
            pool_timeout: Duration::from_millis(s.pool_timeout_millis),
            sqlite_mmap_bytes: s.sqlite_mmap_bytes,
            workers: s.workers,
            shutdown_grace: Duration::from_secs(s.shutdown_grace_seconds),
            storage,
            mail,
            sms,
            outbox,
            outbox_worker: s.outbox_worker,
            master_key,
            metrics_listen: s.metrics_listen,
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
                // The test master key stands for a configured one.
                vault_enabled: true,
                attachment_max_bytes: 256 * 1024,
                ticket_attachments_max_bytes: 1024 * 1024,
                // Port 0 is replaced by the port bound (see `startup::Application::build`).
                // A short fold window, so tests that wait for delivery wait little; the folding
                // tests choose their own.
                links: LinkSettings {
                    public_api_url: "http://127.0.0.1:0".into(),
                    fold_window: chrono::Duration::seconds(1),
                    ..LinkSettings::default()
                },
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
                webhooks: clientdesk_app::webhooks::DeliveryPolicy {
                    retry: RetryPolicy {
                        base: chrono::Duration::milliseconds(100),
                        cap: chrono::Duration::seconds(1),
                        ..clientdesk_app::webhooks::DeliveryPolicy::default().retry
                    },
                    ..clientdesk_app::webhooks::DeliveryPolicy::default()
                },
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

#[cfg(test)]
mod tests {
    use super::*;

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

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn settings() -> Settings {
        Settings {
            data_dir: std::env::temp_dir().join(format!("clientdesk-config-{}", uuid::Uuid::new_v4())),
            jwt_secret: Some(KEY.into()),
            master_key: Some(KEY.into()),
            ..Settings::default()
        }
    }

    #[test]
    fn the_defaults_give_a_local_server_on_sqlite() {
        let s = settings();
        let dir = s.data_dir.clone();
        let config = Config::from_settings(s).unwrap();
        assert_eq!(config.database_url, dir.join("clientdesk.db").to_string_lossy());
        assert_eq!(config.listen, "127.0.0.1:8080");
        assert_eq!(config.http.links.public_api_url, "http://127.0.0.1:8080");
        assert!(config.pool_size >= 32, "SQLite gets at least 32 connections");
        assert_eq!(config.pool_timeout, Duration::from_secs(2));
        assert_eq!(config.shutdown_grace, Duration::from_secs(30));
        assert_eq!(config.http.sms_limits, SmsLimits::default());
        assert_eq!(config.http.session_max_age, HttpSettings::default().session_max_age);
        assert_eq!(config.outbox.retry.max_attempts, 8);
        assert_eq!(config.outbox.retry.base, chrono::Duration::seconds(30));
        assert_eq!(config.outbox.poll, WorkerSettings::default().poll);
        assert!(config.outbox_worker);
        assert!(matches!(&config.storage, StorageConfig::Local(d) if *d == dir.join("attachments")));
        assert!(matches!(&config.mail.transport, MailTransport::Files(d) if *d == dir.join("mail")));
        assert!(matches!(&config.sms, SmsTransport::Files(d) if *d == dir.join("sms")));
        assert_eq!(config.mail.from, DEFAULT_FROM);
    }

    #[test]
    fn the_vault_is_served_only_with_a_configured_master_key() {
        assert!(Config::from_settings(settings()).unwrap().http.vault_enabled);
        let generated = Config::from_settings(Settings { master_key: None, ..settings() }).unwrap();
        assert!(!generated.http.vault_enabled, "a key generated beside the database does not serve the vault");
    }

    #[test]
    fn an_smtp_host_selects_smtp_with_the_port_of_its_tls_mode() {
        let config =
            Config::from_settings(Settings { smtp_host: Some("mail.example.com".into()), ..settings() }).unwrap();
        let MailTransport::Smtp(smtp) = config.mail.transport else { panic!("SMTP expected") };
        assert_eq!((smtp.tls, smtp.port), (SmtpTls::Starttls, 587));
    }

    #[test]
    fn values_out_of_range_are_refused_naming_their_variable() {
        type Change = fn(&mut Settings);
        let cases: [(Change, &str); 12] = [
            (|s| s.action_ttl_seconds = 0, "CLIENTDESK_ACTION_TTL_SECONDS must be between 1 and 604800"),
            (|s| s.session_max_age_days = 366, "CLIENTDESK_SESSION_MAX_AGE_DAYS must be between 1 and 365"),
            (|s| s.auth_requests_per_minute = 0, "CLIENTDESK_AUTH_REQUESTS_PER_MINUTE must be at least 1"),
            (|s| s.idempotency_lease_seconds = 2, "CLIENTDESK_IDEMPOTENCY_LEASE_SECONDS must be between 3 and 3600"),
            (|s| s.outbox_max_attempts = 0, "CLIENTDESK_OUTBOX_MAX_ATTEMPTS must be at least 1"),
            (|s| s.upload_concurrency = 0, "CLIENTDESK_UPLOAD_CONCURRENCY must be at least 1"),
            (
                |s| s.outbox_poll_millis = 0,
                "CLIENTDESK_OUTBOX_BACKOFF_SECONDS and CLIENTDESK_OUTBOX_POLL_MILLIS must be positive",
            ),
            (|s| s.outbox_lease_seconds = 3601, "CLIENTDESK_OUTBOX_LEASE_SECONDS must be between 3 and 3600"),
            (|s| s.password_hash_concurrency = Some(0), "CLIENTDESK_PASSWORD_HASH_CONCURRENCY must be at least 1"),
            (
                |s| s.sms_limit_company = "30".into(),
                "CLIENTDESK_SMS_LIMIT_COMPANY: \"30\" is not <per hour>,<per day> (e.g. 5,10)",
            ),
            (
                |s| {
                    s.smtp_host = Some("mail.example.com".into());
                    s.smtp_tls = "ssl".into();
                },
                "CLIENTDESK_SMTP_TLS: \"ssl\" is not none, starttls or tls",
            ),
            (
                |s| {
                    s.smtp_host = Some("mail.example.com".into());
                    s.smtp_username = Some("desk".into());
                },
                "CLIENTDESK_SMTP_USERNAME and CLIENTDESK_SMTP_PASSWORD go together",
            ),
        ];
        for (change, message) in cases {
            let mut s = settings();
            change(&mut s);
            assert_eq!(Config::from_settings(s).err().map(|e| e.to_string()).as_deref(), Some(message));
        }
        let bucket_alone = Settings { s3_bucket: Some("files".into()), ..settings() };
        assert_eq!(Config::from_settings(bucket_alone).err().unwrap().to_string(), "CLIENTDESK_S3_ACCESS_KEY_ID");
        let short_key = Settings { jwt_secret: Some("abcd".into()), ..settings() };
        assert_eq!(Config::from_settings(short_key).err().unwrap().to_string(), "CLIENTDESK_JWT_SECRET");
    }
}

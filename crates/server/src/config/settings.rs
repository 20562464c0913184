//! Every setting, declared once: its name (the TOML key, and in upper case after `CLIENTDESK_` the
//! environment variable), its type, its default, and the default and meaning README.md's
//! configuration table shows (a test keeps that table equal to this list).
//!
//! figment merges the defaults, the TOML file and the variables, in that order, into [`Settings`];
//! [`super::Config`] then checks the values and derives what the server runs with.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clientdesk_app::crypto::password::HashCost;
use clientdesk_app::notify::LinkSettings;
use clientdesk_http::HttpSettings;
use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};

use crate::mail::DEFAULT_FROM;
use crate::outbox::WorkerSettings;

/// The prefix of every variable.
pub const PREFIX: &str = "CLIENTDESK_";

/// One row of the configuration table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The TOML key; the variable is `CLIENTDESK_` and this in upper case.
    pub key: &'static str,
    /// The default as the README shows it (Markdown).
    pub default: &'static str,
    /// What it governs (Markdown).
    pub meaning: &'static str,
}

impl Setting {
    pub fn variable(&self) -> String {
        format!("{PREFIX}{}", self.key.to_ascii_uppercase())
    }
}

/// Declares [`Settings`], its `Default`, and [`SETTINGS`] from one list, so a setting cannot be
/// added to one and not the others. Each entry: its meaning as doc lines, then
/// `key: Type = default value, shown "the default as the README says it";`.
macro_rules! settings {
    ($(
        $(#[doc = $meaning:literal])+
        $key:ident: $type:ty = $default:expr, shown $shown:literal;
    )*) => {
        /// The configuration as written in the TOML file and the variables, before it is checked.
        #[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Settings {
            $( $(#[doc = $meaning])+ pub $key: $type, )*
        }

        impl Default for Settings {
            fn default() -> Self {
                Self { $( $key: $default, )* }
            }
        }

        /// Every setting, in the order of README.md's table.
        pub const SETTINGS: &[Setting] = &[$(
            Setting { key: stringify!($key), default: $shown, meaning: concat!($($meaning),+) },
        )*];
    };
}

fn http() -> HttpSettings {
    HttpSettings::default()
}

fn links() -> LinkSettings {
    LinkSettings::default()
}

fn worker() -> WorkerSettings {
    WorkerSettings::default()
}

fn sms_limit(hour: i32, day: i32) -> String {
    format!("{hour},{day}")
}

settings! {
    /// `postgres://...`, `sqlite://path` or a file path
    database_url: Option<String> = None, shown "`./data/clientdesk.db`";
    /// address to listen on
    listen: String = "127.0.0.1:8080".into(), shown "`127.0.0.1:8080`";
    /// where the SQLite file and a generated signing key live
    data_dir: PathBuf = "data".into(), shown "`./data`";
    /// HTTP worker threads
    workers: Option<usize> = None, shown "one per core";
    /// database connections, which requests wait for in the order they came; on SQLite also how
    /// many writes can share a commit
    pool_size: Option<u32> = None, shown "4 per core (SQLite: at least 32)";
    /// how long a request waits for a database connection; once the database was found
    /// unreachable, 250 ms and 503 with `Retry-After`
    pool_timeout_millis: u64 = 2000, shown "2000";
    /// SQLite: how much of the database file each connection maps into memory (0: none); see
    /// [ARCHITECTURE](docs/ARCHITECTURE.md#memory) for how it shows in RSS
    sqlite_mmap_bytes: u64 = clientdesk_persistence::db::DEFAULT_SQLITE_MMAP_BYTES, shown "1073741824 (1 GiB)";
    /// callers' sessions each server process keeps, checked against their access versions at
    /// every request (0: none); see
    /// [ARCHITECTURE](docs/ARCHITECTURE.md#how-a-session-is-checked)
    session_cache: usize = http().session_cache, shown "10000";
    /// customers' knowledge-base search and suggestion answers each server process keeps (0:
    /// none); see [ARCHITECTURE](docs/ARCHITECTURE.md#knowledge-base)
    kb_search_cache: usize = http().kb_search_cache, shown "10000";
    /// hex, at least 256 bits; set the same on every process
    jwt_secret: Option<String> = None, shown "generated in the data dir, with a warning";
    /// hex, 256 bits; wraps the tenants' data keys that seal TOTP secrets and RMM keys at rest;
    /// set the same on every process and back it up: without it they cannot be read (see
    /// `docs/decisions/0004-secrets-at-rest.md`); the documentation vault is served only when it
    /// is set (`docs/decisions/0046-documentation-vault.md`)
    master_key: Option<String> = None,
        shown "generated in the data dir (`master-key`, mode 0600), with a warning";
    /// comma-separated origins allowed to call the API from a browser (in TOML, a list)
    cors_origins: List = List::default(), shown "none";
    /// comma-separated proxy addresses or networks (`10.0.0.5,10.1.0.0/16`; in TOML, a list);
    /// when the peer is one of them, the client is the right-most `X-Forwarded-For` address that
    /// is not; throttles and the audit log use it (see
    /// `docs/decisions/0001-sign-in-throttling.md`)
    trusted_proxies: List = List::default(), shown "none: the TCP peer is the client";
    /// password hash memory (KiB); stored hashes are upgraded at the next sign-in
    argon2_memory_kib: u32 = HashCost::default().memory_kib, shown "19456 (OWASP)";
    /// password hash iterations; stored hashes are upgraded at the next sign-in
    argon2_iterations: u32 = HashCost::default().iterations, shown "2 (OWASP)";
    /// passwords hashed or verified at once; the others wait, so hashing never takes the threads
    /// and cores database work needs
    password_hash_concurrency: Option<usize> = None, shown "one per core";
    /// requests one client address may make per minute to the unauthenticated `/api/v1/auth/*`
    /// endpoints, per server process; over it answers 429
    auth_requests_per_minute: i32 = http().auth_requests_per_minute, shown "120";
    /// how long a sign-in lasts at most, however often it is refreshed; then the user signs in
    /// again (1-365)
    session_max_age_days: i64 = http().session_max_age.num_days(), shown "30";
    /// largest request line and headers; past it the answer is 431
    max_head_bytes: usize = http().max_head_bytes, shown "16384";
    /// time a client has to send a request's body once its head has arrived (the head itself:
    /// 5 s); past it the answer is 408 and the connection is closed
    request_timeout_seconds: u64 = http().request_timeout.as_secs(), shown "30";
    /// open connections per client address (0: no limit); the requests of the extra ones answer
    /// 429. Behind a proxy that pools connections, raise it or set 0 (the benchmarks set 0)
    max_connections_per_client: usize = http().max_connections_per_client, shown "64";
    /// on SIGTERM, how long the server drains (answers the requests that reached it, with
    /// `Connection: close`) before it exits
    shutdown_grace_seconds: u64 = 30, shown "30";
    /// how long an unanswered `Idempotency-Key` claim holds retries off (409) once its request
    /// stopped renewing it (its process died); a live request renews it every third of this
    /// (3-3600)
    idempotency_lease_seconds: i64 = http().idempotency_lease.num_seconds(), shown "10";
    /// where attachment contents live (when no S3 bucket is set)
    attachments_dir: Option<PathBuf> = None, shown "`./data/attachments`";
    /// keep attachments in this bucket of an S3-compatible object storage instead (then the
    /// access key id and secret are required)
    s3_bucket: Option<String> = None, shown "none";
    /// the object storage's endpoint (an `http://` endpoint such as MinIO is addressed by path)
    s3_endpoint: Option<String> = None, shown "AWS";
    /// the bucket's region
    s3_region: String = "us-east-1".into(), shown "`us-east-1`";
    /// the object storage's access key id
    s3_access_key_id: Option<String> = None, shown "none";
    /// the object storage's secret access key
    s3_secret_access_key: Option<String> = None, shown "none";
    /// largest attachment file; over it answers 413
    attachment_max_bytes: usize = http().attachment_max_bytes, shown "10485760 (10 MiB)";
    /// largest total of a ticket's attachments; over it answers 413
    ticket_attachments_max_bytes: i64 = http().ticket_attachments_max_bytes, shown "52428800 (50 MiB)";
    /// attachment uploads read at once per process; more answer 503 with `Retry-After`
    upload_concurrency: usize = http().upload_concurrency, shown "8";
    /// this API as mail readers and the RMM reach it (decision links, the action callback)
    public_url: Option<String> = None, shown "`http://<CLIENTDESK_LISTEN>`";
    /// the front end's ticket page that e-mails link to (a template; the placeholder is
    /// required)
    ticket_url: String = links().ticket_url, shown "`http://localhost:3000/tickets/{ticket_id}`";
    /// the front end's change-request page that e-mails link to (a template; the placeholder is
    /// required)
    change_request_url: String = links().change_request_url,
        shown "`http://localhost:3000/change-requests/{change_request_id}`";
    /// the front end's page a browser opening an agent link is sent to
    agent_login_url: String = links().agent_login_url, shown "`http://localhost:3000/agent-login`";
    /// the front end's account pages that e-mails link to: `/set-password`, `/reset-password`
    /// and `/confirm-email` (with `#token=...`), `/role-requests`
    account_url: String = links().account_url, shown "`http://localhost:3000/account`";
    /// how long a self-service action waits for the RMM's result before it expires
    action_ttl_seconds: i64 = http().action_ttl.num_seconds(), shown "900";
    /// the SMTP relay for outgoing mail
    smtp_host: Option<String> = None, shown "none: mail is written as `.eml` files to `CLIENTDESK_MAIL_DIR`";
    /// the relay's port
    smtp_port: Option<u16> = None, shown "by TLS mode: 25, 587, 465";
    /// `none`, `starttls` (refuses a relay without it) or `tls`
    smtp_tls: String = "starttls".into(), shown "`starttls`";
    /// user name for the relay (with the password, or neither)
    smtp_username: Option<String> = None, shown "none";
    /// password for the relay (with the user name, or neither)
    smtp_password: Option<String> = None, shown "none";
    /// the `From` of every message
    mail_from: String = DEFAULT_FROM.into(), shown "`clientdesk <clientdesk@localhost>`";
    /// where mail goes as `.eml` files when no SMTP host is set
    mail_dir: Option<PathBuf> = None, shown "`./data/mail`";
    /// an HTTP SMS gateway, sent `POST {"to": ..., "text": ...}` as JSON
    sms_gateway_url: Option<String> = None, shown "none: SMS are written as `.txt` files to `CLIENTDESK_SMS_DIR`";
    /// sent to the gateway as `Authorization: Bearer <token>`
    sms_gateway_token: Option<String> = None, shown "none";
    /// where SMS go as `.txt` files when no gateway is set
    sms_dir: Option<PathBuf> = None, shown "`./data/sms`";
    /// SMS (phone and step-up codes, temporary passwords) a user may cause per clock hour and per
    /// UTC day, written `<hour>,<day>`; counted before sending, over the limit answers 429 with
    /// `Retry-After`. Where SMS may go: `PUT /api/v1/tenant/sms-policy`
    sms_limit_user: String = sms_limit(http().sms_limits.user_hour, http().sms_limits.user_day), shown "`5,10`";
    /// the same for each of the user's companies
    sms_limit_company: String = sms_limit(http().sms_limits.company_hour, http().sms_limits.company_day),
        shown "`30,100`";
    /// the same for the tenant
    sms_limit_tenant: String = sms_limit(http().sms_limits.tenant_hour, http().sms_limits.tenant_day),
        shown "`200,1000`";
    /// delivery attempts before a message is dead (staff can retry it)
    outbox_max_attempts: i32 = worker().retry.max_attempts, shown "8";
    /// first retry delay, doubled at each failure, at most an hour
    outbox_backoff_seconds: u64 = worker().retry.base.num_seconds().unsigned_abs(), shown "30";
    /// how often an idle worker looks for due messages
    outbox_poll_millis: u64 = u64::try_from(worker().poll.as_millis()).unwrap_or(u64::MAX), shown "1000";
    /// how long a worker's claimed batch stays out of other workers' reach; renewed every third
    /// of it while the worker delivers, so it is how long the batch of a worker that died waits
    /// before another retries it (3-3600)
    outbox_lease_seconds: i64 = worker().lease.num_seconds(), shown "30";
    /// whether `serve` runs an outbox worker; set `false` where `clientdesk worker` processes
    /// deliver
    outbox_worker: bool = true, shown "`true`";
    /// serve `/metrics` (Prometheus, no token) on this address of its own; keep it off the public
    /// network
    metrics_listen: Option<String> = None, shown "none";
    /// serve `/metrics` on `CLIENTDESK_LISTEN` too, to `Authorization: Bearer <token>` only; with
    /// neither setting `/metrics` answers 404
    metrics_token: Option<String> = None, shown "none";
}

/// Variables read before the settings, so not settings themselves (no TOML key).
pub const ENVIRONMENT_ONLY: &[Setting] = &[
    Setting {
        key: "config",
        default: "`./clientdesk.toml` when present",
        meaning: "the TOML file of settings, under these variables",
    },
    Setting {
        key: "log",
        default: "`info`",
        meaning: "tracing filter; each request is logged with its request id (`X-Request-Id`), successes at \
            `debug`, refusals at `info`; a decision link's token is logged as `[redacted]`",
    },
];

/// A list: comma-separated in a variable, a TOML array in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct List(pub Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> serde::de::Visitor<'de> for ListVisitor {
            type Value = List;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a comma-separated string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<List, E> {
                Ok(List(text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<List, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// The `CLIENTDESK_*` variables that name a setting and are not blank (blank means unset).
/// figment's own `Env` provider would read each value as TOML-like data, turning a secret made of
/// digits into a number; these stay text, and the lossy extraction parses numbers from them.
pub struct Variables(Vec<(String, String)>);

const VARIABLES: &str = "environment variable";

impl Variables {
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os())
    }

    pub fn from_pairs<N: Into<OsString>, V: Into<OsString>>(vars: impl IntoIterator<Item = (N, V)>) -> Self {
        let known = vars.into_iter().filter_map(|(name, value)| {
            let name = name.into().into_string().ok()?;
            let upper = name.strip_prefix(PREFIX)?;
            let key = upper.to_ascii_lowercase();
            let value = value.into().into_string().ok()?;
            let is_setting = upper == upper.to_ascii_uppercase() && SETTINGS.iter().any(|s| s.key == key);
            (is_setting && !value.trim().is_empty()).then_some((key, value))
        });
        Self(known.collect())
    }

    fn raw(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl Provider for Variables {
    fn metadata(&self) -> Metadata {
        Metadata::named(VARIABLES).interpolater(|_, keys| format!("{PREFIX}{}", keys.join("_").to_ascii_uppercase()))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let dict = self.0.iter().map(|(key, value)| (key.clone(), Value::from(value.clone()))).collect();
        Ok(Profile::Default.collect(dict))
    }
}

impl Settings {
    /// The file named by `CLIENTDESK_CONFIG` (default `./clientdesk.toml`, when present) under the
    /// process's variables.
    pub fn load() -> anyhow::Result<Self> {
        let variables = Variables::from_process();
        let path = std::env::var(format!("{PREFIX}CONFIG"))
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map_or_else(|| PathBuf::from("clientdesk.toml"), PathBuf::from);
        if path.exists() {
            // Read here rather than by figment, so an unreadable file is an error and not skipped.
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow!(e).context(format!("reading {}", path.display())))?;
            Self::from_sources(Some((&path, &text)), variables)
        } else {
            Self::from_sources(None, variables)
        }
    }

    /// The defaults, under the TOML `file` (its path, for messages, and its text), under the
    /// variables.
    pub fn from_sources(file: Option<(&Path, &str)>, variables: Variables) -> anyhow::Result<Self> {
        let mut figment = Figment::new();
        if let Some((_, text)) = file {
            figment = figment.merge(Toml::string(text));
        }
        let figment = figment.merge(&variables);
        figment.extract_lossy().map_err(|error| {
            let from_variable = error.metadata.as_ref().is_some_and(|m| m.name == VARIABLES);
            match (from_variable, error.path.last()) {
                (true, Some(key)) => {
                    let value = variables.raw(key).unwrap_or_default();
                    anyhow!("{PREFIX}{}: cannot parse {value:?}", key.to_ascii_uppercase())
                }
                (_, key) => {
                    let path = file.map_or_else(|| "the configuration".into(), |(path, _)| path.display().to_string());
                    match key {
                        Some(_) => anyhow!("parsing {path}: {}: {}", error.path.join("."), error.kind),
                        None => anyhow!("parsing {path}: {}", error.kind),
                    }
                }
            }
        })
    }
}

/// README.md's configuration table, from [`SETTINGS`] and [`ENVIRONMENT_ONLY`].
pub fn readme_table() -> String {
    let mut table = String::from("| variable | default | meaning |\n| --- | --- | --- |\n");
    for setting in SETTINGS.iter().chain(ENVIRONMENT_ONLY) {
        let meaning = setting.meaning.split_whitespace().collect::<Vec<_>>().join(" ");
        table.push_str(&format!("| `{}` | {} | {} |\n", setting.variable(), setting.default, meaning));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: Option<&str>, vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        Settings::from_sources(
            toml.map(|text| (Path::new("clientdesk.toml"), text)),
            Variables::from_pairs(vars.to_vec()),
        )
    }

    #[test]
    fn nothing_set_gives_the_defaults() {
        assert_eq!(load(None, &[]).unwrap(), Settings::default());
        assert_eq!(load(Some(""), &[]).unwrap(), Settings::default());
        let defaults = Settings::default();
        assert_eq!(defaults.listen, "127.0.0.1:8080");
        assert_eq!(defaults.data_dir, PathBuf::from("data"));
        assert_eq!(defaults.session_max_age_days, 30);
        assert_eq!(defaults.sms_limit_company, "30,100");
        assert_eq!(defaults.outbox_poll_millis, 1000);
        assert_eq!(defaults.database_url, None);
    }

    #[test]
    fn variables_override_the_file_which_overrides_the_defaults() {
        let file = "listen = \"0.0.0.0:9000\"\npool_size = 12\ncors_origins = [\"https://a.example\"]\n\
                    outbox_worker = false\nmail_from = \"desk <desk@example.com>\"\n";
        let settings = load(
            Some(file),
            &[
                ("CLIENTDESK_POOL_SIZE", "20"),
                ("CLIENTDESK_CORS_ORIGINS", " https://b.example, ,https://c.example "),
                // Blank is unset, and so is a name that is not all capitals or not a setting.
                ("CLIENTDESK_LISTEN", "  "),
                ("CLIENTDESK_mail_from", "x"),
                ("CLIENTDESK_LOG", "debug"),
                // A secret made of digits stays text.
                ("CLIENTDESK_JWT_SECRET", "0123456789"),
            ],
        )
        .unwrap();
        assert_eq!(settings.listen, "0.0.0.0:9000");
        assert_eq!(settings.pool_size, Some(20));
        assert_eq!(settings.cors_origins, List(vec!["https://b.example".into(), "https://c.example".into()]));
        assert!(!settings.outbox_worker);
        assert_eq!(settings.mail_from, "desk <desk@example.com>");
        assert_eq!(settings.jwt_secret.as_deref(), Some("0123456789"));
        assert_eq!(settings.session_cache, Settings::default().session_cache);
    }

    #[test]
    fn a_bad_value_names_its_variable_or_its_file() {
        let err = load(Some("pool_size = 4"), &[("CLIENTDESK_POOL_SIZE", "many")]).unwrap_err();
        assert_eq!(err.to_string(), "CLIENTDESK_POOL_SIZE: cannot parse \"many\"");
        let err = load(None, &[("CLIENTDESK_SMTP_PORT", "70000")]).unwrap_err();
        assert_eq!(err.to_string(), "CLIENTDESK_SMTP_PORT: cannot parse \"70000\"");
        let err = load(Some("pool_size = \"many\""), &[]).unwrap_err().to_string();
        assert!(err.starts_with("parsing clientdesk.toml: ") && err.contains("pool_size"), "{err}");
        let err = load(Some("pool_sise = 4"), &[]).unwrap_err().to_string();
        assert!(err.starts_with("parsing clientdesk.toml: ") && err.contains("pool_sise"), "{err}");
        let err = load(Some("listen = "), &[]).unwrap_err().to_string();
        assert!(err.starts_with("parsing clientdesk.toml: "), "{err}");
    }

    #[test]
    fn the_readme_shows_every_setting_with_its_default() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
        let start = readme.find("| variable | default | meaning |").expect("README.md has the configuration table");
        let end = readme[start..].find("\n\n").map_or(readme.len(), |n| start + n + 1);
        let expected = readme_table();
        assert!(
            readme[start..end] == expected,
            "README.md's configuration table differs from the settings; it should read:\n\n{expected}"
        );
    }

    #[test]
    fn the_shown_defaults_are_the_real_ones() {
        let defaults = serde_json::to_value(Settings::default()).unwrap();
        let defaults = defaults.as_object().unwrap();
        assert_eq!(defaults.len(), SETTINGS.len());
        for setting in SETTINGS {
            let shown = match &defaults[setting.key] {
                serde_json::Value::Null => continue,
                serde_json::Value::Array(items) if items.is_empty() => continue,
                serde_json::Value::String(text) => text.clone(),
                value => value.to_string(),
            };
            assert!(
                setting.default.contains(&shown),
                "{}: the default is {shown}, shown {:?}",
                setting.key,
                setting.default
            );
        }
    }
}

//! `TestApp`: the real server on a random port against its own fresh database (a SQLite file or
//! a PostgreSQL database cloned from a migrated template), loaded with the demo tenant, driven
//! over HTTP with reqwest. The database is removed when the app is dropped.

use std::collections::HashMap;
use std::sync::Mutex;

use clientdesk_http::AppState;
use clientdesk_server::config::Config;
use clientdesk_server::seed::{self, DemoUser};
use clientdesk_server::startup::Application;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::pg;

pub const PASSWORD: &str = seed::DEMO_PASSWORD;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub users: Vec<DemoUser>,
    /// The port of the metrics' own address, when configured.
    pub metrics_port: Option<u16>,
    /// Drains and stops the server, as SIGTERM does.
    pub stopper: clientdesk_server::startup::Stopper,
    /// The running server, which ends once it has stopped.
    pub served: Mutex<Option<tokio::task::JoinHandle<std::io::Result<()>>>>,
    config: Config,
    database: Database,
    /// Last TOTP step used per user, so each sign-in uses a fresh code like a person would.
    steps: Mutex<HashMap<String, u64>>,
}

enum Database {
    Sqlite(std::path::PathBuf),
    Postgres(String),
    /// A database the test owns (e.g. on a cluster of its own), left to it.
    External,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.database {
            Database::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Database::Postgres(url) => pg::drop_database(url),
            Database::External => {}
        }
        if let clientdesk_server::mail::MailTransport::Files(dir) = &self.config.mail.transport {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let clientdesk_server::sms::SmsTransport::Files(dir) = &self.config.sms {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let clientdesk_server::config::StorageConfig::Local(dir) = &self.config.storage {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Runs a test body on each backend: given a started `TestApp`, or with `backend =>`, given the
/// backend so the body can configure and start the app itself (`TestApp::spawn_with`).
#[macro_export]
macro_rules! on_both {
    ($name:ident, backend => $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::harness::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::harness::Backend::Postgres).await;
            }
        }
    };
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::harness::TestApp::spawn($crate::harness::Backend::Sqlite).await;
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::harness::TestApp::spawn($crate::harness::Backend::Postgres).await;
                ($body)(app).await;
            }
        }
    };
}

static SQLITE_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts the app with a test configuration changed by `configure` (mail transport, outbox
    /// timings, ...).
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let (url, database) = match backend {
            Backend::Sqlite => {
                let n = SQLITE_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let path = std::env::temp_dir().join(format!("clientdesk-test-{}-{n}.db", std::process::id()));
                (path.to_string_lossy().into_owned(), Database::Sqlite(path))
            }
            Backend::Postgres => {
                let url = tokio::task::spawn_blocking(pg::fresh_database_url).await.expect("pg database");
                (url.clone(), Database::Postgres(url))
            }
        };
        Self::start(&url, database, configure).await
    }

    /// Starts the app on a database the test owns and removes itself (its own PostgreSQL cluster).
    pub async fn spawn_on(url: &str, configure: impl FnOnce(&mut Config)) -> Self {
        Self::start(url, Database::External, configure).await
    }

    async fn start(url: &str, database: Database, configure: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_tests(url);
        configure(&mut config);
        let app = Application::build(&config).expect("the server starts");
        let port = app.port();
        let metrics_port = app.metrics_port();
        let state = app.state().clone();
        let stopper = app.stopper();
        let served = tokio::spawn(app.run_until_stopped());
        let (db, hasher) = (state.db.clone(), state.hasher.clone());
        let demo =
            tokio::task::spawn_blocking(move || seed::demo(&db, &hasher)).await.unwrap().expect("demo data loads");
        Self {
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            state,
            users: demo.users,
            metrics_port,
            stopper,
            served: Mutex::new(Some(served)),
            config,
            database,
            steps: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration the server was started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Starts a second server process-alike (its own pool, state and port) on the same database
    /// and signing key; returns its base URL.
    pub fn second_server(&self) -> String {
        let app = Application::build(&self.config).expect("the second server starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        base
    }

    /// Moves the user's last phone change back by `hours`, as if it had been made then (SMS
    /// step-up is refused for a day after a change).
    pub async fn phone_changed_hours_ago(&self, email: &'static str, hours: i64) {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            use clientdesk_persistence::schema::users;
            use diesel::prelude::*;
            let at = (chrono::Utc::now() - chrono::Duration::hours(hours)).naive_utc();
            diesel::update(users::table.filter(users::email.eq(email)))
                .set(users::phone_changed_at.eq(Some(at)))
                .execute(&mut *db.conn().unwrap())
                .unwrap();
        })
        .await
        .unwrap();
    }

    /// The directory attachment contents go to (tests store locally, removed with the app).
    pub fn attachments_dir(&self) -> &std::path::Path {
        match &self.config.storage {
            clientdesk_server::config::StorageConfig::Local(dir) => dir,
            clientdesk_server::config::StorageConfig::S3(_) => panic!("tests store attachments locally"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(t) => builder.bearer_auth(t),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.request(Method::POST, path, token).json(&body).send().await.unwrap()
    }

    pub async fn send(&self, method: Method, path: &str, token: &str, body: Value) -> Response {
        self.request(method, path, Some(token)).json(&body).send().await.unwrap()
    }

    pub fn secret(&self, email: &str) -> String {
        self.users.iter().find(|u| u.email == email).and_then(|u| u.totp_secret.clone()).expect("demo user with TOTP")
    }

    /// The next unused code of `secret`, as an authenticator app shows it now (one step of drift
    /// either way is accepted, so up to three sign-ins fit in one 30-second step).
    pub fn code_for(&self, key: &str, secret: &str) -> String {
        let now = chrono::Utc::now().timestamp() as u64 / 30;
        let mut steps = self.steps.lock().unwrap();
        let step = steps.get(key).map_or(now - 1, |last| (last + 1).max(now - 1));
        assert!(step <= now + 1, "too many sign-ins of {key} within one TOTP step");
        steps.insert(key.to_owned(), step);
        totp_code(secret, step)
    }

    pub fn code(&self, email: &str) -> String {
        let secret = self.secret(email);
        self.code_for(email, &secret)
    }

    pub async fn password_step(&self, email: &str, password: &str) -> Response {
        self.post("/api/v1/auth/login", None, json!({"tenant": "demo", "email": email, "password": password})).await
    }

    /// Signs a demo user in with password and TOTP; returns the token pair.
    pub async fn sign_in(&self, email: &str) -> Value {
        let res = self.password_step(email, PASSWORD).await;
        assert_eq!(res.status(), 200, "password step of {email}");
        let body: Value = res.json().await.unwrap();
        if body["status"] == "authenticated" {
            return body;
        }
        assert_eq!(body["status"], "mfa_required", "{body}");
        let verify = |code: String| {
            self.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": body["mfa_token"], "code": code}))
        };
        let mut res = verify(self.code(email)).await;
        if res.status() == 401 {
            // A code of the previous step, made in its last moments, can reach a busy server after
            // the step ended; the next step's code is then still in the window.
            res = verify(self.code(email)).await;
        }
        assert_eq!(res.status(), 200, "code step of {email}");
        res.json().await.unwrap()
    }

    pub async fn token(&self, email: &str) -> String {
        self.sign_in(email).await["access_token"].as_str().unwrap().to_owned()
    }

    /// A second tenant, "other", whose provider admin signs in with a password only; returns its
    /// access token.
    pub async fn other_tenant_admin(&self) -> String {
        let db = self.state.db.clone();
        let hasher = self.state.hasher.clone();
        tokio::task::spawn_blocking(move || {
            let done =
                clientdesk_server::seed::bootstrap(&db, "other", "Other MSP", "boss@other.example", "Boss").unwrap();
            let mut conn = db.conn().unwrap();
            let defaults = clientdesk_domain::settings::PortalSettings {
                two_factor: clientdesk_domain::settings::TwoFactorPolicy::Optional,
                ..Default::default()
            };
            clientdesk_persistence::tenants::set_defaults(&mut conn, done.tenant_id, &defaults).unwrap();
            let user =
                clientdesk_persistence::users::find_by_email(&mut conn, done.tenant_id, "boss@other.example").unwrap();
            let hash = hasher.hash("boss passphrase 1").unwrap();
            clientdesk_persistence::users::set_password_hash(&mut conn, user.id, &hash, false, chrono::Utc::now())
                .unwrap();
        })
        .await
        .unwrap();
        let res = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"tenant": "other", "email": "boss@other.example", "password": "boss passphrase 1"}),
            )
            .await;
        res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
    }
}

pub fn totp_code(secret: &str, step: u64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, "t".into()).unwrap().generate(step * 30)
}

/// The field error of a 422 problem about `name`: a body member as a JSON pointer (`/title`,
/// `/memberships/0/roles`; `""` for the body as a whole) or a top-level field name (`title`), a
/// query parameter or a header. Every field error must carry a `code` and a `detail`.
pub fn fault<'a>(problem: &'a Value, name: &str) -> Option<&'a Value> {
    let pointer = if name.is_empty() || name.starts_with('/') { name.to_owned() } else { format!("/{name}") };
    let found = problem["errors"]
        .as_array()?
        .iter()
        .find(|e| e["pointer"].as_str() == Some(pointer.as_str()) || e["parameter"] == name || e["header"] == name)?;
    assert!(found["code"].is_string() && found["detail"].is_string(), "{found}");
    Some(found)
}

/// Whether a 422 points at a batch row's field (`/upsert/1/company_id`) and names the row (its
/// id in the detail).
pub fn row_fault(problem: &Value, pointer: &str, row: &str) -> bool {
    fault(problem, pointer).is_some_and(|e| e["detail"].as_str().unwrap_or("").contains(row))
}

/// Asserts a problem+json answer with this status; returns its body.
pub async fn problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status(), status, "expected {status}");
    let content_type = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    let kind = body["type"].as_str().unwrap().rsplit('/').next().unwrap().replace('-', "_");
    assert_eq!(body["code"], kind.as_str(), "the code names the problem's type: {body}");
    body
}

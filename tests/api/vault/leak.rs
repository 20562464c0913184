//! A planted secret appears in no log line of the server and in no answer of a scripted session
//! but the reveal's. The server is this test binary run again with only `log_child`, logging
//! everything at debug level to its stderr, which the test reads back.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use clientdesk_server::config::Config;
use clientdesk_server::startup::Application;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::process::Command;

use super::*;
use crate::harness::{Backend, TestApp, PASSWORD};
use crate::on_both;

const DATABASE: &str = "CLIENTDESK_TEST_VAULT_DATABASE_URL";
const SIGNING_KEY: &str = "CLIENTDESK_TEST_VAULT_SIGNING_KEY";
const MASTER_KEY: &str = "CLIENTDESK_TEST_VAULT_MASTER_KEY";
const PORT_FILE: &str = "CLIENTDESK_TEST_VAULT_PORT_FILE";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// Not a test of its own: the server process `a_planted_secret_is_only_in_its_reveal` starts.
/// Without its environment it returns at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the server process that the vault's leak test starts"]
async fn log_child() {
    let Ok(url) = std::env::var(DATABASE) else { return };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_writer(std::io::stderr)
        .init();
    let mut config = Config::for_tests(&url);
    config.signing_keys[0].secret = unhex(&std::env::var(SIGNING_KEY).unwrap());
    config.master_key = unhex(&std::env::var(MASTER_KEY).unwrap()).try_into().unwrap();
    let app = Application::build(&config).expect("the child server starts");
    let port_file = PathBuf::from(std::env::var(PORT_FILE).unwrap());
    std::fs::write(port_file.with_extension("tmp"), app.port().to_string()).unwrap();
    std::fs::rename(port_file.with_extension("tmp"), &port_file).unwrap();
    app.run_until_stopped().await.expect("the child server runs");
}

/// Every answer of the session, as text.
struct Session<'a> {
    app: &'a TestApp,
    base: String,
    answers: Vec<(String, String)>,
}

impl Session<'_> {
    async fn call(&mut self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Value {
        let mut request = self.app.client.request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let res = request.send().await.unwrap();
        let head = format!("{:?}", res.headers());
        let text = res.text().await.unwrap();
        self.answers.push((format!("{method} {path}"), format!("{head}\n{text}")));
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn sign_in(&mut self, email: &str) -> String {
        let body = json!({"tenant": "demo", "email": email, "password": PASSWORD});
        let first = self.call(Method::POST, "/api/v1/auth/login", None, Some(body)).await;
        let code = self.app.code(email);
        let verify = json!({"mfa_token": first["mfa_token"], "code": code});
        let done = self.call(Method::POST, "/api/v1/auth/mfa/verify", None, Some(verify)).await;
        done["access_token"].as_str().expect("signed in").to_owned()
    }
}

on_both!(a_planted_secret_is_only_in_its_reveal, backend => |backend: Backend| async move {
    let app = TestApp::spawn(backend).await;
    let planted = format!("Planted-{}-Zq9", std::process::id());
    let dir = std::env::temp_dir();
    let n = format!("{}-{:?}", std::process::id(), backend);
    let (port_file, log_file) = (dir.join(format!("clientdesk-vault-{n}.port")), dir.join(format!("clientdesk-vault-{n}.log")));
    let log = std::fs::File::create(&log_file).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["vault::leak::log_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(DATABASE, &app.config().database_url)
        .env(SIGNING_KEY, hex(&app.config().signing_keys[0].secret))
        .env(MASTER_KEY, hex(&app.config().master_key))
        .env(PORT_FILE, &port_file)
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("the test binary runs again");
    let started = Instant::now();
    let port = loop {
        if let Ok(port) = std::fs::read_to_string(&port_file) {
            break port;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the child server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = std::fs::remove_file(&port_file);
    let mut s = Session { app: &app, base: format!("http://127.0.0.1:{port}"), answers: Vec::new() };

    // The scripted session: staff store and change the entry, with mistakes on the way; the
    // portal admin grants a reader, who lists, reads, fails to reveal, steps up and reveals.
    let staff = s.sign_in(STAFF).await;
    let companies = s.call(Method::GET, "/api/v1/companies", Some(&staff), None).await;
    let contoso = companies["items"].as_array().unwrap().iter().find(|c| c["name"] == "Contoso Ltd").unwrap()["id"]
        .as_i64()
        .unwrap();
    let url = entries(contoso);
    let bad = json!({"title": "Firewall", "secret": &planted, "url": "no scheme"});
    s.call(Method::POST, &url, Some(&staff), Some(bad)).await;
    s.call(Method::POST, &url, Some(&staff), Some(json!({"title": "Firewall", "totp_seed": &planted}))).await;
    s.call(Method::POST, &url, Some(&staff), Some(json!({"title": "Firewall", "secret": &planted, "tags": 3}))).await;
    let body = json!({"title": "Firewall", "username": "admin", "secret": &planted, "notes": "the break-glass account"});
    let id = s.call(Method::POST, &url, Some(&staff), Some(body)).await["id"].as_i64().expect("created");
    s.call(Method::GET, &url, Some(&staff), None).await;
    s.call(Method::GET, &entry(id), Some(&staff), None).await;
    s.call(Method::PUT, &entry(id), Some(&staff), Some(json!({"title": "Firewall admin", "secret": &planted}))).await;
    let paula = s.sign_in(PAULA).await;
    let pat = s.call(Method::GET, &format!("/api/v1/companies/{contoso}/contacts?q=pat.plus"), Some(&paula), None).await;
    let pat_id = pat["items"][0]["id"].as_i64().unwrap();
    let roles = json!({"roles": ["portal_user_plus", "vault_reader"]});
    s.call(Method::PUT, &format!("/api/v1/companies/{contoso}/contacts/{pat_id}/roles"), Some(&paula), Some(roles)).await;
    let reader = s.sign_in(PAT_PLUS).await;
    s.call(Method::GET, &url, Some(&reader), None).await;
    s.call(Method::GET, &entry(id), Some(&reader), None).await;
    s.call(Method::POST, &reveal_of(id), Some(&reader), None).await;
    let code = app.code(PAT_PLUS);
    s.call(Method::POST, "/api/v1/me/step-up", Some(&reader), Some(json!({"code": code}))).await;
    let revealed = s.call(Method::POST, &reveal_of(id), Some(&reader), None).await;
    assert_eq!(revealed["secret"], planted.as_str());
    s.call(Method::GET, &entry(id), Some(&reader), None).await;
    s.call(Method::GET, &format!("/api/v1/companies/{contoso}/vault/reveals"), Some(&paula), None).await;
    let admin = s.sign_in(ADMIN).await;
    s.call(Method::GET, "/api/v1/audit-events", Some(&admin), None).await;
    s.call(Method::DELETE, &entry(id), Some(&staff), None).await;

    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let logs = std::fs::read_to_string(&log_file).unwrap();
    let _ = std::fs::remove_file(&log_file);
    assert!(logs.contains(&format!("/api/v1/vault/entries/{id}/reveal")), "the log was captured: {logs}");
    assert!(!logs.contains(&planted), "the planted secret is in the server's log");
    let holding: Vec<&str> = s.answers.iter().filter(|(_, text)| text.contains(&planted)).map(|(call, _)| call.as_str()).collect();
    assert_eq!(holding, [format!("POST /api/v1/vault/entries/{id}/reveal")], "only the reveal answers the secret");
    // Neither the audit log nor the reveal log holds it.
    let db = app.state.db.clone();
    let stored = tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::{audit_events, vault_reveals};
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        let details: Vec<Option<String>> = audit_events::table.select(audit_events::detail).load(&mut *conn).unwrap();
        let titles: Vec<String> = vault_reveals::table.select(vault_reveals::entry_title).load(&mut *conn).unwrap();
        (details, titles)
    })
    .await
    .unwrap();
    assert_eq!(stored.1, ["Firewall admin"]);
    assert!(stored.0.iter().flatten().all(|d| !d.contains(&planted)));
});
